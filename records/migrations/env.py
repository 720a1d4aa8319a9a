"""Alembic environment: the URL comes from records.db, the connection from its per-process engine."""
from __future__ import annotations

from alembic import context
from sqlalchemy import text

from records.db import Base, database_url, get_engine, load_models

load_models()  # every model registers its table on Base.metadata (autogenerate compares against it)

config = context.config
target_metadata = Base.metadata
# Fixed key of PostgreSQL's advisory lock: two processes upgrading at once run one after the other.
PG_MIGRATION_LOCK = 20250612


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade --sql`)."""
    context.configure(url=config.attributes.get("url") or database_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the live database."""
    url = config.attributes.get("url") or database_url()
    with get_engine(url).connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
