"""Record each answer's deck and topic on its review row (kept equal to its card's by the
importer), so retention per deck and topic is one indexed scan of a month of reviews
instead of a join from every review to its card. The join index of 0004 goes, and so does
0002's per-deck cards index, which 0004's per-topic one supersedes (fewer indexes to
update on every imported card).

Revision ID: 0005_review_topic
Revises: 0004_card_topic
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_review_topic"
down_revision = "0004_card_topic"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("deck_id", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("topic", sa.String, nullable=False, server_default=""))
    op.execute(
        "UPDATE reviews SET deck_id = (SELECT deck_id FROM cards WHERE cards.id = reviews.card_id), "
        "topic = (SELECT topic FROM cards WHERE cards.id = reviews.card_id)"
    )
    op.drop_index("ix_reviews_day_card", table_name="reviews")
    op.drop_index("ix_cards_id_topic", table_name="cards")
    op.drop_index("ix_cards_deck_stats", table_name="cards")
    op.create_index("ix_reviews_day_group", "reviews", ["study_day", "kind", "deck_id", "topic", "grade"])


def downgrade() -> None:
    op.drop_index("ix_reviews_day_group", table_name="reviews")
    op.create_index(
        "ix_cards_deck_stats", "cards", ["deck_id", "status", "due", "repetitions", "interval", "easiness", "lapses"]
    )
    op.create_index("ix_cards_id_topic", "cards", ["id", "deck_id", "topic"])
    op.create_index("ix_reviews_day_card", "reviews", ["study_day", "kind", "card_id", "grade"])
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("topic")
        batch.drop_column("deck_id")
