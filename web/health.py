"""`/healthz`: the state of the web app, the knowledge base, the app database (can it be written?), the Rasa
server and the action server."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from flask import Blueprint, Response, current_app, jsonify

import records.db

from .errors import ApiError
from .resources import db_path, get_kb

bp = Blueprint("health", __name__)


def probe(url: str, timeout: float) -> dict[str, Any]:
    """GET `url`: {"ok": bool, "url", "error"?}."""
    try:
        response = requests.get(url, timeout=timeout)
    except requests.RequestException as exc:
        return {"ok": False, "url": url, "error": type(exc).__name__}
    if response.status_code != 200:
        return {"ok": False, "url": url, "error": f"HTTP {response.status_code}"}
    return {"ok": True, "url": url}


def database_probe(url: str, timeout: float) -> dict[str, Any]:
    """{"ok": bool, "error"?}: can this process write the app database now (a write rolled back)?"""
    problem = records.db.write_error(url, timeout=timeout)
    if problem:
        return {"ok": False, "error": f"数据库无法写入（{problem}）：转人工、未答问题和评价不会被保存。"}
    return {"ok": True}


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 while residents can get answers and their requests are saved (degraded when Rasa/actions are down);
    503 without a KB or when the app database cannot be written."""
    cfg = current_app.config
    timeout = cfg["HEALTH_TIMEOUT"]
    # The probes at once, so a dead server costs one timeout, not three.
    with ThreadPoolExecutor(max_workers=3) as pool:
        rasa = pool.submit(probe, f"{cfg['RASA_URL']}/", timeout)
        actions = pool.submit(probe, f"{cfg['ACTIONS_URL']}/health", timeout)
        database = pool.submit(database_probe, db_path(), timeout)
        try:
            kb = get_kb()
            knowledge = {"ok": True, "version": kb.version, "passages": len(kb.passages)}
        except ApiError as exc:
            knowledge = {"ok": False, "error": exc.message}
        rasa_state, actions_state, database_state = rasa.result(), actions.result(), database.result()
    if not knowledge["ok"]:
        state = "down"
    elif not database_state["ok"]:
        state = "unhealthy"  # answers still come, but handoffs, feedback and the log are lost
    elif rasa_state["ok"] and actions_state["ok"]:
        state = "ok"
    else:
        state = "degraded"  # /api/chat answers in reduced mode
    healthy = state in ("ok", "degraded")
    body: dict[str, Any] = {"ok": healthy, "state": state, "web": {"ok": True}, "knowledge": knowledge,
                            "database": database_state, "rasa": rasa_state, "actions": actions_state}
    if not healthy:
        # Same fields as every other error response, so monitors can treat it alike.
        body.update(error=knowledge.get("error") or database_state["error"], status=503)
        return jsonify(body), 503
    return jsonify(body), 200
