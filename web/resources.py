"""Per-app shared resources, opened lazily: the knowledge base, the Rasa relay, the database path."""
from __future__ import annotations

import threading
from typing import Any

from flask import current_app

from .chat_relay import RasaRelay
from .errors import ApiError

_open_lock = threading.Lock()


def get_kb() -> Any:
    """The app's knowledge base (injected as config KB, or a LiveKnowledgeBase following KB_DIR's published version)."""
    app = current_app
    kb = app.config.get("KB")
    if kb is None:
        kb = app.extensions.get("wuzhong_kb")
    if kb is not None:
        return kb
    with _open_lock:
        kb = app.extensions.get("wuzhong_kb")
        if kb is None:
            from knowledge import KnowledgeError, LiveKnowledgeBase

            try:
                kb = LiveKnowledgeBase(app.config["KB_DIR"])  # a publish goes live without a restart
            except KnowledgeError as exc:
                # Not cached: the operator may build the KB while the app keeps running.
                app.logger.error("knowledge base unavailable: %s", exc)
                raise ApiError(503, "知识库暂不可用，请稍后再试或拨打12345热线。") from exc
            app.extensions["wuzhong_kb"] = kb
    return kb


def get_relay() -> RasaRelay:
    """The app's relay to the Rasa REST channel (injectable as config RASA_RELAY)."""
    app = current_app
    relay = app.config.get("RASA_RELAY")
    if relay is None:
        relay = app.extensions.get("wuzhong_relay")
    if relay is None:
        with _open_lock:
            relay = app.extensions.get("wuzhong_relay")
            if relay is None:
                cfg = app.config
                relay = RasaRelay(
                    cfg["RASA_URL"],
                    connect_timeout=cfg["RASA_CONNECT_TIMEOUT"],
                    read_timeout=cfg["RASA_TIMEOUT"],
                    retry_after=cfg["RASA_RETRY_AFTER"],
                )
                app.extensions["wuzhong_relay"] = relay
    return relay


def db_path() -> str:
    """The app database: DATABASE_URL when set, else the SQLite file DB (a `records` url argument)."""
    return current_app.config.get("DATABASE_URL") or current_app.config["DB"]
