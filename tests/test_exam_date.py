"""Pacing to an exam date, under a fake clock through the CLI: new exam cards paced to be seen
before the final window; weak cards given one review inside the window, balanced, never on
or after the exam day; cards outside the exam, and collections without a date, scheduled
exactly as SM-2 says. `exam status --json` checked figure by figure on a known history."""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import rows, write_notes

from mlsflash.scheduling import pacing
from mlsflash.scheduling.memory import retrievability
from mlsflash.model import ReviewState

START = date(2027, 1, 4)
SM2_GOOD_INTERVALS = (1, 6, 15, 38, 95)  # grade 4 every time: EF stays 2.50

EXAM_NOTES = "---\nmla-c01: 1\nmls-c01: 1\n---\n# Exam Notes\n\n" + "".join(
    f"## Section {section}\n\n"
    + "".join(f"* **term {section}-{item}** - meaning number {section}-{item} of the exam notes\n" for item in range(8))
    + "\n"
    for section in range(5)
)
OTHER_NOTES = "# Cooking\n\n## Bread\n\n" + "".join(
    f"* **loaf {item}** - a bread recipe, number {item}, baked slowly\n" for item in range(10)
)


def at(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    monkeypatch.setenv("MLSFLASH_NOW", f"{day.isoformat()}T10:00")


@pytest.fixture
def collection(tmp_path: Path, run, monkeypatch) -> dict[str, set[str]]:
    """40 exam cards (the file declares domain 1) and 10 cards no domain claims; id sets."""
    at(monkeypatch, START)
    run("import", write_notes(tmp_path, "exam.md", EXAM_NOTES), write_notes(tmp_path, "cooking.md", OTHER_NOTES))
    domains = json.loads(run("exam", "domains", "--json").stdout)
    assert domains["domains"][0]["cards"] == 40 and domains["unassigned_cards"] == 10
    cards = json.loads(run("export", "--format", "json").stdout)
    return {
        "exam": {card["id"] for card in cards if card["deck"] == "Exam Notes"},
        "other": {card["id"] for card in cards if card["deck"] == "Cooking"},
    }


def study(run, monkeypatch, first: date, days: int) -> None:
    """A session every day, every card answered 4."""
    for offset in range(days):
        at(monkeypatch, first + timedelta(days=offset))
        run("review", input="4\n" * 400)


def log(db: Path) -> list[tuple]:
    return rows(db, "SELECT card_id, study_day, kind, due_before, interval_after, due_after FROM reviews ORDER BY id")


def cards_of(db: Path) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in rows(db, "SELECT id, due, interval, repetitions, stability FROM cards")}


def follows_sm2(entries: list[tuple]) -> bool:
    """Scheduled answers of 4 give SM-2's intervals, each due that many days after the answer."""
    scheduled = [entry for entry in entries if entry[2] == "scheduled"]
    intervals = tuple(entry[4] for entry in scheduled)
    dues_match = all(
        date.fromisoformat(entry[5]) - date.fromisoformat(entry[1]) == timedelta(days=entry[4]) for entry in scheduled
    )
    return intervals == SM2_GOOD_INTERVALS[: len(intervals)] and dues_match


# --- the pure rules -----------------------------------------------------------------------


def test_the_pace_introduces_every_unseen_card_before_the_window() -> None:
    exam = pacing.ExamDate(START + timedelta(days=20), final_days=7)
    assert pacing.new_cards_needed(40, START, exam) == math.ceil(40 / 13)
    assert pacing.new_limit(20, 40, START, exam) == 20  # the setting, when it is enough
    assert pacing.new_cards_needed(40, exam.window_start, exam) == 40  # inside the window: all now
    assert pacing.new_cards_needed(40, exam.day, exam) == 0  # the day has come: nothing changes


def test_window_days_stop_before_the_exam_and_skip_today_for_a_card_just_answered() -> None:
    exam = pacing.ExamDate(START + timedelta(days=10), final_days=3)
    assert pacing.window_days(START, exam, reviewed_today=False) == [START + timedelta(days=d) for d in (7, 8, 9)]
    inside = START + timedelta(days=8)
    assert pacing.window_days(inside, exam, reviewed_today=True) == [START + timedelta(days=9)]
    assert pacing.window_days(START + timedelta(days=9), exam, reviewed_today=True) == []


