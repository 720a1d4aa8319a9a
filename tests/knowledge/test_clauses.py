"""Clause splitting: list separators cut, spans stay exact, numbers and bracketed text stay whole."""
from pathlib import Path

import pytest

from knowledge.clauses import split_clauses
from knowledge.passages import split_sentences

REPORT = Path(__file__).parent.parent.parent / "knowledge" / "sources" / "wuzhong-2025.txt"


def test_list_items_become_clauses():
    sentence = "新辟、优化公交线路10条,新增公交站点20个、共享电(单)车1500辆、公共停车泊位1000个、共享停车泊位300个。"
    assert [c.text for c in split_clauses(sentence)] == [
        "新辟", "优化公交线路10条", "新增公交站点20个", "共享电(单)车1500辆", "公共停车泊位1000个", "共享停车泊位300个"]


@pytest.mark.parametrize("text, expected", [
    ("完成1,000户，约3.3万人；其余", ["完成1,000户", "约3.3万人", "其余"]),
    ("启动东方大道(甪直段、北段)快速化改造、龙翔路改造", ["启动东方大道(甪直段、北段)快速化改造", "龙翔路改造"]),
    ("打造“两智一全、新房”试点，提供住宅", ["打造“两智一全、新房”试点", "提供住宅"]),
    ("目标：增长5%; 完成 8 项 ", ["目标", "增长5%", "完成 8 项"]),
    ("，、；", []),
])
def test_separators_numbers_and_brackets(text, expected):
    assert [c.text for c in split_clauses(text)] == expected


def test_spans_are_exact_over_the_whole_report():
    source = REPORT.read_text(encoding="utf-8")
    count = 0
    for sentence in split_sentences(source):
        for clause in split_clauses(sentence.text, sentence.start):
            assert source[clause.start:clause.end] == clause.text and clause.text.strip() == clause.text
            count += 1
    assert count > 500
