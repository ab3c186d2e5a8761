"""A topic is the first two entries of the context (`Data Engineering › Kinesis`), not the
first alone: one heading per topic was too coarse to show which part of a subject is weak.
Recomputes `cards.topic` and copies it onto each card's reviews; the indexes stay.

Unlike the other revisions this one imports the program's definition (`model.topic_of`): the
stored topic must equal what the importer writes and `mlsflash check` verifies, so there is
exactly one definition. Changing it later needs a new revision that recomputes again.

Revision ID: 0009_two_level_topic
Revises: 0008_definition_index
"""

import json

from alembic import op

from mlsflash.model import topic_of

revision = "0009_two_level_topic"
down_revision = "0008_definition_index"
branch_labels = None
depends_on = None


def _recompute(topic) -> None:
    bind = op.get_bind()
    changed = [
        {"id": card_id, "topic": new}
        for card_id, context, old in bind.exec_driver_sql("SELECT id, context, topic FROM cards").all()
        if (new := topic(json.loads(context))) != old
    ]
    if changed:
        bind.exec_driver_sql("UPDATE cards SET topic = :topic WHERE id = :id", changed)
        # The one index holding the reviews' topic is built again once rather than updated entry
        # by entry (on 1M reviews: ~20 s down to ~9 s); the schema after is the same. (Changed
        # after release for speed only: what the revision leaves behind is unchanged.)
        op.drop_index("ix_reviews_day_group", table_name="reviews")
        op.execute(
            "UPDATE reviews SET topic = coalesce((SELECT topic FROM cards WHERE cards.id = reviews.card_id), topic)"
        )
        op.create_index("ix_reviews_day_group", "reviews", ["study_day", "kind", "deck_id", "topic", "grade"])


def upgrade() -> None:
    _recompute(topic_of)


def downgrade() -> None:
    _recompute(lambda context: context[0] if context else "")
