"""The two faces of a review session: single keys on a terminal, lines when scripted.

Both take the same calls from the session loop in `review_cmd`; `ask` returns one action:
"0".."5" (a grade), "u" (undo), "s" or "b" (bury until tomorrow), "!" (suspend), "e" (edit
the note; terminal only) or "q" (quit). `?` (the keys) and `i` (the card) are answered here.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from mlsflash.cli import render
from mlsflash.model import CONTEXT_SEPARATOR, Grade

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from mlsflash.study.session import AnswerResult, Counts, QueueCard, Summary

GRADES = "012345"
LINE_COMMANDS = "usbq!"  # what a scripted line may ask besides a grade
KEY_COMMANDS = LINE_COMMANDS + "e"
KEYS_HELP = (
    "Keys: Space/Enter show the answer · 0-5 grade (below 3 = forgot; below 4 comes back today) · "
    "u undo the last action · s or b bury until tomorrow · ! suspend · i card info · q or Ctrl-D quit · ? these keys"
)
SCREEN_KEYS_HELP = (
    "Space/Enter show the answer; a long one scrolls with Space, ↑ ↓, PgUp PgDn · "
    "0-5 grade (0 blackout, 1 wrong, 2 almost: again today; 3 hard, 4 good, 5 easy; below 4 comes back today) · "
    "u undo the last action · s or b bury until tomorrow · ! suspend · e edit the note · i card info · "
    "q or Ctrl-D quit · ? these keys"
)
FRONT_HINT = "Space/Enter show answer · e edit · ! suspend · b bury · i info · u undo · q quit · ? keys"
BACK_HINT = "e edit · ! suspend · b bury · i info · u undo · q quit · ? keys"
PAGER_HINT = "Space/↓/PgDn more · ↑/PgUp back · "
NARROW = 70  # columns below which the hints and the grade line take their short forms
NARROW_FRONT_HINT = "Space show answer · ? keys · q quit"
NARROW_BACK_HINT = "? keys · q quit"
NARROW_PAGER_HINT = "Space/↓ more · ↑ back · "
SHORT = 25  # rows below which the question panel drops its blank padding lines
# What click's getchar returns for the keys that scroll a long answer.
SCROLL_KEYS = {
    "\x1b[A": -1, "\x1bOA": -1, "\x1b[B": 1, "\x1bOB": 1,  # arrows (normal and application mode)
    "\x1b[5~": "-page", "\x1b[6~": "page", " ": "page", "\r": "page", "\n": "page",
}


class ReviewUI(Protocol):
    def ask(
        self, card: QueueCard, counts: Counts, *, can_undo: bool, idle: Callable[[], None],
        preview: Mapping[Grade, int] | None,
    ) -> str: ...
    def show_result(self, result: AnswerResult, today: date) -> None: ...
    def offer_undo(self) -> bool: ...
    def note(self, text: str) -> None: ...
    def show_summary(self, summary: Summary, *, interrupted: bool = False) -> None: ...


def _plain(markup: str) -> str:
    return render.inline(markup).plain


def source_of(card: QueueCard) -> str:
    """`file:line` of the card's bullet, short: relative to here, or under ~."""
    from pathlib import Path

    path = Path(card.source_file)
    if path.is_absolute():
        for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
            if path.is_relative_to(base):
                return f"{prefix}{path.relative_to(base)}:{card.source_line}"
    return f"{card.source_file}:{card.source_line}"


def counts_line(counts: Counts) -> str:
    return f"new {counts.new} · due {counts.due} · re-drill {counts.redrill}"


