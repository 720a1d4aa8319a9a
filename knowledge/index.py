"""faiss vector index (inner product on normalized vectors), saved with the model that made it."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .errors import IndexMissingError, ModelMismatchError


class VectorIndex:
    """Exact inner-product search over passage vectors."""

    def __init__(self, index, model: str) -> None:
        self._index = index
        self.model = model
        self.dim = index.d

    @classmethod
    def build(cls, vectors: np.ndarray, model: str) -> "VectorIndex":
        """Index normalized vectors (one per passage, in passage order)."""
        import faiss

        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, model)

    def save(self, folder: Path, name: str) -> None:
        """Write `<name>.faiss` and `<name>.json` (model name and dimension)."""
        import faiss

        faiss.write_index(self._index, str(folder / f"{name}.faiss"))
        meta = {"model": self.model, "dim": self.dim, "count": self._index.ntotal}
        (folder / f"{name}.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, name: str, expected_model: str) -> "VectorIndex":
        """Read an index, refusing one built with another model than `expected_model`."""
        import faiss

        meta_path, index_path = folder / f"{name}.json", folder / f"{name}.faiss"
        if not meta_path.is_file() or not index_path.is_file():
            raise IndexMissingError(folder)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["model"] != expected_model:
            raise ModelMismatchError(meta["model"], meta["dim"], expected_model)
        index = faiss.read_index(str(index_path))
        if index.d != meta["dim"]:
            raise ModelMismatchError(meta["model"], meta["dim"], expected_model, index.d)
        return cls(index, meta["model"])

    def check_dim(self, dim: int) -> None:
        """Refuse query vectors of another size than the index's."""
        if dim != self.dim:
            raise ModelMismatchError(self.model, self.dim, self.model, dim)

    def scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to every passage, in passage order."""
        self.check_dim(query_vector.shape[-1])
        sims, ids = self._index.search(query_vector.reshape(1, -1).astype(np.float32), self._index.ntotal)
        out = np.empty(self._index.ntotal, dtype=np.float32)
        out[ids[0]] = sims[0]
        return out
