"""The two faces of a review session: single keys on a terminal, lines when scripted.

Both take the same calls from the session loop in `review_cmd`; `ask` returns one action:
"0".."5" (a grade), "u" (undo), "s" (skip) or "q" (quit). `?` is answered here.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Callable, Protocol

from mlsflash.cli import render
from mlsflash.model import CONTEXT_SEPARATOR, Grade

if TYPE_CHECKING:
    from mlsflash.session import AnswerResult, Counts, QueueCard, Summary

GRADES = "012345"
COMMANDS = "usq"
LEGEND = " · ".join(f"{grade.value} {grade.meaning}" for grade in Grade)
KEYS_HELP = (
    "Keys: Space/Enter show the answer · 0-5 grade (below 3 = forgot; below 4 comes back today) · "
    "u undo the last action · s skip until tomorrow · q or Ctrl-D quit · ? these keys"
)


class ReviewUI(Protocol):
    def ask(self, card: QueueCard, counts: Counts, *, can_undo: bool, idle: Callable[[], None]) -> str: ...
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


def summary_lines(summary: Summary) -> list[str]:
    share = f"{summary.share_correct:.0%}" if summary.share_correct is not None else "-"
    lines = [
        f"Reviewed {summary.cards} card(s) in {summary.answers} answer(s), {share} correct, "
        f"time {render.duration(int(summary.seconds))}.",
    ]
    if summary.next_due is not None:
        lines.append(f"Next card due: {summary.next_due.isoformat()}.")
    if summary.new_waiting:
        lines.append(f"New cards waiting: {summary.new_waiting}.")
    return lines


DONE_PROMPT = "All done for now: u undoes the last answer, anything else finishes."


class LineUI:
    """Scripted mode: prompt printed, one line read per card, plain text out."""

    def __init__(self) -> None:
        self._out = sys.stdout

    def _print(self, text: str = "") -> None:
        print(text, file=self._out, flush=True)

    def ask(self, card: QueueCard, counts: Counts, *, can_undo: bool, idle: Callable[[], None]) -> str:
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
            if len(choice) == 1 and choice in GRADES + COMMANDS:
                return choice
            if choice == "?":
                self._print(KEYS_HELP)
                continue
            print(f"Refused {line.strip()!r}: type 0-5, u, s, q or ?", file=sys.stderr, flush=True)

    def offer_undo(self) -> bool:
        self._print(DONE_PROMPT)
        return sys.stdin.readline().strip().lower() == "u"

    def show_result(self, result: AnswerResult, today: date) -> None:
        answer = _plain(result.card.back).splitlines() or [""]
        self._print(f"A: {answer[0]}")
        for extra in answer[1:]:
            self._print(f"   {extra}")
        self._print(f"   ({source_of(result.card)})")
        self._print(result_line(result, today))
        self._print()

    def note(self, text: str) -> None:
        self._print(_plain(text))

    def show_summary(self, summary: Summary, *, interrupted: bool = False) -> None:
        if interrupted:
            self._print("Interrupted.")
        for line in summary_lines(summary):
            self._print(line)


def _key() -> str:
    """One key from the terminal; Ctrl-D ends the session like q."""
    import typer

    try:
        return typer.getchar()
    except EOFError:
        return "q"


class KeyUI:
    """A terminal: a panel per card, Space reveals, one key grades."""

    def __init__(self) -> None:
        self._console = render.console()
        self._status: list[str] = []  # what happened last, shown on top of the next screen

    def ask(self, card: QueueCard, counts: Counts, *, can_undo: bool, idle: Callable[[], None]) -> str:
        self._show_front(card, counts)
        idle()
        while True:
            key = _key()
            if key in (" ", "\r", "\n"):
                break
            if key in COMMANDS:
                return key
            if key == "?":
                self._console.print(KEYS_HELP, style="dim")
            elif key in GRADES:
                self._console.print("Press Space to see the answer first.", style="dim")
        self._show_back(card)
        while True:
            key = _key()
            if key in GRADES or key in COMMANDS:
                return key
            if key == "?":
                self._console.print(KEYS_HELP, style="dim")

    def _show_front(self, card: QueueCard, counts: Counts) -> None:
        from rich.panel import Panel

        self._console.clear()
        for line in self._status:
            self._console.print(render.inline(line, "dim"))
        self._status = []
        kind = {"new": "new card", "due": "review", "redrill": "re-drill"}[card.kind]
        self._console.print(render.styled((counts_line(counts), "bold"), "   ", (f"{kind} · {card.deck}", "dim")))
        # A str title would be read as Rich markup by Panel, whatever the console says.
        title = render.styled(CONTEXT_SEPARATOR.join(card.context)) if card.context else None
        self._console.print(Panel(render.inline(card.front), title=title, title_align="left", padding=(1, 2)))
        self._console.print("Space/Enter show answer · s skip · u undo · q quit · ? keys", style="dim")

    def _show_back(self, card: QueueCard) -> None:
        from rich.panel import Panel
        from rich.text import Text

        answer = Text("\n").join(render.inline(line) for line in card.back.splitlines())
        self._console.print(Panel(answer, border_style="green", padding=(0, 2)))
        self._console.print(render.styled((source_of(card), "dim")), soft_wrap=True)
        self._console.print(render.styled(("grade:", "bold"), f" {LEGEND}"))
        self._console.print("u undo · s skip · q quit · ? keys", style="dim")

    def offer_undo(self) -> bool:
        self._console.print(DONE_PROMPT, style="dim")
        return _key() == "u"

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
