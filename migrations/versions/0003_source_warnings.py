"""Remember each file's skipped bullets, so re-importing an unchanged file can skip parsing
it (by the hash of its content and options) and still list what was skipped and why.

Revision ID: 0003_source_warnings
Revises: 0002_stats_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_source_warnings"
down_revision = "0002_stats_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_files") as batch:
        batch.add_column(sa.Column("warnings", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("source_files") as batch:
        batch.drop_column("warnings")
