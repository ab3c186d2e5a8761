"""Sync notes files into the store: identity, update, move/rename, retire, revive.

Everything is read and parsed first; then one write transaction applies every file, so
an error anywhere writes nothing. Matching works on (identity key, definition key) rows
read and written in bulk through `storage.files`, `storage.decks` and `storage.cards`.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import os
import secrets
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple, Sequence

from mlsflash import clock
from mlsflash.errors import MlsflashError
from mlsflash.model import deck_key, deck_spelling, strip_invisible
from mlsflash.notes.drafts import CardDraft, ParsedNotes, ParseOptions
from mlsflash.storage import cards as card_table
from mlsflash.storage import decks as deck_table
from mlsflash.storage import files as file_table
from mlsflash.storage.cards import CardValues, CardWrites, KnownCard
from mlsflash.storage.catalog import decks as decks_by_age
from mlsflash.testhook import pause_at

if TYPE_CHECKING:
    from mlsflash.notes.identity import Bullet, DeckCard, Plan, StoredCard
    from mlsflash.notes.parser import Chunk, ChunkResult
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection
    from mlsflash.storage.decks import StoredDeck

MAX_NOTES_BYTES = 32 * 1024 * 1024
NOTES_SUFFIXES = (".md", ".markdown")
BUNDLED_PREFIX = "<bundled>/"
PARSER_VERSION = "9"  # part of the unchanged-file hash: bump when parsing rules change


@dataclass
class FileReport:
    path: str
    deck: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0  # cards that came here from another file or deck, history and all
    retired: int = 0
    revived: int = 0
    skipped: list[str] = field(default_factory=list)  # "file:line: reason"
    notices: list[str] = field(default_factory=list)
    moved_cards: list[str] = field(default_factory=list)  # "front: old place -> new place"
    repeats: dict[str, int] = field(default_factory=dict)  # other file -> bullets here that repeat its cards
    gone: bool = False  # the file disappeared from an imported folder
    bank: bool = False  # a question bank file: its counts are items, its skipped lines items


@dataclass
class ImportReport:
    files: list[FileReport]
    dry_run: bool = False
    notices: list[str] = field(default_factory=list)  # about the import as a whole

    def total(self, attribute: str) -> int:
        return sum(getattr(report, attribute) for report in self.files)


@dataclass(frozen=True)
class NotesFile:
    source: str  # what the store remembers: an absolute path, or <bundled>/name.md
    display: str  # what the user is shown
    text: str
    digest: str


@dataclass(frozen=True)
class DeckSettings:
    """The options a deck remembers: they shape its cards, so they are part of a file's hash."""

    reverse: bool = False
    prose: bool = False
    tables: bool = True

    @property
    def parse_options(self) -> ParseOptions:
        return ParseOptions(prose=self.prose, tables=self.tables)


@dataclass(frozen=True)
class DeckFlags:
    """`--reverse`, `--prose`, `--tables` as given: None keeps what the deck remembers."""

    reverse: bool | None = None
    prose: bool | None = None
    tables: bool | None = None

    def over(self, settings: DeckSettings) -> DeckSettings:
        return DeckSettings(
            reverse=settings.reverse if self.reverse is None else self.reverse,
            prose=settings.prose if self.prose is None else self.prose,
            tables=settings.tables if self.tables is None else self.tables,
        )


@dataclass(frozen=True)
class DeckOption:
    """`--deck NAME` or `--deck-from-heading` as given for the files named: a file imported
    with `--deck` stays in that deck, import after import, until one of them says otherwise."""

    name: str | None = None
    from_heading: bool = False

    def over(self, pinned: str | None) -> str | None:
        """The deck a file goes to by option (None: its heading, else its file name), given the
        deck it was put in with `--deck` before, if any."""
        if self.name is not None:
            return self.name
        return None if self.from_heading else pinned


class _Stored(NamedTuple):
    """What the store remembers of a notes file for its next import."""

    content_hash: str | None  # None: a renamed file's record, not yet imported under its path
    settings: DeckSettings  # its deck's options
    pinned: str | None  # the name of its deck, if `--deck` chose it


# --- reading ---------------------------------------------------------------------------


@dataclass
class Collected:
    files: list[Path]
    notices: list[str]  # a file or folder reached under two paths: read once
    sources: list[str]  # each file's real path: what the store remembers it by


def collect_files(paths: Sequence[str | os.PathLike[str]]) -> Collected:
    """Files named directly, plus `*.md` / `*.markdown` found recursively in folders; a file
    or folder reached twice (a symlink, a path given twice) is read once, with a notice."""
    files: list[tuple[Path, str]] = []  # with its real path
    notices: list[str] = []
    walked: dict[str, Path] = {}  # real folder -> the path it was first reached by
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = list(_notes_in_folder(path, walked, notices))
            if not found and not _reached_before(path, walked):
                raise MlsflashError(
                    f"no Markdown notes (*.md, *.markdown) in folder {path}",
                    hint="point import at a notes file or a folder that holds some",
                )
            files.extend(found)
        elif path.is_file():
            files.append((path, os.path.realpath(path)))
        elif path.exists():  # reading a FIFO (`/dev/stdin` of a pipe) would wait for a writer forever
            raise MlsflashError(
                f"{path} is {_special_kind(path)}, not a notes file or folder",
                hint="notes must be a file or a folder (save piped text to a .md file first); nothing was imported",
            )
        elif path.is_symlink():
            raise MlsflashError(f"{path} is a broken symbolic link")
        else:
            raise MlsflashError(f"no such file or folder: {path}", hint="check the path; nothing was imported")
    unique: dict[str, Path] = {}
    for file, real in files:
        first = unique.setdefault(real, file)
        if first is not file and first != file:
            notices.append(f"{file} is {first} reached by another path: read once")
    return Collected(list(unique.values()), notices, list(unique))


def _special_kind(path: Path) -> str:
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"


