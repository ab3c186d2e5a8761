"""Re-importing notes: identity, edits, moves, renames, retire/revive, decks, options."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import write_notes
from mlsflash.notes.importer import ImportReport, import_notes, read_notes
from mlsflash.storage import open_store

NOTES = """\
# Cloud Basics

## Storage

- **S3** - object storage
  - 11 nines of durability
- **EBS** - block storage for EC2
- `Glacier` -> archive storage

## Streaming

- **Kinesis** - real-time streams
  - **shard** - unit of capacity
- SQS -> message queue
"""


def sync(db: Path, *paths: Path, **options: Any) -> ImportReport:
    store = open_store(db)
    try:
        return import_notes(store, [read_notes(path) for path in paths], **options)
    finally:
        store.close()


def counts(report: ImportReport) -> dict[str, int]:
    names = ("added", "updated", "unchanged", "retired", "revived")
    return {name: report.total(name) for name in names if report.total(name)}


def dump(db: Path, tables: tuple[str, ...] = ("decks", "source_files", "cards", "reviews")) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(db)
    try:
        return {table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}
    finally:
        connection.close()


def by_front(cards: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {card["front"]: card for card in cards if card["direction"] == "forward"}


def give_history(db: Path, card_id: str) -> None:
    """What a review would leave behind: a scheduled card and one answer in `reviews`."""
    connection = sqlite3.connect(db)
    with connection:
        connection.execute(
            "UPDATE cards SET repetitions = 1, easiness = 260, interval = 1, due = '2026-11-27' WHERE id = ?",
            (card_id,),
        )
        connection.execute(
            "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, repetitions_before,"
            " easiness_before, interval_before, due_before, lapses_before, status_before, leech_before,"
            " repetitions_after, easiness_after, interval_after, due_after, lapses_after)"
            " VALUES (?, '2026-11-26T10:00:00', '2026-11-26', 5, 'scheduled', 1000, 0, 250, 0, NULL, 0,"
            " 'active', 0, 1, 260, 1, '2026-11-27', 0)",
            (card_id,),
        )
    connection.close()


def review_card_ids(db: Path) -> list[str]:
    connection = sqlite3.connect(db)
    try:
        return [row[0] for row in connection.execute("SELECT card_id FROM reviews")]
    finally:
        connection.close()


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path, "cloud.md", NOTES)


def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the clock on, so a rewritten timestamp would show up in a dump."""
    monkeypatch.setenv("MLSFLASH_NOW", "2026-12-01T09:00")


def test_first_import_adds_every_card(env: Path, notes: Path, export) -> None:
    report = sync(env, notes)
    assert counts(report) == {"added": 6}
    cards = export()
    assert [card["front"] for card in cards] == ["S3", "EBS", "Glacier", "Kinesis", "shard", "SQS"]
    assert {card["deck"] for card in cards} == {"Cloud Basics"}
    assert len({card["id"] for card in cards}) == 6


