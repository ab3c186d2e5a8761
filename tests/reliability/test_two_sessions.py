"""Review sessions in separate processes racing on the same cards (scripted: pipes, not a TTY)."""

from __future__ import annotations

import pytest
from conftest import rows
from reliability_helpers import command, environment, mlsflash

pexpect = pytest.importorskip("pexpect")
from pexpect.popen_spawn import PopenSpawn


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "mlsflash.db"
    notes = tmp_path / "a.md"
    notes.write_text("# Deck\n" + "".join(f"* **Card {n}** - answer {n}\n" for n in range(4)), encoding="utf-8")
    assert mlsflash(environment(path), "import", str(notes)).returncode == 0
    return path


def review(db) -> PopenSpawn:
    return PopenSpawn(command("review"), env=environment(db), encoding="utf-8", timeout=30)


def finish(child: PopenSpawn) -> str:
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0, child.before
    return child.before


def test_two_sessions_and_undo_never_leave_a_card_stuck_as_new(db):
    first, second = review(db), review(db)
    first.expect_exact("Q: Card 0")
    second.expect_exact("Q: Card 0")
    first.sendline("5")
    first.expect_exact("Q: Card 1")
    second.sendline("4")  # the card was answered meanwhile by the first session
    second.expect_exact("answered in another session")
    second.expect_exact("Q: Card 1")
    first.sendline("u")
    first.expect_exact("Undone: Card 0")
    finish(first)
    finish(second)
    # a later session that day schedules the card, as for any new card
    third = mlsflash(environment(db), "review", "--limit", "1", stdin="5\n")
    assert "Q: Card 0" in third.stdout and "next due 2026-11-27" in third.stdout
    assert rows(db, "SELECT c.front_plain, r.kind FROM reviews r JOIN cards c ON c.id = r.card_id") == [
        ("Card 0", "scheduled")
    ]


def test_a_card_suspended_by_another_process_while_on_screen_is_skipped(db):
    child = review(db)
    child.expect_exact("Q: Card 0")
    card_id = rows(db, "SELECT id FROM cards WHERE front_plain = 'Card 0'")[0][0]
    assert mlsflash(environment(db), "suspend", card_id).returncode == 0
    child.sendline("5")
    child.expect_exact("Card 0 left review meanwhile")
    child.expect_exact("Q: Card 1")
    child.sendline("5")
    child.expect_exact("Q: Card 2")
    output = finish(child)
    assert "Reviewed 1 card(s) in 1 answer(s)" in output
    assert rows(db, "SELECT count(*) FROM reviews") == [(1,)]
