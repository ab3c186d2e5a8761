"""The exam domains notes files declare in their front matter, kept per file (the
`exam_declarations` table, which `exam` reads). Apart from `exam` so that an import, which
writes them, does not load the exam machinery; and the profiles are read only for a file
that has front matter to read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


def save(connection: Connection, source: str, meta: dict[str, str]) -> list[str]:
    """Store what a notes file's front matter declares (replacing what it declared before);
    returns what could not be read, for the import report."""
    forget(connection, [source])
    if not meta:
        return []
    from mlsflash.profiles import declared, load, profile_ids

    problems: list[str] = []
    rows: list[tuple[str, str, str, int]] = []
    for profile in (load(name) for name in profile_ids()):
        declaration, found = declared(meta, profile)
        problems += found
        if declaration is None:
            continue
        if declaration.default is not None:
            rows.append((source, profile.id, "", declaration.default))
        rows += [(source, profile.id, heading, domain) for heading, domain in declaration.sections.items()]
    if rows:
        connection.execute(
            "INSERT INTO exam_declarations (source_file, profile, heading, domain) VALUES (?, ?, ?, ?)", rows
        )
    return problems


def forget(connection: Connection, sources: Iterable[str]) -> None:
    connection.execute("DELETE FROM exam_declarations WHERE source_file = ?", [(s,) for s in sources])
