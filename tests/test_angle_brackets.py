"""Text in angle brackets is what the learner typed (`s3://<bucket-name>/<key>`, `List<String>`):
shown on every screen, in every export and in exam questions. Only the formatting tags the
docs/notes-format.md lists (and HTML comments) are read as HTML."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import rows, write_notes
from test_apkg import anki_collection, anki_notes, check_package, export_apkg, import_package

PLACEHOLDERS = """\
# Placeholders

## Keys <key>
* **S3 URI** - s3://<bucket-name>/<key> addresses an object
* List<String> - a generic list of strings
* **Role ARN** - arn:aws:iam::<account-id>:role/<role-name>
* **Bucket policy** - a JSON document attached to a bucket
"""

TYPED = {
    "S3 URI": "s3://<bucket-name>/<key> addresses an object",
    "List<String>": "a generic list of strings",
    "Role ARN": "arn:aws:iam::<account-id>:role/<role-name>",
    "Bucket policy": "a JSON document attached to a bucket",
}


def test_text_in_angle_brackets_is_shown_on_every_screen_and_in_every_export(
    run, export, tmp_path: Path
) -> None:
    notes = write_notes(tmp_path, "placeholders.md", PLACEHOLDERS)
    assert "skipped" not in run("import", notes).stdout.split("\n", 2)[-1]

    cards = export()
    assert {card["front"]: card["back"] for card in cards} == TYPED
    assert all(card["context"] == ["Keys <key>"] for card in cards)
    table = list(csv.DictReader(io.StringIO(run("export", "--format", "csv").stdout)))
    assert {row["front"]: (row["back"], row["context"]) for row in table} == {
        front: (back, "Keys <key>") for front, back in TYPED.items()
    }

    review = run("review", input="4\n" * len(TYPED)).stdout
    assert "A: s3://<bucket-name>/<key> addresses an object" in review
    assert "Q: List<String>" in review and "arn:aws:iam::<account-id>:role/<role-name>" in review
    assert "Keys <key>" in review and "s3:///" not in review
    assert "List<String>  [Keys <key>]" in run("cards").stdout
    assert "Keys <key>" in run("stats").stdout

    asked = [json.loads(line) for line in run(
        "exam", "practice", "--deck", "Placeholders", "--count", "4", "--seed", "1", input="a\n" * 4
    ).stdout.splitlines()]
    shown = {text for line in asked if "stem" in line for text in (line["stem"], *line["options"])}
    assert TYPED["S3 URI"] in shown and TYPED["Role ARN"] in shown
    assert not any("s3:///" in text or text.startswith("arn:aws:iam:::role") for text in shown)

    with anki_collection(tmp_path / "anki") as collection:
        import_package(collection, export_apkg(run, tmp_path / "placeholders.apkg"))
        check_package(collection, export())
        notes_in_anki = {note.fields["Id"]: note for note in anki_notes(collection).values()}
        answers = {note.fields["Id"]: note.card.answer() for note in notes_in_anki.values()}
    by_front = {card["front"]: card["id"] for card in cards}
    s3 = notes_in_anki[by_front["S3 URI"]]
    assert s3.fields["Back"] == "<div>s3://&lt;bucket-name&gt;/&lt;key&gt; addresses an object</div>"
    assert s3.fields["Context"] == "Keys &lt;key&gt;"
    assert "s3://&lt;bucket-name&gt;/&lt;key&gt;" in answers[by_front["S3 URI"]]
    assert notes_in_anki[by_front["List<String>"]].fields["Front"] == "List&lt;String&gt;"


def test_formatting_tags_and_comments_stay_html_everything_else_is_text(run, export, tmp_path: Path) -> None:
    """Formatting tags, elements with an attribute value (images, styled spans) and comments
    are HTML and go, their text kept; any other tag is text (a placeholder), alone on a bullet too."""
    notes = write_notes(tmp_path, "tags.md", (
        "# Tags\n"
        "* **Line** - a <b>bold</b> word<br>then <!-- a note to self --> <i class=\"x\">italic</i>"
        " H<sub>2</sub>O <kbd>Ctrl</kbd>\n"
        "* **Generic** - Map<K, V> and <T>, not 1 < 2\n"
        "* **Diagram** - the <span style=\"color: red\">flow</span> <img src=\"flow.png\" /> of <input></input>\n"
        "* <img src=\"flow.png\" />\n\n  Caption - the flow drawn\n"
        "* **Formats**:\n"
        "  * <bucket>\n"
        "  * <bucket>/<prefix>\n"
        "* <key> - the name of an object in its bucket\n"
    ))
    run("import", notes)
    assert {card["front"]: card["back"] for card in export()} == {
        "Line": "a bold word then italic H2O Ctrl",
        "Generic": "Map<K, V> and <T>, not 1 < 2",
        "Diagram": "the flow of <input></input>",
        "Caption": "the flow drawn",
        "Formats": "- <bucket>\n- <bucket>/<prefix>",
        "<key>": "the name of an object in its bucket",
    }


def test_cards_whose_term_or_heading_held_angle_brackets_keep_their_history(
    run, export, env: Path, tmp_path: Path, monkeypatch
) -> None:
    """Imported by a parser that dropped the brackets' text (as every parser before version 7
    did), answered, then imported again unchanged: each card is updated in place."""
    from mlsflash.notes import importer, parser

    notes = write_notes(tmp_path, "old.md", (
        "# Old\n"
        "## Paths <prefix>\n"
        "* **Key** - yes\n"
        "* List<String> - strings\n"
        "* **Role** - arn:aws:iam::<account-id>:role/<role-name>\n"
    ))
    with monkeypatch.context() as old:
        old.setattr(parser, "_html_text", lambda html, elements: "")
        old.setattr(parser, "_typed_block", lambda html: False)
        old.setattr(importer, "PARSER_VERSION", "6")
        run("import", notes)
        before = {card["front"]: card for card in export()}
        assert set(before) == {"Key", "List", "Role"} and before["Role"]["back"] == "arn:aws:iam:::role/"
        run("review", input="5\n5\n5\n")
    answered = {card["id"] for card in export() if card["repetitions"] == 1}
    assert len(answered) == 3

    report = run("import", notes).stdout
    after = {card["front"]: card for card in export()}
    assert {front: card["back"] for front, card in after.items()} == {
        "Key": "yes", "List<String>": "strings", "Role": "arn:aws:iam::<account-id>:role/<role-name>",
    }
    assert [after[front]["id"] for front in ("Key", "List<String>", "Role")] == [
        before[front]["id"] for front in ("Key", "List", "Role")
    ]
    assert all(card["repetitions"] == 1 and card["context"] == ["Paths <prefix>"] for card in after.values())
    counts = next(line for line in report.splitlines() if line.startswith("old.md")).split()
    assert counts[1:] == ["0", "3", "0", "0", "0", "0", "0"]  # added, updated, same, moved, retired, ...
    assert rows(env, "SELECT count(*) FROM cards") == [(3,)]


def test_a_bullet_that_opens_with_an_html_block_tag_is_a_card_not_dropped(run, export, tmp_path: Path) -> None:
    """`* <div> - ...` is an HTML block to CommonMark (as are `<p>`, `<title>`, `<script>`), yet
    a term the learner typed, in web notes; before, such bullets vanished without a report."""
    notes = write_notes(tmp_path, "html.md", (
        "# HTML\n"
        "* <div> - a generic block container\n"
        "* <p> - a paragraph\n"
        "* <script> - runs JavaScript\n"
        "* <span> - a generic inline container\n"
        "* <!-- a comment --> - not a term\n"
    ))
    run("import", notes)
    assert {card["front"]: card["back"] for card in export()} == {
        "<div>": "a generic block container", "<p>": "a paragraph", "<script>": "runs JavaScript",
        "<span>": "a generic inline container",
    }
    review = run("review", input="4\n" * 4).stdout
    assert "Q: <div>" in review and "Q: <script>" in review


def test_a_deck_title_with_angle_brackets_fed_by_several_files_keeps_every_card(
    run, export, tmp_path: Path, monkeypatch
) -> None:
    """Read by a parser before version 7, `# AWS <Notes>` named deck `AWS` for both files; read
    now it names another deck, which takes both files. Each card whose heading or answer held
    `<...>` was matched nowhere: it retired with its history beside a new copy."""
    from mlsflash.notes import importer, parser

    notes = tmp_path / "notes"
    write_notes(notes, "iam.md", (
        "# AWS <Notes>\n"
        "## IAM <role>\n"
        "* **Role ARN** - arn:aws:iam::<account-id>:role/<role-name>\n"
        "* **Policy** - a JSON document for a <principal>\n"
    ))
    write_notes(notes, "s3.md", "# AWS <Notes>\n* **Bucket** - a container of objects\n")
    with monkeypatch.context() as old:
        old.setattr(parser, "_html_text", lambda html, elements: "")
        old.setattr(parser, "_typed_block", lambda html: False)
        old.setattr(importer, "PARSER_VERSION", "6")
        run("import", notes, "--reverse")
        run("review", "--new", "100", input="5\n" * 100)
        before = {card["id"]: card for card in export()}
    assert {card["deck"] for card in before.values()} == {"AWS"} and len(before) == 6
    assert sum(card["repetitions"] for card in before.values()) == 3

    report = run("import", notes).stdout
    after = {card["id"]: card for card in export()}
    assert after.keys() == before.keys() and {card["status"] for card in after.values()} != {"retired"}
    assert {card["deck"] for card in after.values()} == {"AWS <Notes>"}
    assert all(after[card_id]["repetitions"] == card["repetitions"] for card_id, card in before.items())
    assert after[next(i for i, c in before.items() if c["front"] == "Role ARN")]["back"] == (
        "arn:aws:iam::<account-id>:role/<role-name>"
    )
    assert report.splitlines()[-1].split()[1:] == ["0", "0", "0", "6", "0", "0", "0"]