def test_a_placed_card_still_says_when_it_was_last_answered() -> None:
    last = START
    state = ReviewState(repetitions=3, easiness=250, interval=40, due=last + timedelta(days=40), stability=8.0,
                        difficulty=5.0)
    exam = pacing.ExamDate(START + timedelta(days=30), final_days=7)
    assert pacing.needs_window_review(state, START + timedelta(days=1), exam, 0.9)
    placed = pacing.place(state, START + timedelta(days=25))
    assert placed.due == START + timedelta(days=25) and placed.last_review == last
    strong = ReviewState(repetitions=3, interval=60, due=last + timedelta(days=60), stability=400.0, difficulty=5.0)
    assert not pacing.needs_window_review(strong, START, exam, 0.9)
    on_the_day = ReviewState(repetitions=3, interval=30, due=exam.day, stability=400.0, difficulty=5.0)
    assert pacing.needs_window_review(on_the_day, START, exam, 0.9)


def test_reschedule_keeps_a_card_in_the_window_only_when_the_window_would_want_it_back() -> None:
    exam = pacing.ExamDate(START + timedelta(days=10), final_days=3)
    weak = ReviewState(repetitions=2, interval=8, due=START + timedelta(days=8), stability=3.0, difficulty=5.0)
    later = replace(weak, interval=12, due=START + timedelta(days=12))
    assert pacing.keeps_window_review(weak, later, START, exam, 0.9)
    earlier = replace(weak, interval=5, due=START + timedelta(days=5))
    assert not pacing.keeps_window_review(weak, earlier, START, exam, 0.9)  # reviewed before the exam anyway
    outside = replace(weak, interval=15, due=START + timedelta(days=15))
    assert not pacing.keeps_window_review(outside, later, START, exam, 0.9)  # was not in the window
    strong = replace(later, stability=400.0)
    assert not pacing.keeps_window_review(replace(weak, stability=400.0), strong, START, exam, 0.9)
    assert not pacing.keeps_window_review(weak, later, exam.day, exam, 0.9)  # the day has come


# --- through the CLI under a fake clock -------------------------------------------------------


def test_reschedule_keeps_the_final_windows_placements_while_a_date_is_set(tmp_path, run, env, monkeypatch) -> None:
    at(monkeypatch, START)
    bullets = "".join(f"* **term {n}** - meaning number {n} of the exam notes\n" for n in range(5))
    run("import", write_notes(tmp_path, "exam.md", f"---\nmla-c01: 1\n---\n# Exam\n\n## S\n\n{bullets}"))
    for offset in (0, 1):  # 3 then a re-drill 4, both days: SM-2 puts every card 6 days on
        at(monkeypatch, START + timedelta(days=offset))
        run("review", input="3\n" * 5 + "4\n" * 5)
    today, exam = START + timedelta(days=4), START + timedelta(days=6)
    assert {due for due, *_ in cards_of(env).values()} == {(START + timedelta(days=7)).isoformat()}
    at(monkeypatch, today)
    run("exam", "set", "mla-c01", "--date", exam.isoformat())  # two days ahead
    placed = cards_of(env)
    assert all(today.isoformat() <= due < exam.isoformat() for due, *_ in placed.values())

    dry = run("reschedule", "--dry-run").stdout
    assert dry.startswith("Would move 0 of 5 scheduled cards under sm2.")
    assert f"5 cards kept in the exam's final window (exam on {exam.isoformat()})" in dry
    assert run("reschedule").stdout.replace("Moved", "Would move", 1) == dry
    assert cards_of(env) == placed

    at(monkeypatch, exam)  # the day has come: SM-2's own dates again
    moved = run("reschedule", "--dry-run").stdout
    assert moved.startswith("Would move 5 of 5 scheduled cards under sm2.") and "kept" not in moved
    at(monkeypatch, today)
    run("exam", "set", "mla-c01", "--clear")
    assert run("reschedule", "--dry-run").stdout == moved


