"""The review screen as a learner sees it, in tmux at 100x32 and 40x20: the question stays on
screen, a long answer scrolls, long contexts keep their last part, the grade line shows the
scheduler's intervals, and the keys e, !, b, i and u (undo after each)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Callable

import pytest

from conftest import NOW, write_notes
from mlsflash.model import Grade

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SIZES = [(100, 32), (40, 20)]
SIZE_IDS = ["100x32", "40x20"]
LONG_CONTEXT = (
    "# Demo\n## Data Engineering Services\n### S3 - Security and Encryption of Objects\n"
    "* **Bucket policies** and the innermost parent bullet\n"
)
LONG_ANSWER = LONG_CONTEXT + "  * **DMS list**:\n" + "".join(
    f"    * item {index:02d} of the migration service list, long enough to wrap on a narrow screen\n"
    for index in range(1, 61)
) + "* **Alpha** - the first letter\n"
ALPHA = "# Demo\n## Letters\n* **Alpha** - the first letter\n* **Beta** - the second letter\n"


class Screen:
    """A private tmux server running one command in a window of a fixed size."""

    def __init__(self, environment: dict[str, str], size: tuple[int, int], cwd: Path) -> None:
        self.socket = f"mlsflash-test-{uuid.uuid4().hex[:8]}"
        self.width, self.height = size
        self.environment = environment
        self.cwd = cwd

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], check=True, capture_output=True, text=True,
            timeout=20,
        ).stdout

    def start(self, *args: str) -> None:
        variables = " ".join(f"{name}={shlex.quote(value)}" for name, value in self.environment.items())
        command = f"cd {shlex.quote(str(self.cwd))} && env -i {variables} {shlex.quote(sys.executable)} -m mlsflash "
        command += " ".join(shlex.quote(arg) for arg in args) + "; sleep 60"
        self.tmux("new-session", "-d", "-x", str(self.width), "-y", str(self.height), command)

    def text(self) -> str:
        return self.tmux("capture-pane", "-p")

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        return self.wait_until(lambda screen: text in screen, repr(text), timeout)

    def wait_drawn(self, text: str, timeout: float = 20) -> str:
        """The screen once it is drawn with `text` above its keys hint (the last line of a card's
        screen but for `i`'s and `?`'s lines). The terminal is raw only while a key is awaited:
        a key sent while a screen is still being drawn is discarded (`tty.setraw` flushes input),
        so the next key goes only after this."""

        def ready(screen: str) -> bool:
            lines = screen.splitlines()
            found = [index for index, line in enumerate(lines) if text in line]
            hints = [index for index, line in enumerate(lines) if "q quit" in line]
            return bool(found) and bool(hints) and found[0] < hints[-1]

        return self.wait_until(ready, f"a whole screen with {text!r}", timeout)

    def wait_until(self, ready: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        """The screen once `ready` holds: the program redraws a whole screen at a time, and a
        capture taken mid-draw would show half of one."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.text()
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not on screen:\n{screen}")
            time.sleep(0.1)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH") if name in os.environ}
    return {
        **keep, "MLSFLASH_DB": str(tmp_path / "mlsflash.db"), "MLSFLASH_NOW": NOW, "NO_COLOR": "1",
        "TERM": "xterm", "LANG": os.environ.get("LANG", "C.UTF-8") or "C.UTF-8",
    }


@pytest.fixture
def screens(environment, tmp_path):
    opened: list[Screen] = []

    def open_screen(size: tuple[int, int], **variables: str) -> Screen:
        screen = Screen({**environment, **variables}, size, tmp_path)
        opened.append(screen)
        return screen

    yield open_screen
    for screen in opened:
        screen.close()


