"""Source documents: the cleaned report text with its metadata, and cleaning of a web copy."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

SOURCES_DIR = Path(__file__).parent / "sources"
REQUIRED_META = ("id", "title", "date", "year")
# Where a web copy's report ends: site disclaimers, permalink and comment form follow it.
TRAILER_RE = re.compile(r"^(本文仅代表|本文地址|留言与评论|昵称|匿名发表|验证码)")


@dataclass(frozen=True)
class Source:
    """A report and its metadata (title, date, year, source URL)."""

    id: str
    title: str
    date: str
    year: int
    text: str
    source_url: str | None = None

    def meta(self) -> dict:
        """Metadata without the text."""
        return {"id": self.id, "title": self.title, "date": self.date, "year": self.year, "source_url": self.source_url}


def load_sources(folder: Path = SOURCES_DIR) -> list[Source]:
    """Every `<id>.txt` with its `<id>.json` metadata in `folder`."""
    sources = []
    for text_path in sorted(Path(folder).glob("*.txt")):
        meta_path = text_path.with_suffix(".json")
        if not meta_path.is_file():
            raise SourceError(f"{text_path.name} has no metadata file {meta_path.name}")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise SourceError(f"{meta_path.name} is not valid JSON: {exc}") from exc
        missing = [k for k in REQUIRED_META if not meta.get(k)]
        if missing:
            raise SourceError(f"{meta_path.name} lacks {', '.join(missing)}")
        sources.append(Source(meta["id"], meta["title"], meta["date"], int(meta["year"]),
                              text_path.read_text(encoding="utf-8"), meta.get("source_url")))
    if not sources:
        raise SourceError(f"no source documents in {folder}")
    return sources


def clean_web_copy(raw: str, title_marker: str = "人民政府工作报告") -> str:
    """The report part of a web page copy: from its title line to the line before the site's trailer."""
    lines = [line.strip() for line in raw.splitlines()]
    start = next((i for i, line in enumerate(lines) if title_marker in line), None)
    if start is None:
        raise SourceError(f"no title line containing {title_marker!r}: is this a government work report?")
    end = next((i for i in range(start, len(lines)) if TRAILER_RE.match(lines[i])), len(lines))
    kept: list[str] = []
    for line in lines[start:end]:
        if line or (kept and kept[-1]):  # at most one blank line between paragraphs
            kept.append(line)
    return "\n".join(kept).strip() + "\n"
