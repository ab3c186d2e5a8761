"""Sync notes files into the store: identity, update, move/rename, retire, revive.

Everything is read and parsed first; then one write transaction applies every file, so
an error anywhere writes nothing. Matching works on (identity key, definition key) rows
with plain SQL and bulk statements, never on loaded ORM objects.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple, Sequence

from mlsflash import clock
from mlsflash.errors import MlsflashError
from mlsflash.model import CardDraft, ParsedNotes

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Row

    from mlsflash.storage import Store

MAX_NOTES_BYTES = 32 * 1024 * 1024
NOTES_SUFFIXES = (".md", ".markdown")
BUNDLED_PREFIX = "<bundled>/"
PARSER_VERSION = "2"  # part of the unchanged-file hash: bump when parsing rules change


@dataclass
class FileReport:
    path: str
    deck: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    revived: int = 0
    skipped: list[str] = field(default_factory=list)  # "file:line: reason"


@dataclass
class ImportReport:
    files: list[FileReport]
    dry_run: bool = False

    def total(self, attribute: str) -> int:
        return sum(getattr(report, attribute) for report in self.files)


@dataclass(frozen=True)
class NotesFile:
    source: str  # what the store remembers: an absolute path, or <bundled>/name.md
    display: str  # what the user is shown
    text: str
    digest: str


# --- reading ---------------------------------------------------------------------------


def collect_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Files named directly, plus `*.md` / `*.markdown` found recursively in folders."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = list(_notes_in_folder(path))
            if not found:
                raise MlsflashError(
                    f"no Markdown notes (*.md, *.markdown) in folder {path}",
                    hint="point import at a notes file or a folder that holds some",
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.is_symlink():
            raise MlsflashError(f"{path} is a broken symbolic link")
        else:
            raise MlsflashError(f"no such file or folder: {path}", hint="check the path; nothing was imported")
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


def _notes_in_folder(folder: Path) -> Iterator[Path]:
    seen: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            raise MlsflashError(f"symbolic link loop under {folder} (at {root})", hint="remove the looping link")
        seen.add(real)
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(names):
            if name.lower().endswith(NOTES_SUFFIXES) and not name.startswith("."):
                yield Path(root) / name


def read_notes(path: Path, *, source: str | None = None, display: str | None = None) -> NotesFile:
    shown = display or _display_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_NOTES_BYTES:
            raise MlsflashError(
                f"{shown} is {size / 1024 / 1024:.1f} MB, over the 32 MB limit for a notes file",
                hint="split it into several files",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise MlsflashError(f"{shown} disappeared while importing", hint="run the import again") from None
    except IsADirectoryError:
        raise MlsflashError(f"{shown} is a folder, expected a notes file") from None
    except OSError as error:
        raise MlsflashError(f"cannot read {shown}: {error.strerror}") from None
    if b"\x00" in data[:8192]:
        raise MlsflashError(f"{shown} is a binary file, not Markdown notes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MlsflashError(
            f"{shown} is not valid UTF-8 (byte offset {error.start}: {data[error.start:error.start + 1]!r})",
            hint="save the file as UTF-8",
        ) from None
    return NotesFile(
        source=source or str(path.resolve()),
        display=shown,
        text=text,
        digest=hashlib.sha256(data).hexdigest(),
    )


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def bundled_decks_dir() -> Path:
    """`mlsflash/decks` inside an installed wheel, else `decks/` of the checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "decks", package_dir.parent.parent / "decks"):
        if candidate.is_dir() and any(candidate.glob("*.md")):
            return candidate
    raise MlsflashError("the bundled decks are missing from this installation", hint="reinstall mlsflash")


def bundled_files() -> list[NotesFile]:
    return [
        read_notes(path, source=BUNDLED_PREFIX + path.name, display=BUNDLED_PREFIX + path.name)
        for path in sorted(bundled_decks_dir().glob("*.md"))
    ]


# --- syncing ---------------------------------------------------------------------------


