"""Replies that answer the question: the clause that answers leads, shaped by the kind of question, in the
resident's language — over the real report, model and faiss index."""
import re
from pathlib import Path

import pytest

from knowledge.answers import compose, ungrounded_numbers
from knowledge.evaluation import load_questions
from knowledge.normalize import to_simplified
from knowledge.reasons import REASONS, abstention_text, reason_text

DATA = Path(__file__).parent.parent / "data"
CJK_RE = re.compile(r"[\u3400-\u9fff]")
QUOTED_RE = re.compile(r"「[^」]*」")
PARKING_SENTENCE = "新辟、优化公交线路10条,新增公交站点20个、共享电(单)车1500辆、公共停车泊位1000个、共享停车泊位300个、新能源充电桩473个。"


def check_citation(answer):
    """The card's quote is an exact sentence of the passage; the lead's clause is an exact part of the quote."""
    c = answer.citation
    p = c.passage
    assert p.text[c.quote_span[0] - p.span[0]:c.quote_span[1] - p.span[0]] == c.quote
    assert p.text[c.clause_span[0] - p.span[0]:c.clause_span[1] - p.span[0]] == c.clause
    assert c.quote_span[0] <= c.clause_span[0] <= c.clause_span[1] <= c.quote_span[1]


def test_followup_leads_with_the_clause_it_asks_about(kb):
    answer = kb.answer("那停车泊位呢？", context="新能源公交车今年投放多少辆？")
    assert answer.text.startswith("新增公共停车泊位1000个、共享停车泊位300个。")
    assert "公交线路10条" not in answer.text and "473" not in answer.text  # the other four figures stay in the card
    assert answer.citation.quote == PARKING_SENTENCE
    assert answer.citation.clause == "公共停车泊位1000个、共享停车泊位300个"
    check_citation(answer)


def test_when_question_says_the_reports_year(kb):
    answer = kb.answer("长江路南延工程啥时候贯通？")
    assert answer.text.startswith("报告提出2025年实现长江路南延工程全线贯通。")
    assert answer.citation.year == 2025 and len(answer.citation.quote) > 100  # the long sentence is the card's
    check_citation(answer)


def test_yes_no_question_says_yes_with_the_clause(kb):
    answer = kb.answer("会不会新建社区卫生服务中心？")
    assert answer.text.startswith("是的，报告提出2025年新建2个社区卫生服务中心(站)。")
    check_citation(answer)


def test_which_question_names_the_items(kb):
    answer = kb.answer("哪些古建筑要修缮？")
    assert answer.text.startswith("启动陆巷古村世和堂、怀荫堂等古建筑修缮。")


def test_followup_naming_another_item_of_the_sentence_leads_with_it(kb):
    answer = kb.answer("龙翔路呢？", context="东方大道什么时候改造？")
    assert answer.text.startswith("报告提出2025年启动龙翔路改造。")
    check_citation(answer)


def test_followup_about_school_projects_leads_with_the_projects(kb):
    """Composed directly from the cited passage: the lead does not depend on the abstention verdict."""
    passage = next(p for p in kb.passages if "新增学位7530个" in p.text)
    analyze = kb.analyzer.analyze
    answer = compose(analyze("那要建几个学校项目？"), passage, kb.version, kb.retriever.lexical.idf,
                     context=analyze("今年新增多少学位？"), documents=kb.manifest["documents"])
    assert answer.text.startswith("加快光福九年一贯制学校、汤堡实验小学等3个项目建设。")
    assert "7530" not in answer.text
    check_citation(answer)


def test_english_figures_are_converted_and_the_asked_one_leads(kb):
    answer = kb.answer("How many new jobs will be created in urban areas?")
    assert answer.text.startswith("33,000 people")
    assert "「新增城镇就业3.3万人」" in answer.text and "200" not in answer.text
    assert not CJK_RE.search(QUOTED_RE.sub("", answer.text))
    assert ungrounded_numbers(answer) == []