def result_line(result: AnswerResult, today: date) -> str:
    grade = f"Graded {int(result.grade)} ({result.grade.meaning})"
    if result.kind == "redrill":
        again = "passed, done for today" if result.grade >= 4 else "it comes back again today"
        return f"{grade} · re-drill: {again}"
    due = result.after.due
    days = (due - today).days if due else 0
    line = f"{grade} · next due {due.isoformat() if due else '-'} (in {days} day{'s' if days != 1 else ''})"
    if result.grade < 4:
        line += " · comes back today"
    if result.leech_suspended:
        line += f" · LEECH: suspended after {result.after.lapses} lapses; rewrite the note"
    return line


def grade_line(preview: Mapping[Grade, int] | None, *, narrow: bool = False) -> str:
    """What each grade does, as the scheduler computed it: the days to the next review for a
    pass; a fail (and a re-drill below 4) comes back today, and then after the scheduler's
    interval for a fail when that is not the next day (FSRS after a lapse: `today, then 3d`)."""
    if preview is None:
        return "re-drill: 0-3 again · 4-5 done" if narrow else "re-drill: 0-3 again today · 4-5 done for today"
    fails = sorted({preview[grade] for grade in Grade if not grade.is_pass})
    then = "" if fails == [1] else "/".join(str(days) for days in fails) + "d"
    if narrow:
        fail = "0-2 today" + (f", {then}" if then else "")
        return f"{fail} · " + " · ".join(f"{grade.value} {preview[grade]}d" for grade in Grade if grade.is_pass)
    passes = " · ".join(f"{grade.value} {grade.meaning} {preview[grade]}d" for grade in Grade if grade.is_pass)
    return "0-2 again: today" + (f", then {then}" if then else "") + f" · {passes}"


