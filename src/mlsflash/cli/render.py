"""Everything the terminal shows (Rich lives here and only here)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from mlsflash.catalog import DeckSummary
    from mlsflash.importer import ImportReport

_INLINE = re.compile(r"\\([\\`*_])|``(.+?)``|`([^`]+)`|\*\*(.+?)\*\*|\*(.+?)\*")

def console(stderr: bool = False) -> Console:
    """A console that never reads a string as Rich markup or `:emoji:` codes: user text is
    printed as it is written, and style comes only from `styled` pieces."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)


def styled(*parts: str | tuple[str, str] | Text) -> Text:
    """The one way to put text on screen: each part is literal text, `(text, style)`, or Text.

    Notes text, deck names, contexts, file names and search terms go through here (or
    `inline`), so brackets such as `[/opt/ml]` or `[bold]` are shown, never interpreted."""
    from rich.text import Text

    return Text.assemble(*parts)


def inline(markup: str, base_style: str = "") -> Text:
    """Our stored Markdown subset (**bold**, *italic*, `code`, backslash escapes) as Rich Text."""
    from rich.text import Text

    text = Text(style=base_style)
    position = 0
    for match in _INLINE.finditer(markup):
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


_IMPORT_COUNTS = ("added", "updated", "unchanged", "moved", "retired", "revived")


def import_report(out: Console, report: ImportReport, *, verbose: bool = False) -> None:
    from rich.table import Table

    title = "Import (dry run: nothing written)" if report.dry_run else "Import"
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, header_style="bold")
    table.add_column("file / deck", overflow="fold")
    for column in (*_IMPORT_COUNTS, "skipped"):  # "same": "unchanged" leaves file names too little room
        table.add_column("same" if column == "unchanged" else column, justify="right")
    for file in report.files:
        where = "→ gone from its folder" if file.gone else f"→ {file.deck}"
        table.add_row(
            styled(file.path, "\n", (where, "dim")), *(str(getattr(file, name)) for name in _IMPORT_COUNTS),
            str(len(file.skipped)),
        )
    if len(report.files) > 1:
        table.add_row(
            "total", *(str(report.total(name)) for name in _IMPORT_COUNTS),
            str(sum(len(file.skipped) for file in report.files)),
        )
    out.print(table)
    notices = [notice for file in report.files for notice in file.notices]
    notices += [
        f"{file.path}: {count} bullets repeat cards of {other} (same deck, context and term): one card each"
        for file in report.files for other, count in file.repeats.items()
    ]
    for notice in notices:
        out.print(styled(f"Note: {notice}"), soft_wrap=True)
    moved = [line for file in report.files for line in file.moved_cards]
    if moved and verbose:
        out.print(f"\nMoved cards ({len(moved)}), history kept:")
        for line in moved:
            out.print(styled(f"  {line}"), soft_wrap=True)
    skipped = [line for file in report.files for line in file.skipped]
    if skipped:
        out.print(f"\nSkipped bullets ({len(skipped)}):")
        for line in skipped:
            out.print(styled(f"  {line}"), soft_wrap=True)


def deck_table(out: Console, decks: Sequence[DeckSummary]) -> None:
    from rich.table import Table

    if not decks:
        out.print("No decks yet. Import notes with: mlsflash import NOTES.md")
        return
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("deck", overflow="fold")
    for column in ("total", "new", "due", "suspended", "retired"):
        table.add_column(column, justify="right")
    for deck in decks:
        table.add_row(styled(deck.name), *(str(value) for value in (deck.total, deck.new, deck.due, deck.suspended, deck.retired)))
    out.print(table)


def card_table(out: Console, records: Sequence[dict[str, Any]]) -> None:
    from rich.table import Table

    if not records:
        out.print("No cards match.")
        return
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("card", overflow="fold", ratio=1)
    table.add_column("status", no_wrap=True)
    table.add_column("due", no_wrap=True)
    for record in records:
        where = " › ".join(record["context"])
        label = styled(record["front"], f"  [{where}]" if where else "")
        table.add_row(record["id"], label, record["status"], record["due"] or "-")
    out.print(table)
    out.print(f"{len(records)} card(s)")


# --- stats -------------------------------------------------------------------------------

