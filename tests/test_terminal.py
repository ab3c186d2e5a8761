"""`mlsflash review` in a real pseudo-terminal (pexpect). Crashes and concurrency: tests/reliability/."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, answer_in_terminal, write_notes

pexpect = pytest.importorskip("pexpect")

NOTES = "# Deck\n## Letters\n" + "".join(
    f"* **{name}** - letter {name.lower()}\n" for name in ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
)


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    environment = {
        **os.environ,
        "MLSFLASH_DB": str(tmp_path / "mlsflash.db"),
        "MLSFLASH_NOW": NOW,
        "NO_COLOR": "1",
        "TERM": "xterm",
    }
    environment.pop("MLSFLASH_DEBUG", None)
    notes = write_notes(tmp_path, "notes.md", NOTES)
    mlsflash(environment, "import", str(notes))
    return environment


def mlsflash(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlsflash", *args], env=environment, capture_output=True, text=True, timeout=60
    )


def spawn_review(environment: dict[str, str]):
    return pexpect.spawn(
        sys.executable, ["-m", "mlsflash", "review"], env=environment, dimensions=(24, 80),
        encoding="utf-8", timeout=20,
    )


def rows(environment: dict[str, str], query: str) -> list[tuple]:
    with sqlite3.connect(environment["MLSFLASH_DB"]) as connection:
        return connection.execute(query).fetchall()


def reveal_and_grade(child, front: str, answer: str, grade: str) -> None:
    answer_in_terminal(child, grade, front=front, answer=answer)


def test_single_keys_redrill_undo_and_quit(terminal_env):
    child = spawn_review(terminal_env)
    reveal_and_grade(child, "Alpha", "letter alpha", "2")  # forgotten: comes back today
    reveal_and_grade(child, "Beta", "letter beta", "5")
    reveal_and_grade(child, "Gamma", "letter gamma", "4")
    reveal_and_grade(child, "Delta", "letter delta", "4")
    reveal_and_grade(child, "Epsilon", "letter epsilon", "4")
    child.expect_exact("re-drill")
    reveal_and_grade(child, "Alpha", "letter alpha", "5")  # the re-drill passes
    child.expect_exact("All done for now")
    child.send("u")  # undo the re-drill: Alpha is asked again
    child.expect_exact("Undone:")
    child.expect_exact("Space/Enter show answer")
    child.send("q")
    child.expect_exact("Reviewed 5 card(s) in 5 answer(s), 80% correct")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(terminal_env, "SELECT grade, kind FROM reviews ORDER BY id") == [
        (2, "scheduled"), (5, "scheduled"), (4, "scheduled"), (4, "scheduled"), (4, "scheduled"),
    ]
    assert rows(terminal_env, "SELECT repetitions, easiness, interval, due FROM cards WHERE front_plain='Alpha'") == [
        (0, 218, 1, "2026-11-27")
    ]


def test_ctrl_c_prints_the_summary_and_exits_130(terminal_env):
    child = spawn_review(terminal_env)
    reveal_and_grade(child, "Alpha", "letter alpha", "5")
    child.expect_exact("Beta")
    child.sendintr()
    child.expect_exact("Reviewed 1 card(s)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