def import_notes(
    store: Store,
    notes: Sequence[NotesFile],
    *,
    deck: str | None = None,
    reverse: bool | None = None,
    dry_run: bool = False,
    parsing: Parsing | None = None,
) -> ImportReport:
    """Sync every file in one transaction; a file whose content and options are unchanged is
    not even parsed. Parsing happens before the write lock is taken."""
    with store.read() as connection:
        hashes = {file.source: _content_hash(connection, file, deck, reverse) for file in notes}
    with _no_cyclic_gc():
        parsed = parse_files([file for file in notes if not hashes[file.source][1]], parsing)
        return _import_parsed(store, notes, parsed, deck=deck, reverse=reverse, dry_run=dry_run)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Parsing allocates millions of short-lived objects and no cycles worth collecting;
    pausing the cyclic collector makes a large import about a third faster."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_parsed(
    store: Store,
    notes: Sequence[NotesFile],
    parsed: dict[str, ParsedNotes],
    *,
    deck: str | None,
    reverse: bool | None,
    dry_run: bool,
) -> ImportReport:
    from mlsflash.parser import parse_notes

    reports: list[FileReport] = []
    with store.write() as connection:
        for file in notes:
            content_hash, unchanged = _content_hash(connection, file, deck, reverse)
            if unchanged:
                reports.append(_unchanged_report(connection, file))
                continue
            result = parsed.get(file.source) or parse_notes(file.text)
            reports.append(_sync_file(connection, file, result, content_hash, deck_option=deck, reverse_option=reverse))
        if dry_run:
            connection.rollback()
    return ImportReport(files=reports, dry_run=dry_run)


PARALLEL_MIN_BYTES = 256 * 1024


class Parsing:
    """Notes being parsed in worker processes, one per core, each file cut at headings (the
    result equals parsing it whole: see parser.split_chunks). Started before the database is
    opened, so the two overlap."""

    def __init__(self, files: Sequence[NotesFile]) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from mlsflash.parser import parse_chunk, split_chunks

        workers = min(os.cpu_count() or 1, 8)
        total = sum(len(file.text) for file in files) or 1
        self._jobs = [
            (file.source, chunk)
            for file in files
            for chunk in split_chunks(file.text, max(1, round(workers * len(file.text) / total)))
        ]
        # fork: the workers inherit the imported parser; no cyclic GC in them, as in _no_cyclic_gc
        context = multiprocessing.get_context("fork")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=gc.disable)
        self._futures = [self._pool.submit(parse_chunk, chunk) for _, chunk in self._jobs]

    def results(self) -> dict[str, ParsedNotes]:
        from mlsflash.parser import merge_chunks

        by_file: dict[str, list[Any]] = {}
        for (source, _), future in zip(self._jobs, self._futures):
            by_file.setdefault(source, []).append(future.result())
        self.close()
        return {source: merge_chunks(chunks) for source, chunks in by_file.items()}

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def parse_files(files: Sequence[NotesFile], parsing: Parsing | None = None) -> dict[str, ParsedNotes]:
    """Parse notes files: taken from `parsing` when it has them, on every core when the job is
    large, else here."""
    from mlsflash.parser import parse_notes

    parsed = parsing.results() if parsing is not None else {}
    missing = [file for file in files if file.source not in parsed]
    if sum(len(file.text) for file in missing) >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1:
        parsed.update(Parsing(missing).results())
    else:
        parsed.update((file.source, parse_notes(file.text)) for file in missing)
    return {file.source: parsed[file.source] for file in files}


@contextmanager
def early_parsing(
    files: Sequence[NotesFile], db_path: Path, deck: str | None, reverse: bool | None
) -> Iterator[Parsing | None]:
    """Start parsing the files that will need it before SQLAlchemy is even imported. Which
    ones do is read with the stdlib sqlite3 (read-only), like the schema check of
    storage.db; an unknown, new or unreadable database simply means: parse everything."""
    stored = _stored_hashes(db_path, [file.source for file in files])
    needed = [file for file in files if not _hash_against(file, stored.get(file.source), deck, reverse)[1]]
    if (os.cpu_count() or 1) < 2 or sum(len(file.text) for file in needed) < PARALLEL_MIN_BYTES:
        yield None
        return
    parsing = Parsing(needed)
    try:
        yield parsing
    finally:
        parsing.close()


