"""Documents and document versions (drafts, approvals, publishes).

Revision ID: 0003_documents
Revises: 0002_auth_audit
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_documents"
down_revision = "0002_auth_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
    )
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(64), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("filename", sa.String(255), nullable=False, server_default=""),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("published_text", sa.Text, nullable=True),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("date", sa.String(32), nullable=False, server_default=""),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("source_url", sa.String(500), nullable=True),
        sa.Column("edits", sa.JSON, nullable=False),
        sa.Column("kb_version", sa.String(64), nullable=True),
        sa.Column("approved_base", sa.String(40), nullable=True),
        sa.Column("uploaded_by", sa.String(64), nullable=True),
        sa.Column("approved_by", sa.String(64), nullable=True),
        sa.Column("published_by", sa.String(64), nullable=True),
        sa.Column("rejected_by", sa.String(64), nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("document_versions_document_id", "document_versions", ["document_id"])
    op.create_index("document_versions_kb_version", "document_versions", ["kb_version"])
    op.create_index("document_versions_doc_status", "document_versions", ["document_id", "status"])


def downgrade() -> None:
    op.drop_index("document_versions_doc_status", "document_versions")
    op.drop_index("document_versions_kb_version", "document_versions")
    op.drop_index("document_versions_document_id", "document_versions")
    op.drop_table("document_versions")
    op.drop_table("documents")
