"""Relay to the Rasa REST channel and turn its replies into the widget's messages (no Flask here)."""
from __future__ import annotations

import threading
import time
from typing import Any

import requests

from .validation import text_for_rasa

CITATION_KEYS = ("passage_id", "document", "section", "title", "quote", "text", "span", "kb_version", "clause", "year",
                 "document_id", "curated", "curated_id", "curated_version")  # curated: an operator's answer, its version
MAX_BUTTONS = 8


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timed out, or replied with something that is not its reply list)."""


# A half-open probe is a resident's real turn: it may take a moment, but not the full read timeout.
PROBE_READ_TIMEOUT = 3.0


class CircuitBreaker:
    """Shared by every thread of a process: after a failure all callers fail fast for `retry_after`
    seconds (open); then exactly one caller probes (half-open) while the others keep failing fast."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failed = False
        self._probing = False

    def acquire(self) -> bool | None:
        """None: closed, call normally; True: this caller is the probe; False: fail fast."""
        with self._lock:
            if not self._failed:
                return None
            if self._probing or time.monotonic() < self._open_until:
                return False
            self._probing = True
            return True

    def record(self, ok: bool) -> None:
        """A call's outcome: success closes the breaker, failure (re)opens it for everyone."""
        with self._lock:
            self._probing = False
            self._failed = not ok
            self._open_until = 0.0 if ok else time.monotonic() + self.retry_after

    def reset(self) -> None:
        """Close the breaker."""
        self.record(True)

    @property
    def is_open(self) -> bool:
        """True while callers are refused (open or half-open)."""
        return self._failed


class RasaRelay:
    """Posts a resident's message to `{base_url}/webhooks/rest/webhook` over kept-alive connections;
    fails fast while Rasa is down (CircuitBreaker)."""

    def __init__(self, base_url: str, connect_timeout: float = 1.0, read_timeout: float = 8.0,
                 retry_after: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.probe_timeout = (connect_timeout, min(read_timeout, PROBE_READ_TIMEOUT))
        self.breaker = CircuitBreaker(retry_after)
        self._local = threading.local()

    def _session(self) -> requests.Session:
        # One keep-alive session per server thread: requests.Session is not thread-safe.
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Rasa's raw reply list for one user message; raises RasaUnavailable."""
        probe = self.breaker.acquire()
        if probe is False:
            raise RasaUnavailable("Rasa was unreachable a moment ago")
        try:
            response = self._session().post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text_for_rasa(message)},  # typed "/restart" stays text
                timeout=self.probe_timeout if probe else self.timeout,
            )
            response.raise_for_status()
            data = response.json()
            if not isinstance(data, list):
                raise ValueError(f"unexpected reply from Rasa: {type(data).__name__}")
        except (requests.RequestException, ValueError) as exc:
            self.breaker.record(False)
            raise RasaUnavailable(str(exc)) from exc
        except BaseException:
            self.breaker.record(False)
            raise
        self.breaker.record(True)
        return data

    def reset(self) -> None:
        """Forget a recent failure (tests, or an operator who just restarted Rasa)."""
        self.breaker.reset()


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
