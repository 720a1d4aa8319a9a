"""The append-only audit log: who did what, when (logins, uploads, edits, approvals, publishing,
rollbacks, curated answers, user changes). There is no update or delete here, the ORM refuses
to flush one, and the database's triggers refuse them too."""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .models import AuditEvent

CSV_COLUMNS = ("id", "created_at", "actor", "action", "target", "detail")


class AppendOnlyError(RuntimeError):
    """Code tried to change or delete an audit event."""


def log(session: Session, actor: str | None, action: str, target: str = "",
        detail: dict[str, Any] | None = None) -> AuditEvent:
    """Add one event to `session` (committed with the change it records); actor None = the system."""
    if not action:
        raise ValueError("an audit event needs an action")
    event_row = AuditEvent(actor=actor, action=action, target=target or "",
                           detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str))
    session.add(event_row)
    return event_row


def events(session: Session, actor: str | None = None, action: str | None = None, target: str | None = None,
           since: str | None = None, until: str | None = None, limit: int | None = 200) -> list[dict[str, Any]]:
    """Events newest first, filtered by exact actor/action, target prefix and created_at range.

    `since`/`until` are ISO dates or times (UTC); a bare date in `until` includes that whole day.
    """
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if target:
        query = query.where(AuditEvent.target.startswith(target, autoescape=True))
    if since:
        query = query.where(AuditEvent.created_at >= since)
    if until:
        # "2026-11-29" must include 2026-11-29T23:59:59Z, which sorts after it as text.
        query = query.where(AuditEvent.created_at <= (until + "T99" if len(until) == 10 else until))
    if limit:
        query = query.limit(int(limit))
    return [row.to_dict() for row in session.scalars(query)]


def actions(session: Session) -> list[str]:
    """Every action name seen so far (for the filter menu)."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """Events as CSV (header row; detail as a JSON object) — what admins export."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row["id"], row["created_at"], row["actor"] or "", row["action"], row["target"],
                         json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)])
    return out.getvalue()


def from_csv(text: str) -> list[dict[str, Any]]:
    """Read an export back (the inverse of `to_csv`)."""
    rows = []
    for record in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        rows.append({"id": int(record["id"]), "created_at": record["created_at"], "actor": record["actor"] or None,
                     "action": record["action"], "target": record["target"], "detail": json.loads(record["detail"])})
    return rows


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("audit log is append-only")
