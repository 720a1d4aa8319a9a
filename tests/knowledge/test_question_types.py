"""Question types from general question words, in Chinese (Simplified after normalization) and English."""
import pytest

from knowledge.question_types import (OTHER, QUANTITY, WHEN, WHICH, YESNO, asks_day, asks_year_of_event, question_type,
                                      reply_type, wants_year)


@pytest.mark.parametrize("text, kind", [
    ("今年新增多少学位", QUANTITY), ("充电桩几个", QUANTITY), ("How many new school places?", QUANTITY),
    ("长江路南延工程啥时候贯通", WHEN), ("地铁何时开通", WHEN), ("哪年建成", WHEN), ("When will the bridge open?", WHEN),
    ("哪些道路要改造", WHICH), ("要建哪几个学校", WHICH), ("Which streets will be fixed?", WHICH),
    ("会不会新建社区卫生服务中心", YESNO), ("是不是要盖新学校", YESNO), ("有没有助餐的地方", YESNO),
    ("蠡墅老街要改造了吗", YESNO), ("Is there a marathon around Taihu?", YESNO),
    ("会多开几家24小时书房吗", YESNO), ("今年新开几家书房", QUANTITY),  # 几 before 吗 is "a few"
    ("新建学校", OTHER), ("那停车泊位呢", OTHER), ("pocket parks", OTHER),
])
def test_question_type(text, kind):
    assert question_type(text) == kind


def test_followup_inherits_what_its_context_asked():
    assert reply_type("那停车泊位呢", "新能源公交车今年投放多少辆") == QUANTITY
    assert reply_type("龙翔路呢", "东方大道什么时候改造") == WHEN
    assert reply_type("那要建几个学校项目", "今年新增多少学位") == QUANTITY  # its own type wins
    assert reply_type("新建学校") == OTHER


@pytest.mark.parametrize("text, kind, wanted", [
    ("长江路南延工程啥时候贯通", WHEN, True), ("会不会新建社区卫生服务中心", YESNO, True),
    ("Will the Shengpu Bridge open to traffic this year?", YESNO, True),
    ("蠡墅老街要改造了吗", YESNO, False), ("Does the plan mention the visa-free transit?", YESNO, False),
    ("今年新增多少学位", QUANTITY, False),
])
def test_wants_year(text, kind, wanted):
    assert wants_year(text, kind) is wanted


@pytest.mark.parametrize("text, year, day", [
    ("太湖隧道哪一年开工", True, False), ("When will the new hospital wing be finished?", True, False),
    ("When is the bridge due to open to traffic?", True, False),
    ("图书馆什么时候开放", False, False), ("When does the museum open?", False, False),  # opening hours
    ("美食节具体哪几天", False, True), ("What date is the marathon?", False, True),
    ("啤酒音乐节什么时候举办", False, False), ("When is the marathon?", False, False),  # an event's dates
    ("What are the dates for the music festival?", False, True),
])
def test_when_granularity(text, year, day):
    assert asks_year_of_event(text) is year and asks_day(text) is day
