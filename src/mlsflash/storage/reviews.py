"""The review session's writes and the day's log they read: an answer's card state, read and
written in the answer's own transaction, its log row, undo, bury and suspend. Every function
takes an open `Connection` of `Store.read()`/`write()`:
- `state_for_answer(connection, card_id, day) -> AnswerState | None`: the card as its answer finds it;
- `stored_state(state, status, leech) -> StoredState`, `review_state(row) -> ReviewState`: a
  card's state columns as stored, and its schedule;
- `save_state(connection, card_id, state)`, `log(connection, ...) -> int`: what an answer writes;
- `day_counts(connection, day) -> (introduced, reviewed)`, `introduced_on(connection, day)`,
  `had_scheduled_answer(connection, card_id, day)`: the day's scheduled answers;
- `exists(connection, review_id)`, `answered_since(connection, card_id, review_id)`,
  `stored_state_of(connection, card_id)`, `delete(connection, review_id)`: what undo checks and takes back;
- `bury(connection, card_id, day)`, `unbury(...)`, `suspend(connection, card_id)`, `unsuspend(...)`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from mlsflash.model import ReviewState
from mlsflash.states import ReviewKind, Status
from mlsflash.storage.predicates import ACTIVE, SUSPENDED
from mlsflash.storage.rows import rows_as

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection
    from mlsflash.storage.queue import QueuedCard

_SCHEDULED_ON = f"study_day = ? AND kind = '{ReviewKind.SCHEDULED.value}'"  # a card's one scheduled answer of a day


# --- a card's state ------------------------------------------------------------------------


class StoredState(NamedTuple):
    """A card's state columns as stored (`due` an ISO day, `leech` 0 or 1)."""

    repetitions: int
    easiness: int
    interval: int
    due: str | None
    lapses: int
    stability: float | None
    difficulty: float | None
    status: str  # a `Status` value
    leech: int


def stored_state(state: ReviewState, status: str, leech: bool) -> StoredState:
    return StoredState(
        state.repetitions,
        state.easiness,
        state.interval,
        state.due.isoformat() if state.due else None,
        state.lapses,
        state.stability,
        state.difficulty,
        status,
        int(leech),
    )


class AnswerState(NamedTuple):
    """A card as an answer finds it, and whether it had its scheduled answer on the day."""

    status: str  # a `Status` value
    leech: int
    repetitions: int
    easiness: int
    interval: int
    due: str | None
    lapses: int
    stability: float | None
    difficulty: float | None
    deck_id: int
    topic: str
    scheduled_today: int

    @property
    def state(self) -> ReviewState:
        return review_state(self)


def review_state(row: AnswerState | QueuedCard) -> ReviewState:
    """The schedule held in a row of a card's state columns."""
    return ReviewState(
        repetitions=row.repetitions,
        easiness=row.easiness,
        interval=row.interval,
        due=date.fromisoformat(row.due) if row.due else None,
        lapses=row.lapses,
        stability=row.stability,
        difficulty=row.difficulty,
    )


def state_for_answer(connection: Connection, card_id: str, day: date) -> AnswerState | None:
    """The card's state inside the answer's write transaction (None: no such card)."""
    return next(rows_as(connection.execute(
        "SELECT status, leech, repetitions, easiness, interval, due, lapses, stability, difficulty, deck_id, topic, "
        f"EXISTS (SELECT 1 FROM reviews WHERE card_id = cards.id AND {_SCHEDULED_ON}) AS scheduled_today "
        "FROM cards WHERE id = ?",
        (day.isoformat(), card_id),
    ), AnswerState), None)


def save_state(connection: Connection, card_id: str, state: StoredState) -> None:
    connection.execute(
        "UPDATE cards SET repetitions = ?, easiness = ?, interval = ?, due = ?, lapses = ?, stability = ?, "
        "difficulty = ?, status = ?, leech = ? "
        "WHERE id = ?",
        (*state, card_id),
    )


# --- the log -------------------------------------------------------------------------------

