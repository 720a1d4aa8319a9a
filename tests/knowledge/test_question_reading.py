"""Reading what a question asks: dialect words, counted compounds, compounds the report writes in parts, the event
of a when-question, the thing a follow-up turns to, names asked for, and figures of another sentence."""
from knowledge.figure_checks import missing_figure
from knowledge.normalize import _dialect_words, to_mandarin
from knowledge.question_types import follow_up_topic
from knowledge.reasons import abstention_text
from knowledge.asked_figures import counted_item

from test_retrieval_verdicts import report_sentences


def test_dialect_words_read_as_mandarin_and_never_touch_the_report():
    assert to_mandarin("胜浦大桥啥辰光通车") == "胜浦大桥什么时候通车"
    assert to_mandarin("阿有新学校？囡囡要读书哉") == "有没有新学校？孩子要读书了"
    assert to_mandarin("几时开通") == "什么时候开通"
    assert to_mandarin("勿晓得", report="勿") == "勿晓得"  # a word the report uses stays as it is
    report = "".join(report_sentences())
    assert [w for w, _ in _dialect_words() if w in report] == []


def test_a_dialect_when_question_gets_the_reports_year(kb):
    answer = kb.answer("高垫大桥啥辰光通车")
    assert not answer.abstained and "2025年" in answer.text and "高垫大桥" in answer.text


def test_the_counted_thing_is_the_whole_compound():
    assert counted_item("那个联合中心要建几个创新中心") == "创新中心"
    assert counted_item("今年新增多少个公共停车泊位") == "公共停车泊位"
    assert counted_item("全年能有多少个亿元以上的产业项目竣工投产") == "产业项目"
    assert counted_item("新增多少学位") == "学位"


def test_a_how_many_answer_leads_with_the_clause_that_counts_the_item(kb):
    answer = kb.answer("浙大合作的中心里要重点建设几个创新中心")
    assert not answer.abstained and "4个" in answer.text
    assert "88个" in kb.answer("在建的产业项目一共几个").text
    assert "30家" in kb.answer("科技孵化载体今年新增几家").text


def test_a_compound_the_report_writes_in_parts_still_picks_the_sentence(kb):
    query = kb.analyzer.analyze("防汛防台今年有什么安排")
    assert "防汛" in query.steering_words()
    answer = kb.answer("防汛防台今年有什么安排")
    assert answer.abstained or "防汛" in answer.citation.quote
    answer = kb.answer("失能老人的养老床位今年建几张")
    assert not answer.abstained and "180张" in answer.text


def test_a_figure_of_another_sentence_must_add_something_the_item_clause_lacks(kb):
    weight = kb.retriever.lexical.weight
    passage = "高新技术产业产值占比稳定在70%以上;实际使用外资增长超20%,进出口保稳提质;居民人均可支配收入与经济增长基本同步。"
    assert missing_figure(kb.analyzer.analyze("经济增长目标是多少"), passage, weight)
    report = "构建多元养老体系,提升老年人日间照料中心。建成失能老人家庭养老床位180张,完成适老化改造超1000户。"
    assert missing_figure(kb.analyzer.analyze("老年人适老化改造今年做多少户"), report, weight) is None


def test_a_when_question_about_an_event_the_items_clause_never_states(kb):
    answer = kb.answer("长桥改造工程哪年能完工")
    assert answer.abstained and answer.reason == "no_time:完工"
    assert abstention_text(answer.reason).startswith("报告没有给出完工的时间")
    answer = kb.answer("东方大道快速化改造什么时候启动")
    assert not answer.abstained and "2025年" in answer.text


def test_a_follow_up_turns_to_its_own_topic(kb):
    assert follow_up_topic("那医院呢?哪家要扩建?") == "医院"
    assert follow_up_topic("医院要扩建吗") is None
    answer = kb.answer("那医院呢？哪个要扩建？", context="今年要建哪些学校？")
    assert not answer.abstained and "医院" in answer.citation.quote


def test_names_asked_for_must_be_in_the_stretch_about_the_item(kb):
    assert kb.answer("240小时免签对哪些国家的人适用").abstained
    answer = kb.answer("今年要修复哪些文物")
    assert not answer.abstained and "紫金庵罗汉塑像" in answer.text


def test_an_item_set_only_by_its_growth_is_answered_by_it(kb):
    answer = kb.answer("今年GDP的目标定的多少？")
    assert not answer.abstained and "5%以上" in answer.text
    answer = kb.answer("实际使用外资的目标是多少")  # a value is given: the growth rate answers another question
    assert "2.5亿美元" in answer.text


def test_an_english_which_answer_names_its_places_in_pinyin(kb):
    from knowledge.romanize import names_en

    assert names_en("建成通车胜浦大桥、高垫大桥、甪胜路") == ["Shengpu Bridge", "Gaodian Bridge", "Lusheng Road"]
    assert names_en("新增学位7530个") == []
    answer = kb.answer("Which bridges will open to traffic this year?")
    assert not answer.abstained and "Shengpu Bridge" in answer.text and "胜浦大桥" in answer.text


def test_a_follow_ups_own_characters_pick_its_clause_before_the_context(kb):
    answer = kb.answer("区重点的新开工项目呢？", context="市重点新开工项目什么时候全部开工？")
    assert not answer.abstained and "九月底前" in answer.text and "上半年" not in answer.text


def test_a_repeated_question_is_answered_from_memory_as_its_own_copy(kb):
    first = kb.answer("今年新增多少学位？")
    first.text, first.hits[:] = "changed by a caller", []
    again = kb.answer("今年新增多少学位？")
    assert "7530个" in again.text and again.hits and again.citation.passage.id == first.citation.passage.id
    kb.clear_cache()
    assert "7530个" in kb.answer("今年新增多少学位？").text


