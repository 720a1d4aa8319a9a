"""Fixtures and helpers for the knowledge-update tests: a library built once from the real report, copied per test.

Imported by name in the test modules (pytest puts tests/web on sys.path); the fixtures are re-exported there.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from web_helpers import csrf_token

PASSWORD = "correct horse battery"
USERS = {"op1": "operator", "op2": "operator", "rev1": "reviewer", "rev2": "reviewer", "adm": "admin",
         "hot1": "staff"}
OLD_FIGURE, NEW_FIGURE = "新增学位7530个", "新增学位8000个"


def report_text() -> str:
    """The real 2025 report as shipped in knowledge/sources."""
    from knowledge.sources import load_sources

    (source,) = [s for s in load_sources() if s.id == "wuzhong-2025"]
    return source.text


def revised_report() -> bytes:
    """The report with one figure changed (7530 → 8000 school places)."""
    text = report_text()
    assert text.count(OLD_FIGURE) == 1
    return text.replace(OLD_FIGURE, NEW_FIGURE).encode("utf-8")


@pytest.fixture(scope="session")
def library_template(tmp_path_factory) -> Path:
    """A library holding the real report as its one published version (built once per session)."""
    from knowledge import Library
    from knowledge.sources import load_sources

    root = tmp_path_factory.mktemp("kb-library") / "kb"
    Library.open(root).import_sources(load_sources(), actor="bootstrap")
    return root


@pytest.fixture
def library_root(library_template, tmp_path) -> Path:
    """This test's own copy of the library (its vector cache included: publishes only embed changed passages)."""
    root = tmp_path / "kb"
    shutil.copytree(library_template, root)
    return root


@pytest.fixture
def kb_app(library_root, tmp_path, dead_url):
    """An app whose KB_DIR is the test's library, with one user per role."""
    from web import create_app
    from web.auth import add_user

    db = str(tmp_path / "app.sqlite")
    app = create_app({"TESTING": True, "KB_DIR": str(library_root), "DB": db, "SECRET_KEY": "test-secret",
                      "RASA_URL": dead_url, "ACTIONS_URL": dead_url, "HEALTH_TIMEOUT": 0.3})
    for name, role in USERS.items():
        add_user(name, PASSWORD, role=role, db=db)
    return app


def login(client, name: str) -> None:
    """Log `client` in as one of USERS."""
    page = client.get("/staff/login").get_data(as_text=True)
    data = {"username": name, "password": PASSWORD}
    if "csrf_token" in page:  # absent when a test turns CSRF off
        data["csrf_token"] = csrf_token(page)
    response = client.post("/staff/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def audit_actions(app) -> list[tuple[str | None, str, str]]:
    """(actor, action, target) of every audit event, oldest first."""
    from records.audit import events
    from records.db import session_scope

    with session_scope(app.config["DB"]) as session:
        return [(e["actor"], e["action"], e["target"]) for e in reversed(events(session, limit=None))]
