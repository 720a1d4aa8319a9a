"""Users get a session generation, a failed-login count and a lock; the append-only audit log.

Revision ID: 0002_auth_audit
Revises: 0001_initial
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_auth_audit"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

NOW = {
    "sqlite": "(strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    "postgresql": "(to_char(timezone('UTC', now()), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
}
APPEND_ONLY = "audit log is append-only"

# The database itself refuses to change or remove audit events, whatever code runs against it.
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
]
POSTGRES_TRIGGERS = [
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
]


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer, nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("failed_logins", sa.Integer, nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("locked_until", sa.Text, nullable=True))
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.Text, nullable=False, server_default=sa.text(NOW[dialect])),
        sa.Column("actor", sa.Text, nullable=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False, server_default=sa.text("''")),
        sa.Column("detail", sa.Text, nullable=False, server_default=sa.text("'{}'")),
        sqlite_autoincrement=True,
    )
    op.create_index("audit_events_created", "audit_events", ["created_at"])
    op.create_index("audit_events_actor", "audit_events", ["actor"])
    op.create_index("audit_events_action", "audit_events", ["action"])
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRES_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TABLE audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.drop_table("audit_events")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
        batch.drop_column("session_generation")
