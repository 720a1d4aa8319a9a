"""Curated answers through a RUNNING Rasa + action server (the session stack, never restarted): approved in the
app database, the assistant answers a NEW paraphrase with it within 5 s, citing its passage and kb_version; a
near-miss on the same topic still gets the report's own answer; one citing a passage the live knowledge base no
longer has is flagged for review by the action server and never served."""
from __future__ import annotations

import itertools
import time

import pytest

pytestmark = pytest.mark.rasa

PHRASINGS = ["暑托班什么时候报名", "暑托班几号开始报名", "暑期托管班报名时间是什么时候"]
ANSWER = "暑托班报名时间以区教育局当年通知为准，一般在6月初开放网上报名。"
NEW_PARAPHRASE = "孩子暑托班啥时候能报名"
NEAR_MISS = "暑托班今年办多少个班"
LIVE_WITHIN_SECONDS = 5.0
_senders = itertools.count()


@pytest.fixture(scope="module")
def people(rasa_stack):
    """An operator and a reviewer in the stack's app database (the action server reads curated answers there)."""
    from web.auth import add_user

    from records import curated

    db = str(rasa_stack.db_path)
    for name, role in (("cur-op", "operator"), ("cur-rev", "reviewer")):
        add_user(name, "curated password 1", role=role, db=db)
    yield "cur-op", "cur-rev"
    for answer in curated.list_answers(db):  # the stack is the session's: leave no answer serving
        if answer["status"] in ("draft", "live", "review"):
            curated.retire(answer["id"], "cur-rev", "test over", url=db)


def ask(stack, question: str) -> tuple[str, dict | None]:
    """A new resident asks: the bot's text and its citation (None when it cites nothing)."""
    messages = stack.send(f"curated-{next(_senders)}", question)
    text = " ".join(m["text"] for m in messages if m.get("text"))
    citations = [m["custom"]["citation"] for m in messages if "citation" in (m.get("custom") or {})]
    return text, citations[0] if citations else None


def test_approved_answer_serves_a_new_paraphrase_within_5_s(rasa_stack, people, kb):
    from records import curated

    db = str(rasa_stack.db_path)
    passage = next(p for p in kb.passages if "暑托班" in p.text)
    text, citation = ask(rasa_stack, NEW_PARAPHRASE)
    assert text != ANSWER and not (citation or {}).get("curated")
    answer_id = curated.create(ANSWER, PHRASINGS, {"passage_id": passage.id, "kb_version": kb.version,
                                                   "quote": "开设暑托班超150个"}, people[0], url=db)
    assert not (ask(rasa_stack, NEW_PARAPHRASE)[1] or {}).get("curated")  # a draft is not served
    curated.approve(answer_id, 1, people[1], url=db)
    approved = time.monotonic()
    while True:
        text, citation = ask(rasa_stack, NEW_PARAPHRASE)
        seconds = time.monotonic() - approved
        if (citation or {}).get("curated"):
            break
        assert seconds < LIVE_WITHIN_SECONDS, f"after {seconds:.1f} s still: {text}"
        time.sleep(0.2)
    print(f"\ncurated answer live in the action server {seconds:.2f} s after approval")
    assert text == ANSWER
    assert (citation["curated_id"], citation["curated_version"]) == (answer_id, 1)
    assert citation["passage_id"] == passage.id and citation["kb_version"] == kb.version
    assert citation["quote"] == "开设暑托班超150个" and "暑托班" in citation["text"]

    text, citation = ask(rasa_stack, NEAR_MISS)  # same topic, another question: the report's own answer
    assert not (citation or {}).get("curated") and text != ANSWER


def test_a_dead_citation_is_flagged_by_the_action_server_and_not_served(rasa_stack, people):
    from records import curated

    db = str(rasa_stack.db_path)
    gone = {"passage_id": "0123456789ab", "kb_version": "oldversion01"}  # replaced by a later publish
    answer_id = curated.create(ANSWER, PHRASINGS, gone, people[0], url=db)
    curated.approve(answer_id, 1, people[1], url=db)
    deadline = time.monotonic() + LIVE_WITHIN_SECONDS
    while curated.history(answer_id, url=db)["versions"][-1]["status"] != "review":
        _, citation = ask(rasa_stack, NEW_PARAPHRASE)
        assert (citation or {}).get("passage_id") != gone["passage_id"]
        assert time.monotonic() < deadline, "the action server did not flag the dead citation"
        time.sleep(0.2)
    events = curated.history(answer_id, url=db)["events"]
    assert events[0]["action"] == "curated.flag" and events[0]["actor"] is None
    _, citation = ask(rasa_stack, NEW_PARAPHRASE)
    assert (citation or {}).get("passage_id") != gone["passage_id"]
