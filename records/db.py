"""One engine per process per database URL, transactional sessions, and programmatic migrations.

SQLite under instance/ by default, PostgreSQL when $WUZHONG_DATABASE_URL is set. The schema is
owned by Alembic (records/migrations): `upgrade()` brings a database to the newest revision; it is
safe to call from several processes at once (an inter-process lock serializes it).
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "instance" / "wuzhong.sqlite"
PACKAGE_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = PACKAGE_DIR / "alembic.ini"
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


class Base(DeclarativeBase):
    """Declarative base of every records model (records.models, records.documents)."""


_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_sessionmakers: dict[str, sessionmaker[Session]] = {}
_ready: set[str] = set()


def database_url(url: str | os.PathLike | None = None) -> str:
    """The database URL: `url` (a URL, or a SQLite file path), else $WUZHONG_DATABASE_URL,
    else the SQLite file $WUZHONG_DB, else instance/wuzhong.sqlite."""
    value = os.fspath(url) if url is not None else (
        os.environ.get("WUZHONG_DATABASE_URL") or os.environ.get("WUZHONG_DB") or os.fspath(DEFAULT_DB))
    if "://" in value:
        # postgresql:// alone would pick psycopg2, which is not installed: use psycopg 3.
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection, record) -> None:
    # WAL lets the console read while the action server writes; NORMAL sync keeps chat logging
    # fast (only an OS crash could drop the last rows, a log rather than residents' requests).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # SQLite opens a file it cannot write read-only, silently, and such a connection stays read-only after
    # the file is writable again: mark it, so the pool hands it out once and then replaces it.
    record.info["read_only"] = _sqlite_write_error(dbapi_connection, busy_ms=0) == "SQLITE_READONLY"


# Errors after which a connection is discarded instead of pooled: its file was unwritable, moved or broken.
_SQLITE_BROKEN = ("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_CORRUPT", "SQLITE_NOTADB")


def _sqlite_write_error(dbapi_connection, busy_ms: int) -> str | None:
    """None when this SQLite connection can write now, else the error's name (SQLITE_READONLY, SQLITE_BUSY …)."""
    cursor = dbapi_connection.cursor()
    (timeout,) = cursor.execute("PRAGMA busy_timeout").fetchone()
    cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    try:
        # A write rolled back: needs the write lock and a writable file, changes nothing (no table needed).
        (version,) = cursor.execute("PRAGMA user_version").fetchone()
        for statement in ("BEGIN", f"PRAGMA user_version = {int(version)}", "ROLLBACK"):
            cursor.execute(statement)
    except sqlite3.Error as exc:
        if dbapi_connection.in_transaction:
            dbapi_connection.rollback()
        return getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        cursor.close()
    return None


def _on_sqlite_checkout(_dbapi_connection, record, _proxy) -> None:
    # A read-only connection serves the checkout it was opened for (reads work during the fault), then is replaced.
    if record.info.get("read_only") and record.info.get("served"):
        raise DisconnectionError("SQLite connection was opened read-only")
    record.info["served"] = True


def _on_sqlite_error(context) -> None:
    # A write refused as read-only, moved or broken: drop the connection (and its siblings), never reuse it.
    if (getattr(context.original_exception, "sqlite_errorname", "") or "").startswith(_SQLITE_BROKEN):
        context.is_disconnect = True


def get_engine(url: str | os.PathLike | None = None) -> Engine:
    """This process's engine for the database (created once per URL, connections pre-pinged)."""
    key = database_url(url)
    engine = _engines.get(key)
    if engine is not None:
        return engine
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            sqlite_file = _sqlite_file(key)
            if sqlite_file is not None:
                sqlite_file.parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(key, pool_pre_ping=True, connect_args={"timeout": 10})
                event.listen(engine, "connect", _on_sqlite_connect)
                event.listen(engine, "checkout", _on_sqlite_checkout)
                event.listen(engine, "handle_error", _on_sqlite_error)
            else:
                engine = create_engine(key, pool_pre_ping=True)
            _engines[key] = engine
    return engine


