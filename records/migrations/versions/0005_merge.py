"""Join the branches written side by side in one round (curated answers; hotline queue and switches).

Revision ID: 0005_merge
Revises: 0004_curated, 0004_queue
"""
from __future__ import annotations

revision = "0005_merge"
down_revision = ("0004_curated", "0004_queue")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the merge only gives the history one head again."""


def downgrade() -> None:
    """Nothing to undo."""