_INSERT_REVIEW = (
    "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, "
    "repetitions_before, easiness_before, interval_before, due_before, lapses_before, stability_before, "
    "difficulty_before, status_before, leech_before, repetitions_after, easiness_after, interval_after, due_after, "
    "lapses_after, stability_after, difficulty_after, deck_id, topic) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def log(
    connection: Connection, card_id: str, reviewed_at: str, day: date, grade: int, kind: ReviewKind,
    duration_ms: int, before: StoredState, after: StoredState, deck_id: int, topic: str,
) -> int:
    """Log one answer, with the card's state before and after it; the log row's id."""
    cursor = connection.execute(
        _INSERT_REVIEW,
        (
            card_id, reviewed_at, day.isoformat(), grade, kind.value, duration_ms,
            *before, *after[:7], deck_id, topic,  # the log keeps the status and leech flag before only
        ),
    )
    return cursor.lastrowid or 0  # set by INSERT


def day_counts(connection: Connection, day: date) -> tuple[int, int]:
    """(introduced, reviewed): the new cards given their first scheduled answer on `day`, and
    the seen cards given their scheduled answer."""
    return connection.execute(
        "SELECT count(*) FILTER (WHERE due_before IS NULL), count(*) FILTER (WHERE due_before IS NOT NULL) "
        f"FROM reviews WHERE study_day = ? AND kind = '{ReviewKind.SCHEDULED.value}'",
        (day.isoformat(),),
    ).one()


def introduced_on(connection: Connection, day: date) -> list[str]:
    """The ids of the cards introduced on `day`."""
    return connection.execute(
        f"SELECT card_id FROM reviews WHERE study_day = ? AND kind = '{ReviewKind.SCHEDULED.value}' "
        "AND due_before IS NULL",
        (day.isoformat(),),
    ).scalars()


def had_scheduled_answer(connection: Connection, card_id: str, day: date) -> bool:
    return connection.execute(
        f"SELECT 1 FROM reviews WHERE card_id = ? AND {_SCHEDULED_ON} LIMIT 1", (card_id, day.isoformat())
    ).first() is not None


# --- undo ----------------------------------------------------------------------------------


def exists(connection: Connection, review_id: int) -> bool:
    return connection.execute("SELECT 1 FROM reviews WHERE id = ?", (review_id,)).first() is not None


def answered_since(connection: Connection, card_id: str, review_id: int) -> bool:
    """Was the card answered after the answer logged as `review_id`?"""
    return connection.execute(
        "SELECT 1 FROM reviews WHERE card_id = ? AND id > ? LIMIT 1", (card_id, review_id)
    ).first() is not None


def stored_state_of(connection: Connection, card_id: str) -> StoredState | None:
    row = connection.execute(
        "SELECT repetitions, easiness, interval, due, lapses, stability, difficulty, status, leech "
        "FROM cards WHERE id = ?",
        (card_id,),
    ).first()
    return None if row is None else StoredState._make((*row[:-1], int(bool(row[-1]))))


def delete(connection: Connection, review_id: int) -> None:
    connection.execute("DELETE FROM reviews WHERE id = ?", (review_id,))


# --- bury and suspend ----------------------------------------------------------------------


def bury(connection: Connection, card_id: str, day: date) -> str | None:
    """Hide the card until the day after `day`; the day it was buried on before, if any."""
    before = connection.execute("SELECT buried_on FROM cards WHERE id = ?", (card_id,)).scalar()
    connection.execute("UPDATE cards SET buried_on = ? WHERE id = ?", (day.isoformat(), card_id))
    return before


def unbury(connection: Connection, card_id: str, buried: date, buried_before: str | None) -> None:
    """Take back `bury` on day `buried` (what it returned: `buried_before`), unless the card was
    buried on another day since."""
    connection.execute(
        "UPDATE cards SET buried_on = ? WHERE id = ? AND buried_on = ?", (buried_before, card_id, buried.isoformat())
    )


def suspend(connection: Connection, card_id: str) -> bool:
    """Suspend the card if it is active; whether it was."""
    return connection.execute(
        f"UPDATE cards SET status = '{Status.SUSPENDED.value}' WHERE id = ? AND {ACTIVE}", (card_id,)
    ).rowcount > 0


def unsuspend(connection: Connection, card_id: str) -> bool:
    """Make the card active again if it is suspended; whether it was."""
    return connection.execute(
        f"UPDATE cards SET status = '{Status.ACTIVE.value}' WHERE id = ? AND {SUSPENDED}", (card_id,)
    ).rowcount > 0
