"""kill -9 at awkward moments: nothing committed is lost, nothing half-done remains."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
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
    paused_at,
    revision,
    wait_for_marker,
    without_ids,
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


def test_kill_9_before_an_answer_commits_writes_nothing_of_it(studied, tmp_path):
    """Killed with the answer's card and log rows written but not committed: every row as before."""
    db, env = studied
    before = dump(db)
    marker = tmp_path / "answer.marker"
    process = subprocess.Popen(command("review"), env={**env, **paused_at("review:answer-before-commit", marker)},
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert process.stdin is not None
    process.stdin.write(b"4\n")
    process.stdin.flush()
    wait_for_marker(marker, process)
    process.kill()
    process.wait()
    assert marker.exists()  # never released: killed before the commit
    assert integrity(db) == "ok"
    assert dump(db) == before
    assert mlsflash(env, "check").returncode == 0


def import_killed_at(point: str, env: dict[str, str], notes: Path, tmp_path: Path) -> str:
    """Run `import notes`, wait until it stops at `point`, kill -9 it there and return what its
    marker said; its parse workers must not outlive it."""
    marker = tmp_path / f"{point.replace(':', '-')}.marker"
    process = subprocess.Popen(command("import", str(notes)), env={**env, **paused_at(point, marker)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    said = wait_for_marker(marker, process)
    assert kill_9_and_list_survivors(process, children_of(process.pid)) == []
    assert marker.exists()  # never released: the kill landed at `point`
    return said


def completed_import(db: Path, notes: Path, tmp_path: Path) -> dict[str, list[tuple]]:
    """Every row of a copy of `db` after an import of `notes` that ran to its end."""
    reference = tmp_path / "reference.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            shutil.copy(f"{db}{suffix}", f"{reference}{suffix}")
    assert mlsflash(environment(reference), "import", str(notes)).returncode == 0
    return dump(reference)


def new_card_ids(now: dict[str, list[tuple]], before: dict[str, list[tuple]]) -> set[object]:
    return {row[0] for row in now["cards"]} - {row[0] for row in before.get("cards", [])}


@pytest.mark.parametrize(
    ("point", "committed"),
    [("import:parsed", False), ("import:written-before-commit", False), ("import:committed", True)],
)
def test_kill_9_during_a_large_import_leaves_the_database_as_it_was(studied, tmp_path, point, committed):
    """Killed before its commit, an import leaves every row as it was; killed just after it,
    every row is as a finished import leaves them."""
    db, env = studied
    big = write_generated_notes(tmp_path / "big.md", 10)
    before = dump(db)
    after = completed_import(db, big, tmp_path)
    assert import_killed_at(point, env, big, tmp_path).startswith(point)
    assert integrity(db) == "ok"
    now = dump(db)
    if committed:
        assert without_ids(now, new_card_ids(now, before)) == without_ids(after, new_card_ids(after, before))
    else:
        assert now == before
    finished = mlsflash(env, "import", str(big))
    assert finished.returncode == 0 and integrity(db) == "ok"
    assert len(dump(db)["cards"]) == len(after["cards"])


@pytest.mark.parametrize(
    ("point", "committed"),
    [("import:parsed", False), ("import:written-before-commit", False), ("import:committed", True)],
)
def test_kill_9_during_the_first_import_into_a_new_database(tmp_path, point, committed):
    """A new database takes its first import in the rollback journal (see storage.db.Store):
    killed before the commit (a hot journal is left then), the next command finds the empty
    schema; killed after it, every card."""
    from mlsflash.storage.db import HEAD_REVISION

    big = write_generated_notes(tmp_path / "big.md", 10)
    after = completed_import(tmp_path / "none.db", big, tmp_path)
    db = tmp_path / "mlsflash.db"
    env = environment(db)
    import_killed_at(point, env, big, tmp_path)
    looked = mlsflash(env, "stats", "--json")  # read-only: the first look after the kill
    assert looked.returncode == 0 and "Traceback" not in looked.stderr, looked.stderr
    assert integrity(db) == "ok"
    now = dump(db)
    if committed:
        assert without_ids(now, new_card_ids(now, {})) == without_ids(after, new_card_ids(after, {}))
    else:
        assert {table: rows for table, rows in now.items() if rows} == {"alembic_version": [(HEAD_REVISION,)]}
    finished = mlsflash(env, "import", str(big))
    assert finished.returncode == 0 and integrity(db) == "ok"
    assert len(dump(db)["cards"]) == len(after["cards"])


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
    """Killed with every revision run but not committed, the upgrade leaves the first revision's
    database row for row; the next run upgrades it with every card and review."""
    from mlsflash.storage.db import HEAD_REVISION

    db = tmp_path / "old.db"
    first_revision_database(db, 1000)
    env = environment(db)
    before = dump(db)
    marker = tmp_path / "upgrade.marker"
    process = subprocess.Popen(command("decks"), env={**env, **paused_at("upgrade:before-commit", marker)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_marker(marker, process)
    process.kill()
    process.wait()
    assert marker.exists()  # never released: killed before the upgrade's commit
    assert revision(db) == "0001_initial"
    assert integrity(db) == "ok"
    assert dump(db) == before
    assert mlsflash(env, "decks").returncode == 0
    assert revision(db) == HEAD_REVISION
    rows_after = {table: len(rows) for table, rows in dump(db).items() if table in before}
    assert rows_after == {table: len(rows) for table, rows in before.items() if table != "alembic_version"} | {
        "alembic_version": 1
    }
    assert mlsflash(env, "check").returncode == 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_of_an_import_leaves_no_worker_process_behind(tmp_path):
    """The parse workers notice their parent's death through a pipe and exit within a second;
    before, they waited on their job queue forever, holding stderr open. Killed while its
    workers stand at the start of their chunks (paused there), the import leaves none."""
    db = tmp_path / "mlsflash.db"
    marker = tmp_path / "chunk.marker"
    env = environment(db, **paused_at("parse:chunk", marker))
    big = write_generated_notes(tmp_path / "big.md", 40)
    process = subprocess.Popen(command("import", str(big)), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert wait_for_marker(marker, process).startswith("parse:chunk")
    workers = children_of(process.pid)
    assert workers, "the import started no worker processes"
    assert int(marker.read_text(encoding="utf-8").split()[1]) in workers  # a worker wrote it, mid-parse
    assert kill_9_and_list_survivors(process, workers) == []
    assert process.stderr.read() == b""  # reaching end-of-file means no worker holds stderr open
    assert marker.exists()  # never released: the kill came before any chunk was parsed
