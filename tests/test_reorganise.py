"""Reorganising notes never loses what was learned: the whole lifecycle through the CLI.

Each test imports real files, reviews them over simulated days (scripted review), then
renames, moves, splits, merges, copies or edits the notes, imports again, and checks through
`export --format json` that every reviewed card kept its id, repetitions, EF, due date and
lapses, and that nothing was added twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import write_notes

KINESIS = """\
# AWS Notes

## Kinesis

* **Data Streams** - real-time streaming, shards
    * **Shard** - 1 MB/s in, 2 MB/s out
* **Firehose** - near real-time delivery to S3
"""

GLUE = """\
# AWS Notes

## Glue

* **Crawler** - infers schemas into the Data Catalog
* **Job bookmark** - remembers processed data
"""

SCHEDULE = ("id", "repetitions", "easiness", "interval", "due", "lapses", "status")


def schedule(cards: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """Per front: what a learner would lose if identity broke."""
    return {card["front"]: tuple(card[key] for key in SCHEDULE) for card in cards if card["status"] != "retired"}


@pytest.fixture
def learn(run, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Two study days: every new card graded 5 on day one, then on day two the first due card
    lapses (1, re-drilled with 4) and the others get 4. Histories differ from card to card."""

    def study() -> None:
        monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
        run("review", "--new", "100", input="5\n" * 100)
        monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")
        run("review", input="1\n" + "4\n" * 100)
        monkeypatch.setenv("MLSFLASH_NOW", "2026-11-28T10:00")

    return study


def reviewed(before: dict[str, tuple[Any, ...]]) -> None:
    assert any(values[1] > 1 for values in before.values()), "the history is not varied enough to test"
    assert any(values[5] > 0 for values in before.values()), "no card lapsed"


@pytest.fixture
def studied(tmp_path, run, export, learn) -> Callable[..., tuple[Path, dict[str, tuple[Any, ...]]]]:
    """notes/ with the given files imported and studied for two days; returns the folder and
    every live card's schedule."""

    def make(**files: str) -> tuple[Path, dict[str, tuple[Any, ...]]]:
        notes = tmp_path / "notes"
        for name, text in files.items():
            write_notes(notes, f"{name}.md", text)
        run("import", notes)
        learn()
        return notes, schedule(export())

    return make


