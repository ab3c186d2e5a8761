"""Each deck remembers two more import options, like `reverse`: `prose` (plain `Term is ...`
sentences make cards; off by default) and `tables` (one card per table row; on by default).

Revision ID: 0011_deck_parse_options
Revises: 0010_exam
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_deck_parse_options"
down_revision = "0010_exam"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE ADD COLUMN in place: a batch copy of `decks` would break the cards' foreign keys.
    op.add_column("decks", sa.Column("prose", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("decks", sa.Column("tables", sa.Boolean, nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("decks") as batch:
        batch.drop_column("tables")
        batch.drop_column("prose")