def mlsflash(environment: dict[str, str], *args: str, stdin: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mlsflash", *args], env=environment, input=stdin, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def card_row(environment: dict[str, str], front: str) -> tuple:
    with sqlite3.connect(environment["MLSFLASH_DB"]) as connection:
        return connection.execute(
            "SELECT id, status, repetitions, easiness, interval, due, lapses, buried_on, back_plain FROM cards "
            "WHERE front_plain = ?", (front,),
        ).fetchone()


def answer_lines(screen: str) -> list[str]:
    """What is inside the answer panel (the second box on screen)."""
    boxes, inside = [], None
    for line in screen.splitlines():
        if line.startswith("╭"):
            inside = []
        elif line.startswith("╰") and inside is not None:
            boxes.append(inside)
            inside = None
        elif inside is not None and line.startswith("│"):
            inside.append(line[1:].rstrip().rstrip("│").rstrip())
    return boxes[1]


def shown_lines(screen: str) -> tuple[int, int, int] | None:
    """`lines A-B of N` from the answer panel, when the screen is drawn to its keys hint."""
    found = re.search(r"lines (\d+)-(\d+) of (\d+)", screen)
    if found is None or not answer_shown(screen):
        return None
    return tuple(map(int, found.groups()))  # type: ignore[return-value]


def scroll(screen: Screen, key: str, shown: str) -> str:
    """Send one scrolling key and return the screen once it is drawn at the new position."""
    before = shown_lines(shown)
    screen.send(key)
    return screen.wait_until(lambda now: shown_lines(now) not in (None, before), f"the answer scrolled by {key}")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_60_line_answer_keeps_the_question_on_screen_and_scrolls(environment, screens, tmp_path, size):
    mlsflash(environment, "import", str(write_notes(tmp_path, "notes.md", LONG_ANSWER)))
    screen = screens(size)
    screen.start("review")
    shown = screen.wait_drawn("DMS list")
    screen.send("Space")
    shown = screen.wait_until(lambda now: shown_lines(now) is not None, "the answer's first page")
    lines = shown.splitlines()
    assert len(lines) <= size[1]
    assert "DMS list" in shown and "item 01" in shown and "item 60" not in shown
    first, last, total = map(int, re.search(r"lines (\d+)-(\d+) of (\d+)", shown).groups())
    assert first == 1 and last == len(answer_lines(shown))
    assert total == 60 if size[0] == 100 else total > 60  # at 40 columns each item wraps
    inside = answer_lines(shown)
    # nested items wrap with a hanging indent: a continuation starts under the text, not the marker
    assert all(line.startswith("  - ") or line.startswith("    ") for line in inside), inside
    while "item 60" not in shown:
        shown = scroll(screen, "NPage", shown)
    assert "DMS list" in shown and "item 01" not in shown and " of " in shown
    end = shown_lines(shown)
    assert end[1] == end[2]
    shown = scroll(screen, "Up", shown)
    assert shown_lines(shown)[:2] == (end[0] - 1, end[1] - 1)
    shown = scroll(screen, "Down", shown)
    assert shown_lines(shown) == end
    shown = scroll(screen, "Up", shown)
    shown = scroll(screen, "Space", shown)  # a page forward stops at the last line
    assert shown_lines(shown) == end and "DMS list" in shown
    shown = scroll(screen, "PPage", shown)
    assert "item 60" not in shown and "DMS list" in shown
    screen.send("4")  # a grade key still grades while scrolled
    screen.wait_for("Graded 4")
    screen.wait_for("Alpha")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_a_long_context_shows_its_last_part(environment, screens, tmp_path, size):
    mlsflash(environment, "import", str(write_notes(tmp_path, "notes.md", LONG_ANSWER)))
    screen = screens(size)
    screen.start("review")
    title = screen.wait_for("show answer").splitlines()[1]
    assert title.startswith("╭─ …")
    assert "Data Engineering" not in title
    assert title.rstrip("─╮ ").endswith("innermost parent bullet")
    assert len(title) == size[0]


def grade_line_on(screen: str) -> str:
    """The grade line, with the lines it continues on when it does not fit the width."""
    lines = screen.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("grade:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith(" " * len("grade: ")) and lines[end].strip():
        end += 1
    return " · ".join(line.strip() for line in lines[start:end])


def answer_shown(screen: str) -> bool:
    """The answer's screen drawn to its last line (the keys hint after the grade line)."""
    lines = screen.splitlines()
    grade = [index for index, line in enumerate(lines) if line.startswith("grade:")]
    return bool(grade) and any("q quit" in line for line in lines[grade[0] + 1 :])


def grade_intervals(screen: str) -> list[str]:
    return re.findall(r"(\d) (?:[a-z]+ )?(\d+)d", grade_line_on(screen))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_grade_line_shows_the_schedulers_intervals(environment, screens, tmp_path, size):
    from mlsflash.scheduling import sm2
    from mlsflash.model import ReviewState

    mlsflash(environment, "import", str(write_notes(tmp_path, "notes.md", ALPHA)))
    screen = screens(size)
    screen.start("review")
    screen.wait_drawn("Alpha")
    screen.send("Space")
    new_card = sm2.preview(ReviewState(), date(2026, 11, 26))
    assert grade_intervals(screen.wait_until(answer_shown, "the grade line")) == [(str(g), str(new_card[g])) for g in (3, 4, 5)]
    assert "today" in screen.text()
    screen.send("q")
    # Alpha to n = 2: graded 5 on the 26th (1 day), 3 on the 27th (6 days, EF 2.46); due on Dec 3rd
    mlsflash(environment, "review", "--limit", "1", stdin="5\n")
    mlsflash({**environment, "MLSFLASH_NOW": "2026-11-27T10:00"}, "review", "--new", "0", stdin="3\n4\n")
    later = {**environment, "MLSFLASH_NOW": "2026-12-03T10:00"}
    _, _, repetitions, easiness, interval, due, lapses, *_ = card_row(environment, "Alpha")
    assert (repetitions, interval, due) == (2, 6, "2026-12-03")
    screen = screens(size, MLSFLASH_NOW=later["MLSFLASH_NOW"])
    screen.start("review", "--new", "0")
    screen.wait_drawn("Alpha")
    screen.send("Space")
    at_two = sm2.preview(ReviewState(repetitions, easiness, interval, date(2026, 12, 3), lapses), date(2026, 12, 3))
    assert at_two[Grade.HARD] == 15  # ceil(6 x 2.46): what SM-2 says, whatever the screen says
    assert grade_intervals(screen.wait_until(answer_shown, "the grade line")) == [(str(g), str(at_two[g])) for g in (3, 4, 5)]


def memory_state(environment: dict[str, str], front: str):
    from mlsflash.model import ReviewState

    with sqlite3.connect(environment["MLSFLASH_DB"]) as connection:
        repetitions, easiness, interval, due, lapses, stability, difficulty = connection.execute(
            "SELECT repetitions, easiness, interval, due, lapses, stability, difficulty FROM cards "
            "WHERE front_plain = ?", (front,),
        ).fetchone()
    return ReviewState(repetitions, easiness, interval, date.fromisoformat(due), lapses, stability, difficulty)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_under_fsrs_the_grade_line_shows_fsrs_intervals_not_sm2s(environment, screens, tmp_path, size):
    from mlsflash.scheduling import scheduler, sm2
    from mlsflash.model import ReviewState, Scheduler

    fsrs = scheduler.Policy(Scheduler.FSRS)
    mlsflash(environment, "import", str(write_notes(tmp_path, "notes.md", ALPHA)))
    mlsflash(environment, "config", "scheduler", "fsrs")
    screen = screens(size)
    screen.start("review")
    screen.wait_drawn("Alpha")
    screen.send("Space")
    today = date(2026, 11, 26)
    new_card = scheduler.preview(ReviewState(), today, fsrs)
    assert [new_card[g] for g in (3, 4, 5)] != [sm2.preview(ReviewState(), today)[g] for g in (3, 4, 5)]
    assert grade_intervals(screen.wait_until(answer_shown, "the grade line")) == [(str(g), str(new_card[g])) for g in (3, 4, 5)]
    screen.send("q")
    # Alpha to n = 2 under FSRS: 5 on the 26th, then 3 (and a passing re-drill) on the day it falls due
    mlsflash(environment, "review", "--limit", "1", stdin="5\n")
    first_due = memory_state(environment, "Alpha").due
    mlsflash({**environment, "MLSFLASH_NOW": f"{first_due}T10:00"}, "review", "--new", "0", stdin="3\n4\n")
    state = memory_state(environment, "Alpha")
    assert state.repetitions == 2 and state.stability is not None
    at_two = scheduler.preview(state, state.due, fsrs)
    assert [at_two[g] for g in (3, 4, 5)] != [sm2.preview(state, state.due)[g] for g in (3, 4, 5)]
    screen = screens(size, MLSFLASH_NOW=f"{state.due}T10:00")
    screen.start("review", "--new", "0")
    screen.wait_drawn("Alpha")
    screen.send("Space")
    shown = screen.wait_until(answer_shown, "the grade line")
    assert grade_intervals(shown) == [(str(g), str(at_two[g])) for g in (3, 4, 5)]
    line = grade_line_on(shown)
    assert all(len(row) <= size[0] for row in shown.splitlines())
    fail = at_two[Grade.BLACKOUT]
    assert (f"{fail}d" in line.split("·")[0]) == (fail != 1)  # a fail's own interval, when not tomorrow
    screen.send("4")
    screen.wait_for("Graded 4")
    assert memory_state(environment, "Alpha").interval == at_two[Grade.GOOD]  # the promise kept


EDITOR = """#!/bin/sh
printf '%s\\n' "$@" > "$(dirname "$0")/editor-args"
sed -i 's/the first letter/the letter that starts it all/' "$2"
"""


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_e_edits_the_note_and_shows_the_updated_card_with_its_id_and_schedule(environment, screens, tmp_path, size):
    notes = write_notes(tmp_path, "notes.md", ALPHA)
    mlsflash(environment, "import", str(notes))
    mlsflash(environment, "review", stdin="4\n4\n")  # both seen: Alpha due on the 27th
    before = card_row(environment, "Alpha")
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR)
    editor.chmod(0o755)
    screen = screens(size, MLSFLASH_NOW="2026-11-27T10:00", EDITOR=str(editor), VISUAL="")
    screen.start("review")
    screen.wait_drawn("Alpha")
    screen.send("e")
    screen.wait_drawn("Re-imported")
    assert (tmp_path / "editor-args").read_text().split() == ["+3", str(notes)]
    screen.send("Space")
    screen.wait_until(lambda now: "starts it all" in now and answer_shown(now), "the answer")
    after = card_row(environment, "Alpha")
    assert after[:8] == before[:8]  # id, status and schedule
    assert after[8] == "the letter that starts it all"
    screen.send("5")
    screen.wait_for("Graded 5")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_an_edit_that_breaks_the_file_is_shown_and_the_session_goes_on(environment, screens, tmp_path, size):
    notes = write_notes(tmp_path, "notes.md", ALPHA)
    mlsflash(environment, "import", str(notes))
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf '\\377\\376 not utf-8' > \"$2\"\n")
    editor.chmod(0o755)
    screen = screens(size, EDITOR=str(editor))
    screen.start("review")
    screen.wait_drawn("Alpha")
    screen.send("e")
    screen.wait_drawn("not valid UTF-8")
    screen.send("Space")
    screen.wait_until(lambda now: "the first letter" in now and answer_shown(now), "the answer")
    screen.send("5")
    screen.wait_for("Beta")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_info_suspend_bury_and_undo_after_each(environment, screens, tmp_path, size):
    mlsflash(environment, "import", str(write_notes(tmp_path, "notes.md", ALPHA)))
    alpha_id = card_row(environment, "Alpha")[0]
    screen = screens(size)
    screen.start("review")
    screen.wait_drawn("Alpha")
    screen.send("i")
    screen.wait_for("lapses 0")  # the last of the card's lines
    shown = screen.text()
    assert f"id {alpha_id}" in shown
    assert "repetitions 0" in shown and "EF 2.50" in shown and "lapses 0" in shown and "notes.md:3" in shown
    screen.send("!")
    screen.wait_drawn("Suspended: Alpha")
    screen.wait_drawn("Beta")
    assert card_row(environment, "Alpha")[1] == "suspended"
    screen.send("u")
    screen.wait_drawn("Undone: Alpha")
    assert card_row(environment, "Alpha")[1] == "active"
    screen.send("Space")
    screen.wait_until(lambda now: "the first letter" in now and answer_shown(now), "the answer")
    screen.send("b")
    screen.wait_drawn("Buried until tomorrow: Alpha")
    assert card_row(environment, "Alpha")[7] == "2026-11-26"
    screen.send("i")  # info changes nothing: u still undoes the bury
    screen.wait_for("lapses 0")
    screen.send("u")
    screen.wait_drawn("Undone: Alpha")
    assert card_row(environment, "Alpha")[7] is None
    screen.send("?")
    shown = " ".join(screen.wait_for("these keys").split())
    assert "e edit the note" in shown and "! suspend" in shown and "i card info" in shown


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_forward_then_reverse_on_the_same_day_is_held_back(environment, screens, tmp_path, size):
    mlsflash(environment, "import", "--reverse", str(write_notes(tmp_path, "notes.md", ALPHA)))
    screen = screens(size)
    screen.start("review")
    screen.wait_drawn("Alpha")
    screen.send("Space")
    screen.wait_until(answer_shown, "the grade line")
    screen.send("5")
    shown = screen.wait_drawn("Graded 5")
    assert "│  Beta" in shown  # not Alpha's reverse card, whose question is "the first letter"
    screen.send("Space")
    screen.wait_until(lambda now: "the second letter" in now and answer_shown(now), "the answer")
    screen.send("5")
    screen.wait_for("All done for now")
    screen.send("x")
    shown = " ".join(screen.wait_for("Held back").split())
    assert "Held back until tomorrow: 2 (the other direction was answered today)." in shown


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_keys_typed_ahead_are_kept(environment, screens, tmp_path, size):
    """Space and 4 sent together (as a quick typist does): both act, neither is echoed or lost."""
    mlsflash(environment, "import", str(write_notes(tmp_path, "notes.md", ALPHA)))
    screen = screens(size)
    screen.start("review")
    screen.wait_drawn("Alpha")
    screen.send("Space", "4", "Space", "5")
    shown = screen.wait_for("All done for now")
    assert "Beta: Graded 5" in shown
    with sqlite3.connect(environment["MLSFLASH_DB"]) as connection:
        graded = connection.execute(
            "SELECT c.front_plain, r.grade FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY r.id"
        ).fetchall()
    assert graded == [("Alpha", 4), ("Beta", 5)]