def test_new_exam_cards_are_paced_to_be_seen_before_the_final_window(collection, run, env, monkeypatch) -> None:
    run("config", "new_per_day", "2")
    exam = START + timedelta(days=20)
    set_out = run("exam", "set", "mla-c01", "--date", exam.isoformat()).stdout
    assert "40 exam cards not seen yet: 4 new cards a day" in set_out
    study(run, monkeypatch, START, 13)  # up to the day before the window opens (exam - 7)
    first_seen: dict[str, str] = {}
    for card_id, day, kind, due_before, *_ in log(env):
        if kind == "scheduled" and due_before is None:
            first_seen.setdefault(card_id, day)
    window_start = (exam - timedelta(days=7)).isoformat()
    assert set(first_seen) >= collection["exam"], "an exam card was never introduced"
    assert max(first_seen[card_id] for card_id in collection["exam"]) < window_start
    per_day = Counter(first_seen[card_id] for card_id in collection["exam"])
    assert max(per_day.values()) <= 4  # no more than the pace needs
    # new_per_day's two a day go, in note order, to the exam file imported first: the cooking
    # cards wait exactly as long as they would without a date.
    assert not set(first_seen) & collection["other"]


def test_weak_cards_get_one_review_in_the_window_balanced_and_none_on_the_exam_day(
    collection, run, env, monkeypatch
) -> None:
    """A history where every card was last answered 60 days ago with a stability of 10 days and
    is due after the exam: setting the date spreads them over the window."""
    today = START + timedelta(days=70)
    at(monkeypatch, today)
    last = today - timedelta(days=60)
    exam = today + timedelta(days=14)
    connection = sqlite3.connect(env)
    with connection:
        for card_id in collection["exam"] | collection["other"]:
            connection.execute(
                "UPDATE cards SET repetitions = 3, interval = 90, due = ?, stability = 10, difficulty = 5 WHERE id = ?",
                ((last + timedelta(days=90)).isoformat(), card_id),
            )
        strong = sorted(collection["exam"])[:2]  # recall on the day above 0.9: left alone...
        connection.execute("UPDATE cards SET stability = 5000 WHERE id IN (?, ?)", strong)
        on_the_day = sorted(collection["exam"])[2]  # ...unless due on the exam day itself
        connection.execute("UPDATE cards SET stability = 5000, interval = ?, due = ? WHERE id = ?",
                           ((exam - last).days, exam.isoformat(), on_the_day))
    connection.close()
    before = cards_of(env)
    run("exam", "set", "mla-c01", "--date", exam.isoformat())
    after = cards_of(env)
    window = [exam - timedelta(days=days) for days in range(7, 0, -1)]
    placed = {card_id for card_id in collection["exam"] if after[card_id] != before[card_id]}
    assert placed == collection["exam"] - set(strong)
    load = Counter(after[card_id][0] for card_id in placed)
    assert set(load) == {day.isoformat() for day in window}
    assert max(load.values()) - min(load.values()) <= 1  # 38 cards on 7 days: 5 or 6 each
    for card_id in placed:  # the last answer is still 60 days ago
        due = date.fromisoformat(after[card_id][0])
        assert due - timedelta(days=after[card_id][1]) == last
    assert all(after[card_id] == before[card_id] for card_id in collection["other"] | set(strong))
    assert not [card_id for card_id, card in after.items() if card[0] and card[0] >= exam.isoformat()
                and card_id in collection["exam"] and card_id not in strong]
    # Setting it again changes nothing: the plan is already made.
    run("exam", "set", "mla-c01", "--date", exam.isoformat())
    assert cards_of(env) == after


