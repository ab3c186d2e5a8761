"""A read-only database (file or folder): read commands work, write commands name the file.

Root ignores file permissions, so when these tests run as root each mlsflash process runs
without the capabilities that let root write anyway (setpriv drops them); the modes then
bind as they do for any user.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys

import pytest
from reliability_helpers import dump as _dump
from reliability_helpers import environment

NOTES = "# Deck\n## Topic\n" + "".join(f"* **Term {n}** - definition {n}\n" for n in range(5))
READ_COMMANDS = [["stats"], ["stats", "--json"], ["export"], ["cards"], ["decks"], ["check"], ["config"]]
DROP = "-dac_override,-dac_read_search,-fowner"


def dump(db) -> dict[str, list[tuple]]:
    """Every row, with no connection left open: an open one would keep the WAL files in place."""
    rows = _dump(db)
    gc.collect()
    return rows


def unprivileged(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    prefix = ["setpriv", f"--bounding-set={DROP}", f"--inh-caps={DROP}"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "mlsflash", *args], env=env, input=stdin, capture_output=True, text=True,
        timeout=120, check=False,
    )


@pytest.fixture
def db(tmp_path):
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file modes cannot bind")
    folder = tmp_path / "data"
    folder.mkdir()
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    path = folder / "mlsflash.db"
    result = unprivileged(environment(path), "import", str(notes))
    assert result.returncode == 0, result.stderr
    probe = folder / "probe"
    probe.write_text("x")
    probe.chmod(0o444)
    if unprivileged(environment(path), "--version").returncode != 0 or _can_write(probe):
        pytest.skip("cannot drop the right to write read-only files here")
    probe.unlink()
    yield path
    folder.chmod(0o755)
    for file in folder.iterdir():
        file.chmod(0o644)


def _can_write(path) -> bool:
    prefix = ["setpriv", f"--bounding-set={DROP}", f"--inh-caps={DROP}"] if os.geteuid() == 0 else []
    command = [*prefix, sys.executable, "-c", f"open({str(path)!r}, 'a')"]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


def make_read_only(db, what: str) -> None:
    if what == "file":
        db.chmod(0o444)
    else:
        db.parent.chmod(0o555)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_commands_work_on_a_read_only_database(db, tmp_path, what):
    before = dump(db)
    make_read_only(db, what)
    env = environment(db)
    for args in READ_COMMANDS:
        result = unprivileged(env, *args)
        assert result.returncode == 0, f"{args}: {result.stderr}"
    exported = unprivileged(env, "export", "-o", str(tmp_path / "cards.json"))
    assert exported.returncode == 0, exported.stderr
    assert "Term 4" in (tmp_path / "cards.json").read_text(encoding="utf-8")
    copied = unprivileged(env, "backup", str(tmp_path / "copy.db"))
    assert copied.returncode == 0, copied.stderr
    assert dump(tmp_path / "copy.db") == before == dump(db)


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_write_command_names_the_file_and_why(db, what):
    make_read_only(db, what)
    env = environment(db)
    card_id = dump(db)["cards"][0][0]
    result = unprivileged(env, "suspend", card_id)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: cannot write database {db}: "), result.stderr
    assert ("the file is read-only" if what == "file" else "its folder is read-only") in first
    assert "(database)" not in result.stderr and "Traceback" not in result.stderr
    review = unprivileged(env, "review", stdin="5\n")
    assert review.returncode == 1 and f"cannot write database {db}" in review.stderr


@pytest.mark.parametrize("what", ["file", "folder"])
def test_an_older_database_in_a_read_only_place_says_it_needs_the_upgrade(tmp_path, what):
    """Every command, reads included, needs the head schema: the hint that read commands still
    work would be wrong here."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file modes cannot bind")
    from pathlib import Path

    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "mlsflash.db"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "rev0001.db", db)
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    before = dump(db)
    make_read_only(db, what)
    try:
        for args in (["stats"], ["export"], ["import", str(notes)]):
            result = unprivileged(environment(db), *args)
            assert result.returncode == 1, result.stderr
            first = result.stderr.splitlines()[0]
            assert first.startswith(f"Error: {db} was written by an older mlsflash (schema 0001"), result.stderr
            assert ("the file is read-only" if what == "file" else "its folder is read-only") in first
            assert "still work" not in result.stderr and "Traceback" not in result.stderr
        assert sorted(path.name for path in folder.iterdir()) == ["mlsflash.db"]  # no backup, no journal
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert dump(db) == before
