"""Each scope mechanism on questions written for it: where, relative years, value vs rate, amounts in words, the asked
object of a yes-no question, Traditional questions, tasks asked of the assistant."""
import pytest

from knowledge.abstention import classify
from knowledge.figure_checks import FIGURE_IN_TEXT_RE, QUOTED_NAME_RE, missing_figure
from knowledge.normalize import normalize_query
from knowledge.reasons import abstention_text
from knowledge.instances import places_item
from knowledge.asked_figures import value_figures
from knowledge.scope import asked_object, relative_year_outside


def _year(kb):
    return int(kb.manifest["documents"][0]["year"])


def test_a_where_question_needs_a_place_in_the_items_clause(kb):
    idf = kb.retriever.lexical.idf
    query = kb.analyzer.analyze("新增的社区卫生服务中心在哪里")
    assert not places_item(query, "加快尹山湖医院二期建设,新建2个社区卫生服务中心(站)。", idf)
    assert places_item(kb.analyzer.analyze("积水改造在哪些地方"), "完成金枫北路、友新路等积水区域雨水管网改造。", idf)
    assert kb.answer("今年的社区卫生服务中心在哪里呀").abstained
    assert kb.answer("Where exactly are the new EV charging piles going?").abstained
    assert not kb.answer("积水区域改造在哪些地方").abstained


def test_a_relative_year_is_the_documents_year_plus_or_minus_one(kb):
    answer = kb.answer("去年养老床位的完成情况怎么样")
    assert answer.abstained and answer.reason == f"no_match:{_year(kb) - 1}年"
    passage = kb.answer("今年新增多少学位").citation.passage
    paragraph = kb.paragraph_text(passage)
    assert relative_year_outside(kb, "明年学位有多少", passage, paragraph) == f"{_year(kb) + 1}年"
    assert relative_year_outside(kb, "how many school places next year", passage, paragraph) == f"{_year(kb) + 1}年"
    # the resident's story (孩子明年上小学) is not what is asked
    assert relative_year_outside(kb, "新增学位多少个 孩子明年上小学", passage, paragraph) is None
    assert not kb.answer("我家孩子明年上小学，今年新增多少学位").abstained


def test_a_growth_rate_does_not_answer_a_value(kb):
    assert not FIGURE_IN_TEXT_RE.search(value_figures("外资目标是多少", "实际使用外资增长超20%"))
    assert FIGURE_IN_TEXT_RE.search(value_figures("外资增长多少", "实际使用外资增长超20%"))
    assert FIGURE_IN_TEXT_RE.search(value_figures("工业投资增几个点", "其中工业投资增长10%"))
    answer = kb.answer("实际使用外资的目标是多少")
    assert not answer.abstained and "2.5亿美元" in answer.text


def test_amounts_in_words_are_figures(kb):
    assert FIGURE_IN_TEXT_RE.search("进出口总额翻番") and FIGURE_IN_TEXT_RE.search("产值翻一番")
    assert FIGURE_IN_TEXT_RE.search("规模扩大三倍")
    query = kb.analyzer.analyze("跨境电商进出口总额要增加多少")
    assert missing_figure(query, "力争实现跨境电商进出口总额翻番。", kb.retriever.lexical.idf) is None
    assert "翻番" in kb.answer("跨境电商今年定的目标").text


def test_the_asked_object_is_the_noun_run_or_the_modifier_of_a_general_noun(kb):
    assert asked_object("有没有针对残疾儿童的康复政策") == "康复"
    assert asked_object("会不会新建特殊教育学校") == "特殊教育学校"
    assert asked_object("有没有办法") is None
    assert kb.answer("报告里有没有针对自闭症孩子的康复政策").abstained
    assert kb.answer("是不是要给残疾孩子新建特殊教育学校").abstained
    assert not kb.answer("光福是不是要盖新学校").abstained


def test_traditional_questions_get_the_same_checks(kb):
    assert kb.answer("2026年新增多少學位").reason == "no_match:2026年"
    assert kb.answer("去年養老床位的完成情況怎麼樣").reason == f"no_match:{_year(kb) - 1}年"
    assert kb.answer("今年的社區衛生服務中心在哪裡").abstained