def test_renaming_a_file_inside_an_imported_folder_keeps_every_card(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    reviewed(before)
    (notes / "kinesis.md").rename(notes / "streaming.md")
    result = run("import", notes)
    after = export()
    assert schedule(after) == before
    assert all(card["status"] != "retired" for card in after)
    moved = [card for card in after if card["source"]["file"].endswith("streaming.md")]
    assert len(moved) == 3
    assert "moved" in result.stdout


def test_renaming_a_file_whose_deck_is_its_name_keeps_every_card(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS.replace("# AWS Notes\n", ""))
    (notes / "kinesis.md").rename(notes / "streaming.md")
    run("import", notes)
    after = export()
    assert schedule(after) == before
    assert {card["deck"] for card in after} == {"streaming"}
    decks = run("decks").stdout
    assert "streaming" in decks and "kinesis" not in decks  # the emptied deck is gone


def test_moving_a_file_into_a_subfolder_keeps_every_card(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS)
    (notes / "aws").mkdir()
    shutil.move(notes / "kinesis.md", notes / "aws" / "kinesis.md")
    run("import", notes)
    assert schedule(export()) == before
    assert "no longer exists" not in run("check").stderr


def test_splitting_a_file_in_two_keeps_every_card(run, export, studied) -> None:
    notes, before = studied(aws=KINESIS + "\n" + GLUE.replace("# AWS Notes\n", ""))
    assert len(before) == 5
    write_notes(notes, "aws.md", KINESIS)
    write_notes(notes, "glue.md", GLUE.replace("# AWS Notes\n", ""))  # no title: a deck of its own
    run("import", notes)
    after = export()
    assert schedule(after) == before
    assert {card["deck"] for card in after if card["front"] == "Crawler"} == {"glue"}


def test_merging_two_files_into_one_keeps_every_card(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    write_notes(notes, "kinesis.md", KINESIS + "\n" + GLUE.replace("# AWS Notes\n", ""))
    (notes / "glue.md").unlink()
    run("import", notes)
    after = export()
    assert schedule(after) == before
    assert {card["source"]["file"] for card in after} == {str((notes / "kinesis.md").resolve())}


def test_a_bullet_moved_to_another_file_keeps_its_card_even_when_only_that_file_is_imported(
    run, export, studied
) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    write_notes(notes, "kinesis.md", KINESIS.replace("* **Firehose** - near real-time delivery to S3\n", ""))
    write_notes(notes, "glue.md", GLUE + "\n## Kinesis\n\n* **Firehose** - near real-time delivery to S3\n")
    run("import", notes / "glue.md")  # the card is found in the deck, wherever it came from
    assert schedule(export()) == before
    run("import", notes / "kinesis.md")
    after = export()
    assert schedule(after) == before
    (firehose,) = [card for card in after if card["front"] == "Firehose"]
    assert firehose["source"]["file"].endswith("glue.md")


STORAGE = """\
# Storage

## S3

* **Glacier** - archive storage, minutes to hours
"""
FIREHOSE = "* **Firehose** - near real-time delivery to S3\n"


@pytest.mark.parametrize("new_file_first", [True, False], ids=["new-file-first", "old-file-first"])
@pytest.mark.parametrize("destination", ["another deck", "same deck, other heading"])
def test_a_bullet_moved_between_files_imported_one_at_a_time_keeps_its_history(
    run, export, studied, new_file_first: bool, destination: str
) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE, storage=STORAGE)
    reviewed(before)
    assert before["Firehose"][1] > 0  # answered: there is history to lose
    write_notes(notes, "kinesis.md", KINESIS.replace(FIREHOSE, ""))
    if destination == "another deck":
        write_notes(notes, "storage.md", STORAGE + FIREHOSE)
        new_file = notes / "storage.md"
    else:
        write_notes(notes, "glue.md", GLUE + "\n## Delivery\n\n" + FIREHOSE)
        new_file = notes / "glue.md"
    for path in (new_file, notes / "kinesis.md") if new_file_first else (notes / "kinesis.md", new_file):
        run("import", path)
    after = export()
    firehoses = [card for card in after if card["front"] == "Firehose"]
    assert [card["id"] for card in firehoses] == [before["Firehose"][0]]  # one card, the old one
    (firehose,) = firehoses
    assert firehose["status"] != "retired"
    assert firehose["source"]["file"] == str(new_file.resolve())
    assert schedule(after) == before
    run("import", notes)  # the whole folder afterwards changes nothing
    assert schedule(export()) == before
    assert "OK" in run("check").stdout


def test_a_moved_bullet_imported_first_in_its_new_file_then_with_the_folder_keeps_its_history(
    run, export, studied
) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    write_notes(notes, "kinesis.md", KINESIS.replace(FIREHOSE, ""))
    write_notes(notes, "glue.md", GLUE + "\n## Delivery\n\n" + FIREHOSE)
    run("import", notes / "glue.md")  # a fresh card for now: kinesis.md still has its bullet on record
    result = run("import", notes)
    after = export()
    assert [card["id"] for card in after if card["front"] == "Firehose"] == [before["Firehose"][0]]
    assert schedule(after) == before
    assert "moved" in result.stdout


@pytest.mark.parametrize("where", ["another deck", "same deck, other heading", "same deck, later import"])
def test_a_new_term_with_a_trivial_shared_definition_never_takes_a_deleted_cards_history(
    run, export, studied, where: str
) -> None:
    notes, before = studied(kinesis=KINESIS + "* **Encryption at rest** - yes\n", glue=GLUE, storage=STORAGE)
    assert before["Encryption at rest"][1] > 0
    write_notes(notes, "kinesis.md", KINESIS)  # deleted on purpose
    if where == "another deck":
        write_notes(notes, "storage.md", STORAGE + "* **Object Lock** - yes\n")
    elif where == "same deck, other heading":
        write_notes(notes, "glue.md", GLUE + "* **Schema Registry** - yes\n")
    else:
        run("import", notes)
        write_notes(notes, "glue.md", GLUE + "* **Schema Registry** - yes\n")
    run("import", notes)
    after = export()
    (new,) = [card for card in after if card["front"] in ("Object Lock", "Schema Registry")]
    assert new["id"] != before["Encryption at rest"][0] and new["repetitions"] == 0 and new["due"] is None
    (old,) = [card for card in after if card["front"] == "Encryption at rest"]
    assert old["status"] == "retired" and old["repetitions"] == before["Encryption at rest"][1]


def test_a_copy_imported_alone_then_retitled_and_deleted_leaves_the_original_its_cards(
    run, export, studied
) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    shutil.copy(notes / "kinesis.md", notes / "v2.md")
    run("import", notes / "v2.md")
    write_notes(notes, "v2.md", KINESIS.replace("# AWS Notes", "# AWS Notes v2"))
    run("import", notes / "v2.md")
    after = export()
    assert schedule([card for card in after if card["deck"] == "AWS Notes"]) == before  # the original's, intact
    assert {card["repetitions"] for card in after if card["deck"] == "AWS Notes v2"} == {0}  # new cards
    (notes / "v2.md").unlink()
    run("import", notes)
    assert schedule(export()) == before


def test_a_bullet_two_files_of_a_deck_hold_keeps_its_card_when_one_file_drops_it(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    write_notes(notes, "zz.md", "# AWS Notes\n\n## Kinesis\n\n" + FIREHOSE)
    run("import", notes)
    write_notes(notes, "kinesis.md", KINESIS.replace(FIREHOSE, ""))
    run("import", notes / "kinesis.md")  # zz.md, of the same deck, still holds the bullet
    after = export()
    assert schedule(after) == before
    (firehose,) = [card for card in after if card["front"] == "Firehose"]
    assert firehose["source"]["file"] == str((notes / "zz.md").resolve())


def test_same_term_bullets_split_over_files_imported_one_at_a_time_keep_both_answers(
    tmp_path, run, export, learn
) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", "# AWS\n\n## Kinesis\n\n* **throughput**:\n"
                "  * **each shard** - 1 MB/s in\n  * **each shard** - 2 MB/s out\n")
    run("import", notes)
    learn()
    before = schedule(export())
    write_notes(notes, "kinesis.md", "# AWS\n\n## Kinesis\n\n* **throughput**:\n  * **each shard** - 1 MB/s in\n")
    write_notes(notes, "k2.md", "# AWS\n\n## Kinesis\n\n* **throughput**:\n  * **each shard** - 2 MB/s out\n")
    run("import", notes / "k2.md")
    run("import", notes / "kinesis.md")
    run("import", notes)
    after = export()
    assert schedule(after) == before
    (shard,) = [card for card in after if card["front"] == "each shard"]
    assert shard["back"] == "2 MB/s out\n1 MB/s in"  # files in path order: k2.md, then kinesis.md


def test_a_moved_bullet_whose_new_card_was_already_answered_keeps_both_histories_apart(
    run, export, studied, monkeypatch
) -> None:
    notes, before = studied(kinesis=KINESIS, storage=STORAGE)
    write_notes(notes, "kinesis.md", KINESIS.replace(FIREHOSE, ""))
    write_notes(notes, "storage.md", STORAGE + FIREHOSE)
    run("import", notes / "storage.md")
    run("review", "--new", "100", input="5\n" * 100)  # the new Firehose card gets its own answer
    run("import", notes / "kinesis.md")
    after = export()
    live = [card for card in after if card["front"] == "Firehose" and card["status"] != "retired"]
    retired = [card for card in after if card["front"] == "Firehose" and card["status"] == "retired"]
    assert len(live) == 1 and live[0]["id"] != before["Firehose"][0] and live[0]["repetitions"] == 1
    assert [card["id"] for card in retired] == [before["Firehose"][0]]  # kept with its reviews, not merged


def test_a_file_renamed_with_its_heading_and_imported_by_its_new_name_keeps_every_card(
    tmp_path, run, export, learn
) -> None:
    old = write_notes(tmp_path, "kinesis.md", KINESIS)
    run("import", old)
    learn()
    before = schedule(export())
    new = tmp_path / "streaming.md"
    new.write_text(KINESIS.replace("## Kinesis", "## Streaming [data]"), encoding="utf-8")
    old.unlink()
    result = run("import", new)
    assert "gone" in result.stdout
    cards = export()
    assert schedule(cards) == before  # each card kept its id and schedule: none new beside it
    assert {card["status"] for card in cards} != {"retired"} and len(cards) == len(before)
    assert all(card["context"][0] == "Streaming [data]" for card in cards)


@pytest.mark.parametrize("glue_title", ["# AWS Notes", "# Glue"])  # the old deck keeps a file, or had only this one
def test_a_file_renamed_and_retitled_then_imported_by_its_new_name_moves_every_card(
    run, export, studied, monkeypatch, glue_title
) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE.replace("# AWS Notes", glue_title))
    reviewed(before)
    (notes / "kinesis.md").rename(notes / "streaming.md")
    write_notes(notes, "streaming.md", KINESIS.replace("# AWS Notes", "# Streaming"))
    result = run("import", notes / "streaming.md")
    (row,) = [line.split() for line in result.stdout.splitlines() if "streaming.md" in line]
    assert row[1:] == ["0", "0", "0", "3", "0", "0", "0"]  # added, updated, same, moved, retired, revived, skipped
    after = export()
    assert schedule(after) == before and len(after) == len(before)  # no copy beside the originals
    assert {card["deck"] for card in after} == {"Streaming", glue_title[2:]}
    due = sum(1 for values in before.values() if values[4] <= "2026-11-28")
    shown = run("review", "--new", "100", input="5\n" * 100).stdout
    assert f"Reviewed {due} card(s)" in shown  # each question once: no new copy asked beside its original
    answered = schedule(export())
    run("import", notes)
    assert schedule(export()) == answered  # the answered cards stay live, none retired
    assert all(card["status"] != "retired" for card in export())