def test_outside_the_exam_and_without_a_date_scheduling_is_plain_sm2(
    collection, run, env, monkeypatch, tmp_path
) -> None:
    exam = START + timedelta(days=22)  # SM-2 would bring every card back on the exam day (1 + 6 + 15)
    run("config", "new_per_day", "60")
    run("exam", "set", "mla-c01", "--date", exam.isoformat())
    study(run, monkeypatch, START, 22)
    entries = log(env)
    by_card: dict[str, list[tuple]] = {}
    for entry in entries:
        by_card.setdefault(entry[0], []).append(entry)
    assert all(follows_sm2(by_card[card_id]) for card_id in collection["other"])
    # The exam's cards were moved off the exam day into the window, spread over its days.
    assert not any(follows_sm2(by_card[card_id]) for card_id in collection["exam"])
    third = Counter(by_card[card_id][3][1] for card_id in collection["exam"])  # the review in the window
    assert set(third) == {(exam - timedelta(days=days)).isoformat() for days in range(7, 0, -1)}
    assert max(third.values()) - min(third.values()) <= 1
    dues = {row[0] for row in rows(env, "SELECT due FROM cards WHERE id IN (%s)" % ",".join(
        "?" * len(collection["exam"])), *collection["exam"])}
    assert exam.isoformat() not in dues
    # The date passes: nothing changes any more, and status says so.
    at(monkeypatch, exam + timedelta(days=1))
    status = json.loads(run("exam", "status", "--json").stdout)
    assert status["passed"] is True and status["on_track"] is False
    # The same study without a date: every card follows SM-2's vector exactly.
    monkeypatch.setenv("MLSFLASH_DB", str(tmp_path / "plain.db"))
    at(monkeypatch, START)
    run("import", tmp_path / "exam.md", tmp_path / "cooking.md")
    run("config", "new_per_day", "60")
    study(run, monkeypatch, START, 22)
    plain: dict[str, list[tuple]] = {}
    for entry in log(tmp_path / "plain.db"):
        plain.setdefault(entry[0], []).append(entry)
    assert len(plain) == 50 and all(follows_sm2(entries) for entries in plain.values())


def test_exam_status_json_on_a_known_history(collection, run, env, monkeypatch) -> None:
    exam = START + timedelta(days=30)
    at(monkeypatch, START)
    no_date = json.loads(run("exam", "status", "--json").stdout)
    assert no_date["date"] is None and no_date["readiness"] == 0.0 and no_date["unseen"] == 40
    run("config", "new_per_day", "10")
    run("exam", "set", "mla-c01", "--date", exam.isoformat())
    study(run, monkeypatch, START, 1)  # day 1: 10 exam cards introduced, graded 4
    run("exam", "practice", "--count", "4", "--seed", "1", input="a\nb\nc\nd\n")
    at(monkeypatch, START + timedelta(days=1))
    status = json.loads(run("exam", "status", "--json").stdout)
    today = START + timedelta(days=1)
    assert status["exam"] == "mla-c01" and status["date"] == exam.isoformat()
    assert status["days_left"] == 29 and status["passed"] is False and status["final_days"] == 7
    assert status["window_start"] == (exam - timedelta(days=7)).isoformat()
    assert status["unseen"] == 30
    assert status["new_per_day_needed"] == math.ceil(30 / 22) and status["new_per_day"] == 10
    cards = {row[0]: row[1:] for row in rows(env, "SELECT id, due, interval, stability FROM cards WHERE due IS NOT NULL")}
    assert len(cards) == 10
    recalls = [
        retrievability(stability, (exam - (date.fromisoformat(due) - timedelta(days=interval))).days)
        for due, interval, stability in cards.values()
    ]
    domain1 = next(row for row in status["domains"] if row["domain"] == 1)
    assert domain1["cards"] == 40 and domain1["seen"] == 10 and domain1["weight"] == 28
    assert domain1["predicted_recall"] == pytest.approx(sum(recalls) / 40, abs=1e-4)
    assert status["readiness"] == pytest.approx(0.28 * sum(recalls) / 40, abs=1e-4)
    answered = rows(env, "SELECT sum(correct), count(*) FROM exam_answers WHERE mode = 'practice' AND domain = 1")[0]
    assert domain1["practice_accuracy"] == pytest.approx(answered[0] / answered[1], abs=1e-4)
    assert domain1["mock_accuracy"] is None
    assert [row["cards"] for row in status["domains"][1:]] == [0, 0, 0]
    planned = rows(env, "SELECT count(*) FROM cards WHERE due IS NOT NULL AND due < ?", exam.isoformat())[0][0]
    assert status["reviews_per_day"] == round(planned / 29, 1)
    assert status["on_track"] is True
    weakest = status["weakest_topics"]
    assert weakest and all(topic["domain"] == 1 for topic in weakest)
    assert [topic["predicted_recall"] for topic in weakest] == sorted(topic["predicted_recall"] for topic in weakest)
    # stats opens with the same figures.
    text = run("stats").stdout
    assert f"Exam MLA-C01 on {exam.isoformat()}, 29 days left" in text.replace("\n  ", " ")
    assert json.loads(run("stats", "--json").stdout)["exam"]["readiness"] == status["readiness"]
    _ = today


