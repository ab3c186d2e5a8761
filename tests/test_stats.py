"""`mlsflash stats`: exact figures from a known history, the 80-column view, indexed SQL."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from conftest import write_notes

TEN_CARDS = "# Deck\n## Streams\n" + "".join(f"* **Term {n}** - meaning {n}\n" for n in range(1, 6)) + (
    "## Storage\n" + "".join(f"* **Term {n}** - meaning {n}\n" for n in range(6, 11))
)
SNAPSHOT = Path(__file__).parent / "snapshots" / "stats_80.txt"


@pytest.fixture
def history(run, tmp_path, monkeypatch):
    """Day 1: five new cards graded 5,5,5,5,2 (the re-drill left pending); day 2: all five 5."""
    run("import", write_notes(tmp_path, "notes.md", TEN_CARDS))
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T09:00")
    run("review", "--new", "5", input="5\n5\n5\n5\n2\nq\n")
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T09:00")
    run("review", "--new", "0", input="5\n5\n5\n5\n5\n")


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
    from sqlalchemy import event

    from mlsflash import stats as stats_module
    from mlsflash.storage import open_store

    store = open_store(env)
    statements: list[tuple[str, object]] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append((args[2], args[3])))
    stats_module.collect(store, date(2026, 11, 27))
    queries = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(queries) >= 8
    with store.engine.connect() as connection:
        for sql, params in queries:
            plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
            for step in plan:
                if step.startswith("SCAN ") and step.split()[1] in ("c", "r", "cards", "reviews"):
                    assert "INDEX" in step, f"full scan in {sql!r}: {plan}"
    store.close()
