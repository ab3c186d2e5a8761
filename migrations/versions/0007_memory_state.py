"""A memory state (FSRS stability and difficulty) for every card, whatever its scheduler.

Each scheduled card's state is computed by replaying its scheduled answers from the log
(re-drills never change it) through FSRS-6 with the default parameters, oldest first:
- a history that starts with a new card starts from nothing;
- a history whose first logged answer found the card already scheduled (answers older than
  the log) starts from the state its SM-2 schedule then implied (fsrs-rs's
  memory_state_from_sm2 at 90 % retention);
- a scheduled card without any logged answer gets the state its current SM-2 schedule implies.
New cards stay NULL. Answers logged before this revision keep NULL memory columns.
Nothing else changes. A progress bar on stderr counts the cards.

Revision ID: 0007_memory_state
Revises: 0006_deck_identity
"""

import sys
import time
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0007_memory_state"
down_revision = "0006_deck_identity"
branch_labels = None
depends_on = None

# Kept here, not imported: a migration must not change when the program does.
# FSRS-6's default parameters (fsrs-rs 4 / fsrs-rs-python 0.9).
_DEFAULT_PARAMETERS = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835,
    0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
]
_SM2_RETENTION = 0.9
_CHUNK = 5_000


def _rating(grade):
    return max(1, grade - 1)  # 0-2 Again, 3 Hard, 4 Good, 5 Easy


def _day(text):
    return date.fromisoformat(text)


def upgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("stability", sa.Float, nullable=True))
        batch.add_column(sa.Column("difficulty", sa.Float, nullable=True))
    with op.batch_alter_table("reviews") as batch:
        for name in ("stability_before", "difficulty_before", "stability_after", "difficulty_after"):
            batch.add_column(sa.Column(name, sa.Float, nullable=True))
    _fill(op.get_bind())
    op.create_index("ix_cards_memory", "cards", ["deck_id", "topic", "status", "due", "interval", "stability"])


def _fill(bind) -> None:
    from fsrs_rs_python import FSRS, FSRSItem, FSRSReview, MemoryState

    engine = FSRS(_DEFAULT_PARAMETERS)
    cards = bind.exec_driver_sql(
        "SELECT id, easiness, interval FROM cards WHERE due IS NOT NULL ORDER BY id"
    ).all()
    if not cards:
        return
    answers = {}
    for card_id, study_day, grade, due_before, interval_before, easiness_before in bind.exec_driver_sql(
        "SELECT card_id, study_day, grade, due_before, interval_before, easiness_before FROM reviews "
        "WHERE kind = 'scheduled' ORDER BY card_id, study_day, id"
    ):
        answers.setdefault(card_id, []).append((study_day, grade, due_before, interval_before, easiness_before))
    progress = _Progress(len(cards))
    for start in range(0, len(cards), _CHUNK):
        chunk = cards[start : start + _CHUNK]
        items, starts, replayed, updates = [], [], [], []
        for card_id, easiness, interval in chunk:
            history = answers.get(card_id)
            if not history:
                state = engine.memory_state_from_sm2(easiness / 100, max(1, interval), _SM2_RETENTION)
                updates.append((state.stability, state.difficulty, card_id))
                continue
            first_day, _, due_before, interval_before, easiness_before = history[0]
            if due_before is None:
                starts.append(None)
                previous = _day(first_day)
            else:
                starts.append(
                    engine.memory_state_from_sm2(easiness_before / 100, max(1, interval_before), _SM2_RETENTION)
                )
                previous = _day(due_before) - timedelta(days=interval_before)
            reviews = []
            for study_day, grade, *_ in history:
                day = _day(study_day)
                reviews.append(FSRSReview(_rating(grade), max(0, (day - previous).days)))
                previous = day
            items.append(FSRSItem(reviews))
            replayed.append(card_id)
        if items:
            for card_id, state in zip(replayed, engine.memory_state_batch(items, starts)):
                updates.append((state.stability, state.difficulty, card_id))
        bind.exec_driver_sql("UPDATE cards SET stability = ?, difficulty = ? WHERE id = ?", updates)
        progress.advance(len(chunk))
    progress.finish()


class _Progress:
    """A bar redrawn in place on a terminal; one closing line otherwise."""

    def __init__(self, total):
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.live = sys.stderr.isatty()

    def advance(self, count):
        self.done += count
        if self.live:
            filled = 30 * self.done // self.total
            sys.stderr.write(
                f"\rComputing memory states [{'#' * filled}{'.' * (30 - filled)}] {self.done:,}/{self.total:,} cards"
            )
            sys.stderr.flush()

    def finish(self):
        elapsed = time.monotonic() - self.started
        end = "\n" if self.live else ""
        sys.stderr.write(f"{end}Computed memory states of {self.total:,} cards in {elapsed:.1f} s\n")
        sys.stderr.flush()


def downgrade() -> None:
    op.drop_index("ix_cards_memory", table_name="cards")
    with op.batch_alter_table("reviews") as batch:
        for name in ("stability_before", "difficulty_before", "stability_after", "difficulty_after"):
            batch.drop_column(name)
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("difficulty")
        batch.drop_column("stability")
