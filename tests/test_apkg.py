"""`mlsflash export --format apkg`: packages that Anki itself (the `anki` package, a test-only
dependency) opens in a fresh collection, imports with scheduling, and updates on a re-export."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import pytest

from conftest import missing_shared, write_notes
from test_shared_notes import LEARNER_NOTES

NOTES = """\
# Letters

## Greek
* **Alpha** - the first letter
* **Beta** - the second letter, with *style* and `code` and 1 < 2 & 3 > 2
    * used in finance, among others
        * beta of a stock
* Gamma - third
* **list of things**:
    * one
    * two
        * two and a half

## Latin
* **Zulu** - last
"""

# --- Anki's side ------------------------------------------------------------------------


@dataclass
class AnkiNote:
    guid: str
    fields: dict[str, str]
    tags: list[str]
    deck: str
    mtime: int
    card: Any  # anki.cards.Card


@contextmanager
def anki_collection(folder: Path) -> Iterator[Any]:
    """A fresh Anki collection in its own folder."""
    collection_module = pytest.importorskip("anki.collection", reason="the anki package (test extra) is missing")
    folder.mkdir(parents=True, exist_ok=True)
    collection = collection_module.Collection(str(folder / "collection.anki2"))
    try:
        yield collection
    finally:
        collection.close()


def import_package(collection: Any, package: Path) -> Any:
    """Import as Anki's "Import" dialog does with "Import any learning progress" ticked and
    notes updated when the incoming one is newer (its default). Returns Anki's import log."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

    options = ImportAnkiPackageOptions(
        with_scheduling=True,
        with_deck_configs=False,
        merge_notetypes=False,
        update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    )
    return collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options)).log


def anki_notes(collection: Any) -> dict[str, AnkiNote]:
    """Every note of the collection by its Id field (the mlsflash card id)."""
    found: dict[str, AnkiNote] = {}
    for note_id in collection.find_notes(""):
        note = collection.get_note(note_id)
        (card,) = note.cards()
        fields = dict(zip([field["name"] for field in note.note_type()["flds"]], note.fields, strict=True))
        found[fields["Id"]] = AnkiNote(
            note.guid, fields, sorted(note.tags), collection.decks.name(card.did), note.mod, card
        )
    return found


def due_date(collection: Any, card: Any) -> date:
    """The calendar date of a review card's due day: Anki counts days from its collection's
    creation date (local time, the day starting at the rollover hour, 4 by default)."""
    created = datetime.fromtimestamp(collection.crt).date()
    assert created + timedelta(days=collection.sched.today) >= date.today() - timedelta(days=1)
    return created + timedelta(days=card.due)


def text_of(field: str) -> str:
    """What a field shows, as words: inline tags dropped, blocks apart, entities read."""
    inline_dropped = re.sub(r"</?(?:b|i|code)>", "", field)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline_dropped)).split())


def plain_words(text: str) -> str:
    return " ".join(re.sub(r"(?m)^ *- ", "", text).split())


# --- checks -----------------------------------------------------------------------------


def check_package(collection: Any, records: list[dict[str, Any]]) -> dict[str, AnkiNote]:
    """Anki holds one note per card that is not retired, with its text, tags and schedule."""
    from mlsflash.export import apkg

    expected = {record["id"]: record for record in records if record["status"] != "retired"}
    notes = anki_notes(collection)
    assert notes.keys() == expected.keys()
    assert collection.card_count() == len(expected)
    for card_id, note in notes.items():
        record = expected[card_id]
        assert note.guid == apkg.guid(card_id)
        assert text_of(note.fields["Front"]) == " ".join(record["front"].split())
        assert text_of(note.fields["Back"]) == plain_words(record["back"])
        assert note.fields["Context"] == html.escape(" › ".join(record["context"]), quote=False)
        assert note.fields["Source"] == f"{Path(record['source']['file']).name}:{record['source']['line']}"
        tags = {tag.lower() for tag in note.tags}  # Anki matches a tag's case to one it already has
        assert str(apkg.tag(note.deck)).lower() in tags
        if record["context"]:
            assert str(apkg.tag(*record["context"][:2])).lower() in tags
        check_schedule(collection, note.card, record)
    return notes


