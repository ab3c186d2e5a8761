"""The question bank import: bank files synced into the stored items (SQL in `storage.bank`).

Import (`import_banks`): each bank file is parsed (`bank.parse_bank`) and synced by the
items' explicit ids, in one write transaction: a new id is added; a known one keeps its
review state whatever changed in its text (reworded scenario, reordered options, another
explanation: `updated`), and moves with its heading to another file; an id gone from its
file retires (answers kept) and revives when it comes back. An id already held by another
bank file that still holds it is a duplicate: reported and skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from mlsflash import clock
from mlsflash.errors import MlsflashError
from mlsflash.storage import bank as bank_db
from mlsflash.storage.bank import ItemStatus
from mlsflash.study.bank import BankItem, ParsedBank, is_bank, item_body, parse_bank

if TYPE_CHECKING:
    from mlsflash.notes.importer import FileReport, NotesFile
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection

BANK_DECK = "question bank"  # what the import report shows where a notes file shows its deck
BUNDLED_BANK_FOLDER = "bank"  # decks/bank/: the bundled bank files


def bank_files_of(files: Sequence[NotesFile]) -> tuple[list[NotesFile], list[NotesFile]]:
    """`files` split into (notes files, bank files) by the bank marker."""
    notes: list[NotesFile] = []
    banks: list[NotesFile] = []
    for file in files:
        (banks if is_bank(file.text) else notes).append(file)
    return notes, banks


def bundled_bank_files() -> list[NotesFile]:
    """The bank files shipped in decks/bank/ (none before the bank is bundled)."""
    from mlsflash.notes.importer import BUNDLED_PREFIX, bundled_decks_dir, read_notes

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
        return bank_db.holds_active_items(connection)


def _held(connection: Connection) -> dict[str, _Held]:
    return {
        row.id: _Held(row.source_file, row.task, row.type, row.body, row.status, row.position)
        for row in bank_db.held_items(connection)
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
    from mlsflash.notes.importer import FileReport

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
    from mlsflash.notes.importer import BUNDLED_PREFIX, bundled_decks_dir, read_notes

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
    from mlsflash.notes.importer import BUNDLED_PREFIX, _display_path

    return source if source.startswith(BUNDLED_PREFIX) else _display_path(Path(source))


def _sync_item(sync: _Sync, item: BankItem, source: str, position: int, report: FileReport) -> None:
    body = item_body(item)
    held = sync.held.get(item.id)
    if held is None:
        bank_db.insert_item(sync.connection, item, source, body, position, sync.now)
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
        bank_db.update_item(sync.connection, item, source, body, position,
                            touched=changed or held.status != ItemStatus.ACTIVE, now=sync.now)
    sync.held[item.id] = _Held(source, item.task, item.type.value, body, ItemStatus.ACTIVE, position)


def _retire(sync: _Sync, item_id: str) -> None:
    bank_db.retire_item(sync.connection, item_id, sync.now)
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
    from mlsflash.notes.importer import FileReport

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
