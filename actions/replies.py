"""What the actions say, in Chinese and English; the facts themselves come from the knowledge layer."""
from __future__ import annotations

import json
import os

HOTLINE = "12345"
# The district's official site, named in every abstention and handoff.
OFFICIAL_SITE = os.environ.get("WUZHONG_OFFICIAL_SITE", "https://www.szwz.gov.cn")

TEXTS: dict[str, dict[str, str]] = {
    "offer_handoff": {
        "zh": "需要我为您转人工吗？",
        "en": "Would you like me to pass you to a person?",
    },
    "where_to_go": {
        "zh": "请拨打12345政务服务便民热线（24小时），或访问吴中区人民政府网站 {site}。",
        "en": "Please call the 12345 government service hotline (24 hours) or visit {site}.",
    },
    "kb_unavailable": {
        "zh": "抱歉，报告知识库暂时无法使用。",
        "en": "Sorry, the report knowledge base is unavailable right now.",
    },
    "query_too_long": {
        "zh": "{error}",
        "en": "Your question is too long ({length} characters); please keep it under {limit} characters.",
    },
    "empty_query": {
        "zh": "{error}",
        "en": "Please type your question about the report.",
    },
    "source": {
        "zh": "出处：《{document}》{section}，「{title}」段。\n原文：{text}",
        "en": "Source: {document} (Wuzhong District Government Work Report), section 「{section}」, "
        "paragraph 「{title}」. The full passage, in Chinese:\n{text}",
    },
    "no_source_yet": {
        "zh": "您还没有问过报告里的问题。请先提问，我会给出答案和报告原文出处。",
        "en": "You haven't asked about the report yet. Ask a question and I'll answer with the passage it comes from.",
    },
    "no_source_abstained": {
        "zh": "上一个问题报告中没有相关内容，所以没有出处。您可以问问报告里的其他内容，或拨打12345热线。",
        "en": "The report didn't cover your last question, so there is no passage to show. "
        "Ask about something else in the report, or call the 12345 hotline.",
    },
    "clarify": {
        "zh": "您想了解报告中哪方面的内容？可以选一个主题，或直接把问题说具体些，比如“今年新增多少学位？”。"
        "需要人工帮助请拨打12345热线。",
        "en": "Which part of the report would you like to know about? Pick a topic, or ask a specific "
        "question such as \"How many new school places this year?\". For a person, call the 12345 hotline.",
    },
    "anything_else": {
        "zh": "好的。还有其他想了解的吗？",
        "en": "All right. Anything else you'd like to know about the report?",
    },
    "ask_directly": {
        "zh": "好的，请直接输入您的问题，比如“今年GDP增长目标是多少？”或“人才公寓新增多少套？”。",
        "en": "Sure — type your question, for example \"What is this year's GDP growth target?\" "
        "or \"How many talent apartments will be added?\".",
    },
    "handoff": {
        "zh": "好的，已为您转人工（记录编号 {ticket}）。工作人员会在{hours}查看您的问题和对话记录。"
        "您也可以直接拨打12345政务服务便民热线（24小时），或访问吴中区人民政府网站 {site}。",
        "en": "Done — I've passed your conversation to our staff (reference {ticket}); they review requests "
        "{hours}. You can also call the 12345 government service hotline (24 hours) or visit {site}.",
    },
    "handoff_unrecorded": {
        "zh": "请直接拨打12345政务服务便民热线（24小时），工作人员{hours}在线。也可以访问吴中区人民政府网站 {site}。",
        "en": "Please call the 12345 government service hotline (24 hours); staff are online {hours}. "
        "You can also visit {site}.",
    },
}

STAFF_HOURS = {"zh": "工作日 9:00–17:00", "en": "on weekdays 9:00–17:00"}

TOPIC_TITLES = {
    "school": {"zh": "学校教育", "en": "Schools"},
    "transit": {"zh": "公交出行", "en": "Transport"},
    "elder_care": {"zh": "养老服务", "en": "Elderly care"},
    "tourism": {"zh": "文化旅游", "en": "Tourism"},
    "other": {"zh": "其他", "en": "Other"},
}

# What a topic button asks the knowledge layer: the report's headline promise on that topic.
TOPIC_QUESTIONS = {
    "school": {"zh": "今年新增多少学位？", "en": "How many new school places will be added this year?"},
    "transit": {"zh": "今年新辟优化多少条公交线路？", "en": "How many bus routes will be opened or improved this year?"},
    "elder_care": {"zh": "失能老人家庭养老床位建多少张？", "en": "How many home care beds for disabled elderly people will be built?"},
    "tourism": {"zh": "今年游客总人次目标是多少？", "en": "What is this year's target for tourist visits?"},
}


def topic_buttons(language: str) -> list[dict[str, str]]:
    """One button per topic; the payload is sent back as the resident's next message."""
    return [
        {"title": titles[language], "payload": "/ask_report" + json.dumps({"topic": topic})}
        for topic, titles in TOPIC_TITLES.items()
    ]


def say(key: str, language: str, **values: object) -> str:
    """The reply `key` in `language` ('zh' or 'en'), with the hotline site and staff hours filled in."""
    lang = "en" if language == "en" else "zh"
    values.setdefault("site", OFFICIAL_SITE)
    values.setdefault("hours", STAFF_HOURS[lang])
    return TEXTS[key][lang].format(**values)