def check_schedule(collection: Any, card: Any, record: dict[str, Any]) -> None:
    from anki.consts import CARD_TYPE_NEW, CARD_TYPE_REV, QUEUE_TYPE_NEW, QUEUE_TYPE_REV, QUEUE_TYPE_SUSPENDED

    suspended = record["status"] == "suspended"
    if record["due"] is None:
        assert (card.type, card.queue) == (CARD_TYPE_NEW, QUEUE_TYPE_SUSPENDED if suspended else QUEUE_TYPE_NEW)
        return
    assert (card.type, card.queue) == (CARD_TYPE_REV, QUEUE_TYPE_SUSPENDED if suspended else QUEUE_TYPE_REV)
    assert card.ivl == record["interval"]
    assert card.factor == round(record["easiness"] * 1000)
    assert (card.reps, card.lapses) == (record["repetitions"], record["lapses"])
    assert due_date(collection, card) == date.fromisoformat(record["due"])


def review_over_days(run, monkeypatch, days: list[tuple[str, str]], new: int = 10) -> None:
    """Scripted reviews (one grade a line) on the days given: `new` new cards the first day,
    none after; the grades run out with a `q` (more than a day needs are left unread)."""
    for day, (moment, grades) in enumerate(days):
        monkeypatch.setenv("MLSFLASH_NOW", moment)
        limit = str(new if day == 0 else 0)
        run("review", "--new", limit, input="".join(f"{grade}\n" for grade in grades) + "q\n")


TEN_CARDS_OVER_DAYS = [
    # day 1: ten new cards, two failed (re-drilled, then passed)
    ("2026-11-16T09:00", "5431425434" + "4" * 10),
    # day 2: the ten are due again; one lapses
    ("2026-11-17T09:00", "5443451454" + "4" * 10),
    # day 8: the ones at six days come back
    ("2026-11-23T09:00", "5345343545" + "4" * 10),
]


def export_apkg(run, target: Path, *args: str) -> Path:
    result = run("export", "--format", "apkg", "-o", target, *args)
    assert f"to {target}" in result.stderr
    return target


def reviewed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in records if record["due"] is not None]


# --- a small deck -----------------------------------------------------------------------


@pytest.fixture
def letters(run, tmp_path: Path) -> Path:
    notes = write_notes(tmp_path, "letters.md", NOTES)
    run("import", notes)
    return notes


def test_text_becomes_html_with_the_answer_nesting_kept() -> None:
    from mlsflash.export import apkg

    assert apkg.inline_html("**AWS** `s3://bucket/*` and <script> & *it*") == (
        "<b>AWS</b> <code>s3://bucket/*</code> and &lt;script&gt; &amp; <i>it</i>"
    )
    assert apkg.inline_html(r"a \*literal\* star") == "a *literal* star"
    assert apkg.answer_html("definition\n- one\n  - one.a\n  - one.b\n- two") == (
        "<div>definition</div><ul><li>one<ul><li>one.a</li><li>one.b</li></ul></li><li>two</li></ul>"
    )
    assert apkg.answer_html("- a\n    - deep\n- b") == (
        "<ul><li>a<ul><li><ul><li>deep</li></ul></li></ul></li><li>b</li></ul>"
    )
    assert apkg.answer_html("a\x1fb") == "<div>ab</div>"  # Anki's field separator never gets in


def test_tags_and_deck_names_follow_ankis_rules() -> None:
    from mlsflash.export import apkg

    assert apkg.tag("Data Engineering", "Kinesis Data Streams") == "Data_Engineering::Kinesis_Data_Streams"
    assert apkg.tag('  "quoted"  name ') == "quoted_name"
    assert apkg.tag("AWS MLS Bundled::Modeling") == "AWS_MLS_Bundled::Modeling"
    assert apkg.tag("", " ") is None
    assert apkg.anki_deck_name("AWS MLS Bundled: Modeling", bundled=True) == "AWS MLS Bundled::Modeling"
    assert apkg.anki_deck_name("AWS MLS Bundled: Modeling", bundled=False) == "AWS MLS Bundled: Modeling"
    assert apkg.anki_deck_name("Letters", bundled=True) == "Letters"
    assert apkg.deck_id("Letters") == apkg.deck_id("Letters") != apkg.deck_id("Letters 2")


