"""Each study day's answers summed per deck and topic in `review_days`, kept by triggers on
`reviews`: `stats` read the month's figures and the 26-week calendar from a few thousand of
these rows instead of scanning up to half a year of answers (about 500,000 index entries on a
heavy learner's log, most of the time `stats --json` took). The two review indexes that served
only those scans go; every answer then updates two indexes and one summary row instead of four
indexes.

The triggers are written out here as they were at this revision, so later changes to the
models cannot change what this step builds.

Revision ID: 0012_review_days
Revises: 0011_deck_parse_options
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_review_days"
down_revision = "0011_deck_parse_options"
branch_labels = None
depends_on = None

_SUMMED = ("answers", "duration_ms", "scheduled", "passed", "mature", "mature_passed")
TRIGGERS = (
    "CREATE TRIGGER review_days_insert AFTER INSERT ON reviews BEGIN\n"
    "  INSERT INTO review_days (study_day, deck_id, topic, answers, duration_ms, scheduled, passed, mature, mature_passed) VALUES (new.study_day, new.deck_id, new.topic, 1, new.duration_ms, (new.kind = 'scheduled'), ((new.kind = 'scheduled') AND new.grade >= 3), ((new.kind = 'scheduled') AND new.interval_before >= 21), (((new.kind = 'scheduled') AND new.interval_before >= 21) AND new.grade >= 3)) ON CONFLICT (study_day, deck_id, topic) DO UPDATE SET answers = answers + excluded.answers, duration_ms = duration_ms + excluded.duration_ms, scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed, mature = mature + excluded.mature, mature_passed = mature_passed + excluded.mature_passed;\n"
    "END",
    "CREATE TRIGGER review_days_delete AFTER DELETE ON reviews BEGIN\n"
    "  UPDATE review_days SET answers = answers - 1, duration_ms = duration_ms - old.duration_ms, scheduled = scheduled - (old.kind = 'scheduled'), passed = passed - ((old.kind = 'scheduled') AND old.grade >= 3), mature = mature - ((old.kind = 'scheduled') AND old.interval_before >= 21), mature_passed = mature_passed - (((old.kind = 'scheduled') AND old.interval_before >= 21) AND old.grade >= 3) WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic;\n"
    "  DELETE FROM review_days WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic AND answers = 0;\n"
    "END",
    "CREATE TRIGGER review_days_update AFTER UPDATE OF study_day, deck_id, topic, kind, grade, interval_before, duration_ms ON reviews\n"
    "WHEN old.study_day IS NOT new.study_day OR old.deck_id IS NOT new.deck_id OR old.topic IS NOT new.topic OR old.kind IS NOT new.kind OR old.grade IS NOT new.grade OR old.interval_before IS NOT new.interval_before OR old.duration_ms IS NOT new.duration_ms BEGIN\n"
    "  UPDATE review_days SET answers = answers - 1, duration_ms = duration_ms - old.duration_ms, scheduled = scheduled - (old.kind = 'scheduled'), passed = passed - ((old.kind = 'scheduled') AND old.grade >= 3), mature = mature - ((old.kind = 'scheduled') AND old.interval_before >= 21), mature_passed = mature_passed - (((old.kind = 'scheduled') AND old.interval_before >= 21) AND old.grade >= 3) WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic;\n"
    "  DELETE FROM review_days WHERE study_day = old.study_day AND deck_id = old.deck_id AND topic = old.topic AND answers = 0;\n"
    "  INSERT INTO review_days (study_day, deck_id, topic, answers, duration_ms, scheduled, passed, mature, mature_passed) VALUES (new.study_day, new.deck_id, new.topic, 1, new.duration_ms, (new.kind = 'scheduled'), ((new.kind = 'scheduled') AND new.grade >= 3), ((new.kind = 'scheduled') AND new.interval_before >= 21), (((new.kind = 'scheduled') AND new.interval_before >= 21) AND new.grade >= 3)) ON CONFLICT (study_day, deck_id, topic) DO UPDATE SET answers = answers + excluded.answers, duration_ms = duration_ms + excluded.duration_ms, scheduled = scheduled + excluded.scheduled, passed = passed + excluded.passed, mature = mature + excluded.mature, mature_passed = mature_passed + excluded.mature_passed;\n"
    "END",
)


def upgrade() -> None:
    op.create_table(
        "review_days",
        sa.Column("study_day", sa.String, primary_key=True),
        sa.Column("deck_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("topic", sa.String, primary_key=True),
        *(sa.Column(column, sa.Integer, nullable=False) for column in _SUMMED),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO review_days SELECT study_day, deck_id, topic, count(*), sum(duration_ms), "
        "count(*) FILTER (WHERE kind = 'scheduled'), "
        "count(*) FILTER (WHERE kind = 'scheduled' AND grade >= 3), "
        "count(*) FILTER (WHERE kind = 'scheduled' AND interval_before >= 21), "
        "count(*) FILTER (WHERE kind = 'scheduled' AND interval_before >= 21 AND grade >= 3) "
        # In table order: walking the log by day through an index reads its pages at random.
        "FROM reviews NOT INDEXED GROUP BY study_day, deck_id, topic"
    )
    for trigger in TRIGGERS:
        op.execute(trigger)
    op.drop_index("ix_reviews_day_stats", table_name="reviews")
    op.drop_index("ix_reviews_day_group", table_name="reviews")


def downgrade() -> None:
    op.create_index("ix_reviews_day_group", "reviews", ["study_day", "kind", "deck_id", "topic", "grade"])
    op.create_index(
        "ix_reviews_day_stats", "reviews", ["study_day", "kind", "grade", "interval_before", "duration_ms"]
    )
    for name in ("review_days_update", "review_days_delete", "review_days_insert"):
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("review_days")
