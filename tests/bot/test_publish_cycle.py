"""The full knowledge-update cycle against a RUNNING action server and Rasa server (never restarted):
upload a revised report (新增学位7530个 → 8000个), approve, publish → the assistant answers 8000 citing the new
kb_version within 5 s; roll back → 7530 again; the old citation still opens, marked superseded."""
from __future__ import annotations

import itertools
import time

import pytest

pytestmark = pytest.mark.rasa

QUESTION = "今年新增多少学位？"
OLD_FIGURE, NEW_FIGURE = "新增学位7530个", "新增学位8000个"
LIVE_WITHIN_SECONDS = 5.0
PASSWORD = "correct horse battery"
_senders = itertools.count()


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A knowledge library whose one published version is the real report."""
    from knowledge import Library
    from knowledge.sources import load_sources

    root = tmp_path_factory.mktemp("publish-cycle") / "kb"
    Library.open(root).import_sources(load_sources(), actor="bootstrap")
    return root


@pytest.fixture(scope="module")
def stack(library, tmp_path_factory):
    """Action server + Rasa server reading the library (the action server follows its `current` pointer)."""
    from tests.stack import start_stack

    running = start_stack(library, tmp_path_factory.mktemp("publish-cycle-stack"))
    running.send("publish-cycle-warm-up", "你好", timeout=120)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def app(library, stack):
    """The web app on the same library and app database, relaying to the running Rasa server."""
    from web import create_app
    from web.auth import add_user

    app = create_app({"TESTING": True, "KB_DIR": str(library), "DB": str(stack.db_path), "SECRET_KEY": "cycle",
                      "RASA_URL": stack.rasa_url, "ACTIONS_URL": stack.actions_url})
    for name, role in (("op1", "operator"), ("rev1", "reviewer"), ("rev2", "reviewer")):
        add_user(name, PASSWORD, role=role, db=str(stack.db_path))
    return app


def ask(stack) -> tuple[str, dict]:
    """A new resident asks the question: the bot's text and its citation."""
    messages = stack.send(f"cycle-{next(_senders)}", QUESTION)
    text = " ".join(m["text"] for m in messages if m.get("text"))
    (citation,) = [m["custom"]["citation"] for m in messages if "citation" in (m.get("custom") or {})]
    return text, citation


def web_answer(client) -> dict:
    """The web app's own answer (its LiveKnowledgeBase, as the reduced mode and the console use)."""
    return client.get(f"/api/search?q={QUESTION}").get_json()["answer"]


def wait_for(stack, figure: str, kb_version: str) -> float:
    """Seconds until the running assistant answers with `figure` citing `kb_version` (fails after 5 s)."""
    started = time.monotonic()
    while True:
        text, citation = ask(stack)
        elapsed = time.monotonic() - started
        if figure in text and citation["kb_version"] == kb_version:
            return elapsed
        assert elapsed < LIVE_WITHIN_SECONDS, f"after {elapsed:.1f} s still: {text} ({citation['kb_version']})"
        time.sleep(0.2)


def test_publish_and_rollback_reach_the_running_assistant(app, stack, library):
    from knowledge import Library
    from knowledge.sources import load_sources
    from web.kb_admin import Publishing

    service = Publishing(library, str(stack.db_path))
    first = Library.open(library).current_version()
    text, citation = ask(stack)
    assert "7530" in text and citation["kb_version"] == first
    old_passage = citation["passage_id"]
    rasa_pid, actions_pid = stack._processes["rasa"].pid, stack._processes["actions"].pid
    client = app.test_client()
    assert web_answer(client)["citation"]["kb_version"] == first  # the web app's live knowledge base is open

    (report,) = load_sources()
    draft = service.upload("wuzhong-2025-revised.txt", report.text.replace(OLD_FIGURE, NEW_FIGURE).encode(),
                           "wuzhong-2025", "op1")
    assert "7530" in ask(stack)[0]  # a draft changes nothing residents see
    service.approve(draft, "rev1")
    second = service.publish(draft, "rev2")
    seconds = wait_for(stack, "8000", second)
    print(f"new version live in the action server {seconds:.2f} s after publish")
    _, citation = ask(stack)
    assert "8000" in citation["text"] and "7530" not in citation["text"]

    # The web app follows too: its own answers (reduced mode, search) and the old citation link.
    deadline = time.monotonic() + LIVE_WITHIN_SECONDS
    while web_answer(client)["citation"]["kb_version"] != second:
        assert time.monotonic() < deadline, "the web app did not pick up the new version"
        time.sleep(0.2)
    assert "8000" in web_answer(client)["text"]
    old = client.get(f"/api/passages/{old_passage}").get_json()
    assert old["superseded"] is True and old["kb_version"] == first and "7530" in old["text"]
    relayed = client.post("/api/chat", json={"sender": "cycle-web", "message": QUESTION}).get_json()
    assert relayed["mode"] == "normal" and "8000" in str(relayed["messages"])  # through the running Rasa

    service.rollback(first, "rev1")
    wait_for(stack, "7530", first)
    deadline = time.monotonic() + LIVE_WITHIN_SECONDS  # the web app reloads on its own clock, not the action server's
    while web_answer(client)["citation"]["kb_version"] != first:
        assert time.monotonic() < deadline, "the web app did not follow the rollback"
        time.sleep(0.2)
    assert client.get(f"/api/passages/{old_passage}").get_json()["superseded"] is False

    # Never restarted: the same processes answered throughout.
    assert stack._processes["rasa"].pid == rasa_pid and stack._processes["actions"].pid == actions_pid
    assert stack._processes["rasa"].poll() is None and stack._processes["actions"].poll() is None
