"""Grouping residents' unanswered questions (real m3e-small and multilingual USE), their topic, operators' synonyms."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "gaps" / "logged_questions.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_fixture_is_what_the_targets_are_measured_on():
    rows = _rows()
    sets = {}
    for row in rows:
        assert set(row) == {"question", "reason", "group"} and row["question"].strip()
        if row["group"] is not None:
            sets.setdefault(row["group"], []).append(row["question"])
    assert len(rows) >= 60 and len(sets) >= 12 and all(len(q) >= 3 for q in sets.values())
    assert sum(r["group"] is None for r in rows) >= 10
    assert any(r["question"].isascii() for r in rows)  # English among them


def test_paraphrases_group_together_and_unrelated_questions_apart():
    from knowledge import group_questions
    from knowledge.grouping import pair_figures

    rows = _rows()
    groups = group_questions([r["question"] for r in rows])
    together, unrelated = pair_figures([r["group"] for r in rows], groups)
    assert together >= 0.90, f"only {together:.1%} of paraphrase pairs share a group"
    assert unrelated <= 0.05, f"{unrelated:.1%} of unrelated pairs share a group"
    assert sorted(i for g in groups for i in g.members) == list(range(len(rows)))  # each question once
    assert [len(g.members) for g in groups] == sorted((len(g.members) for g in groups), reverse=True)


def test_grouping_small_inputs_and_the_most_typical_question_first():
    from knowledge import group_questions

    assert group_questions([]) == []
    assert [g.members for g in group_questions(["区长是谁"])] == [[0]]
    texts = ["吴中区区长是谁", "明天吴中天气怎么样", "现在的区长叫什么名字", "吴中区区长是谁", "周末天气好不好",
             "电动车上牌去哪里办", "电瓶车怎么上牌照"]
    groups = {frozenset(g.members): g for g in group_questions(texts)}
    assert set(groups) == {frozenset({0, 2, 3}), frozenset({1, 4}), frozenset({5, 6})}
    assert groups[frozenset({0, 2, 3})].representative in (0, 3)  # the question asked twice is the typical one


def test_pair_figures_count_pairs():
    from knowledge import QuestionGroup
    from knowledge.grouping import pair_figures

    truth = ["a", "a", "b", "b", None]
    assert pair_figures(truth, [QuestionGroup([0, 1]), QuestionGroup([2, 3]), QuestionGroup([4])]) == (1.0, 0.0)
    together, unrelated = pair_figures(truth, [QuestionGroup([0, 1, 2, 3, 4])])
    assert together == 1.0 and unrelated == 1.0
    together, unrelated = pair_figures(truth, [QuestionGroup([0, 2]), QuestionGroup([1]), QuestionGroup([3, 4])])
    assert together == 0.0 and unrelated == 2 / 8


def test_topic_is_the_section_of_the_best_passage(kb):
    from knowledge import topic_of

    question = "今年新增多少学位"
    best = kb.search(question, k=1)[0].passage
    topic = topic_of(kb, question)
    assert topic == {"section": best.section, "section_no": best.section_no, "passage_id": best.id,
                     "title": best.title}
    assert "民生" in topic["section"]  # the schools are in 七、…增进民生福祉
    assert topic_of(kb, "   ")["section"] == ""  # an empty (masked) question has no topic, and no error


def test_added_synonym_is_written_and_used_at_once(kb, synonyms_file):
    from knowledge import add_synonym, operator_synonyms_path

    term = "共享电(单)车"
    assert operator_synonyms_path() == synonyms_file
    assert term not in kb.search("小黄车", k=1)[0].passage.text
    synonyms_file.write_text("老人院\t养老床位", encoding="utf-8")  # an operator's earlier line, no newline at end
    assert add_synonym(kb, " 小黄车 ", term) == ("小黄车", term)
    assert synonyms_file.read_text(encoding="utf-8") == f"老人院\t养老床位\n小黄车\t{term}\n"
    assert term in kb.search("小黄车", k=1)[0].passage.text


def test_a_synonym_written_by_another_process_is_picked_up(kb, synonyms_file):
    from knowledge import refresh_synonyms

    assert refresh_synonyms(kb) is True and refresh_synonyms(kb) is False  # then one stat per call
    term = "共享电(单)车"
    synonyms_file.write_text(f"小黄车\t{term}\n", encoding="utf-8")  # e.g. the web app, while this one answers
    assert term not in kb.search("小黄车", k=1)[0].passage.text
    assert refresh_synonyms(kb) is True
    assert term in kb.search("小黄车", k=1)[0].passage.text


@pytest.mark.parametrize("phrase, term, message", [
    ("小黄车", "不存在的用语", "报告里没有「不存在的用语」"),
    ("", "学位", "请填写"),
    ("学位", "学位", "相同"),
    ("小黄车\t", "共享电(单)车,学位", "逗号"),
    ("小黄#车", "学位", "#"),
    ("很" * 31, "学位", "太长"),
])
def test_bad_synonyms_are_refused_and_change_nothing(kb, synonyms_file, phrase, term, message):
    from knowledge import SynonymError, add_synonym

    with pytest.raises(SynonymError, match=message):
        add_synonym(kb, phrase, term)
    assert not synonyms_file.exists()


def test_a_synonym_already_in_the_table_is_refused(kb, synonyms_file):
    from knowledge import SynonymError, add_synonym

    add_synonym(kb, "小黄车", "共享电(单)车")
    with pytest.raises(SynonymError, match="已经在同义词表里"):
        add_synonym(kb, "小黄车", "共享电(单)车")
    assert synonyms_file.read_text(encoding="utf-8").count("小黄车") == 1
