"""Which commands may create the database, and how storage failures are named.

Read commands and `import --dry-run` never create a database; `review` and `import` do, and
say so. Storage errors are classified by SQLite error code, never by message text.
A read-only database: tests/reliability/test_read_only.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import write_notes

READ_COMMANDS = [
    ["stats"], ["stats", "--json"], ["export"], ["backup"], ["check"], ["cards"], ["decks"], ["config"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_a_read_command_on_a_mistyped_path_creates_nothing(run, tmp_path: Path, args: list[str]) -> None:
    mistyped = tmp_path / "typo" / "mlsflahs.db"
    result = run("--db", mistyped, *args, code=1)
    assert result.stderr.splitlines()[0] == f"Error: no database at {mistyped}"
    assert result.stderr.splitlines()[1].startswith("Hint: ") and "mlsflash import" in result.stderr
    assert not mistyped.parent.exists()


def test_import_dry_run_on_a_mistyped_path_creates_nothing(run, tmp_path: Path) -> None:
    notes = write_notes(tmp_path, "notes.md", "# Deck\n* **Alpha** - a\n")
    mistyped = tmp_path / "typo" / "mlsflahs.db"
    result = run("--db", mistyped, "import", notes, "--dry-run", code=1)
    assert f"Error: no database at {mistyped}" in result.stderr
    assert not mistyped.parent.exists()


def test_review_on_a_new_path_creates_it_and_says_so(run, tmp_path: Path) -> None:
    fresh = tmp_path / "new" / "cards.db"
    result = run("--db", fresh, "review", input="q\n")
    assert f"Created a new database at {fresh}" in result.stdout
    assert "loading the bundled" in result.stdout
    assert fresh.is_file()


def test_import_on_a_new_path_creates_it_and_says_so(run, tmp_path: Path) -> None:
    notes = write_notes(tmp_path, "notes.md", "# Deck\n* **Alpha** - a\n")
    fresh = tmp_path / "new" / "cards.db"
    result = run("--db", fresh, "import", notes)
    assert f"Created a new database at {fresh}" in result.stderr
    assert fresh.is_file()
    assert "Created" not in run("--db", fresh, "import", notes).stderr  # only the first time


# --- storage errors are classified by SQLite's error code -------------------------------------


def _sqlite_error(code: int, name: str, message: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("code", "name", "message", "expected"),
    [
        # the messages are deliberately misleading: only the code may decide
        (sqlite3.SQLITE_FULL, "SQLITE_FULL", "database is locked", "the disk is full"),
        (sqlite3.SQLITE_READONLY, "SQLITE_READONLY", "disk I/O error", "cannot write database"),
        (sqlite3.SQLITE_BUSY, "SQLITE_BUSY", "attempt to write a readonly database", "is busy"),
        (sqlite3.SQLITE_CORRUPT, "SQLITE_CORRUPT", "database is locked", "is corrupt"),
        (sqlite3.SQLITE_NOTADB, "SQLITE_NOTADB", "unable to open database file", "is corrupt"),
        (sqlite3.SQLITE_READONLY_DIRECTORY, "SQLITE_READONLY_DIRECTORY", "malformed", "cannot write database"),
        # a hot journal in a read-only place: reading is refused too, so no hint that it works
        (sqlite3.SQLITE_READONLY_ROLLBACK, "SQLITE_READONLY_ROLLBACK", "disk I/O error", "must be rolled back first"),
    ],
)
def test_storage_errors_are_classified_by_code_not_message(
    tmp_path: Path, code: int, name: str, message: str, expected: str
) -> None:
    from mlsflash.storage.db import storage_error

    db = tmp_path / "cards.db"
    error = storage_error(db, _sqlite_error(code, name, message))
    assert expected in error.message
    assert str(db) in error.message
    assert name in error.message
    if code == sqlite3.SQLITE_READONLY_ROLLBACK:
        assert "read commands" not in (error.hint or "") and "writable" in (error.hint or "")


def test_a_wrapped_sqlalchemy_error_is_classified_by_its_driver_code(tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    from mlsflash.storage.db import storage_error

    wrapped = OperationalError("INSERT ...", (), _sqlite_error(sqlite3.SQLITE_FULL, "SQLITE_FULL", "whatever"))
    assert "the disk is full" in storage_error(tmp_path / "x.db", wrapped).message


# --- a full disk in the middle of a review ---------------------------------------------------

FIVE = "# Deck\n" + "".join(f"* **Card {n}** - answer {n}\n" for n in range(5))


def test_a_full_disk_ends_review_with_the_summary_and_keeps_the_answers(
    run, tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlsflash.storage import reviews
    from mlsflash.storage.db import Connection

    run("import", write_notes(tmp_path, "notes.md", FIVE))
    real_execute, calls = Connection.execute, {"inserts": 0}

    def full_on_the_third_answer(connection, sql, params=()):  # type: ignore[no-untyped-def]
        if sql == reviews._INSERT_REVIEW:
            calls["inserts"] += 1
            if calls["inserts"] == 3:
                raise _sqlite_error(sqlite3.SQLITE_FULL, "SQLITE_FULL", "database or disk is full")
        return real_execute(connection, sql, params)

    monkeypatch.setattr(Connection, "execute", full_on_the_third_answer)
    result = run("review", input="5\n5\n5\n5\n5\n", code=1)
    assert "Reviewed 2 card(s) in 2 answer(s)" in result.stdout
    assert f"Error: cannot write database {env}: the disk is full" in result.stderr
    with sqlite3.connect(env) as connection:
        assert connection.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
        assert connection.execute("SELECT count(*) FROM cards WHERE due IS NOT NULL").fetchone()[0] == 2
