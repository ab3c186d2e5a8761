"""Card identity across the issue-30 rewrite of the bundled decks: importing the decks as they
were at commit 9d8ffc6, then the current ones over them, keeps the id (and so the history) of
every card that still exists under the same deck, context, term and direction."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mlsflash.notes.importer import bundled_decks_dir

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "9d8ffc6"


def decks_at(commit: str) -> dict[str, str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the project's git history")
    listed = subprocess.run(["git", "ls-tree", "--name-only", f"{commit}:decks"], cwd=ROOT, capture_output=True,
                            text=True)
    if listed.returncode != 0:
        pytest.skip(f"commit {commit} is not in this clone")
    names = [name for name in listed.stdout.split() if name.endswith(".md")]
    return {name: subprocess.run(["git", "show", f"{commit}:decks/{name}"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout for name in names}


def keyed(cards: list[dict]) -> dict[tuple, str]:
    return {(card["deck"], tuple(card["context"]), card["front"], card["direction"]): card["id"]
            for card in cards if card["status"] != "retired"}


def test_reimporting_the_bundled_decks_after_the_rewrite_keeps_every_surviving_card_id(run, tmp_path, export):
    folder = tmp_path / "decks"
    folder.mkdir()
    for name, text in decks_at(BEFORE).items():
        (folder / name).write_text(text, encoding="utf-8")
    run("import", folder)
    before = keyed(export())
    for path in sorted(bundled_decks_dir().glob("*.md")):
        shutil.copy(path, folder / path.name)
    run("import", folder)
    after = keyed(export())
    surviving = before.keys() & after.keys()
    assert len(surviving) >= 1400
    changed = {key: (before[key], after[key]) for key in surviving if before[key] != after[key]}
    assert changed == {}
    assert len(after) > len(before)  # the new cards came in beside them