@pytest.mark.parametrize("question, start", [
    ("How many people will get vocational skills training?", "18,000 person-visits"),
    ("How much will tourism revenue be?", "35 billion yuan"),
    ("How many new school places will there be this year?", "7,530 school places"),
    ("When will the Changjiang Road south extension be completed?", "Planned for 2025."),
])
def test_english_replies(kb, question, start):
    answer = kb.answer(question)
    assert answer.text.startswith(start), answer.text


def test_traditional_question_gets_a_consistently_simplified_reply(kb):
    answer = kb.answer("公車站點今年新增幾個")
    assert answer.text.startswith("新增公交站点20个。") and answer.text == to_simplified(answer.text)


def test_every_dev_reply_is_grounded_exact_and_in_the_residents_language(kb):
    """Over the whole dev set: no number the passage lacks, exact quote and clause, no Chinese outside the
    quotes of an English reply, and the gold figure stated in the reply text (the lead is the right clause)."""
    stated = total = 0
    for q in load_questions(DATA / "dev.jsonl"):
        answer = kb.answer(q.question, context=q.context)
        assert ungrounded_numbers(answer) == [], (q.question, answer.text)
        if answer.language == "en":
            assert not CJK_RE.search(QUOTED_RE.sub("", answer.text)), answer.text
        if answer.abstained:
            continue
        check_citation(answer)
        golds = [g for g in q.gold if g in answer.citation.quote]
        if golds:
            total += 1
            stated += any(all(n in answer.text for n in re.findall(r"\d+(?:\.\d+)?", g)) for g in golds)
    assert total > 100 and stated / total >= 0.95


REASON_KINDS = ["price", "schedule", "procedure", "contact", "entitlement", "weather", "elsewhere", "personal",
                "past", "no_match", "low_confidence", "service", "meta", "task", "opinion", "official", "unclear", "no_figure",
                "no_time", "no_names", "no_place"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_abstention_reason_has_its_own_words(language):
    texts = [abstention_text(kind, language) for kind in REASON_KINDS]
    assert set(REASON_KINDS) <= set(REASONS) and len(set(texts)) == len(texts)
    for kind, text in zip(REASON_KINDS, texts):
        assert not re.search(r"\d", text.replace("12345", "")), kind  # the grounding guard holds abstentions to this
        if language == "en":
            assert not CJK_RE.search(QUOTED_RE.sub("", text)), kind
        else:
            assert text == to_simplified(text)
    by_kind = dict(zip(REASON_KINDS, texts))
    assert "12345" in by_kind["service"] + by_kind["task"] and "12345" not in by_kind["meta"] + by_kind["unclear"]
    assert all("12345" in by_kind[kind] for kind in REASON_KINDS if kind not in ("meta", "unclear"))


def test_reason_words_name_the_missing_topic():
    assert reason_text("no_figure:教师招聘") == "报告没有给出教师招聘的具体数量。"
    assert reason_text("no_match:地铁") == "报告没有提到「地铁」。"
    assert reason_text("no_time:完工") == "报告没有给出完工的时间。"
    assert abstention_text("low_confidence").startswith("报告里没有找到足够明确的依据")
    assert abstention_text("service") == reason_text("service") and "12345" in abstention_text("service")
    assert "who holds an office" in abstention_text("official", "en") and "12345" in abstention_text("official", "en")
    assert abstention_text("unclear").count("？") <= 2  # one short clarifying prompt


def test_a_claimed_figure_the_report_does_not_state_gets_no_not_yes(kb):
    assert kb.answer("听说今年新增1万个学位，是真的吗").text.startswith("不是。报告提出新增学位7530个")
    assert kb.answer("今年新增学位7530个是真的吗").text.startswith("是的，")
    assert kb.answer("今年GDP增长5%吗").text.startswith("是的，")  # 5%以上 states 5%
    assert kb.answer("Is it true that the district will add 10,000 school places?").text.startswith(
        "No: 7,530 school places.")