def package_card(**changes: Any) -> Any:
    from mlsflash.storage.catalog import PackageCard

    values = dict(id="c1", deck="Letters", context='["Greek"]', front="Alpha", back="first", source_file="letters.md",
                  source_line=3, status="active", repetitions=0, easiness=250, interval=0, due=None, lapses=0,
                  leech=False, updated_at="2026-11-20T09:00:00", bundled=False)
    return PackageCard(**{**values, **changes})


def test_the_source_field_names_the_file_without_its_folders() -> None:
    from mlsflash.export import apkg

    for source_file in ("letters.md", "notes/greek/letters.md", r"C:\Users\me\notes\letters.md"):
        assert apkg.fields(package_card(source_file=source_file), ["Greek"])[3] == "letters.md:3"


def test_the_topic_tag_nests_the_first_two_context_entries_and_a_leech_is_tagged() -> None:
    from mlsflash.export import apkg

    context = ["Modeling", "XGBoost", "Hyperparameters"]
    assert apkg.tags(package_card(), context, "AWS MLS") == ["AWS_MLS", "Modeling::XGBoost"]
    assert apkg.tags(package_card(leech=True), context, "AWS MLS") == ["AWS_MLS", "Modeling::XGBoost", "leech"]


def test_only_a_bundled_deck_with_both_names_goes_under_its_parent() -> None:
    from mlsflash.export import apkg

    # The first ": " parts parent from title; a name missing either half stays as it is.
    assert apkg.anki_deck_name("AWS MLS Bundled: Modeling: Part 2", bundled=True) == "AWS MLS Bundled::Modeling: Part 2"
    assert apkg.anki_deck_name("Modeling: ", bundled=True) == "Modeling: "
    assert apkg.anki_deck_name(": Modeling", bundled=True) == ": Modeling"


def test_deck_ids_and_note_guids_never_change_between_versions() -> None:
    """Anki finds a re-exported deck by its id and a note by its GUID: the values packages
    already exported carry (written in here once, 2026-12-08) must stay what they are, or a
    re-export would land in a second deck as duplicate notes."""
    from mlsflash.export import apkg

    assert apkg.deck_id("Letters") == 1_848_854_753_500
    assert 1 << 40 <= apkg.deck_id("AWS MLS Bundled::Modeling") < 1 << 41  # clear of Anki's own small ids
    assert apkg.guid("abc123") == "gVcHG=+%=w"


def test_code_lines_between_other_lines_make_one_block_and_close_a_list() -> None:
    from mlsflash.export import apkg

    assert apkg.answer_html("intro\n`a = 1`\n\n`b = 2`\nafter") == (
        "<div>intro</div><pre><code>a = 1\n\nb = 2</code></pre><div>after</div>"
    )
    assert apkg.answer_html("- one\n`x`\n- two\nafter") == (
        "<ul><li>one</li></ul><pre><code>x</code></pre><ul><li>two</li></ul><div>after</div>"
    )
    # Quotes are text in a field (only <, > and & are HTML's).
    assert apkg.inline_html('say "hi", it\'s') == 'say "hi", it\'s'


def test_code_padded_in_double_backticks_loses_one_space_each_side() -> None:
    from mlsflash.export import apkg

    # A fenced line holding a backtick is stored as ``x``, padded with a space when it starts
    # or ends with one (as Markdown's code spans); the padding is not part of the code.
    assert apkg.answer_html("`` `x` ``") == "<pre><code>`x`</code></pre>"
    assert apkg.answer_html("  ``a`b``") == "<pre><code>  a`b</code></pre>"
    assert apkg.answer_html("`` XX ``") == "<pre><code>XX</code></pre>"
    assert apkg.answer_html("``   ``") == "<pre><code>   </code></pre>"  # only spaces: kept as they are
    assert apkg.answer_html("`` \t ``") == "<pre><code>\t</code></pre>"  # a tab is not a space
    # Single backticks pad nothing (the parser wraps a line in them only when it holds none):
    # the spaces are the code's, as in inline code.
    assert apkg.answer_html("` a `") == "<pre><code> a </code></pre>"


