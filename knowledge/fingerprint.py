"""What a built knowledge base depends on besides its documents: the knowledge code and the configured models."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of the knowledge package's code and data: a code change gives the same documents a new kb_version."""
    digest = hashlib.sha1()
    files = sorted(PACKAGE_DIR.glob("*.py")) + sorted(p for p in (PACKAGE_DIR / "data").rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def configured_models() -> dict:
    """The models a build uses now: {"zh": ..., "en": ...} ("en" absent when disabled)."""
    from .kb import configured_english_model, configured_model

    english = configured_english_model()
    return {"zh": configured_model()} | ({"en": english} if english != "none" else {})