def test_exam_set_refuses_a_bad_or_past_date(collection, run) -> None:
    assert "must be YYYY-MM-DD" in run("exam", "set", "mla-c01", "--date", "next week", code=1).stderr
    past = run("exam", "set", "mla-c01", "--date", "2026-01-01", code=1).stderr
    assert past.startswith("Error: exam date 2026-01-01 is not after today")
    run("exam", "set", "mla-c01", "--date", "2027-03-01")
    assert "cleared" in run("exam", "set", "mla-c01", "--clear").stdout
    assert json.loads(run("exam", "status", "--json").stdout)["date"] is None


def test_a_pace_above_sixty_new_cards_a_day_is_warned(collection, run, monkeypatch, tmp_path) -> None:
    more = "---\nmla-c01: 2\n---\n# More Exam Notes\n\n## Models\n\n" + "".join(
        f"* **model {item}** - a model described by sentence {item}\n" for item in range(40)
    )
    run("import", write_notes(tmp_path, "more.md", more))
    at(monkeypatch, START)
    calm = run("exam", "set", "mla-c01", "--date", (START + timedelta(days=20)).isoformat())
    assert "80 exam cards not seen yet: 20 new cards a day" in calm.stdout and "Warning" not in calm.stderr
    rushed = run("exam", "set", "mla-c01", "--date", (START + timedelta(days=8)).isoformat())  # window tomorrow
    assert "Warning: seeing every exam card in time takes 80 new cards a day (more than 60)" in rushed.stderr
    review = run("review", input="q\n")
    assert f"Exam on {(START + timedelta(days=8)).isoformat()}, 8 days left: 80 new cards today" in review.stdout
    assert "Warning: 80 new cards a day are needed" in review.stdout


@pytest.mark.parametrize("columns", [40, 100])
def test_exam_status_fits_the_terminal_and_shows_names_literally(tmp_path, run, monkeypatch, columns) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    at(monkeypatch, START)
    notes = "---\nmla-c01: 4\n---\n# Deck [bold]x[/bold] 🔒\n\n## Topic [/dim] עברית " + "y" * 300 + "\n\n" + "".join(
        f"* **key {item}** - a value that is number {item}\n" for item in range(5)
    )
    run("import", write_notes(tmp_path, "odd.md", notes))
    run("exam", "set", "mla-c01", "--date", (START + timedelta(days=30)).isoformat())
    text = run("exam", "status").stdout
    lines = text.splitlines()
    assert all(len(line) <= columns for line in lines), [line for line in lines if len(line) > columns]
    rows_of_domains = [line for line in lines if line[:1] in {"1", "2", "3", "4"}]
    assert len(rows_of_domains) == 4 and all(len(line.split()) >= 7 for line in rows_of_domains)
    assert "Topic [/dim]" in text  # markup in a topic is text


def test_a_filtered_session_of_other_cards_keeps_new_per_day_and_leaves_the_pace_to_the_exam(
    collection, run, env, monkeypatch
) -> None:
    """The raised limit is for the exam's cards: a session on a deck outside the exam introduces
    only new_per_day, and the exam's cards still get their pace."""
    run("config", "new_per_day", "2")
    run("exam", "set", "mla-c01", "--date", (START + timedelta(days=20)).isoformat())  # pace 4 a day
    run("review", "--deck", "Cooking", input="4\n" * 50)
    run("review", input="4\n" * 50)
    introduced = rows(env, "SELECT c.deck_id, count(*) FROM reviews r JOIN cards c ON c.id = r.card_id "
                           "WHERE r.due_before IS NULL GROUP BY c.deck_id ORDER BY c.deck_id")
    by_deck = {deck: count for deck, count in introduced}
    decks = dict(rows(env, "SELECT name, id FROM decks"))
    assert by_deck[decks["Cooking"]] == 2  # new_per_day, as without a date
    assert by_deck[decks["Exam Notes"]] == 4  # the exam's pace, whatever else was studied
    assert "raised for the exam date's cards" in run("review", input="").stdout


def test_the_date_must_be_written_yyyy_mm_dd(collection, run) -> None:
    for typed in ("20270301", "2027-W10-1", "2027-3-1"):
        assert "must be YYYY-MM-DD" in run("exam", "set", "mla-c01", "--date", typed, code=1).stderr


