"""What a user can get wrong gets one `Error:` line, exit 1, no traceback, and an unchanged database."""

from __future__ import annotations

import os

import pytest
from reliability_helpers import dump, environment, mlsflash


@pytest.fixture
def db_with_cards(tmp_path):
    db = tmp_path / "mlsflash.db"
    notes = tmp_path / "good.md"
    notes.write_text("# Good\n* **Term** - definition\n", encoding="utf-8")
    assert mlsflash(environment(db), "import", str(notes)).returncode == 0
    return db


def refused(result, *fragments: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_a_notes_file_over_32_mb_is_refused_naming_the_limit(db_with_cards, tmp_path):
    huge = tmp_path / "huge.md"
    line = "* **Term** - " + "x" * 100 + "\n"
    huge.write_text(line * (33 * 1024 * 1024 // len(line) + 1), encoding="utf-8")
    before = dump(db_with_cards)
    refused(mlsflash(environment(db_with_cards), "import", str(huge)), "32 MB")
    assert dump(db_with_cards) == before


def test_a_symlink_loop_in_a_folder_is_refused(db_with_cards, tmp_path):
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.md").write_text("* **A** - b\n", encoding="utf-8")
    os.symlink(folder, folder / "sub" / "loop")
    before = dump(db_with_cards)
    refused(mlsflash(environment(db_with_cards), "import", str(folder)), "loop")
    assert dump(db_with_cards) == before


def test_a_notes_file_that_disappears_mid_import_is_an_error(tmp_path):
    from mlsflash.errors import MlsflashError
    from mlsflash.notes.importer import collect_files, read_notes

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("* **A** - b\n", encoding="utf-8")
    (files := collect_files([folder]).files)[0].unlink()
    with pytest.raises(MlsflashError, match="disappeared"):
        read_notes(files[0])


def test_an_unparseable_mlsflash_now_is_refused(db_with_cards):
    before = dump(db_with_cards)
    refused(mlsflash(environment(db_with_cards, MLSFLASH_NOW="next tuesday"), "review"), "MLSFLASH_NOW")
    assert dump(db_with_cards) == before


def test_a_database_path_that_cannot_be_written(tmp_path):
    refused(mlsflash(environment(tmp_path / "x.db"), "--db", "/proc/mlsflash/x.db", "decks"), "/proc/mlsflash")


def test_a_database_folder_that_does_not_exist_yet_is_created(tmp_path):
    db = tmp_path / "new" / "deeper" / "mlsflash.db"
    notes = tmp_path / "notes.md"
    notes.write_text("# Deck\n* **Term** - definition\n", encoding="utf-8")
    assert mlsflash(environment(db), "import", str(notes)).returncode == 0
    assert db.exists()


def test_a_corrupt_database_is_refused_and_left_alone(db_with_cards):
    data = bytearray(db_with_cards.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the header survives, the schema page does not
    db_with_cards.write_bytes(bytes(data))
    result = mlsflash(environment(db_with_cards), "decks")
    refused(result)
    assert db_with_cards.read_bytes() == bytes(data)


def test_a_parsing_process_killed_mid_import_is_an_error_line_not_a_traceback(tmp_path):
    import hashlib
    import signal

    from mlsflash.errors import MlsflashError
    from mlsflash.notes.importer import NotesFile, Parsing

    text = "".join(f"## Section {s}\n\n" + "".join(f"* **t{s}_{i}** - meaning {i}\n" for i in range(40))
                   for s in range(400))
    parsing = Parsing([NotesFile("/n.md", "n.md", text, hashlib.sha256(text.encode()).hexdigest())])
    victim = next(iter(parsing._pool._processes))  # one worker, as the out-of-memory killer would
    os.kill(victim, signal.SIGKILL)
    with pytest.raises(MlsflashError, match="was killed"):
        parsing.results()
