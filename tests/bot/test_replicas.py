"""Two replicas (Rasa + action server each) on one real PostgreSQL (trackers, app database) and one real Redis
(Rasa's lock store): a conversation alternating between them keeps its context, and when one replica is
killed the other keeps serving the same conversation."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from scripts.endpoints import postgres_tracker, redis_lock_store
from tests.records.pg import PostgresServer
from tests.redis_server import RedisServer
from tests.stack import start_stack

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]


def texts(messages: list[dict]) -> str:
    """The bot's texts of one turn, joined."""
    return "\n".join(m.get("text", "") for m in messages)


def _database(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _wait_for_table(port: int, database: str, table: str = "events", timeout: float = 300.0) -> None:
    """Block until the first replica's Rasa has created the shared tracker table (two at once would race)."""
    import psycopg

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname={database}") as conn:
            if conn.execute("SELECT to_regclass(%s)", (f"public.{table}",)).fetchone()[0]:
                return
        time.sleep(0.5)
    raise RuntimeError("the first replica did not create the tracker tables")


@pytest.fixture(scope="module")
def replicas(kb_dir, tmp_path_factory):
    """Replicas A and B sharing one PostgreSQL (tracker + app databases) and one Redis, started side by side."""
    import records.db

    pg, redis = PostgresServer().start(), RedisServer().start()
    app_db, tracker_db = pg.new_database(), _database(pg.new_database())
    records.db.upgrade(app_db)
    shared = {"tracker_store": postgres_tracker("127.0.0.1", pg.port, tracker_db),
              "lock_store": redis_lock_store(redis.url(1)), "db_url": app_db}
    stacks: dict[str, object] = {}
    errors: list[BaseException] = []

    def start(name: str, before_rasa=None) -> None:
        try:
            stacks[name] = start_stack(kb_dir, tmp_path_factory.mktemp(f"replica_{name}"), before_rasa=before_rasa,
                                       **shared)
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=start, args=("a",)),
               threading.Thread(target=start, args=("b", lambda: _wait_for_table(pg.port, tracker_db)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        if errors:
            raise errors[0]
        yield stacks["a"], stacks["b"], app_db
    finally:
        for stack in stacks.values():
            stack.stop()
        records.db.dispose(app_db)
        redis.stop()
        pg.stop()


def test_a_conversation_alternating_between_replicas_keeps_its_context(replicas):
    a, b, _ = replicas
    sender = "replica-alternating"
    assert "7530" in texts(a.send(sender, "今年新增多少个学位？"))
    follow_up = b.send(sender, "那要建几个学校项目？")
    # B never saw the first turn itself: it read it from PostgreSQL and answered about the same sentence.
    assert "学校" in texts(follow_up)
    b_view = [e["text"] for e in b.tracker(sender)["events"] if e["event"] == "user"]
    assert b_view == ["今年新增多少个学位？", "那要建几个学校项目？"]
    assert "10条" in texts(a.send(sender, "公交线路今年新增几条？"))
    assert "新增公交站点20个" in texts(b.send(sender, "那站点呢？"))  # an ellipsis only the context explains
    a_view = [e["text"] for e in a.tracker(sender)["events"] if e["event"] == "user"]
    assert a_view == b_view + ["公交线路今年新增几条？", "那站点呢？"]


def test_when_one_replica_is_killed_the_other_keeps_serving(replicas):
    import records

    a, b, app_db = replicas
    sender = "replica-survivor"
    assert "10条" in texts(a.send(sender, "公交线路今年新增几条？"))
    for process in (a._processes["rasa"], a._processes["actions"]):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    assert "新增公交站点20个" in texts(b.send(sender, "那站点呢？"))
    reply = b.send(sender, "转人工")
    assert "#" in texts(reply)  # B's action server wrote the handoff into the shared app database
    handoff = next(h for h in records.recent_handoffs(url=app_db) if h["sender_id"] == sender)
    assert "公交" in handoff["question"] or "站点" in handoff["question"]