def _stored_hashes(db_path: Path, sources: list[str]) -> dict[str, tuple[str, bool]]:
    import sqlite3

    from mlsflash.storage.db import read_only

    if not sources or not db_path.is_file():
        return {}
    try:
        with read_only(db_path) as connection:
            rows = connection.execute(_stored_hashes_sql(len(sources)), sources).fetchall()
    except sqlite3.Error:
        return {}
    return {path: (content_hash, bool(reverse)) for path, content_hash, reverse in rows}


def _stored_hashes_sql(count: int) -> str:
    """Each known file's stored hash and its deck's reverse setting."""
    return (
        "SELECT f.path, f.content_hash, d.reverse FROM source_files f JOIN decks d ON d.id = f.deck_id "
        f"WHERE f.path IN ({', '.join('?' * count)})"
    )


def _hash_against(
    file: NotesFile, stored: tuple[str, bool] | None, deck: str | None, reverse: bool | None
) -> tuple[str, bool]:
    """The hash of the file and of the options that shape its cards (the deck's remembered
    reverse setting unless --reverse/--no-reverse is given); and whether it is the stored one."""
    stored_hash, deck_reverse = stored if stored is not None else (None, False)
    effective_reverse = deck_reverse if reverse is None else reverse
    content_hash = hashlib.sha256(
        f"{file.digest}|{deck or ''}|{effective_reverse}|{PARSER_VERSION}".encode()
    ).hexdigest()
    return content_hash, content_hash == stored_hash


def _content_hash(connection: Connection, file: NotesFile, deck: str | None, reverse: bool | None) -> tuple[str, bool]:
    row = connection.exec_driver_sql(_stored_hashes_sql(1), (file.source,)).first()
    return _hash_against(file, (row.content_hash, bool(row.reverse)) if row else None, deck, reverse)


def _unchanged_report(connection: Connection, file: NotesFile) -> FileReport:
    deck_name, warnings = connection.exec_driver_sql(
        "SELECT d.name, f.warnings FROM source_files f JOIN decks d ON d.id = f.deck_id WHERE f.path = ?",
        (file.source,),
    ).one()
    report = FileReport(path=file.display, deck=deck_name)
    report.skipped = [f"{file.display}:{line}: {reason}" for line, reason in json.loads(warnings)]
    report.unchanged = connection.exec_driver_sql(
        "SELECT count(*) FROM cards WHERE source_file = ? AND status != 'retired'", (file.source,)
    ).scalar_one()
    return report


