"""Choosing the clause a reply leads with, on sentences of the real report (flat word weights)."""
import pytest

from knowledge.leads import choose_lead
from knowledge.passages import Sentence
from knowledge.question_types import OTHER, QUANTITY, WHEN, WHICH

BUSES = "新辟、优化公交线路10条,新增公交站点20个、共享电(单)车1500辆、公共停车泊位1000个、共享停车泊位300个、新能源充电桩473个。"
ROADS = "启动东方大道(甪直段)快速化改造、龙翔路改造、龙山南路等项目,加快推进长桥改造工程,实现长江路南延工程全线贯通。"
SCHOOLS = "优化教育资源布局,加快光福九年一贯制学校、汤堡实验小学等3个项目建设,新增学位7530个。"
PROJECTS = "加快5个、总投资145亿元的省重大项目,260个、总投资1800亿元的区重点项目建设。"
RENEWAL = "系统推进城中村、老旧小区、地下管网等城市更新。"


def lead(text, own, kind=OTHER, context=(), question="", offset=100):
    result = choose_lead(Sentence(offset, offset + len(text), text), list(own), list(context),
                         lambda w: 1.0, kind, question)
    assert text[result.span[0] - offset:result.span[1] - offset] == result.clause  # exact span
    return result


def test_equally_matching_items_are_read_together_with_the_lists_verb():
    result = lead(BUSES, ["停车泊位"], QUANTITY, context=["新能源", "公交车"])
    assert (result.text, result.clause) == ("新增公共停车泊位1000个、共享停车泊位300个", "公共停车泊位1000个、共享停车泊位300个")


def test_own_words_outweigh_the_contexts():
    assert lead(BUSES, ["站点"], QUANTITY, context=["公交线路"]).text == "新增公交站点20个"
    assert lead(ROADS, ["龙翔路"], WHEN, context=["东方大道", "改造"]).text == "启动龙翔路改造"


def test_a_bare_verb_opening_a_list_is_read_in():
    assert lead(BUSES, ["公交线路"], QUANTITY).text == "新辟、优化公交线路10条"


def test_a_counted_summary_takes_its_whole_list():
    assert lead(SCHOOLS, ["学校", "项目"], QUANTITY).text == "加快光福九年一贯制学校、汤堡实验小学等3个项目建设"


def test_the_figure_that_counts_the_asked_word_wins():
    assert lead(SCHOOLS, ["学位", "学校"], QUANTITY).text == "新增学位7530个"


def test_a_bare_count_joins_the_item_it_counts():
    assert lead(PROJECTS, ["区", "重点项目"], QUANTITY).clause == "260个、总投资1800亿元的区重点项目建设"


def test_a_bare_noun_item_reads_its_whole_list():
    assert lead(RENEWAL, ["老旧小区"]).text == "系统推进城中村、老旧小区、地下管网等城市更新"


def test_which_reads_every_item():
    assert lead(ROADS, ["东方大道"], WHICH).text == "启动东方大道(甪直段)快速化改造、龙翔路改造、龙山南路等项目"


def test_question_characters_break_ties():
    assert lead(BUSES, ["公交"], QUANTITY, question="公车站点今年新增几个").text == "新增公交站点20个"


@pytest.mark.parametrize("own", [[], ["地铁"]])
def test_no_match_leads_with_the_whole_sentence(own):
    result = lead(SCHOOLS, own)
    assert result.clause == SCHOOLS.rstrip("。") and not result.matched


def test_a_when_question_leads_with_the_clause_that_states_a_time():
    # equally matched clauses: the one with the time (九月底前) answers 「什么时候开工」
    text = "确保新开工项目15个,九月底前全部开工。"
    assert lead(text, ["开工"], WHEN).clause == "九月底前全部开工"
    assert lead(text, ["开工"], OTHER).clause != "九月底前全部开工"


def test_a_how_many_question_leads_with_the_clause_counting_its_item_not_its_setting():
    # 光福 + 九年一贯制学校 are more telling words than 学位, but 7530 counts the places asked about
    result = choose_lead(Sentence(0, len(SCHOOLS), SCHOOLS), ["光福", "九年一贯制学校", "新增", "学位"], [],
                         lambda w: {"光福": 5.0, "九年一贯制学校": 5.0}.get(w, 1.0), QUANTITY,
                         "我住光福，那边要建九年一贯制学校，一共新增多少学位")
    assert result.clause == "新增学位7530个"


def test_a_follow_ups_ties_go_to_the_clause_sharing_the_previous_questions_characters(kb):
    """「那有几个项目？」 after 「区重点项目总投资多少」: three clauses count 项目; 区重 is only in the asked one."""
    answer = kb.answer("那有几个项目？", context="区重点项目总投资多少")
    assert answer.text.startswith("260个")


def test_by_how_much_to_grow_asks_a_rate(kb):
    answer = kb.answer("By how much is actually utilized foreign investment supposed to grow this year?")
    assert "20%" in answer.text and "2.5" not in answer.text


