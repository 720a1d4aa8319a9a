"""The operators' synonym file (`$WUZHONG_SYNONYMS` or instance/synonyms.tsv): add a resident's phrase for a
report term after checking the term is in the live report, and re-read the file into a knowledge base when it
changed (one stat otherwise), so every process follows an operator's addition."""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from .errors import KnowledgeError

MAX_SYNONYM_CHARS = 30
_file_lock = threading.Lock()


class SynonymError(KnowledgeError, ValueError):
    """An operator's synonym cannot be added (message in Chinese, shown on the page)."""


def operator_synonyms_path() -> Path:
    """The operators' synonym file the knowledge layer reads ($WUZHONG_SYNONYMS or instance/synonyms.tsv)."""
    from .normalize import default_synonym_paths

    return default_synonym_paths()[-1]


def _check_synonym(kb: Any, phrase: str, term: str) -> tuple[str, str]:
    from .normalize import fold_width

    phrase, term = fold_width(phrase or "").strip().lower(), fold_width(term or "").strip()
    if not phrase or not term:
        raise SynonymError("请填写居民的说法和报告里的用语。")
    for value in (phrase, term):
        if len(value) > MAX_SYNONYM_CHARS:
            raise SynonymError(f"「{value[:MAX_SYNONYM_CHARS]}…」太长：说法和用语各不超过{MAX_SYNONYM_CHARS}个字。")
        if any(ch in value for ch in "\t\r\n#"):
            raise SynonymError("说法和用语不能包含制表符、换行或 #。")
    if any(ch in term for ch in ",，"):
        raise SynonymError("一次只能填一个报告用语（不能有逗号）。")
    if phrase == term.lower():
        raise SynonymError("居民的说法和报告用语相同，无需添加。")
    if term not in kb.analyzer.report:
        raise SynonymError(f"当前发布的报告里没有「{term}」这个用语，请从报告原文中复制。")
    for known, targets in kb.analyzer.synonyms.entries:
        if known == phrase and term in targets:
            raise SynonymError(f"「{phrase}」→「{term}」已经在同义词表里了。")
    return phrase, term


def add_synonym(kb: Any, phrase: str, term: str) -> tuple[str, str]:
    """Append `phrase<TAB>term` to the operators' synonym file after checking `term` is in `kb`'s report;
    `kb` (a KnowledgeBase or LiveKnowledgeBase) uses it at once. Returns the (phrase, term) written."""
    refresh_synonyms(kb)  # another process may have added lines since: check against the file as it is
    phrase, term = _check_synonym(kb, phrase, term)
    path = operator_synonyms_path()
    with _file_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        ends_cleanly = not path.is_file() or path.stat().st_size == 0 or path.read_bytes().endswith(b"\n")
        with open(path, "a", encoding="utf-8") as handle:  # append: never rewrite what other operators wrote
            handle.write(("" if ends_cleanly else "\n") + f"{phrase}\t{term}\n")
            handle.flush()
            os.fsync(handle.fileno())
    refresh_synonyms(kb)
    return phrase, term


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        st = path.stat()
    except OSError:  # no file (yet): no operators' synonyms
        return str(path), -1, -1
    return str(path), st.st_mtime_ns, st.st_size


def refresh_synonyms(kb: Any) -> bool:
    """Re-read the operators' synonym file into `kb`'s query analyzer if it changed since the last look (one
    stat otherwise): a knowledge base reads it only when it opens, other processes call this per request."""
    from .english import _glossary
    from .normalize import SynonymTable, default_synonym_paths

    analyzer = kb.analyzer
    stamp = _stamp(operator_synonyms_path())
    if getattr(analyzer, "operator_synonyms_stamp", "unknown") == stamp:
        return False
    analyzer.synonyms = SynonymTable.load(*default_synonym_paths())
    analyzer.operator_synonyms_stamp = stamp
    _glossary.cache_clear()  # English glosses read the table backwards
    return True
