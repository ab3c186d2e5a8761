"""Hostile input on every screen: user text is never markup, extreme dates, literal search,
atomic export, config values and blank names, help placeholders."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from conftest import write_notes

DECK = "Notes [/dim] [bold] 🦊 שלום"
HEADING = "Paths [/opt/ml]"
FILE_NAME = "n[ot]es [bold] 🦊.md"
HOSTILE = f"""\
# {DECK}
## {HEADING}
- **list[int]** - a list [/dim] of ints [bold] :thumbs_up:
  - **[red]café[/red]** - coffee שלום 🦊
- **[context]** - lowercase [dim]
"""


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def hostile(run, tmp_path: Path):
    notes = write_notes(tmp_path, FILE_NAME, HOSTILE)
    return run("import", notes)


# --- 1. user text is never markup ------------------------------------------------------------


def test_import_report_shows_file_and_deck_names_literally(hostile) -> None:
    shown = collapse(hostile.stdout)
    assert FILE_NAME in shown
    assert f"→ {DECK}" in shown


def test_cards_shows_brackets_and_contexts_literally(run, hostile) -> None:
    shown = collapse(run("cards").stdout)
    assert "list[int] [Paths [/opt/ml]]" in shown
    assert "[red]café[/red] [Paths [/opt/ml] › list[int]]" in shown
    assert "[context] [Paths [/opt/ml]]" in shown
    assert ":thumbs_up:" not in shown  # the back is not listed, but nothing turned into an emoji either
    by_deck = collapse(run("cards", "--deck", DECK).stdout)
    assert "3 card(s)" in by_deck


def test_decks_shows_the_deck_title_literally(run, hostile) -> None:
    assert DECK in collapse(run("decks").stdout)


@pytest.mark.parametrize("scope", [(), ("--deck", DECK)], ids=["all", "deck"])
def test_stats_shows_deck_topic_front_and_file_literally(run, hostile, scope, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # room for the whole topic on one line
    run("review", input="0\n5\n5\n")  # list[int] forgotten: it heads the hardest cards
    shown = collapse(run("stats", *scope).stdout)
    assert DECK in shown  # the deck table
    assert f"{HEADING} › list[int]" in shown  # a two-level topic
    assert "list[int]" in shown
    assert "n[ot]es [bold] 🦊.md:3" in shown
    if scope:
        assert f"deck {DECK}" in shown


def test_scripted_review_shows_everything_literally(run, hostile) -> None:
    shown = run("review", input="5\n5\n5\n").stdout
    assert f"] {DECK}\n{HEADING}\nQ: list[int]\nA: a list [/dim] of ints [bold] :thumbs_up:\n" in shown
    assert f"{HEADING} › list[int]\nQ: [red]café[/red]\nA: coffee שלום 🦊\n   ({FILE_NAME}:4)" in shown


@pytest.fixture
def key_review(monkeypatch: pytest.MonkeyPatch):
    """Review through the terminal screen (KeyUI) in-process: keys come from a list."""
    from mlsflash.cli import review_ui

    def use(keys: str) -> None:
        feed: Iterator[str] = iter(keys)
        monkeypatch.setattr(review_ui, "LineUI", review_ui.KeyUI)
        monkeypatch.setattr(typer, "getchar", lambda *args, **kwargs: next(feed, "q"))

    return use


def test_terminal_review_screen_shows_everything_literally(run, hostile, key_review) -> None:
    key_review(" 5 5 4x")
    shown = collapse(run("review").stdout)
    assert f"review · {DECK}" in shown or f"new card · {DECK}" in shown
    assert f"╭─ {HEADING} ─" in shown
    assert "│ list[int] │" in collapse(shown.replace("  ", " "))
    assert "a list [/dim] of ints [bold] :thumbs_up:" in shown
    assert f"{FILE_NAME}:3" in shown
    assert f"{HEADING} › list[int]" in shown
    assert "[red]café[/red]" in shown and "coffee שלום 🦊" in shown
    assert "[context]: Graded 4" in shown
    assert "Reviewed 3 card(s)" in shown


def test_errors_and_notes_naming_user_text_are_literal(run, hostile) -> None:
    missing = run("cards", "--deck", "No [/such] deck", code=1)
    assert "Error: no deck named 'No [/such] deck'" in missing.stderr
    assert DECK in missing.stderr


def test_real_terminal_review_shows_hostile_text_literally(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from conftest import NOW, answer_in_terminal

    pexpect = pytest.importorskip("pexpect")
    environment = {**os.environ, "MLSFLASH_DB": str(tmp_path / "mlsflash.db"), "MLSFLASH_NOW": NOW,
                   "NO_COLOR": "1", "TERM": "xterm"}
    environment.pop("MLSFLASH_DEBUG", None)
    notes = write_notes(tmp_path, FILE_NAME, HOSTILE)
    subprocess.run([sys.executable, "-m", "mlsflash", "import", str(notes)], env=environment, check=True,
                   capture_output=True, timeout=60)
    child = pexpect.spawn(sys.executable, ["-m", "mlsflash", "review"], env=environment, dimensions=(30, 100),
                          encoding="utf-8", timeout=20, cwd=str(tmp_path))
    child.expect_exact(DECK)
    child.expect_exact(HEADING)
    answer_in_terminal(child, "5", front="list[int]", answer="a list [/dim] of ints [bold] :thumbs_up:")
    child.expect_exact(": Graded 5 (easy)")
    child.expect_exact(f"{HEADING} › list[int]")
    child.expect_exact("[red]café[/red]")
    child.expect_exact("Space/Enter show answer")
    child.send(" ")
    child.expect_exact("coffee שלום 🦊")
    child.expect_exact(f"{FILE_NAME}:4")
    child.expect_exact("grade:")
    child.send("5")
    answer_in_terminal(child, "4", front="[context]", answer="lowercase [dim]")
    child.expect_exact("All done for now")
    child.send("x")
    child.expect_exact("Reviewed 3 card(s) in 3 answer(s), 100% correct")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


# --- 2. the clock refuses, with a sentence, the dates it cannot represent ---------------------

COMMANDS_USING_THE_CLOCK = [("stats",), ("stats", "--json"), ("decks",), ("review",), ("backup",)]


@pytest.mark.parametrize("moment", ["9999-12-31T23:00", "0001-01-01T01:00", "9999-12-31", "0001-01-01T00:00+05:00",
                                    "9999-12-31T23:59-12:00", "1899-12-31T23:59", "9001-01-01"])
@pytest.mark.parametrize("command", COMMANDS_USING_THE_CLOCK, ids=" ".join)
def test_a_date_out_of_range_is_an_error_line(run, hostile, monkeypatch, moment, command) -> None:
    monkeypatch.setenv("MLSFLASH_NOW", moment)
    result = run(*command, input="5\n", code=1)
    assert result.stderr.startswith(f"Error: MLSFLASH_NOW={moment!r} is outside the dates mlsflash supports")
    assert "Hint: use a date from 1900-01-01 to 9000-12-31" in result.stderr


# moment: (its study day, a day starting at 04:00; the due day of a new card graded 5; backup stamp)
EDGES = {
    "1900-01-01T00:00": ("1899-12-31", "1900-01-01", "19000101-000000"),
    "1900-01-01T03:59": ("1899-12-31", "1900-01-01", "19000101-035900"),
    "9000-12-31T23:59:59": ("9000-12-31", "9001-01-01", "90001231-235959"),
    "9000-12-31": ("9000-12-31", "9001-01-01", "90001231-120000"),  # a date alone reads as noon
}


@pytest.mark.parametrize("moment", EDGES)
@pytest.mark.parametrize("command", [*COMMANDS_USING_THE_CLOCK, ("export",), ("cards",)], ids=" ".join)
def test_every_command_works_at_the_edges_of_the_range(run, hostile, monkeypatch, moment, command) -> None:
    monkeypatch.setenv("MLSFLASH_NOW", moment)
    study_day, next_due, stamp = EDGES[moment]
    shown = run(*command, input="5\n5\n5\n").stdout
    if command == ("review",):
        assert "Reviewed 3 card(s) in 3 answer(s), 100% correct" in shown
        assert f"Next card due: {next_due}." in shown
    elif command == ("stats", "--json"):
        assert json.loads(shown)["today"] == study_day
    elif command == ("stats",):
        assert study_day in shown  # the calendar ends on the study day
    elif command == ("decks",):
        assert re.search(r"│\s+3 │\s+3 │\s+0 │", shown), shown  # 3 cards, 3 new, none due
    elif command == ("backup",):
        assert f".backup-{stamp}" in shown
    elif command == ("export",):
        assert [card["status"] for card in json.loads(shown)] == ["new"] * 3
    else:
        assert "3 card(s)" in shown
    figures = json.loads(run("stats", "--json").stdout)
    assert figures["today"] == study_day
    assert figures["reviews"]["today"] == (3 if command == ("review",) else 0)
    if command == ("review",):
        assert figures["due"]["tomorrow"] == 3 and figures["forecast"][1] == {"date": next_due, "due": 3}


@pytest.mark.parametrize("moment", ["2026-11-26 10:00", "20261126T1000", "2026-11-26t10:00", "2026-W48-4",
                                    "2026-11-26T10:00:00.123456789", " 2026-11-26T10:00 "])
def test_the_clock_accepts_what_a_user_types(run, hostile, monkeypatch, moment) -> None:
    monkeypatch.setenv("MLSFLASH_NOW", moment)
    assert '"today": "2026-11-26"' in run("stats", "--json").stdout


# --- 7. search and --topic match the displayed text, case-folded, literally ----------------

SEARCHABLE = """\
# Search
## Kinesis
- **Kinesis Data Streams** - real time
  - **Shards** - 1 MB/s in
  - **Retention** - 24 h default
