"""The exam domains notes files declare in their front matter, kept per file (the
`exam_declarations` table, which `exam` reads). Apart from `exam` so that an import, which
writes them, does not load the exam machinery; and the profiles are read only for a file
that has front matter to read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from mlsflash.storage import declarations as table
from mlsflash.storage.declarations import Declared

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
    rows: list[Declared] = []
    for profile in (load(name) for name in profile_ids()):
        declaration, found = declared(meta, profile)
        problems += found
        if declaration is None:
            continue
        if declaration.default is not None:
            rows.append(Declared(source, profile.id, "", declaration.default))
        rows += [Declared(source, profile.id, heading, domain) for heading, domain in declaration.sections.items()]
    table.add(connection, rows)
    return problems


def forget(connection: Connection, sources: Iterable[str]) -> None:
    table.forget(connection, sources)
