"""LiveKnowledgeBase follows publishes and rollbacks without a restart; old citations still open."""
from __future__ import annotations

import time

import pytest

from knowledge import LiveKnowledgeBase, PassageNotFoundError
from tests.knowledge.conftest import REVISED, revised_sources

QUESTION = "今年新增多少学位"


def wait_for(live, figure: str, limit: float = 5.0):
    """Ask until the answer carries `figure`; returns (seconds it took, answer)."""
    started = time.monotonic()
    while True:
        answer = live.answer(QUESTION)
        if figure in answer.text or time.monotonic() - started > limit:
            return time.monotonic() - started, answer
        time.sleep(0.1)


def test_publish_and_rollback_go_live_within_5_seconds(library):
    v1 = library.current_version()
    live = LiveKnowledgeBase(library.root)
    try:
        first = live.answer(QUESTION)
        assert "7530" in first.text and first.citation.kb_version == v1 == live.version
        v2 = library.build(revised_sources(library.documents()))
        assert live.answer(QUESTION).citation.kb_version == v1  # built, not published: nothing changes
        published = time.monotonic()
        library.publish(v2)
        seconds, answer = wait_for(live, "8000")
        assert "8000" in answer.text and answer.citation.kb_version == v2, answer.text
        assert time.monotonic() - published <= 5.0
        new_id = answer.citation.passage.id

        library.publish(v1)  # rollback
        seconds, answer = wait_for(live, "7530")
        assert "7530" in answer.text and answer.citation.kb_version == v1 and seconds <= 5.0
        old = live.find_passage(new_id)  # a citation of the rolled-back version still opens
        assert old.superseded and old.kb_version == v2 and REVISED in old.passage.text
        assert REVISED in old.paragraph and old.passage.text in old.paragraph
        assert live.passage(new_id) == old.passage and live.paragraph_text(old.passage) == old.paragraph
        current = live.find_passage(answer.citation.passage.id)
        assert not current.superseded and current.kb_version == v1
        assert current.to_dict()["superseded"] is False
        with pytest.raises(PassageNotFoundError):
            live.find_passage("0" * 12)
    finally:
        live.close()


def test_a_broken_pointer_never_takes_the_live_version_down(library):
    v1 = library.current_version()
    live = LiveKnowledgeBase(library.root)
    try:
        (library.root / "current").write_text("deadbeef0000\n")  # hand-edited pointer to nothing
        assert live.refresh() is False
        answer = live.answer(QUESTION)
        assert "7530" in answer.text and answer.citation.kb_version == v1
    finally:
        live.close()


def test_kb_attributes_come_from_the_live_version(library):
    live = LiveKnowledgeBase(library.root)
    try:
        assert live.passages == live.current.passages and live.manifest["version"] == live.version
        assert [h.passage.id for h in live.search(QUESTION, k=3)] == [h.passage.id for h in live.current.search(QUESTION, k=3)]
    finally:
        live.close()


def test_single_built_folder_still_works(library):
    folder = library.version_dir(library.current_version())  # one built knowledge base, no pointer: as tools use
    live = LiveKnowledgeBase(folder)
    try:
        assert live.refresh() is False and "7530" in live.answer(QUESTION).text
    finally:
        live.close()