## Café
- **Espresso** - 100% arabica
- **snake_case** - names "quoted"
- **Straße** - a street
"""


@pytest.fixture
def searchable(run, tmp_path: Path) -> None:
    run("import", write_notes(tmp_path, "search.md", SEARCHABLE))


def fronts_found(run, *args: str) -> list[str]:
    return [card["front"] for card in json.loads(run("cards", "--json", *args).stdout)]


@pytest.mark.parametrize(
    ("needle", "fronts"),
    [
        ("Kinesis › Kinesis Data Streams", ["Shards", "Retention"]),  # the context as the screens show it
        ("kinesis › KINESIS", ["Shards", "Retention"]),
        ("%", ["Espresso"]),
        ("_", ["snake_case"]),
        ('"', ["snake_case"]),
        ('"quoted"', ["snake_case"]),
        ("CAFÉ", ["Espresso", "snake_case", "Straße"]),
        ("strasse", ["Straße"]),  # Unicode casefold: ß is ss
        ("Cafe\u0301", ["Espresso", "snake_case", "Straße"]),  # a decomposed é finds the composed one
        ("REAL TIME", ["Kinesis Data Streams"]),
        ('["Kinesis"', []),  # the stored JSON is not what anyone sees
    ],
)
def test_cards_search_matches_the_displayed_text_literally(run, searchable, needle, fronts) -> None:
    assert sorted(fronts_found(run, "--search", needle)) == sorted(fronts)


@pytest.mark.parametrize(
    ("topic", "fronts"),
    [
        ("Kinesis › Kinesis Data Streams", ["Shards", "Retention"]),
        ("CAFÉ", ["Espresso", "snake_case", "Straße"]),
        ("%", []),
        ("_", []),
        ('"', []),
        ("Espresso", []),  # --topic looks at the context only
    ],
)
def test_review_topic_matches_the_displayed_context_literally(run, searchable, topic, fronts) -> None:
    shown = run("review", "--topic", topic, input="5\n" * 8).stdout
    assert sorted(line[3:] for line in shown.splitlines() if line.startswith("Q: ")) == sorted(fronts)


# --- 10. export -o writes atomically, with the umask's mode, and leaves nothing behind ----------


@pytest.fixture
def umask():
    def set_to(mask: int) -> None:
        previous.append(os.umask(mask))

    previous: list[int] = []
    yield set_to
    for mask in reversed(previous):
        os.umask(mask)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_export_file_has_the_umask_mode(run, hostile, tmp_path, umask, mask, mode) -> None:
    umask(mask)
    target = tmp_path / "out" / "cards.json"
    run("export", "-o", target)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 3
    assert sorted(path.name for path in target.parent.iterdir()) == ["cards.json"]


def test_export_into_a_folder_is_an_error_and_leaves_nothing(run, hostile, tmp_path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    result = run("export", "-o", folder, code=1)
    assert result.stderr.startswith(f"Error: cannot export to {folder}: it is a folder")
    assert "Hint: give a file name" in result.stderr
    assert sorted(path.name for path in folder.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace", "interrupt"])
def test_a_failed_export_leaves_the_old_file_and_no_temporary(run, hostile, tmp_path, monkeypatch, failing) -> None:
    import errno

    target = tmp_path / "cards.json"
    target.write_text("old")
    error: BaseException = KeyboardInterrupt() if failing == "interrupt" else OSError(errno.ENOSPC, "No space left")

    def fail(*args, **kwargs):
        raise error

    name = {"write": "write", "fsync": "fsync", "replace": "replace", "interrupt": "fsync"}[failing]
    monkeypatch.setattr(os, name, fail)
    if failing == "interrupt":
        with contextlib.suppress(KeyboardInterrupt):  # Typer may turn it into "Aborted!"
            assert run("export", "-o", target, code=None).exit_code != 0
    else:
        result = run("export", "-o", target, code=1)
        assert result.stderr.startswith(f"Error: cannot write {target}: No space left")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir() if not path.is_dir()) == sorted([FILE_NAME, "cards.json"])


# --- 11. config values, blank names, help placeholders -----------------------------------------


@pytest.fixture
def database(run, tmp_path) -> None:
    """config changes an existing database (only review and import create one)."""
    run("import", write_notes(tmp_path, "one.md", "* **x** - y\n"))


@pytest.mark.parametrize("value", ["-5", "-0x1", "٣", "1_000", "+5", "5.0", "1e3", "", "   ", "10001", "lots"])
def test_config_refuses_what_is_not_an_ascii_number_in_range(run, database, value) -> None:
    result = run("config", "new_per_day", value, code=1)
    assert result.stderr.startswith(f"Error: new_per_day must be an integer from 0 to 10000, not {value!r}\n")
    assert run("config", "new_per_day").stdout == "new_per_day = 20\n"


@pytest.mark.parametrize(("key", "value", "allowed"), [
    ("rollover_hour", "-1", "from 0 to 23"),
    ("leech_lapses", "0", "from 1 to 1000"),
    ("max_reviews_per_day", "-3", "from 0 to 100000, or none"),
])
def test_config_names_the_allowed_range(run, database, key, value, allowed) -> None:
    assert f"Error: {key} must be an integer {allowed}, not {value!r}" in run("config", key, value, code=1).stderr


def test_config_accepts_an_ascii_number_with_spaces_around(run, database) -> None:
    run("config", "new_per_day", " 7 ")
    assert run("config", "new_per_day").stdout == "new_per_day = 7\n"
    run("config", "max_reviews_per_day", "none")
    assert run("config", "max_reviews_per_day").stdout == "max_reviews_per_day = none\n"


BLANK_NAMES = [
    ("import", "--deck", "   ", "NOTES"),
    ("import", "--deck", "", "NOTES"),
    ("import", "  "),
    ("review", "--deck", " "),
    ("review", "--topic", ""),
    ("review", "--topic", " \t "),
    ("cards", "--search", ""),
    ("cards", "--search", "  "),
    ("cards", "--deck", "   "),
    ("export", "--deck", " "),
    ("export", "-o", " "),
    ("stats", "--deck", ""),
    ("backup", " "),
    ("suspend", " "),
    ("--db", " ", "decks"),
]


@pytest.mark.parametrize("args", BLANK_NAMES, ids=lambda args: " ".join(repr(arg) for arg in args))
def test_blank_names_are_refused(run, tmp_path, env, args) -> None:
    notes = write_notes(tmp_path, "notes.md", "# Deck\n- **Alpha** - first\n")
    run("import", notes)
    before = json.loads(run("export").stdout)
    result = run(*[str(notes) if arg == "NOTES" else arg for arg in args], input="5\n", code=2)
    assert "cannot be blank" in result.stderr
    assert json.loads(run("export").stdout) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "notes.md"]


def _all_help(run) -> dict[str, str]:
    """Every command's --help, sub-commands of a group (`exam practice`) included."""
    from typer.main import get_command

    from mlsflash.cli import app

    def names(group, prefix: str = ""):
        for name, command in sorted(group.commands.items()):
            yield f"{prefix}{name}"
            if hasattr(command, "commands"):
                yield from names(command, f"{prefix}{name} ")

    return {"": run("--help").stdout,
            **{name: run(*name.split(), "--help").stdout for name in names(get_command(app))}}