def test_anki_opens_a_small_deck_with_its_text_tags_and_schedule(
    run, letters: Path, export, monkeypatch, tmp_path: Path
) -> None:
    review_over_days(run, monkeypatch, [("2026-11-20T09:00", "41444"), ("2026-11-21T09:00", "5444")], new=2)
    ids = {record["front"]: record["id"] for record in export()}
    run("suspend", ids["Zulu"], ids["Alpha"])
    records = export()
    assert len(reviewed(records)) == 2
    package = export_apkg(run, tmp_path / "out" / "letters.apkg")
    with anki_collection(tmp_path / "anki") as collection:
        log = import_package(collection, package)
        assert (len(log.new), len(log.updated)) == (len(records), 0)
        notes = check_package(collection, records)
        beta = notes[ids["Beta"]]
        question, answer = beta.card.question(), beta.card.answer()
        note_type = beta.card.note_type()
        note_ids = collection.find_notes("")
    # Anki's browser: "Added" (from the note id) is the export's time, MLSFLASH_NOW's here; the
    # notes sort by their Front; the card type is named "Card".
    assert {note_id // 1000 for note_id in note_ids} == {int(datetime(2026, 11, 21, 9).timestamp())}
    assert (note_type["sortf"], [template["name"] for template in note_type["tmpls"]]) == (0, ["Card"])
    assert question.endswith('<div class="context">Greek</div>\n<div class="front"><b>Beta</b></div>')
    assert answer.startswith(question) and '<div class="back"><div>the second letter' in answer
    assert answer.endswith('<div class="source">letters.md:5</div>')
    assert beta.deck == "Letters"
    assert beta.fields["Front"] == "<b>Beta</b>"
    assert beta.fields["Back"] == (
        "<div>the second letter, with <i>style</i> and <code>code</code> and 1 &lt; 2 &amp; 3 &gt; 2</div>"
        "<ul><li>used in finance, among others<ul><li>beta of a stock</li></ul></li></ul>"
    )
    assert beta.fields["Context"] == "Greek"
    assert beta.fields["Source"] == "letters.md:5"
    assert beta.tags == ["Greek", "Letters"]
    assert notes[ids["list of things"]].fields["Back"] == (
        "<ul><li>one</li><li>two<ul><li>two and a half</li></ul></li></ul>"
    )


def test_no_schedule_makes_every_card_new_and_keeps_suspensions(
    run, letters: Path, export, monkeypatch, tmp_path: Path
) -> None:
    from anki.consts import CARD_TYPE_NEW, QUEUE_TYPE_NEW, QUEUE_TYPE_SUSPENDED

    review_over_days(run, monkeypatch, [("2026-11-20T09:00", "45444")], new=2)
    ids = {record["front"]: record["id"] for record in export()}
    run("suspend", ids["Zulu"])
    package = export_apkg(run, tmp_path / "letters.apkg", "--no-schedule")
    with anki_collection(tmp_path / "anki") as collection:
        import_package(collection, package)
        notes = anki_notes(collection)
    assert {(note.card.type, note.card.queue, note.card.ivl) for key, note in notes.items() if key != ids["Zulu"]} == {
        (CARD_TYPE_NEW, QUEUE_TYPE_NEW, 0)
    }
    assert notes[ids["Zulu"]].card.queue == QUEUE_TYPE_SUSPENDED
    in_note_order = sorted(notes.values(), key=lambda note: note.card.due)
    assert [note.fields["Id"] for note in in_note_order] == [record["id"] for record in export()]
    assert [note.card.due for note in in_note_order] == list(range(1, len(notes) + 1))  # Anki's "New #1" on


def test_retired_cards_are_left_out_and_one_deck_can_be_chosen(run, letters: Path, export, tmp_path: Path) -> None:
    write_notes(letters.parent, "letters.md", NOTES.replace("* **Zulu** - last\n", ""))
    write_notes(letters.parent, "other.md", "# Other\n\n* **Omega** - the end\n")
    run("import", letters, letters.parent / "other.md")
    with anki_collection(tmp_path / "anki") as collection:
        import_package(collection, export_apkg(run, tmp_path / "letters.apkg", "--deck", "Letters"))
        notes = anki_notes(collection)
    fronts = {text_of(note.fields["Front"]) for note in notes.values()}
    assert "Zulu" not in fronts and "Omega" not in fronts
    assert len(notes) == len([record for record in export("--deck", "Letters") if record["status"] != "retired"])


def test_apkg_needs_a_file_and_no_schedule_needs_apkg(run, letters: Path, tmp_path: Path) -> None:
    result = run("export", "--format", "apkg", code=1)
    assert result.stderr.startswith("Error: an Anki package is a file") and "Hint: give it a name: -o" in result.stderr
    result = run("export", "--no-schedule", code=1)
    assert result.stderr.startswith("Error: --no-schedule is for Anki packages")
    result = run("export", "--format", "apkg", "-o", tmp_path, code=1)
    assert f"Hint: give a file name, such as {tmp_path / 'cards.apkg'}" in result.stderr
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


def test_a_failed_export_keeps_the_old_package_and_leaves_no_temporary_anywhere(
    run, letters: Path, monkeypatch, tmp_path: Path
) -> None:
    import tempfile

    from mlsflash.export import apkg

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where genanki builds its collection
    target = export_apkg(run, tmp_path / "out" / "letters.apkg")
    before = target.read_bytes()

    def broken(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(apkg, "carry_schedule", broken)
    result = run("export", "--format", "apkg", "-o", target, code=1)
    assert result.stderr.startswith(f"Error: cannot write {target}: No space left on device")
    assert target.read_bytes() == before
    assert [path.name for path in target.parent.iterdir()] == ["letters.apkg"]
    assert list(scratch.iterdir()) == []


def test_hostile_names_and_text_arrive_as_text(run, tmp_path: Path, export) -> None:
    notes = write_notes(
        tmp_path, "odd.md",
        '# "Quoted" [bold] Deck\n\n## {{c1::cloze}} & 1 < 2\n\n* **{{Front}}** - `<script>alert(1)</script>` \\*x\\*\n',
    )
    run("import", notes)
    (record,) = export()
    with anki_collection(tmp_path / "anki") as collection:
        import_package(collection, export_apkg(run, tmp_path / "odd.apkg"))
        (note,) = anki_notes(collection).values()
        check_package(collection, [record])
    assert note.deck == '"Quoted" [bold] Deck'
    assert note.fields["Front"] == "<b>{{Front}}</b>"
    assert note.fields["Back"] == "<div><code>&lt;script&gt;alert(1)&lt;/script&gt;</code> *x*</div>"
    assert note.fields["Context"] == "{{c1::cloze}} &amp; 1 &lt; 2"


def test_other_commands_do_not_import_genanki(env, letters: Path) -> None:
    code = (
        "import sys\nfrom mlsflash.cli.core import main\nsys.argv = ['mlsflash', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('GENANKI' if 'genanki' in sys.modules else 'NO GENANKI', file=sys.stderr)\n"
    )
    for args in (["--help"], ["export"], ["stats"]):
        result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        assert result.stderr.strip().endswith("NO GENANKI"), result.stderr


# --- the learner's notes and the bundled decks ------------------------------------------


def edit_and_reimport(run, monkeypatch, notes: Path, old: str, new: str, *args: str) -> None:
    text = notes.read_text(encoding="utf-8")
    assert text.count(old) == 1
    notes.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-27T09:00")  # the edit comes later than the first export
    run("import", *args)


def test_learners_notes_with_ten_reviewed_cards_open_in_anki_and_update_on_re_export(
    run, export, monkeypatch, tmp_path: Path
) -> None:
    if not LEARNER_NOTES.is_file():
        missing_shared(f"{LEARNER_NOTES} is not present")
    notes = tmp_path / "notes" / LEARNER_NOTES.name
    notes.parent.mkdir()
    shutil.copy(LEARNER_NOTES, notes)
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-16T08:00")
    run("import", notes)
    review_over_days(run, monkeypatch, TEN_CARDS_OVER_DAYS)
    studied = reviewed(export())
    assert len(studied) == 10 and {record["interval"] for record in studied} >= {1, 6}
    assert any(record["lapses"] for record in studied)
    run("suspend", studied[0]["id"], next(record["id"] for record in export() if record["due"] is None))
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    records = export()
    first = export_apkg(run, tmp_path / "learner.apkg")
    with anki_collection(tmp_path / "anki") as collection:
        log = import_package(collection, first)
        assert (len(log.new), len(log.updated)) == (len(records), 0)
        check_package(collection, records)

        edit_and_reimport(run, monkeypatch, notes, "retrieval in 1 to 5 min\n", "retrieval in 1 to 5 minutes\n", notes)
        edited = next(record for record in export() if record["front"] == "Expedited")
        log = import_package(collection, export_apkg(run, tmp_path / "learner-2.apkg"))
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 1, len(records) - 1)
        notes_after = anki_notes(collection)
        assert len(notes_after) == len(records)
        assert notes_after[edited["id"]].fields["Back"] == "<div>retrieval in 1 to 5 minutes</div>"


def test_bundled_decks_open_in_anki_under_one_parent_each_and_update_on_re_export(
    run, export, monkeypatch, tmp_path: Path
) -> None:
    from mlsflash.notes import importer

    decks = tmp_path / "decks"
    shutil.copytree(importer.bundled_decks_dir(), decks)
    monkeypatch.setattr(importer, "bundled_decks_dir", lambda: decks)
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-16T08:00")
    run("import", "--bundled")
    review_over_days(run, monkeypatch, TEN_CARDS_OVER_DAYS)
    monkeypatch.setenv("MLSFLASH_NOW", "2026-11-26T10:00")
    records = export()
    assert len(records) >= 980 and len(reviewed(records)) == 10
    first = export_apkg(run, tmp_path / "bundled.apkg")
    with anki_collection(tmp_path / "anki") as collection:
        log = import_package(collection, first)
        assert (len(log.new), len(log.updated)) == (len(records), 0)
        notes = check_package(collection, records)
        assert {note.deck.split("::")[0] for note in notes.values()} == {"AWS MLS Bundled", "AWS MLA Bundled"}
        assert {note.deck for note in notes.values()} == {
            record["deck"].replace(": ", "::", 1) for record in records
        }

        unchanged = import_package(collection, export_apkg(run, tmp_path / "bundled-again.apkg"))
        assert (len(unchanged.new), len(unchanged.updated)) == (0, 0)

        target = next(record for record in records if record["due"] is None and "\n" not in record["back"]
                      and record["direction"] == "forward" and record["back"].count(record["back"][:40]) == 1)
        source = decks / Path(target["source"]["file"]).name
        line = source.read_text(encoding="utf-8").splitlines()[target["source"]["line"] - 1]
        edit_and_reimport(run, monkeypatch, source, line + "\n", line + " (revised)\n", "--bundled")
        log = import_package(collection, export_apkg(run, tmp_path / "bundled-2.apkg"))
        assert (len(log.new), len(log.updated)) == (0, 1)
        assert len(anki_notes(collection)) == len(records)
        assert text_of(anki_notes(collection)[target["id"]].fields["Back"]).endswith("(revised)")


def test_day_zero_lies_before_today_the_system_date_and_every_due_date() -> None:
    """Anki counts the package's days from its creation day with its own clock: a creation day
    ahead of that clock (a study day that rolled over early, MLSFLASH_NOW ahead) would shift
    every due date earlier."""
    from mlsflash.export import apkg

    cards = [SimpleNamespace(due="2026-12-03"), SimpleNamespace(due=None)]
    assert apkg.first_day(cards, date(2026, 12, 1), date(2026, 11, 30)) == date(2026, 11, 28)
    assert apkg.first_day(cards, date(2099, 1, 6), date(2026, 12, 1)) == date(2026, 11, 29)
    assert apkg.first_day([SimpleNamespace(due="2026-10-01")], date(2026, 12, 1), date(2026, 12, 1)) == date(
        2026, 9, 29
    )


def test_the_package_counts_its_days_from_noon_utc_two_days_before_the_earliest_date(
    monkeypatch, tmp_path: Path
) -> None:
    """Inside the package: its creation time (`crt`) is noon UTC on day zero, so its calendar
    date is day zero in every time zone from UTC-11 to UTC+11, whatever the exporting machine's
    zone; a review card's due day counts from it; the day starts at Anki's default hour, 4."""
    import json
    import sqlite3
    import time
    import zipfile

    from mlsflash.export import apkg

    monkeypatch.setenv("TZ", "America/New_York")  # the exporting machine's zone is not UTC
    time.tzset()
    try:
        cards = [package_card(id="due", due="2020-01-10", interval=4, repetitions=2), package_card(id="new")]
        target = tmp_path / "old.apkg"
        apkg.write(str(target), cards, today=date(2020, 1, 12), now=datetime(2020, 1, 12, 9), with_schedule=True)
    finally:
        monkeypatch.undo()  # TZ as it was, and the process's zone with it
        time.tzset()
    with zipfile.ZipFile(target) as package:
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "collection.anki2") as collection:
        created, conf = collection.execute("SELECT crt, conf FROM col").fetchone()
        dues = collection.execute("SELECT due FROM cards WHERE type = 2").fetchall()
    # Day zero: two days before the earliest of today (2020-01-12), the system's date and the
    # due dates (2020-01-10), so 2020-01-08; 2020-01-08 12:00 UTC is 1,578,484,800.
    assert created == 1_578_484_800
    assert dues == [(2,)]  # 2020-01-10 is day zero + 2
    assert json.loads(conf)["rollover"] == 4


