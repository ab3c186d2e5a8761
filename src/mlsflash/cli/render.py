"""The terminal's shared pieces (Rich lives in `cli` and only there): the console, styled
and inline text, and the helpers that fit text to a width. The screens are in
`collection_screens`, `stats_screen` and `exam_screens`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from mlsflash.model import CONTEXT_SEPARATOR, INLINE_MARKUP

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def console(stderr: bool = False) -> Console:
    """A console that never reads a string as Rich markup or `:emoji:` codes: user text is
    printed as it is written, and style comes only from `styled` pieces."""
    from rich.console import Console

    class LeavesThePipeToTheCommand(Console):
        def on_broken_pipe(self) -> None:
            # Rich's own handling exits 1; the command line's (cli.core.reader_may_leave) exits 0.
            self.quiet = True
            raise

    return LeavesThePipeToTheCommand(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)


def styled(*parts: str | tuple[str, str] | Text) -> Text:
    """The one way to put text on screen: each part is literal text, `(text, style)`, or Text.

    Notes text, deck names, contexts, file names and search terms go through here (or
    `inline`), so brackets such as `[/opt/ml]` or `[bold]` are shown, never interpreted, and a
    control character (an escape sequence in a file name) is shown as `\\x1b`, never sent."""
    from rich.text import Text

    shown: list[str | tuple[str, str] | Text] = []
    for part in parts:
        if isinstance(part, str):
            part = visible(part)
        elif isinstance(part, tuple):
            part = (visible(part[0]), part[1])
        shown.append(part)
    return Text.assemble(*shown)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Text with its control characters (but line breaks and tabs) written out, as `\\x1b`."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def inline(markup: str, base_style: str = "") -> Text:
    """Our stored Markdown subset (**bold**, *italic*, `code`, backslash escapes) as Rich Text."""
    from rich.text import Text

    markup = visible(markup)
    text = Text(style=base_style)
    position = 0
    for match in INLINE_MARKUP.finditer(markup):
        text.append(markup[position : match.start()])
        escaped, double_code, code, bold, italic = match.groups()
        if escaped:
            text.append(escaped)
        elif double_code or code:
            text.append(double_code or code, style="bold cyan")
        elif bold:
            text.append_text(inline(bold, "bold"))
        else:
            text.append_text(inline(italic, "italic"))
        position = match.end()
    text.append(markup[position:])
    return text


_LIST_MARKER = re.compile(r"\s*(?:(?:[-*+]|\d+[.)])\s+)?")


def hanging_lines(markup_line: str, width: int, out: Console) -> list[Text]:
    """One line of an answer (stored Markdown subset) wrapped to `width` cells; the lines a
    list item wraps onto start under its text, not under its marker (a hanging indent)."""
    from rich.text import Text

    prefix = _LIST_MARKER.match(markup_line).group(0)  # type: ignore[union-attr]  # it matches anything
    indent = min(len(prefix), width // 2)  # deep nesting on a narrow screen keeps half for the text
    lead = prefix[len(prefix) - indent :]
    body = inline(markup_line[len(prefix) :])
    wrapped = body.wrap(out, max(1, width - indent)) if body.plain else [Text()]
    return [Text.assemble(lead if index == 0 else " " * indent, line) for index, line in enumerate(wrapped)]


def shorten_left(parts: Sequence[str], width: int) -> str:
    """The context path in at most `width` cells. The outer entries give way first, then the
    start of the innermost one, each replaced by `…`: the most specific part stays."""
    from rich.cells import cell_len

    from mlsflash.model import CONTEXT_SEPARATOR

    full = CONTEXT_SEPARATOR.join(parts)
    if cell_len(full) <= width:
        return full
    for start in range(1, len(parts)):
        candidate = CONTEXT_SEPARATOR.join(("…", *parts[start:]))
        if cell_len(candidate) <= width:
            return candidate
    tail = ""
    for character in reversed(parts[-1] if parts else ""):
        if cell_len("…" + character + tail) > width:
            break
        tail = character + tail
    return "…" + tail


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def flow(out: Console, pieces: Sequence[Text], separator: str = " · ", indent: str = "  ") -> None:
    """Pieces joined by `separator`, starting a new (indented) line between pieces rather than
    letting the terminal break one in the middle."""
    from rich.text import Text

    line = Text()
    for piece in pieces:
        if line and line.cell_len + len(separator) + piece.cell_len > out.width:
            out.print(line)
            line = Text(indent)
        elif line:
            line.append(separator)
        line.append_text(piece)
    out.print(line)


def duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s"


def typed(text: str, width: int = 40) -> str:
    """What the user typed, quoted, for a refusal: at most `width` characters then `…`, so a
    pasted megabyte is not echoed back whole."""
    text = text.strip()
    return repr(text) if len(text) <= width else repr(text[:width]) + "…"


def shorten(parts: Sequence[str], width: int) -> str:
    """`a › b › c` in at most `width` cells, keeping the most specific (last) part: the outer
    parts are cut short with `…` first, then dropped, then the last part loses its start."""
    parts = [part for part in parts if part] or [""]
    for dropped in range(len(parts)):
        lead, kept = (["…"] if dropped else []), parts[dropped:]
        text = CONTEXT_SEPARATOR.join(lead + kept)
        excess = cell_len(text) - width
        if excess <= 0:
            return text
        first = kept[0]
        if len(kept) > 1 and cell_len(first) - excess - 1 >= 3:  # a stub of 3 still says something
            return CONTEXT_SEPARATOR.join(lead + [_cut_right(first, cell_len(first) - excess)] + kept[1:])
    return _cut_left(parts[-1], width)


def _cut_right(text: str, width: int) -> str:
    """`text` in `width` cells ending with `…`."""
    kept, used = [], 1
    for character in text:
        used += cell_len(character)
        if used > width:
            break
        kept.append(character)
    return "".join(kept).rstrip() + "…"


def _cut_left(text: str, width: int) -> str:
    """`…` then the end of `text`, in `width` cells, starting at a word when that keeps most of it."""
    if cell_len(text) <= width:
        return text
    kept: list[str] = []
    used = 1
    for character in reversed(text):
        used += cell_len(character)
        if used > width:
            break
        kept.append(character)
    tail = "".join(reversed(kept))
    word = tail.find(" ")
    if 0 <= word and cell_len(tail[word + 1 :]) * 3 >= width * 2 - 3:
        tail = tail[word + 1 :]
    return "…" + tail


def cell_len(text: str) -> int:
    from rich.cells import cell_len as measure

    return measure(text)
