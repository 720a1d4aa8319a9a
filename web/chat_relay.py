"""Relay to the Rasa REST channel and turn its replies into the widget's messages (no Flask here)."""
from __future__ import annotations

import threading
import time
from typing import Any

import requests

CITATION_KEYS = ("passage_id", "document", "section", "title", "quote", "text", "span", "kb_version", "clause", "year")
MAX_BUTTONS = 8


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or replied with something that is not its reply list)."""


class RasaRelay:
    """Posts a resident's message to `{base_url}/webhooks/rest/webhook`; fails fast while Rasa is down."""

    def __init__(self, base_url: str, connect_timeout: float = 1.0, read_timeout: float = 8.0,
                 retry_after: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retry_after = retry_after
        self._down_until = 0.0
        self._local = threading.local()

    def _session(self) -> requests.Session:
        # One keep-alive session per server thread: requests.Session is not thread-safe.
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Rasa's raw reply list for one user message; raises RasaUnavailable."""
        if time.monotonic() < self._down_until:
            raise RasaUnavailable("Rasa was unreachable a moment ago")
        try:
            response = self._session().post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": message},
                timeout=self.timeout,
            )
            response.raise_for_status()
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            self._down_until = time.monotonic() + self.retry_after
            raise RasaUnavailable(str(exc)) from exc
        if not isinstance(data, list):
            raise RasaUnavailable(f"unexpected reply from Rasa: {type(data).__name__}")
        self._down_until = 0.0
        return data

    def reset(self) -> None:
        """Forget a recent failure (tests, or an operator who just restarted Rasa)."""
        self._down_until = 0.0


def clean_citation(raw: Any, kb_version: str | None = None) -> dict[str, Any] | None:
    """Keep the citation fields the widget shows; None when it does not name a passage."""
    if not isinstance(raw, dict) or not isinstance(raw.get("passage_id"), str):
        return None
    citation = {key: raw[key] for key in CITATION_KEYS if key in raw}
    for key in ("document", "section", "title", "quote"):
        citation[key] = str(citation.get(key) or "")
    if not citation.get("kb_version") and kb_version:
        citation["kb_version"] = kb_version
    return citation


def clean_buttons(raw: Any) -> list[dict[str, str]]:
    """Rasa buttons as `{"title", "payload"}` with string values, at most MAX_BUTTONS."""
    buttons = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("title"), str):
            payload = item.get("payload")
            buttons.append({"title": item["title"], "payload": payload if isinstance(payload, str) else item["title"]})
    return buttons[:MAX_BUTTONS]


def merge_rasa_messages(raw: list[dict[str, Any]], kb_version: str | None = None) -> list[dict[str, Any]]:
    """Rasa's reply list → widget messages: a `custom.citation` joins the text message before it."""
    messages: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        buttons = clean_buttons(item.get("buttons"))
        if isinstance(text, str) and text.strip():
            message: dict[str, Any] = {"text": text}
            if buttons:
                message["buttons"] = buttons
            messages.append(message)
        elif buttons:
            if messages:
                messages[-1].setdefault("buttons", []).extend(buttons)
            else:
                messages.append({"text": "", "buttons": buttons})
        custom = item.get("custom")
        if isinstance(custom, dict):
            _merge_custom(messages, custom, kb_version)
    return messages


def _merge_custom(messages: list[dict[str, Any]], custom: dict[str, Any], kb_version: str | None) -> None:
    citation = clean_citation(custom.get("citation"), kb_version)
    extra_buttons = clean_buttons(custom.get("buttons"))
    text = custom.get("text")
    if isinstance(text, str) and text.strip():
        messages.append({"text": text})
    if not messages and (citation or extra_buttons):
        messages.append({"text": ""})
    if citation:
        messages[-1]["citation"] = citation
    if extra_buttons:
        messages[-1].setdefault("buttons", []).extend(extra_buttons)
    if custom.get("handoff") and messages:
        messages[-1]["handoff"] = True