def folders_of(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The folders among `paths`, resolved: files that vanished from them retire their cards."""
    return [Path(path).resolve() for path in paths if Path(path).is_dir()]


def _reached_before(folder: Path, walked: dict[str, Path]) -> bool:
    return walked.get(os.path.realpath(folder)) not in (None, folder)


def _notes_in_folder(folder: Path, walked: dict[str, Path], notices: list[str]) -> Iterator[tuple[Path, str]]:
    """Notes under `folder` with their real paths, following symbolic links; a link back to a
    folder being walked is a loop (an error), a folder already walked under another path is
    skipped with a notice."""
    if _is_walked(folder, walked, notices):
        return
    for root, dirs, names in os.walk(folder, followlinks=True):
        real_root = os.path.realpath(root)
        kept: list[str] = []
        # Real folders claim their place before links to them at the same level.
        for name in sorted(dirs, key=lambda name: (os.path.islink(os.path.join(root, name)), name)):
            path = Path(root) / name
            real = os.path.realpath(path)
            if name.startswith("."):
                continue
            if real_root == real or real_root.startswith(real.rstrip(os.sep) + os.sep):
                raise MlsflashError(f"symbolic link loop under {folder} (at {path})", hint="remove the looping link")
            if not _is_walked(path, walked, notices):
                kept.append(name)
        dirs[:] = sorted(kept)
        for name in sorted(names):
            if name.lower().endswith(NOTES_SUFFIXES) and not name.startswith("."):
                path = Path(root) / name
                if not path.exists():  # a link whose target moved: the rest of the folder still imports
                    notices.append(f"{path} is a broken symbolic link: skipped")
                    continue
                if not path.is_file():  # a FIFO would wait for a writer forever
                    notices.append(f"{path} is not a regular file (a pipe, a device or a socket): skipped")
                    continue
                # The folder's real path is known: only a link needs resolving (a folder of 20,000
                # files spent a second in realpath's lstat of every component).
                yield path, os.path.realpath(path) if os.path.islink(path) else os.path.join(real_root, name)


def _is_walked(folder: Path, walked: dict[str, Path], notices: list[str]) -> bool:
    real = os.path.realpath(folder)
    first = walked.setdefault(real, folder)
    if first == folder:
        return False
    notices.append(f"{folder} is {first} reached by another path: read once")
    return True


def read_notes(path: Path, *, source: str | None = None, display: str | None = None) -> NotesFile:
    """A notes file read and checked; `source` is its real path (or a bundled deck's name)."""
    source = source or str(path.resolve())
    shown = display or _display_path(path, source)
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
        encoding = _utf16_encoding(data)
        if encoding is not None:
            raise MlsflashError(
                f"{shown} is UTF-16 text, not UTF-8",
                hint="save it as UTF-8 (in your editor's Save As, encoding UTF-8; "
                f"or: iconv -f {encoding.upper()} -t UTF-8 OLD.md > NEW.md)",
            )
        raise MlsflashError(f"{shown} is a binary file, not Markdown notes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MlsflashError(
            f"{shown} is not valid UTF-8 (byte offset {error.start}: {data[error.start:error.start + 1]!r})",
            hint="save the file as UTF-8",
        ) from None
    return NotesFile(
        source=source,
        display=shown,
        text=text,
        digest=hashlib.sha256(data).hexdigest(),
    )


def _utf16_encoding(data: bytes) -> str | None:
    """The UTF-16 that `data` is written in: a byte-order mark, or (some tools write none) a
    zero byte in nearly every other position, the others not zero; and it decodes. Else None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        sample = data[: 8192 - 8192 % 2]
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        half = len(sample) // 2
        if odd >= 0.9 * half and even <= 0.1 * half:
            encoding = "utf-16le"
        elif even >= 0.9 * half and odd <= 0.1 * half:
            encoding = "utf-16be"
        else:
            return None
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding


def _display_path(path: Path, real: str | None = None) -> str:
    """Relative to the current folder when the file's real path is under it, else as given."""
    real = real or str(path.resolve())
    here = os.path.join(os.getcwd(), "")
    return real[len(here):] if real.startswith(here) else str(path)


def bundled_decks_dir() -> Path:
    """`mlsflash/decks` inside an installed wheel, else `decks/` of the checkout."""
    package_dir = Path(__file__).resolve().parent.parent  # mlsflash/, above notes/
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
    prose: bool | None = None,
    tables: bool | None = None,
    dry_run: bool = False,
    parsing: Parsing | None = None,
    folders: Sequence[Path] = (),
    deck_from_heading: bool = False,
    banks: Sequence[str] = (),
) -> ImportReport:
    """Sync every file in one transaction; a file whose content and options are unchanged is
    not even parsed. Parsing happens before the write lock is taken. Cards of files that
    disappeared from `folders` retire, unless their bullets moved into an imported file.
    `reverse`, `prose` and `tables` (None: as the deck remembers) are remembered per deck;
    `deck` per file, until another `deck` or `deck_from_heading`. `banks`: the sources of
    question bank files in this import; one imported as notes before is gone as notes."""
    flags = DeckFlags(reverse, prose, tables)
    option = DeckOption(deck, deck_from_heading)
    with store.read() as connection:
        stored = _stored_files(connection, [file.source for file in notes])
    hashes = {file.source: _hash_against(file, stored.get(file.source), option, flags) for file in notes}
    options = {file.source: _options_under(stored.get(file.source), flags) for file in notes}
    from mlsflash.notes.parser import no_cyclic_gc  # also what the sync allocates: no cycles, millions of objects

    with no_cyclic_gc():
        parsed = parse_files([file for file in notes if not hashes[file.source][1]], parsing, options)
        pause_at("import:parsed")
        return _import_parsed(
            store, notes, parsed, option=option, flags=flags, dry_run=dry_run, folders=folders, banks=banks
        )


def reimport_source(store: Store, source: str) -> ImportReport:
    """Import one known notes file again (after `e` in review), as `mlsflash import FILE` would:
    into the deck `--deck` put it in, else its heading's; every card keeps its id and schedule."""
    if source.startswith(BUNDLED_PREFIX):
        raise MlsflashError(
            "the bundled decks ship inside mlsflash and are not edited in place",
            hint="write your own notes and import them: mlsflash import NOTES.md",
        )
    return import_notes(store, [read_notes(Path(source))])


@dataclass
class _FileSync:
    """One notes file being synced: where its cards go and what it said."""

    file: NotesFile
    order: int
    parsed: ParsedNotes
    content_hash: str
    deck_id: int
    deck_name: str
    deck_pinned: bool  # `--deck` chose the deck: remembered for the next import
    report: FileReport


def _import_parsed(
    store: Store,
    notes: Sequence[NotesFile],
    parsed: dict[str, ParsedNotes],
    *,
    option: DeckOption,
    flags: DeckFlags,
    dry_run: bool,
    folders: Sequence[Path],
    banks: Sequence[str] = (),
) -> ImportReport:
    from mlsflash.notes.parser import parse_notes

    with store.write(bulk=True) as connection:
        stored = _stored_files(connection, [file.source for file in notes])
        files_by_source = {file.source: file for file in notes}
        hashes = {file.source: _hash_against(file, stored.get(file.source), option, flags) for file in notes}
        chosen = {file.source: _chosen_deck(stored.get(file.source), option) for file in notes}
        changed = {file.source for file in notes if not hashes[file.source][1]}
        gone = _gone_sources(connection, folders, {file.source for file in notes})
        turned = file_table.known_among(connection, banks)  # notes once, a question bank now: no cards
        gone |= turned
        gone |= _left_behind(connection, notes, parsed, changed, gone)
        renamed = _renamed_from(connection, notes, parsed, changed, gone, stored)
        old_records = _stored_files(connection, list(renamed.values()))
        for source, old in renamed.items():
            if (record := old_records.get(old)) is not None:
                stored[source] = record._replace(content_hash=None)
                hashes[source] = _hash_against(files_by_source[source], stored[source], option, flags)
                chosen[source] = _chosen_deck(stored[source], option)
        named = list(notes)
        # The deck is the unit of identity: its files that were not named are read as well, so
        # a bullet another file of the deck still holds keeps its card.
        deck_names = _DeckNames(connection)
        extra, vanished = _deck_files(connection, notes, parsed, changed, gone, chosen, deck_names)
        notes = [*notes, *extra]
        gone |= vanished
        extra_stored = _stored_files(connection, [file.source for file in notes[len(named):]])
        for file in notes[len(named):]:  # not named: each stays where it was put, --deck or not
            hashes[file.source] = _hash_against(file, extra_stored.get(file.source), DeckOption(), flags)
            chosen[file.source] = _chosen_deck(extra_stored.get(file.source), DeckOption())
            if not hashes[file.source][1]:
                changed.add(file.source)
        copies = _copies(connection, notes)
        syncs: list[_FileSync] = []
        decks = _DeckChoice(connection, chosen, flags, copies, deck_names, renamed)
        # Bullets in path order, whichever files were named: a card's answer and home file do
        # not depend on how the import was typed. Originals before their copies, so a copy can
        # join its original's deck.
        rank = {file.source: number for number, file in enumerate(sorted(notes, key=lambda file: file.source))}
        for file in sorted(notes, key=lambda file: file.source in copies):
            order = rank[file.source] + (len(notes) if file.source in copies else 0)  # a copy never comes first
            if file.source in changed:
                result = parsed.get(file.source) or parse_notes(
                    file.text, options=_guess_options(connection, file.source, flags)
                )
                syncs.append(decks.sync(file, order, result, hashes[file.source][0]))
        # An unchanged file whose deck takes part must be read too: its bullets share the keys,
        # and may be all that is left of a vanished file's (a deleted copy's) cards.
        involved = {sync.deck_id for sync in syncs} | _remembered_decks(connection, sorted(changed | gone))
        unchanged = [file.source for file in notes if file.source not in changed]
        deck_of = file_table.deck_ids(connection, unchanged) if involved else {}
        rereads = [file for file in notes if file.source not in changed and deck_of.get(file.source) in involved]
        known = _stored_files(connection, [file.source for file in rereads])
        for file in rereads:
            order = rank[file.source] + (len(notes) if file.source in copies else 0)
            result = parse_notes(file.text, options=_options_under(known.get(file.source), flags))
            syncs.append(decks.sync(file, order, result, hashes[file.source][0]))
        reverse_of = {deck_id: settings.reverse for deck_id, settings in decks.settings_of.items()}
        synced = {sync.file.source for sync in syncs}
        reports = {sync.file.source: sync.report for sync in syncs}
        reports.update(_unchanged_reports(connection, [file for file in notes if file.source not in synced]))
        gone_reports = _sync_cards(connection, syncs, reverse_of, gone) if syncs or gone else []
        _forget_gone(connection, gone)
        ordered = [reports[file.source] for file in notes] + gone_reports
        if dry_run:
            connection.rollback()
        pause_at("import:written-before-commit")
    pause_at("import:committed")
    retired = {report.path: report.retired for report in gone_reports}
    notices = decks.joined + [_turned_notice(_gone_display(source), retired.get(_gone_display(source), 0))
                              for source in turned]
    return ImportReport(files=ordered, dry_run=dry_run, notices=notices)


def _deck_files(
    connection: Connection, notes: Sequence[NotesFile], parsed: dict[str, ParsedNotes], changed: set[str],
    gone: set[str], chosen: dict[str, str | None], deck_names: _DeckNames,
) -> tuple[list[NotesFile], set[str]]:
    """The other files, still on disk, of the decks that changed files fed or now feed, and of
    vanished files: read again with the named ones; and those files of the decks that are no
    longer on disk, gone as a file gone from an imported folder is (a file renamed while its
    heading was, imported by its new name: its cards are matched, not left beside new ones)."""
    from mlsflash.notes.parser import parse_notes

    decks = _remembered_decks(connection, sorted(changed | gone))
    for file in notes:
        if file.source in changed:
            name = _deck_name(file, parsed.get(file.source) or parse_notes(file.text), chosen[file.source])
            deck_id = deck_names.find(name)
            if deck_id is not None:
                decks.add(deck_id)
    if not decks:
        return [], set()
    named = {file.source for file in notes} | gone
    extra: list[NotesFile] = []
    vanished: set[str] = set()
    for source in file_table.of_decks(connection, decks):
        if source in named or source.startswith(BUNDLED_PREFIX):
            continue
        if not os.path.exists(source):
            vanished.add(source)
            continue
        if not os.path.isfile(source):
            continue
        try:
            extra.append(read_notes(Path(source)))
        except MlsflashError:
            continue  # unreadable now: its cards stay as they are
    return extra, vanished


def _left_behind(
    connection: Connection, notes: Sequence[NotesFile], parsed: dict[str, ParsedNotes], changed: set[str],
    gone: set[str],
) -> set[str]:
    """Known files no longer on disk, in any deck, that hold a bullet (term and definition) a
    changed file now holds: the file was renamed into it (its `#` title may have changed too,
    so its deck), and is gone as a file gone from an imported folder is. A file still on disk
    never is: a copy imported alone does not take the original's cards."""
    from mlsflash.notes import identity
    from mlsflash.notes.parser import parse_notes

    if not changed:
        return set()
    named = {file.source for file in notes} | gone
    missing = [
        source for source in file_table.all_paths(connection)
        if source not in named and not source.startswith(BUNDLED_PREFIX) and not os.path.exists(source)
    ]
    if not missing:
        return set()
    held = {
        identity.term_and_definition(draft.key, draft.definition_key)
        for file in notes if file.source in changed
        for draft in (parsed.get(file.source) or parse_notes(file.text)).drafts
    }
    rows = card_table.live_of_sources(connection, missing)
    return {
        row.source_file for row in rows.values()
        if identity.term_and_definition(row.identity, row.definition_key) in held
    }


def _renamed_from(
    connection: Connection, notes: Sequence[NotesFile], parsed: dict[str, ParsedNotes], changed: set[str],
    gone: set[str], stored: dict[str, _Stored],
) -> dict[str, str]:
    """New paths -> the gone file each was renamed from: the one whose live bullets it holds
    most of, each gone file taken once. A renamed file then keeps what its old path
    remembered, as a file imported again under its own path does: the deck `--deck` put it
    in, and its deck (renamed with a retitle), so its deck's `--reverse` cards too."""
    from collections import Counter

    from mlsflash.notes import identity
    from mlsflash.notes.parser import parse_notes

    fresh = [file for file in notes if file.source in changed and stored.get(file.source) is None]
    if not fresh or not gone:
        return {}
    holders: dict[tuple[str, str], set[str]] = {}
    for row in card_table.live_of_sources(connection, sorted(gone)).values():
        holders.setdefault(identity.term_and_definition(row.identity, row.definition_key), set()).add(row.source_file)
    taken: set[str] = set()
    renamed: dict[str, str] = {}
    for file in sorted(fresh, key=lambda file: file.source):
        held = Counter(
            source
            for draft in (parsed.get(file.source) or parse_notes(file.text)).drafts
            for source in holders.get(identity.term_and_definition(draft.key, draft.definition_key), ())
            if source not in taken
        )
        if held:
            source = min(held, key=lambda source: (-held[source], source))
            taken.add(source)
            renamed[file.source] = source
    return renamed


def _copies(connection: Connection, notes: Sequence[NotesFile]) -> dict[str, NotesFile]:
    """Files whose bytes equal another's in this import -> that other (the original): the
    file mlsflash already knows, else the first."""
    by_digest: dict[str, list[NotesFile]] = {}
    for file in notes:
        by_digest.setdefault(file.digest, []).append(file)
    copies: dict[str, NotesFile] = {}
    for group in by_digest.values():
        if len(group) < 2:
            continue
        known = [file for file in group if file_table.deck_of(connection, file.source) is not None]
        original = (known or group)[0]
        copies.update((file.source, original) for file in group if file is not original)
    return copies


class _DeckNames:
    """The decks by key (`model.deck_key`), read once per import: a name finds the oldest deck
    of its key (a database from before the rule may hold two)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._ids: dict[str, int] | None = None

    def find(self, name: str) -> int | None:
        if self._ids is None:
            self._ids = {}
            for deck in decks_by_age(self.connection):
                self._ids.setdefault(deck_key(deck.name), deck.id)
        return self._ids.get(deck_key(name))

    def added(self, name: str, deck_id: int) -> None:
        if self._ids is not None:
            self._ids.setdefault(deck_key(name), deck_id)

    def renamed(self) -> None:
        self._ids = None  # rare (a retitle): read again when next asked


class _DeckChoice:
    """Resolves each synced file's deck; a copy of another file joins the original's deck."""

    def __init__(
        self, connection: Connection, chosen: dict[str, str | None], flags: DeckFlags,
        copies: dict[str, NotesFile], deck_names: _DeckNames, renamed: dict[str, str],
    ) -> None:
        self.connection = connection
        self.renamed = renamed  # a new path -> the gone file it was renamed from
        self.chosen = chosen  # source -> the deck --deck put it in (None: its heading's)
        self.flags = flags
        self.copies = copies
        self.names = deck_names
        self.settings_of: dict[int, DeckSettings] = {}
        self.deck_names: dict[str, str] = {}  # source -> deck name chosen in this import
        self.joined: list[str] = []  # files whose deck name is another spelling of an existing deck's

    def sync(self, file: NotesFile, order: int, parsed: ParsedNotes, content_hash: str) -> _FileSync:
        from mlsflash.notes.parser import parse_notes

        original = self.copies.get(file.source)
        pinned = self.chosen.get(file.source)
        deck_name = _deck_name(file, parsed, pinned)
        if original is not None and pinned is None:
            stored = file_table.deck_of(self.connection, original.source)
            deck_name = self.deck_names.get(original.source) or (stored.name if stored else None) or deck_name
        remembered_as = self.renamed.get(file.source, file.source)  # a renamed file: its old path's deck
        deck_id, settings, stored_name = _resolve_deck(
            self.connection, remembered_as, deck_name, self.flags, self.names
        )
        if stored_name != deck_name:
            self.joined.append(
                f"{file.display}: deck {deck_name!r} joins deck {stored_name!r} (deck names ignore case and spacing)"
            )
        deck_name = stored_name
        self.settings_of[deck_id] = settings
        self.deck_names[file.source] = deck_name
        if parsed.options != settings.parse_options:  # parsed before its deck was known: read as the deck says
            parsed = parse_notes(file.text, options=settings.parse_options)
        report = FileReport(path=file.display, deck=deck_name)
        report.skipped = [f"{file.display}:{warning.line}: {warning.reason}" for warning in parsed.warnings]
        if original is not None:
            report.notices.append(f"{file.display} has the same content as {original.display}: one set of cards")
        return _FileSync(file, order, parsed, content_hash, deck_id, deck_name, pinned is not None, report)


def _deck_name(file: NotesFile, parsed: ParsedNotes, chosen: str | None) -> str:
    return deck_spelling(chosen or parsed.title or _file_deck_name(Path(file.display)))


def _file_deck_name(path: Path) -> str:
    """The deck named by a file without a title: its name without control or invisible
    characters (as a heading's), and never blank (` .md`), so `--deck` can name it."""
    return deck_spelling(strip_invisible(path.stem)) or deck_spelling(strip_invisible(path.name))


def _sync_cards(
    connection: Connection, syncs: Sequence[_FileSync], reverse_of: dict[int, bool], gone: set[str]
) -> list[FileReport]:
    """Match every synced file's bullets against the stored cards of their decks (and of the
    imported and vanished files), then write the result in bulk."""
    from mlsflash.notes import identity

    bullets = _deck_bullets(syncs, reverse_of)
    wanted = identity.deck_cards(bullets.items())
    retirable = {sync.file.source for sync in syncs} | gone
    stored = card_table.of_decks_and_sources(connection, set(bullets), retirable)
    stored.update(_retired_elsewhere(connection, wanted, set(bullets)))
    plan = identity.plan(wanted, [_as_stored(row) for row in stored.values()],
                         lambda card: card.source_file in retirable)
    in_plan = {card.id for card in (*plan.continues.values(), *plan.retire, *plan.drop)}
    hand_overs = identity.hand_over(plan.retire, _fresh_elsewhere(connection, plan.retire, in_plan))

    by_source = {sync.file.source: sync for sync in syncs}
    gone_reports = {source: FileReport(path=_gone_display(source), deck="", gone=True) for source in sorted(gone)}
    reports = {**{source: sync.report for source, sync in by_source.items()}, **gone_reports}
    now = clock.timestamp()
    writer = _CardWriter(now)
    _place_bullets(writer, wanted, plan, stored, by_source)
    _retire_vanished(writer, plan, {leaving.id for leaving, _ in hand_overs}, reports)
    _carry_suspensions(writer, wanted, plan, by_source)
    _hand_over_histories(writer, hand_overs, stored, reports)
    card_table.write(connection, writer.writes)
    _save_declarations(connection, syncs)
    _remember_files(connection, syncs, now)
    return list(gone_reports.values())


def _deck_bullets(syncs: Sequence[_FileSync], reverse_of: dict[int, bool]) -> dict[int, list[Bullet]]:
    """Each deck's bullets, file by file, with their reverse cards where the deck asks for them
    (the bullets a reverse card cannot be made of are reported skipped)."""
    from mlsflash.notes.identity import Bullet
    from mlsflash.notes.parser import with_reverse

    bullets: dict[int, list[Bullet]] = {}
    for sync in syncs:
        drafts = sync.parsed.drafts
        if reverse_of[sync.deck_id]:
            both = with_reverse(sync.parsed)
            drafts = both.drafts
            sync.report.skipped += [
                f"{sync.file.display}:{warning.line}: {warning.reason}"
                for warning in both.warnings[len(sync.parsed.warnings):]
            ]
        bullets.setdefault(sync.deck_id, []).extend(
            Bullet(sync.file.source, sync.order, position, draft) for position, draft in enumerate(drafts)
        )
    return bullets


def _place_bullets(
    writer: _CardWriter, wanted: Sequence[DeckCard], plan: Plan, stored: dict[str, KnownCard],
    by_source: dict[str, _FileSync],
) -> None:
    """Each wanted card: a new card, or the card it continues updated (revived, moved, changed
    or as it was), counted in its file's report."""
    for index, card in enumerate(wanted):
        draft = card.draft
        values = _card_values(draft, card.first.position, card.deck_id)
        report = by_source[card.first.source].report
        _note_repeats(card, by_source)
        row = plan.continues.get(index)
        if row is None:
            report.added += 1
            writer.insert(values, card.first.source)
            continue
        previous = stored[row.id]
        moved = previous.source_file != card.first.source or previous.deck_id != card.deck_id
        content_changed = _content_changed(previous, values)
        if row.status == "retired":
            report.revived += 1
        elif moved:
            report.moved += 1
            report.moved_cards.append(
                f"{_one_line(draft.front_plain)}: {_gone_display(previous.source_file)}:{previous.source_line} -> "
                f"{report.path}:{draft.line}"
            )
        elif content_changed or previous.identity != values.identity:
            report.updated += 1
        else:
            report.unchanged += 1
        writer.update(previous, values, card.first.source, content_changed)


def _retire_vanished(writer: _CardWriter, plan: Plan, handed: set[str], reports: dict[str, FileReport]) -> None:
    """Cards no bullet continues retire, counted in their file's report, except those `handed`
    over to a fresh card's place; fresh cards whose bullet an older card continues go."""
    for vanished in plan.retire:
        source = vanished.source_file
        report = reports.setdefault(source, FileReport(path=_gone_display(source), deck=""))
        if vanished.id in handed:
            continue
        report.retired += 1
        writer.retire(vanished.id)
    writer.drop(fresh.id for fresh in plan.drop)


def _carry_suspensions(
    writer: _CardWriter, wanted: Sequence[DeckCard], plan: Plan, by_source: dict[str, _FileSync]
) -> None:
    """A suspended card merged into another (two decks became one) leaves it suspended, and says
    so when it was not."""
    for index, merged in plan.merged:
        into = plan.continues[index]
        if merged.status != "suspended":
            continue
        if into.status != "suspended":
            by_source[wanted[index].first.source].report.notices.append(
                f"{_one_line(wanted[index].draft.front_plain)}: suspended, as the card of "
                f"{_gone_display(merged.source_file)} merged into it was"
            )
        writer.keep_suspension(merged.id, into.id)  # a leech mark too


def _hand_over_histories(
    writer: _CardWriter, hand_overs: Sequence[tuple[StoredCard, StoredCard]], stored: dict[str, KnownCard],
    reports: dict[str, FileReport],
) -> None:
    """A leaving card takes the place of the fresh card its bullet became elsewhere."""
    for leaving, fresh in hand_overs:
        reports[leaving.source_file].notices.append(
            f"{_one_line(stored[leaving.id].front_plain)}: its history follows the bullet to "
            f"{_gone_display(fresh.source_file)} (imported before as a new card)"
        )
        writer.hand_over(leaving.id, fresh.id)


def _remember_files(connection: Connection, syncs: Sequence[_FileSync], now: str) -> None:
    """Each synced file's deck, hash and skipped bullets, for its next import."""
    for sync in syncs:
        skipped = [(warning.line, warning.reason) for warning in sync.parsed.warnings]
        file_table.remember(
            connection, sync.file.source, sync.deck_id, sync.deck_pinned, sync.content_hash, skipped, now
        )


PARALLEL_MIN_BYTES = 256 * 1024


# A worker holds every markdown-it token of the slice it parses: about 70 bytes of memory per
# byte of notes. Slices of at most 1 MiB keep each worker near 100 MiB whatever the file's size.
MAX_SLICE_BYTES = 1024 * 1024


def _parts(size: int, workers: int, total: int) -> int:
    """How many slices a file of `size` bytes is cut into: its share of the workers, and enough
    slices that none exceeds MAX_SLICE_BYTES."""
    return max(1, round(workers * size / total), -(-size // MAX_SLICE_BYTES))


def worker_count() -> int:
    """How many processes parse a large import: one per core, at most eight."""
    return min(os.cpu_count() or 1, 8)


class Parsing:
    """Notes being parsed in worker processes, one per core, each file cut at headings (the
    result equals parsing it whole: see parser.split_chunks). Started before the database is
    opened, so the two overlap."""

    def __init__(
        self, files: Sequence[NotesFile], start_method: str | None = None,
        options: dict[str, ParseOptions] | None = None,
    ) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from mlsflash.notes.parser import split_chunks

        workers = worker_count()
        total = sum(len(file.text) for file in files) or 1
        self._texts = {file.source: file.text for file in files}
        self._options = {file.source: (options or {}).get(file.source, ParseOptions()) for file in files}
        self._jobs = [
            (file.source, chunk)
            for file in files
            for chunk in split_chunks(file.text, _parts(len(file.text), workers, total), self._options[file.source])
        ]
        context = multiprocessing.get_context(start_method or _start_method())
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)
        self._futures = [self._pool.submit(_parse_in_worker, chunk) for _, chunk in self._jobs]

    def results(self) -> dict[str, ParsedNotes]:
        from concurrent.futures.process import BrokenProcessPool

        from mlsflash.notes.parser import merge_chunks, parse_notes

        by_file: dict[str, list[Any]] = {}
        try:
            for (source, chunk), future in zip(self._jobs, self._futures, strict=True):
                by_file.setdefault(source, []).append((chunk, future.result()))
        except BrokenProcessPool:
            self.close()
            raise MlsflashError(
                "a process parsing the notes was killed (out of memory?); nothing was imported",
                hint="close other programs and import again",
            ) from None
        self.close()
        parsed: dict[str, ParsedNotes] = {}
        for source, pairs in by_file.items():
            merged = merge_chunks([chunk for chunk, _ in pairs], [result for _, result in pairs])
            # A cut that markdown-it did not confirm: parse that file whole.
            parsed[source] = (
                merged if merged is not None else parse_notes(self._texts[source], options=self._options[source])
            )
        return parsed

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _start_method() -> str:
    """fork on Linux (the workers inherit the imported parser); spawn where fork is missing
    or unsafe (Windows, macOS)."""
    import multiprocessing
    import sys

    return "fork" if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods() else "spawn"


# What a worker's last parse left behind. A multiprocessing worker ends with os._exit, which
# frees nothing: objects kept here until then are never freed one by one. One parse's worth.
_kept_by_worker: list[object] = []


def _parse_in_worker(chunk: Chunk) -> ChunkResult:
    from mlsflash.notes.parser import parse_chunk

    pause_at("parse:chunk")
    return parse_chunk(chunk, keep=_kept_by_worker)


def _worker_start() -> None:
    """In each parse worker: no cyclic GC (as in parser.no_cyclic_gc), and death with the parent.

    A worker waits for jobs on a queue and would wait forever, holding the terminal's stderr,
    if the import were killed. multiprocessing hands every worker a sentinel: a pipe whose
    other end only the parent (and siblings forked after it, which die the same way) hold.
    A thread watches it and ends the worker the moment it reads end-of-file."""
    import multiprocessing
    import threading

    gc.disable()
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def parse_files(
    files: Sequence[NotesFile], parsing: Parsing | None = None, options: dict[str, ParseOptions] | None = None
) -> dict[str, ParsedNotes]:
    """Parse notes files (with `options` per source, default ones otherwise): taken from
    `parsing` when it has them, on every core when the job is large, else here."""
    from mlsflash.notes.parser import parse_notes

    wanted = {file.source: (options or {}).get(file.source, ParseOptions()) for file in files}
    parsed = parsing.results() if parsing is not None else {}
    missing = [
        file for file in files if file.source not in parsed or parsed[file.source].options != wanted[file.source]
    ]
    if sum(len(file.text) for file in missing) >= PARALLEL_MIN_BYTES and (os.cpu_count() or 1) > 1:
        parsed.update(Parsing(missing, options=wanted).results())
    else:
        parsed.update((file.source, parse_notes(file.text, options=wanted[file.source])) for file in missing)
    return {file.source: parsed[file.source] for file in files}


@contextmanager
def early_parsing(
    files: Sequence[NotesFile], db_path: Path, deck: str | None, reverse: bool | None,
    prose: bool | None = None, tables: bool | None = None, deck_from_heading: bool = False,
) -> Iterator[Parsing | None]:
    """Start parsing the files that will need it before SQLAlchemy is even imported. Which
    ones do, and with which options, is read before the store is opened
    (`storage.files.remembered_at`, read-only); an unknown, new or unreadable database simply
    means: parse everything with the options given (or the defaults)."""
    flags = DeckFlags(reverse, prose, tables)
    option = DeckOption(deck, deck_from_heading)
    stored = _as_stored_files(file_table.remembered_at(db_path, [file.source for file in files]))
    needed = [file for file in files if not _hash_against(file, stored.get(file.source), option, flags)[1]]
    if (os.cpu_count() or 1) < 2 or sum(len(file.text) for file in needed) < PARALLEL_MIN_BYTES:
        yield None
        return
    options = {file.source: _options_under(stored.get(file.source), flags) for file in needed}
    parsing = Parsing(needed, options=options)
    try:
        yield parsing
    finally:
        parsing.close()


def _stored_files(connection: Connection, sources: Sequence[str]) -> dict[str, _Stored]:
    """What the store remembers of each known file."""
    return _as_stored_files(file_table.remembered(connection, sources))


def _as_stored_files(remembered: dict[str, file_table.RememberedFile]) -> dict[str, _Stored]:
    return {
        path: _Stored(row.content_hash, DeckSettings(bool(row.reverse), bool(row.prose), bool(row.tables)), row.pinned)
        for path, row in remembered.items()
    }


def _hash_against(
    file: NotesFile, stored: _Stored | None, option: DeckOption, flags: DeckFlags
) -> tuple[str, bool]:
    """The hash of the file and of the options that shape its cards (the deck's remembered
    settings and the file's remembered --deck unless an option is given); and whether it is
    the stored one."""
    stored_hash, settings, pinned = stored if stored is not None else (None, DeckSettings(), None)
    effective = flags.over(settings)
    deck = option.over(pinned)
    content_hash = hashlib.sha256(
        f"{file.digest}|{deck or ''}|{effective.reverse}|{effective.prose}|{effective.tables}|{PARSER_VERSION}".encode()
    ).hexdigest()
    return content_hash, content_hash == stored_hash


def _chosen_deck(stored: _Stored | None, option: DeckOption) -> str | None:
    """The deck `--deck` puts the file in, now or remembered from before; None: its heading's."""
    return option.over(stored.pinned if stored else None)


def _guess_options(connection: Connection, source: str, flags: DeckFlags) -> ParseOptions:
    """The parse options of the deck a file fed last time (defaults for a new file), under the
    flags given. Only a guess: the file's deck is settled after parsing, and a file parsed with
    options its deck does not have is parsed again (see _DeckChoice.sync)."""
    return _options_under(_stored_files(connection, [source]).get(source), flags)


def _options_under(stored: _Stored | None, flags: DeckFlags) -> ParseOptions:
    return flags.over(stored.settings if stored is not None else DeckSettings()).parse_options


def _unchanged_reports(connection: Connection, files: Sequence[NotesFile]) -> dict[str, FileReport]:
    """The report of each file not synced (unchanged, its deck not involved): its deck, the
    bullets it skipped last time and its live cards."""
    sources = [file.source for file in files]
    last = file_table.last_imports(connection, sources)
    live = card_table.live_counts(connection, sources)
    reports = {}
    for file in files:
        deck_name, skipped = last[file.source]
        report = FileReport(path=file.display, deck=deck_name, unchanged=live.get(file.source, 0))
        report.skipped = [f"{file.display}:{line}: {reason}" for line, reason in skipped]
        reports[file.source] = report
    return reports


class _CardWriter:
    """Collects the import's card writes, for `storage.cards.write` to send in bulk."""

    def __init__(self, now: str) -> None:
        self.now = now
        self._ids = _card_ids()
        self.writes = CardWrites(now)

    def insert(self, values: CardValues, source: str) -> None:
        self.writes.inserts.append((*values, source, self.now, self.now, next(self._ids)))

    def update(self, row: KnownCard, values: CardValues, source: str, content_changed: bool) -> None:
        if not (content_changed or row.status == "retired" or _place_changed(row, values, source)):
            return
        status = row.status
        if row.status == "retired":
            status = "suspended" if row.retired_suspended else "active"
        self.writes.updates.append((*values, source, status, self.now if content_changed else None, row.id))
        if (row.deck_id, row.topic) != (values.deck_id, values.topic):
            self.writes.regrouped.append((values.deck_id, values.topic, row.id))

    def retire(self, card_id: str) -> None:
        self.writes.retired.append((self.now, card_id))

    def drop(self, card_ids: Iterable[str]) -> None:
        """Fresh cards whose bullet an older card continues: they go (retired if answered)."""
        self.writes.dropped.extend((card_id,) for card_id in card_ids)

    def keep_suspension(self, merged_id: str, card_id: str) -> None:
        """`merged_id` (suspended) retires into `card_id`, which is suspended as it was."""
        self.writes.suspended.append((merged_id, card_id))

    def hand_over(self, leaving_id: str, fresh_id: str) -> None:
        """The leaving card takes the fresh card's place (deck, key, text, file); the fresh goes."""
        self.writes.dropped.append((fresh_id,))
        self.writes.handed.append((fresh_id, self.now, leaving_id))


def _card_values(draft: CardDraft, position: int, deck_id: int) -> CardValues:
    return CardValues(
        deck_id, draft.key, draft.definition_key, draft.direction.value, draft.context_json, draft.topic,
        draft.front, draft.back, draft.front_plain, draft.back_plain, draft.line, position,
    )


def _content_changed(row: KnownCard, values: CardValues) -> bool:
    return (row.front, row.back, row.context) != (values.front, values.back, values.context)


def _place_changed(row: KnownCard, values: CardValues, source: str) -> bool:
    return (row.identity, row.source_line, row.position, row.deck_id, row.source_file) != (
        values.identity, values.source_line, values.position, values.deck_id, source,
    )


def _card_ids() -> Iterator[str]:
    """Card ids, read from the system's random source a thousand at a time."""
    while True:
        yield from _new_ids(1024)


def _new_ids(count: int) -> list[str]:
    """`count` card ids (12 hex digits), from one read of the system's random source."""
    text = secrets.token_bytes(6 * count).hex()
    return [text[start:start + 12] for start in range(0, 12 * count, 12)]


def _resolve_deck(
    connection: Connection, source: str, name: str, flags: DeckFlags, deck_names: _DeckNames
) -> tuple[int, DeckSettings, str]:
    """The deck a file feeds (its id, options and stored name): remembered by path, renamed
    when its title (or --deck) changes; a name differing only in case or spacing from an
    existing deck's is that deck."""

    def deck(deck_id: int | None) -> StoredDeck | None:
        return deck_table.deck(connection, deck_id) if deck_id is not None else None

    by_name = deck(deck_names.find(name))
    remembered = file_table.deck_of(connection, source)
    if remembered is not None and remembered.name != name and (by_name is None or by_name.id == remembered.id):
        # The deck is this file's alone: rename it, cards and all (unless an older database
        # holds another deck spelled so).
        if file_table.count_of_deck(connection, remembered.id) == 1 and not deck_table.name_taken(connection, name):
            deck_table.rename(connection, remembered.id, name)
            deck_names.renamed()
            by_name = deck(remembered.id)
    if by_name is None:
        # A file leaving its deck for a new one (a retitle of a deck other files still feed)
        # takes the deck's options along: its --reverse cards move with it instead of retiring.
        left = deck(remembered.id) if remembered is not None else None
        settings = flags.over(_settings_of(left) if left is not None else DeckSettings())
        deck_id = deck_table.create(
            connection, name, settings.reverse, settings.prose, settings.tables, clock.timestamp()
        )
        deck_names.added(name, deck_id)
        return deck_id, settings, name
    deck_id, stored = by_name.id, _settings_of(by_name)
    settings = flags.over(stored)
    if settings != stored:
        deck_table.set_options(connection, deck_id, settings.reverse, settings.prose, settings.tables)
    return deck_id, settings, by_name.name


def _settings_of(row: StoredDeck) -> DeckSettings:
    return DeckSettings(reverse=bool(row.reverse), prose=bool(row.prose), tables=bool(row.tables))


def _retired_elsewhere(connection: Connection, wanted: Sequence[DeckCard], deck_ids: set[int]) -> dict[str, KnownCard]:
    """Retired cards of other decks sharing a definition with a bullet of this import: one may
    be the bullet's old card (moved to another deck, its old file imported first)."""
    if not card_table.any_retired_outside(connection, deck_ids):
        return {}
    return card_table.retired_with_definitions(connection, {card.draft.definition_key for card in wanted})


def _fresh_elsewhere(connection: Connection, leaving: Sequence[StoredCard], known: set[str]) -> list[StoredCard]:
    """Never-answered live cards this import leaves alone (`known` are the ones it handles)
    sharing a definition with a leaving card."""
    if not leaving:
        return []
    rows = card_table.fresh_with_definitions(connection, {card.definition_key for card in leaving})
    return [_as_stored(row) for card_id, row in rows.items() if card_id not in known]


def _as_stored(row: KnownCard) -> StoredCard:
    from mlsflash.notes.identity import StoredCard

    return StoredCard(row.id, row.deck_id, row.identity, row.definition_key, row.direction, row.status,
                      row.source_file, row.position, fresh=row.due is None and row.status == "active")


def _gone_sources(connection: Connection, folders: Sequence[Path], present: set[str]) -> set[str]:
    """Files once imported from under `folders` that no longer exist."""
    gone: set[str] = set()
    for folder in folders:
        for source in file_table.known_under(connection, str(folder.resolve()).rstrip(os.sep) + os.sep):
            if source not in present and not os.path.exists(source):
                gone.add(source)
    return gone


def _save_declarations(connection: Connection, syncs: Sequence[_FileSync]) -> None:
    """The exam domains each file declares in its front matter (see `declarations`)."""
    from mlsflash.notes import declarations
    from mlsflash.notes.parser import front_matter

    for sync in syncs:
        problems = declarations.save(connection, sync.file.source, front_matter(sync.file.text))
        sync.report.notices += [f"{sync.file.display}: front matter {problem}" for problem in problems]


def _forget_gone(connection: Connection, gone: set[str]) -> None:
    """A vanished file is forgotten, and so is a deck left with no card and no file."""
    if gone:
        from mlsflash.notes import declarations

        file_table.forget(connection, gone)
        declarations.forget(connection, gone)
    deck_table.forget_empty(connection)


def _remembered_decks(connection: Connection, sources: Sequence[str]) -> set[int]:
    return set(file_table.deck_ids(connection, sources).values())


def _turned_notice(display: str, retired: int) -> str:
    """What became of a notes file's cards when it turned question bank: a bullet that another
    file now holds keeps its card there."""
    if retired:
        return f"{display} is a question bank now: its cards retire"
    return f"{display} is a question bank now: its cards moved to other files"


def _gone_display(source: str) -> str:
    return _display_path(Path(source)) if not source.startswith(BUNDLED_PREFIX) else source


def _note_repeats(card: DeckCard, by_source: dict[str, _FileSync]) -> None:
    """Bullets that repeat a card from another file are one card with it: say so once per file
    pair (a whole copy of a file is already said)."""
    for repeat in card.repeats:
        if repeat.source == card.first.source or by_source[repeat.source].report.notices:
            continue
        report = by_source[repeat.source].report
        original = by_source[card.first.source].file.display
        report.repeats[original] = report.repeats.get(original, 0) + 1


def _one_line(text: str) -> str:
    """A multi-line front (a reverse card of a list) on one report line."""
    return " / ".join(line.strip() for line in text.splitlines() if line.strip())
