"""The `source_files` table: each notes file an import remembers (its real path, or a bundled
deck's name), the deck it feeds, the hash of what it was imported as and the bullets it
skipped. Every function takes an open `Connection` of `Store.read()`/`write()`, except
`remembered_at`, which reads before the store is opened:
- `remembered(connection, sources) -> dict[str, RememberedFile]`, `remembered_at(path, sources)`:
  what a file's next import compares itself against;
- `last_imports(connection, sources) -> dict[str, LastImport]`: a file's deck and skipped bullets;
- `deck_of(connection, source) -> Deck | None`, `deck_ids(connection, sources) -> dict[str, int]`;
- `of_decks(connection, deck_ids) -> list[str]`, `count_of_deck(connection, deck_id) -> int`;
- `all_paths(connection)`, `known_under(connection, prefix)`, `known_among(connection, sources)`:
  the files (and the live cards' sources) the store knows;
- `remember(connection, ...)`, `forget(connection, sources)`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

from mlsflash.storage.batches import in_batches, in_batches_as, marks
from mlsflash.storage.catalog import Deck
from mlsflash.storage.predicates import NOT_RETIRED

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


class RememberedFile(NamedTuple):
    """What the store remembers of a notes file for its next import."""

    path: str
    content_hash: str | None
    reverse: int  # its deck's options, 0 or 1
    prose: int
    tables: int
    pinned: str | None  # the name of its deck, if `--deck` chose it


def _remembered_sql(count: int) -> str:
    """Each known file's stored hash, its deck's remembered options, and its deck's name if
    `--deck` chose it."""
    return (
        "SELECT f.path, f.content_hash, d.reverse, d.prose, d.tables, "
        "CASE WHEN f.deck_from_option THEN d.name END AS pinned FROM source_files f "
        f"JOIN decks d ON d.id = f.deck_id WHERE f.path IN ({marks(count)})"
    )


def remembered(connection: Connection | sqlite3.Connection, sources: Sequence[str]) -> dict[str, RememberedFile]:
    """What the store remembers of each of `sources` it knows (on a Connection or a plain sqlite3 one)."""
    return {row.path: row for row in in_batches_as(connection, _remembered_sql, sources, RememberedFile)}


def remembered_at(path: Path, sources: Sequence[str]) -> dict[str, RememberedFile]:
    """`remembered`, read from the database file at `path` before the store is opened (read-only,
    with neither SQLAlchemy nor a schema check): a missing, new or unreadable database remembers
    nothing."""
    from mlsflash.storage.db import read_only

    if not sources or not path.is_file():
        return {}
    try:
        with read_only(path) as connection:
            return remembered(connection, sources)
    except sqlite3.Error:
        return {}


class LastImport(NamedTuple):
    """A file's deck and the bullets (line, reason) it skipped at its last import."""

    deck_name: str
    skipped: list[tuple[int, str]]


def last_imports(connection: Connection, sources: Sequence[str]) -> dict[str, LastImport]:
    return {
        path: LastImport(deck_name, [(line, reason) for line, reason in json.loads(warnings)])
        for path, deck_name, warnings in in_batches(
            connection, lambda count: "SELECT f.path, d.name, f.warnings FROM source_files f "
            f"JOIN decks d ON d.id = f.deck_id WHERE f.path IN ({marks(count)})", sources,
        )
    }


def deck_of(connection: Connection, source: str) -> Deck | None:
    """The deck (id, name) a file fed when it was last imported."""
    found = connection.execute(
        "SELECT d.id, d.name FROM decks d JOIN source_files f ON f.deck_id = d.id WHERE f.path = ?", (source,)
    ).first()
    return None if found is None else Deck(*found)


def deck_ids(connection: Connection, sources: Sequence[str]) -> dict[str, int]:
    """The deck each of `sources` it knows fed when last imported."""
    return dict(in_batches(
        connection, lambda count: f"SELECT path, deck_id FROM source_files WHERE path IN ({marks(count)})", sources
    ))


def of_decks(connection: Connection, deck_ids: Iterable[int]) -> list[str]:
    """The files that feed any of `deck_ids`, in path order."""
    decks = tuple(sorted(deck_ids))
    return connection.execute(
        f"SELECT path FROM source_files WHERE deck_id IN ({marks(len(decks))}) ORDER BY path", decks
    ).scalars()


def count_of_deck(connection: Connection, deck_id: int) -> int:
    """How many files feed the deck."""
    return int(connection.execute("SELECT count(*) FROM source_files WHERE deck_id = ?", (deck_id,)).scalar_one())


def all_paths(connection: Connection) -> list[str]:
    """Every file the store remembers, in path order."""
    return connection.execute("SELECT path FROM source_files ORDER BY path").scalars()


def known_under(connection: Connection, prefix: str) -> list[str]:
    """The files remembered, and the sources of live cards, whose path starts with `prefix`
    (a folder's path ending in a separator)."""
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)  # the first string past every path in the folder
    return connection.execute(
        "SELECT path FROM source_files WHERE path >= ? AND path < ? "
        "UNION SELECT DISTINCT source_file FROM cards WHERE source_file >= ? AND source_file < ? "
        f"AND {NOT_RETIRED}",
        (prefix, after, prefix, after),
    ).scalars()


def known_among(connection: Connection, sources: Sequence[str]) -> set[str]:
    """Those of `sources` that an import of notes remembers, or whose cards still live."""
    known: set[str] = set()
    for source in sources:
        if connection.execute(
            "SELECT 1 FROM source_files WHERE path = ? UNION ALL "
            f"SELECT 1 FROM cards WHERE source_file = ? AND {NOT_RETIRED} LIMIT 1",
            (source, source),
        ).first():
            known.add(source)
    return known


def remember(
    connection: Connection, source: str, deck_id: int, pinned: bool, content_hash: str,
    skipped: Iterable[tuple[int, str]], imported_at: str,
) -> None:
    """A file as just imported: its deck (`pinned`: chosen by `--deck`), its hash and the bullets
    (line, reason) it skipped."""
    warnings = json.dumps([[line, reason] for line, reason in skipped], ensure_ascii=False)
    connection.execute(
        "INSERT INTO source_files (path, deck_id, deck_from_option, content_hash, warnings, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET deck_id = excluded.deck_id, "
        "deck_from_option = excluded.deck_from_option, content_hash = excluded.content_hash, "
        "warnings = excluded.warnings, imported_at = excluded.imported_at",
        (source, deck_id, pinned, content_hash, warnings, imported_at),
    )


def forget(connection: Connection, sources: Iterable[str]) -> None:
    """The files are no longer remembered (their cards stay as they are)."""
    rows = [(source,) for source in sources]
    if rows:
        connection.execute("DELETE FROM source_files WHERE path = ?", rows)
