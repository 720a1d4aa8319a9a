"""Resident-facing words for every abstention reason (Answer.reason), in Chinese and English.

The reason is the knowledge layer's one verdict (CONTRACTS: price, schedule, …, service, meta, opinion, official, unclear,
low_confidence, no_match[:word], no_figure[:word], no_time[:word], no_names[:word], no_place); these are the words it is shown in. No digit but 12345 appears
here: the grounding guard holds abstentions to that.
"""
from __future__ import annotations

ABSTAIN_ZH = "报告中没有找到相关内容："
ABSTAIN_EN = "The report does not cover this"
HOTLINE_ZH = "如需进一步了解，请拨打12345政务服务便民热线，或查看吴中区人民政府官网。"
HOTLINE_EN = "For details, please call the 12345 government service hotline or see the Wuzhong district government website."
EXAMPLE_ZH = "例如“今年新增多少学位？”"
EXAMPLE_EN = 'for example "How many new school places will there be this year?"'
# (Chinese, English); English starts lower-case: it follows "The report does not cover this: ".
REASONS = {
    "price": ("报告只写年度目标和任务，不含价格、收费或票价。", "the report sets yearly goals and gives no prices or fees."),
    "schedule": ("报告不含具体日期、时刻或开放时间。", "the report gives no dates, timetables or opening hours."),
    "procedure": ("报告不含申请、报名或办理的流程。", "the report does not describe how to apply or register."),
    "contact": ("报告不含电话、地址等联系方式。", "the report gives no phone numbers or addresses."),
    "entitlement": ("报告不含个人待遇或补贴的具体标准。", "the report gives no individual benefit amounts."),
    "weather": ("报告不含天气等实时信息。", "the report has no weather or other live information."),
    "elsewhere": ("报告只涉及吴中区，不含其他地区的安排。", "the report covers Wuzhong district only."),
    "personal": ("报告不涉及个人情况的审核。", "the report cannot decide individual cases."),
    "past": ("报告只写今年的目标任务，不含往年统计数据。", "the report sets this year's goals and gives no past statistics."),
    "no_match": ("报告里没有与这个问题对应的段落。", "nothing in the report matches the question."),
    # Residents asking who holds an office also learn what the assistant is for.
    "official": ("报告不涉及哪位官员担任什么职务，也不含官员的个人信息；我只回答报告里写了什么。",
                 "the report says nothing about who holds an office or about officials' personal details; "
                 "I answer questions about what the report says."),
    "low_confidence": ("报告里没有找到足够明确的依据，为避免答错，暂不作答。",
                       "the report gives no clear enough basis to answer without risking a wrong answer."),
    "no_figure": ("报告没有给出具体数量。", "the report gives no specific number for this."),
    "no_time": ("报告没有给出具体时间。", "the report gives no date for this."),
    # A which- or where-question about something the report does name, but not one by one or not where.
    "no_names": ("报告没有列出具体名单。", "the report does not name them one by one."),
    "no_place": ("报告没有写明具体地点。", "the report does not say where."),
    # Not a question about the report: the words say where to go or what the assistant does, and quote nothing.
    "service": ("这类个人事务、投诉或举报请拨打12345政务服务便民热线，或登录吴中区人民政府网站办理。",
                "for personal matters, complaints or reports, please call the 12345 government service hotline "
                "or use the Wuzhong district government website."),
    "meta": (f"我是吴中区政府工作报告问答助手：只回答报告里写了什么，并给出原文出处；不闲聊、不代写、不扮演其他角色。{EXAMPLE_ZH}",
             f"I answer what Wuzhong district's government work report says, quoting and citing the passage; "
             f"I don't chat, write texts or play roles. Ask me, {EXAMPLE_EN}"),
    # A favour asked of the assistant: it cannot do it, and says where a resident's own matters are handled.
    "task": ("这件事我办不了：我只回答报告里写了什么，并给出原文出处。个人事务请拨打12345政务服务便民热线，或登录吴中区人民政府网站办理。",
             "I can't do that for you: I only answer what the report says, quoting the passage. For personal matters, "
             "please call the 12345 government service hotline or use the Wuzhong district government website."),
    # Venting at the government: heard, what the assistant does, and where comments are taken.
    "opinion": ("您的意见我们理解。我只回答报告里写了什么，并给出原文出处，不评价政府工作；意见和建议请拨打12345政务服务便民热线反映。",
                "I hear you. I only answer what the report says, quoting the passage, and don't judge the government's "
                "work; please take comments and suggestions to the 12345 government service hotline."),
    "unclear": (f"没看明白您的问题，能换个说法再问一次吗？{EXAMPLE_ZH}", f"sorry, I didn't understand. Could you rephrase, {EXAMPLE_EN}"),
}
# Kinds whose words stand alone: no "not in the report" lead-in; service names 12345 itself, the others need no hotline.
STANDALONE = frozenset({"service", "meta", "task", "opinion", "unclear"})
# Kinds whose words already say what the report lacks: no generic lead-in, the hotline follows.
SELF_EXPLAINED = frozenset({"official", "low_confidence", "no_figure", "no_time", "no_names", "no_place"})


def reason_text(reason: str | None, language: str = "zh") -> str:
    """The resident-facing words for an abstention reason ('no_match:区长', 'no_figure:教师招聘' name the topic)."""
    kind, _, word = (reason or "no_match").partition(":")
    zh = language != "en"
    if kind == "no_match" and word:
        return f"报告没有提到「{word}」。" if zh else f"the report does not mention 「{word}」."
    if kind == "no_time" and word:
        return f"报告没有给出{word}的时间。" if zh else f"the report gives no date for 「{word}」."
    if kind == "no_names" and word:
        return f"报告没有列出具体是哪些{word}。" if zh else f"the report does not list which 「{word}」."
    if kind == "no_figure" and word:
        return f"报告没有给出{word}的具体数量。" if zh else f"the report gives no specific number for 「{word}」."
    zh_text, en_text = REASONS.get(kind, REASONS["no_match"])
    return zh_text if zh else en_text


def abstention_text(reason: str | None, language: str = "zh") -> str:
    """The whole abstention reply: what the report lacks (or where to go), then the hotline where it helps."""
    kind, _, word = (reason or "no_match").partition(":")
    explanation = reason_text(reason, language)
    if language == "en":
        if kind in STANDALONE:
            return _capitalized(explanation)
        if kind in SELF_EXPLAINED or word:
            return f"{_capitalized(explanation)} {HOTLINE_EN}"
        return f"{ABSTAIN_EN}: {explanation} {HOTLINE_EN}"
    if kind in STANDALONE:
        return explanation
    if kind in SELF_EXPLAINED or word:
        return f"{explanation}{HOTLINE_ZH}"
    return f"{ABSTAIN_ZH}{explanation}{HOTLINE_ZH}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
