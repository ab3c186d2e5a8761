"""The question bank's SQL: importing bank files, the items, their answers and schedule.

Import (`import_banks`): each bank file is parsed (`bank.parse_bank`) and synced by the
items' explicit ids, in one write transaction: a new id is added; a known one keeps its
review state whatever changed in its text (reworded scenario, reordered options, another
explanation: `updated`), and moves with its heading to another file; an id gone from its
file retires (answers kept) and revives when it comes back. An id already held by another
bank file that still holds it is a duplicate: reported and skipped.

The API the exam commands use (all take an open `Connection` of `Store.read()`/`write()`):
- `active_items(connection, task=None, type=None, domain=None) -> list[BankItem]`, in file order;
- `items_by_id(connection, ids) -> dict[str, BankItem]` (retired ones too: old answers);
- `record_answer(connection, item_id, *, mode, correct, chosen, duration_ms, study_day, mock_id=None,
  scored=True) -> int` (the answer's row id; `mode` one of `AnswerMode`);
- `item_state(connection, item_id) -> ReviewState`, `item_states(connection, ids)`;
- `save_state(connection, item_id, state, last_review)`: the schedule after a scheduled answer;
- `due_items(connection, today) -> list[str]`: ids of active items due by `today` (new ones not);
- `task_results(connection, since=None)`: per task statement, (right, answered) of scored answers;
- `seen_cards_due_after(connection, today)`, `move_cards(connection, updates)`: the cards a
  missed item brings forward.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from mlsflash import clock
from mlsflash.bank import BankItem, ItemType, ParsedBank, is_bank, item_body, item_from_body, parse_bank
from mlsflash.errors import MlsflashError
from mlsflash.model import ReviewState
from mlsflash.states import SEEN

if TYPE_CHECKING:
    from mlsflash.importer import FileReport, NotesFile
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection, Result

BANK_DECK = "question bank"  # what the import report shows where a notes file shows its deck
BUNDLED_BANK_FOLDER = "bank"  # decks/bank/: the bundled bank files


class AnswerMode(str, enum.Enum):
    """The `mode` column of bank_answers."""

    PRACTICE = "practice"
    MOCK = "mock"
    DRILL = "drill"


class ItemStatus(str, enum.Enum):
    ACTIVE = "active"
    RETIRED = "retired"


# --- import ------------------------------------------------------------------------------

def bank_files_of(files: Sequence[NotesFile]) -> tuple[list[NotesFile], list[NotesFile]]:
    """`files` split into (notes files, bank files) by the bank marker."""
    notes: list[NotesFile] = []
    banks: list[NotesFile] = []
    for file in files:
        (banks if is_bank(file.text) else notes).append(file)
    return notes, banks


def bundled_bank_files() -> list[NotesFile]:
    """The bank files shipped in decks/bank/ (none before the bank is bundled)."""
    from mlsflash.importer import BUNDLED_PREFIX, bundled_decks_dir, read_notes

    folder = bundled_decks_dir() / BUNDLED_BANK_FOLDER
    name = f"{BUNDLED_PREFIX}{BUNDLED_BANK_FOLDER}/"
    return [read_notes(path, source=name + path.name, display=name + path.name) for path in sorted(folder.glob("*.md"))]


@dataclass
class _Held:
    """A stored item as the import compares it."""

    source_file: str
    task: str
    type: str
    body: str
    status: str
    position: int


@dataclass
class _Sync:
    connection: Connection
    now: str
    held: dict[str, _Held]
    claimed: dict[str, str] = field(default_factory=dict)  # id -> the display:line that holds it in this import
    others: dict[str, set[str] | None] = field(default_factory=dict)  # another source -> its ids (None: unreadable)


def import_banks(
    store: Store, banks: Sequence[NotesFile], *, notes: Sequence[NotesFile] = (), folders: Sequence[Path] = (),
    dry_run: bool = False,
) -> list[FileReport]:
    """Sync the bank files into bank_items; one report per file, and one per bank file gone
    from an imported folder (its items retire). Items a file held while it was a bank, and
    now that it is notes, retire too: a notes file never makes items."""
    parsed = {file.source: parse_bank(file.text, file.display) for file in banks}
    if not banks and not _holds_items(store):
        return []
    with store.write() as connection:
        sync = _Sync(connection, clock.timestamp(), _held(connection))
        # In path order, however the import was typed: the first file holding an id keeps it.
        ordered = sorted(banks, key=lambda file: file.source)
        kept = {file.source: _claim(sync, file, parsed[file.source]) for file in ordered}
        reports = [_sync_file(sync, file, *kept[file.source]) for file in ordered]
        present = {file.source for file in banks} | {file.source for file in notes}
        reports += _retire_gone(sync, _gone(sync, folders, present) | {file.source for file in notes})
        if dry_run:
            connection.rollback()
    return reports


def _holds_items(store: Store) -> bool:
    with store.read() as connection:
        return bool(connection.execute("SELECT 1 FROM bank_items WHERE status = 'active' LIMIT 1").first())


def _held(connection: Connection) -> dict[str, _Held]:
    return {
        row.id: _Held(row.source_file, row.task, row.type, row.body, row.status, row.position)
        for row in connection.execute("SELECT id, source_file, task, type, body, status, position FROM bank_items")
    }


def _claim(sync: _Sync, file: NotesFile, parsed: ParsedBank) -> tuple[list[BankItem], list[tuple[int, str]]]:
    """The file's items that are its to keep (a duplicate id is a problem), and its problems."""
    problems = list(parsed.problems)
    kept: list[BankItem] = []
    for item in parsed.items:
        other = _held_elsewhere(sync, item, file.source)
        if other is not None:
            problems.append((item.line, f"duplicate id {item.id} (also in {other})"))
            continue
        sync.claimed[item.id] = f"{file.display}:{item.line}"
        kept.append(item)
    return kept, sorted(problems)


