"""Which deck a notes file feeds: `--deck` is remembered per file until another `--deck` or
`--deck-from-heading`; deck names that differ only in case or spacing name one deck, in
import, `--deck`, `decks --delete` and the export (issue 27, items 4 and 5)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from conftest import rows, write_notes

A = "# A\n## Letters\n* **Alpha** - the first letter\n* **Bravo** - the second letter\n"
B = "# B\n## Letters\n* **Charlie** - the third letter\n"


def decks_of_cards(db: Path) -> dict[str, str]:
    """front -> deck name, for every live card."""
    return dict(rows(db, "SELECT c.front_plain, d.name FROM cards c JOIN decks d ON d.id = c.deck_id "
                         "WHERE c.status != 'retired'"))


def schedules(db: Path) -> dict[str, tuple]:
    """card id -> (front, repetitions, interval, due), retired cards included."""
    return {card_id: rest for card_id, *rest in rows(
        db, "SELECT id, front_plain, repetitions, interval, due FROM cards")}


# --- item 4: --deck is remembered per file --------------------------------------------------


@pytest.fixture
def shared(run, tmp_path: Path, env: Path) -> tuple[Path, Path]:
    return import_shared(run, tmp_path, env)


def import_shared(run, tmp_path: Path, env: Path) -> tuple[Path, Path]:
    """a.md (`# A`) and b.md (`# B`) imported together with --deck Shared; every card answered once."""
    a, b = write_notes(tmp_path, "a.md", A), write_notes(tmp_path, "b.md", B)
    run("import", a, b, "--deck", "Shared")
    run("review", input="4\n4\n4\n")
    assert set(decks_of_cards(env).values()) == {"Shared"}
    return a, b


def test_a_file_imported_with_deck_stays_in_that_deck_when_imported_again_alone(run, env, shared) -> None:
    a, b = shared
    before = schedules(env)
    a.write_text(A + "* **Delta** - the fourth letter\n", encoding="utf-8")
    result = run("import", a)
    assert rows(env, "SELECT name FROM decks") == [("Shared",)]
    assert decks_of_cards(env) == {"Alpha": "Shared", "Bravo": "Shared", "Charlie": "Shared", "Delta": "Shared"}
    after = schedules(env)
    assert {card_id: after[card_id] for card_id in before} == before  # same ids, same history
    assert "→ A" not in result.stdout and "→ B" not in result.stdout
    assert run("import", a).stdout.count("→ Shared") >= 1  # unchanged: still Shared, nothing moved
    assert rows(env, "SELECT count(*) FROM cards WHERE status = 'retired'") == [(0,)]


def test_deck_from_heading_forgets_the_deck_of_the_files_named_only(run, env, shared) -> None:
    a, b = shared
    before = schedules(env)
    run("import", a, "--deck-from-heading")
    assert decks_of_cards(env) == {"Alpha": "A", "Bravo": "A", "Charlie": "Shared"}  # b.md not dragged along
    assert schedules(env) == before
    a.write_text(A.replace("the first letter", "letter one"), encoding="utf-8")
    run("import", a, b)  # from now on a.md follows its heading; b.md still remembers Shared
    assert decks_of_cards(env) == {"Alpha": "A", "Bravo": "A", "Charlie": "Shared"}
    assert schedules(env).keys() == before.keys()


def test_another_deck_moves_the_file_named_and_is_remembered_in_turn(run, env, shared) -> None:
    a, b = shared
    run("import", a, "--deck", "Other")
    assert decks_of_cards(env) == {"Alpha": "Other", "Bravo": "Other", "Charlie": "Shared"}
    a.write_text(A + "* **Delta** - the fourth letter\n", encoding="utf-8")
    b.write_text(B + "* **Echo** - the fifth letter\n", encoding="utf-8")
    run("import", a, b)
    assert decks_of_cards(env) == {
        "Alpha": "Other", "Bravo": "Other", "Delta": "Other", "Charlie": "Shared", "Echo": "Shared",
    }


@pytest.mark.parametrize("by", ["file", "folder"])
def test_a_file_imported_with_deck_and_reverse_keeps_its_deck_when_renamed(run, env, tmp_path, by) -> None:
    notes = tmp_path / "notes"
    old = write_notes(notes, "a.md", A)
    run("import", old, "--deck", "Shared", "--reverse")
    run("review", "--new", "10", input="4\n" * 4)  # every card answered, reverse ones too
    before = schedules(env)
    new = old.rename(notes / "letters.md")
    result = run("import", new if by == "file" else notes)
    assert decks_of_cards(env) == {"Alpha": "Shared", "Bravo": "Shared", "the first letter": "Shared",
                                   "the second letter": "Shared"}
    assert schedules(env) == before  # same ids and history, no reverse card retired
    assert "→ Shared" in result.stdout
    assert run("import", new).stdout.count("→ Shared") >= 1  # remembered under the new name


def test_deck_and_deck_from_heading_together_are_a_usage_error(run, tmp_path: Path) -> None:
    result = run("import", write_notes(tmp_path, "a.md", A), "--deck", "X", "--deck-from-heading", code=2)
    assert "not both" in result.stderr


def test_upgrade_remembers_the_deck_of_files_imported_with_deck_by_the_old_release(
    run, env, tmp_path, monkeypatch
) -> None:
    """A database at revision 0012 (before files remembered --deck) whose a.md and b.md were
    imported with --deck Shared and c.md without: the upgrade recognises the first two."""
    from alembic import command
    from sqlalchemy import create_engine

    from mlsflash.notes import importer
    from mlsflash.storage.migrate import alembic_config

    today = importer.PARSER_VERSION
    monkeypatch.setattr(importer, "PARSER_VERSION", "6")  # the version every release at revision 0012 wrote
    a, b = import_shared(run, tmp_path, env)
    c = write_notes(a.parent, "c.md", "# C\n* **Foxtrot** - the sixth letter\n")
    run("import", c)
    monkeypatch.setattr(importer, "PARSER_VERSION", today)
    engine = create_engine(f"sqlite:///{env}")
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0012_review_days")
    finally:
        engine.dispose()
    assert "deck_from_option" not in {row[1] for row in rows(env, "PRAGMA table_info(source_files)")}
    run("decks")  # the first command of the new release upgrades the database
    assert rows(env, "SELECT path LIKE '%c.md', deck_from_option FROM source_files ORDER BY path") == [
        (0, 1), (0, 1), (1, 0),
    ]
    before = schedules(env)
    a.write_text(A + "* **Delta** - the fourth letter\n", encoding="utf-8")
    c.write_text("# C2\n* **Foxtrot** - the sixth letter\n", encoding="utf-8")
    run("import", a, c)
    assert decks_of_cards(env) == {
        "Alpha": "Shared", "Bravo": "Shared", "Charlie": "Shared", "Delta": "Shared", "Foxtrot": "C2",
    }
    after = schedules(env)
    assert {card_id: after[card_id] for card_id in before} == before


# --- item 5: one deck per name, whatever its case and spacing ------------------------------


def test_headings_that_differ_in_case_and_spacing_make_one_deck_and_the_import_says_so(run, env, tmp_path) -> None:
    first = write_notes(tmp_path, "first.md", "# Escape Deck\n* **Alpha** - first\n")
    second = write_notes(tmp_path, "second.md", "#  escape   DECK\n* **Bravo** - second\n")
    run("import", first)
    result = run("import", second)
    assert rows(env, "SELECT name FROM decks") == [("Escape Deck",)]
    assert decks_of_cards(env) == {"Alpha": "Escape Deck", "Bravo": "Escape Deck"}
    assert "→ Escape Deck" in result.stdout
    assert "Note: second.md: deck 'escape DECK' joins deck 'Escape Deck' (deck names ignore case and spacing)" in (
        result.stdout
    )


def test_deck_option_joins_a_deck_spelled_otherwise_and_is_stored_with_spaces_collapsed(run, env, tmp_path) -> None:
    run("import", write_notes(tmp_path, "one.md", "#  Identity   Deck\n* **Alpha** - first\n"))
    assert rows(env, "SELECT name FROM decks") == [("Identity Deck",)]
    result = run("import", write_notes(tmp_path, "two.md", "# Two\n* **Bravo** - second\n"), "--deck", "identity  deck")
    assert rows(env, "SELECT name FROM decks") == [("Identity Deck",)]
    assert "joins deck 'Identity Deck'" in result.stdout
    run("import", write_notes(tmp_path, "three.md", "# Three\n* **Charlie** - third\n"), "--deck", "New  Deck ")
    assert rows(env, "SELECT name FROM decks ORDER BY id") == [("Identity Deck",), ("New Deck",)]
    assert len(run("cards", "--deck", "IDENTITY DECK", "--json").stdout.split('"id"')) == 3  # two cards


def test_delete_finds_the_deck_in_another_spelling(run, env, tmp_path) -> None:
    run("import", write_notes(tmp_path, "a.md", "# Escape Deck\n* **Alpha** - first\n"))
    run("import", write_notes(tmp_path, "b.md", "# Kept\n* **Bravo** - second\n"))
    result = run("decks", "--delete", "escape  deck", "--yes")
    assert "Deleted deck Escape Deck" in " ".join(result.stdout.split())
    assert rows(env, "SELECT name FROM decks") == [("Kept",)]
    assert "no deck named 'escape'" in run("decks", "--delete", "escape", "--yes", code=1).stderr


def test_a_case_only_retitle_of_a_deck_s_only_file_renames_it(run, env, tmp_path) -> None:
    notes = write_notes(tmp_path, "a.md", "# escape deck\n* **Alpha** - first\n")
    run("import", notes)
    (card_id,) = schedules(env)
    notes.write_text("# Escape Deck\n* **Alpha** - first\n", encoding="utf-8")
    result = run("import", notes)
    assert rows(env, "SELECT name FROM decks") == [("Escape Deck",)] and list(schedules(env)) == [card_id]
    assert "joins" not in result.stdout


@pytest.fixture
def two_spellings(run, env: Path, tmp_path: Path) -> Path:
    """A database as the release before left it: two decks, `Escape Deck` and `escape deck`,
    each fed by a file, each card answered once."""
    run("import", write_notes(tmp_path, "upper.md", "# Escape Deck\n* **Alpha** - first\n"))
    lower = write_notes(tmp_path, "lower.md", "# Lower\n* **Bravo** - second\n* **Charlie** - third\n")
    run("import", lower)
    run("review", input="4\n4\n4\n")
    with sqlite3.connect(env) as connection:
        connection.execute("UPDATE decks SET name = 'escape deck' WHERE name = 'Lower'")
    lower.write_text("# escape deck\n* **Bravo** - second\n* **Charlie** - third\n", encoding="utf-8")
    return lower


def test_the_export_to_anki_makes_one_deck_of_two_spellings(run, env, tmp_path, two_spellings) -> None:
    from test_apkg import anki_collection, anki_notes, import_package

    package = tmp_path / "cards.apkg"
    run("export", "--format", "apkg", "-o", package)
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path / "unpacked")
    (decks,) = rows(tmp_path / "unpacked" / "collection.anki2", "SELECT decks FROM col")[0]
    assert {deck["name"] for deck in json.loads(decks).values()} - {"Default"} == {"Escape Deck"}
    for attempt in range(2):  # Anki's engine files every card under one name, import after import
        with anki_collection(tmp_path / f"anki{attempt}") as collection:
            import_package(collection, package)
            assert {note.deck for note in anki_notes(collection).values()} == {"Escape Deck"}


def test_an_older_database_keeps_both_decks_until_the_second_spelling_is_imported(run, env, two_spellings) -> None:
    before = schedules(env)
    assert sorted(name for (name,) in rows(env, "SELECT name FROM decks")) == ["Escape Deck", "escape deck"]
    assert '"front": "Bravo"' in run("cards", "--deck", "escape deck", "--json").stdout  # the one spelled so
    assert '"front": "Bravo"' not in run("cards", "--deck", "Escape Deck", "--json").stdout
    result = run("import", two_spellings)
    assert "Note: lower.md: deck 'escape deck' joins deck 'Escape Deck'" in result.stdout
    assert rows(env, "SELECT name FROM decks") == [("Escape Deck",)]
    assert decks_of_cards(env) == {"Alpha": "Escape Deck", "Bravo": "Escape Deck", "Charlie": "Escape Deck"}
    assert schedules(env) == before  # moved with their history
    assert "OK:" in run("check").stdout


def test_review_stats_and_exam_find_the_deck_in_another_spelling(run, env, tmp_path) -> None:
    run("import", write_notes(tmp_path, "a.md", "# Escape Deck\n## Letters\n* **Alpha** - the first letter\n"))
    assert "Alpha" in run("review", "--deck", "ESCAPE  deck", input="4\n").stdout
    assert '"deck": "Escape Deck"' in run("stats", "--deck", "escape deck", "--json").stdout
    assert "1 deck" in run("exam", "map", "Letters", "2", "--deck", "escape deck").stdout


def test_invisible_characters_in_deck_are_dropped_as_in_notes(run, env, tmp_path) -> None:
    """A pasted zero-width space made a deck with an invisible name, or a second deck beside
    one spelled the same; a bidirectional override showed the name reversed."""
    notes = write_notes(tmp_path, "a.md", A)
    assert "cannot be blank" in run("import", notes, "--deck", "\u200b", code=2).stderr
    run("import", notes, "--deck", "Shared\u200b Deck")
    run("import", write_notes(tmp_path, "b.md", B), "--deck", "\u202eShared Deck\u2060")
    assert rows(env, "SELECT name FROM decks") == [("Shared Deck",)]
    assert "Alpha" in run("cards", "--deck", "shared\u200b deck").stdout


def test_a_deck_named_by_its_file_name_is_never_blank_invisible_or_escaped(run, env, tmp_path) -> None:
    """` .md` made a deck named "" that no `--deck` could name (blank is refused); an escape
    or a bidirectional override in a file name reached the deck's name, which headings never do."""
    notes = tmp_path / "notes"
    write_notes(notes, " .md", "* **Alpha** - the first letter\n")
    write_notes(notes, "\u200b.md", "* **Bravo** - the second letter\n")
    write_notes(notes, "esc\x1b[31mred.md", "* **Charlie** - the third letter\n")
    write_notes(notes, "rtl\u202eevil.md", "* **Delta** - the fourth letter\n")
    run("import", notes)
    assert sorted(rows(env, "SELECT name FROM decks")) == [(".md",), ("esc[31mred",), ("rtlevil",)]
    assert "Alpha" in run("cards", "--deck", ".md").stdout and "Bravo" in run("cards", "--deck", ".md").stdout
    run("decks", "--delete", ".md", "--yes")
    assert sorted(rows(env, "SELECT name FROM decks")) == [("esc[31mred",), ("rtlevil",)]
