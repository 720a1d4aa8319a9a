"""Curated-answer matching with the real encoder: paraphrases match, other questions on the same topic do not;
citations come from the live version, and an entry whose passage is gone is reported, never served."""
from __future__ import annotations

import pytest

# entry -> (its phrasings, NEW paraphrases that must match it, near-misses on the same topic that must not)
TABLE = {
    "summer_signup": (
        ["暑托班什么时候报名", "暑托班几号开始报名", "暑期托管班报名时间是什么时候"],
        ["暑托班哪天可以报名啊", "孩子暑托班啥时候能报名", "暑假托管班报名什么时候开始", "暑托班报名啥时候开始？",
         "暑托班报名从哪天开始"],
        ["暑托班今年办多少个班", "暑托班收费多少", "暑托班在哪里办", "托育机构新增几家", "今年新增多少学位",
         "暑托班是全天的吗", "暑托班几点接孩子"],
    ),
    "elder_bus_card": (
        ["老年人公交卡怎么办理", "老人乘车卡在哪里办", "办理老年公交卡需要什么材料"],
        ["我爸想办老年公交卡去哪办", "老年人乘车卡如何申请", "老人公交卡办理流程", "老年公交卡在哪儿办理"],
        ["今年新增几条公交线路", "老年人助餐点有多少个", "公交站点新增多少个", "家庭养老床位建多少张",
         "老年公交卡免费吗", "老人坐公交要钱吗"],
    ),
    "talent_apartment_apply": (
        ["人才公寓怎么申请", "人才公寓申请条件是什么", "如何申请人才公寓"],
        ["人才公寓要怎么申请啊", "申请人才公寓需要什么条件", "怎样申请人才公寓"],
        ["人才公寓今年新增多少套", "人才公寓在哪里", "保障性租赁住房有多少套", "人才公寓租金多少", "人才公寓能住几年"],
    ),
    "summer_signup_en": (
        ["暑托班什么时候报名", "When does registration for the summer day camp open?",
         "When do summer camp sign-ups start?"],
        ["What day does summer camp registration open?"],
        ["How many summer camps will there be?", "How much does the summer camp cost?", "How many new bus routes?"],
    ),
}


def table_entries(kb) -> dict:
    """One entry per table row, all citing the 暑托班 passage (matching does not read the passage)."""
    from knowledge import CuratedEntry

    passage = next(p for p in kb.passages if "暑托班" in p.text)
    return {name: CuratedEntry(i + 1, 1, f"标准答复 {name}", tuple(phrasings), passage.id)
            for i, (name, (phrasings, _, _)) in enumerate(TABLE.items())}


def test_paraphrases_match_and_near_misses_do_not(kb):
    from knowledge.curated import matcher_for

    matcher = matcher_for(kb)
    entries = table_entries(kb)
    chinese = [e for name, e in entries.items() if not name.endswith("_en")]
    misses, false_matches, leads = [], [], []
    for name, (_, paraphrases, near) in TABLE.items():
        # The Chinese entries compete with each other; the English row is its own pool (it shares a phrasing).
        pool = [entries[name]] if name.endswith("_en") else chinese
        for question in paraphrases:
            found = matcher.match(question, pool)
            if found is None or found.entry != entries[name]:
                misses.append(question)
            else:
                leads.append(found.score - found.threshold)
        for question in near:
            found = matcher.match(question, pool)
            if found is not None:
                false_matches.append((question, found.phrasing, round(found.score, 3), round(found.threshold, 3)))
    positives = sum(len(v[1]) for v in TABLE.values())
    negatives = sum(len(v[2]) for v in TABLE.values())
    print(f"\ncurated matching: {positives - len(misses)}/{positives} paraphrases matched, "
          f"{len(false_matches)}/{negatives} near-misses matched; smallest lead over threshold {min(leads):.3f}")
    assert misses == [] and false_matches == []


def test_threshold_is_calibrated_on_the_phrasings(kb):
    from knowledge import CuratedEntry
    from knowledge.curated import CALIBRATION, matcher_for

    matcher = matcher_for(kb)
    margin, floor, ceiling, lone = CALIBRATION["zh"]
    tight = CuratedEntry(1, 1, "a", ("暑托班什么时候报名", "暑托班几号开始报名"), "x")
    single = CuratedEntry(2, 1, "a", ("暑托班什么时候报名",), "x")
    assert matcher.threshold(single) == lone
    sims = matcher._embed("zh", list(tight.phrasings))
    expected = min(max(float(sims[0] @ sims[1]) - margin, floor), ceiling)
    assert matcher.threshold(tight) == pytest.approx(expected)
    assert floor <= matcher.threshold(tight) <= ceiling


def test_curated_answer_cites_the_live_passage_with_its_kb_version(kb):
    from knowledge import CuratedEntry, curated_answer

    passage = next(p for p in kb.passages if "暑托班" in p.text)
    entry = CuratedEntry(7, 3, "暑托班报名时间以区教育局通知为准。", TABLE["summer_signup"][0], passage.id, "开设暑托班超150个")
    answer = curated_answer(kb, "孩子暑托班啥时候能报名", [entry])
    citation = answer.citation.to_dict()
    assert answer.text == entry.answer and not answer.abstained
    assert citation["curated"] is True and (citation["curated_id"], citation["curated_version"]) == (7, 3)
    assert citation["passage_id"] == passage.id and citation["kb_version"] == kb.version
    assert citation["quote"] == "开设暑托班超150个"
    start, end = citation["span"]
    assert kb.paragraph_text(passage) and (end - start) == len("开设暑托班超150个")
    normal = kb.answer("今年新增多少学位").citation.to_dict()
    assert set(normal) <= set(citation)  # the same citation shape as a normal answer, plus the curated keys
    assert curated_answer(kb, "暑托班今年办多少个班", [entry]) is None


def test_an_entry_citing_a_superseded_passage_is_reported_not_served(kb):
    from knowledge import CuratedEntry, curated_answer, dead_citations

    dead = CuratedEntry(8, 2, "旧答复", TABLE["summer_signup"][0], "000000000000")
    told = []
    answer = curated_answer(kb, "暑托班哪天可以报名啊", [dead], on_dead=lambda e, v: told.append((e.id, e.version, v)))
    assert answer is None and told == [(8, 2, kb.version)]
    assert dead_citations(kb, [dead]) == [dead]


def test_check_citation_refuses_unknown_passages_and_foreign_quotes(kb):
    from knowledge import PassageNotFoundError, check_citation

    passage = kb.passages[10]
    assert check_citation(kb, passage.id)["kb_version"] == kb.version
    with pytest.raises(PassageNotFoundError):
        check_citation(kb, "000000000000")
    with pytest.raises(ValueError, match="原文"):
        check_citation(kb, passage.id, "报告里没有的一句话")
