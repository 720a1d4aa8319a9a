"""A library of knowledge base versions: each built whole into versions/<kb_version>/, one `current` pointer switched atomically.

    root/versions/<kb_version>/   a complete knowledge base (manifest.json, passages.jsonl, faiss indexes, sources/)
    root/versions/.building-*     a build in progress (never opened; removed by the next build)
    root/current                  the published kb_version, replaced with os.replace
    root/history.jsonl            one line per publish or rollback
    root/cache/                   passage vectors by (model, text hash), shared by every build
    root/.lock                    flock held by whoever builds or publishes
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from . import fingerprint
from .errors import KnowledgeError, PublishInProgressError, SourceError, VersionNotFoundError
from .locking import library_lock
from .passages import DEFAULT_MAX_CHARS, Passage, cut_passages, parse_document
from .sources import Source

POINTER = "current"
VERSIONS = "versions"
BUILDING_PREFIX = ".building-"


def resolve_version_dir(path: Path) -> Path:
    """The folder to open for `path`: a library root's current version, else `path` itself (a single built KB)."""
    pointer = Path(path) / POINTER
    if pointer.is_file():
        version = pointer.read_text(encoding="utf-8").strip()
        if version:
            return Path(path) / VERSIONS / version
    return Path(path)


def version_id(sources: list[Source], models: dict, max_chars: int) -> str:
    """The kb_version of a build: documents (metadata and text), models, cut size and the code fingerprint."""
    payload = [fingerprint.code_fingerprint(), models, max_chars, [[s.meta(), s.text] for s in sources]]
    return hashlib.sha1(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:12]


