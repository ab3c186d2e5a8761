"""`mlsflash decks`: why a deck is empty, and `decks --delete NAME` (dry output, confirmation,
--yes, the backup made first, one transaction, `check` clean afterwards)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, write_notes

KEPT = "# Kept\n## Letters\n* **Alpha** - first\n* **Bravo** - second\n"
DOOMED = "# Doomed [x]\n## Streams\n* **Shard** - unit of capacity\n* **Firehose** - delivery\n* **Old** - gone soon\n"


def counts(db: Path) -> dict[str, int]:
    connection = sqlite3.connect(db)
    try:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("decks", "cards", "reviews", "source_files")
        }
    finally:
        connection.close()


def test_decks_says_why_a_deck_is_empty(run, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "good.md", KEPT)
    write_notes(notes, "skipped.md", "# Skipped\n* **Scaling** - \n* **Sizing** - \n")
    write_notes(notes, "prose.md", "# Prose\nOnly sentences here.\n\n- a list item without a separator\n")
    run("import", notes)
    shown = run("decks").stdout
    assert "Note: Skipped is empty: its notes file gave no cards: 2 bullets skipped" in shown
    assert "Note: Prose is empty: its notes file gave no cards: it has no `term - definition` bullets" in shown
    assert "Kept is empty" not in shown
    assert "Remove a deck with: mlsflash decks --delete NAME" in shown
    write_notes(notes, "good.md", "# Kept\nNo bullets any more.\n")
    run("import", notes)  # both cards retire
    assert "Note: Kept is empty: its notes file gave no cards any more (2 retired cards kept with their history)" in (
        run("decks").stdout
    )


@pytest.fixture
def two_decks(run, tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Kept (2 cards) and Doomed [x] (3 cards, one retired); two reviews in each deck."""
    run("import", write_notes(tmp_path, "kept.md", KEPT))
    doomed = write_notes(tmp_path, "doomed.md", DOOMED)
    run("import", doomed)
    run("review", input="5\n5\n5\n5\n")
    write_notes(tmp_path, "doomed.md", DOOMED.replace("* **Old** - gone soon\n", ""))
    run("import", doomed)
    assert counts(env) == {"decks": 2, "cards": 5, "reviews": 4, "source_files": 2}
    return doomed


def test_delete_without_a_terminal_shows_what_would_go_and_refuses(run, two_decks: Path, env: Path) -> None:
    result = run("decks", "--delete", "Doomed [x]", code=1)
    assert "Deleting deck Doomed [x] removes 3 cards (1 retired), their 2 reviews and the record of 1 notes file:" in (
        " ".join(result.stdout.split())
    )
    assert str(two_decks) in result.stdout
    assert "not touched" in result.stdout
    assert result.stderr.startswith("Error: not deleting deck 'Doomed [x]'")
    assert "Hint: add --yes to delete without asking" in result.stderr
    assert counts(env) == {"decks": 2, "cards": 5, "reviews": 4, "source_files": 2}
    assert not list(env.parent.glob("mlsflash.db.backup-*"))


def test_delete_with_yes_backs_up_then_deletes_the_deck_its_cards_reviews_and_files(
    run, two_decks: Path, env: Path, export
) -> None:
    kept_before = export("--deck", "Kept")
    result = run("decks", "--delete", "Doomed [x]", "--yes")
    (backup,) = env.parent.glob("mlsflash.db.backup-*")
    shown = " ".join(result.stdout.split())
    assert "Deleted deck Doomed [x]: 3 cards, 2 reviews, 1 notes file record." in shown
    assert str(backup) in shown
    assert counts(backup) == {"decks": 2, "cards": 5, "reviews": 4, "source_files": 2}
    assert counts(env) == {"decks": 1, "cards": 2, "reviews": 2, "source_files": 1}
    assert export() == kept_before
    assert "OK:" in run("check").stdout
    assert "Error: no deck named 'Doomed [x]'" in run("decks", "--delete", "Doomed [x]", "--yes", code=1).stderr
    run("import", two_decks)  # the notes file gives new cards, without history
    assert [(card["front"], card["status"]) for card in export("--deck", "Doomed [x]")] == [
        ("Shard", "new"), ("Firehose", "new"),
    ]


def test_a_second_backup_in_the_same_second_does_not_overwrite_the_first(run, two_decks: Path, env: Path) -> None:
    run("decks", "--delete", "Doomed [x]", "--yes")
    run("decks", "--delete", "Kept", "--yes")  # MLSFLASH_NOW is fixed: same second
    backups = sorted(env.parent.glob("mlsflash.db.backup-*"))
    assert len(backups) == 2
    assert sorted(counts(path)["decks"] for path in backups) == [1, 2]
    assert counts(env) == {"decks": 0, "cards": 0, "reviews": 0, "source_files": 0}


def test_a_backup_name_taken_by_a_folder_moves_to_the_next_free_name(run, two_decks: Path, env: Path) -> None:
    (env.parent / "mlsflash.db.backup-20261126-100000").mkdir()
    run("decks", "--delete", "Doomed [x]", "--yes")
    assert counts(env)["decks"] == 1
    assert counts(env.parent / "mlsflash.db.backup-20261126-100000-2")["decks"] == 2


def test_nothing_is_deleted_when_the_backup_fails(run, two_decks: Path, env: Path, monkeypatch) -> None:
    from mlsflash.errors import MlsflashError
    from mlsflash.storage import db

    def no_backup(*args: object) -> None:
        raise MlsflashError("cannot write the backup: disk full")

    monkeypatch.setattr(db, "backup", no_backup)
    assert "Error: cannot write the backup" in run("decks", "--delete", "Doomed [x]", "--yes", code=1).stderr
    assert counts(env) == {"decks": 2, "cards": 5, "reviews": 4, "source_files": 2}


def test_a_failure_midway_deletes_nothing(run, two_decks: Path, env: Path) -> None:
    connection = sqlite3.connect(env)
    try:
        with connection:  # the last statement of the deletion fails
            connection.execute("CREATE TRIGGER refuse BEFORE DELETE ON decks BEGIN SELECT RAISE(ABORT, 'refused'); END")
    finally:
        connection.close()
    assert "Error:" in run("decks", "--delete", "Doomed [x]", "--yes", code=1).stderr
    assert counts(env) == {"decks": 2, "cards": 5, "reviews": 4, "source_files": 2}


@pytest.mark.parametrize(("answer", "decks_left"), [("n", 2), ("y", 1)])
def test_delete_in_a_terminal_asks_first(two_decks: Path, env: Path, answer: str, decks_left: int) -> None:
    pexpect = pytest.importorskip("pexpect")
    environment = {**os.environ, "MLSFLASH_DB": str(env), "MLSFLASH_NOW": NOW, "NO_COLOR": "1", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable, ["-m", "mlsflash", "decks", "--delete", "Doomed [x]"], env=environment,
        dimensions=(24, 100), encoding="utf-8", timeout=20,
    )
    child.expect_exact("removes 3 cards (1 retired)")
    child.expect_exact("Delete deck 'Doomed [x]'? [y/N]:")
    child.sendline(answer)
    child.expect_exact("Nothing deleted." if answer == "n" else "Deleted deck")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert counts(env)["decks"] == decks_left
    assert len(list(env.parent.glob("mlsflash.db.backup-*"))) == (answer == "y")
    check = subprocess.run([sys.executable, "-m", "mlsflash", "check"], env=environment, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.startswith("OK:")