def _sync_file(sync: _Sync, file: NotesFile, items: list[BankItem], problems: list[tuple[int, str]]) -> FileReport:
    """Add, update, revive or take over (moved from another file) the file's items; retire
    those it held and no file of this import holds now."""
    from mlsflash.importer import FileReport

    report = FileReport(path=file.display, deck=BANK_DECK, bank=True)
    report.skipped = [f"{file.display}:{line}: {reason}" for line, reason in problems]
    for position, item in enumerate(items):
        _sync_item(sync, item, file.source, position, report)
    for item_id, held in sorted(sync.held.items()):
        if held.source_file == file.source and held.status == ItemStatus.ACTIVE and item_id not in sync.claimed:
            _retire(sync, item_id)
            report.retired += 1
    return report


def _held_elsewhere(sync: _Sync, item: BankItem, source: str) -> str | None:
    """Where else the item's id lives, if it is a duplicate: an earlier file of this import,
    or another bank file (not in this import) that still holds it. Else None: new, or moved here."""
    if item.id in sync.claimed:
        return sync.claimed[item.id]
    held = sync.held.get(item.id)
    if held is None or held.source_file == source or held.status != ItemStatus.ACTIVE:
        return None
    if held.source_file not in sync.others:
        sync.others[held.source_file] = _ids_in(held.source_file)
    ids = sync.others[held.source_file]
    return _display(held.source_file) if ids is not None and item.id in ids else None


def _ids_in(source: str) -> set[str] | None:
    """The ids a bank file not in this import holds now; None when it is gone or no bank."""
    from mlsflash.importer import BUNDLED_PREFIX, bundled_decks_dir, read_notes

    if source.startswith(BUNDLED_PREFIX):
        try:
            path = bundled_decks_dir() / source[len(BUNDLED_PREFIX):]
        except MlsflashError:
            return None
    else:
        path = Path(source)
    if not path.is_file():
        return None
    try:
        text = read_notes(path, source=source).text
    except MlsflashError:
        return None
    return {item.id for item in parse_bank(text, source).items} if is_bank(text) else None


def _display(source: str) -> str:
    from mlsflash.importer import BUNDLED_PREFIX, _display_path

    return source if source.startswith(BUNDLED_PREFIX) else _display_path(Path(source))


