"""Session-wide fixtures: the real report, the real model, a real faiss index built once."""
from __future__ import annotations

import os
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def kb_dir(tmp_path_factory):
    """A knowledge base built from the real report into a temporary folder, once per session."""
    from knowledge import KnowledgeBase

    out = tmp_path_factory.mktemp("kb")
    KnowledgeBase.build(out)
    return out


@pytest.fixture(scope="session")
def kb(kb_dir):
    """The knowledge base opened from `kb_dir`, model loaded once."""
    from knowledge import KnowledgeBase

    return KnowledgeBase.open(kb_dir)


@pytest.fixture(scope="session")
def rasa_stack(kb_dir, tmp_path_factory):
    """A real action server + Rasa server (trained model, temp tracker and app DBs) on free ports, once per session."""
    from tests.stack import start_stack

    stack = start_stack(kb_dir, tmp_path_factory.mktemp("rasa_stack"))
    yield stack
    stack.stop()


@pytest.fixture
def synonyms_file(kb, tmp_path, monkeypatch):
    """The operators' synonym file in tmp; the session knowledge base gets its own table back afterwards."""
    path = tmp_path / "synonyms.tsv"
    monkeypatch.setenv("WUZHONG_SYNONYMS", str(path))
    saved = kb.analyzer.synonyms
    yield path
    from knowledge.english import _glossary

    kb.analyzer.synonyms = saved
    vars(kb.analyzer).pop("operator_synonyms_stamp", None)
    _glossary.cache_clear()
