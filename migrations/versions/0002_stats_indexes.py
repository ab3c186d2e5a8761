"""Indexes for `mlsflash stats`: per-deck figures read only a covering cards index,
retention figures only a covering reviews index, and the hardest cards are read in
easiness order from an index instead of sorting every card, so stats stay fast at
100k cards and 1M reviews.

Revision ID: 0002_stats_indexes
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_stats_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cards_hardest", "cards", ["easiness", sa.text("lapses DESC"), "id"])
    op.create_index(
        "ix_cards_deck_stats",
        "cards",
        ["deck_id", "status", "due", "repetitions", "interval", "easiness", "lapses"],
    )
    op.create_index(
        "ix_reviews_day_stats",
        "reviews",
        ["study_day", "kind", "grade", "interval_before", "duration_ms"],
    )


def downgrade() -> None:
    op.drop_index("ix_reviews_day_stats", table_name="reviews")
    op.drop_index("ix_cards_deck_stats", table_name="cards")
    op.drop_index("ix_cards_hardest", table_name="cards")