def grade_lines(line: str, width: int) -> list[str]:
    """`grade: ` and the grade line in lines of at most `width` cells, broken only between its
    `·`-separated parts (long intervals, a fail's own interval under FSRS), never inside one;
    the lines after the first are indented under the first part."""
    from rich.cells import cell_len

    lead = "grade: "
    lines: list[str] = []
    for part in line.split(" · "):
        if lines and cell_len(lines[-1]) + cell_len(" · " + part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append((lead if not lines else " " * len(lead)) + part)
    return lines


def info_lines(card: QueueCard) -> list[str]:
    state = card.state
    due = state.due.isoformat() if state.due else "- (new)"
    lines = [
        f"id {card.id} · deck {card.deck} · {card.direction.value}",
        f"source {source_of(card)}",
        f"repetitions {state.repetitions} · EF {state.easiness / 100:.2f} · interval {state.interval}d · "
        f"due {due} · lapses {state.lapses}",
    ]
    if state.stability is not None and state.difficulty is not None:  # kept under both schedulers
        lines.append(f"memory: stability {state.stability:.1f}d · difficulty {state.difficulty:.1f}")
    return lines


def summary_lines(summary: Summary) -> list[str]:
    share = f"{summary.share_correct:.0%}" if summary.share_correct is not None else "-"
    lines = [
        f"Reviewed {summary.cards} card(s) in {summary.answers} answer(s), {share} correct, "
        f"time {render.duration(int(summary.seconds))}.",
    ]
    if summary.outlook is not None:
        return lines + outlook_lines(summary.outlook)
    if summary.held_back:
        lines.append(f"Held back until tomorrow: {summary.held_back} (the other direction was answered today).")
    if summary.next_due is not None:
        lines.append(f"Next card due: {summary.next_due.isoformat()}.")
    if summary.new_waiting:
        lines.append(f"New cards waiting: {summary.new_waiting}.")
    return lines


def outlook_lines(outlook: Any) -> list[str]:
    """Why nothing is left (session.Outlook), and what comes next."""
    lines = ["Nothing left for now."]
    if outlook.session_limit is not None:
        lines.append(f"This session's limit of {outlook.session_limit} card(s) is reached (--limit).")
    if outlook.new_waiting:
        source = "--new" if outlook.new_limit_is_option else "new_per_day"
        if outlook.new_limit_for_exam:
            source = "raised for the exam date's cards"
        more = outlook.new_today + min(outlook.new_waiting, max(outlook.new_limit, 10))
        if outlook.new_today >= outlook.new_limit:
            lines.append(
                f"New cards waiting: {outlook.new_waiting}; "
                f"today's limit of {outlook.new_limit} ({source}) is used up: "
                f"mlsflash review --new {more} to study more."
            )
        else:
            lines.append(f"New cards waiting: {outlook.new_waiting}.")
    if outlook.due_capped:
        lines.append(
            f"Due cards held back by max_reviews_per_day ({outlook.review_cap}): {outlook.due_capped}; "
            "they stay due (mlsflash config max_reviews_per_day N raises the cap)."
        )
    if outlook.held_back:
        lines.append(f"Held back until tomorrow: {outlook.held_back} (the other direction was answered today).")
    if outlook.buried:
        lines.append(f"Skipped or buried until tomorrow: {outlook.buried}.")
    if outlook.next_due is not None:
        lines.append(f"Next card due: {outlook.next_due.isoformat()}.")
    elif not outlook.new_waiting:
        lines.append("No card is scheduled: import more notes with mlsflash import NOTES.md.")
    return lines


DONE_PROMPT = "All done for now: u undoes the last answer, anything else finishes."


class LineUI:
    """Scripted mode: prompt printed, one line read per card, plain text out."""

    def __init__(self) -> None:
        self._out = sys.stdout

    def _print(self, text: str = "") -> None:
        print(text, file=self._out, flush=True)

    def ask(
        self, card: QueueCard, counts: Counts, *, can_undo: bool, idle: Callable[[], None],
        preview: Mapping[Grade, int] | None = None,
    ) -> str:
        while True:
            self._print(f"[{counts_line(counts)}] {card.deck}")
            if card.context:
                self._print(CONTEXT_SEPARATOR.join(card.context))
            self._print(f"Q: {_plain(card.front)}")
            idle()
            line = sys.stdin.readline()
            if not line:
                return "q"
            choice = line.strip().lower()
            if len(choice) == 1 and choice in GRADES + LINE_COMMANDS:
                return choice
            if choice == "?":
                self._print(KEYS_HELP)
                continue
            if choice == "i":
                for info in info_lines(card):
                    self._print(info)
                continue
            print(f"Refused {render.typed(line)}: type 0-5, u, s, b, !, i, q or ?", file=sys.stderr, flush=True)

    def offer_undo(self) -> bool:
        self._print(DONE_PROMPT)
        return sys.stdin.readline().strip().lower() == "u"

    def show_result(self, result: AnswerResult, today: date) -> None:
        answer = _plain(result.card.back).splitlines() or [""]
        self._print(f"A: {answer[0]}")
        for extra in answer[1:]:
            self._print(f"   {extra}")
        self._print(f"   ({source_of(result.card)})")
        if result.card.confused_with:
            self._print(f"   often confused with: {', '.join(result.card.confused_with)}")
        self._print(result_line(result, today))
        self._print()

    def note(self, text: str) -> None:
        self._print(_plain(text))

    def show_summary(self, summary: Summary, *, interrupted: bool = False) -> None:
        if interrupted:
            self._print("Interrupted.")
        for line in summary_lines(summary):
            self._print(line)


# One key in what the terminal sent: an escape sequence (CSI or SS3), Alt+key, or one character.
_ONE_KEY = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?|.", re.DOTALL)


def _key(typed_ahead: list[str]) -> str:
    """One key from the terminal (or from `typed_ahead`, keys that arrived in one read, handed
    out one at a time); Ctrl-D ends the session like q, Ctrl-C interrupts it."""
    if not typed_ahead:
        text = _read_terminal()
        if not text:
            return text  # the terminal is gone: the hang-up signal ends the session
        typed_ahead.extend(_ONE_KEY.findall(text))
    key = typed_ahead.pop(0)
    if key == "\x03":
        typed_ahead.clear()
        raise KeyboardInterrupt
    return "q" if key == "\x04" else key


def _read_terminal() -> str:
    """What the terminal sent: one key, or several typed ahead.

    As click's getchar, but keys typed while the screen was being drawn (or the WAL
    checkpointed) are kept: click enters raw mode with TCSAFLUSH, which discards them, so a
    key pressed right after the screen changed was lost and its echo left on screen. Without
    termios or a terminal file descriptor (Windows, a test's stream) click reads instead."""
    try:
        import termios
        import tty
    except ImportError:
        return _click_key()
    try:
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
    except (OSError, ValueError, termios.error):
        return _click_key()
    try:
        tty.setraw(fd, termios.TCSANOW)
        data = os.read(fd, 32)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
    return data.decode(sys.stdin.encoding or "utf-8", "replace")


def _click_key() -> str:
    import typer

    try:
        return typer.getchar()
    except EOFError:
        return "\x04"


@dataclass
class _Screen:
    """One card on the terminal: what is shown and where a long answer is scrolled to."""

    card: QueueCard
    counts: Counts
    preview: Mapping[Grade, int] | None
    revealed: bool = False
    offset: int = 0  # first answer line shown
    page: int = 1  # answer lines that fit, as last drawn
    aside: list[Text] = field(default_factory=list)  # the keys or the card's info, until the next key
    answer: list[Text] | None = None  # wrapped to `answer_width`
    answer_width: int = 0


class KeyUI:
    """A terminal: the context and question always on top; Space reveals the answer below,
    scrolled like a pager when it does not fit; one key grades."""

    def __init__(self) -> None:
        self._console = render.console()
        self._status: list[str] = []  # what happened last, shown on top of the next screen
        self._typed_ahead: list[str] = []  # keys read together, not yet acted on

    def ask(
        self, card: QueueCard, counts: Counts, *, can_undo: bool, idle: Callable[[], None],
        preview: Mapping[Grade, int] | None = None,
    ) -> str:
        screen = _Screen(card, counts, preview)
        self._draw(screen)
        self._status = []
        idle()
        while True:
            key = _key(self._typed_ahead)
            screen.aside = []
            if key in GRADES and screen.revealed or key in KEY_COMMANDS:
                return key
            if key in GRADES:
                screen.aside = [render.styled(("Press Space to see the answer first.", "dim"))]
            elif key == "?":
                screen.aside = [render.styled((SCREEN_KEYS_HELP, "dim"))]
            elif key == "i":
                screen.aside = [render.styled((line, "dim")) for line in info_lines(card)]
            elif not screen.revealed and key in (" ", "\r", "\n"):
                screen.revealed = True
            elif screen.revealed and key in SCROLL_KEYS:
                step = SCROLL_KEYS[key]
                page = max(1, screen.page - 1)  # a page forward keeps one line of context
                screen.offset += {"page": page, "-page": -page}.get(step, step)  # type: ignore[call-overload]
            self._draw(screen)

    # --- drawing: the whole screen each time, so it never scrolls the question away ---------

    def _height(self, renderables: list[RenderableType]) -> int:
        options = self._console.options
        return sum(len(self._console.render_lines(item, options, pad=False)) for item in renderables)

    def _draw(self, screen: _Screen) -> None:
        from rich.panel import Panel
        from rich.text import Text

        width, rows = self._console.size
        rows -= 1  # the line the cursor ends on: printing onto the last row would scroll
        top = self._top(screen.card, screen.counts, width)
        status: list[RenderableType] = [render.inline(line, "dim") for line in self._status]
        answer: list[RenderableType] = []
        footer: list[RenderableType] = [*self._footer(screen, paged=False), *screen.aside]
        if screen.revealed:
            lines = self._answer_lines(screen, width)
            room = rows - self._height(top + footer) - 2  # the answer panel's borders
            if len(lines) > room:
                footer = [*self._footer(screen, paged=True), *screen.aside]
                room = rows - self._height(top + footer) - 2
            if len(lines) + self._height(status) <= room:
                room -= self._height(status)
            else:
                status = []  # the card matters more than the last result
            room = max(1, room)
            screen.page = room
            screen.offset = max(0, min(screen.offset, len(lines) - room))
            window = lines[screen.offset : screen.offset + room]
            subtitle = None
            if len(lines) > room:
                last = screen.offset + len(window)
                subtitle = render.styled((f"lines {screen.offset + 1}-{last} of {len(lines)}", "dim"))
            answer = [
                Panel(Text("\n").join(window), border_style="green", padding=(0, 2), subtitle=subtitle,
                      subtitle_align="right")
            ]
        elif self._height(status + top + footer) > rows:
            status = []
        self._console.clear()
        for item in status + top + answer + footer:
            if isinstance(item, Text) and item.no_wrap:  # print() would merge the Text and drop this
                self._console.print(item, no_wrap=True, overflow=item.overflow)
            else:
                self._console.print(item)

    def _top(self, card: QueueCard, counts: Counts, width: int) -> list[RenderableType]:
        from rich.panel import Panel

        kind = {"new": "new card", "due": "review", "redrill": "re-drill"}[card.kind]
        heading = render.styled((counts_line(counts), "bold"), "   ", (f"{kind} · {card.deck}", "dim"))
        heading.no_wrap, heading.overflow = True, "ellipsis"  # one line: the card needs the rows
        # A str title would be read as Rich markup by Panel, whatever the console says; the panel
        # keeps 6 cells of its top border for corners and the spaces around the title.
        title = render.styled(render.shorten_left(card.context, width - 6)) if card.context else None
        padding = (1, 2) if self._console.size.height >= SHORT else (0, 2)
        return [heading, Panel(render.inline(card.front), title=title, title_align="left", padding=padding)]

    def _footer(self, screen: _Screen, *, paged: bool) -> list[RenderableType]:
        narrow = self._console.size.width < NARROW
        if not screen.revealed:
            return [render.styled((NARROW_FRONT_HINT if narrow else FRONT_HINT, "dim"))]
        pager, keys = (NARROW_PAGER_HINT, NARROW_BACK_HINT) if narrow else (PAGER_HINT, BACK_HINT)
        first, *more = grade_lines(grade_line(screen.preview, narrow=narrow), self._console.size.width)
        confused = [render.styled(("often confused with: ", "yellow"), ", ".join(screen.card.confused_with))]
        return [
            render.styled((source_of(screen.card), "dim")),
            *(confused if screen.card.confused_with else []),
            render.styled(("grade:", "bold"), first[len("grade:") :]),
            *(render.styled(line) for line in more),
            render.styled(((pager if paged else "") + keys, "dim")),
        ]

    def _answer_lines(self, screen: _Screen, width: int) -> list[Text]:
        inner = max(1, width - 6)  # the answer panel's borders and padding
        if screen.answer is None or screen.answer_width != inner:
            screen.answer = [
                line for markup in screen.card.back.splitlines()
                for line in render.hanging_lines(markup, inner, self._console)
            ]
            screen.answer_width = inner
        return screen.answer

    def offer_undo(self) -> bool:
        self._console.print(DONE_PROMPT, style="dim")
        return _key(self._typed_ahead) == "u"

    def show_result(self, result: AnswerResult, today: date) -> None:
        self._say(f"{result.card.front}: {result_line(result, today)}")

    def note(self, text: str) -> None:
        self._say(text)

    def _say(self, text: str) -> None:
        self._console.print(render.inline(text))
        self._status.append(text)

    def show_summary(self, summary: Summary, *, interrupted: bool = False) -> None:
        self._console.print()
        if interrupted:
            self._console.print("Interrupted.")
        for line in summary_lines(summary):
            self._console.print(line)