def _sessionmaker(url: str | os.PathLike | None) -> sessionmaker[Session]:
    key = database_url(url)
    maker = _sessionmakers.get(key)
    if maker is None:
        maker = _sessionmakers[key] = sessionmaker(get_engine(key), expire_on_commit=False)
    return maker


@contextmanager
def session_scope(url: str | os.PathLike | None = None) -> Iterator[Session]:
    """A session on the (migrated) database: commit on success, rollback on error, always closed."""
    ensure_schema(url)
    session = _sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def _migration_lock(url: str) -> Iterator[None]:
    """Serialize migrations of one SQLite file across processes (PostgreSQL locks in env.py)."""
    sqlite_file = _sqlite_file(url)
    if sqlite_file is None:
        yield
        return
    sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    with open(str(sqlite_file) + ".migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alembic_config(url: str | os.PathLike | None = None):
    """The Alembic Config for this package's migrations, pointed at `url`."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["url"] = database_url(url)
    return config


def upgrade(url: str | os.PathLike | None = None, revision: str = "heads") -> None:
    """Migrate the database to `revision` (Alembic upgrade; adopts a pre-Alembic SQLite file)."""
    from alembic import command

    key = database_url(url)
    with _migration_lock(key):
        command.upgrade(alembic_config(key), revision)
    if revision in ("head", "heads"):
        _ready.add(key)


def current_revision(url: str | os.PathLike | None = None) -> str | None:
    """The revision the database is at (None before the first migration)."""
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        heads = sorted(MigrationContext.configure(connection).get_current_heads())
    return "+".join(heads) or None  # parallel branches before their merge revision have several heads


def ensure_schema(url: str | os.PathLike | None = None) -> None:
    """Upgrade the database once per process (cheap afterwards): processes started without
    `make run` (tests, a hand-started action server) still find every table."""
    key = database_url(url)
    if key not in _ready:
        upgrade(key)


def write_error(url: str | os.PathLike | None = None, timeout: float = 0.5) -> str | None:
    """None when this process can write the database now, else why not (`/healthz`). Probes with a write
    that is rolled back, waiting at most `timeout` seconds for another writer's lock."""
    ms = int(timeout * 1000)
    try:
        engine = get_engine(url)
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                problem = _sqlite_write_error(connection.connection.dbapi_connection, ms)
                if problem and problem.startswith(_SQLITE_BROKEN):
                    connection.invalidate()  # the next request opens a fresh connection
                return problem
            with connection.begin() as transaction:
                connection.execute(text(f"SET LOCAL lock_timeout = {ms}"))
                connection.execute(text(f"SET LOCAL statement_timeout = {2 * ms}"))
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
                transaction.rollback()
    except (SQLAlchemyError, OSError) as exc:
        cause = getattr(exc, "orig", None) or exc
        return f"{type(cause).__name__}: {str(cause).strip()[:200]}"
    return None


def dispose(url: str | os.PathLike | None = None) -> None:
    """Close and forget this process's engine for one database (before dropping it, in tests)."""
    key = database_url(url)
    with _lock:
        engine = _engines.pop(key, None)
        _sessionmakers.pop(key, None)
        _ready.discard(key)
    if engine is not None:
        engine.dispose()


def dispose_all() -> None:
    """Close every engine's pooled connections (tests, and forked workers before they start)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _sessionmakers.clear()
        _ready.clear()


def load_models() -> None:
    """Import every module of the package so each model registers its table on Base.metadata (migrations'
    autogenerate and `copy` need them all; a new model module needs no line anywhere)."""
    import pkgutil
    from importlib import import_module

    package = __name__.rpartition(".")[0]
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if not module.name.startswith("_") and module.name != "migrations":
            import_module(f"{package}.{module.name}")
