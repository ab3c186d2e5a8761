"""`mlsflash check` names each kind of damage docs/data-safety.md lists, through the CLI.

A collection is imported and answered, then damaged by hand the way a crashed tool, a bad
hand edit or a foreign program could, one way per case; `check` must exit 1 and name it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import write_notes

NOTES = """\
# Deck

## Topic

* **Alpha** - the first letter
* **Bravo** - the second letter
* **Charlie** - the third letter
"""

# (what check says, the damage done to a collection where Alpha and Bravo were answered once)
DAMAGE = [
    ("reviews that point at no card", "UPDATE reviews SET card_id = 'gone' WHERE rowid = 1"),
    ("cards that belong to no deck", "UPDATE cards SET deck_id = 999 WHERE front_plain = 'Charlie'"),
    ("cards with easiness below 1.30", "UPDATE cards SET easiness = 120 WHERE front_plain = 'Alpha'"),
    ("cards with a negative repetition count, interval or lapse count",
     "UPDATE cards SET lapses = -1 WHERE front_plain = 'Alpha'"),
    ("new cards (no due date) that carry a schedule",
     "UPDATE cards SET repetitions = 2 WHERE front_plain = 'Charlie'"),
    ("scheduled cards with an interval below one day", "UPDATE cards SET interval = 0 WHERE front_plain = 'Alpha'"),
    ("cards with an unknown status or direction", "UPDATE cards SET status = 'paused' WHERE front_plain = 'Alpha'"),
    ("reviews with a grade outside 0-5 or an unknown kind", "UPDATE reviews SET kind = 'guess' WHERE rowid = 1"),
    ("study days whose summed answers (review_days) differ from the log", "UPDATE review_days SET answers = 7"),
    ("live cards sharing one identity key in one deck",
     "DROP INDEX ix_cards_deck_identity; "
     "UPDATE cards SET identity = (SELECT identity FROM cards WHERE front_plain = 'Alpha') "
     "WHERE front_plain = 'Bravo'"),
    ("live cards that repeat another's deck, context and front",
     "UPDATE cards SET front = (SELECT front FROM cards WHERE front_plain = 'Alpha') WHERE front_plain = 'Bravo'"),
]


@pytest.fixture
def answered(run, tmp_path: Path, env: Path) -> Path:
    run("import", write_notes(tmp_path, "notes.md", NOTES))
    run("review", "--new", "2", input="4\n4\n")
    assert "OK" in run("check").stdout
    return env


@pytest.mark.parametrize(("problem", "damage"), DAMAGE, ids=[problem for problem, _ in DAMAGE])
def test_check_names_each_kind_of_damage(run, answered: Path, problem: str, damage: str) -> None:
    connection = sqlite3.connect(answered)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.executescript(damage)
        connection.commit()
    finally:
        connection.close()
    result = run("check", code=1)
    assert problem in result.stderr
    assert "Traceback" not in result.stderr
