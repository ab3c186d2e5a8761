"""`mlsflash import` of question bank files (`mlsflash: questions`), through the CLI: items,
not cards; explicit ids that keep an item's state through edits; retire and revive;
problems as `file:line: reason`; the bundled bank; `check` over the bank's tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import rows, write_notes

SAMPLE = (Path(__file__).parent / "fixtures" / "bank" / "sample-bank.md").read_text(encoding="utf-8")
ALL_IDS = {"t-1.1-001", "t-1.2-001", "t-3.3-001", "t-2.1-001", "t-cs-4-01-q1", "t-cs-4-01-q2", "t-cs-4-01-q3"}
NOTES = "# Deck\n\n* **Amazon S3** - object storage\n* **AWS Glue** - serverless ETL\n"


def _items(db: Path) -> dict[str, str]:
    return dict(rows(db, "SELECT id, status FROM bank_items"))


def _counts(stdout: str, path: str) -> list[int]:
    """The numbers on the report row of a file: added, updated, same, moved, retired, revived, skipped."""
    line = next(line for line in stdout.splitlines() if line.startswith(path + " "))
    return [int(word) for word in line[len(path):].split()]


def _answer(db: Path, item_id: str) -> None:
    """An item answered once and scheduled, as practice would leave it."""
    connection = sqlite3.connect(db)
    with connection:
        connection.execute(
            "UPDATE bank_items SET repetitions = 1, interval = 1, due = '2026-11-27', last_review = '2026-11-26' "
            "WHERE id = ?", (item_id,),
        )
        connection.execute(
            "INSERT INTO bank_answers (item_id, answered_at, study_day, mode, correct, chosen, duration_ms) "
            "VALUES (?, '2026-11-26T10:00:00', '2026-11-26', 'practice', 1, 'a', 900)", (item_id,),
        )
    connection.close()


def _schedule(db: Path, item_id: str) -> tuple:
    return rows(db, "SELECT repetitions, interval, due, last_review FROM bank_items WHERE id = ?", item_id)[0]


def test_a_bank_file_makes_items_and_no_cards(run, tmp_path: Path, env: Path) -> None:
    bank = write_notes(tmp_path, "bank.md", SAMPLE)
    result = run("import", bank)
    assert _counts(result.stdout, "bank.md") == [7, 0, 0, 0, 0, 0, 0]
    assert "→ question bank" in result.stdout
    assert set(_items(env)) == ALL_IDS
    assert rows(env, "SELECT count(*) FROM cards") == [(0,)]


def test_a_folder_sorts_bank_files_from_notes(run, tmp_path: Path, env: Path) -> None:
    write_notes(tmp_path, "f/bank.md", SAMPLE)
    write_notes(tmp_path, "f/notes.md", NOTES)
    result = run("import", tmp_path / "f")
    assert _counts(result.stdout, "f/bank.md")[0] == 7
    assert _counts(result.stdout, "f/notes.md")[0] == 2
    assert len(_items(env)) == 7
    assert rows(env, "SELECT DISTINCT source_file FROM cards") == [(str((tmp_path / "f" / "notes.md").resolve()),)]


EDITS = [
    ("reworded scenario", "A retailer streams click events to Amazon S3 as Parquet.",
     "An online shop sends its click events to Amazon S3 in Parquet format."),
    ("reordered options",
     "- [x] Send the events to Amazon Data Firehose with record format conversion to Parquet.\n"
     "  - Why: Firehose converts to Parquet and delivers to S3 with no servers.\n",
     ""),  # moved below the last option by the test
    ("changed explanation", "  - Why: the EC2 consumer is infrastructure to run.",
     "  - Why: a consumer on EC2 is a fleet to patch and scale."),
]


@pytest.mark.parametrize(("what", "old", "new"), EDITS, ids=[edit[0] for edit in EDITS])
def test_an_edited_item_keeps_its_id_state_and_answers(run, tmp_path: Path, env: Path, what: str, old: str,
                                                       new: str) -> None:
    bank = write_notes(tmp_path, "bank.md", SAMPLE)
    run("import", bank)
    _answer(env, "t-1.1-001")
    before = _schedule(env, "t-1.1-001")
    body = rows(env, "SELECT body FROM bank_items WHERE id = 't-1.1-001'")
    edited = SAMPLE.replace(old, new, 1)
    if what == "reordered options":
        last = "  - Why: a database is not an ingestion buffer.\n"
        edited = edited.replace(last, last + old, 1)
    assert edited != SAMPLE
    write_notes(tmp_path, "bank.md", edited)
    result = run("import", bank)
    assert _counts(result.stdout, "bank.md") == [0, 1, 6, 0, 0, 0, 0]
    assert _schedule(env, "t-1.1-001") == before
    assert rows(env, "SELECT body FROM bank_items WHERE id = 't-1.1-001'") != body
    assert rows(env, "SELECT item_id FROM bank_answers") == [("t-1.1-001",)]
    assert set(_items(env)) == ALL_IDS and "OK:" in run("check").stdout


def test_a_removed_item_retires_with_its_answers_and_revives_when_restored(run, tmp_path: Path, env: Path) -> None:
    bank = write_notes(tmp_path, "bank.md", SAMPLE)
    run("import", bank)
    _answer(env, "t-3.3-001")
    before = _schedule(env, "t-3.3-001")
    start = SAMPLE.index("## t-3.3-001")
    write_notes(tmp_path, "bank.md", SAMPLE[:start] + SAMPLE[SAMPLE.index("## t-2.1-001"):])
    assert _counts(run("import", bank).stdout, "bank.md") == [0, 0, 6, 0, 1, 0, 0]
    assert _items(env)["t-3.3-001"] == "retired"
    assert rows(env, "SELECT count(*) FROM bank_answers WHERE item_id = 't-3.3-001'") == [(1,)]
    assert "OK:" in run("check").stdout
    write_notes(tmp_path, "bank.md", SAMPLE)
    assert _counts(run("import", bank).stdout, "bank.md") == [0, 0, 6, 0, 0, 1, 0]
    assert _items(env)["t-3.3-001"] == "active" and _schedule(env, "t-3.3-001") == before


def test_malformed_items_are_listed_as_file_line_reason_and_the_rest_imports(run, tmp_path: Path, env: Path) -> None:
    text = SAMPLE.replace("- [x] Send the events", "- [ ] Send the events").replace(
        "- [ ] Write a PySpark", "- [x] Write a PySpark"
    )
    bank = write_notes(tmp_path, "bank.md", text)
    result = run("import", bank)
    assert _counts(result.stdout, "bank.md") == [5, 0, 0, 0, 0, 0, 2]
    assert "Skipped items (2):" in result.stdout
    assert "bank.md:9: t-1.1-001: no key: no option is marked `[x]`" in result.stdout
    assert "bank.md:28: t-1.2-001: 3 keys, but the question says Choose TWO" in result.stdout
    assert set(_items(env)) == ALL_IDS - {"t-1.1-001", "t-1.2-001"}


def test_an_id_held_by_another_bank_file_is_a_duplicate(run, tmp_path: Path, env: Path) -> None:
    run("import", write_notes(tmp_path, "a.md", SAMPLE))
    other = write_notes(tmp_path, "b.md", SAMPLE[: SAMPLE.index("## t-1.2-001")])
    result = run("import", other)
    assert "b.md:9: duplicate id t-1.1-001 (also in a.md)" in result.stdout
    assert rows(env, "SELECT source_file FROM bank_items WHERE id = 't-1.1-001'") == [(str(tmp_path / "a.md"),)]
    # both in one import: the first file by path keeps it
    result = run("import", tmp_path / "b.md", tmp_path / "a.md")
    assert "b.md:9: duplicate id t-1.1-001 (also in a.md:9)" in result.stdout


def test_an_item_moved_to_another_file_keeps_its_state(run, tmp_path: Path, env: Path) -> None:
    head, tail = SAMPLE[: SAMPLE.index("## t-2.1-001")], SAMPLE[SAMPLE.index("## t-2.1-001"):]
    front = SAMPLE[: SAMPLE.index("# Sample bank")]
    run("import", write_notes(tmp_path, "f/a.md", SAMPLE))
    _answer(env, "t-2.1-001")
    before = _schedule(env, "t-2.1-001")
    write_notes(tmp_path, "f/a.md", head)
    write_notes(tmp_path, "f/b.md", front + tail)
    result = run("import", tmp_path / "f")
    assert _counts(result.stdout, "f/a.md") == [0, 0, 3, 0, 0, 0, 0]
    assert _counts(result.stdout, "f/b.md") == [0, 0, 0, 4, 0, 0, 0]
    assert _items(env) == dict.fromkeys(ALL_IDS, "active")
    assert _schedule(env, "t-2.1-001") == before


def test_a_bank_file_gone_from_its_folder_retires_its_items(run, tmp_path: Path, env: Path) -> None:
    bank = write_notes(tmp_path, "f/bank.md", SAMPLE)
    write_notes(tmp_path, "f/notes.md", NOTES)
    run("import", tmp_path / "f")
    bank.unlink()
    result = run("import", tmp_path / "f")
    assert "gone from its folder" in result.stdout
    assert set(_items(env).values()) == {"retired"}
    write_notes(tmp_path, "f/bank.md", SAMPLE)
    assert _counts(run("import", tmp_path / "f").stdout, "f/bank.md")[5] == 7


def test_a_bank_file_turned_notes_makes_no_items(run, tmp_path: Path, env: Path) -> None:
    bank = write_notes(tmp_path, "bank.md", SAMPLE)
    run("import", bank)
    write_notes(tmp_path, "bank.md", SAMPLE.replace("mlsflash: questions\n", ""))
    result = run("import", bank)
    assert "bank.md is no question bank now: its 7 items retired" in result.stdout
    assert set(_items(env).values()) == {"retired"}


def test_a_dry_run_writes_no_items(run, tmp_path: Path, env: Path) -> None:
    run("import", write_notes(tmp_path, "notes.md", NOTES))
    result = run("import", write_notes(tmp_path, "bank.md", SAMPLE), "--dry-run")
    assert _counts(result.stdout, "bank.md")[0] == 7
    assert _items(env) == {}


def test_bundled_imports_the_bank_folder(run, tmp_path: Path, env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsflash.notes import importer

    decks = tmp_path / "shipped"
    write_notes(decks, "deck.md", NOTES)
    write_notes(decks, "bank/mla-c01-9-sample.md", SAMPLE)
    monkeypatch.setattr(importer, "bundled_decks_dir", lambda: decks)
    monkeypatch.setenv("COLUMNS", "120")  # the bundled path on one line
    result = run("import", "--bundled")
    assert _counts(result.stdout, "<bundled>/bank/mla-c01-9-sample.md")[0] == 7
    assert rows(env, "SELECT DISTINCT source_file FROM bank_items") == [("<bundled>/bank/mla-c01-9-sample.md",)]
    assert rows(env, "SELECT count(*) FROM cards") == [(2,)]
    again = run("import", "--bundled").stdout
    assert _counts(again, "2 files unchanged") == [0, 0, 9, 0, 0, 0, 0]


@pytest.mark.parametrize(("problem", "damage"), [
    ("question bank answers that point at no item", "UPDATE bank_answers SET item_id = 'gone'"),
    ("question bank items with an unknown status or type", "UPDATE bank_items SET status = 'paused'"),
    ("question bank items with a schedule out of range", "UPDATE bank_items SET easiness = 100"),
    ("question bank answers with an unknown mode", "UPDATE bank_answers SET mode = 'guess'"),
])
def test_check_names_damage_to_the_bank(run, tmp_path: Path, env: Path, problem: str, damage: str) -> None:
    run("import", write_notes(tmp_path, "bank.md", SAMPLE))
    _answer(env, "t-1.1-001")
    assert "OK:" in run("check").stdout
    connection = sqlite3.connect(env)
    with connection:
        connection.execute(damage)
    connection.close()
    assert problem in run("check", code=1).stderr


@pytest.mark.parametrize("given", ["f/bank.md", "f"], ids=["named", "in its folder"])
def test_a_notes_file_turned_bank_retires_its_cards(run, tmp_path: Path, env: Path, given: str) -> None:
    write_notes(tmp_path, "f/bank.md", NOTES)
    run("import", tmp_path / given)
    assert rows(env, "SELECT count(*) FROM cards WHERE status = 'active'") == [(2,)]
    write_notes(tmp_path, "f/bank.md", SAMPLE)
    result = run("import", tmp_path / given)
    assert "f/bank.md is a question bank now: its cards retire" in result.stdout
    assert rows(env, "SELECT count(*) FROM cards WHERE status = 'active'") == [(0,)]
    assert len(_items(env)) == 7 and "OK:" in run("check").stdout


def test_a_notes_file_turned_bank_whose_cards_moved_says_none_retire(run, tmp_path: Path, env: Path) -> None:
    write_notes(tmp_path, "f/a.md", NOTES)
    write_notes(tmp_path, "f/b.md", SAMPLE)
    run("import", tmp_path / "f")
    write_notes(tmp_path, "f/a.md", SAMPLE)  # the two files swap roles
    write_notes(tmp_path, "f/b.md", NOTES)
    result = run("import", tmp_path / "f")
    assert rows(env, "SELECT count(*) FROM cards WHERE status = 'active'") == [(2,)]
    assert "its cards retire" not in result.stdout
    assert "f/a.md is a question bank now: its cards moved to other files" in result.stdout


@pytest.mark.parametrize("front", ["---\nprofile: mla-c01\nmlsflash: questions\n---\n",
                                   "---\nmlsflash: question\n---\n", "# My bank\n"],
                         ids=["marker not first", "misspelt", "none"])
def test_a_bank_without_its_marker_is_read_as_notes_and_says_so(run, tmp_path: Path, env: Path, front: str) -> None:
    body = SAMPLE.split("---\n", 2)[2]
    result = run("import", write_notes(tmp_path, "bank.md", front + body))
    assert "bank.md: `## ID | TASK | TYPE` headings but no `mlsflash: questions` front matter" in " ".join(
        result.stdout.split())
    assert _items(env) == {}


def test_a_first_review_loads_the_bundled_bank_too(run, tmp_path: Path, env: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsflash.notes import importer

    decks = tmp_path / "shipped"
    write_notes(decks, "deck.md", NOTES)
    write_notes(decks, "bank/mla-c01-9-sample.md", SAMPLE)
    monkeypatch.setattr(importer, "bundled_decks_dir", lambda: decks)
    result = run("review", input="q\n")
    assert "Imported 2 cards in 1 decks and 7 exam questions." in result.stdout + result.stderr
    assert len(_items(env)) == 7
