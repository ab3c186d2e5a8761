"""Several mlsflash processes on one database: all succeed, no answer lost or doubled."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import answer_in_terminal
from reliability_helpers import command, dump, environment, integrity, mlsflash, paused_at, wait_for_marker

pexpect = pytest.importorskip("pexpect")


def notes(tmp_path, name: str, title: str, count: int):
    path = tmp_path / name
    path.write_text(f"# {title}\n" + "".join(f"* **{title} {n}** - answer {n}\n" for n in range(count)), encoding="utf-8")
    return path


def test_import_and_stats_while_a_review_waits_for_a_key(tmp_path):
    env = environment(tmp_path / "mlsflash.db")
    assert mlsflash(env, "import", str(notes(tmp_path, "a.md", "Alpha", 5))).returncode == 0
    child = pexpect.spawn(command("review")[0], command("review")[1:], env=env, encoding="utf-8", timeout=20)
    answer_in_terminal(child, "5", front="Alpha 0")
    child.expect_exact("Alpha 1")  # the next card is up: the review waits for a key
    others = [
        mlsflash(env, "import", str(notes(tmp_path, "b.md", "Beta", 50))),
        mlsflash(env, "stats"),
        mlsflash(env, "export"),
        mlsflash(env, "backup", str(tmp_path / "copy.db")),
    ]
    for result in others:
        assert result.returncode == 0, result.stderr
        assert "locked" not in result.stderr + result.stdout
    answer_in_terminal(child, "4")
    child.expect_exact("Space/Enter show answer")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(dump(tmp_path / "mlsflash.db")["reviews"]) == 2
    assert integrity(tmp_path / "copy.db") == "ok"


def test_two_imports_of_different_files_at_once(tmp_path):
    env = environment(tmp_path / "mlsflash.db")
    empty = tmp_path / "empty.md"
    empty.write_text("# Empty\n", encoding="utf-8")
    assert mlsflash(env, "import", str(empty)).returncode == 0  # the database exists before the race
    files = [notes(tmp_path, f"{name}.md", name, 2000) for name in ("One", "Two")]
    processes = [
        subprocess.Popen(command("import", str(path)), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in files
    ]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
    cards = dump(tmp_path / "mlsflash.db")["cards"]
    assert len(cards) == 4000


def test_two_review_sessions_at_once_record_each_answer_once(tmp_path):
    env = environment(tmp_path / "mlsflash.db")
    assert mlsflash(env, "import", str(notes(tmp_path, "a.md", "Card", 40))).returncode == 0
    answers = "4\n" * 15
    processes = [
        subprocess.Popen(command("review", "--new", "40"), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(answers, timeout=120) for process in processes]
    graded = 0
    for process, (out, errors) in zip(processes, outputs):
        assert process.returncode == 0, errors
        # each answer either landed or its card had just been answered by the other session
        assert out.count("Graded 4") + out.count("answered in another session meanwhile") == 15
        graded += out.count("Graded 4")
    reviews = dump(tmp_path / "mlsflash.db")["reviews"]
    assert len(reviews) == graded
    assert len({review[1] for review in reviews}) == graded  # one scheduled answer per card
    assert {review[5] for review in reviews} == {"scheduled"}
    assert mlsflash(env, "check").returncode == 0


def readers_while_held(env: dict[str, str], tmp_path, name: str) -> tuple[int, int]:
    """stats, decks, export and backup, each finished: the cards export and the backup saw."""
    results = [
        mlsflash(env, "stats", "--json"),
        mlsflash(env, "decks"),
        exported := mlsflash(env, "export"),
        mlsflash(env, "backup", str(tmp_path / name)),
    ]
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "locked" not in result.stderr + result.stdout
    assert integrity(tmp_path / name) == "ok"
    return len(json.loads(exported.stdout)), len(dump(tmp_path / name)["cards"])


def still_waiting(process: subprocess.Popen, marker: Path, seconds: float = 2.0) -> bool:
    """Whether `process` runs on for `seconds` without reaching the point that writes `marker`."""
    for _ in range(int(seconds / 0.05)):
        if process.poll() is not None or marker.exists():
            return False
        time.sleep(0.05)
    return True


def test_other_commands_while_the_first_import_holds_a_new_database(tmp_path):
    """The first import into a new database runs in the rollback journal (see storage.db.Store).
    Held inside its write transaction (paused there), stats, decks, export and backup run to
    their end and see no card of it; a second import waits for its commit, then writes."""
    db = tmp_path / "mlsflash.db"
    env = environment(db)
    held, second_held = tmp_path / "first.marker", tmp_path / "second.marker"
    first = subprocess.Popen(command("import", str(notes(tmp_path, "big.md", "Big", 5_000))),
                             env={**env, **paused_at("import:written-before-commit", held)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_marker(held, first)
    assert readers_while_held(env, tmp_path, "copy.db") == (0, 0)
    second = subprocess.Popen(command("import", str(notes(tmp_path, "small.md", "Small", 30))),
                              env={**env, **paused_at("import:written-before-commit", second_held)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert still_waiting(second, second_held), "the second import wrote while the first held the lock"
    assert held.exists() and first.poll() is None  # all of the above ran while the first was held
    held.unlink()  # release the first import
    _, errors = first.communicate(timeout=120)
    assert first.returncode == 0, errors
    wait_for_marker(second_held, second)  # the second writes only now, after the first's commit
    assert readers_while_held(env, tmp_path, "copy2.db") == (5_000, 5_000)
    second_held.unlink()
    _, errors = second.communicate(timeout=120)
    assert second.returncode == 0, errors
    assert "locked" not in errors
    assert len(dump(db)["cards"]) == 5_030
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert integrity(db) == "ok"


def test_a_review_waits_while_an_import_holds_its_transaction(tmp_path):
    """In WAL mode: held inside its write transaction, an import lets stats, decks, export and
    backup run to their end, seeing the cards as they were; an answer waits for its commit."""
    db = tmp_path / "mlsflash.db"
    env = environment(db)
    assert mlsflash(env, "import", str(notes(tmp_path, "a.md", "Alpha", 5))).returncode == 0
    held = tmp_path / "import.marker"
    importing = subprocess.Popen(command("import", str(notes(tmp_path, "big.md", "Big", 2_000))),
                                 env={**env, **paused_at("import:written-before-commit", held)},
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_marker(held, importing)
    assert readers_while_held(env, tmp_path, "copy.db") == (5, 5)
    answered = tmp_path / "answer.marker"
    review = subprocess.Popen(command("review"), env={**env, **paused_at("review:answer-before-commit", answered)},
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert review.stdin is not None
    review.stdin.write("4\n")
    review.stdin.flush()
    assert still_waiting(review, answered), "the answer was written while the import held the lock"
    assert held.exists() and importing.poll() is None
    held.unlink()
    _, errors = importing.communicate(timeout=120)
    assert importing.returncode == 0, errors
    wait_for_marker(answered, review)  # the answer is written only after the import's commit
    answered.unlink()
    out, errors = review.communicate(timeout=120)
    assert review.returncode == 0, errors
    assert "Graded 4" in out and "locked" not in errors
    tables = dump(db)
    assert len(tables["cards"]) == 2_005 and len(tables["reviews"]) == 1
    assert integrity(db) == "ok"
