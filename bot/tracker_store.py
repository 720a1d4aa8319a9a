"""The Rasa server's tracker store: SQLite in WAL mode, so conversations survive restarts cheaply.

bot/endpoints.yml names it (`type: bot.tracker_store.SQLiteTrackerStore`, `db: <file>`). Rasa's own
SQLTrackerStore commits every turn with a full fsync in rollback-journal mode; WAL with
synchronous=NORMAL keeps every committed turn across a server restart and costs a fraction of that.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from bot import action_response

# Rasa imports this module (and only this project module) when the server starts: install the
# response validator here so every action call benefits.
action_response.install()


def _tune_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
    """SQLTrackerStore on one SQLite file, WAL mode, parent folder created if missing."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        db: Text = "instance/rasa_tracker.sqlite",
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("dialect", None)
        kwargs.pop("host", None)  # Rasa passes the endpoint's url as host; a file needs none
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs)
        sa.event.listen(self.engine, "connect", _tune_connection)
        # Connections opened while creating the tables predate the listener: start afresh.
        self.engine.dispose()