def test_a_stored_date_that_is_not_one_is_an_error_with_the_way_out(collection, run, env) -> None:
    connection = sqlite3.connect(env)
    with connection:
        connection.execute("INSERT INTO settings (key, value) VALUES ('exam_date', '2027-13-45')")
    connection.close()
    for command in (("exam", "status"), ("stats",), ("review",)):
        failed = run(*command, input="q\n", code=1)
        assert failed.stderr.startswith("Error: the stored exam date '2027-13-45' is not a date"), failed.stderr
        assert "Hint: mlsflash exam set PROFILE --clear" in failed.stderr and "Traceback" not in failed.stderr
    run("exam", "set", "mla-c01", "--clear")
    assert json.loads(run("exam", "status", "--json").stdout)["window_start"] is None


def test_on_the_exam_day_pacing_has_stopped(collection, run, monkeypatch) -> None:
    run("exam", "set", "mla-c01", "--date", (START + timedelta(days=3)).isoformat())
    at(monkeypatch, START + timedelta(days=3))
    assert "is today: pacing has stopped" in run("exam", "status").stdout
    assert "Exam on" not in run("review", input="q\n").stdout


# --- new cards by domain weight, the workload forecast, the eve of the exam (issue 28) -----

MIXED_SECTIONS = (("Alpha", 4, 40), ("Beta", 1, 30), ("Gamma", 2, 40), ("Delta", 3, 30))  # note order
MIXED_NOTES = '---\nmla-c01-sections: "' + "; ".join(f"{name} = {domain}" for name, domain, _ in MIXED_SECTIONS) + (
    '"\n---\n# Mixed Exam\n\n'
) + "".join(
    f"## {name}\n\n" + "".join(f"* **{name} term {item}** - {name} meaning number {item}\n" for item in range(cards))
    + "\n"
    for name, _, cards in MIXED_SECTIONS
)


def off_weight(status: dict) -> dict[int, float]:
    """Each domain with unseen cards: its share of the exam cards seen minus its weight, in points."""
    seen = sum(row["seen"] for row in status["domains"])
    return {row["domain"]: 100 * row["seen"] / seen - row["weight"]
            for row in status["domains"] if row["seen"] < row["cards"]}


def test_new_exam_cards_follow_the_domain_weights_day_by_day(tmp_path, run, monkeypatch) -> None:
    """Notes whose first 40 cards are domain 4's: with a date, every day's new cards come from
    all four domains by weight, so each domain's share of the cards seen stays within 10 points
    of its weight, at the end of every day and in the middle of one."""
    at(monkeypatch, START)
    run("import", write_notes(tmp_path, "mixed.md", MIXED_NOTES))
    assert [row["cards"] for row in json.loads(run("exam", "domains", "--json").stdout)["domains"]] == [30, 40, 30, 40]
    run("config", "new_per_day", "4")  # 4 in the places new_per_day gives, then the pace's extras
    exam = START + timedelta(days=20)
    assert "140 exam cards not seen yet: 11 new cards a day" in run("exam", "set", "mla-c01", "--date",
                                                                     exam.isoformat()).stdout
    run("review", input="4\n" * 10 + "q\n")  # a learner who stops after 10 cards
    status = json.loads(run("exam", "status", "--json").stdout)
    assert sum(row["seen"] for row in status["domains"]) == 10
    assert all(abs(points) <= 10 for points in off_weight(status).values()), off_weight(status)
    for offset in range(13):  # up to the day before the window
        at(monkeypatch, START + timedelta(days=offset))
        run("review", input="4\n" * 400)
        status = json.loads(run("exam", "status", "--json").stdout)
        points = off_weight(status)
        assert all(abs(value) <= 10 for value in points.values()), (offset, points)
    assert status["unseen"] == 0
    # Within a domain, note order: each section's cards were first seen in the order written.
    first_seen = [row[0] for row in rows(
        tmp_path / "data" / "mlsflash.db",
        "SELECT c.front_plain FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.due_before IS NULL "
        "AND r.kind = 'scheduled' ORDER BY r.id")]
    for name, _, cards in MIXED_SECTIONS:
        assert [front for front in first_seen if front.startswith(f"{name} ")] == [
            f"{name} term {item}" for item in range(cards)]


