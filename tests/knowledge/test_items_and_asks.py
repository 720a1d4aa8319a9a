"""What a follow-up or a detail question asks of an item: the item a follow-up with no topic of its own leans on,
the sentence a bare ask quotes, a part's figure, what the report never says of an item, abbreviations that skip
words, English words in a Chinese question and English combining forms."""
from knowledge.more import asks_for_more, challenges
from knowledge.normalize import expand_abbreviations


def test_a_bare_count_after_a_yes_no_question_quotes_that_items_sentence(kb):
    # the passage also holds the bus sentence with six figures in 个: the context's words choose the sentence
    answer = kb.answer("几个？", context="今年要建口袋公园吗")
    assert answer.text.startswith("新改建口袋公园8个"), answer.text


def test_a_follow_up_naming_no_topic_asks_of_the_item_the_last_follow_up_named(kb):
    answer = kb.answer("哪一年的目标", context=("机器人+人工智能产业规模目标多少", "生物医药呢"))
    assert "生物医药" in answer.text and "2025年" in answer.text and "1900亿" not in answer.text, answer.text
    answer = kb.answer("什么时候建完", context="西山生态岛")
    assert answer.text.startswith("报告提出2025年高标准完成省西山“生态岛”试验区建设"), answer.text
    # a completion the report does not state for the item is not quoted from another paragraph (积水区域 …完成)
    answer = kb.answer("什么时候完成", context=("机器人+人工智能产业规模目标多少", "生物医药呢"))
    assert answer.abstained, answer.text


def test_a_follow_up_with_an_item_of_its_own_still_leans_on_the_question_both_follow(kb):
    answer = kb.answer("充电桩呢", context=("新能源公交车今年投放多少辆", "那站点呢"))
    assert answer.text.startswith("新增新能源充电桩473个"), answer.text


def test_a_challenge_with_any_measure_word_or_in_chat_english_is_a_challenge(kb):
    for text in ("你确定？不是20年吗", "不是3座吗", "hmm r u sure? i heard 10000", "u sure?"):
        assert challenges(text), text
    assert not challenges("really? how many parks")
    answer = kb.answer("你确定？不是20年吗", context="太湖连续几年安全度夏")
    assert "18年" in answer.text and "公交" not in answer.text, answer.text


def test_more_of_the_kind_just_answered_is_a_request_for_more(kb):
    assert asks_for_more("还有什么比赛") and asks_for_more("还有哪些学校呢") and not asks_for_more("还有什么时候")
    answer = kb.answer("还有什么比赛", context="马拉松今年有吗")
    assert "四季越野赛" in answer.text, answer.text


def test_a_parts_figure_does_not_answer_for_the_whole_a_shared_verb_is_no_part(kb):
    # 「全社会固定资产投资稳中有进,其中工业投资增长10%」: 10% is industrial investment's, not fixed-asset investment's
    assert kb.answer("固定资产投资今年增长几个百分点").abstained
    assert "10%" in kb.answer("工业投资增长多少").text


def test_every_part_asked_must_be_in_the_quote(kb):
    answer = kb.answer("7530个学位里面小学多少个初中多少个")
    assert answer.abstained and "初中" in answer.text, answer.text


def test_what_the_report_never_says_of_an_item_is_not_answered_by_the_item(kb):
    assert kb.answer("家庭养老床位有没有补贴 补多少").reason == "no_match:补贴"  # whether it exists at all
    assert kb.answer("公积金贷款最多能贷多少").reason == "entitlement"  # what one may get: unanswerable.tsv
    assert kb.answer("how much is biluochun tea per jin this year").reason == "price"
    assert "1500辆" in kb.answer("共享电单车今年加多少辆").text  # the report's 电(单)车
    # a count in the story (员工十几个) asks nothing
    answer = kb.answer("我是做跨境电商的小老板,员工十几个,想问一下政府今年对跨境电商有什么目标")
    assert "翻番" in answer.text, answer.text


def test_a_short_form_may_skip_words_of_a_long_term(kb):
    assert "超1900家" in kb.answer("高企要多少家").text
    assert "超1000亿元" in kb.answer("社零目标").text
    assert kb.analyzer.abbreviations.expansions("今年能建不能建") == []  # no two characters of words read as one


def test_an_english_word_in_a_chinese_question_is_read_through_the_glossary(kb):
    assert "4.12%" in kb.answer("R&D占比今年超多少").text
    assert "5%以上" in kb.answer("GDP涨多少").text  # the report's own Latin word stays


def test_english_combining_forms_and_the_reports_latin_names(kb):
    assert expand_abbreviations("biomedical companies") == "biological medical companies"
    assert expand_abbreviations("biology class") == "biology class"  # no word is left after bio-
    assert "800" in kb.answer("what's the target for biomedical companies count").text
    assert "LifeBay" in kb.answer("what is LifeBay").text


def test_applying_for_oneself_or_asking_where_ones_case_stands_goes_to_the_hotline(kb):
    for text in ("我想申请低保", "我申请人才公寓审核到哪了", "我厂子的用地审批到哪一步了"):
        assert kb.answer(text).reason == "service", text
    assert "3000套" in kb.answer("我想申请人才公寓，今年有多少套").text


def test_what_is_on_at_a_given_time_is_a_programme_the_report_does_not_give(kb):
    assert kb.answer("保利大剧院下个月演什么").reason == "schedule"
