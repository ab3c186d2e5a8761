"""Migration 0007 (memory states replayed from the log), `reschedule` and `optimize`."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import fsrs_rs_python
import pytest

from conftest import kept_sums, sums_from_the_log, write_notes
from mlsflash.scheduling import memory, sm2
from mlsflash.model import ReviewState
from mlsflash.storage import open_store

FIXTURE = Path(__file__).parent / "fixtures" / "rev0001.db"
NEW_COLUMNS = {"stability", "difficulty", "stability_before", "difficulty_before", "stability_after",
               "difficulty_after",
               "prose", "tables",  # the deck options revision 0011 adds
               "retired_suspended",  # revision 0014: whether a retired card was suspended
               "deck_from_option"}  # revision 0015: the file's remembered --deck


def _chain(engine, start, answers):
    """Independent replay: fsrs-rs's next_states, one answer at a time. answers: (grade, days)."""
    state = start
    for grade, days in answers:
        states = engine.next_states(state, 0.9, days)
        state = (states.again, states.hard, states.good, states.easy)[max(1, grade - 1) - 1].memory
    return state


def expected_memory(path: Path) -> dict[str, tuple[float, float] | None]:
    engine = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS)
    with sqlite3.connect(path) as connection:
        cards = connection.execute("SELECT id, easiness, interval, due FROM cards").fetchall()
        reviews = connection.execute(
            "SELECT card_id, study_day, grade, due_before, interval_before, easiness_before FROM reviews "
            "WHERE kind = 'scheduled' ORDER BY study_day, id"
        ).fetchall()
    result: dict[str, tuple[float, float] | None] = {}
    for card_id, easiness, interval, due in cards:
        if due is None:
            result[card_id] = None
            continue
        log = [row for row in reviews if row[0] == card_id]
        if not log:
            state = engine.memory_state_from_sm2(easiness / 100, interval, 0.9)
        else:
            start, previous = None, date.fromisoformat(log[0][1])
            if log[0][3] is not None:
                start = engine.memory_state_from_sm2(log[0][5] / 100, log[0][4], 0.9)
                previous = date.fromisoformat(log[0][3]) - timedelta(days=log[0][4])
            answers = []
            for _, day, grade, *_ in log:
                answers.append((grade, (date.fromisoformat(day) - previous).days))
                previous = date.fromisoformat(day)
            state = _chain(engine, start, answers)
        result[card_id] = (state.stability, state.difficulty)
    return result


def stored_memory(path: Path) -> dict[str, tuple[float, float] | None]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT id, stability, difficulty FROM cards").fetchall()
    return {card_id: None if stability is None else (stability, difficulty) for card_id, stability, difficulty in rows}


