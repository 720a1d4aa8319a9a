"""What a follow-up asks of its context: the context's ask (「那领军人才呢」 after a how-many asks how many) or the
context's item (「具体多少亿？」 after 「一般公共预算收入目标？」 asks the figure of 一般公共预算收入)."""
from __future__ import annotations

import dataclasses
import re

from .figure_checks import asks_figure
from .query import Query
from .question_types import OTHER, QUANTITY, question_type, reply_type


def with_context_item(kb, query: Query, context: Query | None) -> Query:
    """A how-many follow-up naming nothing of its own (几个, 占比呢, and its share?) asks the figure of the context's item: a clause stating
    another item's figure does not answer it."""
    return context_item(kb, query, context) if asks_figure(query) else query


def context_item(kb, query: Query, context: Query | None) -> Query:
    """A follow-up naming nothing of its own (在哪里, 喺边度, where are they) asks of the context's item: the question
    with the context's words before it. So does one whose own words the context already says: 「总投资多少」 after
    「政府投资项目多少个」 asks the total investment of those projects."""
    if context is None:
        return query
    own = [w for w in query.content_words() if len(w) >= 2]
    if not kb.retriever.names_no_topic(query) and not (own and all(w in context.text for w in own)):
        return query
    return kb.analyzer.analyze(f"{context.text}，{query.text}")


def inherited_ask(query: Query, context: Query | None) -> Query:
    """A bare follow-up asks what its context asked: 「那领军人才呢」 after 「人才公寓新增多少套」 asks how many 领军人才
    (so a passage that states their number answers, not one that only names them)."""
    if context is None or question_type(query.text) != OTHER or reply_type(query.text, context.text) != QUANTITY:
        return query
    ask = " how much" if query.language == "en" else "多少"  # (a Latin word runs on into 多少: share多少 is no share)
    return dataclasses.replace(query, text=re.sub(r"[呢吗?？。!！\s]+$", "", query.text) + ask)
