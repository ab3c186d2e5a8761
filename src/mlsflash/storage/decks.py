"""The `decks` table as an import keeps it: a deck's name and the options it remembers
(`--reverse`, `--prose`, `--tables`). Every function takes an open `Connection` of `Store.write()`
(`deck` and `name_taken` of `Store.read()` too); finding decks by name is `catalog`'s:
- `deck(connection, deck_id) -> StoredDeck | None`, `name_taken(connection, name) -> bool`;
- `create(connection, name, reverse, prose, tables, created_at) -> int` (the new deck's id);
- `rename(connection, deck_id, name)`, `set_options(connection, deck_id, reverse, prose, tables)`;
- `forget_empty(connection)`: decks left with no card and no file go, with their topics' domains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from mlsflash.storage.rows import rows_as

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


class StoredDeck(NamedTuple):
    id: int
    name: str
    reverse: int  # the options it remembers, 0 or 1
    prose: int
    tables: int


def deck(connection: Connection, deck_id: int) -> StoredDeck | None:
    return next(rows_as(connection.execute(
        "SELECT id, name, reverse, prose, tables FROM decks WHERE id = ?", (deck_id,)
    ), StoredDeck), None)


def name_taken(connection: Connection, name: str) -> bool:
    """Whether a deck is spelled exactly `name`."""
    return connection.execute("SELECT 1 FROM decks WHERE name = ?", (name,)).first() is not None


def create(connection: Connection, name: str, reverse: bool, prose: bool, tables: bool, created_at: str) -> int:
    created = connection.execute(
        "INSERT INTO decks (name, reverse, prose, tables, created_at) VALUES (?, ?, ?, ?, ?)",
        (name, reverse, prose, tables, created_at),
    ).lastrowid
    assert created is not None  # an INSERT of one row always has one
    return created


def rename(connection: Connection, deck_id: int, name: str) -> None:
    connection.execute("UPDATE decks SET name = ? WHERE id = ?", (name, deck_id))


def set_options(connection: Connection, deck_id: int, reverse: bool, prose: bool, tables: bool) -> None:
    connection.execute(
        "UPDATE decks SET reverse = ?, prose = ?, tables = ? WHERE id = ?", (reverse, prose, tables, deck_id)
    )


def forget_empty(connection: Connection) -> None:
    """Decks left with no card and no file are deleted, and the domains of their topics."""
    empty = (
        "SELECT id FROM decks WHERE NOT EXISTS (SELECT 1 FROM cards WHERE cards.deck_id = decks.id) "
        "AND NOT EXISTS (SELECT 1 FROM source_files WHERE source_files.deck_id = decks.id)"
    )
    connection.execute(f"DELETE FROM exam_topic_map WHERE deck_id IN ({empty})")
    connection.execute(f"DELETE FROM decks WHERE id IN ({empty})")
