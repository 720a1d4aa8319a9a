"""Requests the report can never answer however they are phrased: procedures, eligibility, fees, hours.

The report sets out the district's goals for the year; it has no forms, fees or timetables. A message
asking for one of those, which NLU also calls out_of_scope with near certainty, is declined even when
retrieval finds a passage on the same subject (「办老年卡去哪办」 finds the elderly-care passage).
"""
from __future__ import annotations

import re

# How to do something, where, with what papers, under which conditions, for how much, at what hour.
# Not 多少/什么时候 alone: 「新增多少学位」「什么时候通车」 are what the report answers.
_SERVICE_ZH = re.compile(
    r"怎么(办|申请|报名|领|补|交|缴|预约|挂号|办理|收费|买)|如何(申请|办理|报名|预约)|"
    r"(去|在|到)哪(里|儿)?(办|申请|报名|领|补|交|缴|买|挂号)|"
    r"需要(什么|哪些)(材料|证件|手续|条件)|(要|有)什么(条件|要求|材料|手续)|手续|"
    r"多少钱|收费|票价|费用|价格|租金|一度电|几点|开放时间|营业时间|上班时间"
)
_SERVICE_EN = re.compile(
    r"\bhow (do|can) i\b|\bwhere (do|can) i\b|\bapply for\b|\bregist(er|ration)\b|"
    r"\bwhat documents\b|\beligib|\bcost\b|\bprice\b|\bfees?\b|\bfare\b|\brent\b|"
    r"\bwhat time\b|\bopening hours\b|\bopen on\b",
    re.I,
)


def asks_for_service(text: str) -> bool:
    """True when the message asks for a procedure, eligibility, a fee or opening hours."""
    return bool(_SERVICE_ZH.search(text) or _SERVICE_EN.search(text))
