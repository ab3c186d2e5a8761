"""The command line as a user meets it: help, version, errors, export, decks, cards, suspend."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from importlib.metadata import version
from pathlib import Path
from typing import Callable

import pytest
import typer.main

from conftest import rows, write_notes
from mlsflash.cli import app

NOTES = """\
# Letters

## Early

- **Alpha** - the first letter
  - also a rocket
- Bravo -> the second letter
- **group**:
  - Charlie
  - Delta

## Late

- `Zulu`: the last letter
"""

COMMANDS = sorted(typer.main.get_command(app).commands.items())  # type: ignore[attr-defined]


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_notes(tmp_path, "letters.md", NOTES)


# --- help and version ------------------------------------------------------------------------


def test_root_help_lists_every_command(run, env: Path) -> None:
    result = run("--help")
    assert "Markdown notes" in collapse(result.stdout)
    for name, _ in COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", result.stdout, re.MULTILINE), name
    assert not env.exists()  # help never creates the database


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_with_a_description(run, env: Path, name: str, command) -> None:
    result = run(name, "--help")
    assert result.stdout.startswith("Usage: ")
    description = collapse(command.help or "").split(". ")[0]
    assert len(description) > 10, f"{name} has no description"
    assert description in collapse(result.stdout)
    assert not env.exists()


def test_version(run) -> None:
    result = run("--version")
    assert result.stdout.strip() == f"mlsflash {version('mlsflash')}"


def test_python_dash_m_entry_point_exists() -> None:
    import importlib.util

    assert importlib.util.find_spec("mlsflash.__main__") is not None


# --- errors: one Error: line on stderr, exit 1, no traceback ---------------------------------


def _missing_file(tmp_path: Path) -> list[str]:
    return ["import", str(tmp_path / "nowhere.md")]


def _folder_without_markdown(tmp_path: Path) -> list[str]:
    write_notes(tmp_path / "empty", "readme.txt", "- alpha - a\n")
    return ["import", str(tmp_path / "empty")]


def _invalid_utf8(tmp_path: Path) -> list[str]:
    (tmp_path / "latin1.md").write_bytes("# Café\n\n- café - coffee\n".encode("latin-1"))
    return ["import", str(tmp_path / "latin1.md")]


def _binary(tmp_path: Path) -> list[str]:
    (tmp_path / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    return ["import", str(tmp_path / "image.md")]


def _fifo(tmp_path: Path) -> list[str]:
    os.mkfifo(tmp_path / "pipe.md")  # reading it would wait for a writer forever
    return ["import", str(tmp_path / "pipe.md")]


def _link_to_a_fifo(tmp_path: Path) -> list[str]:
    """What `/dev/stdin` is when a pipe feeds it: a symbolic link to a pipe, not a broken link."""
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "stdin").symlink_to(tmp_path / "fifo")
    return ["import", str(tmp_path / "stdin")]


def _utf16(tmp_path: Path, encoding: str, name: str) -> list[str]:
    (tmp_path / name).write_bytes("# Notes\n* **Shard** - unit of capacity\n".encode(encoding))
    return ["import", str(tmp_path / name)]


def _db_is_a_folder(tmp_path: Path) -> list[str]:
    (tmp_path / "dbdir").mkdir()
    return ["--db", str(tmp_path / "dbdir"), "decks"]


def _corrupt_db(tmp_path: Path) -> list[str]:
    (tmp_path / "corrupt.db").write_bytes(b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 1024)
    return ["--db", str(tmp_path / "corrupt.db"), "decks"]


def _not_a_db(tmp_path: Path) -> list[str]:
    write_notes(tmp_path, "notes.db", "# not a database\n")
    return ["--db", str(tmp_path / "notes.db"), "cards"]


def _database(tmp_path: Path) -> None:
    """An empty database where the `env` fixture points: only review and import create one."""
    from mlsflash.storage import open_store

    open_store(tmp_path / "data" / "mlsflash.db").close()


def _unknown_deck(tmp_path: Path) -> list[str]:
    _database(tmp_path)
    return ["export", "--deck", "No Such Deck"]


def _unknown_card(tmp_path: Path) -> list[str]:
    _database(tmp_path)
    return ["suspend", "0123456789ab"]


def _unknown_format(tmp_path: Path) -> list[str]:
    return ["export", "--format", "xml"]


def _unknown_status(tmp_path: Path) -> list[str]:
    _database(tmp_path)
    return ["cards", "--status", "sleeping"]


def _nothing_to_import(tmp_path: Path) -> list[str]:
    return ["import"]


ERRORS: list[tuple[str, Callable[[Path], list[str]], tuple[str, ...]]] = [
    ("missing-file", _missing_file, ("nowhere.md",)),
    ("folder-without-markdown", _folder_without_markdown, ("empty", "Markdown")),
    ("invalid-utf8", _invalid_utf8, ("latin1.md", "UTF-8", "byte offset 5")),
    ("binary-file", _binary, ("image.md", "binary")),
    ("fifo", _fifo, ("pipe.md is a pipe, not a notes file or folder",)),
    ("link-to-a-fifo", _link_to_a_fifo, ("stdin is a pipe, not a notes file or folder",)),
    ("utf-16-with-bom", lambda path: _utf16(path, "utf-16", "bom.md"), ("bom.md is UTF-16 text, not UTF-8",)),
    ("utf-16-le", lambda path: _utf16(path, "utf-16-le", "le.md"), ("le.md is UTF-16 text, not UTF-8",)),
    ("utf-16-be", lambda path: _utf16(path, "utf-16-be", "be.md"), ("be.md is UTF-16 text, not UTF-8",)),
    ("db-is-a-folder", _db_is_a_folder, ("dbdir", "directory")),
    ("corrupt-db", _corrupt_db, ("corrupt.db",)),
    ("not-a-db", _not_a_db, ("notes.db", "not an mlsflash database")),
    ("unknown-deck", _unknown_deck, ("No Such Deck",)),
    ("unknown-card-id", _unknown_card, ("0123456789ab",)),
    ("unknown-format", _unknown_format, ("xml",)),
    ("unknown-status", _unknown_status, ("sleeping",)),
    ("nothing-to-import", _nothing_to_import, ("nothing to import",)),
]


@pytest.mark.parametrize(("make", "mentions"), [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_expected_failure_is_one_error_line_and_exit_1(
    run, tmp_path: Path, make: Callable[[Path], list[str]], mentions: tuple[str, ...]
) -> None:
    args = make(tmp_path)
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    result = run(*args, code=1)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for text in mentions:
        assert text in errors[0]
    assert all(line.startswith(("Error:", "Hint:")) for line in result.stderr.splitlines())
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert {path: path.read_bytes() for path in before} == before  # inputs left untouched


def test_a_utf16_file_is_named_so_with_how_to_save_it_as_utf8(run, tmp_path: Path) -> None:
    for encoding, named in (("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")):
        assert run(*_utf16(tmp_path, encoding, "notes.md"), code=1).stderr.splitlines() == [
            "Error: notes.md is UTF-16 text, not UTF-8",
            "Hint: save it as UTF-8 (in your editor's Save As, encoding UTF-8; "
            f"or: iconv -f {named} -t UTF-8 OLD.md > NEW.md)",
        ]


@pytest.mark.skipif(not Path("/dev/stdin").is_symlink(), reason="/dev/stdin is a link to the process's fd 0 here")
def test_importing_dev_stdin_says_notes_must_be_a_file_or_a_folder(env: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "mlsflash", "import", "/dev/stdin"], input="* **a** - b\n",
                            capture_output=True, text=True, env={**os.environ}, timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "Error: /dev/stdin is a pipe, not a notes file or folder",
        "Hint: notes must be a file or a folder (save piped text to a .md file first); nothing was imported",
    ]


def test_invalid_utf8_offset_is_the_offending_byte(run, tmp_path: Path) -> None:
    data = "# Notes\n\n- naïve - ok\n".encode() + b"- caf\xe9 - coffee\n"
    (tmp_path / "mixed.md").write_bytes(data)
    offset = data.index(b"\xe9")
    result = run("import", tmp_path / "mixed.md", code=1)
    assert f"byte offset {offset}" in result.stderr


def test_debug_variable_re_raises(run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mlsflash.errors import MlsflashError

    monkeypatch.setenv("MLSFLASH_DEBUG", "1")
    with pytest.raises(MlsflashError):
        run("import", tmp_path / "nowhere.md", code=None)


# --- import output ----------------------------------------------------------------------


def test_import_prints_a_summary_per_file(run, notes: Path) -> None:
    result = run("import", notes)
    header = next(line for line in result.stdout.splitlines() if "added" in line)
    for column in ("added", "updated", "same", "moved", "retired", "revived", "skipped"):
        assert column in header
    row = next(line for line in result.stdout.splitlines() if line.startswith("letters.md"))
    assert [int(number) for number in row.split()[1:]] == [4, 0, 0, 0, 0, 0, 0]
    again = run("import", notes)
    row = next(line for line in again.stdout.splitlines() if line.startswith("letters.md"))
    assert [int(number) for number in row.split()[1:]] == [0, 0, 4, 0, 0, 0, 0]
    assert all(len(line) <= 80 for line in result.stdout.splitlines())



def _database_contents(db: Path) -> dict[str, list[tuple]]:
    tables = [name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {table: sorted(rows(db, f"SELECT * FROM {table}"), key=repr) for table in tables}


def test_reimporting_an_unchanged_folder_prints_one_line_for_its_files(run, env: Path, tmp_path: Path) -> None:
    """Issue 27, item 12: 300 unchanged files are one summary line, not a table row each
    (`--verbose` lists them), and the re-import writes nothing."""
    folder = tmp_path / "many"
    for index in range(300):
        write_notes(folder / f"part-{index // 100}", f"page-{index:03d}.md",
                    f"# Deck {index % 3}\n\n## Page {index}\n\n* **Term {index}** - meaning {index}\n"
                    f"* **Other {index}** - second meaning {index}\n")
    run("import", folder)
    before = _database_contents(env)
    again = run("import", folder)
    assert _database_contents(env) == before
    lines = again.stdout.splitlines()
    summary = [line for line in lines if "files unchanged" in line]
    assert len(summary) == 1 and summary[0].split()[:3] == ["300", "files", "unchanged"]
    assert [int(number) for number in summary[0].split()[3:]] == [0, 0, 600, 0, 0, 0, 0]
    assert len(lines) <= 4 and "page-" not in again.stdout
    verbose = run("import", folder, "--verbose")
    assert _database_contents(env) == before
    listed = [line for line in verbose.stdout.splitlines() if "page-" in line]
    assert len(listed) == 300 and listed[0].split() == ["many/part-0/page-000.md", "→", "Deck", "0"]

    write_notes(folder / "part-1", "page-150.md", "# Deck 0\n\n## Page 150\n\n* **Term 150** - meaning changed\n")
    changed = run("import", folder).stdout.splitlines()
    row = next(line for line in changed if line.startswith("many/part-1/page-150.md"))
    assert [int(number) for number in row.split()[1:]] == [0, 1, 0, 0, 1, 0, 0]
    summary = next(line for line in changed if "files unchanged" in line)
    assert summary.split()[:3] == ["299", "files", "unchanged"]
    total = next(line for line in changed if line.startswith("total"))
    assert [int(number) for number in total.split()[1:]] == [0, 1, 598, 0, 1, 0, 0]


# --- export -------------------------------------------------------------------------------

EXPORT_TYPES = {
    "id": str,
    "deck": str,
    "context": list,
    "front": str,
    "back": str,
    "direction": str,
    "source": dict,
    "status": str,
    "repetitions": int,
    "easiness": (int, float),
    "interval": int,
    "due": (str, type(None)),
    "lapses": int,
}


def test_export_json_has_every_documented_key_with_its_type(run, notes: Path, export) -> None:
    run("import", notes, "--reverse")
    cards = export()
    assert len(cards) == 7  # 3 term cards and their reverses, 1 list card
    for card in cards:
        for key, kind in EXPORT_TYPES.items():
            assert isinstance(card[key], kind), (key, card)
        assert all(isinstance(part, str) for part in card["context"])
        assert isinstance(card["source"]["file"], str) and isinstance(card["source"]["line"], int)
        assert not isinstance(card["repetitions"], bool)
        assert card["direction"] in ("forward", "reverse")
        assert (card["status"], card["repetitions"], card["easiness"], card["interval"], card["due"], card["lapses"]) == (
            "new", 0, 2.5, 0, None, 0
        )
    alpha = next(card for card in cards if card["front"] == "Alpha")
    assert alpha["deck"] == "Letters"
    assert alpha["context"] == ["Early"]
    assert alpha["back"] == "the first letter\n- also a rocket"
    assert alpha["source"] == {"file": str(notes.resolve()), "line": 5}
    group = next(card for card in cards if card["front"] == "group")
    assert group["back"] == "- Charlie\n- Delta"
    reverse = next(card for card in cards if card["direction"] == "reverse" and card["back"] == "Zulu")
    assert reverse["front"] == "the last letter"


def test_export_plain_text_has_no_markup(run, notes: Path, export) -> None:
    run("import", notes)
    for card in export():
        assert not re.search(r"\*\*|`|\]\(", card["front"] + card["back"]), card


def test_ids_are_random_not_derived_from_the_text(run, notes: Path, export, monkeypatch, tmp_path: Path) -> None:
    run("import", notes)
    first = [card["id"] for card in export()]
    monkeypatch.setenv("MLSFLASH_DB", str(tmp_path / "other.db"))
    run("import", notes)
    second = [card["id"] for card in export()]
    assert len(set(first)) == len(first)
    assert not set(first) & set(second)


def test_export_deck_option_and_output_file(run, notes: Path, tmp_path: Path, export) -> None:
    run("import", notes)
    run("import", write_notes(tmp_path, "other.md", "# Other\n\n- omega - end\n"))
    assert {card["deck"] for card in export()} == {"Letters", "Other"}
    assert [card["front"] for card in export("--deck", "Other")] == ["omega"]
    target = tmp_path / "out" / "cards.json"
    result = run("export", "--deck", "Letters", "-o", target)
    assert result.stdout == ""
    assert [card["front"] for card in json.loads(target.read_text(encoding="utf-8"))] == [
        "Alpha", "Bravo", "group", "Zulu"
    ]


def test_export_csv_has_a_header_and_a_row_per_card(run, notes: Path, export) -> None:
    run("import", notes)
    rows = list(csv.reader(io.StringIO(run("export", "--format", "csv").stdout)))
    header, body = rows[0], rows[1:]
    for column in ("id", "deck", "front", "back", "status", "due"):
        assert column in header
    assert len(body) == len(export()) == 4
    records = [dict(zip(header, row)) for row in body]
    assert [record["front"] for record in records] == ["Alpha", "Bravo", "group", "Zulu"]
    assert records[0]["back"] == "the first letter\n- also a rocket"
    assert {record["id"] for record in records} == {card["id"] for card in export()}


def test_export_of_an_empty_collection_is_an_empty_array(export, tmp_path: Path) -> None:
    _database(tmp_path)
    assert export() == []


# --- decks, cards, suspend ------------------------------------------------------------------


def deck_rows(output: str) -> dict[str, list[int]]:
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│|┃]", line)]
        if len(cells) >= 6 and all(cell.isdigit() for cell in cells[1:]):
            rows[cells[0]] = [int(cell) for cell in cells[1:]]
    return rows


def test_decks_lists_counts(run, notes: Path, tmp_path: Path, export) -> None:
    _database(tmp_path)
    assert "No decks" in run("decks").stdout
    run("import", notes)
    other = write_notes(tmp_path, "other.md", "# Other\n\n- omega - end\n- psi - near the end\n")
    run("import", other)
    by_front = {card["front"]: card["id"] for card in export()}
    run("suspend", by_front["Alpha"])
    write_notes(tmp_path, "other.md", "# Other\n\n- omega - end\n")
    run("import", other)
    rows = deck_rows(run("decks").stdout)
    header = next(line for line in run("decks").stdout.splitlines() if "total" in line)
    assert [word for word in re.split(r"\W+", header) if word] == ["deck", "total", "new", "due", "suspended", "retired"]
    assert rows == {"Letters": [4, 3, 0, 1, 0], "Other": [1, 1, 0, 0, 1]}


def test_cards_search_status_and_json(run, notes: Path, export) -> None:
    run("import", notes)
    listing = run("cards").stdout
    for card in export():
        assert card["id"] in listing
    found = json.loads(run("cards", "--search", "LETTER", "--json").stdout)
    assert [card["front"] for card in found] == ["Alpha", "Bravo", "Zulu"]
    by_context = json.loads(run("cards", "--search", "Late", "--json").stdout)
    assert [card["front"] for card in by_context] == ["Zulu"]
    assert "No cards match" in run("cards", "--search", "nothing like this").stdout
    assert len(json.loads(run("cards", "--status", "new", "--json").stdout)) == 4
    assert json.loads(run("cards", "--status", "suspended", "--json").stdout) == []
    assert json.loads(run("cards", "--json", "--search", "rocket").stdout)[0].keys() >= EXPORT_TYPES.keys()


def test_suspend_and_unsuspend_change_the_status(run, notes: Path, export) -> None:
    run("import", notes)
    ids = {card["front"]: card["id"] for card in export()}
    assert "Suspended 2" in run("suspend", ids["Alpha"], ids["Zulu"]).stdout
    statuses = {card["front"]: card["status"] for card in export()}
    assert statuses == {"Alpha": "suspended", "Bravo": "new", "group": "new", "Zulu": "suspended"}
    assert [card["front"] for card in json.loads(run("cards", "--status", "suspended", "--json").stdout)] == [
        "Alpha", "Zulu"
    ]
    assert "Unsuspended 1" in run("unsuspend", ids["Zulu"]).stdout
    assert {card["front"]: card["status"] for card in export()}["Zulu"] == "new"
    # one unknown id: nothing changes
    run("unsuspend", ids["Alpha"], "ffffffffffff", code=1)
    assert {card["front"]: card["status"] for card in export()}["Alpha"] == "suspended"


def test_db_option_overrides_the_environment(run, notes: Path, tmp_path: Path, env: Path) -> None:
    other = tmp_path / "elsewhere" / "cards.db"
    run("--db", other, "import", notes)
    assert other.is_file()
    assert json.loads(run("--db", other, "export").stdout) != []
    assert "Error: no database at" in run("export", code=1).stderr  # the environment's, never created


@pytest.mark.parametrize("columns", ["40", "24"])
def test_a_narrow_terminal_shows_every_import_count_whole(run, tmp_path, monkeypatch, columns):
    notes = tmp_path / "a-rather-long-notes-file-name.md"
    notes.write_text("# Deck\n" + "".join(f"- **Term {n}** - meaning {n}\n" for n in range(12_345)), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", columns)
    shown = run("import", notes).stdout
    assert "added 12345" in shown and "skipped 0" in shown
    assert "…" not in shown and all(len(line) <= int(columns) for line in shown.splitlines())
    assert "a-rather-long-notes-file-name.md" in shown.replace("\n", "")


def test_a_narrow_terminal_shows_every_deck_count_whole(run, tmp_path, monkeypatch):
    notes = tmp_path / "big.md"
    notes.write_text("# A deck named [bold]at length[/bold]\n" + "".join(f"- **T{n}** - m {n}\n" for n in range(12_345)),
                     encoding="utf-8")
    run("import", notes)
    monkeypatch.setenv("COLUMNS", "40")
    shown = run("decks").stdout
    assert "total 12345" in shown and "new 12345" in shown and "retired 0" in shown
    assert "A deck named [bold]at length[/bold]" in shown  # user text, never markup
    assert "…" not in shown and all(len(line) <= 40 for line in shown.splitlines())


def test_a_narrow_terminal_lists_each_card_whole(run, tmp_path, monkeypatch):
    long_term = "Kinesis Data Streams with enhanced fan-out"
    notes = tmp_path / "n.md"
    notes.write_text(f"# Deck\n## Streaming [bold]x[/bold]\n- **{long_term}** - dedicated throughput\n",
                     encoding="utf-8")
    run("import", notes)
    monkeypatch.setenv("COLUMNS", "40")
    shown = run("cards").stdout
    card_id = run("cards", "--json").stdout.split('"id": "')[1][:12]
    assert card_id in shown and "new" in shown
    assert long_term in " ".join(shown.split()) and "[Streaming [bold]x[/bold]]" in " ".join(shown.split())
    assert all(len(line) <= 40 for line in shown.splitlines())
