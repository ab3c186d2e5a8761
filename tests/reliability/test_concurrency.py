"""Several mlsflash processes on one database: all succeed, no answer lost or doubled."""

from __future__ import annotations

import subprocess

import pytest
from conftest import answer_in_terminal
from reliability_helpers import command, dump, environment, integrity, mlsflash

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


def test_other_commands_while_the_first_import_fills_a_new_database(tmp_path):
    """The first import into a new database runs in the rollback journal (see storage.db.Store):
    a command started meanwhile waits for it or reads around it, and fails on no lock."""
    import sqlite3
    import time

    db = tmp_path / "mlsflash.db"
    env = environment(db)
    first = subprocess.Popen(command("import", str(notes(tmp_path, "big.md", "Big", 20_000))), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (db.exists() and "alembic_version" in db.read_bytes().decode("latin-1")) and time.monotonic() < deadline:
        time.sleep(0.01)
    others = [
        mlsflash(env, "stats", "--json"),
        mlsflash(env, "import", str(notes(tmp_path, "small.md", "Small", 30))),
        mlsflash(env, "decks"),
    ]
    _, errors = first.communicate(timeout=120)
    assert first.returncode == 0, errors
    for result in others:
        assert result.returncode == 0, result.stderr
        assert "locked" not in result.stderr + result.stdout
    assert len(dump(db)["cards"]) == 20_030
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert integrity(db) == "ok"