@pytest.mark.parametrize("question, kind", [
    ("你帮我把空调修一下", "service"), ("麻烦你帮我报修一下路灯", "service"), ("你帮我在网上卖点碧螺春吧", "task"),
    ("我们厂想拿地，你帮我对接一下", "task"), ("骂两句区长我听听", "meta"), ("区长家住哪", "official"),
    ("What's the mayor's phone number?", "official"),
    ("陪我打会儿牌", "meta"), ("pretend you're my lawyer", "meta"), ("let's brainstorm slogans", "meta"),
    ("Who's the party secretary here?", "official"), ("查下我公积金，手机号13800001111", "service"),
    ("帮我查一下今年新增多少学位", None), ("你给我介绍一下今年的养老床位", None), ("政府能不能给我们村修路", None),
])
def test_tasks_asked_of_the_assistant_are_not_questions(question, kind):
    assert classify(normalize_query(question)) == kind


def test_the_official_reply_says_what_the_assistant_does():
    assert "只回答报告里写了什么" in abstention_text("official")
    assert "I answer questions about what the report says" in abstention_text("official", "en")


def test_a_breakdown_is_answered_only_by_a_sentence_naming_each_part(kb):
    from knowledge.scope import breakdown_asked

    assert breakdown_asked("新增学位里幼儿园、小学、初中各多少个") == ["幼儿园", "小学", "初中"]
    assert breakdown_asked("学位里小学多少个初中多少个") == ["小学", "初中"]
    assert breakdown_asked("今年新增多少学位") == []
    answer = kb.answer("今年新增学位里小学和初中各多少个")
    assert answer.abstained and answer.reason == "no_match:初中", answer.reason
    assert not kb.answer("公交站点和共享单车各新增多少").abstained  # the sentence names both
    # one part on its own (单独): the total 新增学位7530个 does not give it
    assert breakdown_asked("那幼儿园的学位单独新增多少个") == ["幼儿园", "学位"]
    answer = kb.answer("那幼儿园的学位单独新增多少个", context="小孩上学的名额今年多多少")
    assert answer.abstained and answer.reason == "no_match:幼儿园", answer.reason
    # two requests in one message are no breakdown; who is to do it (政府) and a time (今年) are no parts; 好几个 tells
    assert breakdown_asked("学位里小学多少个，初中多少个") == ["小学", "初中"]
    assert breakdown_asked("家庭养老床位今年政府弄多少张，还有老房子装扶手的那个改造弄多少户") == []
    assert breakdown_asked("朋友推荐了好几个景点也记不住，联动发展的景区一共有几个") == []
    rambling = ("侬好，我是住在木渎的老太婆，今年七十八了，儿子在上海上班不大回来，我一个人吃饭麻烦，想问问家里老头子"
                "失能了家庭养老床位今年政府弄多少张，还有老房子装扶手的那个改造弄多少户？")
    assert "180张" in kb.answer(rambling).text


def test_a_question_about_the_assistant_itself_is_small_talk(kb):
    for text in ("你吃饭了没", "你今天累不累"):
        answer = kb.answer(text)
        assert answer.abstained and answer.reason == "meta", text
    assert not kb.answer("你知道今年新增多少学位吗").abstained  # a report question put to 你
    assert kb.answer("你们今年新增多少学位").reason != "meta"  # 你们: the government


def test_an_english_follow_up_on_an_unmapped_topic_does_not_lean_on_the_previous_one(kb):
    answer = kb.answer("And what about healthcare?", context="What's the plan for schools?")
    assert answer.abstained or "学校" not in answer.citation.quote


@pytest.mark.parametrize(("text", "kind"), [
    ("这个报告是谁作的", "official"), ("报告是哪位领导做的", "official"),
    ("楼下天天半夜施工你们管不管", "service"),
])
def test_more_request_shapes(text, kind):
    assert classify(normalize_query(text)) == kind


