"""`/healthz`: the state of the web app, the knowledge base, the Rasa server and the action server."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from flask import Blueprint, Response, current_app, jsonify

from .errors import ApiError
from .resources import get_kb

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


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 while residents can get answers (degraded when Rasa/actions are down), 503 without a KB."""
    cfg = current_app.config
    timeout = cfg["HEALTH_TIMEOUT"]
    # Both probes at once, so a dead server costs one timeout, not two.
    with ThreadPoolExecutor(max_workers=2) as pool:
        rasa = pool.submit(probe, f"{cfg['RASA_URL']}/", timeout)
        actions = pool.submit(probe, f"{cfg['ACTIONS_URL']}/health", timeout)
        try:
            kb = get_kb()
            knowledge = {"ok": True, "version": kb.version, "passages": len(kb.passages)}
        except ApiError as exc:
            knowledge = {"ok": False, "error": exc.message}
        rasa_state, actions_state = rasa.result(), actions.result()
    if not knowledge["ok"]:
        state = "down"
    elif rasa_state["ok"] and actions_state["ok"]:
        state = "ok"
    else:
        state = "degraded"  # /api/chat answers in reduced mode
    body: dict[str, Any] = {"ok": state != "down", "state": state, "web": {"ok": True},
                            "knowledge": knowledge, "rasa": rasa_state, "actions": actions_state}
    if state == "down":
        # Same fields as every other error response, so monitors can treat it alike.
        body.update(error=knowledge["error"], status=503)
        return jsonify(body), 503
    return jsonify(body), 200