@pytest.mark.parametrize("by", ["file", "folder"])
def test_a_reverse_deck_s_file_renamed_and_retitled_keeps_its_reverse_cards(
    tmp_path, run, export, learn, monkeypatch, by
) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", KINESIS)
    run("import", notes, "--reverse")
    learn()
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-29T10:00")
    run("review", "--new", "100", input="4\n" * 100)  # the reverse cards' first answers
    before = schedule(export())
    reverse = ("real-time streaming, shards", "1 MB/s in, 2 MB/s out", "near real-time delivery to S3")
    assert len(before) == 6 and any(before[front][6] != "new" for front in reverse)
    (notes / "kinesis.md").rename(notes / "streaming.md")
    write_notes(notes, "streaming.md", KINESIS.replace("# AWS Notes", "# Streaming"))
    result = run("import", notes / "streaming.md" if by == "file" else notes)
    after = export()
    assert schedule(after) == before  # the reverse cards too: none retired with its history
    assert {card["deck"] for card in after} == {"Streaming"}
    assert "retired" not in {card["status"] for card in after}
    (row,) = [line.split() for line in result.stdout.splitlines() if "streaming.md" in line]
    assert row[1:] == ["0", "0", "0", "6", "0", "0", "0"]


def test_a_file_gone_from_disk_that_shares_no_bullet_with_the_import_keeps_its_cards(
    tmp_path, run, export, studied
) -> None:
    notes, before = studied(kinesis=KINESIS)
    other = write_notes(tmp_path / "elsewhere", "glue.md", GLUE.replace("# AWS Notes", "# Glue"))
    run("import", other)
    other.unlink()  # on a drive not mounted now, say
    write_notes(notes, "kinesis.md", KINESIS + "* **Shard iterator** - a position in a shard\n")
    run("import", notes / "kinesis.md")
    assert {card["front"]: card["status"] for card in export() if card["deck"] == "Glue"} == {
        "Crawler": "new", "Job bookmark": "new"
    }  # not retired