def test_the_collection_is_built_in_a_hidden_folder_beside_the_package(monkeypatch, tmp_path: Path) -> None:
    """genanki's temporary collection goes on the disk being written (a full disk is reported
    for the package's folder) and goes away afterwards."""
    import tempfile

    from mlsflash.export import apkg

    folders: list[Path] = []
    carry = apkg.carry_schedule

    def noting_the_folder(*args: Any) -> None:
        folders.append(Path(tempfile.gettempdir()))
        carry(*args)

    monkeypatch.setattr(apkg, "carry_schedule", noting_the_folder)
    out = tmp_path / "out"
    out.mkdir()
    apkg.write(str(out / "cards.apkg"), [package_card()], today=date(2026, 12, 1), now=datetime(2026, 12, 1, 9),
               with_schedule=True)
    (folder,) = folders
    assert folder.parent == out and folder.name.startswith(".mlsflash-apkg-")
    assert [path.name for path in out.iterdir()] == ["cards.apkg"]


def test_export_writes_through_a_link_and_refuses_a_pipe(run, letters: Path, tmp_path: Path) -> None:
    import os

    real = tmp_path / "dropbox" / "cards.apkg"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.apkg"
    link.symlink_to(real)
    run("export", "--format", "apkg", "-o", link)
    assert link.is_symlink() and real.read_bytes()[:2] == b"PK"  # a zip, where the link points
    pipe = tmp_path / "pipe.apkg"
    os.mkfifo(pipe)
    refused = run("export", "--format", "json", "-o", pipe, code=1)
    assert refused.stderr.startswith(f"Error: cannot export to {pipe}: it is not a regular file")


CODE_NOTES = """\
# Snippets

* **Count rows**:
  ```python
  def count(rows):
      if rows:

          return len(rows)  # 2 < 3 & `x`
  ```
"""


def test_code_keeps_its_indentation_in_anki(run, export, tmp_path: Path) -> None:
    """HTML collapses spaces: a fenced block's lines go to Anki as one <pre> block, so the
    answer Anki renders keeps each line's indentation (and its blank line)."""
    run("import", write_notes(tmp_path, "snippets.md", CODE_NOTES))
    (record,) = export()
    with anki_collection(tmp_path / "anki") as collection:
        import_package(collection, export_apkg(run, tmp_path / "snippets.apkg"))
        (note,) = anki_notes(collection).values()
        answer = note.card.answer()
        css = note.card.note_type()["css"]
    code = "def count(rows):\n    if rows:\n\n        return len(rows)  # 2 &lt; 3 &amp; `x`"
    assert note.fields["Back"] == f"<pre><code>{code}</code></pre>"
    assert f'<div class="back"><pre><code>{code}</code></pre>' in answer
    assert "white-space: pre-wrap" in css  # long lines wrap on a phone, spaces stay
    assert record["back"].splitlines()[1] == "    if rows:"  # the export keeps it too