def test_a_card_answered_correctly_on_the_eve_is_not_due_on_the_exam_day(collection, run, env, monkeypatch) -> None:
    """Every exam card lapses two days before the exam and is due on the eve; on the eve half
    are answered correctly (due after the exam) and half failed (due on the exam day, as the
    docs/exam.md says: no window day is left)."""
    exam = START + timedelta(days=3)
    run("config", "new_per_day", "0")
    run("exam", "set", "mla-c01", "--date", exam.isoformat())
    run("review", input="4\n" * 40)  # the window has begun: all 40 exam cards today
    at(monkeypatch, START + timedelta(days=1))
    run("review", input="1\n" * 40 + "4\n" * 40)  # every one lapses, then passes its re-drill
    eve = START + timedelta(days=2)
    at(monkeypatch, eve)
    run("review", input="4\n" * 20 + "1\n" * 20 + "4\n" * 20)
    graded = dict(rows(env, "SELECT card_id, grade FROM reviews WHERE study_day = ? AND kind = 'scheduled'",
                       eve.isoformat()))
    assert sorted(graded.values()) == [1] * 20 + [4] * 20
    due = dict(rows(env, "SELECT id, due FROM cards WHERE due IS NOT NULL"))
    assert {due[card_id] for card_id, grade in graded.items() if grade == 4} == {(exam + timedelta(days=1)).isoformat()}
    assert {due[card_id] for card_id, grade in graded.items() if grade == 1} == {exam.isoformat()}
    run("review", input="")  # a second session on the eve (exits 0): the failed cards have no window day left
    assert dict(rows(env, "SELECT id, due FROM cards WHERE due IS NOT NULL")) == due
    at(monkeypatch, exam)
    run("review", input="4\n" * 40)
    assert rows(env, "SELECT count(*) FROM reviews WHERE study_day = ?", exam.isoformat())[0][0] == 20


def answered_per_day(db: Path) -> dict[str, tuple[int, int]]:
    """Study day -> (answers to cards seen before, re-drills included; first answers)."""
    return {day: (reviews, new) for day, reviews, new in rows(
        db, "SELECT study_day, count(*) FILTER (WHERE due_before IS NOT NULL OR kind = 'redrill'), "
            "count(*) FILTER (WHERE due_before IS NULL AND kind = 'scheduled') FROM reviews GROUP BY study_day")}


def test_the_forecast_counts_new_cards_of_a_deck_outside_the_exam_that_comes_first(
        tmp_path, run, env, monkeypatch) -> None:
    """Cooking's 10 cards come before the exam's 40 in note order: new_per_day's places bring
    them in and the pace's exam cards come on top, and the forecast says so."""
    at(monkeypatch, START)
    run("import", write_notes(tmp_path, "cooking.md", OTHER_NOTES))
    run("import", write_notes(tmp_path, "exam.md", EXAM_NOTES))
    run("config", "new_per_day", "5")
    run("exam", "set", "mla-c01", "--date", (START + timedelta(days=20)).isoformat())  # 4 exam cards a day
    forecast = json.loads(run("exam", "status", "--json").stdout)["forecast"][:4]
    study(run, monkeypatch, START, 4)
    first_answers = {day: new for day, (_, new) in answered_per_day(env).items()}
    assert [first_answers[day["date"]] for day in forecast] == [9, 8, 5, 5]  # 5 cooking and the pace (4, then 3)
    assert [day["new"] for day in forecast] == [9, 8, 5, 5]


