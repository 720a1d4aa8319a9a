"""Which item a question asks about, and what counts as its answer: the asking clause, the report's frame words,
counts in words, classes, homophone typos, the kind a which-question names, rates, follow-ups naming nothing."""
from knowledge.lexical import words
from knowledge.more import asks_for_more, challenges
from knowledge.question_types import WHICH, YESNO, question_type


def test_the_asking_clause_names_the_item_and_the_story_before_it_does_not(kb):
    answer = kb.answer("灵活就业的参保扩面,新增参保要多少人?")
    assert not answer.abstained and answer.text.startswith("新增参保人员8000人以上"), answer.text


def test_the_reports_frame_is_no_topic(kb):
    # the district, the year: every question shares them, so no abstention names them as the missing item
    assert words("全区一年新增多少学位") == ["学位"]
    assert kb.answer("全区新增城镇就业多少人").citation is not None


def test_a_count_in_words_of_the_asked_thing_states_it(kb):
    answer = kb.answer("今年政府工作重点分了几个方面?")
    assert not answer.abstained and "七方面" in answer.text


def test_a_class_after_you_is_the_reports_roman_class(kb):
    answer = kb.answer("优二比例呢?", context="国考省考的水质断面,三类以上要占多少?")
    assert "75%" in answer.text and "100%" not in answer.text.split("（")[0]


def test_a_homophone_typo_is_no_unknown_place(kb):
    assert "3.3万人" in kb.answer("新增成镇就业多少人啊").text
    assert kb.answer("东山镇新增多少学位").reason == "no_match:东山镇"  # a real town the report never names


def test_asking_to_list_them_is_a_which_question(kb):
    assert question_type("260个区重点项目能全部列出来吗?") == WHICH
    assert kb.answer("260个区重点项目能全部列出来吗?").abstained  # a count names none of them


def test_a_runner_up_naming_the_instances_answers_a_which_question(kb):
    answer = kb.answer("哪些龙头企业?", context="链主骨干企业呢?")
    assert "汇川" in answer.text and "科沃斯" in answer.text


def test_a_rate_asked_is_answered_only_by_a_percentage(kb):
    assert kb.answer("城镇登记失业率控制在多少?").abstained  # 新增城镇就业3.3万人 counts jobs
    assert "超20%" in kb.answer("How fast does Wuzhong want actually utilized foreign investment to grow?").text


def test_a_follow_up_naming_nothing_asks_the_figure_of_the_contexts_item(kb):
    answer = kb.answer("具体多少亿?", context="一般公共预算收入目标?")
    assert answer.abstained and answer.reason == "no_figure:一般公共预算收入"
    assert "7530个" in kb.answer("具体多少个?", context="今年新增多少学位?").text


def test_the_reports_quoted_names_are_words(kb):
    assert "九个一" in words("九个一包括啥?") and "1+9" in words("1+9是什么?")
    assert "一杯茶" in kb.answer("九个一包括啥?", context="农产品销售额目标多少?").text
    assert "“1+9”综合改革" in kb.answer("1+9是什么?").text


def test_who_in_wu_asks_who(kb):
    assert kb.answer("管教育个领导是啥人?").reason == "official"  # 啥人 is Wu for 谁


def test_what_is_asked_with_shenme_is_no_yes_no_question():
    assert question_type("招商体系叫什么?") != YESNO
    assert question_type("能建好么") == YESNO


def test_a_figure_heard_elsewhere_challenges_the_answer(kb):
    for text in ("Are you sure? I thought it was 3%.", "你確定嗎?我聽說是一萬個", "我记得是5%"):
        assert challenges(text), text
    for text in ("你是机器人吗", "我听说地铁要修到甪直", "I thought the target was higher"):
        assert not challenges(text), text
    assert "7530个" in kb.answer("你确定吗?我听说是一万个", context="今年新增多少学位?").text


def test_asking_for_examples_gets_the_whole_sentence(kb):
    assert asks_for_more("举几个例子?") and asks_for_more("For example?") and not asks_for_more("举报邻居")
    assert "林渡暖村" in kb.answer("举几个例子?", context="文旅新IP几个?").text


def test_the_clause_after_the_items_own_states_its_figure_in_the_unit_asked(kb):
    # 「持续开展“心肺联筛”服务,完成1万人健康风险评估」
    assert "1万人" in kb.answer("心肺联筛今年要做多少人").text
    assert "1万人" in kb.answer("要做多少人?", context="心肺联筛是啥,今年还搞伐?").text


def test_a_story_clause_names_no_topic_when_the_asking_clause_names_a_report_word(kb):
    assert "8000人以上" in kb.answer("我们外地人参保,今年新增参保多少人?").text  # 外地人 is who asks, not what
    assert kb.answer("一下雨就淹的路段，今年改造几处").reason == "no_match:路段"  # 改造 is a common verb, no topic

