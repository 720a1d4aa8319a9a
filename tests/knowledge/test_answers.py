"""Search and answers over the real report, model and faiss index."""
import json
from pathlib import Path

import pytest

from knowledge.answers import ungrounded_numbers
from knowledge.evaluation import load_questions

DATA = Path(__file__).parent.parent / "data"


@pytest.mark.parametrize("question, fact", [
    ("今年新增多少学位？", "新增学位7530个"),
    ("家庭养老床位建多少张", "家庭养老床位180张"),
    ("公交线路今年新增几条", "公交线路10条"),
    ("今年游客目标多少人次", "2400万"),
])
def test_known_facts(kb, question, fact):
    hits = kb.search(question, k=3)
    assert fact in hits[0].passage.text
    assert hits[0].score >= hits[1].score >= hits[2].score
    answer = kb.answer(question)
    assert not answer.abstained and fact in answer.citation.quote and fact in answer.text
    citation = answer.citation.to_dict()
    assert citation["quote"] in citation["text"] and citation["kb_version"] == kb.version
    assert citation["document"] == "苏州市吴中区人民政府工作报告"


def test_followup_uses_context(kb):
    answer = kb.answer("那站点呢？", context="公交线路今年新增几条？")
    assert "新增公交站点20个" in answer.citation.quote


def test_traditional_and_typos(kb):
    assert "新增公交站点20个" in kb.answer("公車站點今年新增幾個").citation.quote
    assert "新能源充电桩473个" in kb.answer("充电庄今年装多少").citation.quote


def test_english_gets_english_lead_in_and_figures(kb):
    answer = kb.answer("How many new school places will there be this year?")
    assert answer.language == "en" and "「新增学位7530个」" in answer.text
    assert answer.text.startswith("7,530 school places. The Wuzhong government work report")
    assert "新增学位7530个" in answer.citation.quote


@pytest.mark.parametrize("question", [
    "明天吴中天气怎么样", "暑托班收费多少", "幼儿园几号开始报名", "公交首末班车几点",
    "今年养老金涨多少", "上海今年新增多少学位", "我儿子户口在木渎,能不能进光福的学校读书",
    "What's the weather like this weekend?",
])
def test_abstains_when_report_does_not_say(kb, question):
    answer = kb.answer(question)
    assert answer.abstained and answer.citation is None and answer.to_dict() is None
    assert "12345" in answer.text and answer.reason


def test_grounding_guard_over_dev_set(kb):
    """Every number an answer states occurs verbatim in the passage it cites."""
    answered = 0
    for q in load_questions(DATA / "dev.jsonl"):
        answer = kb.answer(q.question, context=q.context)
        assert ungrounded_numbers(answer) == [], q.question
        answered += not answer.abstained
    assert answered > 100


def test_dev_set_quality(kb):
    from knowledge.evaluation import score

    result = score(kb, load_questions(DATA / "dev.jsonl"))
    assert result["recall@1"] >= 0.90 and result["recall@3"] >= 0.97
    # The calibrated confidence test (knowledge/confidence.py) withholds weak answers: a wrong quote costs 3×
    # an abstention, so a few more declines buy far fewer wrong answers.
    assert result["abstention"] >= 0.85 and result["false_abstention"] <= 0.08
    assert result["wrong_answers"] <= 0.015 and result["correct"] >= 0.90
