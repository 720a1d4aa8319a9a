"""The versions library with the real report, model and faiss: build, publish, roll back, lock, killed builds."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, Library, PublishInProgressError, Source, SourceError, VersionNotFoundError
from knowledge.sources import load_sources
from tests.knowledge.conftest import ORIGINAL, REVISED, revised_sources

REPO = Path(__file__).resolve().parents[2]


def test_revision_builds_beside_the_live_version_and_publishes(library):
    v1 = library.current_version()
    v2 = library.build(revised_sources(library.documents()))
    assert v2 != v1 and library.current_version() == v1  # built, not yet live
    manifest = library.manifest(v2)
    assert manifest["version"] == v2 and manifest["encoded"] <= 4  # one changed passage, two models
    assert KnowledgeBase.open(library.root).version == v1
    library.publish(v2, actor="reviewer1")
    kb = KnowledgeBase.open(library.root)  # a library root opens its current version
    answer = kb.answer("今年新增多少学位")
    assert kb.version == v2 and "8000" in answer.text and answer.citation.kb_version == v2
    assert REVISED in library.documents()[0].text
    listed = {v["kb_version"]: v for v in library.versions()}
    assert listed[v2]["current"] and not listed[v1]["current"] and listed[v2]["published_at"]
    assert library.history()[-1] | {"at": None} == {"kb_version": v2, "previous": v1, "actor": "reviewer1", "at": None}


def test_rollback_is_one_publish_and_old_passages_stay_readable(library):
    v1 = library.current_version()
    v2 = library.build(revised_sources(library.documents()))
    library.publish(v2)
    library.publish(v1)
    assert "7530" in KnowledgeBase.open(library.root).answer("今年新增多少学位").text
    new_passage = next(p for p in library.passages(v2) if REVISED in p.text)
    found, version = library.find_passage(new_passage.id)
    assert (found, version) == (new_passage, v2)


def test_same_documents_same_version_and_no_rebuild(library):
    v1 = library.current_version()
    started = time.perf_counter()
    assert library.build(library.documents()) == v1
    assert time.perf_counter() - started < 2


def test_bad_requests_change_nothing(library):
    v1 = library.current_version()
    for bad in ("../versions", "nope", ""):
        with pytest.raises(VersionNotFoundError):
            library.publish(bad)
    with pytest.raises(SourceError):
        library.build([])
    doc = library.documents()[0]
    with pytest.raises(SourceError):
        library.build([doc, doc])
    flat = "\n".join(line for line in doc.text.splitlines() if "、" not in line[:3])  # no numbered parts left
    with pytest.raises(SourceError, match="numbered part"):
        library.build([Source(doc.id, doc.title, doc.date, doc.year, flat)])
    assert library.current_version() == v1 and len(library.versions()) == 1


def test_second_publisher_gets_a_clear_message(library):
    v2 = library.build(revised_sources(library.documents()))
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from knowledge import Library
        with Library.open({str(library.root)!r}).lock():
            print("held", flush=True)
            time.sleep(30)
    """)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(PublishInProgressError, match="正在发布"):
            library.publish(v2)
        with pytest.raises(PublishInProgressError):
            library.build(revised_sources(library.documents(), ORIGINAL, "新增学位9000个"))
    finally:
        holder.kill()
        holder.wait()
    library.publish(v2)  # the lock died with its holder
    assert library.current_version() == v2


def test_two_threads_publishing_at_once_one_wins(library):
    v1 = library.current_version()
    v2 = library.build(revised_sources(library.documents()))
    barrier, results = threading.Barrier(2), []

    def publish(version):
        barrier.wait()
        try:
            with library.lock():
                library.publish(version)
                time.sleep(0.5)
            results.append(("ok", version))
        except PublishInProgressError as exc:
            results.append(("refused", str(exc)))

    threads = [threading.Thread(target=publish, args=(v,)) for v in (v2, v1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    winner = next(r[1] for r in results if r[0] == "ok")
    assert library.current_version() == winner


def test_stale_publish_is_refused(library):
    v1 = library.current_version()
    v2 = library.build(revised_sources(library.documents()))
    library.publish(v2)
    with pytest.raises(PublishInProgressError, match="其他人更新"):
        library.publish(v1, expected_current=v1)
    assert library.current_version() == v2


def test_killed_build_leaves_the_live_version_and_a_retry_succeeds(library):
    v1 = library.current_version()
    for cached in (library.root / "cache").iterdir():
        cached.unlink()  # a cold build: the kill lands while the model embeds
    script = textwrap.dedent(f"""
        from knowledge import Library
        from knowledge.sources import load_sources
        from tests.knowledge.conftest import revised_sources
        library = Library.open({str(library.root)!r})
        print(library.build(revised_sources(library.documents())), flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
    building = library.root / "versions"
    deadline = time.monotonic() + 120
    while not list(building.glob(".building-*/sources/*.txt")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # inside the model's encode
    assert child.poll() is None, "the build finished before it could be killed"
    assert not list(building.glob(".building-*/dense-zh.faiss"))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert library.current_version() == v1 and [v["kb_version"] for v in library.versions()] == [v1]
    kb = KnowledgeBase.open(library.root)
    assert kb.version == v1 and "7530" in kb.answer("今年新增多少学位").text
    v2 = library.build(revised_sources(library.documents()))  # the retry: takes the lock the dead process held
    library.publish(v2)
    assert not list(building.glob(".building-*"))
    assert "8000" in KnowledgeBase.open(library.root).answer("今年新增多少学位").text


def test_cli_build_is_idempotent_and_lists_versions(tmp_path, library):
    env = {**os.environ, "WUZHONG_KB_DIR": str(library.root)}
    run = lambda *args: subprocess.run([sys.executable, "-m", "knowledge", *args], capture_output=True, text=True,
                                       cwd=REPO, env=env, timeout=300)
    first = run("build")
    assert first.returncode == 0, first.stderr
    again = run("build")
    assert again.returncode == 0 and "up to date" in again.stdout, again.stdout + again.stderr
    live = Library.open(library.root).current_version()
    listed = run("versions")
    assert f"* {live}" in listed.stdout
    older = next(v["kb_version"] for v in library.versions() if v["kb_version"] != live) if len(library.versions()) > 1 else None
    if older:
        assert run("publish", older).returncode == 0 and library.current_version() == older
    assert run("publish", "nope").returncode == 2


def test_code_update_rebuilds_the_live_documents(library, monkeypatch):
    from knowledge import bootstrap, fingerprint

    v2 = library.build(revised_sources(library.documents()))
    library.publish(v2)
    (library.root / bootstrap.BUNDLED_STAMP).write_text(bootstrap.sources_digest(load_sources()) + "\n")
    assert bootstrap.update_library(library, load_sources()) == (v2, "up to date")
    monkeypatch.setattr(fingerprint, "code_fingerprint", lambda: "new-code")
    version, done = bootstrap.update_library(library, load_sources())
    assert version not in (v2,) and library.current_version() == version and "rebuilt" in done
    assert REVISED in library.documents()[0].text  # the operator's publish survived the code update
    assert library.manifest(version)["encoded"] == 0  # every vector came from the cache
