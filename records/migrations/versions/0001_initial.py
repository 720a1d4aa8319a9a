"""The five tables web/store.py used to create (handoffs, unanswered, users, bot_messages, feedback).

A database made by the old web/store.py has these tables but no alembic_version: this revision
adopts it, creating only the tables and indexes that are missing, so every existing row stays.

Revision ID: 0001_initial
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

# The old schema's `created_at` default: UTC, second precision, ISO text.
NOW = {
    "sqlite": "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    "postgresql": "(to_char(timezone('UTC', now()), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
}


def _tables(dialect: str) -> dict[str, tuple]:
    """Columns and constraints of each table, as the old SQL schema wrote them."""
    now = sa.text(NOW[dialect])
    sqlite = dialect == "sqlite"

    def created_at() -> sa.Column:
        return sa.Column("created_at", sa.Text, nullable=False, server_default=now)

    def text(name: str, default: str | None = "") -> sa.Column:
        return sa.Column(name, sa.Text, nullable=False,
                         server_default=None if default is None else sa.text(f"'{default}'"))

    return {
        "handoffs": (
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            created_at(), text("sender_id", None), text("question"), text("transcript", "[]"),
            text("passages", "[]"), text("reason"), text("status", "open"),
        ),
        "unanswered": (
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            created_at(), text("sender_id", None), text("question", None), text("reason"),
        ),
        "users": (
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            created_at(),
            sa.Column("username", sa.Text(collation="NOCASE") if sqlite else sa.Text, nullable=False, unique=True),
            text("password_hash", None), text("role", "staff"),
            sa.Column("active", sa.Integer, nullable=False, server_default=sa.text("1")) if sqlite else
            sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        ),
        "bot_messages": (
            sa.Column("message_id", sa.Text, primary_key=True),
            created_at(), text("sender_id", None), text("question"), text("text"),
            sa.Column("passage_id", sa.Text), sa.Column("kb_version", sa.Text), text("mode", "normal"),
        ),
        "feedback": (
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            created_at(), text("sender_id", None), sa.Column("message_id", sa.Text),
            sa.Column("passage_id", sa.Text), sa.Column("kb_version", sa.Text), text("question"), text("answer"),
            sa.Column("helpful", sa.Integer, nullable=False), sa.Column("reason", sa.Text), text("comment"),
            sa.UniqueConstraint("sender_id", "message_id"),
        ),
    }


INDEXES = {
    "handoffs_created": ("handoffs", ["created_at"]),
    "unanswered_created": ("unanswered", ["created_at"]),
    "bot_messages_created": ("bot_messages", ["created_at"]),
    "feedback_created": ("feedback", ["created_at"]),
}


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    existing = set(inspector.get_table_names())
    for name, columns in _tables(bind.dialect.name).items():
        if name not in existing:
            # AUTOINCREMENT as before: SQLite never reuses the id of a deleted row.
            options = {"sqlite_autoincrement": True} if name != "bot_messages" else {}
            op.create_table(name, *columns, **options)
    for index, (table, columns) in INDEXES.items():
        if index not in {i["name"] for i in sa.inspect(bind).get_indexes(table)}:
            op.create_index(index, table, columns)
    if bind.dialect.name == "postgresql" and "users" not in existing:
        # SQLite compares user names with COLLATE NOCASE; PostgreSQL gets the same rule as an index.
        op.create_index("users_username_lower", "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    for name in ("feedback", "bot_messages", "users", "unanswered", "handoffs"):
        op.drop_table(name)
