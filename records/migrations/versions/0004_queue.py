"""Admins' switches (widget notice, assistant offline) and the index the hotline queue pages on.

Revision ID: 0004_queue
Revises: 0003_documents
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_queue"
down_revision = "0003_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "switches",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False, server_default="null"),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=True),
    )
    # The open queue (oldest first) and its count, and the closed list (newest first), page on this.
    op.create_index("handoffs_status_id", "handoffs", ["status", "id"])
    # Whether a conversation came before a handoff request (the flood limit spares those).
    op.create_index("bot_messages_sender", "bot_messages", ["sender_id"])


def downgrade() -> None:
    op.drop_index("bot_messages_sender", "bot_messages")
    op.drop_index("handoffs_status_id", "handoffs")
    op.drop_table("switches")