def test_exam_status_forecasts_answers_and_minutes_for_every_day_left(collection, run, env, monkeypatch) -> None:
    exam = START + timedelta(days=20)  # window from day 13: 40 exam cards at 4 a day, 5 with new_per_day
    run("config", "new_per_day", "5")
    run("exam", "set", "mla-c01", "--date", exam.isoformat())
    status = json.loads(run("exam", "status", "--json").stdout)
    assert status["seconds_per_answer"] == 8.0 and status["seconds_per_answer_measured"] is False
    assert status["pass_rate"] == 0.9 and status["pass_rate_measured"] is False  # desired_retention
    assert status["max_minutes_per_day"] == 60 and status["over_limit"] is None
    forecast = status["forecast"]
    assert [day["date"] for day in forecast] == [(START + timedelta(days=n)).isoformat() for n in range(20)]
    assert [day["new"] for day in forecast] == [5] * 10 + [0] * 10  # the 40 exam cards, then the 10 others
    # Day 1: day 0's 5 cards come back, and one in ten is assumed failed and re-drilled: 5.5.
    assert forecast[1]["reviews"] == 6 and forecast[1]["minutes"] == round(11 * 8 / 60)
    assert all(day["minutes"] == round((day["reviews"] + day["new"]) * 8 / 60) for day in forecast)
    text = run("exam", "status").stdout
    assert "Workload today 5 answers, 1 min" in text and "8 s an answer (assumed" in text
    assert "90% of reviews passed (assumed" in " ".join(text.split())
    shown = [line.split() for line in text.splitlines() if line.startswith("  2027-")]
    assert len(shown) == 7 and shown[:2] == [["2027-01-04", "0", "5", "1"], ["2027-01-05", "6", "5", "1"]]
    # A learner who passes every review: after 50 reviews the pass rate is theirs (100 %), and
    # the forecast is what then happens, day by day (up to the window, which adds its own).
    study(run, monkeypatch, START, 9)
    at(monkeypatch, START + timedelta(days=9))
    status = json.loads(run("exam", "status", "--json").stdout)
    assert status["pass_rate"] == 1.0 and status["pass_rate_measured"] is True
    forecast = status["forecast"][:4]
    study(run, monkeypatch, START + timedelta(days=9), 4)
    answered = answered_per_day(env)
    assert [answered.get(day["date"], (0, 0)) for day in forecast] == [(day["reviews"], day["new"]) for day in forecast]
    assert [day["reviews"] for day in forecast] == [10, 10, 5, 5]  # back after 1 and 6 days
    # With 50 timed answers, the learner's own median speed counts (12 s here, a few slow ones aside).
    connection = sqlite3.connect(env)
    with connection:
        connection.execute("UPDATE reviews SET duration_ms = CASE WHEN id % 20 = 0 THEN 90000 ELSE 12000 END")
    connection.close()
    at(monkeypatch, START + timedelta(days=13))
    status = json.loads(run("exam", "status", "--json").stdout)
    assert status["seconds_per_answer"] == 12.0 and status["seconds_per_answer_measured"] is True
    today = status["forecast"][0]
    assert today["date"] == (START + timedelta(days=13)).isoformat()
    assert today["minutes"] == round((today["reviews"] + today["new"]) * 12 / 60)
    assert "12 s an answer (your median)" in run("exam", "status").stdout


def test_a_day_over_max_minutes_is_warned_with_an_exam_date_that_keeps_under_it(
    collection, run, env, monkeypatch
) -> None:
    run("config", "new_per_day", "0")
    run("exam", "set", "mla-c01", "--date", (START + timedelta(days=9)).isoformat())  # 20 new a day, 2 days
    run("config", "max_minutes_per_day", "4")
    status = json.loads(run("exam", "status", "--json").stdout)
    # 20 new; 20 back, 2 of them re-drilled (a pass rate of 0.9 assumed), and 20 new; 22 + 2.2 back.
    assert [day["minutes"] for day in status["forecast"][:3]] == [3, 6, 3]  # at 8 s an answer
    over = status["over_limit"]
    assert over["days"] == 1 and over["first"] == over["peak_date"] == (START + timedelta(days=1)).isoformat()
    assert over["peak_minutes"] == 6
    later = over["date_under_limit"]
    text = " ".join(run("exam", "status").stdout.split())
    assert (f"Warning: 1 day passes max_minutes_per_day (4 min), from {over['first']}, 6 min on {over['first']}; "
            f"an exam on {later} keeps every day within it") in text
    assert f"mlsflash exam set mla-c01 --date {later}" in text
    # Following the advice: no day passes the limit, and a day earlier one still would.
    run("exam", "set", "mla-c01", "--date", (date.fromisoformat(later) - timedelta(days=1)).isoformat())
    assert json.loads(run("exam", "status", "--json").stdout)["over_limit"] is not None
    run("exam", "set", "mla-c01", "--date", later)
    status = json.loads(run("exam", "status", "--json").stdout)
    assert status["over_limit"] is None and max(day["minutes"] for day in status["forecast"]) <= 4
    assert "Warning" not in run("exam", "status").stdout
    assert run("config", "max_minutes_per_day", "0", code=1).stderr.startswith(
        "Error: max_minutes_per_day must be an integer from 1 to 1440")