def upgrade_to(path: Path, revision: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from mlsflash.storage.migrate import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def everything_but_memory(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        snapshot = {}
        for table in tables:
            if table == "alembic_version":
                continue
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info('{table}')") if row[1] not in NEW_COLUMNS]
            order = ", ".join(str(position) for position in range(1, len(columns) + 1))  # some have no rowid
            snapshot[table] = connection.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
    return snapshot


def _migrate_and_check(path: Path, tmp_path: Path) -> None:
    before = everything_but_memory(path)
    expected = expected_memory(path)
    open_store(path).close()
    assert stored_memory(path) == expected
    after = everything_but_memory(path)
    assert {table: after[table] for table in before} == before
    later = after.keys() - before.keys() - {"review_days"}
    assert all(after[table] == [] for table in later)  # later revisions' tables
    assert kept_sums(path) == sums_from_the_log(path) and kept_sums(path)  # derived from the log by 0012
    (backup,) = tmp_path.glob(f"{path.name}.backup-*")
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0006_deck_identity",)


def test_migration_0007_on_the_first_revision_fixture(tmp_path, monkeypatch):
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    upgrade_to(path, "0006_deck_identity")
    expected = expected_memory(path)
    assert sum(state is not None for state in expected.values()) == 4
    _migrate_and_check(path, tmp_path)


def _generated_collection(path: Path, cards: int = 300, seed: int = 3) -> None:
    """Cards answered day by day under SM-2 as the program logs them (re-drills included),
    plus cards whose older answers are not logged, scheduled cards without a log, new cards."""
    rng = random.Random(seed)
    upgrade_to(path, "0006_deck_identity")
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO decks (id, name, reverse, created_at) VALUES (1, 'D', 0, 't')")
    for index in range(cards):
        card_id = f"card{index:04d}"
        state, day, rows = ReviewState(), date(2025, 1, 1) + timedelta(days=rng.randint(0, 30)), []
        kind = index % 10
        if kind == 9:  # answers older than the log
            state = ReviewState(repetitions=3, easiness=rng.randint(150, 280), interval=rng.randint(6, 30),
                                due=day)
        for _ in range(0 if kind == 8 else rng.randint(1, 12)):
            grade = rng.choice((1, 2, 3, 4, 4, 5))
            after = sm2.review(state, grade, day).after
            rows.append((card_id, day, grade, "scheduled", state, after))
            if grade < 3:
                rows.append((card_id, day, 4, "redrill", after, after))
            state, day = after, after.due + timedelta(days=rng.choice((0, 0, 1, 5)))
        if kind == 8 and index % 20 == 8:  # scheduled, but nothing logged
            state = ReviewState(repetitions=2, easiness=230, interval=6, due=date(2025, 3, 1))
        connection.execute(
            "INSERT INTO cards (id, deck_id, source_file, source_line, position, identity, definition_key, direction,"
            " context, topic, front, back, front_plain, back_plain, status, leech, repetitions, easiness, interval,"
            " due, lapses, created_at, updated_at) VALUES (?, 1, '/n.md', ?, ?, ?, 'd', 'forward', '[\"T\"]', 'T',"
            " 'f', 'b', 'f', 'b', 'active', 0, ?, ?, ?, ?, ?, 't', 't')",
            (card_id, index + 1, index, f"t\x1f{index}\x1fforward", state.repetitions, state.easiness, state.interval,
             state.due.isoformat() if state.due else None, state.lapses),
        )
        for card, on, grade, kind_, before, after in rows:
            connection.execute(
                "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, repetitions_before,"
                " easiness_before, interval_before, due_before, lapses_before, status_before, leech_before,"
                " repetitions_after, easiness_after, interval_after, due_after, lapses_after, deck_id, topic)"
                " VALUES (?, 't', ?, ?, ?, 1000, ?, ?, ?, ?, ?, 'active', 0, ?, ?, ?, ?, ?, 1, 'T')",
                (card, on.isoformat(), grade, kind_, before.repetitions, before.easiness, before.interval,
                 before.due.isoformat() if before.due else None, before.lapses, after.repetitions, after.easiness,
                 after.interval, after.due.isoformat() if after.due else None, after.lapses),
            )
    connection.commit()
    connection.close()


def test_migration_0007_on_a_generated_collection(tmp_path, monkeypatch):
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    path = tmp_path / "generated.db"
    _generated_collection(path)
    expected = expected_memory(path)
    assert sum(state is None for state in expected.values()) >= 10  # new cards stay NULL
    _migrate_and_check(path, tmp_path)


def test_the_program_replay_equals_the_migration(tmp_path, monkeypatch):
    from mlsflash.scheduling import history

    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    path = tmp_path / "generated.db"
    _generated_collection(path, cards=120, seed=9)
    store = open_store(path)
    migrated = stored_memory(path)
    with store.write() as connection:
        connection.execute("UPDATE cards SET stability = NULL, difficulty = NULL")
        history.recompute_memory(connection, None)
    store.close()
    assert stored_memory(path) == migrated


# --- reschedule ----------------------------------------------------------------------------

NOTES = "# Deck\n## T\n" + "".join(f"* **Term {n}** - meaning {n}\n" for n in range(1, 9))


def _sm2_history(run, monkeypatch, tmp_path):
    run("import", write_notes(tmp_path, "notes.md", NOTES))
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    run("review", input="5\n4\n3\n5\n4\n5\n3\n4\n")
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")
    run("review", input="5\n5\n4\n3\n5\n4\n4\n5\n")


def test_reschedule_under_sm2_after_sm2_moves_nothing(run, export, monkeypatch, tmp_path):
    _sm2_history(run, monkeypatch, tmp_path)
    before = export()
    assert run("reschedule").stdout.startswith("Moved 0 of 8 scheduled cards under sm2.")
    assert export() == before


def test_reschedule_under_fsrs_dry_run_then_for_real(run, export, monkeypatch, tmp_path):
    _sm2_history(run, monkeypatch, tmp_path)
    run("config", "scheduler", "fsrs")
    before = export()
    dry = run("reschedule", "--dry-run").stdout
    assert dry.startswith("Would move 8 of 8 scheduled cards under fsrs.")
    assert export() == before
    real = run("reschedule").stdout
    assert real.replace("Moved", "Would move", 1) == dry
    for old, card in zip(before, export()):
        last = date.fromisoformat(old["due"]) - timedelta(days=old["interval"])
        interval = memory.whole_days(memory.interval_for(card["stability"], 0.9))
        assert card["interval"] == interval
        assert card["due"] == (last + timedelta(days=interval)).isoformat()
    run("config", "scheduler", "sm2")
    run("reschedule")  # back: SM-2 recomputes its own intervals from the log
    assert [(card["interval"], card["due"]) for card in export()] == [(c["interval"], c["due"]) for c in before]


# --- optimize ------------------------------------------------------------------------------

TRUE_PARAMETERS = list(fsrs_rs_python.DEFAULT_PARAMETERS)
for _index, _scale in ((0, 4.0), (1, 4.0), (2, 3.0), (3, 2.0), (8, 0.7)):
    TRUE_PARAMETERS[_index] *= _scale


def _simulated_learner(path: Path, cards: int, answers: int, seed: int = 5) -> None:
    """A learner whose memory follows TRUE_PARAMETERS, answering each card on its FSRS due day."""
    rng = random.Random(seed)
    engine = fsrs_rs_python.FSRS(TRUE_PARAMETERS)
    open_store(path).close()
    connection = sqlite3.connect(path)
    connection.execute("INSERT INTO decks (id, name, reverse, created_at) VALUES (1, 'D', 0, 't')")
    start = date(2025, 1, 1)
    for index in range(cards):
        card_id = f"sim{index:04d}"
        state, elapsed, day, logged = None, 0, start, []
        before = ReviewState()
        for _ in range(answers):
            if state is None:
                grade = rng.choice((1, 3, 4, 4, 4, 5))
            else:
                recall = (1 + (0.9 ** (-1 / TRUE_PARAMETERS[20]) - 1) * elapsed / state.stability) ** -TRUE_PARAMETERS[20]
                grade = 1 if rng.random() > recall else rng.choice((3, 4, 4, 4, 5))
            states = engine.next_states(state, 0.9, elapsed)
            chosen = (states.again, states.hard, states.good, states.easy)[max(1, grade - 1) - 1]
            state, elapsed = chosen.memory, max(1, int(chosen.interval + 0.5))
            after = ReviewState(1, 250, elapsed, day + timedelta(days=elapsed))
            logged.append((card_id, day.isoformat(), grade, before, after))
            before, day = after, after.due
        connection.execute(
            "INSERT INTO cards (id, deck_id, source_file, source_line, position, identity, definition_key, direction,"
            " context, topic, front, back, front_plain, back_plain, status, leech, repetitions, easiness, interval,"
            " due, lapses, created_at, updated_at) VALUES (?, 1, '/n.md', ?, ?, ?, 'd', 'forward', '[\"T\"]', 'T',"
            " 'f', 'b', 'f', 'b', 'active', 0, 1, 250, ?, ?, 0, 't', 't')",
            (card_id, index + 1, index, f"t\x1f{index}\x1fforward", before.interval, before.due.isoformat()),
        )
        connection.executemany(
            "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, repetitions_before,"
            " easiness_before, interval_before, due_before, lapses_before, status_before, leech_before,"
            " repetitions_after, easiness_after, interval_after, due_after, lapses_after, deck_id, topic)"
            " VALUES (?, 't', ?, ?, 'scheduled', 1000, ?, 250, ?, ?, 0, 'active', 0, 1, 250, ?, ?, 0, 1, 'T')",
            [(card, on, grade, b.repetitions, b.interval, b.due.isoformat() if b.due else None, a.interval,
              a.due.isoformat()) for card, on, grade, b, a in logged],
        )
    connection.commit()
    connection.close()


@pytest.mark.parametrize("command", [("optimize", "--reset"), ("reschedule",)])
def test_a_collection_without_a_scheduled_card_is_no_error(run, tmp_path, command):
    run("import", write_notes(tmp_path, "notes.md", "# D\n\n* term - meaning\n"))
    run(*command)  # exits 0: nothing to replay is nothing to save


def test_optimize_refuses_below_400_reviews(run, env):
    _simulated_learner(env, cards=30, answers=13)  # 390
    result = run("optimize", code=1)
    assert result.stderr.startswith("Error: optimize needs at least 400 scheduled reviews; the log has 390")
    assert "Hint:" in result.stderr and "Traceback" not in result.stderr


def test_optimize_on_first_answers_only_says_what_fsrs_needs(run, env, tmp_path, monkeypatch):
    """450 cards answered once each: enough answers, but none a day after another answer."""
    bullets = "".join(f"* term {n} - meaning {n}\n" for n in range(450))
    run("import", write_notes(tmp_path, "notes.md", "# D\n" + bullets))
    run("review", "--new", "450", input="4\n" * 450)
    result = run("optimize", code=1)
    assert result.stderr.splitlines()[0] == "Error: FSRS needs cards answered on at least two days; 0 of 450 are"
    assert result.stderr.splitlines()[1].startswith("Hint: ") and "Traceback" not in result.stderr
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")  # the day they fall due: 30 answered again
    run("review", "--limit", "30", input="4\n" * 30)
    assert "Fitted to 480 scheduled reviews." in run("optimize").stdout


def test_optimize_says_what_fsrs_needs_when_its_pre_training_finds_too_little(run, env, monkeypatch):
    """fsrs-rs's own NotEnoughData (no first interval answered often enough; a log written in
    review order always has one, so the engine's refusal is simulated here)."""
    _simulated_learner(env, cards=30, answers=14)

    def not_enough(_items):
        raise ValueError("NotEnoughData")

    monkeypatch.setattr(memory, "fit", not_enough)
    result = run("optimize", code=1)
    assert result.stderr.splitlines()[0] == (
        "Error: FSRS needs more cards answered again after the same number of days; "
        "30 of 30 are answered on at least two days, too few at any one interval"
    )


def test_optimize_fits_the_learner_and_later_answers_use_it(run, env, export, monkeypatch):
    _simulated_learner(env, cards=150, answers=15)  # 2,250 reviews
    output = run("optimize").stdout
    assert "Fitted to 2250 scheduled reviews." in output and "Stored" in output
    before, after = (float(line.split("log loss ")[1].split(",")[0]) for line in output.splitlines()[1:3])
    assert after < before
    with sqlite3.connect(env) as connection:
        stored = json.loads(connection.execute("SELECT value FROM settings WHERE key = 'fsrs_parameters'").fetchone()[0])
    assert len(stored) == 21 and stored != pytest.approx(list(fsrs_rs_python.DEFAULT_PARAMETERS))
    # memory states were recomputed with the fitted parameters
    engine = fsrs_rs_python.FSRS(stored)
    with sqlite3.connect(env) as connection:
        stability, difficulty = connection.execute("SELECT stability, difficulty FROM cards WHERE id = 'sim0000'").fetchone()
        answers = connection.execute(
            "SELECT grade, interval_before FROM reviews WHERE card_id = 'sim0000' ORDER BY id").fetchall()
    replayed = _chain(engine, None, [(grade, interval) for grade, interval in answers])
    assert (stability, difficulty) == (replayed.stability, replayed.difficulty)
    # the next answer uses them: memory and interval from next_states with the stored parameters
    run("config", "scheduler", "fsrs")
    monkeypatch.setenv("MLSFLASH_NOW", "2027-06-01T10:00")
    run("review", "--new", "0", "--limit", "1", input="4\n")
    with sqlite3.connect(env) as connection:
        row = connection.execute(
            "SELECT stability_before, difficulty_before, stability_after, difficulty_after, interval_after,"
            " julianday(study_day) - julianday(due_before) + interval_before"
            " FROM reviews WHERE stability_after IS NOT NULL"
        ).fetchone()
    start = fsrs_rs_python.MemoryState(row[0], row[1])
    expected = engine.next_states(start, 0.9, int(row[5])).good
    assert (row[2], row[3]) == (expected.memory.stability, expected.memory.difficulty)
    assert row[4] == max(1, int(expected.interval + 0.5))
    default = fsrs_rs_python.FSRS(fsrs_rs_python.DEFAULT_PARAMETERS).next_states(start, 0.9, int(row[5])).good
    assert row[2] != pytest.approx(default.memory.stability, rel=1e-3)
    # --reset goes back to the defaults
    assert "reset to the defaults" in run("optimize", "--reset").stdout
    with sqlite3.connect(env) as connection:
        assert connection.execute("SELECT count(*) FROM settings WHERE key = 'fsrs_parameters'").fetchone() == (0,)