def test_a_five_year_plan_asked_must_be_the_paragraphs(kb):
    answer = kb.answer("十五五期间吴中GDP目标是多少？")
    assert answer.abstained and answer.reason == "no_match:十五五"
    assert not kb.answer("十四五的目标今年能完成吗").abstained  # the report speaks of completing 十四五


def test_a_count_opening_an_item_of_a_quoted_list_is_a_figure(kb):
    answer = kb.answer("哈工大苏州研究院是几个中心几个平台？")
    assert not answer.abstained and "七中心" in answer.text
    assert FIGURE_IN_TEXT_RE.search("两平台")
    assert not FIGURE_IN_TEXT_RE.search(QUOTED_NAME_RE.sub("", "深化“113”领军人才引育攻坚行动"))  # a name, no count
    assert FIGURE_IN_TEXT_RE.search(QUOTED_NAME_RE.sub("", "哈工大苏州高等研究院“一基地、两平台、七中心”"))


def test_asking_what_a_thing_is_called_is_not_an_unknown_topic(kb):
    assert "113" in kb.answer("领军人才引育攻坚行动叫啥号码的").text
    assert "数据得地" in kb.answer("数据得地是搞啥名堂").text


def test_a_common_verb_alone_is_no_topic(kb):
    answer = kb.answer("政府今年要建成什么样的政府？")
    assert answer.abstained and answer.reason == "no_match"
    assert "苏州千村故事" in kb.answer("今年要出版什么书").text  # a verb the report uses once is telling


def test_time_words_are_not_looked_up_in_the_thesaurus(kb):
    assert "未来" not in kb.analyzer.analyze("明天会下雨吗").expansions
    assert kb.answer("明朝吴中落雨伐？要带伞伐").abstained


def test_a_noun_saying_which_figure_is_asked_is_not_an_unknown_topic(kb):
    assert "8000人" in kb.answer("好吧，今年新增参保人数目标多少").text  # 人数 says which figure, not what about


def test_the_thing_a_when_question_asks_of_must_be_quoted(kb):
    # 延伸 alone meets 「推动产业链向上下游延伸」: the metro line (or 轨交, the report's word for it) is not there
    answer = kb.answer("地铁8号线什么时候延伸过来")
    assert answer.abstained and answer.reason == "no_match:地铁", answer.reason
    assert "上半年" in kb.answer("新开工的重点项目什么时候全部开工").text


def test_the_part_named_within_a_total_is_asked(kb):
    from knowledge.scope import breakdown_asked

    assert breakdown_asked("新增学位里面幼稚园有多少") == ["幼稚园"]
    answer = kb.answer("新增學位裡面幼稚園有多少？", context="今年新增多少個學位？")
    assert answer.abstained and answer.reason == "no_match:幼稚园", answer.reason


def test_which_one_is_answered_only_by_a_stretch_naming_it(kb):
    from knowledge.instances import names_instances

    # jieba tags 上市 and 力争 as names; CC-CEDICT glosses them only as verbs
    assert not names_instances("新增上市企业1家") and not names_instances("力争百亿级企业(集团)达6家")
    assert names_instances("支持汇川、东山精密、科沃斯、追觅等龙头企业开展产业链协同试点")
    for question, context in (("要上市的那1家是哪个公司", "今年吴中打算新上市几家公司啊"),
                              ("那6家百亿级企业具体是哪几家", "百亿级别的企业今年要几家")):
        assert kb.answer(question, context=context).abstained, question
    assert "3+4+N" in kb.answer("吴中招商体系叫什么？").text  # a name asked may be anywhere in the sentence


def test_a_parts_figure_or_another_targets_does_not_answer_for_the_whole(kb):
    # 「…稳中有进,其中工业投资增长10%」: the part's figure; 「…;实际使用外资增长超20%;居民…基本同步」: another target's
    assert kb.answer("整个社会的投资要涨几个点").abstained
    assert kb.answer("居民收入具体涨百分之几", context="工资收入会跟着涨吗，报告怎么讲").abstained
    assert "10%" in kb.answer("工业投资增长多少").text  # the part asked is answered by its own figure
    # 几只, as Wu speakers count: a how-many the clause naming 助餐点 without a figure does not answer
    assert kb.answer("老年人助餐点今年新开几只").reason == "no_figure:助餐点"