_BLOCKS = " ▁▂▃▄▅▆▇█"
_HEAT = "·░▒▓█"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def stats_view(out: Console, figures: dict[str, Any]) -> None:
    """Summary line, forecast chart, calendar heatmap, per-topic table, hardest cards."""
    cards, due, reviews, retention, streak = (
        figures[key] for key in ("cards", "due", "reviews", "retention", "streak")
    )
    scope = f" · deck {figures['deck']}" if figures.get("deck") else ""
    out.print(styled(("mlsflash stats", "bold"), f" · study day {figures['today']}{scope}"))
    out.print(styled("Due today ", (str(due["today"]), "bold"), f" (overdue {due['overdue']}) · tomorrow {due['tomorrow']}"))
    out.print(
        f"Reviewed today {reviews['today']} ({duration(reviews['seconds_today'])}) · "
        f"7 days {reviews['last_7_days']} · 30 days {reviews['last_30_days']} "
        f"({duration(reviews['seconds_last_30_days'])})"
    )
    out.print(
        f"Cards {cards['total']}: new {cards['new']} · learning {cards['learning']} · young {cards['young']} · "
        f"mature {cards['mature']} · suspended {cards['suspended']} · retired {cards['retired']}"
    )
    out.print(
        f"Retention 7d {_percent(retention['last_7_days'])} · 30d {_percent(retention['last_30_days'])} · "
        f"mature 30d {_percent(retention['mature_last_30_days'])} · "
        f"streak {streak['current']} day(s), longest {streak['longest']}"
    )
    out.print()
    _forecast_chart(out, figures["forecast"])
    out.print()
    _heatmap(out, figures["calendar"], figures["today"])
    out.print()
    _topic_table(out, figures["topics"])
    if figures["hardest"]:
        out.print()
        _hardest_table(out, figures["hardest"])


def duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s"


def _forecast_chart(out: Console, forecast: list[dict[str, Any]], height: int = 5) -> None:
    from rich.text import Text

    counts = [day["due"] for day in forecast]
    peak = max(counts, default=0)
    out.print(styled((f"Due in the next {len(counts)} days", "bold"), f" (peak {peak}, total {sum(counts)})"))
    if peak == 0:
        out.print("  nothing scheduled")
        return
    steps = len(_BLOCKS) - 1
    for row in range(height, 0, -1):
        line = Text(f"{peak if row == height else '':>5} ")
        for count in counts:
            filled = count * height * steps / peak - (row - 1) * steps
            level = max(0, min(steps, round(filled)))
            if count and row == 1 and level == 0:
                level = 1  # a day with cards never looks empty
            line.append(_BLOCKS[level] * 2, style="cyan")
        out.print(line)
    axis = "".join(f"{'|' if index % 7 == 0 else ' '} " for index in range(len(counts)))
    out.print(f"{'':>5} {axis}")
    out.print(f"{'':>5} today{'':>9}+7d{'':>11}+14d{'':>10}+21d{'':>10}+28d")


def _heatmap(out: Console, calendar: list[dict[str, Any]], today_iso: str, weeks: int = 26) -> None:
    from datetime import date, timedelta

    from rich.text import Text

    today = date.fromisoformat(today_iso)
    by_day = {entry["date"]: entry["reviews"] for entry in calendar}
    peak = max(by_day.values(), default=0)
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    out.print(styled((f"Reviews, last {weeks} weeks", "bold"), f" ({sum(by_day.values())} answers, busiest day {peak})"))
    styles = ("dim", "green", "green", "bold green", "bold green")
    for weekday, label in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        line = Text(f"  {label:<4}")
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day > today:
                line.append("  ")
                continue
            count = by_day.get(day.isoformat(), 0)
            level = 0 if count == 0 else min(4, 1 + (count * 4 - 1) // max(peak, 1))
            line.append(_HEAT[level] + " ", style=styles[level])
        out.print(line)
    out.print(f"  {'':<4}{first_monday.isoformat():<{weeks * 2 - 10}}{today.isoformat()}")


def _topic_table(out: Console, topics: list[dict[str, Any]]) -> None:
    from rich.table import Table

    if not topics:
        out.print("No cards yet. Import notes with: mlsflash import NOTES.md (or --bundled)")
        return
    out.print(styled(("By topic", "bold")))
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("deck › topic", overflow="fold", ratio=1)
    for column in ("cards", "seen", "mature", "retain", "recall", "EF", "due"):
        table.add_column(column, justify="right", no_wrap=True)
    for topic in topics:
        total = topic["total"] or 1
        name = f"{topic['deck']} › {topic['topic']}" if topic["topic"] else topic["deck"]
        table.add_row(
            styled(name),
            str(topic["total"]),
            f"{topic['seen'] / total:.0%}",
            f"{topic['mature'] / total:.0%}",
            _percent(topic["retention_30d"]),
            _percent(topic.get("mean_recall")),
            "-" if topic["mean_easiness"] is None else f"{topic['mean_easiness']:.2f}",
            str(topic["due"]),
        )
    out.print(table)


def _hardest_table(out: Console, hardest: list[dict[str, Any]]) -> None:
    from rich.table import Table

    out.print(styled(("Hardest cards", "bold"), " (rewrite their notes)"))
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("card", overflow="fold", ratio=1)
    table.add_column("EF", justify="right", no_wrap=True)
    table.add_column("lapses", justify="right", no_wrap=True)
    table.add_column("recall", justify="right", no_wrap=True)
    table.add_column("source", overflow="fold", max_width=28)
    for card in hardest:
        label = card["front"] + (" [leech]" if card["leech"] else "")
        source = f"{_short_path(card['source']['file'])}:{card['source']['line']}"
        table.add_row(
            styled(label), f"{card['easiness']:.2f}", str(card["lapses"]), _percent(card.get("recall")), styled(source)
        )
    out.print(table)


def _short_path(path: str) -> str:
    from pathlib import Path

    return Path(path).name

