"""Several documents at once: the real 2025 report plus a follow-up notice (real model, real faiss).

The notice (tests/data/documents/暑托班通知.txt) states its own figures (46 places, 6800 pupils, 600 yuan, 520
volunteers), so which document answered is visible in the answer.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, Library, Source, SourceError
from knowledge.documents import DocumentInfo, named_documents
from knowledge.evaluation import load_questions
from knowledge.passages import parse_document
from knowledge.sources import load_sources

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = REPO / "tests" / "data" / "documents"
NOTICE_ID, REPORT_ID, OLD_NOTICE_ID = "wuzhong-2025-shutuoban", "wuzhong-2025", "wuzhong-2024-shutuoban"
NOTICE_TITLE = "苏州市吴中区关于做好2025年暑托班工作的通知"
# The 2024 notice: the same notice a year earlier, with that year's figures.
FIGURES_2024 = {"2025": "2024", "点位46个": "点位40个", "6800名": "6000名", "600元": "550元", "520名": "480名"}


def notice() -> Source:
    (source,) = load_sources(DOCUMENTS)
    return source


def notice_2024() -> Source:
    n = notice()
    text = n.text
    for old, new in FIGURES_2024.items():
        text = text.replace(old, new)
    return Source(OLD_NOTICE_ID, n.title.replace("2025", "2024"), "2024-06-11", 2024, text, None)


@pytest.fixture(scope="module")
def report_kb(library_seed):
    """The report published alone (the session's seeded library)."""
    return KnowledgeBase.open(library_seed)


@pytest.fixture(scope="module")
def both(library_seed, tmp_path_factory):
    """The report and the notice published together (the seed's vector cache: only the notice is embedded)."""
    root = tmp_path_factory.mktemp("multidoc") / "kb"
    shutil.copytree(library_seed, root)
    library = Library.open(root)
    library.publish(library.build(library.documents() + [notice()]))
    return KnowledgeBase.open(root)


# -- documents that are not numbered work reports --------------------------------------------------
def test_a_notice_of_plain_paragraphs_and_items_parses_into_titled_passages():
    passages = Library.preview([notice()])
    titles = [p.title for p in passages]
    assert {"开班时间", "开班地点", "收费标准", "报名方式", "安全保障"} <= set(titles)
    fee = next(p for p in passages if p.title == "收费标准")
    assert fee.text.startswith("暑托班收费标准为每人每期600元") and fee.section_no is None
    text = "\n".join(p.text for p in passages)
    # The item markers, the addressees, the closing formula and the issuer's signature are not content.
    assert "4." not in text and "各镇人民政府" not in text and "特此通知" not in text
    assert not [p for p in passages if p.text in ("苏州市吴中区教育局", "2025年6月10日")]
    for p in passages:
        start, end = p.span
        assert notice().text[start:end] == p.text  # spans still point into the source


def test_a_question_and_answer_sheet_and_numbered_headings_parse():
    qa = "暑托班常见问题\n问：每天几点要接孩子？\n答：每天17时前接回。\n问：可以只报一期吗？答：可以，每期单独报名。\n"
    sections = parse_document(qa)
    paragraphs = [p for s in sections for p in s.paragraphs]
    assert [p.title for p in paragraphs] == ["每天几点要接孩子", "可以只报一期吗"]
    assert [qa[p.sentences[0].start:p.sentences[-1].end] for p in paragraphs] == ["每天17时前接回。", "可以，每期单独报名。"]
    numbered = "开班须知\n（一）开班安排\n暑托班分两期开班。\n（二）收费\n每人每期600元，困难家庭免收。\n"
    assert [(s.title, s.number) for s in parse_document(numbered)] == [("开班安排", None), ("收费", None)]


@pytest.mark.parametrize("text, message", [
    ("", "空"),
    ("苏州市吴中区关于暑托班的通知\n\n苏州市吴中区教育局\n2025年6月10日\n", "没有正文"),
])
def test_only_empty_or_bodiless_documents_are_refused(text, message):
    with pytest.raises(SourceError, match=message):
        parse_document(text)


# -- answering from both ---------------------------------------------------------------------------
def test_a_question_only_the_notice_answers_cites_the_notice_with_title_and_version(both):
    answer = both.answer("暑托班计划招收多少名学生")
    assert not answer.abstained and "6800" in answer.text, answer.text
    citation = answer.citation.to_dict()
    assert citation["document_id"] == NOTICE_ID and citation["document"] == NOTICE_TITLE
    assert citation["kb_version"] == both.version and "6800" in citation["quote"]
    assert NOTICE_TITLE in answer.text  # the reply names its source
    fee = both.answer("暑托班收费标准是多少")
    assert fee.citation.passage.document_id == NOTICE_ID and "600元" in fee.text
    assert both.search("暑托班收费标准", k=3)[0].to_dict()["document_id"] == NOTICE_ID


def test_the_report_alone_declines_what_the_notice_answers(report_kb):
    assert report_kb.answer("暑托班计划招收多少名学生").abstained


def test_report_questions_get_the_same_answer_as_with_the_report_alone(report_kb, both):
    questions = [q for q in load_questions(REPO / "tests" / "data" / "dev.jsonl") if "childcare" not in q.tags][::3]
    same, correct = 0, {"alone": 0, "both": 0}
    changed = []
    for q in questions:
        answers = {"alone": report_kb.answer(q.question, context=q.context),
                   "both": both.answer(q.question, context=q.context)}
        for name, a in answers.items():
            cited = a.citation.passage.text if a.citation else ""
            correct[name] += a.abstained if q.must_abstain else any(g in cited for g in q.gold)
        if (answers["alone"].text, answers["alone"].reason) == (answers["both"].text, answers["both"].reason):
            same += 1
        else:
            changed.append((q.question, answers["alone"].text, answers["both"].text))
    print(f"\ndev sample (every 3rd non-childcare question): {len(questions)} questions, same answer {same}, "
          f"correct with the report alone {correct['alone']}, with the notice too {correct['both']}")
    assert same == len(questions), changed


def test_a_question_naming_a_document_prefers_it(both):
    unnamed = both.answer("暑托班开多少个")
    assert unnamed.citation.passage.document_id == REPORT_ID and "150" in unnamed.text  # tie: the main report
    report = both.answer("报告里暑托班开多少个")
    assert report.citation.passage.document_id == REPORT_ID and "150" in report.text
    named = both.answer("暑托班通知里暑托班设多少个点位")
    assert named.citation.passage.document_id == NOTICE_ID and "46" in named.text, named.text
    # The notice says nothing of GDP: naming it does not borrow the report's answer.
    assert both.answer("暑托班通知里地区生产总值增长多少").abstained


def test_a_question_naming_a_year_prefers_that_years_document(both, tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(both.path.parent.parent, root)
    library = Library.open(root)
    library.publish(library.build(library.documents() + [notice_2024()]))
    kb = KnowledgeBase.open(root)
    old = kb.answer("2024年暑托班招收多少名学生")
    assert old.citation.passage.document_id == OLD_NOTICE_ID and "6000" in old.text, old.text
    new = kb.answer("2025年暑托班招收多少名学生")
    assert new.citation.passage.document_id == NOTICE_ID and "6800" in new.text, new.text
    unnamed = kb.answer("暑托班招收多少名学生")  # the same words in both notices: the newer one wins the tie
    assert unnamed.citation.passage.document_id == NOTICE_ID and "6800" in unnamed.text, unnamed.text
    assert not kb.answer("2024年暑托班收费标准是多少").abstained  # a named year is not a question about the past


def test_naming_rules_without_models():
    docs = [DocumentInfo(REPORT_ID, "苏州市吴中区人民政府工作报告", 2025, "2025-01-06", "report"),
            DocumentInfo(NOTICE_ID, NOTICE_TITLE, 2025, "2025-06-10", "notice"),
            DocumentInfo("wuzhong-2024", "苏州市吴中区人民政府工作报告", 2024, "2024-01-08", "report")]
    assert named_documents("what does the 2025 report say about school places", docs).ids == {REPORT_ID}
    assert named_documents("2024年新增多少学位", docs).ids == {"wuzhong-2024"}
    assert named_documents("暑托班通知里收费多少", docs).ids == {NOTICE_ID}
    assert named_documents("暑托班通知里收费多少", docs).topic("暑托班通知里收费多少") == "暑托班收费多少"
    assert named_documents("报告中提到的学位有多少", docs).ids == {REPORT_ID, "wuzhong-2024"}
    assert named_documents("新增多少学位", docs) is None
    assert named_documents("2030年碳达峰", docs) is None  # no document of that year: the year is the topic