def _sync_file(
    connection: Connection,
    file: NotesFile,
    parsed: ParsedNotes,
    content_hash: str,
    *,
    deck_option: str | None,
    reverse_option: bool | None,
) -> FileReport:
    from mlsflash.parser import with_reverse

    deck_name = (deck_option or parsed.title or Path(file.display).stem).strip()
    deck_id, reverse = _resolve_deck(connection, file.source, deck_name, reverse_option)
    report = FileReport(path=file.display, deck=deck_name)
    report.skipped = [f"{file.display}:{warning.line}: {warning.reason}" for warning in parsed.warnings]
    now = clock.timestamp()

    drafts = list(with_reverse(parsed).drafts if reverse else parsed.drafts)
    existing = connection.exec_driver_sql(
        "SELECT id, identity, definition_key, direction, status, position, deck_id, context, topic, front, back, "
        "source_line FROM cards WHERE source_file = ?",
        (file.source,),
    ).all()
    plan = _match(drafts, existing)

    inserts: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    regrouped = []  # (deck_id, topic, card id) of cards whose reviews must follow them
    context_json: dict[tuple[str, ...], str] = {}  # siblings share a context: serialize it once
    for position, draft in enumerate(drafts):
        row = plan.row_for.get(position)
        if draft.context not in context_json:
            context_json[draft.context] = json.dumps(list(draft.context), ensure_ascii=False)
        values = _card_values(draft, position, deck_id, context_json[draft.context])
        if row is None:
            report.added += 1
            inserts.append((*values, _new_id(), file.source, now, now))
            continue
        content_changed = _content_changed(row, values)
        if row.status == "retired":
            report.revived += 1
        elif content_changed or row.identity != values.identity:
            report.updated += 1
        else:
            report.unchanged += 1
        if content_changed or row.status == "retired" or _place_changed(row, values):
            status = "active" if row.status == "retired" else row.status
            updates.append((*values, status, now if content_changed else None, row.id))
            if (row.deck_id, row.topic) != (values.deck_id, values.topic):
                regrouped.append((values.deck_id, values.topic, row.id))
    retire_ids = [row.id for row in plan.vanished]
    report.retired = len(retire_ids)

    _write_cards(connection, inserts, updates)
    if regrouped:
        connection.exec_driver_sql("UPDATE reviews SET deck_id = ?, topic = ? WHERE card_id = ?", regrouped)
    if retire_ids:
        connection.exec_driver_sql(
            "UPDATE cards SET status = 'retired', updated_at = ? WHERE id = ?", [(now, card_id) for card_id in retire_ids]
        )
    warnings = json.dumps([[warning.line, warning.reason] for warning in parsed.warnings], ensure_ascii=False)
    _remember_file(connection, file.source, deck_id, content_hash, warnings, now)
    return report


@dataclass
class _Plan:
    row_for: dict[int, Row]  # draft position -> existing card it continues
    vanished: list[Row]  # active cards that no draft continues: to retire


def _match(drafts: Sequence[CardDraft], existing: Sequence[Row]) -> _Plan:
    """Same key: the same card. Then vanished/new pairs with the same definition are moves or
    renames (nearest position first); then retired cards whose definition returns revive."""
    by_identity = {row.identity: row for row in existing}
    row_for: dict[int, Row] = {}
    used: set[str] = set()
    unmatched: list[int] = []
    for position, draft in enumerate(drafts):
        row = by_identity.get(draft.key)
        if row is not None and row.id not in used:
            row_for[position] = row
            used.add(row.id)
        else:
            unmatched.append(position)
    active_left = [row for row in existing if row.id not in used and row.status != "retired"]
    retired_left = [row for row in existing if row.id not in used and row.status == "retired"]
    for pool in (active_left, retired_left):
        for position, row in _pair_by_definition(drafts, unmatched, pool):
            row_for[position] = row
            used.add(row.id)
        unmatched = [position for position in unmatched if position not in row_for]
    return _Plan(row_for=row_for, vanished=[row for row in active_left if row.id not in used])


def _pair_by_definition(
    drafts: Sequence[CardDraft], positions: Iterable[int], rows: Sequence[Row]
) -> Iterator[tuple[int, Row]]:
    candidates = sorted(
        (abs(row.position - position), position, index)
        for position in positions
        for index, row in enumerate(rows)
        if row.definition_key == drafts[position].definition_key
        and row.direction == drafts[position].direction.value
    )
    taken_positions: set[int] = set()
    taken_rows: set[int] = set()
    for _, position, index in candidates:
        if position in taken_positions or index in taken_rows:
            continue
        taken_positions.add(position)
        taken_rows.add(index)
        yield position, rows[index]


class _CardValues(NamedTuple):
    """What a draft sets on its card row, in column order."""

    deck_id: int
    identity: str
    definition_key: str
    direction: str
    context: str  # JSON
    topic: str
    front: str
    back: str
    front_plain: str
    back_plain: str
    source_line: int
    position: int


