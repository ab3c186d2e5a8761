"""Exam practice: the domains notes files declare and the learner maps, every practice and
mock answer, the confusions wrong answers reveal, and each mock exam's result. Answers keep
the ids of the cards they offered as plain text (no foreign key): a result stays readable
after its cards are retired or their deck is deleted.

Revision ID: 0010_exam
Revises: 0009_two_level_topic
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_exam"
down_revision = "0009_two_level_topic"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exam_declarations",  # from a notes file's front matter; heading '' is the whole file
        sa.Column("source_file", sa.String, primary_key=True),
        sa.Column("profile", sa.String, primary_key=True),
        sa.Column("heading", sa.String, primary_key=True),
        sa.Column("domain", sa.Integer, nullable=False),
    )
    op.create_table(
        "exam_topic_map",  # `mlsflash exam map`: the learner's word wins over any other
        sa.Column("profile", sa.String, primary_key=True),
        sa.Column("deck_id", sa.Integer, sa.ForeignKey("decks.id"), primary_key=True),
        sa.Column("topic", sa.String, primary_key=True),
        sa.Column("domain", sa.Integer, nullable=False),
        sa.Column("mapped_at", sa.String, nullable=False),
    )
    op.create_table(
        "mock_exams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile", sa.String, nullable=False),
        sa.Column("started_at", sa.String, nullable=False),
        sa.Column("finished_at", sa.String, nullable=False),
        sa.Column("study_day", sa.String, nullable=False),
        sa.Column("questions", sa.Integer, nullable=False),
        sa.Column("answered", sa.Integer, nullable=False),
        sa.Column("correct", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("timed_out", sa.Boolean, nullable=False),
        sa.Column("domains", sa.Text, nullable=False),  # JSON: {domain: [correct, questions]}
    )
    op.create_table(
        "exam_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("answered_at", sa.String, nullable=False),
        sa.Column("study_day", sa.String, nullable=False),
        sa.Column("profile", sa.String, nullable=False),
        sa.Column("mode", sa.String, nullable=False),  # practice | mock
        sa.Column("mock_id", sa.Integer, sa.ForeignKey("mock_exams.id"), nullable=True),
        sa.Column("shape", sa.String, nullable=False),
        sa.Column("card_id", sa.String, nullable=False),
        sa.Column("domain", sa.Integer, nullable=True),
        sa.Column("offered", sa.Text, nullable=False),  # JSON: the card id of each option, in order
        sa.Column("chosen", sa.Text, nullable=False),  # JSON: the indexes picked ([] unanswered)
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),
    )
    op.create_index("ix_exam_answers_day", "exam_answers", ["study_day", "mode", "domain", "correct"])
    op.create_table(
        "exam_confusions",  # a wrong pick: the card asked, the card whose option was chosen
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("card_id", sa.String, nullable=False),
        sa.Column("confused_with", sa.String, nullable=False),
        sa.Column("answered_at", sa.String, nullable=False),
    )
    op.create_index("ix_exam_confusions_pair", "exam_confusions", ["card_id", "confused_with"])


def downgrade() -> None:
    op.drop_index("ix_exam_confusions_pair", table_name="exam_confusions")
    op.drop_table("exam_confusions")
    op.drop_index("ix_exam_answers_day", table_name="exam_answers")
    op.drop_table("exam_answers")
    op.drop_table("mock_exams")
    op.drop_table("exam_topic_map")
    op.drop_table("exam_declarations")
