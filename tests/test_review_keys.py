"""Review keys in scripted mode (`!`, `b`, `i`, undo after each), siblings held back, what the
session says when nothing is left, and the pieces the review screen is built from."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from conftest import write_notes

LETTERS = "# Deck\n## Letters\n" + "".join(
    f"* **{name}** - letter {name.lower()}\n" for name in ["Alpha", "Beta", "Gamma"]
)


def rows(db, query: str) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


@pytest.fixture
def letters(run, tmp_path, env):
    run("import", write_notes(tmp_path, "notes.md", LETTERS))
    return env


def test_suspend_then_undo(run, letters):
    result = run("review", input="!\nu\n5\nq\n")
    assert "Suspended: Alpha" in result.stdout and "Undone: Alpha" in result.stdout
    assert result.stdout.count("Q: Alpha") == 2
    assert rows(letters, "SELECT front_plain, status, due FROM cards ORDER BY position") == [
        ("Alpha", "active", "2026-11-27"), ("Beta", "active", None), ("Gamma", "active", None),
    ]


def test_suspend_takes_the_card_out_of_review(run, letters):
    run("review", input="!\nq\n")
    assert rows(letters, "SELECT status FROM cards WHERE front_plain = 'Alpha'") == [("suspended",)]
    assert "Q: Alpha" not in run("review", input="q\n").stdout
    run("unsuspend", rows(letters, "SELECT id FROM cards WHERE front_plain = 'Alpha'")[0][0])


def test_bury_then_undo(run, letters):
    result = run("review", input="b\nq\n")
    assert "Buried until tomorrow: Alpha" in result.stdout
    assert rows(letters, "SELECT buried_on FROM cards WHERE front_plain = 'Alpha'") == [("2026-11-26",)]
    assert "Q: Alpha" not in run("review", input="q\n").stdout
    undone = run("review", input="b\nu\nq\n")  # Beta buried, then back
    assert "Undone: Beta" in undone.stdout
    assert rows(letters, "SELECT front_plain FROM cards WHERE buried_on IS NOT NULL") == [("Alpha",)]


def test_info_shows_the_card_and_changes_nothing_so_u_undoes_the_answer_before(run, letters):
    alpha = rows(letters, "SELECT id FROM cards WHERE front_plain = 'Alpha'")[0][0]
    result = run("review", input="5\ni\nu\nq\n")
    beta = result.stdout.split("Q: Beta", 1)[1]
    assert "deck Deck · forward" in beta and "source notes.md:4" in beta
    assert "repetitions 0 · EF 2.50 · interval 0d · due - (new) · lapses 0" in beta
    assert "Undone: Alpha" in result.stdout
    assert rows(letters, "SELECT count(*) FROM reviews") == [(0,)]
    info = run("review", input="5\nq\n", code=0)
    assert info.stdout.startswith("[new 3")
    shown = run("review", input="q\n")
    assert alpha not in shown.stdout  # i was not asked: no id shown


def test_keys_are_listed_by_question_mark(run, letters):
    shown = run("review", input="?\nq\n").stdout
    assert "b bury until tomorrow" in shown and "! suspend" in shown and "i card info" in shown


# --- siblings -----------------------------------------------------------------------------------


@pytest.fixture
def reversed_letters(run, tmp_path, env):
    run("import", "--reverse", write_notes(tmp_path, "notes.md", LETTERS))
    return env


def test_forward_then_reverse_on_the_same_day_is_held_back(run, reversed_letters, monkeypatch):
    result = run("review", input="5\n5\n5\n")
    asked = [line for line in result.stdout.splitlines() if line.startswith("Q: ")]
    assert asked == ["Q: Alpha", "Q: Beta", "Q: Gamma"]  # no reverse card follows its forward card
    assert "Held back until tomorrow: 3 (the other direction was answered today)." in result.stdout
    again = run("review", input="q\n")
    assert "Q: " not in again.stdout and "Held back until tomorrow: 3" in again.stdout
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")
    tomorrow = run("review", input="q\n")
    assert tomorrow.stdout.startswith("[new 3 · due 3")  # the reverse cards wait no longer


def test_a_reverse_card_answered_first_holds_its_forward_card(run, reversed_letters):
    from mlsflash.study.session import ReviewSession
    from mlsflash.collection.settings import Settings
    from mlsflash.storage import open_store

    store = open_store(reversed_letters)
    try:
        session = ReviewSession(store, today=date(2026, 11, 26), settings=Settings())
        first = session.next_card()
        assert first.direction.value == "forward"
        session.skip(first)  # Alpha forward buried; Alpha reverse comes next
        reverse = session.next_card()
        assert (reverse.direction.value, reverse.back) == ("reverse", "**Alpha**")
        session.answer(reverse, 5)
        session.undo()  # the forward card is buried still; undo the bury too
        session.undo()
        assert session.next_card().id == first.id
        session.answer(session.next_card(), 4)
        shown = []
        while (card := session.next_card()) is not None:
            shown.append((card.back if card.direction.value == "reverse" else card.front, card.direction.value))
            session.answer(card, 5)
        assert ("**Alpha**", "reverse") not in shown
        assert session.summary(finished=True).held_back == 3
    finally:
        store.close()


def test_undoing_the_forward_answer_releases_its_sibling(run, reversed_letters):
    result = run("review", input="5\nu\nq\n")
    assert "Undone: Alpha" in result.stdout
    assert "Held back" not in result.stdout


# --- when nothing is left -----------------------------------------------------------------------


def test_the_new_card_limit_says_how_to_study_more(run, letters):
    run("config", "new_per_day", "1")
    result = run("review", input="5\n")
    assert "Nothing left for now." in result.stdout
    assert (
        "New cards waiting: 2; today's limit of 1 (new_per_day) is used up: mlsflash review --new 3 to study more."
        in result.stdout
    )
    assert "Next card due: 2026-11-27." in result.stdout
    start = run("review", input="")
    assert "Nothing to review right now." in start.stdout and "New cards waiting: 2; today's limit" in start.stdout
    more = run("review", "--new", "3", input="5\n5\n")
    assert more.stdout.count("Graded 5") == 2


def test_the_new_option_is_named_when_it_holds_the_cards(run, letters):
    result = run("review", "--new", "1", input="5\n")
    assert "today's limit of 1 (--new) is used up" in result.stdout


def test_due_cards_held_by_max_reviews_per_day_are_counted(run, letters, monkeypatch):
    run("review", input="5\n5\n5\n")
    run("config", "max_reviews_per_day", "1")
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")
    result = run("review", input="5\n")
    assert "Due cards held back by max_reviews_per_day (1): 2;" in result.stdout
    assert "New cards waiting" not in result.stdout
    assert "Next card due: 2026-12-03." in result.stdout  # Alpha, graded 5 at n = 1: 6 days


def test_session_limit_and_buried_cards_are_explained(run, letters):
    result = run("review", "--limit", "1", input="b\n5\n")
    assert "This session's limit of 1 card(s) is reached (--limit)." in result.stdout
    assert "Skipped or buried until tomorrow: 1." in result.stdout


def test_quitting_early_keeps_the_short_summary(run, letters):
    result = run("review", input="5\nq\n")
    assert "Nothing left" not in result.stdout and "New cards waiting: 2." in result.stdout


# --- the pieces -----------------------------------------------------------------------------------


def test_preview_is_review_for_each_grade():
    from mlsflash.scheduling import sm2
    from mlsflash.model import Grade, ReviewState

    today = date(2026, 11, 26)
    state = ReviewState(repetitions=2, easiness=246, interval=6, due=today, lapses=0)
    preview = sm2.preview(state, today)
    assert preview == {grade: sm2.review(state, grade, today).after.interval for grade in Grade}
    assert preview == {0: 1, 1: 1, 2: 1, 3: 15, 4: 15, 5: 15}
    assert sm2.preview(ReviewState(), today) == dict.fromkeys(Grade, 1)


def test_scheduler_preview_is_review_for_each_grade_under_either_scheduler():
    from mlsflash.scheduling import scheduler
    from mlsflash.model import Grade, ReviewState, Scheduler

    today = date(2026, 11, 26)
    states = [
        ReviewState(),
        ReviewState(repetitions=2, easiness=246, interval=6, due=today, lapses=0),  # no memory state yet
        ReviewState(repetitions=2, easiness=246, interval=27, due=today, lapses=0, stability=26.7, difficulty=4.0),
        ReviewState(repetitions=5, easiness=180, interval=60, due=today - timedelta(days=9), lapses=2,
                    stability=80.0, difficulty=7.5),
    ]
    for policy in (
        scheduler.Policy(), scheduler.Policy(Scheduler.FSRS),
        scheduler.Policy(Scheduler.FSRS, desired_retention=0.8), scheduler.Policy(maximum_interval=10),
    ):
        for state in states:
            expected = {grade: scheduler.review(state, grade, today, policy).after.interval for grade in Grade}
            assert scheduler.preview(state, today, policy) == expected


def test_the_preview_follows_maximum_interval():
    from mlsflash.scheduling import scheduler, sm2
    from mlsflash.model import Grade, ReviewState

    today = date(2026, 11, 26)
    state = ReviewState(repetitions=2, easiness=246, interval=6, due=today, lapses=0)
    assert sm2.preview(state, today)[Grade.GOOD] == 15
    assert scheduler.preview(state, today, scheduler.Policy(maximum_interval=10))[Grade.GOOD] == 10


def test_the_session_previews_the_scheduler_in_its_settings(letters):
    """Under FSRS the grade line must show FSRS's intervals, never SM-2's."""
    from mlsflash.scheduling import scheduler, sm2
    from mlsflash.model import Grade, Scheduler
    from mlsflash.study.session import ReviewSession
    from mlsflash.collection.settings import Settings
    from mlsflash.storage import open_store

    today = date(2026, 11, 26)
    store = open_store(letters)
    try:
        for chosen in Scheduler:
            settings = Settings(scheduler=chosen)
            session = ReviewSession(store, today=today, settings=settings)
            card = session.next_card()
            preview = session.preview(card)
            assert preview == scheduler.preview(card.state, today, settings.policy)
            answered = session.answer(card, Grade.EASY)
            assert preview[Grade.EASY] == answered.after.interval  # what the line promised is what 5 did
            session.undo()
        fsrs = ReviewSession(store, today=today, settings=Settings(scheduler=Scheduler.FSRS))
        card = fsrs.next_card()
        assert fsrs.preview(card) != sm2.preview(card.state, today)
        assert [fsrs.preview(card)[grade] for grade in (Grade.HARD, Grade.GOOD, Grade.EASY)] == [1, 2, 8]
    finally:
        store.close()


def test_grade_line_formats_the_mapping():
    from mlsflash.cli.review_ui import grade_line
    from mlsflash.model import Grade

    preview = {Grade(grade): days for grade, days in enumerate([1, 1, 1, 4, 6, 7])}
    assert grade_line(preview) == "0-2 again: today · 3 hard 4d · 4 good 6d · 5 easy 7d"
    assert grade_line(preview, narrow=True) == "0-2 today · 3 4d · 4 6d · 5 7d"
    assert grade_line(None).startswith("re-drill")
    lapse = {**preview, **dict.fromkeys((Grade(0), Grade(1), Grade(2)), 3)}  # FSRS after a lapse: not tomorrow
    assert grade_line(lapse) == "0-2 again: today, then 3d · 3 hard 4d · 4 good 6d · 5 easy 7d"
    assert grade_line(lapse, narrow=True) == "0-2 today, 3d · 3 4d · 4 6d · 5 7d"


def test_keys_read_together_are_handed_out_one_at_a_time():
    from mlsflash.cli.review_ui import _ONE_KEY

    assert _ONE_KEY.findall(" 4") == [" ", "4"]
    assert _ONE_KEY.findall("\x1b[5~\x1b[6~\x1bOA\x1b[A") == ["\x1b[5~", "\x1b[6~", "\x1bOA", "\x1b[A"]
    assert _ONE_KEY.findall("\x1b") == ["\x1b"] and _ONE_KEY.findall("é!") == ["é", "!"]


def test_a_grade_line_too_wide_breaks_between_its_parts():
    from mlsflash.cli.review_ui import grade_line, grade_lines
    from mlsflash.model import Grade

    preview = {Grade(grade): days for grade, days in enumerate([2, 2, 2, 62, 85, 137])}
    line = grade_line(preview, narrow=True)
    assert grade_lines(line, 60) == ["grade: 0-2 today, 2d · 3 62d · 4 85d · 5 137d"]
    assert grade_lines(line, 40) == ["grade: 0-2 today, 2d · 3 62d · 4 85d", "       5 137d"]


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (60, "Data Engineering › Kinesis › Kinesis Data Streams"),
        (40, "… › Kinesis › Kinesis Data Streams"),
        (30, "… › Kinesis Data Streams"),
        (12, "…ata Streams"),
    ],
)
def test_contexts_are_shortened_from_the_left(width, expected):
    from mlsflash.cli.render import shorten_left

    assert shorten_left(["Data Engineering", "Kinesis", "Kinesis Data Streams"], width) == expected


def test_wrapped_list_items_keep_a_hanging_indent():
    from mlsflash.cli import render

    lines = render.hanging_lines("  - **nested** item with several words to wrap", 16, render.console())
    assert [line.plain.rstrip() for line in lines] == ["  - nested item", "    with several", "    words to", "    wrap"]


# --- `e`: re-importing the edited file through the importer's identity matching ----------------


def _cards(db) -> dict[str, tuple]:
    """id -> (deck, direction, source line, repetitions, easiness, interval, due, stability, difficulty, status)."""
    return {
        card_id: tuple(rest)
        for card_id, *rest in rows(
            db, "SELECT c.id, d.name, c.direction, c.source_line, c.repetitions, c.easiness, c.interval, c.due, "
            "c.stability, c.difficulty, c.status FROM cards c JOIN decks d ON d.id = c.deck_id",
        )
    }


def _reimport(db, path) -> object:
    from mlsflash.notes import importer
    from mlsflash.storage import open_store

    store = open_store(db)
    try:
        return importer.reimport_source(store, str(path.resolve()))
    finally:
        store.close()


def test_reimport_after_an_edit_keeps_ids_schedules_and_the_other_files_of_the_deck(run, env, tmp_path):
    first = write_notes(tmp_path, "a.md", "# Shared\n## S3\n* **Alpha** - letter a\n* **Beta** - letter b\n")
    second = write_notes(tmp_path, "b.md", "# Shared\n## Kinesis\n* **Gamma** - letter g\n")
    run("import", "--reverse", first, second)
    run("config", "scheduler", "fsrs")
    run("review", input="5\n" * 6)  # the forward cards; their reverse cards wait until tomorrow
    before = _cards(env)
    assert len(before) == 6 and {card[0] for card in before.values()} == {"Shared"}
    # the learner rewrites Alpha's definition and moves Beta above it
    first.write_text("# Shared\n## S3\n* **Beta** - letter b\n* **Alpha** - the letter that starts it all\n")
    report = _reimport(env, first)
    assert report.total("updated") == 2 and report.total("added") == 0 and report.total("retired") == 0
    after = _cards(env)
    assert after.keys() == before.keys()  # the same cards: ids kept
    schedule = {card_id: card[:2] + card[3:] for card_id, card in before.items()}  # all but the line
    assert {card_id: card[:2] + card[3:] for card_id, card in after.items()} == schedule
    assert sum(card[7] is not None for card in after.values()) == 3  # the answered cards' FSRS memory, kept
    assert rows(env, "SELECT back_plain FROM cards WHERE front_plain = 'Alpha' AND direction = 'forward'") == [
        ("the letter that starts it all",)
    ]
    assert "OK:" in run("check").stdout


def test_reimport_keeps_the_deck_named_at_import(run, env, tmp_path):
    notes = write_notes(tmp_path, "notes.md", "# Title\n## Letters\n* **Alpha** - letter a\n")
    run("import", "--deck", "Chosen", notes)
    run("review", input="4\n")
    before = _cards(env)
    notes.write_text("# Title\n## Letters\n* **Alpha** - letter alpha\n")
    _reimport(env, notes)
    assert rows(env, "SELECT name FROM decks") == [("Chosen",)]
    assert _cards(env) == before


def test_reimport_refuses_the_bundled_decks(run, env):
    from mlsflash.notes import importer
    from mlsflash.errors import MlsflashError
    from mlsflash.storage import open_store

    store = open_store(env)
    try:
        with pytest.raises(MlsflashError, match="bundled decks"):
            importer.reimport_source(store, importer.BUNDLED_PREFIX + "aws.md")
    finally:
        store.close()


def test_info_shows_the_memory_state_of_a_card_answered_before(run, letters, monkeypatch):
    run("review", input="5\n5\n5\nq\n")
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")
    again = run("review", input="i\nq\n").stdout
    stability, difficulty = rows(letters, "SELECT stability, difficulty FROM cards WHERE front_plain = 'Alpha'")[0]
    assert f"memory: stability {stability:.1f}d · difficulty {difficulty:.1f}" in again
