"""Shared fixtures: a private database and a fixed clock per test, and a CLI runner.

- `env`: MLSFLASH_DB points at a fresh file under tmp_path (its folder does not exist
  yet) and MLSFLASH_NOW pins the clock to NOW; returns the database path.
- `run("import", path, ...)`: invokes the Typer app in-process with CliRunner and
  returns the Result (`.stdout` and `.stderr` are separate). It asserts the exit code
  (0 unless `code=` says otherwise); unexpected exceptions propagate with their traceback.
- `export()`: the cards as `mlsflash export --format json` prints them.
- `write_notes(directory, name, text)`: a notes file written byte-exact (CRLF kept).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest
from typer.testing import CliRunner, Result

NOW = "2026-11-26T10:00"
SHARED = Path(__file__).resolve().parents[2] / "shared"  # the learners' notes beside the repository


def missing_shared(reason: str) -> None:
    """Skip a test that needs ../shared, saying why (`-ra` prints it); with
    MLSFLASH_REQUIRE_SHARED=1 (CI with ../shared present), fail instead."""
    if os.environ.get("MLSFLASH_REQUIRE_SHARED") == "1":
        pytest.fail(f"{reason}, and MLSFLASH_REQUIRE_SHARED=1 requires it", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_shared(path): skipped (or failed, see missing_shared) without path")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs_shared"):
        path = Path(mark.args[0])
        if not path.exists():
            missing_shared(f"{path} is not present")


def rows(db: Path, query: str, *params: Any) -> list[tuple]:
    """The rows a query returns, read straight from the database file."""
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return connection.execute(query, params).fetchall()
    finally:
        connection.close()


def write_notes(directory: Path, name: str, text: str) -> Path:
    """Write `text` as UTF-8 to directory/name (parents created), newlines untranslated."""
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database path of our own and a fixed 'now' for every command this test runs."""
    db = tmp_path / "data" / "mlsflash.db"
    monkeypatch.setenv("MLSFLASH_DB", str(db))
    monkeypatch.setenv("MLSFLASH_NOW", NOW)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("MLSFLASH_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    return db


RunCli = Callable[..., Result]


@pytest.fixture
def run(env: Path) -> RunCli:
    from mlsflash.cli import app

    runner = CliRunner()

    def invoke(*args: str | os.PathLike[str], input: str | None = None, code: int | None = 0) -> Result:
        result = runner.invoke(app, [str(arg) for arg in args], input=input, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (
                f"mlsflash {' '.join(map(str, args))} exited {result.exit_code}, expected {code}\n"
                f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
            )
        return result

    return invoke


@pytest.fixture
def export(run: RunCli) -> Callable[..., list[dict[str, Any]]]:
    def cards(*args: str) -> list[dict[str, Any]]:
        return json.loads(run("export", "--format", "json", *args).stdout)

    return cards


def answer_in_terminal(child: Any, grade: str, *, front: str | None = None, answer: str | None = None) -> None:
    """On the review screen in a pseudo-terminal: wait for the card, Space to reveal, one key to grade."""
    if front is not None:
        child.expect_exact(front)
    child.expect_exact("Space/Enter show answer")
    child.send(" ")
    if answer is not None:
        child.expect_exact(answer)
    child.expect_exact("grade:")
    child.send(grade)


def sums_from_the_log(db: Path) -> dict[tuple, tuple]:
    """What review_days should hold, added up here in Python from every answer."""
    sums: dict[tuple, list[int]] = {}
    for day, deck, topic, kind, grade, before, ms in rows(
        db, "SELECT study_day, deck_id, topic, kind, grade, interval_before, duration_ms FROM reviews"
    ):
        scheduled = kind == "scheduled"
        mature = scheduled and before >= 21
        added = (1, ms, scheduled, scheduled and grade >= 3, mature, mature and grade >= 3)
        entry = sums.setdefault((day, deck, topic), [0] * 6)
        for index, value in enumerate(added):
            entry[index] += int(value)
    return {key: tuple(entry) for key, entry in sums.items()}


def kept_sums(db: Path) -> dict[tuple, tuple]:
    return {row[:3]: row[3:] for row in rows(db, "SELECT * FROM review_days")}
