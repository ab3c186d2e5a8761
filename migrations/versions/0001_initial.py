"""The first schema: decks, the files that feed them, cards with their SM-2 state,
one row per answer in reviews (before/after state, so undo and stats need nothing else),
and settings.

Revision ID: 0001_initial
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "decks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False, unique=True),
        sa.Column("reverse", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.String, nullable=False),
    )
    op.create_table(
        "source_files",
        sa.Column("path", sa.String, primary_key=True),
        sa.Column("deck_id", sa.Integer, sa.ForeignKey("decks.id"), nullable=False),
        sa.Column("content_hash", sa.String, nullable=False),
        sa.Column("imported_at", sa.String, nullable=False),
    )
    op.create_table(
        "cards",
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("deck_id", sa.Integer, sa.ForeignKey("decks.id"), nullable=False),
        sa.Column("source_file", sa.String, nullable=False),
        sa.Column("source_line", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("identity", sa.String, nullable=False),
        sa.Column("definition_key", sa.String, nullable=False),
        sa.Column("direction", sa.String, nullable=False, server_default="forward"),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("front", sa.Text, nullable=False),
        sa.Column("back", sa.Text, nullable=False),
        sa.Column("front_plain", sa.Text, nullable=False),
        sa.Column("back_plain", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False, server_default="active"),
        sa.Column("leech", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("repetitions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("easiness", sa.Integer, nullable=False, server_default="250"),
        sa.Column("interval", sa.Integer, nullable=False, server_default="0"),
        sa.Column("due", sa.String, nullable=True),
        sa.Column("lapses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("buried_on", sa.String, nullable=True),
        sa.Column("created_at", sa.String, nullable=False),
        sa.Column("updated_at", sa.String, nullable=False),
    )
    op.create_index("ix_cards_identity", "cards", ["source_file", "identity"], unique=True)
    op.create_index("ix_cards_status_due", "cards", ["status", "due"])
    op.create_index("ix_cards_deck_position", "cards", ["deck_id", "source_file", "position"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.String, sa.ForeignKey("cards.id"), nullable=False),
        sa.Column("reviewed_at", sa.String, nullable=False),
        sa.Column("study_day", sa.String, nullable=False),
        sa.Column("grade", sa.Integer, nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False, server_default="0"),
        sa.Column("repetitions_before", sa.Integer, nullable=False),
        sa.Column("easiness_before", sa.Integer, nullable=False),
        sa.Column("interval_before", sa.Integer, nullable=False),
        sa.Column("due_before", sa.String, nullable=True),
        sa.Column("lapses_before", sa.Integer, nullable=False),
        sa.Column("status_before", sa.String, nullable=False),
        sa.Column("leech_before", sa.Boolean, nullable=False),
        sa.Column("repetitions_after", sa.Integer, nullable=False),
        sa.Column("easiness_after", sa.Integer, nullable=False),
        sa.Column("interval_after", sa.Integer, nullable=False),
        sa.Column("due_after", sa.String, nullable=True),
        sa.Column("lapses_after", sa.Integer, nullable=False),
    )
    op.create_index("ix_reviews_study_day", "reviews", ["study_day", "kind"])
    op.create_index("ix_reviews_card", "reviews", ["card_id", "study_day"])


def downgrade() -> None:
    for table in ("reviews", "cards", "source_files", "decks", "settings"):
        op.drop_table(table)
