"""The project's Rasa components under Rasa's own Python: conversation locks several Rasa worker processes share
(bot/lock_store.py), the Simplified reading of Traditional messages (bot/simplified_tokenizer.py) and the
resident's language as an entity (bot/language_entity.py)."""
from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"

SCRIPT = textwrap.dedent("""
    import asyncio, multiprocessing, sys, time
    from bot.lock_store import SQLiteLockStore

    db, log = sys.argv[1], sys.argv[2]

    def worker(rounds):
        store = SQLiteLockStore(db=db)

        async def run():
            for _ in range(rounds):
                async with store.lock("conversation-1", wait_time_in_seconds=0.01):
                    with open(log, "a") as f:  # a critical section: never interleaved with another process's
                        f.write("enter\\n"); f.flush(); time.sleep(0.001); f.write("leave\\n")
        asyncio.run(run())

    if __name__ == "__main__":
        workers = [multiprocessing.Process(target=worker, args=(40,)) for _ in range(3)]
        [w.start() for w in workers]
        [w.join() for w in workers]
        store = SQLiteLockStore(db=db)
        first, second = store.issue_ticket("conversation-2"), SQLiteLockStore(db=db).issue_ticket("conversation-2")
        print(store.get_lock("conversation-1") is None, first, second, [w.exitcode for w in workers])
""")


def test_three_processes_take_turns_on_one_conversation_and_tickets_are_unique(tmp_path):
    log = tmp_path / "sections.log"
    out = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT, str(tmp_path / "locks.sqlite"), str(log)], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    released, first, second, exits = out.stdout.split(maxsplit=3)
    # a worker that failed (LockError, sqlite busy) prints its traceback: show it rather than a short log
    assert exits.strip() == "[0, 0, 0]", out.stderr[-4000:]
    lines = log.read_text().split()
    assert len(lines) == 3 * 40 * 2, out.stderr[-4000:]
    assert lines == ["enter", "leave"] * (3 * 40)  # serialized across processes
    assert released == "True"  # the lock is gone once nobody waits
    assert (int(first), int(second)) == (0, 1)  # a second process's ticket follows the first's


def test_a_store_without_a_file_is_refused():
    out = subprocess.run([str(RASA_PYTHON), "-c", "from bot.lock_store import SQLiteLockStore; SQLiteLockStore()"],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "needs `db`" in out.stderr


def test_the_simplified_reading_keeps_length_and_survives_text_opencc_cannot_read():
    code = ("from bot.simplified_tokenizer import simplified; "
            "print(simplified('區長是誰') == '区长是谁', simplified('\\ud800学位') == '\\ud800学位')")
    out = subprocess.run([str(RASA_PYTHON), "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "True"], out.stderr[-2000:]


LANGUAGE_SCRIPT = textwrap.dedent("""
    import json
    from rasa.shared.nlu.training_data.message import Message
    from bot.language_entity import LanguageEntityExtractor

    texts = ["How many new bus stops?", "Hello", "今年新增多少学位", "學位多少", '/ask_report{"topic":"school"}',
             "123", "👍"]
    messages = LanguageEntityExtractor.create({}, None, None, None).process([Message.build(text=t) for t in texts])
    print(json.dumps([[e["value"] for e in m.get("entities", []) if e["entity"] == "language"] for m in messages]))
""")


def test_the_language_entity_follows_the_message_and_a_message_that_tells_nothing_adds_none():
    out = subprocess.run([str(RASA_PYTHON), "-c", LANGUAGE_SCRIPT], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.splitlines()[-1]) == [["en"], ["en"], ["zh"], ["zh"], [], [], []]
