"""LiveKnowledgeBase: answers from the published version and follows the library's `current` pointer without a restart."""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from .errors import PassageNotFoundError
from .kb import KnowledgeBase, default_path
from .library import POINTER, Library
from .passages import Passage

logger = logging.getLogger(__name__)
CHECK_SECONDS = 1.0  # how often the pointer is looked at (one stat)


@dataclass(frozen=True)
class FoundPassage:
    """A passage looked up by id, with the version it comes from; `superseded` when that is not the live one."""

    passage: Passage
    kb_version: str
    superseded: bool
    paragraph: str

    def to_dict(self) -> dict:
        """Passage fields plus kb_version, superseded and the whole paragraph."""
        return {**self.passage.to_dict(), "kb_version": self.kb_version, "superseded": self.superseded,
                "paragraph": self.paragraph}


class LiveKnowledgeBase:
    """A KnowledgeBase that swaps to a newly published version in the background; old versions stay readable."""

    def __init__(self, root: Path | str | None = None, model: str | None = None,
                 english_model: str | None = None) -> None:
        self.root = Path(root) if root else default_path()
        self.library = Library(self.root)
        self._models = (model, english_model)
        self._seen = self._pointer_state()
        self._kb = KnowledgeBase.open(self.root, model=model, english_model=english_model)
        self._failed: str | None = None
        self._refresh_lock = threading.Lock()
        self._closed = False
        self._watcher_pid: int | None = None
        self._ensure_watcher()

    # -- the live version -------------------------------------------------------------------------
    @property
    def current(self) -> KnowledgeBase:
        """The KnowledgeBase answering now (take it once per request for a consistent view)."""
        self._ensure_watcher()
        return self._kb

    @property
    def version(self) -> str:
        """The live kb_version."""
        return self.current.version

    def answer(self, query: str, context: str | None = None, mode: str = "hybrid", k: int = 5):
        """As KnowledgeBase.answer, from the live version (the citation carries its kb_version)."""
        return self.current.answer(query, context=context, mode=mode, k=k)

    def search(self, query: str, k: int = 5, context: str | None = None, mode: str = "hybrid"):
        """As KnowledgeBase.search, from the live version."""
        return self.current.search(query, k=k, context=context, mode=mode)

    def warm_up(self) -> float:
        """Load the models now; returns the seconds it took."""
        return self.current.warm_up()

    def __getattr__(self, name: str):
        # Everything else a KnowledgeBase offers (passages, manifest, analyzer, ...) comes from the live version.
        if name.startswith("__") or name in ("_kb", "_closed"):
            raise AttributeError(name)
        return getattr(self.current, name)

    # -- passages of any version ------------------------------------------------------------------
    def find_passage(self, passage_id: str) -> FoundPassage:
        """A passage of the live version, else of an older one (superseded): old citation links still open."""
        kb = self.current
        try:
            passage = kb.passage(passage_id)
            return FoundPassage(passage, kb.version, False, kb.paragraph_text(passage))
        except PassageNotFoundError:
            found = self.library.find_passage(passage_id) if self.library.current_version() else None
            if found is None:
                raise
        passage, version = found
        text = (self.library.version_dir(version) / "sources" / f"{passage.document_id}.txt").read_text(encoding="utf-8")
        start, end = passage.paragraph_span
        return FoundPassage(passage, version, version != kb.version, text[start:end])

    def passage(self, passage_id: str) -> Passage:
        """The passage with that id, from the live version or an older one (see `find_passage`)."""
        return self.find_passage(passage_id).passage

    def paragraph_text(self, passage: Passage) -> str:
        """The whole paragraph a passage (of any version) belongs to."""
        kb = self.current
        if passage.id in kb._by_id:
            return kb.paragraph_text(passage)
        return self.find_passage(passage.id).paragraph

    # -- following the pointer --------------------------------------------------------------------
    def refresh(self) -> bool:
        """Look at the pointer now; load and swap in a newly published version. True when it swapped."""
        with self._refresh_lock:
            state = self._pointer_state()
            if state == self._seen:
                return False
            target = self.library.current_version()
            if target is None or target == self._kb.version or target == self._failed:
                self._seen = state
                return False
            started = time.perf_counter()
            try:
                fresh = KnowledgeBase.open(self.root, model=self._models[0], english_model=self._models[1])
                fresh.search("今年新增多少学位", k=1)  # the first query's lazy work happens here, not on a resident
            except Exception:  # a broken version must not take the live one down
                logger.exception("knowledge base version %s could not be opened; still serving %s",
                                 target, self._kb.version)
                self._failed, self._seen = target, state
                return False
            previous, self._kb, self._seen = self._kb.version, fresh, state
            logger.info("knowledge base %s live (was %s), loaded in %.2f s", fresh.version, previous,
                        time.perf_counter() - started)
            return True

    def close(self) -> None:
        """Stop following the pointer."""
        self._closed = True

    def _pointer_state(self):
        try:
            st = os.stat(self.root / POINTER)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _ensure_watcher(self) -> None:
        # One watcher thread per process (a fork loses threads: start it again in the child).
        if self._watcher_pid == os.getpid() or self._closed:
            return
        self._watcher_pid = os.getpid()
        threading.Thread(target=_watch, args=(weakref.ref(self),), name="kb-watcher", daemon=True).start()


def _watch(ref: "weakref.ref[LiveKnowledgeBase]") -> None:
    from .operator_synonyms import refresh_synonyms

    # Holds only a weak reference: a LiveKnowledgeBase nobody uses any more is collected and the thread ends.
    while True:
        time.sleep(CHECK_SECONDS)
        live = ref()
        if live is None or live._closed or live._watcher_pid != os.getpid():
            return
        try:
            live.refresh()
            refresh_synonyms(live._kb)  # an operator's new synonym reaches every process within a second too
        except Exception:
            logger.exception("checking the knowledge base pointer failed")
        del live
