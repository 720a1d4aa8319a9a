"""Passage vectors kept across versions by (model, text hash): a revision embeds only its changed passages."""
from __future__ import annotations

import hashlib
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .encoders import make_encoder

SAVE_EVERY = 64  # texts encoded between two saves of the cache file
BUILD_NICE = 10  # a build's embedding yields the CPU to residents' questions (in this process and the others)


def text_key(text: str) -> str:
    """The cache key of a text (sha1 of its UTF-8 bytes)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class CachingEncoder:
    """Wraps a model's encoder: known texts come from the cache file, only new ones are encoded."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self._base = make_encoder(name)
        self.encoded = 0  # texts actually run through the model (measured by the bench and tests)

    def _read(self) -> dict[str, np.ndarray]:
        if not self.path.is_file():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError):  # a damaged cache only costs a re-encode
            return {}

    def _write(self, stored: dict[str, np.ndarray]) -> None:
        # Written whole to a temporary file then renamed: a build killed here leaves the old cache intact.
        tmp = self.path.with_name(f"{self.path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=np.array(list(stored)), vectors=np.stack(list(stored.values())))
        os.replace(tmp, self.path)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Vectors for `texts` in order, encoding only the texts this model has never seen."""
        stored = self._read()
        keys = [text_key(t) for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in stored))
        for start in range(0, len(missing), SAVE_EVERY):  # saved as it goes: a killed build's retry resumes
            chunk = missing[start:start + SAVE_EVERY]
            vectors = encode_in_background(self._base.encode, chunk, progress)
            stored.update(zip((text_key(t) for t in chunk), np.asarray(vectors, dtype=np.float32)))
            self.encoded += len(chunk)
            self._write(stored)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([stored[k] for k in keys]).astype(np.float32)


def encode_in_background(encode, texts: list[str], progress: bool = False):
    """`encode(texts)` in a fresh low-priority thread doing the model's work itself (one torch thread): a cold
    build keeps one core for answering and gives way whenever a question needs the CPU."""
    result: dict = {}

    def work() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BUILD_NICE)  # this thread only (Linux)
        except (OSError, AttributeError):
            pass
        try:
            result["vectors"] = encode(texts, progress=progress)
        except BaseException as exc:  # re-raised in the caller
            result["error"] = exc

    with _one_torch_thread():
        worker = threading.Thread(target=work, name="kb-embed")
        worker.start()
        worker.join()
    if "error" in result:
        raise result["error"]
    return result["vectors"]


@contextmanager
def _one_torch_thread():
    import torch  # the encoder imports it anyway; here so the setting precedes the first build's model load

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


class VectorCache:
    """One cache file per model in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.encoders: dict[str, CachingEncoder] = {}

    def encoder(self, name: str) -> CachingEncoder:
        """The caching encoder for a model name (the `encoder_factory` of `KnowledgeBase.build`)."""
        if name not in self.encoders:
            self.folder.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[-40:]
            digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
            self.encoders[name] = CachingEncoder(name, self.folder / f"{slug}-{digest}.npz")
        return self.encoders[name]

    @property
    def encoded(self) -> int:
        """Texts encoded by the model (not found in the cache) through this object."""
        return sum(e.encoded for e in self.encoders.values())
