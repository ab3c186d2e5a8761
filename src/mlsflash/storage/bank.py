"""The question bank's SQL: the items as the import syncs them (`bank_import`), and the API
of the exam commands (all take an open `Connection` of `Store.read()`/`write()`):
- `active_items(connection, task=None, type=None, domain=None) -> list[BankItem]`, in file order;
- `items_by_id(connection, ids) -> dict[str, BankItem]` (retired ones too: old answers);
- `record_answer(connection, item_id, *, mode, correct, chosen, duration_ms, study_day, mock_id=None,
  scored=True) -> int` (the answer's row id; `mode` one of `AnswerMode`);
- `item_state(connection, item_id) -> ReviewState`, `item_states(connection, ids)`;
- `save_state(connection, item_id, state, last_review)`: the schedule after a scheduled answer;
- `due_items(connection, today) -> list[str]`: ids of active items due by `today` (new ones not);
- `task_results(connection, since=None)`: per task statement, (right, answered) of scored answers;
(the cards a missed item brings forward are `storage.exam_pacing`'s).
"""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING, Iterable

from mlsflash import clock
from mlsflash.errors import MlsflashError
from mlsflash.model import ReviewState
from mlsflash.storage.batches import in_batches, marks
from mlsflash.study.bank import BankItem, ItemType, item_from_body

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection, Result


class AnswerMode(str, enum.Enum):
    """The `mode` column of bank_answers."""

    PRACTICE = "practice"
    MOCK = "mock"
    DRILL = "drill"


class ItemStatus(str, enum.Enum):
    ACTIVE = "active"
    RETIRED = "retired"


# --- the import's rows -------------------------------------------------------------------

def holds_active_items(connection: Connection) -> bool:
    return bool(connection.execute("SELECT 1 FROM bank_items WHERE status = 'active' LIMIT 1").first())


def held_items(connection: Connection) -> Result:
    """Every stored item (retired ones too): id, source_file, task, type, body, status, position."""
    return connection.execute("SELECT id, source_file, task, type, body, status, position FROM bank_items")


def insert_item(connection: Connection, item: BankItem, source: str, body: str, position: int, now: str) -> None:
    connection.execute(
        "INSERT INTO bank_items (id, source_file, task, type, body, status, position, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'active', ?, ?)",
        (item.id, source, item.task, item.type.value, body, position, now),
    )


def update_item(connection: Connection, item: BankItem, source: str, body: str, position: int, *, touched: bool,
                now: str) -> None:
    """Store the item's text and place, active; `updated_at` becomes `now` only when `touched`."""
    connection.execute(
        "UPDATE bank_items SET source_file = ?, task = ?, type = ?, body = ?, status = 'active', position = ?, "
        "updated_at = CASE WHEN ? THEN ? ELSE updated_at END WHERE id = ?",
        (source, item.task, item.type.value, body, position, touched, now, item.id),
    )


def retire_item(connection: Connection, item_id: str, now: str) -> None:
    connection.execute("UPDATE bank_items SET status = 'retired', updated_at = ? WHERE id = ?", (now, item_id))


# --- the API of the exam commands ----------------------------------------------------------

_ITEM_COLUMNS = "id, task, type, body, source_file"


def active_items(
    connection: Connection, *, task: str | None = None, type: ItemType | str | None = None,  # noqa: A002
    domain: int | None = None,
) -> list[BankItem]:
    """The active items, in file order, of one task statement, type or domain if given."""
    where = ["status = 'active'"]
    params: list[object] = []
    if task is not None:
        where.append("task = ?")
        params.append(task)
    if type is not None:
        where.append("type = ?")
        params.append(str(type.value if isinstance(type, ItemType) else type))
    if domain is not None:
        where.append("task LIKE ?")
        params.append(f"{domain}.%")
    rows = connection.execute(
        f"SELECT {_ITEM_COLUMNS} FROM bank_items WHERE {' AND '.join(where)} ORDER BY source_file, position",
        params,
    )
    return [item_from_body(*row) for row in rows]


def items_by_id(connection: Connection, ids: Iterable[str]) -> dict[str, BankItem]:
    """The items of these ids, retired ones too; unknown ids are left out."""
    rows = in_batches(connection, lambda count: f"SELECT {_ITEM_COLUMNS} FROM bank_items WHERE id IN ({marks(count)})",
                      sorted(set(ids)))
    return {row.id: item_from_body(*row) for row in rows}


def record_answer(
    connection: Connection, item_id: str, *, mode: AnswerMode | str, correct: bool, chosen: str, duration_ms: int,
    study_day: date, mock_id: int | None = None, scored: bool = True,
) -> int:
    """Log one answer to an item (its schedule is `save_state`'s business); the row's id."""
    cursor = connection.execute(
        "INSERT INTO bank_answers (item_id, answered_at, study_day, mode, mock_id, scored, correct, chosen, "
        "duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item_id, clock.timestamp(), study_day.isoformat(), AnswerMode(mode).value, mock_id, scored, correct,
         chosen, duration_ms),
    )
    return int(cursor.lastrowid or 0)


_STATE_COLUMNS = "id, repetitions, easiness, interval, due, lapses, stability, difficulty"


def item_states(connection: Connection, ids: Iterable[str]) -> dict[str, ReviewState]:
    """The review state of each known item (new: `ReviewState()`)."""
    rows = in_batches(connection, lambda count: f"SELECT {_STATE_COLUMNS} FROM bank_items WHERE id IN ({marks(count)})",
                      sorted(set(ids)))
    return {
        row.id: ReviewState(
            repetitions=row.repetitions, easiness=row.easiness, interval=row.interval,
            due=date.fromisoformat(row.due) if row.due else None, lapses=row.lapses,
            stability=row.stability, difficulty=row.difficulty,
        )
        for row in rows
    }


def item_state(connection: Connection, item_id: str) -> ReviewState:
    """An item's review state; an unknown id is an error."""
    state = item_states(connection, [item_id]).get(item_id)
    if state is None:
        raise MlsflashError(f"no question bank item {item_id}")
    return state


def save_state(connection: Connection, item_id: str, state: ReviewState, last_review: date) -> None:
    """Store the schedule a scheduled answer on `last_review` gave the item."""
    connection.execute(
        "UPDATE bank_items SET repetitions = ?, easiness = ?, interval = ?, due = ?, lapses = ?, stability = ?, "
        "difficulty = ?, last_review = ? WHERE id = ?",
        (state.repetitions, state.easiness, state.interval, state.due.isoformat() if state.due else None,
         state.lapses, state.stability, state.difficulty, last_review.isoformat(), item_id),
    )


def due_items(connection: Connection, today: date) -> list[str]:
    """Ids of the active items due on or before `today`, most overdue first (new items are not due)."""
    rows = connection.execute(
        "SELECT id FROM bank_items WHERE status = 'active' AND due IS NOT NULL AND due <= ? ORDER BY due, id",
        (today.isoformat(),),
    )
    return [row.id for row in rows]


def task_results(connection: Connection, since: str | None = None) -> dict[str, tuple[int, int]]:
    """Task statement -> (right, answered) of the scored bank answers to live items since a
    study day (all when None); a mock item left unanswered is no answer."""
    return {
        row.task: (row.right, row.answered)
        for row in connection.execute(
            "SELECT i.task, sum(a.correct) AS right, count(*) AS answered FROM bank_answers a "
            "JOIN bank_items i ON i.id = a.item_id WHERE a.scored AND a.chosen != '' AND a.study_day >= ? "
            "GROUP BY i.task",
            (since or "",),
        )
    }
