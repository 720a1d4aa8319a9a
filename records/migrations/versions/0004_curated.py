"""Curated answers and their versions (draft, live, superseded, flagged for review, retired).

Revision ID: 0004_curated
Revises: 0003_documents
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_curated"
down_revision = "0003_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "curated_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "curated_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.Integer, sa.ForeignKey("curated_answers.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("phrasings", sa.JSON, nullable=False),
        sa.Column("passage_id", sa.String(64), nullable=False),
        sa.Column("document_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("passage_title", sa.String(200), nullable=False, server_default=""),
        sa.Column("quote", sa.Text, nullable=False, server_default=""),
        sa.Column("kb_version", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.Column("retired_by", sa.String(64), nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("answer_id", "version", name="curated_versions_answer_version"),
    )
    op.create_index("curated_versions_status", "curated_versions", ["status"])
    op.create_index("curated_versions_updated_at", "curated_versions", ["updated_at"])


def downgrade() -> None:
    op.drop_index("curated_versions_updated_at", "curated_versions")
    op.drop_index("curated_versions_status", "curated_versions")
    op.drop_table("curated_versions")
    op.drop_table("curated_answers")
