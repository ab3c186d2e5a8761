"""A retired card remembers whether it was suspended, and is suspended again when its bullet
comes back: `status` holds one of active, suspended, retired, so retiring a suspended card
(its bullet deleted, or its file imported before the bullet's new one) forgot the suspension,
and the revived card came back into review. The leech mark is a column of its own and was
already kept.

Revision ID: 0014_retired_suspended
Revises: 0013_same_key_repair
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_retired_suspended"
down_revision = "0013_same_key_repair"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE ADD COLUMN in place: a batch copy of `cards` would rebuild every index and trigger.
    op.add_column("cards", sa.Column("retired_suspended", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("retired_suspended")
