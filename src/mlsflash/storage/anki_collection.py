"""The SQL of the Anki collection an export writes (Anki's own schema, the export format
itself): what genanki leaves at its defaults, set in the collection it has just written.
API (a cursor on that collection, from genanki's `write_to_db`):
- `set_day_count(cursor, created, rollover_hour)`: the collection's creation time (which
  its day count starts from) and Anki's day settings;
- `note_ids(cursor) -> dict[str, int]`: each note's id by its GUID;
- `set_note_times(cursor, mtimes)`, `set_schedules(cursor, schedules)`: per note id.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable

from mlsflash.export.apkg import REVIEW, Schedule


def set_day_count(cursor: sqlite3.Cursor, created: int, rollover_hour: int) -> None:
    """Created at `created` (a Unix time) with a creation offset of 0 (UTC), Anki v2 timing."""
    (conf,) = cursor.execute("SELECT conf FROM col").fetchone()
    settings = json.loads(conf)
    settings.update(schedVer=2, creationOffset=0, rollover=rollover_hour)
    cursor.execute("UPDATE col SET crt = ?, conf = ?", (created, json.dumps(settings)))


def note_ids(cursor: sqlite3.Cursor) -> dict[str, int]:
    return dict(cursor.execute("SELECT guid, id FROM notes"))


def set_note_times(cursor: sqlite3.Cursor, mtimes: Iterable[tuple[int, int]]) -> None:
    """(modification time, note id) pairs."""
    cursor.executemany("UPDATE notes SET mod = ? WHERE id = ?", list(mtimes))


def set_schedules(cursor: sqlite3.Cursor, schedules: Iterable[tuple[Schedule, int]]) -> None:
    """Each (schedule, note id): the note's one card becomes a review card on that schedule."""
    cursor.executemany(
        f"UPDATE cards SET type = {REVIEW}, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ? "
        "WHERE nid = ?",
        [(*planned, note_id) for planned, note_id in schedules],
    )