def test_a_deleted_file_retires_its_cards_and_restoring_it_revives_them(tmp_path, run, export, learn) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", KINESIS)
    write_notes(notes, "glue.md", GLUE)
    run("import", notes)
    learn()
    before = {card["id"]: card for card in export()}
    (notes / "glue.md").unlink()
    result = run("import", notes)
    assert "gone" in result.stdout
    retired = [card for card in export() if card["status"] == "retired"]
    assert {card["front"] for card in retired} == {"Crawler", "Job bookmark"}
    write_notes(notes, "glue.md", GLUE)
    run("import", notes)
    after = {card["id"]: card for card in export()}
    assert after.keys() == before.keys()
    for card_id, card in before.items():
        assert [after[card_id][key] for key in SCHEDULE] == [card[key] for key in SCHEDULE]


@pytest.mark.parametrize("deleted", ["first", "second"])
def test_same_term_under_one_parent_is_one_card_and_survives_deleting_either_bullet(
    tmp_path, run, export, learn, deleted: str
) -> None:
    text = "# Streams\n\n* **each shard**\n    * **throughput** - 1 MB/s in\n    * **throughput** - 2 MB/s out\n"
    notes = write_notes(tmp_path, "notes.md", text)
    run("import", notes)
    (card,) = [card for card in export() if card["front"] == "throughput"]
    assert card["back"] == "1 MB/s in\n2 MB/s out"
    learn()
    before = schedule(export())
    keep = "2 MB/s out" if deleted == "first" else "1 MB/s in"
    write_notes(tmp_path, "notes.md", text.replace(f"    * **throughput** - {'1 MB/s in' if deleted == 'first' else '2 MB/s out'}\n", ""))
    run("import", notes)
    after = export()
    assert schedule(after) == before
    (card,) = [card for card in after if card["front"] == "throughput"]
    assert card["back"] == keep
    assert [c for c in after if c["status"] == "retired"] == []


def test_a_copy_of_a_file_under_another_path_is_one_set_of_cards_with_a_warning(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS.replace("# AWS Notes\n", ""))  # deck named by the file
    shutil.copy(notes / "kinesis.md", notes / "kinesis copy.md")
    result = run("import", notes)
    assert "kinesis copy.md has the same content as" in result.stdout and "kinesis.md" in result.stdout
    assert schedule(export()) == before
    assert len(export()) == 3
    assert {card["source"]["file"] for card in export()} == {str((notes / "kinesis.md").resolve())}


def test_bullets_repeated_in_two_files_of_one_deck_are_one_card_with_a_warning(tmp_path, run, export) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "a.md", KINESIS)
    write_notes(notes, "b.md", KINESIS + "* **Extra** - only here\n")
    result = run("import", notes)
    assert "b.md: 3 bullets repeat cards of" in result.stdout
    assert sorted(card["front"] for card in export()) == ["Data Streams", "Extra", "Firehose", "Shard"]


