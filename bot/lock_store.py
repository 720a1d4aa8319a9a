"""Rasa's conversation locks in a SQLite file, so the Rasa worker processes of one machine share them.

Rasa serializes the messages of one conversation with ticket locks kept in a lock store. Its in-memory store
lives in one process, so the single-machine `make run` could run only one Rasa worker and left the second core
idle; Redis (the scale-out variant's store) needs a server. Here the tickets live in a table of a SQLite file
beside the tracker store, and every read-modify-write of a conversation's lock (issuing a ticket, finishing
one, dropping expired ones) is one IMMEDIATE transaction: two workers never hand out the same ticket nor lose
one another's.
"""
from __future__ import annotations

import json
import os
import sqlite3
from contextlib import contextmanager
from typing import Iterator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

BUSY_TIMEOUT_SECONDS = 10.0
SCHEMA = "CREATE TABLE IF NOT EXISTS conversation_locks (conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)"


class SQLiteLockStore(LockStore):
    """Ticket locks in the SQLite file `db` (endpoints.yml: `lock_store: {type: bot.lock_store.SQLiteLockStore,
    db: PATH}`)."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, db: Optional[Text] = None) -> None:
        path = db or (endpoint_config.kwargs.get("db") if endpoint_config is not None else None)
        if not path:
            raise ValueError("SQLiteLockStore needs `db`: the SQLite file that holds the locks")
        self._path = str(path)
        self._connection: Optional[sqlite3.Connection] = None
        self._pid = 0
        self._depth = 0
        self._db().execute(SCHEMA)
        super().__init__()

    def _db(self) -> sqlite3.Connection:
        # One connection per process: Sanic starts its workers after the store may have been created.
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                               check_same_thread=False)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._pid, self._depth = os.getpid(), 0
        return self._connection

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One IMMEDIATE transaction around a read-modify-write (nested calls join the outer one)."""
        db = self._db()
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")
        finally:
            self._depth = 0

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        """The conversation's lock, if any."""
        row = self._db().execute("SELECT lock FROM conversation_locks WHERE conversation_id = ?",
                                 (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: Text) -> None:
        """Remove the conversation's lock."""
        cursor = self._db().execute("DELETE FROM conversation_locks WHERE conversation_id = ?", (conversation_id,))
        self._log_deletion(conversation_id, cursor.rowcount > 0)

    def save_lock(self, lock: TicketLock) -> None:
        """Write the lock (replacing the conversation's previous one)."""
        self._db().execute("INSERT OR REPLACE INTO conversation_locks (conversation_id, lock) VALUES (?, ?)",
                           (lock.conversation_id, lock.dumps()))

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket for the conversation, issued atomically across processes."""
        try:
            with self._transaction():
                return super().issue_ticket(conversation_id, lock_lifetime)
        except sqlite3.Error as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        """Drop expired tickets, atomically."""
        with self._transaction():
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove a served ticket, atomically."""
        with self._transaction():
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish the ticket and drop the lock if nobody waits, in one transaction."""
        with self._transaction():
            super().cleanup(conversation_id, ticket_number)
