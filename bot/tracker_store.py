"""The Rasa server's tracker store: Rasa's SQLTrackerStore (SQLite or PostgreSQL) that masks personal data
before anything is written.

bot/endpoints.yml names it with Rasa SQLTrackerStore's keys::

    tracker_store:
      type: bot.tracker_store.MaskingTrackerStore
      dialect: sqlite            # or postgresql
      db: instance/rasa_tracker.sqlite
      # PostgreSQL: url (the host; Rasa passes it as `host`), port, username, password, db, login_db, query

The turn in progress keeps the real text in memory (NLU and the actions must read it); only the events
persisted (and streamed to an event broker) carry `records.masking.mask_pii`'s masked texts. On SQLite the
file runs in WAL mode with synchronous=NORMAL: every committed turn survives a restart at a fraction of the
cost of Rasa's default rollback journal. `SQLiteTrackerStore` is the former name, kept for old endpoints files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot import action_response, session_turns
from records.masking import install_log_masking, mask_pii

# Rasa imports this module (and only this project module) when the server starts: install the response
# validator here so every action call benefits, and mask every log record of the process (Rasa logs whole
# trackers and messages when an action fails).
action_response.install()
install_log_masking()
# Sessions end after WUZHONG_SESSION_TURNS user messages too (bot/session_turns.py): a turn's tracker stays bounded.
session_turns.install()

# Keys of an event's dict that name things rather than hold what someone wrote: never rewritten.
_STRUCTURAL_KEYS = frozenset({
    "event", "timestamp", "name", "policy", "confidence", "intent_name", "action_name", "entity", "extractor",
    "message_id", "input_channel", "model_id", "assistant_id", "sender_id", "start", "end", "role", "group",
    "processors", "type", "id", "kb_version", "passage_id", "document_id", "span", "section_no", "hide_rule_turn",
    "action_text", "e2e_text",
})


def mask_value(value: Any, key: Optional[str] = None) -> Any:
    """Every string in a (nested) event value masked, except structural keys such as names and ids."""
    if key in _STRUCTURAL_KEYS:
        return value
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {k: mask_value(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(v) for v in value]
    return value


class _MaskedEvent:
    """What SQLTrackerStore.save and the event broker read of an event (`type_name`, `as_dict()`), masked."""

    def __init__(self, event: Event) -> None:
        self.type_name = event.type_name
        self._data = mask_value(event.as_dict())

    def as_dict(self) -> Dict[Text, Any]:
        """The event's dict with every text masked."""
        return self._data


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class MaskingTrackerStore(SQLTrackerStore):
    """SQLTrackerStore (dialect sqlite or postgresql) whose persisted and streamed events are masked."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: Text = "sqlite",
        host: Optional[Text] = None,
        db: Text = "instance/rasa_tracker.sqlite",
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        sqlite = dialect == "sqlite"
        if sqlite:
            host = None  # Rasa passes the endpoint's `url` as host; a file needs none
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, dialect=dialect, host=host, db=db, event_broker=event_broker, **kwargs)
        if sqlite:
            sa.event.listen(self.engine, "connect", _tune_sqlite)
            # Connections opened while creating the tables predate the listener: start afresh.
            self.engine.dispose()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events not stored yet, masked (SQLTrackerStore.save writes what this yields)."""
        return (_MaskedEvent(event) for event in super()._additional_events(session, tracker))

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event], sender_id: Text) -> None:
        """Publish new events to the event broker, masked."""
        masked: Iterable[Any] = [_MaskedEvent(event) for event in new_events]
        await super()._stream_new_events(event_broker, masked, sender_id)  # type: ignore[arg-type]


# The name endpoints files used before masking; same class.
SQLiteTrackerStore = MaskingTrackerStore
