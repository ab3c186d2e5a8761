"""An index on each card's definition, so the importer can find where a bullet came from
across the whole collection: a bullet moved to another file or deck and imported one file
at a time keeps its card (a retired card revives by definition in any deck; a card about to
retire continues a fresh, never-reviewed copy of its bullet elsewhere). Without it each
lookup would scan every card.

Revision ID: 0008_definition_index
Revises: 0007_memory_state
"""

from alembic import op

revision = "0008_definition_index"
down_revision = "0007_memory_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cards_definition", "cards", ["definition_key", "direction"])


def downgrade() -> None:
    op.drop_index("ix_cards_definition", table_name="cards")
