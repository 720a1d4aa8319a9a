"""`make run`'s knowledge build: bring a library up to date with the repository without losing operators' work.

- an empty library (or the old single-folder layout) gets the bundled sources (knowledge/sources/) published;
- bundled sources changed since they were last imported: they are imported again (added or replaced by id);
- the knowledge code changed: the LIVE documents (operators' publishes included) are rebuilt into a new version;
- otherwise nothing happens, in well under a second (no model is loaded).
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from . import fingerprint
from .library import Library
from .sources import Source

BUNDLED_STAMP = "bundled-sources.sha1"
# What a knowledge base folder held before it became a library (removed once the library has a live version).
LEGACY_FILES = ("manifest.json", "passages.jsonl", "dense-zh.faiss", "dense-zh.json", "dense-en.faiss", "dense-en.json")


def sources_digest(sources: list[Source]) -> str:
    """Hash of documents (metadata and text)."""
    payload = json.dumps([[s.meta(), s.text] for s in sources], ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def update_library(library: Library, bundled: list[Source], progress: bool = False, wait: float = 0.0) -> tuple[str, str]:
    """Bring `library` up to date (see the module docstring); returns (live kb_version, what was done)."""
    stamp = library.root / BUNDLED_STAMP
    digest = sources_digest(bundled)
    with library.lock(wait):
        current = library.current_version()
        recorded = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None
        if current is None or digest != recorded:
            version = library.import_sources(bundled, actor="bundled sources", progress=progress)
            stamp.write_text(digest + "\n", encoding="utf-8")
            done = "imported the bundled sources"
        else:
            manifest = library.manifest(current)
            if (manifest.get("code"), manifest.get("models")) == (fingerprint.code_fingerprint(),
                                                                  fingerprint.configured_models()):
                return current, "up to date"
            version = library.build(library.documents(current), progress=progress)
            library.publish(version, actor="code update")
            done = "rebuilt the live documents for the new knowledge code"
        _remove_legacy_layout(library.root)
    return version, done


def _remove_legacy_layout(root: Path) -> None:
    # The library's pointer wins over these anyway; removing them keeps one truth in the folder.
    for name in LEGACY_FILES:
        (root / name).unlink(missing_ok=True)
    if (root / "sources").is_dir():
        shutil.rmtree(root / "sources", ignore_errors=True)
