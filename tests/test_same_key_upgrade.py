"""Revision 0006's same-key merge keeps the card with the most history, and 0013 repairs the
pairs an earlier 0006 merged into the card without it (issue 27).

The fixtures were written by the programs themselves (tests/fixtures/same_key_fixtures.sh
runs them; the notes were /tmp/mlsflash-fixture/kinesis.md, deck AWS):
- same_key_rev0005.db, by the release before the same-key merge (commit 1d559d3, schema
  0005): under one parent `each shard - 1 MB/s in` was suspended and never answered and
  `each shard - 2 MB/s out` answered Easy three times (n=3, interval 17); of
  `default capacity - 4 MB/s in` and `... - 4000 records per second` the first was answered
  three times; of `consumer - 2 MB/s per shard` (suspended, never answered) and
  `consumer - pushed over HTTP/2` (answered three times) the second bullet was deleted and
  the file imported again, which retired it with its history; `Shard` was answered three times.
- same_key_merged_0012.db: that file upgraded by main at 9d8ffc6 (schema 0012), whose 0006
  kept the first card in note order of each pair: `each shard` is the suspended new card.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import kept_sums, rows, sums_from_the_log

FIXTURES = Path(__file__).parent / "fixtures"
OLD_RELEASE = FIXTURES / "same_key_rev0005.db"
MERGED_BY_OLD_0006 = FIXTURES / "same_key_merged_0012.db"
BOTH_ANSWERS = "1 MB/s in\n2 MB/s out"


def _ids(fixture: Path) -> dict[str, str]:
    """Card ids by their own answer, as the old release wrote them (the upgraded copy has the same)."""
    return {back: card_id for card_id, back in rows(fixture, "SELECT id, back_plain FROM cards")}


def _install(fixture: Path, db: Path) -> None:
    db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(fixture, db)


def _cards(export) -> dict[str, dict]:
    return {card["id"]: card for card in export()}


def _reviews(db: Path) -> dict[str, list[tuple]]:
    by_card: dict[str, list[tuple]] = {}
    for card_id, *review in rows(db, "SELECT card_id, study_day, grade, kind FROM reviews ORDER BY id"):
        by_card.setdefault(card_id, []).append(tuple(review))
    return by_card


def _assert_the_reviewed_card_is_live(cards: dict[str, dict], ids: dict[str, str]) -> None:
    reviewed, unreviewed = cards[ids["2 MB/s out"]], cards[ids["1 MB/s in"]]
    assert (reviewed["status"], reviewed["repetitions"], reviewed["interval"], reviewed["due"]) == (
        "review", 3, 17, "2026-11-25"
    )
    assert reviewed["back"] == BOTH_ANSWERS
    assert unreviewed["status"] == "retired" and unreviewed["repetitions"] == 0
    # the pair the old merge got right, and a card the old importer retired, stay as they were
    assert cards[ids["4 MB/s in"]]["status"] == "review"
    assert cards[ids["4000 records per second"]]["status"] == "retired"
    assert cards[ids["2 MB/s per shard"]]["status"] == "suspended"
    assert cards[ids["pushed over HTTP/2"]]["status"] == "retired"


def _assert_consistent(run, db: Path) -> None:
    assert "OK:" in run("check").stdout
    assert kept_sums(db) == sums_from_the_log(db)
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["cards"] == {
        "total": 4, "new": 0, "learning": 0, "young": 3, "mature": 0, "suspended": 1, "retired": 3
    }
    assert stats["reviews"]["last_30_days"] == 12


def test_upgrading_the_old_release_keeps_the_reviewed_card_of_a_same_key_pair(run, env: Path, export) -> None:
    ids = _ids(OLD_RELEASE)
    _install(OLD_RELEASE, env)

    upgrade = run("cards")  # the first command upgrades

    assert (
        f"AWS › Kinesis › Provisioned mode › each shard: kept {ids['2 MB/s out']} (3 answers, last 2026-11-08), "
        f"retired {ids['1 MB/s in']} (never answered, suspended)"
    ) in upgrade.stderr
    cards = _cards(export)
    _assert_the_reviewed_card_is_live(cards, ids)
    assert _reviews(env) == _reviews(OLD_RELEASE)  # every answer stays with its card
    assert len(_reviews(env)[ids["2 MB/s out"]]) == 3
    assert "swapped back" not in upgrade.stderr and "fewer answers" not in upgrade.stderr  # nothing for the repair to do
    _assert_consistent(run, env)


def test_the_repair_swaps_back_a_pair_the_old_upgrade_merged_into_the_unreviewed_card(
    run, env: Path, export
) -> None:
    ids = _ids(OLD_RELEASE)  # the same cards
    before = rows(MERGED_BY_OLD_0006, "SELECT id, status, repetitions FROM cards WHERE back_plain = ?", BOTH_ANSWERS)
    assert before == [(ids["1 MB/s in"], "suspended", 0)]  # what the old 0006 left
    _install(MERGED_BY_OLD_0006, env)
    sums_before = kept_sums(env)

    repair = run("cards")

    assert (
        f"AWS › Kinesis › Provisioned mode › each shard: live {ids['2 MB/s out']} (3 answers, last 2026-11-08), "
        f"retired {ids['1 MB/s in']} (never answered, suspended)"
    ) in repair.stderr
    # the pair the old merge got right and the card the old importer retired are no pairs to repair
    assert ids["4 MB/s in"] not in repair.stderr and ids["pushed over HTTP/2"] not in repair.stderr
    cards = _cards(export)
    _assert_the_reviewed_card_is_live(cards, ids)
    reviewed = cards[ids["2 MB/s out"]]
    assert reviewed["source"]["line"] == 4  # the merged card's place: the first of the two bullets
    assert _reviews(env) == _reviews(MERGED_BY_OLD_0006)
    assert kept_sums(env) == sums_before
    _assert_consistent(run, env)


def test_the_merge_counts_scheduled_answers_then_the_latest_answer(run, env: Path, export) -> None:
    """Re-drills of the unreviewed card do not outweigh the other's scheduled answers; between
    as many scheduled answers, the later last answer wins over note order."""
    ids = _ids(OLD_RELEASE)
    _install(OLD_RELEASE, env)
    answer = (
        "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, repetitions_before,"
        " easiness_before, interval_before, due_before, lapses_before, status_before, leech_before,"
        " repetitions_after, easiness_after, interval_after, due_after, lapses_after, deck_id, topic)"
        " SELECT ?, ?, ?, 4, ?, 1000, 0, 250, 0, NULL, 0, 'active', 0, 0, 250, 0, NULL, 0, deck_id, topic"
        " FROM cards WHERE id = ?"
    )
    with sqlite3.connect(env) as connection:
        for minute in range(5):
            connection.execute(answer, (ids["1 MB/s in"], f"2026-11-09T09:0{minute}:00", "2026-11-09", "redrill",
                                        ids["1 MB/s in"]))
        for day in ("10", "11", "12"):
            connection.execute(answer, (ids["4000 records per second"], f"2026-11-{day}T09:00:00", f"2026-11-{day}",
                                        "scheduled", ids["4000 records per second"]))
    connection.close()

    upgrade = run("cards")

    assert f"kept {ids['4000 records per second']} (3 answers, last 2026-11-12)" in upgrade.stderr
    cards = _cards(export)
    assert cards[ids["2 MB/s out"]]["status"] == "review"
    assert cards[ids["1 MB/s in"]]["status"] == "retired"
    assert cards[ids["4000 records per second"]]["back"] == "4 MB/s in\n4000 records per second"
    assert cards[ids["4 MB/s in"]]["status"] == "retired"
    assert "OK:" in run("check").stdout


@pytest.mark.parametrize("leech", [False, True])
def test_the_repair_puts_a_leech_back_suspended_and_moves_its_reviews_to_the_live_topic(
    run, env: Path, export, leech: bool
) -> None:
    """The card brought back takes the merged card's context (it may differ in case only) and
    its answers move with it in the study-day sums; a leech comes back suspended."""
    ids = _ids(OLD_RELEASE)
    _install(MERGED_BY_OLD_0006, env)
    with sqlite3.connect(env) as connection:
        connection.execute(
            "UPDATE cards SET context = '[\"kinesis\", \"provisioned mode\"]', topic = 'kinesis › provisioned mode',"
            " leech = ? WHERE id = ?",
            (int(leech), ids["2 MB/s out"]),
        )
        connection.execute("UPDATE reviews SET topic = 'kinesis › provisioned mode' WHERE card_id = ?",
                           (ids["2 MB/s out"],))
    connection.close()

    run("cards")

    cards = _cards(export)
    reviewed = cards[ids["2 MB/s out"]]
    assert reviewed["context"] == ["Kinesis", "Provisioned mode"]
    assert reviewed["status"] == ("suspended" if leech else "review")
    assert reviewed["repetitions"] == 3
    assert rows(env, "SELECT DISTINCT topic FROM reviews WHERE card_id = ?", ids["2 MB/s out"]) == [
        ("Kinesis › Provisioned mode",)
    ]
    assert "OK:" in run("check").stdout
    assert kept_sums(env) == sums_from_the_log(env)