def test_a_folder_reached_twice_through_a_symlink_is_imported_once(tmp_path, run, export) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", KINESIS)
    (tmp_path / "again").symlink_to(notes)
    result = run("import", notes, tmp_path / "again")
    assert len(export()) == 3
    assert f"{tmp_path / 'again'} is {notes} reached by another path" in " ".join(result.stdout.split())


def test_one_folder_linked_twice_inside_the_notes_is_read_once_not_a_loop(tmp_path, run, export) -> None:
    write_notes(tmp_path / "shared", "kinesis.md", KINESIS)
    notes = tmp_path / "notes"
    write_notes(notes, "glue.md", GLUE)
    (notes / "a").symlink_to(tmp_path / "shared")
    (notes / "b").symlink_to(tmp_path / "shared")
    result = run("import", notes)
    assert sorted(card["front"] for card in export()) == ["Crawler", "Data Streams", "Firehose", "Job bookmark", "Shard"]
    assert "reached by another path" in result.stdout and "b is" in result.stdout


def test_a_link_back_to_an_enclosing_folder_is_a_loop_and_nothing_is_imported(tmp_path, run, export) -> None:
    notes = tmp_path / "notes"
    write_notes(notes / "deep", "kinesis.md", KINESIS)
    (notes / "deep" / "up").symlink_to(notes)
    result = run("import", notes, code=1)
    assert "symbolic link loop" in result.stderr


def test_deleting_the_original_of_two_identical_copies_keeps_every_card(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    shutil.copy(notes / "kinesis.md", notes / "kinesis-copy.md")
    run("import", notes)
    (notes / "kinesis.md").unlink()
    run("import", notes)
    after = export()
    assert schedule(after) == before
    assert {card["source"]["file"] for card in after if card["front"] == "Firehose"} == {
        str((notes / "kinesis-copy.md").resolve())
    }
    run("import", notes)  # and again: nothing changes
    assert schedule(export()) == before


def test_a_scratch_copy_imported_alone_then_deleted_keeps_every_card(run, export, studied) -> None:
    notes, before = studied(kinesis=KINESIS, glue=GLUE)
    shutil.copy(notes / "kinesis.md", notes / "scratch.md")
    run("import", notes / "scratch.md")
    (notes / "scratch.md").unlink()
    run("import", notes)
    after = export()
    assert schedule(after) == before
    assert {card["source"]["file"] for card in after if card["front"] == "Firehose"} == {
        str((notes / "kinesis.md").resolve())
    }


def test_twelve_levels_of_nesting_all_become_cards(tmp_path, run, export) -> None:
    text = "# Deep\n\n" + "".join(f"{'    ' * level}* **level {level}** - meaning {level}\n" for level in range(12))
    run("import", write_notes(tmp_path, "deep.md", text))
    cards = export()
    assert len(cards) == 12
    deepest = next(card for card in cards if card["front"] == "level 11")
    assert deepest["context"] == [f"level {level}" for level in range(11)]


def test_nesting_beyond_what_can_be_read_is_reported_by_line(tmp_path, run, export) -> None:
    text = "# Deep\n\n" + "".join(f"{'  ' * level}- **t{level}** - d{level}\n" for level in range(120))
    result = run("import", write_notes(tmp_path, "deep.md", text))
    assert "deep.md:102: nested more than 99 levels deep" in result.stdout
    assert len(export()) == 99


def test_yaml_front_matter_is_skipped_and_its_title_names_the_deck(tmp_path, run, export) -> None:
    text = "---\ntitle: \"Streaming Notes\"\ntags: [aws, kinesis]\nsummary: a - b\n---\n\n## Kinesis\n\n* **Shard** - unit\n"
    run("import", write_notes(tmp_path, "notes.md", text))
    (card,) = export()
    assert card["deck"] == "Streaming Notes"
    assert card["context"] == ["Kinesis"]
    assert card["source"]["line"] == 9


def test_a_heading_still_names_the_deck_over_front_matter(tmp_path, run, export) -> None:
    text = "---\ntitle: Ignored\n---\n# Real Title\n\n* **Shard** - unit\n"
    run("import", write_notes(tmp_path, "notes.md", text))
    assert [card["deck"] for card in export()] == ["Real Title"]


def test_zero_width_characters_never_reach_a_card(tmp_path, run, export, learn) -> None:
    clean = "# Deck\n\n## Kinesis\n\n* **Shard** - unit of capacity\n"
    pasted = "\ufeff# Deck\n\n## Kine\u200bsis\n\n* **Sh\u2060ard\u00ad\u200b** - unit\u200b of ca\u00adpacity\n"
    notes = write_notes(tmp_path, "notes.md", clean)
    run("import", notes)
    learn()
    before = schedule(export())
    write_notes(tmp_path, "notes.md", pasted)
    run("import", notes)
    (card,) = export()
    assert (card["front"], card["back"], card["context"]) == ("Shard", "unit of capacity", ["Kinesis"])
    assert schedule([card]) == before
    assert run("cards", "--search", "Shard").stdout.count("Shard") >= 1


def test_renaming_a_heading_keeps_every_card_below_it(tmp_path, run, export, learn) -> None:
    notes = write_notes(tmp_path, "notes.md", KINESIS)
    run("import", notes)
    learn()
    before = schedule(export())
    write_notes(tmp_path, "notes.md", KINESIS.replace("## Kinesis", "## Amazon Kinesis"))
    run("import", notes)
    after = export()
    assert schedule(after) == before
    assert {card["context"][0] for card in after} == {"Amazon Kinesis"}


def test_check_reports_cards_whose_file_is_gone(tmp_path, run) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", KINESIS)
    run("import", notes)
    (notes / "kinesis.md").unlink()
    result = run("check")
    assert "3 live cards whose notes file no longer exists" in result.stderr
    assert "OK" in result.stdout


def test_a_file_with_old_mac_line_endings_keeps_its_cards(tmp_path, run, export) -> None:
    run("import", write_notes(tmp_path, "mac.md", KINESIS.replace("\n", "\r")))
    assert sorted(card["front"] for card in export()) == ["Data Streams", "Firehose", "Shard"]
    assert {card["deck"] for card in export()} == {"AWS Notes"}


def test_a_leading_horizontal_rule_is_not_front_matter(tmp_path, run, export) -> None:
    run("import", write_notes(tmp_path, "rule.md", "---\n" + KINESIS + "\n---\n\n* **After** - the rule\n"))
    assert sorted(card["front"] for card in export()) == ["After", "Data Streams", "Firehose", "Shard"]
    assert {card["deck"] for card in export()} == {"AWS Notes"}


def test_a_list_item_whose_only_child_is_empty_is_not_a_list_card(tmp_path, run, export) -> None:
    result = run("import", write_notes(tmp_path, "e.md", "* S3: \n\n    * \n"))
    assert export() == []
    assert "e.md:1:" in result.stdout


def test_a_broken_link_inside_the_folder_is_skipped_with_a_note(tmp_path, run, export) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "glue.md", GLUE)
    (notes / "gone.md").symlink_to(tmp_path / "moved-away.md")
    result = run("import", notes)
    assert "gone.md is a broken symbolic link: skipped" in " ".join(result.stdout.split())
    assert len(export()) == 2


