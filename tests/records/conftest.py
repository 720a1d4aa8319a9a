"""Records fixtures: every test taking `db_url` runs on a fresh SQLite file AND (marked `postgres`)
on a fresh database of a real PostgreSQL server started once for the session."""
from __future__ import annotations

import pytest

from tests.records.pg import PostgresServer


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL 15 server (Debian package) for the whole session."""
    try:
        server = PostgresServer().start()
    except Exception as exc:  # noqa: BLE001 - shown as the test failure, with the server's words
        pytest.fail(f"could not start PostgreSQL: {exc} {getattr(exc, 'stdout', b'')!r}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty app database: a SQLite file, or a PostgreSQL database."""
    import records.db

    if request.param == "sqlite":
        url = records.db.database_url(tmp_path / "app.sqlite")
    else:
        url = request.getfixturevalue("postgres_server").new_database()
    yield url
    records.db.dispose(url)