class Library:
    """The versions of the knowledge base under one root folder."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._passages: dict[str, list[Passage]] = {}  # versions never change once built: cache their passages

    @classmethod
    def open(cls, root: Path | str | None = None) -> "Library":
        """The library at `root` ($WUZHONG_KB_DIR or instance/kb by default), created empty if missing."""
        from .kb import default_path

        library = cls(Path(root) if root else default_path())
        (library.root / VERSIONS).mkdir(parents=True, exist_ok=True)
        return library

    # -- reading ----------------------------------------------------------------------------------
    def current_version(self) -> str | None:
        """The published kb_version, or None before the first publish."""
        pointer = self.root / POINTER
        version = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else ""
        return version or None

    def version_dir(self, kb_version: str) -> Path:
        """The folder of a complete version; VersionNotFoundError otherwise."""
        if not kb_version or not kb_version.isalnum():  # ids are hex digests: refuse paths like ../x
            raise VersionNotFoundError(str(kb_version))
        folder = self.root / VERSIONS / kb_version
        if not (folder / "manifest.json").is_file():
            raise VersionNotFoundError(kb_version)
        return folder

    def manifest(self, kb_version: str | None = None) -> dict:
        """A version's manifest (the current one by default)."""
        folder = self.version_dir(kb_version or self._require_current())
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))

    def versions(self) -> list[dict]:
        """Every complete version, newest build first: kb_version, built_at, published_at, documents, passages, current."""
        current, published = self.current_version(), self._published_at()
        out = []
        for folder in (self.root / VERSIONS).iterdir() if (self.root / VERSIONS).is_dir() else ():
            if folder.name.startswith(".") or not (folder / "manifest.json").is_file():
                continue
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            out.append({"kb_version": folder.name, "built_at": manifest.get("built_at"),
                        "published_at": published.get(folder.name), "documents": manifest["documents"],
                        "passage_count": manifest.get("passage_count"), "current": folder.name == current,
                        "code": manifest.get("code")})
        return sorted(out, key=lambda v: (v["built_at"] or "", v["published_at"] or ""), reverse=True)

    def history(self) -> list[dict]:
        """Publishes and rollbacks, oldest first: kb_version, previous, actor, at."""
        path = self.root / "history.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def documents(self, kb_version: str | None = None) -> list[Source]:
        """The source documents of a version (the current one by default)."""
        folder = self.version_dir(kb_version or self._require_current())
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return [Source(d["id"], d["title"], d["date"], int(d["year"]),
                       (folder / "sources" / f"{d['id']}.txt").read_text(encoding="utf-8"), d.get("source_url"))
                for d in manifest["documents"]]

    def passages(self, kb_version: str | None = None) -> list[Passage]:
        """The passages of a version (the current one by default)."""
        version = kb_version or self._require_current()
        if version not in self._passages:
            lines = (self.version_dir(version) / "passages.jsonl").read_text(encoding="utf-8").splitlines()
            self._passages[version] = [Passage.from_dict(json.loads(line)) for line in lines if line]
        return self._passages[version]

    def find_passage(self, passage_id: str) -> tuple[Passage, str] | None:
        """A passage by id in the current version, else in the newest older version holding it: (passage, kb_version)."""
        current = self.current_version()
        order = ([current] if current else []) + [v["kb_version"] for v in self.versions() if v["kb_version"] != current]
        for version in order:
            for passage in self.passages(version):
                if passage.id == passage_id:
                    return passage, version
        return None

    # -- building ---------------------------------------------------------------------------------
    @staticmethod
    def preview(sources: list[Source], max_chars: int = DEFAULT_MAX_CHARS) -> list[Passage]:
        """How the documents split into passages (parse and cut only, nothing embedded): the draft page."""
        passages: list[Passage] = []
        for source in sources:
            passages += cut_passages(parse_document(source.text), source.text, source.id, source.title, max_chars)
        return [Passage.from_dict({**p.to_dict(), "order": i}) for i, p in enumerate(passages)]

    def build(self, sources: list[Source], progress: bool = False, wait: float = 0.0) -> str:
        """Embed and index `sources` into versions/<kb_version>/ (not published); returns the kb_version.

        Vectors of passages any earlier build embedded are reused. Raises PublishInProgressError when another
        build or publish holds the lock (after waiting up to `wait` seconds)."""
        from .kb import KnowledgeBase
        from .vector_cache import VectorCache

        sources = list(sources)
        if not sources:
            raise SourceError("no documents to build")
        if len({s.id for s in sources}) != len(sources):
            raise SourceError("two documents have the same id")
        self.preview(sources)  # fail on an unparsable document before taking the lock
        models = fingerprint.configured_models()
        version = version_id(sources, models, DEFAULT_MAX_CHARS)
        with self.lock(wait):
            if (self.root / VERSIONS / version / "manifest.json").is_file():
                return version  # built before: the same documents with the same code give the same index
            self._remove_stale_builds()
            tmp = self.root / VERSIONS / f"{BUILDING_PREFIX}{version}-{os.getpid()}"
            try:
                cache = VectorCache(self.root / "cache")
                KnowledgeBase.build(tmp, sources=sources, version=version, encoder_factory=cache.encoder,
                                    progress=progress)
                manifest = json.loads((tmp / "manifest.json").read_text(encoding="utf-8"))
                manifest.update(code=fingerprint.code_fingerprint(), encoded=cache.encoded)
                (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
                os.rename(tmp, self.root / VERSIONS / version)  # complete or invisible: never half a version
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        return version

    def publish(self, kb_version: str, actor: str | None = None, expected_current: str | None = None,
                wait: float = 0.0) -> None:
        """Make a built version the live one (also a rollback): one atomic rename of the pointer.

        With `expected_current`, refuse (PublishInProgressError) if someone published in between."""
        with self.lock(wait):
            folder = self.version_dir(kb_version)
            self._check_opens(folder)
            previous = self.current_version()
            if expected_current is not None and previous != expected_current:
                raise PublishInProgressError(
                    f"知识库已被其他人更新为版本 {previous}（您审核时是 {expected_current}），请刷新后重新确认。")
            tmp = self.root / f".{POINTER}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(kb_version + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.root / POINTER)
            entry = {"kb_version": kb_version, "previous": previous, "actor": actor,
                     "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            with open(self.root / "history.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def import_sources(self, sources: list[Source], actor: str | None = None, progress: bool = False,
                       wait: float = 0.0) -> str:
        """Build and publish the current documents with `sources` added or replaced by id; returns the kb_version."""
        current = self.documents() if self.current_version() else []
        incoming = {s.id: s for s in sources}
        merged = [incoming.pop(s.id, s) for s in current] + list(incoming.values())
        with self.lock(wait):
            version = self.build(merged, progress=progress)
            if version != self.current_version():
                self.publish(version, actor=actor)
        return version

    # -- locking ----------------------------------------------------------------------------------
    def lock(self, wait: float = 0.0):
        """Exclusive build/publish lock across processes (a context manager, re-entrant in the thread holding it);
        PublishInProgressError when someone else holds it longer than `wait` seconds."""
        return library_lock(self.root, wait)

    # -- internals --------------------------------------------------------------------------------
    def _require_current(self) -> str:
        current = self.current_version()
        if current is None:
            raise VersionNotFoundError("current")
        return current

    def _published_at(self) -> dict[str, str]:
        return {entry["kb_version"]: entry["at"] for entry in self.history()}  # the latest publish wins

    def _remove_stale_builds(self) -> None:
        # Called under the lock: any build folder left is from a killed process.
        for folder in (self.root / VERSIONS).glob(f"{BUILDING_PREFIX}*"):
            shutil.rmtree(folder, ignore_errors=True)

    @staticmethod
    def _check_opens(folder: Path) -> None:
        # Cheap but telling: the manifest, the passages and every faiss index read back with the configured models
        # (build() opened the version already when the code is the same).
        from .index import VectorIndex

        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            configured = fingerprint.configured_models()["zh"]
            if manifest["models"].get("zh") != configured:
                raise KnowledgeError(f"built with {manifest['models']['zh']}, configured {configured}")
            count = sum(1 for line in (folder / "passages.jsonl").open(encoding="utf-8") if line.strip())
            for language, model in manifest["models"].items():
                VectorIndex.load(folder, f"dense-{language}", model)
            if count != manifest["passage_count"]:
                raise KnowledgeError(f"{count} passages, the manifest says {manifest['passage_count']}")
            if manifest.get("code") != fingerprint.code_fingerprint():  # built by older code (rollback): really open it
                from .kb import KnowledgeBase

                KnowledgeBase.open(folder)
        except (OSError, ValueError, KeyError) as exc:
            raise KnowledgeError(f"知识库版本 {folder.name} 无法打开，未发布：{exc}") from exc
        except KnowledgeError as exc:
            raise KnowledgeError(f"知识库版本 {folder.name} 无法打开，未发布：{exc}") from exc
