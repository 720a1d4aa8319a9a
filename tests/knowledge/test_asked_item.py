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



def test_a_count_after_deng_sums_up_the_list_the_item_is_in(kb):
    # 「完成金枫北路、友新路、尹南路等8处积水区域雨水管网改造」: 8处 counts the listed roads too
    answer = kb.answer("一共几处", context="一下雨金枫北路就淹，今年弄不弄")
    assert not answer.abstained and "8处" in answer.text, answer.text


def test_a_challenge_after_a_follow_up_questions_the_follow_up(kb):
    pair = ("刚毕业，今年吴中新增就业岗位多少", "人才公寓呢")
    answer = kb.answer("你确定吗？", context=pair)
    assert "3000套" in answer.text and "3.3万人" not in answer.text
    # other follow-ups lean on the question both follow
    assert "473个" in kb.answer("充电桩呢", context=("公交线路新增几条", "那站点呢")).text
    assert "1800亿元" in kb.answer("Where exactly is that written?", context="区重点项目总投资多少").text


def test_a_figure_the_resident_asks_to_check_is_the_figure_asked(kb):
    # 是170还是多少 / 350万？: the number is checked, not a name nor something already known
    assert "170件" in kb.answer("万人专利是170还是多少").text
    assert "350万平方米" in kb.answer("国资载体盖多少平方，350万？").text
    assert kb.answer("24小时城市书房新建几个").abstained  # a number inside a name stays a name


def test_measure_words_that_count_the_same_things(kb):
    assert "3家" in kb.answer("新增國家級旅遊民宿幾間？").text
    assert kb.answer("公交线路今年新增几辆").abstained  # 辆 counts vehicles, not the lines' 条
    assert kb.answer("全区有多少家医院").abstained  # 个 counts anything: 2个社区卫生服务中心 are no hospitals


def test_which_month_is_answered_by_the_month_the_report_sets(kb):
    assert "九月底前" in kb.answer("区重点项目几月份之前要开工？").text
    assert kb.answer("暑托班几月开始报名").reason == "schedule"


def test_what_is_asked_of_a_named_item_must_be_in_the_report(kb):
    # 学区 right before 怎么: the report names the school, never its catchment area
    assert kb.answer("汤堡实验小学学区怎么划？").reason == "no_match:学区"
    assert "180张" in kb.answer("养老院床位多少").text  # 养老 is the report's: a paraphrase, not another aspect


def test_a_synonym_jieba_takes_for_a_place_is_no_place(kb):
    # 巴士 (tagged a place) is the thesaurus's 公交; a sentence without 公交 or 巴士 does not answer for it
    assert "10条" in kb.answer("巴士线路新增几条").text
    answer = kb.answer("有冇新開巴士線？")
    assert answer.abstained or "公交" in answer.citation.quote


def test_a_completion_asked_at_the_end_must_be_said_in_so_many_words(kb):
    # 工程 is no 完工, 推动…去筹 no success: no date for the completion asked
    assert kb.answer("长桥改造什么时候完工").reason.startswith("no_time:")
    assert kb.answer("吴中高新区什么时候去筹成功").reason.startswith("no_time:")
    assert "2025" in kb.answer("退圩还湖什么时候完工").text  # 全面完工退圩还湖: said
    assert kb.answer("你好，今日天氣點呀？").reason == "weather"


def test_a_lone_surrogate_is_no_challenge_and_no_crash(kb):
    # the action server asks leans_on_previous of every message: a "\ud800" from a JSON body must not raise
    assert kb.leans_on_previous("\ud800学位") is False and kb.leans_on_previous("你確定嗎") is True


def test_a_named_items_figure_is_not_another_clauses_of_its_sentence(kb):
    """欣天科技 is named in 「确保欣天科技…等15个新开工市重点项目上半年全部开工」; 「总投资145亿元的省重大项目」 of the
    same sentence is other projects' investment: no figure for 欣天科技's."""
    answer = kb.answer("欣天科技那个项目总投资多少钱?")
    assert answer.abstained and answer.reason.startswith("no_figure"), answer.text
