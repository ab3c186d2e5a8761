"""`mlsflash review` in scripted mode (stdin not a TTY), on a fake clock."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from conftest import write_notes

ONE_CARD = "# Deck\n## Topic\n* **Alpha** - the first letter\n"
FIVE_CARDS = "# Deck\n## Letters\n" + "".join(
    f"* **{name}** - letter number {index}\n" for index, name in enumerate(["Alpha", "Beta", "Gamma", "Delta", "Eps"], 1)
)


@pytest.fixture
def deck(run, tmp_path):
    def make(text: str = FIVE_CARDS) -> None:
        run("import", write_notes(tmp_path, "notes.md", text))

    return make


def at(monkeypatch, moment: str) -> None:
    monkeypatch.setenv("MLSFLASH_NOW", moment)


def card(export, front: str) -> dict:
    return next(record for record in export() if record["front"] == front)


def reviews(db) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT study_day, grade, kind FROM reviews ORDER BY id").fetchall()


@pytest.mark.parametrize(
    ("grades", "intervals", "final_easiness"),
    [
        ([5, 5, 5, 5, 5], [1, 6, 17, 48, 140], 3.00),
        ([3, 3, 3, 3], [1, 6, 14, 30], 1.94),
        ([5, 4, 3, 4, 5, 5], [1, 6, 16, 40, 99, 254], 2.66),
    ],
)
def test_one_card_over_its_due_days_follows_sm2(run, deck, export, monkeypatch, grades, intervals, final_easiness):
    deck(ONE_CARD)
    day = date(2026, 11, 26)
    for grade, interval in zip(grades, intervals):
        at(monkeypatch, f"{day.isoformat()}T09:00")
        # a grade of 3 brings the card back the same day: pass that re-drill with a 4
        result = run("review", input=f"{grade}\n4\n" if grade < 4 else f"{grade}\n")
        assert f"next due {(day + timedelta(days=interval)).isoformat()}" in result.stdout
        record = card(export, "Alpha")
        assert record["interval"] == interval
        assert record["due"] == (day + timedelta(days=interval)).isoformat()
        day += timedelta(days=interval)
    assert record["easiness"] == final_easiness


def test_the_lapse_vector_with_due_dates(run, deck, export, monkeypatch):
    deck(ONE_CARD)
    day = date(2026, 11, 26)
    seen = []
    for grade in [5, 5, 2, 5, 5]:
        at(monkeypatch, f"{day.isoformat()}T09:00")
        run("review", input=f"{grade}\n5\n" if grade < 4 else f"{grade}\n")
        record = card(export, "Alpha")
        seen.append((record["repetitions"], record["easiness"], record["interval"]))
        day = date.fromisoformat(record["due"])
    assert seen == [(1, 2.60, 1), (2, 2.70, 6), (0, 2.38, 1), (1, 2.48, 1), (2, 2.58, 6)]
    assert record["lapses"] == 1


def test_a_card_graded_2_comes_back_until_4_and_only_the_2_schedules(run, deck, export, env):
    deck(ONE_CARD)
    result = run("review", input="2\n3\n1\n4\n")
    assert result.stdout.count("Q: Alpha") == 4
    assert "re-drill: passed" in result.stdout
    record = card(export, "Alpha")
    assert (record["repetitions"], record["easiness"], record["interval"], record["due"]) == (0, 2.18, 1, "2026-11-27")
    assert reviews(env) == [
        ("2026-11-26", 2, "scheduled"), ("2026-11-26", 3, "redrill"),
        ("2026-11-26", 1, "redrill"), ("2026-11-26", 4, "redrill"),
    ]


def test_quitting_leaves_pending_redrills_for_the_next_session_that_day(run, deck, export):
    deck(ONE_CARD)
    run("review", input="1\nq\n")
    again = run("review", input="5\n")
    assert "re-drill 1" in again.stdout and "re-drill: passed" in again.stdout


def test_a_review_at_0130_counts_for_the_previous_study_day(run, deck, env, monkeypatch):
    deck(ONE_CARD)
    at(monkeypatch, "2026-11-27T01:30")
    result = run("review", input="4\n")
    assert "next due 2026-11-27" in result.stdout  # study day 26th + 1
    assert reviews(env) == [("2026-11-26", 4, "scheduled")]


def test_rollover_hour_is_a_setting(run, deck, env, monkeypatch):
    deck(ONE_CARD)
    run("config", "rollover_hour", "0")
    at(monkeypatch, "2026-11-27T01:30")
    run("review", input="4\n")
    assert reviews(env) == [("2026-11-27", 4, "scheduled")]


def test_new_card_limit_holds_across_two_sessions_of_one_day(run, deck):
    deck()
    run("config", "new_per_day", "3")
    first = run("review", input="5\n5\nq\n")
    assert first.stdout.count("Q: ") == 3  # two answered, the third prompt quit
    second = run("review", input="5\n5\n")
    assert second.stdout.count("Q: ") == 1 and "Q: Gamma" in second.stdout
    third = run("review", input="5\n")
    assert "Nothing to review right now" in third.stdout


def test_new_option_overrides_the_daily_limit_for_one_run(run, deck):
    deck()
    run("config", "new_per_day", "1")
    result = run("review", "--new", "4", input="5\n5\n5\n5\n5\n")
    assert result.stdout.count("Graded 5") == 4


def test_limit_caps_the_session(run, deck):
    deck()
    result = run("review", "--limit", "2", input="5\n5\n5\n")
    assert result.stdout.count("Graded 5") == 2


def test_undo_of_a_lapse_restores_state_log_and_daily_count(run, deck, export, env, monkeypatch):
    deck(ONE_CARD)
    run("review", input="5\n")
    before = card(export, "Alpha")
    at(monkeypatch, "2026-11-27T10:00")
    result = run("review", input="1\nu\n5\n")
    assert "Undone: Alpha" in result.stdout
    assert result.stdout.count("Q: Alpha") == 3  # graded 1, its re-drill (undone there), asked again
    after = card(export, "Alpha")
    assert after["lapses"] == 0 and after["repetitions"] == 2 and after["interval"] == 6
    assert reviews(env) == [("2026-11-26", 5, "scheduled"), ("2026-11-27", 5, "scheduled")]
    assert before["due"] == "2026-11-27"


def test_undo_of_a_redrill_keeps_the_card_pending(run, deck, export, env):
    deck(ONE_CARD)
    result = run("review", input="2\n5\nu\nq\n")
    assert "Undone: Alpha" in result.stdout
    assert reviews(env) == [("2026-11-26", 2, "scheduled")]
    assert card(export, "Alpha")["easiness"] == 2.18
    assert "re-drill 1" in run("review", input="q\n").stdout


def test_undoing_a_first_answer_gives_the_new_card_slot_back(run, deck, env):
    deck()
    run("config", "new_per_day", "1")
    run("review", input="5\nu\nq\n")
    assert reviews(env) == []
    assert "Q: Alpha" in run("review", input="5\n").stdout


def test_skip_hides_the_card_until_tomorrow_without_changing_it(run, deck, export, monkeypatch):
    deck(ONE_CARD)
    result = run("review", input="s\n")
    assert "Skipped until tomorrow: Alpha" in result.stdout
    assert "Nothing to review right now" in run("review", input="").stdout
    assert card(export, "Alpha")["status"] == "new"
    at(monkeypatch, "2026-11-27T10:00")
    assert "Q: Alpha" in run("review", input="q\n").stdout


def test_a_leech_is_suspended_at_leech_lapses(run, deck, export, monkeypatch):
    deck(ONE_CARD)
    run("config", "leech_lapses", "2")
    day = date(2026, 11, 26)
    for grade in [5, 1, 5, 1]:
        at(monkeypatch, f"{day.isoformat()}T10:00")
        result = run("review", input=f"{grade}\n5\n" if grade < 4 else f"{grade}\n")
        day = date.fromisoformat(card(export, "Alpha")["due"])
    assert "LEECH: suspended after 2 lapses" in result.stdout
    record = card(export, "Alpha")
    assert record["status"] == "suspended" and record["leech"] is True and record["lapses"] == 2
    at(monkeypatch, f"{day.isoformat()}T10:00")
    assert "Nothing to review right now" in run("review", input="").stdout


def test_invalid_lines_are_refused_and_the_card_asked_again(run, deck):
    deck(ONE_CARD)
    result = run("review", input="\n7\nhello\n?\n4\n")
    assert result.stderr.count("Refused") == 3
    assert result.stdout.count("Q: Alpha") == 5
    assert "Keys:" in result.stdout and "Graded 4" in result.stdout


def test_a_refused_megabyte_line_is_echoed_cut_short(run, deck):
    deck(ONE_CARD)
    result = run("review", input="x" * 3_000_000 + "\n4\n")
    assert result.stderr == f"Refused '{'x' * 40}'…: type 0-5, u, s, b, !, i, q or ?\n"
    assert "Graded 4" in result.stdout


def test_summary_after_end_of_input(run, deck):
    deck()
    result = run("review", input="5\n4\n1\n")
    assert "Reviewed 3 card(s) in 3 answer(s), 67% correct" in result.stdout
    assert "Next card due: 2026-11-27." in result.stdout


def test_deck_and_topic_filters(run, tmp_path):
    write_notes(tmp_path, "a.md", "# One\n## Kinesis\n* **Shard** - unit of capacity\n## Glue\n* **Crawler** - finds schemas\n")
    write_notes(tmp_path, "b.md", "# Two\n* **Other** - another deck\n")
    run("import", tmp_path / "a.md", tmp_path / "b.md")
    by_topic = run("review", "--topic", "kinesis", input="5\n5\n")
    assert "Q: Shard" in by_topic.stdout and "Q: Crawler" not in by_topic.stdout
    by_deck = run("review", "--deck", "Two", input="5\n")
    assert "Q: Other" in by_deck.stdout and "Q: Crawler" not in by_deck.stdout
    missing = run("review", "--deck", "Nope", code=1)
    assert "Error: no deck named 'Nope'" in missing.stderr


def test_empty_collection_says_how_to_import(run):
    result = run("review", input="")
    assert "mlsflash import" in result.stdout


def test_due_cards_come_before_new_cards_oldest_first(run, deck, export, monkeypatch):
    deck()
    run("config", "new_per_day", "2")
    run("review", input="5\n5\n")  # Alpha, Beta due on the 27th
    at(monkeypatch, "2026-11-29T10:00")
    result = run("review", input="q\n")
    assert result.stdout.startswith("[new 2 · due 2 · re-drill 0] Deck\nLetters\nQ: Alpha")


def test_max_reviews_per_day_caps_due_cards(run, deck, monkeypatch):
    deck()
    run("review", input="5\n5\n5\n5\n5\n")
    run("config", "max_reviews_per_day", "2")
    at(monkeypatch, "2026-11-27T10:00")
    result = run("review", input="5\n5\n5\n")
    assert result.stdout.count("Graded 5") == 2


def test_config_validates(run, deck):
    deck()  # config changes an existing database; only review and import create one
    assert "Error: new_per_day must be an integer from 0 to 10000" in run("config", "new_per_day", "lots", code=1).stderr
    assert "Error: unknown setting" in run("config", "colour", code=1).stderr
    run("config", "new_per_day", "7")
    assert "new_per_day = 7" in run("config").stdout
    assert run("config", "new_per_day").stdout == "new_per_day = 7\n"
