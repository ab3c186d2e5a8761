"""Undo is a stack of actions, and the database, not one session's memory, decides a card's state.

Two sessions here are two ReviewSession objects on one file; the same races between real
processes: tests/reliability/test_two_sessions.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import rows, write_notes

FIVE = "# Deck\n## Letters\n" + "".join(f"* **{name}** - letter {name.lower()}\n" for name in ["Alpha", "Beta", "Gamma"])
TODAY = date(2026, 11, 26)


@pytest.fixture
def letters(run, tmp_path, env):
    run("import", write_notes(tmp_path, "notes.md", FIVE))
    return env


def test_undo_right_after_a_skip_undoes_the_skip(run, letters):
    result = run("review", input="5\ns\nu\n4\nq\n")
    assert "Skipped until tomorrow: Beta" in result.stdout
    assert "Undone: Beta" in result.stdout
    assert result.stdout.count("Q: Beta") == 2
    assert rows(letters, "SELECT c.front_plain, r.grade, r.kind FROM reviews r JOIN cards c ON c.id = r.card_id "
                         "ORDER BY r.id") == [("Alpha", 5, "scheduled"), ("Beta", 4, "scheduled")]
    assert rows(letters, "SELECT buried_on FROM cards WHERE front_plain = 'Beta'") == [(None,)]


def test_undo_with_nothing_to_undo_says_so_and_changes_nothing(run, letters):
    result = run("review", input="u\n4\nq\n")
    assert "Nothing to undo in this session." in result.stdout
    assert "Undone" not in result.stdout
    assert rows(letters, "SELECT c.front_plain, r.grade FROM reviews r JOIN cards c ON c.id = r.card_id") == [
        ("Alpha", 4)
    ]


def test_undo_walks_back_answers_and_skips_in_order(run, letters):
    run("review", input="5\ns\nu\nu\nq\n")  # grade Alpha, skip Beta, undo the skip, undo the grade
    assert rows(letters, "SELECT count(*) FROM reviews") == [(0,)]
    assert rows(letters, "SELECT count(*) FROM cards WHERE due IS NOT NULL OR buried_on IS NOT NULL") == [(0,)]


# --- two sessions on one database --------------------------------------------------------------


@pytest.fixture
def sessions(letters):
    from mlsflash.study.session import ReviewSession
    from mlsflash.collection.settings import Settings
    from mlsflash.storage import open_store

    stores = []

    def session(**options):
        store = open_store(letters)
        stores.append(store)
        return ReviewSession(store, today=TODAY, settings=Settings(), **options)

    yield session
    for store in stores:
        store.close()


def test_a_card_answered_in_another_session_while_on_screen_is_skipped_and_undo_leaves_it_schedulable(
    sessions, letters
):
    from mlsflash.study.session import CardLeftReview

    first, second = sessions(), sessions()
    shown_first, shown_second = first.next_card(), second.next_card()
    assert shown_first.front == shown_second.front == "**Alpha**"
    first.answer(shown_first, 5)
    with pytest.raises(CardLeftReview, match="answered in another session"):
        second.answer(shown_second, 4)
    assert second.next_card().front == "**Beta**"  # the session goes on
    first.undo()
    # the card is new again, with nothing logged: the next session schedules it
    assert rows(letters, "SELECT count(*) FROM reviews") == [(0,)]
    third = sessions()
    card = third.next_card()
    assert card.front == "**Alpha**" and third.answer(card, 4).kind == "scheduled"
    assert rows(letters, "SELECT due FROM cards WHERE front_plain = 'Alpha'") == [("2026-11-27",)]


def test_undo_is_refused_when_another_session_answered_the_card_since(sessions, letters):
    from mlsflash.study.session import UndoRefused

    first = sessions()
    alpha = first.next_card()
    first.answer(alpha, 2)  # scheduled, and it comes back today as a re-drill
    second = sessions(new_limit=0)
    redrill = second.next_card()
    assert (redrill.front, redrill.kind) == ("**Alpha**", "redrill")
    second.answer(redrill, 5)
    before = rows(letters, "SELECT * FROM cards WHERE front_plain = 'Alpha'")
    with pytest.raises(UndoRefused, match="another session"):
        first.undo()
    assert rows(letters, "SELECT * FROM cards WHERE front_plain = 'Alpha'") == before
    assert rows(letters, "SELECT grade, kind FROM reviews ORDER BY id") == [(2, "scheduled"), (5, "redrill")]


def test_undo_is_refused_when_the_card_row_changed_since(sessions, letters, run):
    from mlsflash.study.session import UndoRefused

    first = sessions()
    alpha = first.next_card()
    first.answer(alpha, 5)
    run("suspend", alpha.id)
    with pytest.raises(UndoRefused):
        first.undo()
    assert rows(letters, f"SELECT status, due FROM cards WHERE id = '{alpha.id}'") == [("suspended", "2026-11-27")]


def test_the_database_decides_scheduled_or_redrill(sessions, letters):
    """A card shown as a re-drill whose scheduled answer was undone elsewhere is scheduled."""
    first = sessions()
    alpha = first.next_card()
    first.answer(alpha, 2)
    second = sessions(new_limit=0)
    redrill = second.next_card()
    assert redrill.kind == "redrill"
    first.undo()  # Alpha is new again, with no answer today
    assert second.answer(redrill, 4).kind == "scheduled"
    assert rows(letters, "SELECT grade, kind FROM reviews") == [(4, "scheduled")]


# --- one transaction per answer ---------------------------------------------------------------


def test_an_answer_is_committed_before_the_next_card_and_both_are_one_transaction(sessions, letters, monkeypatch):
    from mlsflash.storage.db import Store

    session = sessions()
    card = session.next_card()
    transactions: list[str] = []
    opened = Store._transaction

    def counted(self, begin, *rest):
        transactions.append(begin)
        return opened(self, begin, *rest)

    monkeypatch.setattr(Store, "_transaction", counted)
    session.answer(card, 4)
    # Committed: another connection sees the answer before the next card is even asked for.
    assert rows(letters, "SELECT c.front_plain, r.grade FROM reviews r JOIN cards c ON c.id = r.card_id") == [
        ("Alpha", 4)
    ]
    following = session.next_card()
    assert following is not None and following.front == "**Beta**"
    assert transactions == ["BEGIN IMMEDIATE"]  # the next card was read inside the answer's own transaction


def test_an_answer_that_fails_before_commit_writes_nothing_and_the_session_goes_on(sessions, letters, monkeypatch):
    session = sessions()
    card = session.next_card()

    def broken(connection):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(session, "_next_card", broken)  # fails after the answer's writes, before COMMIT
    with pytest.raises(RuntimeError):
        session.answer(card, 4)
    monkeypatch.undo()
    assert rows(letters, "SELECT count(*) FROM reviews") == [(0,)]
    assert rows(letters, "SELECT count(*) FROM cards WHERE due IS NOT NULL") == [(0,)]
    assert not session.can_undo  # nothing to undo: nothing was written
    again = session.next_card()
    assert again is not None and again.front == "**Alpha**"  # the queue is read again from the database
    session.answer(again, 5)
    assert rows(letters, "SELECT c.front_plain, r.grade FROM reviews r JOIN cards c ON c.id = r.card_id") == [
        ("Alpha", 5)
    ]
