"""Fixtures of the knowledge versions library: the real report built once into a library, copied per test."""
from __future__ import annotations

import shutil

import pytest

ORIGINAL, REVISED = "新增学位7530个", "新增学位8000个"


def revised_sources(sources, old: str = ORIGINAL, new: str = REVISED):
    """The sources with one figure changed (the operator's revision of the report)."""
    from knowledge import Source

    assert any(old in s.text for s in sources)
    return [Source(s.id, s.title, s.date, s.year, s.text.replace(old, new), s.source_url) for s in sources]


@pytest.fixture(scope="session")
def library_seed(tmp_path_factory):
    """A library with the real report published (cold build, real model and faiss), built once per session."""
    from knowledge import Library
    from knowledge.sources import load_sources

    library = Library.open(tmp_path_factory.mktemp("library-seed") / "kb")
    library.publish(library.build(load_sources()))
    return library.root


@pytest.fixture
def library(library_seed, tmp_path):
    """A private copy of the seeded library (its vector cache included, so builds are warm)."""
    from knowledge import Library

    root = tmp_path / "kb"
    shutil.copytree(library_seed, root)
    return Library.open(root)