def test_help_placeholders_read_as_words(run) -> None:
    helps = _all_help(run)
    for name, text in helps.items():
        assert not re.search(r"<[^>]*>|\{|list\[", text), f"mlsflash {name} --help:\n{text}"
    usage = {name: text.splitlines()[0] for name, text in helps.items()}
    assert usage["suspend"] == "Usage: mlsflash suspend [OPTIONS] ID..."
    assert usage["unsuspend"] == "Usage: mlsflash unsuspend [OPTIONS] ID..."
    assert usage["import"] == "Usage: mlsflash import [OPTIONS] [PATH]..."
    assert usage["config"] == "Usage: mlsflash config [OPTIONS] [KEY] [VALUE]"
    assert usage["backup"] == "Usage: mlsflash backup [OPTIONS] [PATH]"
    for name, option in [("review", "--new N"), ("review", "--limit N"), ("review", "--deck NAME"),
                         ("review", "--topic TEXT"), ("cards", "--search TEXT"), ("cards", "--status STATUS"),
                         ("export", "--output PATH"), ("export", "--format FORMAT"), ("stats", "--deck NAME"),
                         ("import", "--deck NAME"), ("", "--db PATH"), ("exam practice", "--count N"),
                         ("exam practice", "--seed SEED"), ("exam mock", "--seed SEED")]:
        assert option in helps[name], f"{option} in mlsflash {name} --help"


