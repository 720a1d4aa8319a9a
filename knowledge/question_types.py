"""What kind of answer a question wants, from general question words (no per-question rules).

quantity: 多少 / 几个 / how many → lead with the figure;  when: 什么时候 / 哪年 / when / will … → say the report's year;
which: 哪些 / 哪几 / which → the named items;  yesno: 是不是 / 有没有 / 会不会 / …吗 → 是的，报告提出… ;  other.
A follow-up that asks nothing of its own (「那站点呢？」) wants what the question it follows wanted.
"""
from __future__ import annotations

import re

from .query import QUANTITY_RE, indefinite_count

QUANTITY, WHEN, WHICH, YESNO, OTHER = "quantity", "when", "which", "yesno", "other"
WHEN_RE = re.compile(
    r"什么时候|啥时候|何时|哪年|哪一年|几时|几月|多久|什么时间|啥时间|进度|"
    r"\bwhen\b|\bwhat year\b|\bhow soon\b|\bby when\b")
# Will it / is it being built: a question about whether and when something happens also gets the year.
PLANNED_RE = re.compile(r"会不会|是否|有没有|要不要|\bwill\b|\bgoing to\b|\bbeing (?:built|planned|opened)\b|\bplann(?:ed|ing)\b|\bplans? to\b", re.IGNORECASE)
# 能全部列出来吗 asks for the named items as much as 哪些 does.
WHICH_RE = re.compile(r"列出|列举|哪些|哪几|哪[两二三四五六七八九十]|哪个|哪家|哪所|哪条|哪座|哪里|哪儿|什么项目|啥项目|\bwhich\b|\bwhat are\b|\blist\b")
YESNO_RE = re.compile(
    # 么 ends a yes-no question (能建好么), not 什么 / 怎么 / 这么
    r"是不是|是否|有没有|会不会|能不能|要不要|可不可以|(?:[吗嘛]|(?<![什怎这那多])么)[?？!！。\s]*$|"
    r"^\s*(?:is|are|will|does|do|did|can|has|have|was|were|should)\b", re.IGNORECASE)
FOLLOWUP_TYPES = (WHEN, QUANTITY, WHICH, YESNO)
# What does the report say of a topic (医疗方面讲了啥, 低空经济今年搞啥, 有啥说法, tell me about): the whole sentence
# answers, not its first clause.
OVERVIEW_RE = re.compile(r"(?:讲|说|写|提)(?:了|到)?(?:些)?(?:啥|什么)|(?:有|是)(?:啥|什么)(?:说法|安排|规划|打算|内容|部署)|"
                         r"怎么(?:说|讲|写)|搞(?:些)?(?:啥|什么)|(?:做|干)(?:些)?(?:啥|什么)|"
                         r"\bwhat does (?:the report|it) say\b|\btell me (?:about|more about)\b|\bwhat(?:'s| is) (?:the )?plan (?:for|on)\b",
                         re.IGNORECASE)
# A yearly work report dates its tasks by the year (or 上半年, 九月底前): "in which year / when will it happen" is
# answered by it, a day, an hour or an opening time never is.
YEAR_WHEN_RE = re.compile(r"哪年|哪一年|什么时候|啥时候|什么时侯|何时|什么时间|啥时间|"
                          r"\bwhen\b|\bwhat year\b|\bwhich year\b|\bhow soon\b")
DAY_WHEN_RE = re.compile(r"几点|几号|哪一?天|哪几天|几月几|具体(日期|时间)|\b(what time|which day|what date|what day|"
                         r"when exactly|exact (date|day|time)s?|what dates|dates? (of|for))\b")
# Opening hours, timetables, enrolment, the dates of an event (音乐节, marathon): recurring times, not the year a
# task is done — a yearly plan says only that the event is held this year.
RECURRING_RE = re.compile(r"时刻|班次|首班|末班|营业|开放时间|开门|关门|开业|开学|招生|报名|开放|"
                          r"音乐节|艺术节|文化节|美食节|运动会|马拉松|比赛|大赛|展会|博览会|演出|音乐会|庙会|灯会|"
                          r"\b(timetable|opening hours|open hours|register|enrol|enroll|registration)\b|\bopens?\b(?! to traffic)|"
                          r"\b(festival|marathon|race|competition|contest|concert|fair|expo|exhibition|tournament|games)\b")


# An English question opens with its question word, with or without a question mark (where are they).
WH_START_RE = re.compile(r"\s*(?:where|what|who|whom|whose|how|why|which|when)\b", re.IGNORECASE)
# 「那医院呢？哪家要扩建？」: the thing a follow-up turns to is its topic, whatever else it asks.
FOLLOW_UP_TOPIC_RE = re.compile(r"^(?:那|那么|还有|另外)([^，,。？?！!呢]{2,12})呢")


def follow_up_topic(text: str) -> str | None:
    """What a follow-up turns to (那医院呢 → 医院), or None."""
    match = FOLLOW_UP_TOPIC_RE.search(text)
    return match.group(1) if match else None


def question_type(text: str) -> str:
    """The answer a question wants: quantity, when, which, yesno or other (normalized text)."""
    lowered = text.lower()
    if WHEN_RE.search(lowered):
        return WHEN
    if WHICH_RE.search(lowered):  # before quantity: 哪几个 names items, it does not count them
        return WHICH
    if QUANTITY_RE.search(lowered) and not indefinite_count(lowered):
        return QUANTITY
    if YESNO_RE.search(lowered):
        return YESNO
    return OTHER


def reply_type(text: str, context: str | None = None) -> str:
    """The question's own type, else (for a bare follow-up) the type of the question it follows."""
    own = question_type(text)
    if own == OTHER and context:
        inherited = question_type(context)
        return inherited if inherited in FOLLOWUP_TYPES else OTHER
    return own


def asks_overview(text: str) -> bool:
    """Whether a question asks what the report says of a topic rather than one fact of it."""
    return question_type(text) == OTHER and bool(OVERVIEW_RE.search(text))


def wants_year(text: str, kind: str) -> bool:
    """When-questions and will-it / is-it-being-built questions are answered with the report's year."""
    return kind == WHEN or (kind == YESNO and bool(PLANNED_RE.search(text)))


def asks_recurring_time(text: str, context: str = "") -> bool:
    """Whether a when-question asks for a recurring time or an event's dates (音乐节什么时候办, when is the
    marathon; 啥时候办 after a question on the 音乐节): no work report gives them."""
    return question_type(text) == WHEN and bool(RECURRING_RE.search(f"{text} {context}".lower()))


def asks_day(text: str) -> bool:
    """Whether a question asks for a day or an hour (具体哪几天, 几点, what date)."""
    return bool(DAY_WHEN_RE.search(text.lower()))


def asks_year_of_event(text: str) -> bool:
    """Whether a when-question asks only in which year / when something happens (哪年通车, when will it start):
    a work report answers that with its year or the clause's own time, never with a day."""
    lowered = text.lower()
    return bool(YEAR_WHEN_RE.search(lowered)) and not asks_day(lowered) and not RECURRING_RE.search(lowered)


def is_question(text: str) -> bool:
    """Whether a message asks something (a question word, …吗, or a question mark): 「新房超市是啥？」 does,
    「民生」 or 「政策」 alone only names a topic."""
    return question_type(text) != OTHER or text.rstrip().endswith(("?", "？")) or bool(WH_START_RE.match(text))