def _sync_item(sync: _Sync, item: BankItem, source: str, position: int, report: FileReport) -> None:
    body = item_body(item)
    held = sync.held.get(item.id)
    if held is None:
        sync.connection.execute(
            "INSERT INTO bank_items (id, source_file, task, type, body, status, position, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'active', ?, ?)",
            (item.id, source, item.task, item.type.value, body, position, sync.now),
        )
        report.added += 1
        sync.held[item.id] = _Held(source, item.task, item.type.value, body, ItemStatus.ACTIVE, position)
        return
    changed = (held.task, held.type, held.body, held.source_file) != (item.task, item.type.value, body, source)
    if held.status == ItemStatus.RETIRED:
        report.revived += 1
    elif held.source_file != source:
        report.moved += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1
    if changed or held.status != ItemStatus.ACTIVE or held.position != position:
        sync.connection.execute(
            "UPDATE bank_items SET source_file = ?, task = ?, type = ?, body = ?, status = 'active', position = ?, "
            "updated_at = CASE WHEN ? THEN ? ELSE updated_at END WHERE id = ?",
            (source, item.task, item.type.value, body, position, changed or held.status != ItemStatus.ACTIVE,
             sync.now, item.id),
        )
    sync.held[item.id] = _Held(source, item.task, item.type.value, body, ItemStatus.ACTIVE, position)


def _retire(sync: _Sync, item_id: str) -> None:
    sync.connection.execute(
        "UPDATE bank_items SET status = 'retired', updated_at = ? WHERE id = ?", (sync.now, item_id)
    )
    sync.held[item_id].status = ItemStatus.RETIRED


def _gone(sync: _Sync, folders: Sequence[Path], present: set[str]) -> set[str]:
    """Bank files under an imported folder that are no longer there (or no longer banks)."""
    if not folders:
        return set()
    roots = [os.path.join(str(folder), "") for folder in folders]
    return {
        held.source_file for held in sync.held.values()
        if held.status == ItemStatus.ACTIVE and held.source_file not in present
        and any(held.source_file.startswith(root) for root in roots)
    }


def _retire_gone(sync: _Sync, sources: Iterable[str]) -> list[FileReport]:
    from mlsflash.importer import FileReport

    reports = []
    for source in sorted(sources):
        ids = [item_id for item_id, held in sync.held.items()
               if held.source_file == source and held.status == ItemStatus.ACTIVE]
        if not ids:
            continue
        for item_id in ids:
            _retire(sync, item_id)
        still_there = os.path.exists(source)
        report = FileReport(path=_display(source), deck=BANK_DECK, retired=len(ids), gone=not still_there, bank=True)
        if still_there:
            report.notices.append(f"{report.path} is no question bank now: its {len(ids)} items retired")
        reports.append(report)
    return reports


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
    wanted = sorted(set(ids))
    found: dict[str, BankItem] = {}
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        rows = connection.execute(
            f"SELECT {_ITEM_COLUMNS} FROM bank_items WHERE id IN ({', '.join('?' * len(batch))})", batch
        )
        found.update((row.id, item_from_body(*row)) for row in rows)
    return found


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
    wanted = sorted(set(ids))
    states: dict[str, ReviewState] = {}
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        rows = connection.execute(
            f"SELECT {_STATE_COLUMNS} FROM bank_items WHERE id IN ({', '.join('?' * len(batch))})", batch
        )
        for row in rows:
            states[row.id] = ReviewState(
                repetitions=row.repetitions, easiness=row.easiness, interval=row.interval,
                due=date.fromisoformat(row.due) if row.due else None, lapses=row.lapses,
                stability=row.stability, difficulty=row.difficulty,
            )
    return states


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


def seen_cards_due_after(connection: Connection, today: date) -> Result:
    """The seen cards due after `today`: id, deck name, plain front and review state columns."""
    return connection.execute(
        "SELECT c.id, d.name, c.front_plain, c.repetitions, c.easiness, c.interval, c.due, c.lapses, c.stability, "
        f"c.difficulty FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.{SEEN} AND c.due > ?",
        (today.isoformat(),),
    )


def move_cards(connection: Connection, updates: list[tuple[str | None, int, int]]) -> None:
    """Set (due, interval) of each card id."""
    connection.execute("UPDATE cards SET due = ?, interval = ? WHERE id = ?", updates)
