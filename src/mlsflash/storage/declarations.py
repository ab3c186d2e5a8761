"""The `exam_declarations` table: the exam domains each notes file's front matter declares
(written by the import through `mlsflash.notes.declarations`). API (an open `Connection` of `Store.write()`):
- `add(connection, rows)`: store declarations (`Declared` rows);
- `forget(connection, sources)`: drop every declaration of these notes files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, NamedTuple

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


class Declared(NamedTuple):
    """One file's declaration for one exam profile: its heading ("" for the file's default)
    counts for `domain`."""

    source_file: str
    profile: str
    heading: str
    domain: int


def add(connection: Connection, rows: list[Declared]) -> None:
    if rows:
        connection.execute(
            "INSERT INTO exam_declarations (source_file, profile, heading, domain) VALUES (?, ?, ?, ?)",
            rows,
        )


def forget(connection: Connection, sources: Iterable[str]) -> None:
    connection.execute("DELETE FROM exam_declarations WHERE source_file = ?", [(s,) for s in sources])