# --- 13. the project cites its own documents ---------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
CITED_SECTION = re.compile(r"""(README|docs/[\w./-]+\.md)(?:'s)?,? (?:section )?["“]([^"”]+)["”]""")


def _sources() -> list[Path]:
    return [path for folder in ("src", "tests") for path in sorted((ROOT / folder).rglob("*.py"))
            if path != Path(__file__).resolve()]


def test_code_and_tests_cite_no_document_the_repository_lacks() -> None:
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"DESIGN\.md|design doc", text, re.IGNORECASE), f"{path} cites a design document"
        for name in re.findall(r"\b(?:docs/[\w./-]+\.md)", text):
            assert (ROOT / name).exists(), f"{path} cites {name}, which the repository does not contain"


def _headings(document: str) -> set[str]:
    path = ROOT / ("README.md" if document == "README" else document)
    if not path.exists():
        return set()
    return {line.lstrip("#").strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")}


def test_the_document_sections_cited_in_the_code_exist() -> None:
    cited = {(path.name, document, section) for path in _sources()
             for document, section in CITED_SECTION.findall(path.read_text("utf-8"))}
    cited_by = {name for name, _, _ in cited}
    assert cited_by >= {"sm2.py", "test_parser.py"}, "the SM-2 and parser rules cite their sections"
    assert {citation for citation in cited if citation[2] not in _headings(citation[1])} == set()


def test_control_characters_and_bidi_overrides_never_reach_a_card_or_the_screen(tmp_path, run) -> None:
    notes = write_notes(tmp_path, "esc.md", "# D\n\n* **ansi\x1b[31m** - \x1b[2J\x1b[Hcleared? \x07bell\n"
                                            "* **\u202eRLO** - rev\x08ersed \u2066isolated\u2069\n")
    run("import", notes)
    cards = json.loads(run("export", "--format", "json").stdout)
    assert [(card["front"], card["back"]) for card in cards] == [
        ("ansi[31m", "[2J[Hcleared? bell"), ("RLO", "reversed isolated")
    ]
    for command in (("cards",), ("review", "--new", "5")):
        shown = run(*command, input="5\n5\n").stdout
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown


@pytest.mark.parametrize(("markup", "plain", "html"), [
    ("**`**kwargs`**", "**kwargs", "<b><code>**kwargs</code></b>"),
    ("**`code with **stars**`** - x", "code with **stars** - x", "<b><code>code with **stars**</code></b> - x"),
    ("*a `*` b*", "a * b", "<i>a <code>*</code> b</i>"),
    ("**a\\*b**", "a*b", "<b>a*b</b>"),
])
def test_bold_around_code_holding_stars_is_bold_code_on_screen_and_in_anki(markup: str, plain: str, html: str):
    """Found by a hostile pass: `**`**kwargs`**` was drawn as bold "`" then `kwargs`**`. A code span
    inside emphasis is one unit for the terminal and the Anki export alike (model.INLINE_MARKUP)."""
    from mlsflash.export import apkg
    from mlsflash.cli.render import inline

    text = inline(markup)
    assert text.plain == plain
    assert apkg.inline_html(markup) == html


def test_an_unclosed_emphasis_over_many_code_spans_is_read_in_one_pass():
    """Emphasis that never closes, over a long line of code spans, is plain text; each span can be
    read one way only, so this returns at once instead of trying every way to split the line."""
    from mlsflash.cli.render import inline

    text = inline("**" + "``a" * 3000)
    assert text.plain.startswith("**a") and text.plain.count("a") == 3000
    assert not any("bold" == str(span.style) or "italic" == str(span.style) for span in text.spans)


def test_control_characters_in_a_file_name_are_shown_never_sent_to_the_terminal(run, tmp_path: Path) -> None:
    """Found by a hostile pass: a notes file named with an escape sequence turned the import
    table, `decks`, `cards`, `stats` and the review screen red (or cleared them)."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "evil\x1b[31mRED\x07.md").write_text("# Deck\n* **Shard** - a unit\n", encoding="utf-8")
    outputs = [run("import", folder).stdout, run("decks").stdout, run("cards").stdout, run("stats").stdout,
               run("review", input="q\n").stdout]
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output, output
    assert "\\x1b" in outputs[0]  # the name is shown, its escape written out


@pytest.mark.parametrize("name", ["D\x1b[2Jx", "two\nlines", "tab\there"])
def test_a_deck_name_with_control_characters_is_refused(run, tmp_path: Path, env: Path, name: str) -> None:
    notes = write_notes(tmp_path, "plain.md", "# Deck\n* **Shard** - a unit\n")
    result = run("import", "--deck", name, notes, code=2)
    assert "cannot hold control characters" in result.stderr
    assert not env.exists()
