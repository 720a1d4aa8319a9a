"""What residents asked and did not get: abstentions (`unanswered`) and 👎 feedback, read for the operators'
gaps page, summed up per group of similar questions, exported as CSV and read back; synonyms added from
that page are audited here. No tables of its own; the grouping itself is the knowledge layer's."""
from __future__ import annotations

import csv
import io
import os
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import or_, select

from . import audit
from .db import session_scope
from .models import TIME_FORMAT, Feedback, Unanswered

Url = str | os.PathLike | None
FEEDBACK = "feedback"  # reason keys of 👎 feedback are "feedback:<its reason>" ("feedback:none" without one)
TREND_DAYS = 14  # per-day counts shown per group: the last 7 days against the 7 before
GROUP_COLUMNS = ("group", "topic", "section_no", "count", "first_seen", "last_seen", "this_week", "last_week",
                 "daily", "reasons", "representative")
QUESTION_COLUMNS = ("group", "source", "id", "created_at", "reason", "question", "detail")


def reason_key(source: str, reason: str | None) -> str:
    """The filterable kind of a row: an abstention's reason without its detail ('no_match:学区' → 'no_match'),
    'feedback:<reason>' for a 👎."""
    if source == FEEDBACK:
        return f"{FEEDBACK}:{reason or 'none'}"
    return (reason or "no_match").partition(":")[0]


def _day_end(until: str) -> str:
    # "2026-11-29" must include 2026-11-29T23:59:59Z, which sorts after it as text.
    return until + "T99" if len(until) == 10 else until


def gap_questions(since: str | None = None, until: str | None = None, reason: str | None = None,
                  limit: int = 2000, url: Url = None) -> tuple[list[dict[str, Any]], bool]:
    """Abstentions and 👎 feedback between `since` and `until` (ISO dates/times, UTC) of one reason key (or all),
    newest first, at most `limit`; and whether more matched."""
    rows: list[dict[str, Any]] = []
    with session_scope(url) as session:
        if not reason or not reason.startswith(FEEDBACK):
            query = select(Unanswered).order_by(Unanswered.created_at.desc(), Unanswered.id.desc())
            if reason:
                query = query.where(or_(Unanswered.reason == reason, Unanswered.reason.startswith(reason + ":",
                                                                                                   autoescape=True)))
            query = _period(query, Unanswered.created_at, since, until).limit(limit + 1)
            rows += [{"source": "unanswered", "id": r.id, "created_at": r.created_at, "question": r.question,
                      "reason": reason_key("unanswered", r.reason), "detail": r.reason or ""}
                     for r in session.scalars(query)]
        if not reason or reason.startswith(FEEDBACK):
            query = select(Feedback).where(Feedback.helpful == 0).order_by(Feedback.created_at.desc(),
                                                                           Feedback.id.desc())
            wanted = reason.partition(":")[2] if reason else ""
            if wanted == "none":
                query = query.where(Feedback.reason.is_(None))
            elif wanted:
                query = query.where(Feedback.reason == wanted)
            query = _period(query, Feedback.created_at, since, until).limit(limit + 1)
            rows += [{"source": FEEDBACK, "id": r.id, "created_at": r.created_at, "question": r.question,
                      "reason": reason_key(FEEDBACK, r.reason), "detail": r.comment or ""}
                     for r in session.scalars(query)]
    rows.sort(key=lambda r: (r["created_at"], r["source"], r["id"]), reverse=True)
    return rows[:limit], len(rows) > limit


def _period(query, column, since: str | None, until: str | None):
    if since:
        query = query.where(column >= since)
    if until:
        query = query.where(column <= _day_end(until))
    return query


def _day(created_at: str) -> date:
    return datetime.strptime(created_at, TIME_FORMAT).date()


