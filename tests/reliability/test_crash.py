"""kill -9 at awkward moments: nothing committed is lost, nothing half-done remains."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import answer_in_terminal
from reliability_helpers import (
    children_of,
    command,
    dump,
    environment,
    integrity,
    kill_9_and_list_survivors,
    mlsflash,
    revision,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import write_notes as write_generated_notes  # noqa: E402

pexpect = pytest.importorskip("pexpect")


@pytest.fixture
def studied(tmp_path):
    """A database with cards and a few answers in it."""
    db = tmp_path / "mlsflash.db"
    env = environment(db)
    notes = tmp_path / "notes.md"
    notes.write_text("# Small\n" + "".join(f"* **Card {n}** - answer {n}\n" for n in range(8)), encoding="utf-8")
    assert mlsflash(env, "import", str(notes)).returncode == 0
    assert mlsflash(env, "review", stdin="5\n4\n3\n").returncode == 0
    return db, env


@pytest.mark.parametrize("answers", [1, 3])
def test_kill_9_during_a_review_keeps_every_answer_given(studied, answers):
    """With 3: killed while the review waits for the fourth answer, the three survive."""
    db, env = studied
    before = len(dump(db)["reviews"])
    child = pexpect.spawn(command("review")[0], command("review")[1:], env=env, encoding="utf-8", timeout=20)
    for _ in range(answers):
        answer_in_terminal(child, "4")
    child.expect_exact("Space/Enter show answer")
    child.kill(signal.SIGKILL)
    child.close(force=True)
    assert len(dump(db)["reviews"]) == before + answers
    assert integrity(db) == "ok"
    assert mlsflash(env, "check").returncode == 0


def test_kill_9_during_a_large_import_leaves_the_database_as_it_was(studied, tmp_path):
    from mlsflash.parser import parse_notes

    db, env = studied
    big = write_generated_notes(tmp_path / "big.md", 10)
    big_cards = len(parse_notes(big.read_text(encoding="utf-8")).drafts)
    before = dump(db)
    for delay in (0.2, 0.6, 1.0, 1.4, 1.8, 2.4):
        process = subprocess.Popen(command("import", str(big)), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        assert kill_9_and_list_survivors(process, children_of(process.pid)) == []
        assert integrity(db) == "ok"
        now = dump(db)
        if now != before:  # the kill came after the commit: then all of the import is there
            assert len(now["cards"]) == len(before["cards"]) + big_cards, f"killed after {delay}s"
            assert set(before["cards"]) <= set(now["cards"]) and now["reviews"] == before["reviews"]
            break
    finished = mlsflash(env, "import", str(big))
    assert finished.returncode == 0 and integrity(db) == "ok"
    assert len(dump(db)["cards"]) == len(before["cards"]) + big_cards


def test_kill_9_during_the_first_import_into_a_new_database(tmp_path):
    """A new database takes its first import in the rollback journal (see storage.db.Store):
    killed at any moment, the next command finds no cards or all of them, never a torn file."""
    from mlsflash.parser import parse_notes

    big = write_generated_notes(tmp_path / "big.md", 10)
    big_cards = len(parse_notes(big.read_text(encoding="utf-8")).drafts)
    outcomes = set()
    for delay in (0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.2, 1.8):
        db = tmp_path / f"new-{delay}.db"
        env = environment(db)
        process = subprocess.Popen(command("import", str(big)), env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        assert kill_9_and_list_survivors(process, children_of(process.pid)) == []
        looked = mlsflash(env, "stats", "--json")  # read-only: the first look after the kill
        assert "Traceback" not in looked.stderr, looked.stderr
        if looked.returncode != 0:  # killed before the schema was committed
            assert "no database" in looked.stderr, looked.stderr
            outcomes.add("no database")
            continue
        assert integrity(db) == "ok"
        cards = len(dump(db)["cards"])
        assert cards in (0, big_cards), f"killed after {delay}s"
        outcomes.add(cards)
    finished = mlsflash(environment(db), "import", str(big))
    assert finished.returncode == 0 and integrity(db) == "ok"
    assert len(dump(db)["cards"]) == big_cards
    assert outcomes & {0, "no database"}, "no kill came before the import's commit"


def first_revision_database(path: Path, reviews: int) -> None:
    """The kept first-revision fixture, made large enough that its upgrade takes a while."""
    shutil.copy(ROOT / "tests" / "fixtures" / "rev0001.db", path)
    with sqlite3.connect(path) as connection:
        card = connection.execute("SELECT id FROM cards LIMIT 1").fetchone()[0]
        connection.executemany(
            "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, repetitions_before, "
            "easiness_before, interval_before, due_before, lapses_before, status_before, leech_before, "
            "repetitions_after, easiness_after, interval_after, due_after, lapses_after) "
            "VALUES (?, '2026-01-01T09:00:00', ?, 4, 'scheduled', 1000, 0, 250, 0, NULL, 0, 'active', 0, 1, 250, 1, "
            "'2026-01-02', 0)",
            ((card, f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}") for n in range(reviews)),
        )


def test_kill_9_during_a_schema_upgrade_leaves_a_database_the_next_run_upgrades(tmp_path):
    from mlsflash.storage.db import HEAD_REVISION

    db = tmp_path / "old.db"
    first_revision_database(db, 300_000)
    env = environment(db)
    rows_before = {table: len(rows) for table, rows in dump(db).items() if table != "alembic_version"}
    seen = set()
    for delay in (0.4, 0.7, 0.9, 1.1, 1.3, 1.6):
        process = subprocess.Popen(command("decks"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
        state = revision(db)
        assert state in ("0001_initial", HEAD_REVISION)
        assert integrity(db) == "ok"
        seen.add(state)
        if state == HEAD_REVISION:
            break
    assert mlsflash(env, "decks").returncode == 0
    assert revision(db) == HEAD_REVISION
    rows_after = {table: len(rows) for table, rows in dump(db).items() if table in rows_before}
    assert rows_after == rows_before
    assert mlsflash(env, "check").returncode == 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_of_an_import_leaves_no_worker_process_behind(tmp_path):
    """The parse workers notice their parent's death through a pipe and exit within a second;
    before, they waited on their job queue forever, holding stderr open."""
    db = tmp_path / "mlsflash.db"
    env = environment(db)
    big = write_generated_notes(tmp_path / "big.md", 40)
    process = subprocess.Popen(command("import", str(big)), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    workers: set[int] = set()
    deadline = time.monotonic() + 20
    while not workers and time.monotonic() < deadline:
        workers = children_of(process.pid)
        time.sleep(0.02)
    assert workers, "the import started no worker processes"
    time.sleep(0.3)  # let them start parsing
    assert kill_9_and_list_survivors(process, workers) == []
    assert process.stderr.read() == b""  # reaching end-of-file means no worker holds stderr open
