"""The question bank: exam-style items (multiple choice, multiple response, ordering,
matching, case-study questions) imported from bank files (`mlsflash: questions`), each with
its own review state, and every answer given to one. Items are keyed by the explicit id of
their heading, so a reworded item keeps its state; a removed one retires, answers kept.
Answers hold the item id as plain text (no foreign key), as exam answers hold card ids:
`mlsflash check` names an answer whose item is missing.

Revision ID: 0016_question_bank
Revises: 0015_remembered_deck
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_question_bank"
down_revision = "0015_remembered_deck"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_items",
        sa.Column("id", sa.String, primary_key=True),  # the heading's id, e.g. mla-2.3-007
        sa.Column("source_file", sa.String, nullable=False),
        sa.Column("task", sa.String, nullable=False),  # "2.3"
        sa.Column("type", sa.String, nullable=False),  # multiple-choice | multiple-response | ordering | matching
        sa.Column("body", sa.Text, nullable=False),  # JSON: bank.item_body
        sa.Column("status", sa.String, nullable=False, server_default="active"),  # active | retired
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String, nullable=False),
        sa.Column("repetitions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("easiness", sa.Integer, nullable=False, server_default="250"),
        sa.Column("interval", sa.Integer, nullable=False, server_default="0"),
        sa.Column("due", sa.String, nullable=True),
        sa.Column("lapses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("stability", sa.Float, nullable=True),
        sa.Column("difficulty", sa.Float, nullable=True),
        sa.Column("last_review", sa.String, nullable=True),
    )
    op.create_index("ix_bank_items_source", "bank_items", ["source_file", "position"])
    op.create_index("ix_bank_items_status_due", "bank_items", ["status", "due"])
    op.create_table(
        "bank_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String, nullable=False),
        sa.Column("answered_at", sa.String, nullable=False),
        sa.Column("study_day", sa.String, nullable=False),
        sa.Column("mode", sa.String, nullable=False),  # practice | mock | drill
        sa.Column("mock_id", sa.Integer, sa.ForeignKey("mock_exams.id"), nullable=True),
        sa.Column("scored", sa.Boolean, nullable=False, server_default=sa.true()),  # a mock's unscored items: 0
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("chosen", sa.Text, nullable=False),  # the answer as typed (`ace`, `1b 2a 3c`)
        sa.Column("duration_ms", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_bank_answers_item", "bank_answers", ["item_id", "study_day"])
    op.create_index("ix_bank_answers_day", "bank_answers", ["study_day", "mode"])


def downgrade() -> None:
    op.drop_index("ix_bank_answers_day", table_name="bank_answers")
    op.drop_index("ix_bank_answers_item", table_name="bank_answers")
    op.drop_table("bank_answers")
    op.drop_index("ix_bank_items_status_due", table_name="bank_items")
    op.drop_index("ix_bank_items_source", table_name="bank_items")
    op.drop_table("bank_items")