_INSERT_CARD = (
    f"INSERT INTO cards ({', '.join(_CardValues._fields)}, id, source_file, created_at, updated_at) "
    f"VALUES ({', '.join('?' * (len(_CardValues._fields) + 4))})"
)
_UPDATE_CARD = (
    f"UPDATE cards SET {', '.join(f'{column} = ?' for column in _CardValues._fields)}, status = ?, "
    "updated_at = coalesce(?, updated_at) WHERE id = ?"
)


def _write_cards(connection: Connection, inserts: list[tuple[object, ...]], updates: list[tuple[object, ...]]) -> None:
    """Bulk statements straight to the driver: no per-row SQLAlchemy work at 100k cards."""
    if inserts:
        connection.exec_driver_sql(_INSERT_CARD, inserts)
    if updates:
        connection.exec_driver_sql(_UPDATE_CARD, updates)


def _card_values(draft: CardDraft, position: int, deck_id: int, context_json: str) -> _CardValues:
    return _CardValues(
        deck_id, draft.key, draft.definition_key, draft.direction.value,
        context_json, draft.context[0] if draft.context else "",
        draft.front, draft.back, draft.front_plain, draft.back_plain, draft.line, position,
    )


def _content_changed(row: Row, values: _CardValues) -> bool:
    return (row.front, row.back, row.context) != (values.front, values.back, values.context)


def _place_changed(row: Row, values: _CardValues) -> bool:
    return (row.identity, row.source_line, row.position, row.deck_id) != (
        values.identity, values.source_line, values.position, values.deck_id,
    )


def _new_id() -> str:
    return secrets.token_hex(6)


def _resolve_deck(
    connection: Connection, source: str, name: str, reverse_option: bool | None
) -> tuple[int, bool]:
    """The deck a file feeds: remembered by path, renamed when its title (or --deck) changes."""

    def sql(statement: str, *params: object) -> Any:
        return connection.exec_driver_sql(statement, params)

    by_name = sql("SELECT id, reverse FROM decks WHERE name = ?", name).first()
    remembered = sql(
        "SELECT d.id, d.name FROM decks d JOIN source_files f ON f.deck_id = d.id WHERE f.path = ?", source
    ).first()
    if remembered is not None and remembered.name != name and by_name is None:
        sharing = sql("SELECT count(*) FROM source_files WHERE deck_id = ?", remembered.id).scalar_one()
        if sharing == 1:  # the deck is this file's alone: rename it, cards and all
            sql("UPDATE decks SET name = ? WHERE id = ?", name, remembered.id)
            by_name = sql("SELECT id, reverse FROM decks WHERE id = ?", remembered.id).first()
    if by_name is None:
        reverse = bool(reverse_option)
        deck_id = sql(
            "INSERT INTO decks (name, reverse, created_at) VALUES (?, ?, ?)", name, reverse, clock.timestamp()
        ).lastrowid
    else:
        deck_id, reverse = by_name.id, bool(by_name.reverse)
        if reverse_option is not None and reverse_option != reverse:
            sql("UPDATE decks SET reverse = ? WHERE id = ?", reverse_option, deck_id)
            reverse = reverse_option
    if remembered is not None and remembered.id != deck_id:
        sql("UPDATE cards SET deck_id = ? WHERE source_file = ?", deck_id, source)
        sql("UPDATE reviews SET deck_id = ? WHERE card_id IN (SELECT id FROM cards WHERE source_file = ?)", deck_id, source)
    return deck_id, reverse


def _remember_file(
    connection: Connection, source: str, deck_id: int, content_hash: str, warnings: str, now: str
) -> None:
    connection.exec_driver_sql(
        "INSERT INTO source_files (path, deck_id, content_hash, warnings, imported_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (path) DO UPDATE SET deck_id = excluded.deck_id, content_hash = excluded.content_hash, "
        "warnings = excluded.warnings, imported_at = excluded.imported_at",
        (source, deck_id, content_hash, warnings, now),
    )
