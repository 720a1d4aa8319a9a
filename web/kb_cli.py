"""`flask --app web kb upload|approve|reject|publish|rollback|list`: scripted knowledge updates.

The same service layer as the operators' pages (web/publishing.py): the same roles, the same
four-eyes rule, the same error messages (printed, exit status 1).
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .kb_admin import get_service
from .publishing import STATUS_NAMES, PublishingError

kb = AppGroup("kb", help="Keep the knowledge base current: upload drafts, approve, publish, roll back.")
user_option = click.option("--user", "user", required=True, help="The acting user (roles are checked).")


def _run(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except PublishingError as exc:
        raise click.ClickException(exc.message) from exc


@kb.command("upload")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--document", "document_id", required=True, help="Document id, e.g. wuzhong-2025.")
@user_option
@click.option("--title", default=None, help="Document title (default: the previous version's, or the first line).")
@click.option("--date", default=None, help="Document date, e.g. 2025-01-06.")
@click.option("--year", default=None, help="Year the document is about (default: from the date or title).")
def upload_command(path: Path, document_id: str, user: str, title: str | None, date: str | None,
                   year: str | None) -> None:
    """Upload PATH as a new draft of the document; prints the draft's id on the last line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"无法读取文件 {path}：{exc.strerror}") from exc
    draft_id = _run(get_service().upload, path.name, data, document_id, user, title=title, date=date, year=year)
    click.echo(f"uploaded {path.name} as a draft of {document_id}")
    click.echo(draft_id)


@kb.command("approve")
@click.argument("draft_id", type=int)
@user_option
def approve_command(draft_id: int, user: str) -> None:
    """Approve DRAFT (refused for its own uploader)."""
    _run(get_service().approve, draft_id, user)
    click.echo(f"draft {draft_id} approved by {user}")


@kb.command("reject")
@click.argument("draft_id", type=int)
@user_option
@click.option("--reason", default="", help="Why it is sent back.")
def reject_command(draft_id: int, user: str, reason: str) -> None:
    """Send DRAFT back."""
    _run(get_service().reject, draft_id, user, reason)
    click.echo(f"draft {draft_id} rejected by {user}")


@kb.command("publish")
@click.argument("draft_id", type=int)
@user_option
def publish_command(draft_id: int, user: str) -> None:
    """Build and switch to a new knowledge base version with the approved DRAFT; prints the kb_version."""
    kb_version = _run(get_service().publish, draft_id, user)
    click.echo(f"draft {draft_id} published by {user}")
    click.echo(kb_version)


@kb.command("rollback")
@click.argument("kb_version")
@user_option
def rollback_command(kb_version: str, user: str) -> None:
    """Make KB_VERSION (the kb_version citations carry) the live version again."""
    _run(get_service().rollback, kb_version, user)
    click.echo(f"rolled back to {kb_version}")


@kb.command("withdraw")
@click.argument("document_id")
@user_option
@click.option("--reason", default="", help="Why the document is withdrawn (kept in the audit log).")
def withdraw_command(document_id: str, user: str, reason: str) -> None:
    """Take DOCUMENT_ID out of the live knowledge base (a new version without it); prints the kb_version."""
    kb_version = _run(get_service().withdraw, document_id, user, reason)
    click.echo(f"document {document_id} withdrawn by {user}")
    click.echo(kb_version)


@kb.command("list")
def list_command() -> None:
    """Documents, their versions and drafts, and the knowledge base versions."""
    listing = _run(get_service().list)
    click.echo(f"current kb_version: {listing['current'] or '(none)'}")
    for version in listing["kb_versions"]:
        name = _kb_version_id(version)
        mark = "*" if name == listing["current"] else " "
        click.echo(f" {mark} {name}  {version.get('built_at') or version.get('created_at') or ''}")
    for document in listing["documents"]:
        click.echo(f"{document['id']}  {document['title']}")
        for v in document["versions"]:
            click.echo(f"  draft {v['id']:>4}  {v['status']:<10} {STATUS_NAMES[v['status']]}  "
                       f"kb_version={v['kb_version'] or '-'}  uploaded_by={v['uploaded_by'] or '-'}  "
                       f"approved_by={v['approved_by'] or '-'}  published_by={v['published_by'] or '-'}  "
                       f"{v['filename']}")


def _kb_version_id(version: dict) -> str:
    return str(version.get("kb_version") or version.get("version") or "")