def test_a_venting_clause_names_no_topic_when_the_asking_clause_names_its_own(kb):
    answer = kb.answer("你们政府天天吹牛，报告说今年GDP涨多少")
    assert not answer.abstained and "5%以上" in answer.text
    assert kb.answer("一下雨就淹的路段，今年改造几处").abstained  # there the first clause is the topic


def test_a_modal_and_verb_taken_for_a_noun_asks_the_verb():
    from knowledge.scope import asked_object

    assert asked_object("胜浦大桥今年能通吗") == "通"  # 能通 is no object: the bridge is asked whether it opens
    assert asked_object("今年会新建特殊教育学校吗") == "特殊教育学校"


def test_when_something_is_finished_needs_a_stretch_that_finishes_it(kb):
    answer = kb.answer("尹山湖医院二期啥辰光好用")  # the report only speeds its building up
    assert answer.abstained and answer.reason == "no_time:建成"
    english = kb.answer("When will phase two of Yinshanhu Hospital be finished?")  # not "Planned for 2025"
    assert english.abstained and english.reason == "no_time:建成", english.text
    assert "2025" in kb.answer("胜浦大桥什么时候通车").text  # 建成通车胜浦大桥
    assert kb.answer("西山生态岛试验区啥时候建好").citation is not None  # 高标准完成…试验区建设
    assert kb.answer("通苏嘉甬高铁什么时候通车").abstained  # 完成…拆迁清障 does not open it


def test_enrolment_as_a_number_is_no_procedure(kb):
    assert "8000人" in kb.answer("How many people for social insurance enrolment?").citation.quote
    assert kb.answer("How do I register for social insurance?").reason == "procedure"


def test_a_kind_asked_with_what_is_answered_by_its_named_instances(kb):
    """有啥项目: 「开工扩建科福污水厂二期,完成金庭污水厂扩建」 names the projects without the word 项目 (the report sums
    up lists by it: 等3个项目); 有啥补贴 is no kind of named thing and the sentence must say it."""
    assert "科福污水厂" in kb.answer("今年污水厂有啥项目?").text
    subsidy = kb.answer("公交有啥补贴?")
    assert subsidy.abstained and subsidy.reason == "no_match:补贴"


def test_a_cantonese_thanks_is_small_talk_not_a_follow_up(kb):
    answer = kb.answer("唔該", context="吳中今年GDP目標係幾多?")
    assert answer.abstained and answer.citation is None and answer.reason == "meta"


def test_what_is_done_what_is_required_and_whether_on_the_list_are_no_names_or_figures_asked(kb):
    """有哪些举措 asks what is done (no list of names needed); 占比有什么要求 asks the requirement, which the report
    states without a number (占比多少 still needs one); 在名单里吗 asks whether the item is included."""
    assert "法治政府建设" in kb.answer("法治政府建设有哪些举措?").text
    assert "高于全市平均水平" in kb.answer("服务业增加值占比有什么要求?").text
    assert kb.answer("服务业增加值占比多少?").reason == "no_figure:增加值"
    assert "友新路" in kb.answer("友新路积水点在改造名单里吗?").text


def test_when_an_event_is_held_is_a_date_no_work_report_gives(kb):
    """「继续举办好…啤酒音乐节」 says the festival is held this year, not when: 什么时候办 and "when is the marathon"
    get the schedule reason (also as a follow-up), while whether it is held this year is answered."""
    assert kb.answer("啤酒音乐节什么时候举办?").reason == "schedule"
    assert kb.answer("when is the marathon").reason == "schedule"
    assert kb.answer("啥时候办?", context="太湖国际啤酒音乐节今年办吗").reason == "schedule"
    assert "马拉松" in kb.answer("今年会办马拉松吗").text
    assert "2025年" in kb.answer("胜浦大桥什么时候通车").text  # a task's year is its answer
