"""Keep each card's topic (its top-level heading, the first context entry) in a column,
with covering indexes, so `stats` groups 100k cards and a month of reviews by deck and
topic from indexes instead of parsing every card's JSON context.

Revision ID: 0004_card_topic
Revises: 0003_source_warnings
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_card_topic"
down_revision = "0003_source_warnings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("topic", sa.String, nullable=False, server_default=""))
    op.execute("UPDATE cards SET topic = coalesce(json_extract(context, '$[0]'), '')")
    op.create_index(
        "ix_cards_topic_stats",
        "cards",
        ["deck_id", "topic", "status", "due", "repetitions", "interval", "easiness"],
    )
    op.create_index("ix_cards_id_topic", "cards", ["id", "deck_id", "topic"])
    op.create_index("ix_reviews_day_card", "reviews", ["study_day", "kind", "card_id", "grade"])


def downgrade() -> None:
    op.drop_index("ix_reviews_day_card", table_name="reviews")
    op.drop_index("ix_cards_id_topic", table_name="cards")
    op.drop_index("ix_cards_topic_stats", table_name="cards")
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("topic")
