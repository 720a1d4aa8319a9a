"""A long conversation rolls over into a new Rasa session every WUZHONG_SESSION_TURNS user messages
(bot/session_turns.py), slots carried over: a turn's tracker stays bounded and a follow-up right after the
rollover keeps its context."""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
import yaml

from bot.session_turns import session_turns

pytestmark = pytest.mark.rasa

TURNS = session_turns()
# Every slot of the domain may be carried over into a new session (one SlotSet each).
DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain.yml"
SLOTS = len(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["slots"])
# From tests/data/dev.jsonl: a follow-up answered only with its context.
QUESTION, FOLLOWUP = "机器人产业规模目标多少", "生物医药那块呢"


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def sessions(events: list[dict]) -> list[list[dict]]:
    """The conversation's events split at each `session_started` (what comes before the first one dropped)."""
    split: list[list[dict]] = []
    for event in events:
        if event.get("event") == "session_started":
            split.append([])
        if split:
            split[-1].append(event)
    return split


def users(events: list[dict]) -> list[str]:
    return [e.get("text") or "" for e in events if e.get("event") == "user"]


def latest_session_rows(tracker_db, sender: str) -> int:
    """Events Rasa's SQLTrackerStore.retrieve loads for a turn: those since the sender's latest session start."""
    with sqlite3.connect(tracker_db) as db:
        return db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND timestamp >= (SELECT MAX(timestamp) FROM events"
            " WHERE sender_id = ? AND type_name = 'session_started')", (sender, sender)).fetchone()[0]


@pytest.mark.skipif(TURNS < 2, reason="sessions end by time only (WUZHONG_SESSION_TURNS < 2)")
def test_session_rolls_over_every_n_turns_and_the_followup_keeps_its_context(rasa_stack):
    sender = f"rollover-{uuid.uuid4().hex[:8]}"
    assert "7530" in texts(rasa_stack.send(sender, "今年新增多少学位？"))
    for turn in range(2, TURNS):
        rasa_stack.send(sender, "你好" if turn % 2 else "谢谢")
    assert len(sessions(rasa_stack.tracker(sender)["events"])) == 1
    assert "1900亿元" in texts(rasa_stack.send(sender, QUESTION))  # turn N: the session is full
    first_session_rows = latest_session_rows(rasa_stack.tracker_db, sender)

    # Turn N + 1 starts the second session; on its own 「生物医药那块呢」 would be answered with the number of
    # firms (800家): the scale target comes from the previous question, carried over in `last_question`.
    followup = rasa_stack.send(sender, FOLLOWUP)
    assert "500亿元" in texts(followup) and "800家" not in texts(followup)
    # Turn N + 2 reads the second session alone from the tracker store: the context is the carried-over slot.
    again = rasa_stack.send(sender, FOLLOWUP)
    assert "500亿元" in texts(again) and "800家" not in texts(again)

    # GET tracker returns the whole conversation; the second session holds only the follow-ups.
    split = sessions(rasa_stack.tracker(sender)["events"])
    assert len(split) == 2
    assert len(users(split[0])) == TURNS and users(split[0])[-1] == QUESTION
    assert users(split[1]) == [FOLLOWUP, FOLLOWUP]
    # The slots came over once each (no pile-up of every earlier SlotSet), the follow-up's context among them.
    first_user = next(i for i, e in enumerate(split[1]) if e.get("event") == "user")
    carried = [e for e in split[1][:first_user] if e.get("event") == "slot"]
    keys = [e["name"] for e in carried]
    assert len(keys) == len(set(keys)) and "last_question" in keys
    # What a turn now loads from the tracker store: the new session only.
    assert latest_session_rows(rasa_stack.tracker_db, sender) < first_session_rows / 2


@pytest.mark.skipif(TURNS < 2, reason="sessions end by time only (WUZHONG_SESSION_TURNS < 2)")
def test_sessions_keep_rolling_over_and_stay_the_same_size(rasa_stack):
    sender = f"rollover-{uuid.uuid4().hex[:8]}"
    questions = ["今年新增多少学位？", "公交线路今年新增几条？", "那站点呢？"]
    for turn in range(3 * TURNS + 1):
        rasa_stack.send(sender, questions[turn % len(questions)])
    split = sessions(rasa_stack.tracker(sender)["events"])
    assert [len(users(s)) for s in split] == [TURNS, TURNS, TURNS, 1]
    # What is carried over does not grow session by session: the rolled-over sessions are as long as each other,
    # and longer than the first only by the carried-over slots (the first starts with none).
    full = [len(s) for s in split[:3]]
    assert abs(full[2] - full[1]) <= 5 and 0 <= min(full[1:]) - full[0] <= SLOTS + 1, full