def test_a_pipe_inside_the_folder_is_skipped_with_a_note_instead_of_waiting_for_a_writer(tmp_path, env) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "glue.md", GLUE)
    os.mkfifo(notes / "pipe.md")
    # A real process with a timeout: an import that opened the pipe would wait forever.
    result = subprocess.run([sys.executable, "-m", "mlsflash", "import", str(notes)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "pipe.md is not a regular file (a pipe, a device or a socket): skipped" in " ".join(result.stdout.split())
    assert "added" in result.stdout and "glue.md" in result.stdout


def test_reverse_cards_are_not_made_for_a_definition_several_terms_share(tmp_path, run, export) -> None:
    notes = write_notes(tmp_path, "k.md", "# S\n\n## Kinesis\n\n* **Encryption at rest** - yes\n"
                                          "* **Retention** - yes\n* **Shard** - unit of capacity\n")
    result = run("import", "--reverse", notes)
    assert "k.md:5: no reverse card: 2 terms here share the definition 'yes'" in result.stdout
    fronts = sorted(card["front"] for card in export())
    assert fronts == ["Encryption at rest", "Retention", "Shard", "unit of capacity"]
    assert run("check").stdout.startswith("OK")


def test_same_term_and_answer_under_two_parents_keep_their_own_histories_when_positions_shift(
    tmp_path, run, export, monkeypatch
) -> None:
    """Two `rate` cards with the same answer under different parents; the heading is renamed
    and bullets are added above one of them, so positions shift: each keeps its own history."""
    before = "# Deck\n\n## SF\n\n* **Standard** - long workflows\n  * **rate** - 2000 per second\n" \
             "* **Express** - short workflows\n  * **rate** - 2000 per second\n"
    notes = write_notes(tmp_path, "deck.md", before)
    run("import", notes)
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    # Note order: Standard, its rate, Express, its rate. The rates differ: 5 then 1 (re-drilled 4).
    run("review", "--new", "10", input="4\n5\n4\n1\n4\n")
    cards = {(tuple(card["context"]), card["front"]): card for card in export()}
    standard_rate = cards[(("SF", "Standard"), "rate")]
    express_rate = cards[(("SF", "Express"), "rate")]
    assert standard_rate["easiness"] != express_rate["easiness"]
    after = before.replace("## SF", "## Step Functions").replace(
        "* **Standard** - long workflows\n", "* **Standard** - long workflows\n  * **mode** - synchronous\n"
        "  * **history** - 90 days\n")
    notes.write_text(after, encoding="utf-8")
    run("import", notes)
    now = {(tuple(card["context"]), card["front"]): card for card in export() if card["status"] != "retired"}
    for context, old in ((("Step Functions", "Standard"), standard_rate), (("Step Functions", "Express"), express_rate)):
        card = now[(context, "rate")]
        assert (card["id"], card["easiness"], card["repetitions"]) == (old["id"], old["easiness"], old["repetitions"])


# --- a suspension (and the leech mark) through retire, revive, move and merge --------------

STREAMS = "# AWS Notes\n\n## Kinesis\n\n* **Firehose** - near real-time delivery to S3\n* **Shard** - 1 MB/s in\n"
FIREHOSE_LINE = "* **Firehose** - near real-time delivery to S3\n"
HELD = ("id", "status", "leech", "repetitions", "interval", "due", "lapses")


def held(export, front: str) -> tuple[Any, ...]:
    (card,) = [card for card in export() if card["front"] == front and card["status"] != "retired"]
    return tuple(card[key] for key in HELD)


@pytest.fixture
def suspended(run, export, monkeypatch) -> Callable[[str, str], tuple[Any, ...]]:
    """After a day of answers, `front`'s card suspended by hand or as a leech (every card
    failed once with leech_lapses 1, the others unsuspended); returns what it holds."""

    def make(front: str, how: str) -> tuple[Any, ...]:
        ids = {card["front"]: card["id"] for card in export() if card["status"] != "retired"}
        run("review", "--new", "100", input="5\n" * 100)
        if how == "by hand":
            run("suspend", ids[front])
        else:
            run("config", "leech_lapses", "1")
            monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")
            run("review", input="1\n" * 100)
            run("unsuspend", *(card_id for name, card_id in ids.items() if name != front))
        state = held(export, front)
        assert state[1:3] == ("suspended", how == "as a leech")
        return state

    return make


def never_asked(run, monkeypatch, front: str) -> None:
    monkeypatch.setenv("MLSFLASH_NOW", "2027-06-01T10:00")
    assert f"Q: {front}" not in run("review", "--new", "100", input="5\n" * 100).stdout


@pytest.mark.parametrize("how", ["by hand", "as a leech"])
def test_a_suspended_card_whose_bullet_is_deleted_then_restored_comes_back_suspended(
    tmp_path, run, export, suspended, monkeypatch, how
) -> None:
    notes = write_notes(tmp_path, "kinesis.md", STREAMS)
    run("import", notes)
    before = suspended("Firehose", how)
    write_notes(tmp_path, "kinesis.md", STREAMS.replace(FIREHOSE_LINE, ""))
    (row,) = [line.split() for line in run("import", notes).stdout.splitlines() if "kinesis.md" in line]
    assert row[5] == "1"  # retired
    write_notes(tmp_path, "kinesis.md", STREAMS)
    run("import", notes)
    assert held(export, "Firehose") == before  # revived with its history, still suspended
    never_asked(run, monkeypatch, "Firehose")


@pytest.mark.parametrize("order", ["the folder", "its old file first", "its new file first"])
@pytest.mark.parametrize("how", ["by hand", "as a leech"])
def test_a_suspended_card_moved_to_another_decks_file_stays_suspended(
    tmp_path, run, export, suspended, monkeypatch, how, order
) -> None:
    notes = tmp_path / "notes"
    old = write_notes(notes, "kinesis.md", STREAMS)
    new = write_notes(notes, "glue.md", "# Glue\n\n* **Crawler** - infers schemas into the Data Catalog\n")
    run("import", notes)
    before = suspended("Firehose", how)
    write_notes(notes, "kinesis.md", STREAMS.replace(FIREHOSE_LINE, ""))
    write_notes(notes, "glue.md", new.read_text(encoding="utf-8") + FIREHOSE_LINE)
    imports = {"the folder": [notes], "its old file first": [old, new], "its new file first": [new, old]}[order]
    for path in imports:
        run("import", path)
    assert held(export, "Firehose") == before
    assert {card["deck"] for card in export() if card["front"] == "Firehose" and card["status"] != "retired"} == {
        "Glue"
    }
    never_asked(run, monkeypatch, "Firehose")


@pytest.mark.parametrize("how", ["by hand", "as a leech"])
def test_a_suspended_card_merged_with_the_same_bullet_of_another_deck_keeps_the_merged_card_suspended(
    tmp_path, run, export, monkeypatch, how
) -> None:
    notes = tmp_path / "notes"
    one = write_notes(notes, "a.md", "# A\n\n" + FIREHOSE_LINE)
    write_notes(notes, "b.md", "# B\n\n" + FIREHOSE_LINE)
    run("import", notes)
    ids = {card["deck"]: card["id"] for card in export()}
    run("review", "--new", "100", input="5\n" * 100)
    if how == "by hand":
        run("suspend", ids["A"])
    else:
        run("config", "leech_lapses", "1")
        monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T10:00")
        run("review", input="1\n" * 100)
        run("unsuspend", ids["B"])
    write_notes(notes, "a.md", "# B\n\n" + FIREHOSE_LINE)  # a.md joins deck B: one card for the bullet
    result = run("import", one)
    (card,) = [card for card in export() if card["status"] != "retired"]
    assert (card["status"], card["leech"]) == ("suspended", how == "as a leech")
    assert "Firehose: suspended, as the card of" in " ".join(result.stdout.split())
    never_asked(run, monkeypatch, "Firehose")


def test_deleting_a_suspended_bullet_leaves_the_same_bullet_of_another_deck_in_review(tmp_path, run, export) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "a.md", "# A\n\n" + FIREHOSE_LINE + "* **Shard** - 1 MB/s in\n")
    write_notes(notes, "b.md", "# B\n\n" + FIREHOSE_LINE)
    run("import", notes)
    run("review", "--new", "100", input="5\n" * 100)  # B's card answered: it is no new card A's could replace
    run("suspend", *(card["id"] for card in export() if card["deck"] == "A" and card["front"] == "Firehose"))
    write_notes(notes, "a.md", "# A\n\n* **Shard** - 1 MB/s in\n")
    result = run("import", notes)
    assert "merged" not in result.stdout  # no merge: the bullet left deck A
    assert {(card["deck"], card["status"]) for card in export() if card["front"] == "Firehose"} == {
        ("A", "retired"), ("B", "learning")
    }


def test_retitling_a_reverse_deck_fed_by_several_files_keeps_its_reverse_cards(
    tmp_path, run, export, learn, monkeypatch
) -> None:
    """Every file of the deck retitled alike: the files move to a new deck, which did not have
    the old deck's --reverse, so every reverse card retired with its history."""
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", KINESIS)
    write_notes(notes, "glue.md", GLUE)
    run("import", notes, "--reverse")
    learn()
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-29T10:00")
    run("review", "--new", "100", input="4\n" * 100)  # the reverse cards' first answers
    cards = export()
    assert any(card["direction"] == "reverse" and card["status"] != "new" for card in cards)
    before = schedule(cards)
    assert len(before) == 10
    for name, text in (("kinesis.md", KINESIS), ("glue.md", GLUE)):
        write_notes(notes, name, text.replace("# AWS Notes", "# Cloud Notes"))
    run("import", notes)
    after = export()
    assert schedule(after) == before  # none retired, reverse ones included
    assert {card["deck"] for card in after} == {"Cloud Notes"}


def test_renaming_an_untitled_file_and_editing_its_definitions_keeps_every_card(run, export, studied) -> None:
    # Identity step 2 (same key, another deck): the deck follows the file's name, and with
    # every definition edited the new file holds no bullet of the old one, so nothing else
    # tells that `beta.md` was `alpha.md` (a file that kept one bullet would be a rename).
    notes, before = studied(alpha=KINESIS.replace("# AWS Notes\n", ""))
    reviewed(before)
    (notes / "alpha.md").unlink()
    edited = KINESIS.replace("# AWS Notes\n", "")
    for old, new in (("shards", "many shards"), ("2 MB/s out", "2 MB/s out each"), ("to S3", "to S3 in batches")):
        edited = edited.replace(old, new)
    write_notes(notes, "beta.md", edited)
    run("import", notes)
    after = export()
    assert {card["deck"] for card in after} == {"beta"}
    assert [card["front"] for card in after if card["status"] == "retired"] == []
    assert schedule(after) == before


S3_SECURITY = """\
# S3

## Security

- Encryption at rest - yes
- Glacier Vault Lock - kept 9 days
- Versioning - kept 30 days
"""


def test_a_renamed_term_keeps_its_history_only_when_its_definition_has_12_characters(
    run, export, studied
) -> None:
    # Same deck, same heading: only the definition can tell a renamed term. "yes" (3
    # characters) and "kept 9 days" (11) say too little; "kept 30 days" (12) is enough.
    notes, before = studied(s3=S3_SECURITY)
    renamed = (
        S3_SECURITY.replace("Encryption at rest", "Object Lock")
        .replace("Glacier Vault Lock", "Retention")
        .replace("Versioning", "Bucket versioning")
    )
    write_notes(notes, "s3.md", renamed)
    run("import", notes)
    after = {card["front"]: card for card in export()}
    for old, new in (("Encryption at rest", "Object Lock"), ("Glacier Vault Lock", "Retention")):
        assert after[old]["status"] == "retired" and after[old]["id"] == before[old][0]
        assert after[new]["status"] == "new" and after[new]["repetitions"] == 0
    assert "Versioning" not in after
    assert schedule(export())["Bucket versioning"] == before["Versioning"]