def test_which_two_lists_the_items_across_clauses(kb):
    answer = kb.answer("哪两个污水厂要扩建")
    assert "科福污水厂" in answer.text and "金庭污水厂" in answer.text


def test_a_place_only_follow_up_asks_the_previous_question_of_that_place(kb):
    assert "7530个" in kb.answer("那吴中呢", context="相城区今年新增学位多少").text
    assert "2400万" in kb.answer("吴中的呢", context="姑苏区游客目标多少").text


def test_a_bare_follow_up_after_how_many_prefers_the_passage_stating_a_number(kb):
    assert "500人" in kb.answer("那领军人才呢", context="人才政策，人才公寓今年新增多少套").text


def test_a_road_follow_up_after_another_road_answers_of_its_own_clause(kb):
    answer = kb.answer("勝浦大橋呢?", context="長江路南延今年能貫通嗎?")
    assert "胜浦大桥" in answer.citation.clause and "长江路南延" not in answer.text


def test_a_follow_up_naming_only_what_it_counts_stays_on_its_contexts_passage(kb):
    # 路 alone would meet the closing words 「路虽远,行则将至」; 人 alone, any passage counting people
    assert "金枫北路" in kb.answer("是哪几条路?", context="老小区一落雨门口就积水,今年有几处积水点要改造?").text
    assert "1万人" in kb.answer("要做多少人?", context="心肺联筛是啥,今年还搞伐?").text


def test_a_level_word_matches_the_reports_level_without_its_suffix(kb):
    # 区级重点项目 is written 区重点项目: not the 市重点项目 clause beside it
    assert kb.answer("区级重点项目有几个?总投资多少?").citation.clause.startswith("260个")


def test_a_clause_of_another_level_or_class_than_the_asked_one_does_not_lead(kb):
    # the level said in speech (区里), in English, or only by the follow-up's context
    assert kb.answer("区里的呢", context="市重点项目有多少个").citation.clause.startswith("260个")
    assert "1800亿元" in kb.answer("What's the total investment of the district-level key projects?").citation.clause
    assert "123个" in kb.answer("一共多少个", context="区里新开工的重点项目最晚什么时候全部开工").citation.clause
    # 二类 is written 优Ⅱ; the Ⅲ clause beside it names more of the question's words
    assert kb.answer("考核断面里水质二类以上的比例要到多少").citation.clause == "力争优Ⅱ比例达75%"


def test_grades_named_by_questions_and_clauses():
    from knowledge.levels import asked_grades, clause_grades
    from knowledge.normalize import fold_width
    assert asked_grades("区里的呢") == {("level", "区")}
    assert asked_grades("小区里的电梯") == frozenset()  # 小区 is no level
    assert asked_grades("new city key projects") == {("level", "市")}
    assert asked_grades("三类水") == {("class", "iii")}
    assert clause_grades("123个新开工区重点项目") == {("level", "区")}
    assert clause_grades("吴中高新区重点") == frozenset()
    assert clause_grades(fold_width("确保国省考断面水质优Ⅲ比例保持100%").lower()) == {("class", "iii")}


def test_a_percent_sign_asks_a_percentage(kb):
    """"fdi growth % target": 「实际使用外资增长超20%」, not the dollar figure of another sentence."""
    answer = kb.answer("fdi growth % target")
    assert "增长超20%" in answer.citation.clause and answer.text.startswith("Over 20%")


def test_an_english_class_is_the_reports_roman_class(kb):
    assert "75%" in kb.answer("share of monitored sections better than class ii water target").citation.clause


def test_a_number_in_a_name_is_no_figure_and_an_english_word_counts_once(kb):
    """1号公路 counts nothing, and 路 inside 公路 (both "road") is said once: the clause counting the scenic spots
    (29个景区) leads."""
    answer = kb.answer("how many scenic spots are in the cluster along taihu no.1 road")
    assert "29个景区" in answer.citation.clause and answer.text.startswith("29")
    assert "5个" in kb.answer("how many signed projects above 3 billion yuan?").citation.clause


def test_what_the_report_says_of_a_topic_is_its_whole_sentence(kb):
    """低空经济今年搞啥 asks what the report says of it: the whole sentence (its 10个, 20个, 6条), not only the clause
    that names it; so does 主要目标有哪些 (its targets, not the heading before the colon)."""
    text = kb.answer("低空经济今年搞啥?").text
    assert all(f in text for f in ("10个", "20个", "6条")), text
    assert "尹山湖医院二期" in kb.answer("今年医疗方面报告讲了啥?").text
    assert "应用场景10个" in kb.answer("what does the report say about low altitude economy").text
    assert "5%" in kb.answer("今年主要预期目标有哪些?").text


def test_a_clause_saying_the_asked_level_leads(kb):
    """"provincial-level or above" is said by 「确保省以上专精特新企业突破400家」, not by the clause on training SMEs."""
    answer = kb.answer("How many provincial-level or above specialized and sophisticated SMEs is the target?")
    assert "省以上" in answer.citation.clause