def summarize(questions: Sequence[dict[str, Any]], clusters: Iterable[Sequence[int]],
              topics: Sequence[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """One dict per group of `questions` (indexes in `clusters`, representative first, `topics` alike): counts,
    first/last seen, reasons, per-day counts of the `TREND_DAYS` days ending `today`; most asked first."""
    start = today - timedelta(days=TREND_DAYS - 1)
    groups = []
    for members, topic in zip(clusters, topics):
        items = [questions[i] for i in members]
        daily = [0] * TREND_DAYS
        for item in items:
            offset = (_day(item["created_at"]) - start).days
            if 0 <= offset < TREND_DAYS:
                daily[offset] += 1
        seen = sorted(item["created_at"] for item in items)
        groups.append({"topic": topic.get("section") or "", "section_no": topic.get("section_no"),
                       "count": len(items), "first_seen": seen[0], "last_seen": seen[-1],
                       "this_week": sum(daily[7:]), "last_week": sum(daily[:7]), "daily": daily,
                       "reasons": dict(sorted(Counter(item["reason"] for item in items).items())),
                       "representative": items[0]["question"], "questions": items})
    groups.sort(key=lambda g: (g["count"], g["last_seen"]), reverse=True)  # most asked, then most recent
    for number, group in enumerate(groups, 1):
        group["group"] = number
    return groups


def _cell(value: Any) -> str:
    # Spreadsheet programs run cells starting with = + - @ as formulas: a resident's text must stay text.
    # A leading ' marks that (and is itself doubled), so `_uncell` gives back exactly what was written.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "'") else text


def _uncell(text: str) -> str:
    return text[1:] if text[:1] == "'" else text


def groups_to_csv(groups: Iterable[dict[str, Any]]) -> str:
    """Groups as CSV (header row; daily counts space-separated, reasons as key=count;…)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GROUP_COLUMNS)
    for g in groups:
        writer.writerow([g["group"], _cell(g["topic"]), "" if g["section_no"] is None else g["section_no"],
                         g["count"], g["first_seen"], g["last_seen"], g["this_week"], g["last_week"],
                         " ".join(map(str, g["daily"])), ";".join(f"{k}={n}" for k, n in g["reasons"].items()),
                         _cell(g["representative"])])
    return out.getvalue()


def groups_from_csv(text: str) -> list[dict[str, Any]]:
    """Read a groups export back (the inverse of `groups_to_csv`, without the questions)."""
    groups = []
    for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        groups.append({"group": int(r["group"]), "topic": _uncell(r["topic"]),
                       "section_no": int(r["section_no"]) if r["section_no"] else None, "count": int(r["count"]),
                       "first_seen": r["first_seen"], "last_seen": r["last_seen"], "this_week": int(r["this_week"]),
                       "last_week": int(r["last_week"]), "daily": [int(n) for n in r["daily"].split()],
                       "reasons": {k: int(n) for k, _, n in (p.rpartition("=") for p in r["reasons"].split(";") if p)},
                       "representative": _uncell(r["representative"])})
    return groups


def questions_to_csv(groups: Iterable[dict[str, Any]]) -> str:
    """Every question of the groups as CSV, one row each, with its group number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(QUESTION_COLUMNS)
    for g in groups:
        for q in g["questions"]:
            writer.writerow([g["group"], q["source"], q["id"], q["created_at"], q["reason"], _cell(q["question"]),
                             _cell(q["detail"])])
    return out.getvalue()


def questions_from_csv(text: str) -> list[dict[str, Any]]:
    """Read a questions export back (the inverse of `questions_to_csv`)."""
    return [{"group": int(r["group"]), "source": r["source"], "id": int(r["id"]), "created_at": r["created_at"],
             "reason": r["reason"], "question": _uncell(r["question"]), "detail": _uncell(r["detail"])}
            for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))]


def log_synonym(actor: str | None, phrase: str, term: str, path: str, url: Url = None) -> None:
    """Audit a synonym an operator added from the gaps page."""
    with session_scope(url) as session:
        audit.log(session, actor, "synonym_add", f"synonym:{phrase}", {"phrase": phrase, "term": term, "file": path})


def log_export(actor: str | None, what: str, filters: dict[str, str], rows: int, url: Url = None) -> None:
    """Audit a CSV export of residents' questions (masked, but still what residents wrote)."""
    with session_scope(url) as session:
        audit.log(session, actor, "gaps_export", "gaps", {"rows": what, "filters": filters, "count": rows})
