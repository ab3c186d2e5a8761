"""A reader that stops reading (`mlsflash cards | head -1`) ends a command with exit 0, under
`set -o pipefail`, through a real pipe."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW

MLSFLASH = str(Path(sys.executable).parent / "mlsflash")


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """1,500 topics of one card each: `cards`, `export` and `exam domains` print far more
    than a pipe holds (64 KiB)."""
    folder = tmp_path_factory.mktemp("pipe")
    lines = ["# Big"]
    for number in range(1500):
        lines += [f"## Topic {number} with a name long enough to fill the pipe",
                  f"* term number {number} - definition number {number} with a few more words"]
    notes = folder / "notes.md"
    notes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    environment = {**os.environ, "MLSFLASH_DB": str(folder / "mlsflash.db"), "MLSFLASH_NOW": NOW,
                   "NO_COLOR": "1", "COLUMNS": "80"}
    environment.pop("MLSFLASH_DEBUG", None)
    subprocess.run([MLSFLASH, "import", str(notes)], env=environment, check=True, capture_output=True)
    return environment


def pipeline(environment: dict[str, str], args: str, reader: str) -> subprocess.CompletedProcess[str]:
    script = f"{shlex.quote(MLSFLASH)} {args} | {reader}"
    return subprocess.run(["bash", "-o", "pipefail", "-c", script], env=environment, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("args", ["cards", "cards --json", "export", "export --format csv", "exam domains"])
def test_a_long_output_cut_by_head_exits_0(collection: dict[str, str], args: str) -> None:
    result = pipeline(collection, args, "head -1")
    assert (result.returncode, result.stderr) == (0, "")
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    ["cards", "exam domains", "exam status", "stats", "stats --json", "decks", "config", "exam list",
     "exam history", "check", "--help", "exam practice --help", "reschedule --dry-run"],
)
def test_a_reader_gone_before_the_first_line_exits_0(collection: dict[str, str], args: str) -> None:
    """`true` exits without reading, long before mlsflash has started: its first write fails."""
    result = pipeline(collection, args, "true")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", ["--help", "stats", "stats --json", "cards", "export", "decks", "exam status"])
def test_output_to_a_full_disk_is_an_error_line_not_a_traceback(collection: dict[str, str], args: str) -> None:
    result = subprocess.run(f"{shlex.quote(MLSFLASH)} {args} > /dev/full", shell=True, env=collection,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: the output could not be written: No space left on device\nHint: ")
    assert "Traceback" not in result.stderr