def test_a_word_with_an_optional_bracketed_character_is_matched_either_way(kb):
    assert "电(单)车" in kb.analyzer.analyze("共享电单车多投几辆").expansions
    answer = kb.answer("共享电单车今年加多少辆")
    assert not answer.abstained and "1500辆" in answer.text


def test_a_count_in_chinese_numerals_is_a_figure(kb):
    answer = kb.answer("文旅新IP今年要打造几个")
    assert not answer.abstained and "十大" in answer.text


def test_a_complaint_in_the_story_does_not_hide_the_question_after_it(kb):
    from knowledge.abstention import classify

    assert classify("放学后孩子没人管,今年暑托班开多少个") is None
    assert classify("楼道灯坏了没人管,你们管管") == "service"
    assert classify("邻里纠纷没人管，报告怎么说") is None  # what the report says of it is asked
    assert kb.answer("碧螺春今年的收购价多少").reason == "price"


def test_english_abbreviations_are_read_as_their_words(kb):
    from knowledge.normalize import expand_abbreviations

    assert expand_abbreviations("R&D spending and EV charging") == \
        "research and development spending and electric vehicle charging"
    assert expand_abbreviations("said it again, maintain") == "said it again, maintain"  # whole words only
    assert "研发" in kb.analyzer.analyze("How much R&D spending?").expansions


def test_a_growth_rate_asked_is_answered_by_a_rate_not_a_value(kb):
    answer = kb.answer("What's the FDI growth target?")
    assert not answer.abstained and "20%" in answer.text
    answer = kb.answer("外资今年要涨几个点")
    assert not answer.abstained and "20%" in answer.text


def test_a_comparison_with_last_year_asks_a_growth_rate(kb):
    answer = kb.answer("实际使用外资今年比去年要多几成")
    assert not answer.abstained and "20%" in answer.text
    assert kb.answer("去年外资完成了多少").abstained  # last year's own figure is still not this report's


def test_a_doubling_answers_how_much_it_grows(kb):
    answer = kb.answer("跨境电商进出口总额要涨多少")
    assert not answer.abstained and "翻番" in answer.text


def test_personal_errands_directions_and_recommendations_are_declined(kb):
    assert kb.answer("帮我查下医保余额").reason == "service"
    assert kb.answer("Could you book me a table for two?").reason == "service"
    assert kb.answer("公积金怎么取出来").reason == "procedure"
    assert kb.answer("How do I get to Mudu from the railway station?").reason == "contact"
    assert kb.answer("木渎哪家饭店最好吃").abstained
    assert kb.answer("楼下吵得要命你们管不管").reason == "service"


def test_the_day_the_report_was_made_is_quoted_from_its_title_line(kb):
    from knowledge.document_facts import asks_document_date

    answer = kb.answer("这个报告是哪天作的？")
    assert not answer.abstained and answer.text.startswith("2025年1月6日")
    assert answer.citation.quote in kb.paragraph_text(answer.citation.passage)
    assert kb.passage(answer.citation.passage.id).text == answer.citation.quote  # the citation resolves
    assert "6 January 2025" in kb.answer("When was this report delivered?").text
    assert not asks_document_date("报告里说地铁什么时候通")
    assert all(p.section != "标题" for p in kb.passages)  # never retrieved for other questions


def test_the_year_a_report_is_for_is_its_documents_year(kb):
    for question in ("这个报告讲的是哪一年的计划", "Which year do these targets apply to?"):
        answer = kb.answer(question)
        assert not answer.abstained and answer.text.startswith("2025"), question
        assert answer.citation.passage.section == "标题"
    assert "6 January 2025" in kb.answer("What date is this government work report from?").text
    assert kb.answer("這份報告是哪一天發表的？").text.startswith("2025年1月6日")
    assert not kb.answer("地铁哪一年通车").text.startswith("2025年（报告作于")
    # 「哪天作的」 right after a question about the document itself asks its date; 「哪天开工」 asks of a project
    assert kb.answer("哪天作的", context="这报告谁作的").text.startswith("2025年1月6日")
    assert not kb.answer("哪天开工", context="这报告谁作的").text.startswith("2025年1月6日")


def test_a_term_written_with_latin_letters_and_digits_is_one_word(kb):
    answer = kb.answer("PM2.5报告里怎么说的")
    assert not answer.abstained and "PM2.5浓度稳定达标" in answer.citation.quote


def test_abbreviations_are_read_both_ways_from_the_reports_own_phrases(kb):
    abbreviations = kb.analyzer.abbreviations
    assert abbreviations.expansions("今年网购节还搞伐") == ["网络购物节"]  # the resident's short form
    assert "暑托班" in abbreviations.expansions("暑假托管班今年开多少个")  # the report's short form
    # common words that happen to be first characters of report phrases are no abbreviations
    for text in ("你们管管", "汤堡实验小学什么时候能建好", "公积金怎么提取出来", "最低工资标准多少"):
        assert abbreviations.expansions(text) == [], text
    answer = kb.answer("今年還辦網購節嗎？")
    assert not answer.abstained and "吴中网络购物节" in answer.citation.quote


def test_a_de_between_the_words_of_a_table_phrase_does_not_part_them(kb):
    from knowledge.normalize import SynonymTable

    table = SynonymTable((("上学名额", ("学位",)),))
    assert table.expansions("今年新增多少个上学的名额") == ["学位"]
    assert "7530个" in kb.answer("今年吴中上学的名额多了多少个？").text
