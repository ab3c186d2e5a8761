"""What the import report tells the learner about cards that moved, through the CLI.

docs/notes-format.md ("Editing notes is safe") promises that moved cards are counted, that `--verbose`
lists each with its old and new place, and that a vanishing card taking the place of a fresh
copy of its bullet is announced. These tests hold it to that.
"""

from __future__ import annotations

from conftest import write_notes

KINESIS = """\
# Streaming

## Kinesis

* **Data Streams** - real-time streaming, shards
* **Firehose** - near real-time delivery to S3
"""
FIREHOSE = "* **Firehose** - near real-time delivery to S3\n"
STORAGE = """\
# Storage

## S3

* **Glacier** - archive storage, minutes to hours
"""


def test_verbose_lists_each_moved_card_with_its_old_and_new_place(tmp_path, run) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", KINESIS)
    write_notes(notes, "storage.md", STORAGE)
    run("import", notes)
    write_notes(notes, "kinesis.md", KINESIS.replace(FIREHOSE, ""))
    write_notes(notes, "storage.md", STORAGE + FIREHOSE)

    quiet = run("import", notes).stdout
    assert "Moved cards" not in quiet  # the list is only asked for with --verbose

    write_notes(notes, "kinesis.md", KINESIS)
    write_notes(notes, "storage.md", STORAGE)
    verbose = run("import", notes, "--verbose").stdout
    (line,) = [line for line in verbose.splitlines() if line.strip().startswith("Firehose:")]
    old_place, new_place = line.split("->")
    assert "storage.md:6" in old_place and "kinesis.md:6" in new_place
    assert "Moved cards (1), history kept:" in verbose


def test_a_vanishing_card_that_takes_the_place_of_a_fresh_copy_says_so(tmp_path, run, export) -> None:
    notes = tmp_path / "notes"
    write_notes(notes, "kinesis.md", KINESIS)
    write_notes(notes, "storage.md", STORAGE)
    run("import", notes)
    run("review", "--new", "10", input="5\n" * 10)
    (firehose,) = [card for card in export() if card["front"] == "Firehose"]

    write_notes(notes, "kinesis.md", KINESIS.replace(FIREHOSE, ""))
    write_notes(notes, "storage.md", STORAGE + FIREHOSE)
    run("import", notes / "storage.md")  # kinesis.md still holds the bullet on record: a fresh card for now
    assert len([card for card in export() if card["front"] == "Firehose"]) == 2

    report = run("import", notes / "kinesis.md").stdout
    assert "Firehose: its history follows the bullet to" in " ".join(report.split())
    (kept,) = [card for card in export() if card["front"] == "Firehose"]
    assert kept["id"] == firehose["id"] and kept["repetitions"] == 1
    assert kept["source"]["file"].endswith("storage.md")
