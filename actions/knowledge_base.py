"""The action server's knowledge base: opened once, lazily, on the first question; it follows each publish."""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knowledge import KnowledgeBase

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_knowledge_base: "KnowledgeBase | None" = None


def get_knowledge_base() -> "KnowledgeBase":
    """The published knowledge base ($WUZHONG_KB_DIR or instance/kb), opened on first use; a newly published
    version goes live within seconds without a restart (LiveKnowledgeBase)."""
    global _knowledge_base
    with _lock:
        if _knowledge_base is None:
            # Imported here: loading the knowledge layer pulls torch and faiss, too heavy for import time.
            from knowledge import LiveKnowledgeBase

            _knowledge_base = LiveKnowledgeBase()
            logger.info("knowledge base %s opened", _knowledge_base.version)
        return _knowledge_base


def set_knowledge_base(knowledge_base: "KnowledgeBase | None") -> None:
    """Replace the shared knowledge base (None: reopen on next use), e.g. after a republish."""
    global _knowledge_base
    with _lock:
        _knowledge_base = knowledge_base