def test_unchanged_reimport_reports_unchanged_and_changes_no_row(
    env: Path, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(env, notes)
    before = dump(env)
    later(monkeypatch)
    assert counts(sync(env, notes)) == {"unchanged": 6}
    assert dump(env) == before


def test_reimport_of_reformatted_same_cards_changes_no_card_row(
    env: Path, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file changed (CRLF, a trailing paragraph) but no card did: same rows, all unchanged."""
    sync(env, notes)
    give_history(env, by_front_ids(env)["S3"])
    before = dump(env, ("cards", "reviews"))
    later(monkeypatch)
    notes.write_bytes((NOTES + "\nSome closing prose.\n").replace("\n", "\r\n").encode())
    assert counts(sync(env, notes)) == {"unchanged": 6}
    assert dump(env, ("cards", "reviews")) == before


def by_front_ids(db: Path) -> dict[str, str]:
    connection = sqlite3.connect(db)
    try:
        return dict(connection.execute("SELECT front_plain, id FROM cards WHERE direction = 'forward'").fetchall())
    finally:
        connection.close()


def test_edited_definition_updates_the_same_card_and_keeps_its_history(
    env: Path, notes: Path, export, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(env, notes)
    original = by_front(export())["EBS"]
    give_history(env, original["id"])
    later(monkeypatch)
    write_notes(notes.parent, notes.name, NOTES.replace("block storage for EC2", "block volumes for EC2"))
    assert counts(sync(env, notes)) == {"updated": 1, "unchanged": 5}
    edited = by_front(export())["EBS"]
    assert edited["id"] == original["id"]
    assert edited["back"] == "block volumes for EC2"
    assert (edited["repetitions"], edited["easiness"], edited["interval"], edited["due"]) == (1, 2.6, 1, "2026-11-27")
    assert edited["status"] == "learning"
    assert review_card_ids(env) == [original["id"]]


def test_bullet_moved_under_another_heading_keeps_its_id_and_history(
    env: Path, notes: Path, export
) -> None:
    sync(env, notes)
    original = by_front(export())["EBS"]
    give_history(env, original["id"])
    moved = NOTES.replace("- **EBS** - block storage for EC2\n", "").replace(
        "- SQS -> message queue\n", "- SQS -> message queue\n\n## Compute\n\n- **EBS** - block storage for EC2\n"
    )
    write_notes(notes.parent, notes.name, moved)
    report = sync(env, notes)
    assert report.total("added") == 0 and report.total("retired") == 0
    card = by_front(export())["EBS"]
    assert card["id"] == original["id"]
    assert card["context"] == ["Compute"] and original["context"] == ["Storage"]
    assert card["source"]["line"] == moved.splitlines().index("- **EBS** - block storage for EC2") + 1
    assert card["repetitions"] == 1
    assert review_card_ids(env) == [original["id"]]


def test_renamed_term_with_same_definition_keeps_its_id(env: Path, notes: Path, export) -> None:
    sync(env, notes)
    original = by_front(export())["Kinesis"]
    give_history(env, original["id"])
    write_notes(notes.parent, notes.name, NOTES.replace("**Kinesis** - real", "**Kinesis Data Streams** - real"))
    report = sync(env, notes)
    assert report.total("added") == 0 and report.total("retired") == 0
    cards = by_front(export())
    assert "Kinesis" not in cards
    assert cards["Kinesis Data Streams"]["id"] == original["id"]
    assert cards["Kinesis Data Streams"]["repetitions"] == 1
    # the child's context follows the renamed parent, and it is still the same card
    assert cards["shard"]["context"] == ["Streaming", "Kinesis Data Streams"]
    assert len(export()) == 6


def test_deleted_bullet_is_retired_and_restored_bullet_revives(
    env: Path, notes: Path, export, run
) -> None:
    sync(env, notes)
    original = by_front(export())["SQS"]
    give_history(env, original["id"])

    write_notes(notes.parent, notes.name, NOTES.replace("- SQS -> message queue\n", ""))
    assert counts(sync(env, notes)) == {"unchanged": 5, "retired": 1}
    retired = by_front(export())["SQS"]
    assert retired["id"] == original["id"]
    assert retired["status"] == "retired"
    assert [card["status"] for card in export() if card["front"] != "SQS"] == ["new", "new", "new", "new", "new"]
    assert "SQS" not in run("cards").stdout
    assert review_card_ids(env) == [original["id"]]

    write_notes(notes.parent, notes.name, NOTES)
    assert counts(sync(env, notes)) == {"unchanged": 5, "revived": 1}
    revived = by_front(export())["SQS"]
    assert revived["id"] == original["id"]
    assert revived["status"] == "learning"
    assert revived["repetitions"] == 1


def test_deleted_file_content_retires_only_that_files_cards(env: Path, tmp_path: Path, export) -> None:
    first = write_notes(tmp_path, "a.md", "# Shared\n\n- alpha - a\n")
    second = write_notes(tmp_path, "b.md", "# Shared\n\n- beta - b\n")
    sync(env, first, second)
    write_notes(tmp_path, "a.md", "# Shared\n\nNothing left.\n")
    report = sync(env, first)  # b.md, of the same deck, is read again: nothing of it changes
    assert counts(report) == {"retired": 1, "unchanged": 1}
    assert [file.path.endswith("b.md") for file in report.files] == [False, True]
    assert {card["front"]: card["status"] for card in export()} == {"alpha": "retired", "beta": "new"}


def test_retitled_heading_renames_the_deck_and_keeps_every_card(env: Path, notes: Path, export, run) -> None:
    sync(env, notes)
    ids = [card["id"] for card in export()]
    write_notes(notes.parent, notes.name, NOTES.replace("# Cloud Basics", "# Cloud Fundamentals"))
    report = sync(env, notes)
    assert report.total("added") == 0 and report.total("retired") == 0
    cards = export()
    assert [card["id"] for card in cards] == ids
    assert {card["deck"] for card in cards} == {"Cloud Fundamentals"}
    listing = run("decks").stdout
    assert "Cloud Fundamentals" in listing and "Cloud Basics" not in listing


def test_file_without_title_is_named_after_the_file(env: Path, tmp_path: Path, export) -> None:
    sync(env, write_notes(tmp_path, "glossary.md", "- alpha - a\n"))
    assert export()[0]["deck"] == "glossary"


def test_deck_option_overrides_the_title_and_a_later_one_renames_it(
    env: Path, notes: Path, export, run
) -> None:
    run("import", notes, "--deck", "AWS")
    ids = [card["id"] for card in export()]
    assert {card["deck"] for card in export()} == {"AWS"}
    run("import", notes, "--deck", "AWS MLS")
    assert [card["id"] for card in export()] == ids
    assert {card["deck"] for card in export()} == {"AWS MLS"}
    listing = run("decks").stdout
    assert "AWS MLS" in listing and "Cloud Basics" not in listing
    run("export", "--deck", "AWS", code=1)


def test_reverse_is_remembered_per_deck_until_no_reverse(env: Path, notes: Path, export, run) -> None:
    run("import", notes, "--reverse")
    cards = export()
    reverse = [card for card in cards if card["direction"] == "reverse"]
    assert len(reverse) == 6 and len(cards) == 12
    ebs = next(card for card in reverse if card["back"] == "EBS")
    assert ebs["front"] == "block storage for EC2"
    reverse_ids = {card["id"] for card in reverse}

    # an edit re-imported without the flag keeps the deck's reverse cards
    write_notes(notes.parent, notes.name, NOTES + "- SNS -> notifications\n")
    run("import", notes)
    cards = export()
    assert len([card for card in cards if card["direction"] == "reverse" and card["status"] != "retired"]) == 7
    assert reverse_ids <= {card["id"] for card in cards}

    run("import", notes, "--no-reverse")
    active = [card for card in export() if card["status"] != "retired"]
    assert {card["direction"] for card in active} == {"forward"} and len(active) == 7

    write_notes(notes.parent, notes.name, NOTES)
    run("import", notes)
    active = [card for card in export() if card["status"] != "retired"]
    assert {card["direction"] for card in active} == {"forward"} and len(active) == 6


def test_reverse_is_per_deck(env: Path, tmp_path: Path, export, run) -> None:
    run("import", write_notes(tmp_path, "a.md", "# A\n\n- alpha - a\n"), "--reverse")
    run("import", write_notes(tmp_path, "b.md", "# B\n\n- beta - b\n"))
    assert sorted((card["deck"], card["direction"]) for card in export()) == [
        ("A", "forward"), ("A", "reverse"), ("B", "forward"),
    ]


PROSE_NOTES = "# Infra\n\n- Vault is a store for secrets\n- **Queue** - buffers messages\n"
TABLE_NOTES = "# Infra\n\n| Service | Kind |\n|---|---|\n| Vault | secrets |\n\n- **Queue** - buffers messages\n"


def live_fronts(cards: list[dict[str, Any]]) -> list[str]:
    return sorted(card["front"] for card in cards if card["status"] != "retired")


def test_prose_is_remembered_per_deck_until_no_prose(env: Path, tmp_path: Path, export, run) -> None:
    notes = write_notes(tmp_path, "infra.md", PROSE_NOTES)
    run("import", notes)
    assert live_fronts(export()) == ["Queue"]
    run("import", notes, "--prose")
    cards = export()
    assert live_fronts(cards) == ["Queue", "Vault"]
    vault = next(card for card in cards if card["front"] == "Vault")
    assert vault["back"] == "is a store for secrets"

    write_notes(tmp_path, "infra.md", PROSE_NOTES + "- Ledger is an append-only log\n")
    run("import", notes)  # no flag: the deck still reads prose, and Vault keeps its card
    cards = export()
    assert live_fronts(cards) == ["Ledger", "Queue", "Vault"]
    assert vault["id"] in {card["id"] for card in cards if card["status"] != "retired"}

    run("import", notes, "--no-prose")
    assert live_fronts(export()) == ["Queue"]


def test_a_file_joining_a_prose_deck_is_read_as_prose(env: Path, tmp_path: Path, export, run) -> None:
    run("import", write_notes(tmp_path, "a.md", PROSE_NOTES), "--prose")
    run("import", write_notes(tmp_path, "b.md", "# Infra\n\n- Ledger is an append-only log\n"))
    assert live_fronts(export()) == ["Ledger", "Queue", "Vault"]


def test_tables_are_on_by_default_and_no_tables_is_remembered(env: Path, tmp_path: Path, export, run) -> None:
    notes = write_notes(tmp_path, "infra.md", TABLE_NOTES)
    run("import", notes)
    cards = export()
    assert live_fronts(cards) == ["Queue", "Vault"]
    vault = next(card for card in cards if card["front"] == "Vault")
    assert (vault["back"], vault["context"]) == ("Kind: secrets", ["Service"])

    run("import", notes, "--no-tables")
    assert live_fronts(export()) == ["Queue"]
    write_notes(tmp_path, "infra.md", TABLE_NOTES + "- **Ledger** - append-only log\n")
    run("import", notes)
    assert live_fronts(export()) == ["Ledger", "Queue"]

    run("import", notes, "--tables")
    cards = export()
    assert live_fronts(cards) == ["Ledger", "Queue", "Vault"]
    assert vault["id"] in {card["id"] for card in cards if card["status"] != "retired"}  # revived


def test_dry_run_reports_and_writes_nothing(env: Path, notes: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsflash.storage import open_store

    open_store(env).close()  # a dry run never creates the database (tests/test_database_access.py)
    result = run("import", notes, "--dry-run")
    assert "dry run" in result.stdout.lower()
    assert dump(env) == {"decks": [], "source_files": [], "cards": [], "reviews": []}

    run("import", notes)
    before = dump(env)
    later(monkeypatch)
    write_notes(notes.parent, notes.name, NOTES.replace("# Cloud Basics", "# Renamed").replace("SQS", "Queue"))
    for options in ((), ("--reverse",), ("--deck", "Other")):
        run("import", notes, "--dry-run", *options)
        assert dump(env) == before


def test_dry_run_report_matches_the_real_import(env: Path, notes: Path) -> None:
    dry = sync(env, notes, dry_run=True)
    real = sync(env, notes)
    assert counts(dry) == counts(real) == {"added": 6}
    assert dry.dry_run and not real.dry_run


def test_all_or_nothing_when_a_later_file_is_invalid(env: Path, tmp_path: Path, notes: Path, run) -> None:
    bad = tmp_path / "zz-bad.md"
    bad.write_bytes(b"# Bad\n\n- alpha - caf\xe9\n")
    result = run("import", notes, bad, code=1)
    assert "zz-bad.md" in result.stderr
    assert not env.exists() or dump(env) == {"decks": [], "source_files": [], "cards": [], "reviews": []}


def test_all_or_nothing_keeps_an_existing_collection_untouched(
    env: Path, tmp_path: Path, notes: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("import", notes)
    before = dump(env)
    later(monkeypatch)
    write_notes(notes.parent, notes.name, NOTES.replace("SQS", "Queue"))
    folder = tmp_path / "more"
    write_notes(folder, "a.md", "# More\n\n- alpha - a\n")
    (folder / "b.md").write_bytes(b"\x00\x01binary")
    run("import", notes, folder, code=1)
    assert dump(env) == before


def test_folders_are_imported_recursively(env: Path, tmp_path: Path, export, run) -> None:
    folder = tmp_path / "notes"
    write_notes(folder, "a.md", "# A\n\n- alpha - a\n")
    write_notes(folder, "part/b.markdown", "# B\n\n- beta - b\n")
    write_notes(folder, "part/deeper/c.md", "# C\n\n- gamma - c\n")
    write_notes(folder, "part/ignored.txt", "- delta - d\n")
    run("import", folder)
    assert sorted((card["deck"], card["front"]) for card in export()) == [("A", "alpha"), ("B", "beta"), ("C", "gamma")]
    assert {Path(card["source"]["file"]).name for card in export()} == {"a.md", "b.markdown", "c.md"}


def test_same_file_named_twice_is_imported_once(env: Path, notes: Path, run, export) -> None:
    run("import", notes, notes.parent)
    assert len(export()) == 6


def test_source_is_the_file_and_the_bullet_line(env: Path, notes: Path, export) -> None:
    sync(env, notes)
    card = by_front(export())["shard"]
    assert Path(card["source"]["file"]).resolve() == notes.resolve()
    assert card["source"]["line"] == NOTES.splitlines().index("  - **shard** - unit of capacity") + 1


def test_skipped_bullets_are_reported_with_file_and_line(env: Path, tmp_path: Path, run) -> None:
    path = write_notes(tmp_path, "gaps.md", "# Gaps\n\n- **Scaling** - \n- ok - fine\n")
    result = run("import", path)
    assert "gaps.md:3:" in result.stdout
    report = sync(env, path)
    assert [line.split(": ")[0] for line in report.files[0].skipped] == ["gaps.md:3"]


def test_retired_card_revives_when_its_term_returns_with_a_new_definition(env: Path, notes: Path, export) -> None:
    sync(env, notes)
    original = by_front(export())["SQS"]
    write_notes(notes.parent, notes.name, NOTES.replace("- SQS -> message queue\n", ""))
    sync(env, notes)
    write_notes(notes.parent, notes.name, NOTES.replace("SQS -> message queue", "SQS -> simple queue service"))
    assert counts(sync(env, notes)) == {"unchanged": 5, "revived": 1}
    card = by_front(export())["SQS"]
    assert (card["id"], card["status"], card["back"]) == (original["id"], "new", "simple queue service")


def test_renames_sharing_a_definition_pair_with_the_nearest_card(env: Path, tmp_path: Path, export) -> None:
    path = write_notes(tmp_path, "same.md",
                       "# Same\n\n- alpha - managed by AWS\n- beta - other\n- gamma - managed by AWS\n")
    sync(env, path)
    ids = {card["front"]: card["id"] for card in export()}
    write_notes(tmp_path, "same.md",
                "# Same\n\n- alpha two - managed by AWS\n- beta - other\n- gamma two - managed by AWS\n")
    assert counts(sync(env, path)) == {"updated": 2, "unchanged": 1}
    renamed = {card["front"]: card["id"] for card in export()}
    assert renamed == {"alpha two": ids["alpha"], "beta": ids["beta"], "gamma two": ids["gamma"]}


def test_suspended_card_stays_suspended_when_its_definition_is_edited(env: Path, notes: Path, export, run) -> None:
    sync(env, notes)
    card_id = by_front(export())["EBS"]["id"]
    run("suspend", card_id)
    write_notes(notes.parent, notes.name, NOTES.replace("block storage for EC2", "block volumes"))
    sync(env, notes)
    assert by_front(export())["EBS"]["status"] == "suspended"


def test_retired_card_revives_when_its_definition_returns_under_a_new_term(env: Path, notes: Path, export) -> None:
    sync(env, notes)
    original = by_front(export())["SQS"]
    give_history(env, original["id"])
    write_notes(notes.parent, notes.name, NOTES.replace("- SQS -> message queue\n", ""))
    sync(env, notes)
    write_notes(notes.parent, notes.name, NOTES.replace("SQS -> message queue", "Simple Queue Service -> message queue"))
    assert counts(sync(env, notes)) == {"unchanged": 5, "revived": 1}
    cards = by_front(export())
    assert "SQS" not in cards
    card = cards["Simple Queue Service"]
    assert (card["id"], card["status"], card["repetitions"]) == (original["id"], "learning", 1)


def test_byte_order_mark_does_not_hide_the_title(env: Path, tmp_path: Path, export) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff# Marked Deck\r\n\r\n- alpha - a\r\n".encode())
    sync(env, path)
    assert [(card["deck"], card["front"], card["source"]["line"]) for card in export()] == [("Marked Deck", "alpha", 3)]


def test_retitled_topics_and_decks_take_their_reviews_along(run, tmp_path):
    import json

    notes = write_notes(tmp_path, "n.md", "# Deck\n## Old topic\n* **Alpha** - first\n")
    run("import", notes)
    run("review", input="2\n4\n")
    write_notes(tmp_path, "n.md", "# Renamed deck\n## New topic\n* **Alpha** - first\n")
    run("import", notes)
    figures = json.loads(run("stats", "--json").stdout)
    assert [(topic["deck"], topic["topic"], topic["retention_30d"]) for topic in figures["topics"]] == [
        ("Renamed deck", "New topic", 0.0)
    ]
    assert figures["decks"][0]["retention_30d"] == 0.0
    assert "OK:" in run("check").stdout


def test_a_large_import_parsed_on_every_core_matches_parsing_it_whole(run, tmp_path, export):
    from mlsflash.notes.parser import parse_notes

    sections = []
    for section in range(800):
        items = "".join(f"* **Term {section}-{n}** - meaning {n} of section {section}\n    * detail {n}\n" for n in range(6))
        sections.append(f"## Section {section}\n{items}\n")
    text = "# Large\n" + "".join(sections) + "# Second part\n## Extra\n* **Term 0-0** - repeated under another heading\n"
    notes = write_notes(tmp_path, "large.md", text)
    assert len(text) > 256 * 1024  # big enough for the worker processes
    result = run("import", notes)
    expected = parse_notes(text).drafts
    cards = export()
    assert [(card["front"], card["back"], card["context"], card["source"]["line"]) for card in cards] == [
        (draft.front_plain, draft.back_plain, list(draft.context), draft.line) for draft in expected
    ]
    assert "4801" in result.stdout
    again = run("import", notes)
    assert "4801" in again.stdout and export() == cards


MISSED_STYLE_NOTES = """# Storage
* **Cold Tier**
  * keeps objects offline
* **Warm tier:** S3 Standard-IA
* Hot Data Store (OLTP Hot Store):
  * row store
* POSIX = Portable Operating System Interface
* Elastic MapReduce- manages Hadoop clusters
* EVEN: round-robin distribution
* Elbow method (plot inertia against K)
* **File** (network FS): [Amazon EFS](#efs)
* x = 5
* Use S3 (cheaper) for logs
* Even: a small change matters
* pre- and post-processing steps
* A ledger is an append-only record
"""


def test_the_styles_issue_31_found_missed_become_cards_and_their_look_alikes_do_not(
    tmp_path: Path, run, export
) -> None:
    notes = write_notes(tmp_path, "storage.md", MISSED_STYLE_NOTES)
    run("import", notes)
    cards = {card["front"]: card["back"] for card in export()}
    assert cards == {
        "Cold Tier": "- keeps objects offline",
        "Warm tier": "S3 Standard-IA",
        "Hot Data Store (OLTP Hot Store)": "- row store",
        "POSIX": "Portable Operating System Interface",
        "Elastic MapReduce": "manages Hadoop clusters",
        "EVEN": "round-robin distribution",
        "Elbow method": "plot inertia against K",
        "File (network FS)": "Amazon EFS",
    }
    run("import", notes, "--prose")
    assert {card["front"] for card in export()} - cards.keys() == {"ledger"}
