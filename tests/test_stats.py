"""`mlsflash stats`: exact figures from a known history, the 80-column view, indexed SQL."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import kept_sums, sums_from_the_log, write_notes

TEN_CARDS = "# Deck\n## Streams\n" + "".join(f"* **Term {n}** - meaning {n}\n" for n in range(1, 6)) + (
    "## Storage\n" + "".join(f"* **Term {n}** - meaning {n}\n" for n in range(6, 11))
)
SNAPSHOT = Path(__file__).parent / "snapshots" / "stats_80.txt"


@pytest.fixture
def history(run, env, tmp_path, monkeypatch):
    """Day 1: five new cards graded 5,5,5,5,2 (the re-drill left pending); day 2: all five 5."""
    run("import", write_notes(tmp_path, "notes.md", TEN_CARDS))
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T09:00")
    run("review", "--new", "5", input="5\n5\n5\n5\n2\nq\n")
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T09:00")
    run("review", "--new", "0", input="5\n5\n5\n5\n5\n")
    steady_durations(env)


def steady_durations(db) -> None:
    """Answer times are measured on the wall clock; a loaded machine would change the snapshots."""
    import sqlite3

    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE reviews SET duration_ms = 0")
    connection.close()


def stats(run, *args):
    return json.loads(run("stats", "--json", *args).stdout)


def test_every_json_figure_of_a_known_history(run, history):
    figures = stats(run)
    assert figures["today"] == "2026-11-27"
    assert figures["cards"] == {
        "total": 10, "new": 5, "learning": 1, "young": 4, "mature": 0, "suspended": 0, "retired": 0,
    }
    assert figures["due"] == {"today": 0, "overdue": 0, "tomorrow": 1}
    forecast = {entry["date"]: entry["due"] for entry in figures["forecast"]}
    assert len(figures["forecast"]) == 30 and figures["forecast"][0]["date"] == "2026-11-27"
    assert {day: count for day, count in forecast.items() if count} == {"2026-11-28": 1, "2026-12-03": 4}
    assert {key: figures["reviews"][key] for key in ("today", "last_7_days", "last_30_days")} == {
        "today": 5, "last_7_days": 10, "last_30_days": 10,
    }
    assert figures["retention"]["last_7_days"] == 0.9
    assert figures["retention"]["last_30_days"] == 0.9
    assert figures["retention"]["mature_last_30_days"] is None
    assert figures["streak"] == {"current": 2, "longest": 2}
    assert figures["calendar"] == [{"date": "2026-11-26", "reviews": 5}, {"date": "2026-11-27", "reviews": 5}]
    assert figures["decks"] == [
        {"deck": "Deck", "total": 10, "new": 5, "seen": 5, "due": 0, "mature": 0,
         "retention_30d": 0.9, "mean_easiness": 2.62, "mean_recall": 1.0},
    ]
    assert figures["topics"] == [
        {"deck": "Deck", "topic": "Streams", "total": 5, "seen": 5, "mature": 0, "due": 0,
         "retention_30d": 0.9, "mean_easiness": 2.62, "mean_recall": 1.0},
        {"deck": "Deck", "topic": "Storage", "total": 5, "seen": 0, "mature": 0, "due": 0,
         "retention_30d": None, "mean_easiness": None, "mean_recall": None},
    ]
    hardest = figures["hardest"]
    assert [card["front"] for card in hardest] == ["Term 5"]
    assert hardest[0]["easiness"] == 2.28 and hardest[0]["lapses"] == 0 and hardest[0]["leech"] is False
    assert hardest[0]["context"] == ["Streams"]
    assert hardest[0]["source"]["line"] == 7 and hardest[0]["source"]["file"].endswith("notes.md")


def test_cards_due_today_and_overdue_are_told_apart(run, history, monkeypatch):
    # On 2026-12-03 the history has one card due since 2026-11-28 (overdue) and four due that
    # day: a `<` for `<=` (or the reverse) in any due figure moves a card between them.
    monkeypatch.setenv("MLSFLASH_NOW", "2026-12-03T09:00")
    figures = stats(run)
    assert figures["due"] == {"today": 5, "overdue": 1, "tomorrow": 0}
    assert figures["forecast"][0] == {"date": "2026-12-03", "due": 5}
    assert sum(entry["due"] for entry in figures["forecast"][1:]) == 0
    assert figures["decks"][0]["due"] == 5
    assert [topic["due"] for topic in figures["topics"]] == [5, 0]
    monkeypatch.setenv("MLSFLASH_NOW", "2026-12-02T09:00")
    assert stats(run)["due"] == {"today": 1, "overdue": 1, "tomorrow": 4}


def test_redrills_do_not_count_in_retention_but_count_as_reviews(run, history, monkeypatch):
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-28T09:00")
    run("review", "--new", "0", input="1\n2\n5\n")  # Term 5 lapses, then two re-drills
    figures = stats(run)
    assert figures["reviews"]["today"] == 3
    assert figures["retention"]["last_7_days"] == round(9 / 11, 4)
    assert figures["hardest"][0]["lapses"] == 1


def test_streak_counts_runs_of_study_days(run, history, monkeypatch):
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-28T09:00")
    assert stats(run)["streak"] == {"current": 2, "longest": 2}  # nothing yet today: still running
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-30T09:00")
    assert stats(run)["streak"] == {"current": 0, "longest": 2}


def test_deck_filter_and_unknown_deck(run, history, tmp_path):
    run("import", write_notes(tmp_path, "other.md", "# Other\n* **Lone** - a card\n"))
    assert stats(run)["cards"]["total"] == 11
    other = stats(run, "--deck", "Other")
    assert other["cards"]["total"] == 1 and other["reviews"]["today"] == 0 and other["retention"]["last_7_days"] is None
    assert "Error: no deck named 'Missing'" in run("stats", "--deck", "Missing", code=1).stderr


def test_an_empty_database_gives_zeros_and_nulls(run, env):
    from mlsflash.storage import open_store

    open_store(env).close()
    figures = stats(run)
    assert figures["cards"]["total"] == 0 and figures["due"]["today"] == 0
    assert figures["retention"] == {
        "last_7_days": None, "last_30_days": None, "mature_last_7_days": None, "mature_last_30_days": None,
    }
    assert figures["streak"] == {"current": 0, "longest": 0}
    assert figures["decks"] == [] and figures["topics"] == [] and figures["hardest"] == []
    assert "No cards yet" in run("stats").stdout


def test_terminal_view_at_80_columns_matches_the_snapshot(run, history, tmp_path):
    view = run("stats").stdout.replace(str(tmp_path), "<tmp>")
    assert all(len(line) <= 80 for line in view.splitlines())
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(view, encoding="utf-8")
    assert view == SNAPSHOT.read_text(encoding="utf-8")


def test_every_stats_query_uses_an_index(run, history, env):
    from mlsflash.study import stats as stats_module
    from mlsflash.storage import open_store

    store = open_store(env)
    statements: list[tuple[str, object]] = []
    store.trace = lambda sql, params: statements.append((sql, params))
    stats_module.collect(store, date(2026, 11, 27))
    queries = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(queries) >= 8
    store.trace = None
    with store.read() as connection:
        for sql, params in queries:
            plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            for step in plan:
                if step.startswith("SCAN ") and step.split()[1] in ("c", "r", "cards", "reviews"):
                    assert "INDEX" in step, f"full scan in {sql!r}: {plan}"
    store.close()


# --- the one-screen view on a collection of 200 topics ------------------------------------------

SERVICES = ["Kinesis Data Firehose Delivery Streams", "S3", "Glue", "Athena", "EMR", "Step Functions",
            "Database Migration Service", "Redshift", "Lake Formation", "QuickSight"]
ASPECTS = ["Security", "Pricing", "Limits", "Use Cases", "Monitoring and Troubleshooting", "Formats",
           "Encryption at Rest and in Transit", "Scaling", "Integrations", "Costs"]
VIEW_SNAPSHOTS = {width: Path(__file__).parent / "snapshots" / f"stats_{width}.txt" for width in (100, 40)}
GRADES = "5410045230"  # pairs of cards (one topic) meet different grades: retention 0, 50% or 100%


def topics_notes(deck: str) -> str:
    sections = [f"# {deck}\n"]
    for service in SERVICES:
        sections.append(f"## {service}\n")
        for aspect in ASPECTS:
            sections.append(f"### {aspect}\n* **{service} {aspect} one** - first\n* **{service} {aspect} two** - second\n")
    return "".join(sections)


@pytest.fixture
def two_hundred_topics(run, env, tmp_path, monkeypatch):
    """Two decks of 100 topics (heading › subheading) each, 2 cards a topic, some seen over two
    days. Ids are numbered so that cards of equal EF list in one order (ids are random otherwise)."""
    from itertools import count

    from mlsflash.notes import importer

    numbers = count(1)
    monkeypatch.setattr(importer, "_new_ids", lambda many: [f"{next(numbers):012x}" for _ in range(many)])
    run("import", write_notes(tmp_path, "engineering.md", topics_notes("Data Engineering Notes")))
    run("import", write_notes(tmp_path, "modeling.md", topics_notes("Modeling and Deep Learning Notes")))
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T09:00")
    run("review", "--new", "90", input="".join(f"{GRADES[n % len(GRADES)]}\n" for n in range(90)) + "q\n")
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T09:00")
    run("review", "--new", "30", input="".join(f"{GRADES[n % 5]}\n" for n in range(60)) + "q\n")
    steady_durations(env)


def view(run, monkeypatch, width: int, *args: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(width))
    return run("stats", *args).stdout.splitlines()


def cells(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


def expected_weakest(topics: list[dict]) -> list[str]:
    """The ranking, written independently of stats.weakest_topics: seen topics only, retention
    (missing last), then mean EF, then note order."""
    seen = [topic for topic in topics if topic["seen"]]
    ranked = sorted(seen, key=lambda t: (t["retention_30d"] is None, t["retention_30d"] or 0, t["mean_easiness"]))
    return [topic["topic"] for topic in ranked]


def topic_rows(lines: list[str], title: str) -> list[str]:
    start = next(index for index, line in enumerate(lines) if line.startswith(title)) + 2
    end = next((index for index in range(start, len(lines)) if not lines[index].strip()), len(lines))
    return lines[start:end]


def test_stats_view_at_100_columns_fits_one_screen_weakest_topics_first(run, two_hundred_topics, monkeypatch, tmp_path):
    figures = stats(run)
    assert len(figures["topics"]) == 200 and figures["topics"][0]["topic"] == f"{SERVICES[0]} › {ASPECTS[0]}"
    lines = view(run, monkeypatch, 100)
    assert len(lines) <= 60, len(lines)
    assert all(cells(line) <= 100 for line in lines)
    rows = topic_rows(lines, "Weakest topics")
    weakest = expected_weakest(figures["topics"])
    assert len(rows) == 10 and len(weakest) >= 40
    for row, topic in zip(rows, weakest):  # deck › heading › subheading, the deck cut short when needed
        assert topic.split(" › ")[-1] in row, (row, topic)
    header = lines[next(index for index, line in enumerate(lines) if line.startswith("Weakest topics")) + 1].split()
    column = header.index("retain") - len(header)  # counted from the right: names have spaces
    retention = [int(row.split()[column].rstrip("%")) if row.split()[column] != "-" else 101 for row in rows]
    assert retention == sorted(retention) and retention[0] < retention[-1]
    assert "Weakest topics (10 of" in "\n".join(lines) and "all 200: --topics" in "\n".join(lines)
    text = "\n".join(lines).replace(str(tmp_path), "<tmp>") + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        VIEW_SNAPSHOTS[100].write_text(text, encoding="utf-8")
    assert text == VIEW_SNAPSHOTS[100].read_text(encoding="utf-8")


def words_of(lines: list[str]) -> set[str]:
    return {word for line in lines for word in line.split()}


def test_stats_view_at_40_columns_wraps_no_word(run, two_hundred_topics, monkeypatch, tmp_path):
    wide = words_of(view(run, monkeypatch, 200) + view(run, monkeypatch, 200, "--topics"))
    for args in ((), ("--topics",)):
        lines = view(run, monkeypatch, 40, *args)
        assert all(cells(line) <= 40 for line in lines), [line for line in lines if cells(line) > 40]
        # a word broken by wrapping would be a piece the wide view never shows; shortened names say so with …
        broken = {
            word for word in words_of(lines) - wide
            if "…" not in word and not re.fullmatch(r"[\d%.:-]+|[█▇▆▅▄▃▂▁|·░▒▓]+", word)
        }
        assert broken == set(), broken
    lines = view(run, monkeypatch, 40)
    for title in ("Due in the next 30 days", "Reviews, last 17 weeks", "Decks", "Weakest topics", "Hardest cards"):
        assert any(line.startswith(title) for line in lines), title
    text = "\n".join(lines).replace(str(tmp_path), "<tmp>") + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        VIEW_SNAPSHOTS[40].write_text(text, encoding="utf-8")
    assert text == VIEW_SNAPSHOTS[40].read_text(encoding="utf-8")


def test_stats_topics_lists_every_topic_weakest_first_then_unseen(run, two_hundred_topics, monkeypatch):
    figures = stats(run)
    lines = view(run, monkeypatch, 200, "--topics")
    rows = topic_rows(lines, "Topics")
    assert len(rows) == 200
    weakest = expected_weakest(figures["topics"])
    unseen = [topic["topic"] for topic in figures["topics"] if not topic["seen"]]
    for row, topic in zip(rows, weakest + unseen):
        assert topic in row, (row, topic)


def test_the_view_stays_within_60_lines_with_many_decks(run, two_hundred_topics, monkeypatch):
    from rich.console import Console

    from mlsflash.study import stats as stats_module
    from mlsflash.cli import stats_screen

    figures = stats(run)
    figures["decks"] = [{**figures["decks"][0], "deck": f"Deck {n:02d}"} for n in range(30)]
    figures["hardest"] = (figures["hardest"] * 10)[:10]
    console = Console(width=100, record=True, file=open(os.devnull, "w"), markup=False, highlight=False)
    stats_screen.stats_view(console, figures, stats_module.weakest_topics(figures["topics"]))
    lines = console.export_text().splitlines()
    assert len(lines) <= 60 and "  + 22 more: mlsflash decks, or stats --deck NAME" in lines


@pytest.mark.parametrize(("parts", "width", "shown"), [
    (["Deck", "S3", "Security"], 40, "Deck › S3 › Security"),
    (["Data Engineering Notes", "Kinesis", "Shards"], 30, "Data Engin… › Kinesis › Shards"),
    (["Data Engineering Notes", "Kinesis", "Shards"], 12, "… › Shards"),
    (["D", "Kinesis", "Kinesis Data Firehose"], 24, "Kinesis Data Firehose"),
    (["Kinesis Data Firehose Delivery Streams"], 20, "…Delivery Streams"),
    (["🦊🦊🦊🦊🦊🦊"], 7, "…🦊🦊🦊"),
])
def test_shorten_keeps_the_most_specific_part(parts, width, shown):
    from mlsflash.cli.render import cell_len, shorten

    assert shorten(parts, width) == shown
    assert cell_len(shorten(parts, width)) <= width


# --- the daily sums the triggers keep (review_days) -------------------------------------------


def test_the_daily_sums_follow_every_change_to_the_log(run, env, tmp_path, monkeypatch):
    """Answers, undo, a renamed heading, cards moved to another deck, a hand edit and a deleted
    deck each change the log; the figures read from the sums stay those of the log."""
    import sqlite3

    notes = write_notes(tmp_path, "notes.md", TEN_CARDS)
    run("import", notes)
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T09:00")
    run("review", "--new", "10", input="5\n5\n2\n4\n1\n5\n3\n4\n5\n5\n5\n4\nq\n")
    assert kept_sums(env) == sums_from_the_log(env) and len(kept_sums(env)) == 2

    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T09:00")
    run("review", "--new", "0", input="5\n4\nu\nq\n")  # two answers, the second undone
    assert kept_sums(env) == sums_from_the_log(env)
    figures = stats(run)
    assert figures["reviews"]["today"] == 1 and figures["calendar"][-1] == {"date": "2026-11-27", "reviews": 1}

    notes.write_text(TEN_CARDS.replace("## Streams", "## Flows"), encoding="utf-8")
    run("import", notes)
    assert kept_sums(env) == sums_from_the_log(env)
    topics = {topic["topic"]: topic for topic in stats(run)["topics"]}
    assert "Streams" not in topics and topics["Flows"]["retention_30d"] is not None

    storage = TEN_CARDS[TEN_CARDS.index("## Storage"):]
    notes.write_text(TEN_CARDS[:TEN_CARDS.index("## Storage")].replace("## Streams", "## Flows"), encoding="utf-8")
    other = write_notes(tmp_path, "other.md", "# Other\n" + storage)
    run("import", notes, other)
    assert kept_sums(env) == sums_from_the_log(env)
    moved = stats(run, "--deck", "Other")
    assert moved["reviews"]["last_30_days"] == sum(entry["reviews"] for entry in moved["calendar"]) > 0

    with sqlite3.connect(env) as connection:
        connection.execute("UPDATE reviews SET grade = 1, interval_before = 30 WHERE id % 2 = 0")
        connection.execute("UPDATE reviews SET study_day = '2026-11-20' WHERE id = 1")
    connection.close()
    assert kept_sums(env) == sums_from_the_log(env)
    assert "OK:" in run("check").stdout

    run("decks", "--delete", "Other", "--yes")
    assert kept_sums(env) == sums_from_the_log(env) and kept_sums(env)
    assert {deck for _, deck, _ in kept_sums(env)} == {1}


def test_check_names_daily_sums_that_left_the_log(run, env, tmp_path, monkeypatch):
    import sqlite3

    run("import", write_notes(tmp_path, "notes.md", TEN_CARDS))
    run("review", "--new", "3", input="5\n5\n5\n")
    with sqlite3.connect(env) as connection:
        connection.execute("UPDATE review_days SET passed = passed - 1")
    connection.close()
    result = run("check", code=1)
    assert "Problem: 1 study days whose summed answers (review_days) differ from the log" in result.stderr
