"""Documents and their versions: uploaded drafts, their passage edits, and which kb_version each publish produced."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base

# A version's life: draft → approved → published → superseded; a draft may instead be rejected.
DRAFT, APPROVED, PUBLISHED, SUPERSEDED, REJECTED = "draft", "approved", "published", "superseded", "rejected"
VERSION_STATUSES = (DRAFT, APPROVED, PUBLISHED, SUPERSEDED, REJECTED)
OPEN_STATUSES = (DRAFT, APPROVED)  # still editable / publishable


def utcnow() -> datetime:
    """Timezone-aware now (stored as UTC)."""
    return datetime.now(timezone.utc)


class Document(Base):
    """A document residents' answers come from, e.g. the 2025 work report (`wuzhong-2025`)."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.id", cascade="all, delete-orphan")


class DocumentVersion(Base):
    """One uploaded version of a document: a draft until a reviewer approves and publishes it."""

    __tablename__ = "document_versions"
    __table_args__ = (Index("document_versions_document_id", "document_id"),
                      Index("document_versions_kb_version", "kb_version"),
                      Index("document_versions_doc_status", "document_id", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    filename: Mapped[str] = mapped_column(String(255), default="")
    source_text: Mapped[str] = mapped_column(Text)            # the text read from the upload
    published_text: Mapped[str | None] = mapped_column(Text, nullable=True)  # with the edits applied
    title: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[str] = mapped_column(String(32), default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    edits: Mapped[dict] = mapped_column(JSON, default=dict)  # {passage_id: {"text"?, "title"?, "excluded"?}}
    kb_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # sha1 of the document's published text when the draft was approved: publishing refuses a stale approval.
    approved_base: Mapped[str | None] = mapped_column(String(40), nullable=True)
    uploaded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rejected_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    document: Mapped[Document] = relationship(back_populates="versions")

    def to_dict(self) -> dict:
        """Plain JSON-ready form (without the texts)."""
        stamp = lambda value: value.isoformat(timespec="seconds") if value else None  # noqa: E731
        return {
            "id": self.id, "document_id": self.document_id, "status": self.status, "filename": self.filename,
            "title": self.title, "date": self.date, "year": self.year, "kb_version": self.kb_version,
            "uploaded_by": self.uploaded_by, "approved_by": self.approved_by, "published_by": self.published_by,
            "rejected_by": self.rejected_by, "note": self.note, "edits": dict(self.edits or {}),
            "created_at": stamp(self.created_at), "approved_at": stamp(self.approved_at),
            "published_at": stamp(self.published_at),
        }
