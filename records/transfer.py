"""Copy every record from one app database to another (SQLite → PostgreSQL when a site moves to
`WUZHONG_DATABASE_URL`): same ids, same rows, the target's id sequences moved past them."""
from __future__ import annotations

import os

from sqlalchemy import Integer, func, select, text

from .db import Base, database_url, get_engine, load_models, upgrade

BATCH = 1000


def _tables():
    load_models()
    return Base.metadata.sorted_tables  # parents before children


def copy_database(source: str | os.PathLike, target: str | os.PathLike) -> dict[str, int]:
    """Migrate both databases to head, then copy all rows into the (empty) target in one transaction.

    Returns rows copied per table; ValueError when the target already holds records.
    """
    source_url, target_url = database_url(source), database_url(target)
    if source_url == target_url:
        raise ValueError("source and target are the same database")
    upgrade(source_url)
    upgrade(target_url)
    tables = _tables()
    counts: dict[str, int] = {}
    with get_engine(source_url).connect() as reader, get_engine(target_url).begin() as writer:
        for table in tables:
            if writer.execute(select(func.count()).select_from(table)).scalar():
                raise ValueError(f"target table {table.name} is not empty: copy only into a new database")
        for table in tables:
            result = reader.execution_options(stream_results=True).execute(select(table))
            counts[table.name] = 0
            while batch := result.fetchmany(BATCH):
                writer.execute(table.insert(), [dict(row._mapping) for row in batch])
                counts[table.name] += len(batch)
        if writer.dialect.name == "postgresql":
            _move_sequences(writer, tables)
    return counts


def _move_sequences(connection, tables) -> None:
    """Rows came with their ids: the next id PostgreSQL hands out must come after them."""
    for table in tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'),"
                    f" COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
