"""Everything the terminal shows (Rich lives here and only here)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence, cast

from mlsflash.model import CONTEXT_SEPARATOR, INLINE_MARKUP

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console
    from rich.text import Text

    from mlsflash.collection.catalog import DeckContents, DeckSummary
    from mlsflash.notes.importer import FileReport, ImportReport

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


_IMPORT_COUNTS = ("added", "updated", "unchanged", "moved", "retired", "revived")


# Below this width the seven count columns leave a file name no room, and Rich cuts the
# counts themselves ("40…"): each file then gets its counts on lines of their own.
IMPORT_TABLE_WIDTH = 64


def _count_blocks(out: Console, headers: Sequence[str], rows: Sequence[tuple[Text, Sequence[object]]]) -> None:
    """A table of counts too wide for the terminal, as a block per row: its label, then
    `header count` pairs packed on indented lines."""
    for label, counts in rows:
        out.print(label, overflow="fold")
        for line in _packed([f"{header} {count}" for header, count in zip(headers, counts, strict=True)],
                            out.width - 2):
            out.print(f"  {line}", overflow="fold")


def _packed(items: Sequence[str], width: int) -> list[str]:
    """`items` two spaces apart, as many to a line as fit in `width` (a line breaks between them)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 2 + len(item) <= width:
            lines[-1] += f"  {item}"
        else:
            lines.append(item)
    return lines


def import_report(out: Console, report: ImportReport, *, verbose: bool = False) -> None:
    title = "Import (dry run: nothing written)" if report.dry_run else "Import"
    unchanged = [file for file in report.files if _file_unchanged(file)]
    # Two or more unchanged files are one row: a re-imported folder of 20,000 files would
    # otherwise draw 40,000 lines to say that nothing happened.
    folded = unchanged if len(unchanged) > 1 else []
    shown = [file for file in report.files if not (folded and _file_unchanged(file))]
    rows = [
        (styled(file.path, "\n", ("→ gone from its folder" if file.gone else f"→ {file.deck}", "dim")),
         _import_counts([file]))
        for file in shown
    ]
    if folded:
        rows.append((styled(f"{len(folded):,} files unchanged"), _import_counts(folded)))
    if len(rows) > 1:
        rows.append((styled("total"), _import_counts(report.files)))
    headers = ["same" if name == "unchanged" else name for name in (*_IMPORT_COUNTS, "skipped")]
    if out.width >= IMPORT_TABLE_WIDTH:
        from rich.table import Table

        table = Table(title=title, title_justify="left", box=None, pad_edge=False, header_style="bold")
        table.add_column("file / deck", overflow="fold")
        for header in headers:  # "same": "unchanged" leaves file names too little room
            table.add_column(header, justify="right")
        for label, counts in rows:
            table.add_row(label, *map(str, counts))
        out.print(table)
    else:
        out.print(styled((title, "bold")))
        _count_blocks(out, headers, rows)

    notices = report.notices + [notice for file in report.files for notice in file.notices]
    notices += [
        f"{file.path}: {count} bullets repeat cards of {other} (same deck, context and term): one card each"
        for file in report.files for other, count in file.repeats.items()
    ]
    for notice in notices:
        out.print(styled(f"Note: {notice}"), soft_wrap=True)
    if folded and verbose:
        out.print(f"\nUnchanged files ({len(folded):,}):")
        for file in folded:
            out.print(styled(f"  {file.path} ", ("→ ", "dim"), (file.deck, "dim")), soft_wrap=True)
    moved = [line for file in report.files for line in file.moved_cards]
    if moved and verbose:
        out.print(f"\nMoved cards ({len(moved)}), history kept:")
        for line in moved:
            out.print(styled(f"  {line}"), soft_wrap=True)
    for kind, bank in (("bullets", False), ("items", True)):
        skipped = [line for file in report.files if file.bank is bank for line in file.skipped]
        if skipped:
            out.print(f"\nSkipped {kind} ({len(skipped)}):")
            for line in skipped:
                out.print(styled(f"  {line}"), soft_wrap=True)


def _file_unchanged(file: FileReport) -> bool:
    return not file.gone and not any(getattr(file, name) for name in _IMPORT_COUNTS if name != "unchanged")


def _import_counts(files: Sequence[FileReport]) -> list[int]:
    return [*(sum(getattr(file, name) for file in files) for name in _IMPORT_COUNTS),
            sum(len(file.skipped) for file in files)]


DECK_NAME_WIDTH = 12


def deck_table(out: Console, decks: Sequence[DeckSummary]) -> None:
    from rich.table import Table

    if not decks:
        out.print("No decks yet. Import notes with: mlsflash import NOTES.md")
        return
    headers = ("total", "new", "due", "suspended", "retired")
    rows = [(deck.name, [str(value) for value in (deck.total, deck.new, deck.due, deck.suspended, deck.retired)])
            for deck in decks]
    # Each count column as wide as its header or its widest count, three columns of rule
    # between; the names get the rest, at least DECK_NAME_WIDTH. Narrower: one deck per block.
    counts_width = sum(max(len(header), *(len(counts[at]) for _, counts in rows)) + 3 for at, header in
                       enumerate(headers))
    if out.width < counts_width + DECK_NAME_WIDTH:
        _count_blocks(out, headers, [(styled((name, "bold")), counts) for name, counts in rows])
    else:
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("deck", overflow="fold")
        for header in headers:
            table.add_column(header, justify="right")
        for name, counts in rows:
            table.add_row(styled(name), *counts)
        out.print(table)
    empty = [deck for deck in decks if deck.total == 0]
    for deck in empty:
        out.print(styled(f"Note: {deck.name} is empty: {_why_empty(deck)}"), soft_wrap=True)
    if empty:
        out.print("Remove a deck with: mlsflash decks --delete NAME")


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _why_empty(deck: DeckSummary) -> str:
    if deck.files == 0:
        return "no notes file feeds it any more"
    files = "its notes file" if deck.files == 1 else f"its {deck.files} notes files"
    retired = f" any more ({plural(deck.retired, 'retired card')} kept with their history)" if deck.retired else ""
    if deck.warnings:
        why = f"{plural(deck.warnings, 'bullet')} skipped (importing the file again lists why)"
    else:
        why = f"{'it has' if deck.files == 1 else 'they have'} no `term - definition` bullets"
    return f"{files} gave no cards{retired}: {why}"


def deck_deletion(out: Console, contents: DeckContents) -> None:
    """What `decks --delete` is about to remove, before it asks."""
    retired = f" ({contents.retired} retired)" if contents.retired else ""
    out.print(styled(
        "Deleting deck ", (contents.name, "bold"), f" removes {plural(contents.cards, 'card')}{retired}, "
        f"their {plural(contents.reviews, 'review')} and the record of {plural(len(contents.files), 'notes file')}:",
    ), soft_wrap=True)
    for path in contents.files:
        out.print(styled(f"  {path}"), soft_wrap=True)
    out.print("The notes files themselves are not touched; importing one again makes new cards, without history.",
              soft_wrap=True)


def deck_deleted(out: Console, contents: DeckContents, backup: Path) -> None:
    out.print(styled(
        "Deleted deck ", (contents.name, "bold"), f": {plural(contents.cards, 'card')}, "
        f"{plural(contents.reviews, 'review')}, {plural(len(contents.files), 'notes file record')}. "
        f"Its history is kept in the backup {backup}",
    ), soft_wrap=True)


CARD_TABLE_WIDTH = 60  # id (12), status (9) and due (10) with their rules, and 20 for the card


def card_table(out: Console, records: Sequence[dict[str, Any]]) -> None:
    from rich.table import Table

    if not records:
        out.print("No cards match.")
        return
    labels = [styled(record["front"], f"  [{' › '.join(record['context'])}]" if record["context"] else "")
              for record in records]
    if out.width < CARD_TABLE_WIDTH:  # id, status and due leave the card no room: a block per card
        for record, label in zip(records, labels, strict=True):
            out.print(f"{record['id']}  {record['status']}  {record['due'] or '-'}", overflow="fold")
            out.print(styled("  ", label), overflow="fold")
    else:
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("id", no_wrap=True)
        table.add_column("card", overflow="fold", ratio=1)
        table.add_column("status", no_wrap=True)
        table.add_column("due", no_wrap=True)
        for record, label in zip(records, labels, strict=True):
            table.add_row(record["id"], label, record["status"], record["due"] or "-")
        out.print(table)
    out.print(f"{len(records)} card(s)")


# --- stats -------------------------------------------------------------------------------

_BLOCKS = " ▁▂▃▄▅▆▇█"
_HEAT = "·░▒▓█"
_LABEL = 6  # the chart's and the heatmap's left margin
_FORECAST_MARKS = ("today", "+7d", "+14d", "+21d", "+28d")
_NARROW = 60  # below this width tables keep their key columns and pack them closer
DECKS_SHOWN = 8
HARDEST_SHOWN = 8


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _easiness(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def stats_view(
    out: Console, figures: dict[str, Any], topics: Sequence[dict[str, Any]], *, every_topic: bool = False
) -> None:
    """Summary, forecast chart, heatmap, decks, topics (as chosen by the caller), hardest cards.
    Each section fits the console's width: nothing wraps, long names are shortened with `…`."""
    lines = _Lines(out)
    _stats_sections(cast("Console", lines), figures, topics, every_topic=every_topic)  # drawn as on the console
    lines.flush()


def _stats_sections(
    out: Console, figures: dict[str, Any], topics: Sequence[dict[str, Any]], *, every_topic: bool
) -> None:
    _summary(out, figures)
    out.print()
    _forecast_chart(out, figures["forecast"])
    out.print()
    _heatmap(out, figures["calendar"], figures["today"])
    if not figures["decks"]:
        out.print()
        out.print("No cards yet. Import notes with: mlsflash import NOTES.md (or --bundled)")
        return
    out.print()
    _deck_table(out, figures["decks"], single=figures.get("deck") is not None)
    out.print()
    _topic_table(out, figures, topics, every_topic=every_topic)
    if figures["hardest"]:
        out.print()
        _hardest_table(out, figures["hardest"][:HARDEST_SHOWN])
    _exam_lines(out, figures)


class _Lines:
    """Stands in for the console while a view is drawn: plain lines are kept and printed at
    once (each print costs Rich a layout pass: a third of the stats view's time when each
    line was one); anything else is printed in its turn."""

    def __init__(self, out: Console) -> None:
        self.out = out
        self.width = out.width
        self.kept: list[Text] = []

    def print(self, item: str | Text = "", **options: Any) -> None:
        from rich.text import Text

        if options or not isinstance(item, (str, Text)):
            self.flush()
            self.out.print(item, **options)
        else:
            self.kept.append(Text(item) if isinstance(item, str) else item)

    def flush(self) -> None:
        from rich.text import Text

        if self.kept:
            self.out.print(Text("\n").join(self.kept))
            self.kept = []


def _exam_lines(out: Console, figures: dict[str, Any]) -> None:
    """Exam practice, when there is some: the pairs most confused, the last mocks."""
    for pair in figures.get("confusions", [])[:3]:
        out.print(styled(("confused ", "bold"), f"{pair['times']}x: ", pair["front"], " ↔ ", pair["other_front"]),
                  overflow="ellipsis", no_wrap=True)
    mocks = figures.get("mock_exams", [])
    if mocks:
        shown = " · ".join(f"{m['day']} {m['score']} {'pass' if m['passed'] else 'fail'}" for m in mocks[-3:])
        out.print(styled(("mock exams ", "bold"), f"{len(mocks)}: ", shown), overflow="ellipsis", no_wrap=True)


def _summary(out: Console, figures: dict[str, Any]) -> None:
    cards, due, reviews, retention, streak = (
        figures[key] for key in ("cards", "due", "reviews", "retention", "streak")
    )
    deck = [styled("deck ", figures["deck"])] if figures.get("deck") else []
    _flow(out, [styled(("mlsflash stats", "bold")), styled(f"study day {figures['today']}"), *deck])
    if figures.get("exam"):
        _flow(out, exam_status_line(figures["exam"]))
    _flow(out, [
        styled("Due today ", (str(due["today"]), "bold"), f" (overdue {due['overdue']})"),
        styled(f"tomorrow {due['tomorrow']}"),
    ])
    _flow(out, [
        styled(f"Reviewed today {reviews['today']} ({duration(reviews['seconds_today'])})"),
        styled(f"7 days {reviews['last_7_days']}"),
        styled(f"30 days {reviews['last_30_days']} ({duration(reviews['seconds_last_30_days'])})"),
    ])
    stages = ("learning", "young", "mature", "suspended", "retired")
    _flow(
        out,
        [
            styled(f"Cards {cards['total']}: new {cards['new']}"),
            *(styled(f"{stage} {cards[stage]}") for stage in stages),
        ],
    )
    _flow(out, [
        styled(f"Retention 7d {_percent(retention['last_7_days'])}"),
        styled(f"30d {_percent(retention['last_30_days'])}"),
        styled(f"mature 30d {_percent(retention['mature_last_30_days'])}"),
        styled(f"streak {streak['current']} day(s), longest {streak['longest']}"),
    ])


def exam_status_line(status: dict[str, Any]) -> list[Text]:
    """The exam in one line: date, days left, readiness, the pace, on track or not."""
    name = status["exam"].upper()
    if status["passed"]:
        when = "is today" if status["days_left"] == 0 else f"was on {status['date']}"
        return [styled((f"Exam {name} ", "bold"), f"{when}: pacing has stopped")]
    days = status["days_left"]
    pace = (f"{status['new_per_day_needed']} new a day needed" if status["unseen"]
            else "every exam card seen")
    if not any(row["cards"] for row in status.get("domains", [])) and "domains" in status:
        pace = "no cards with a domain of this exam (mlsflash exam domains)"
    track = ("on track", "green") if status["on_track"] else ("behind", "red")
    return [
        styled((f"Exam {name} ", "bold"), f"on {status['date']}, {days} day{'s' if days != 1 else ''} left"),
        styled("readiness ", (f"{100 * status['readiness']:.0f}%", "bold")),
        styled(pace), styled(track),
    ]


def _flow(out: Console, pieces: Sequence[Text], separator: str = " · ", indent: str = "  ") -> None:
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


def _heading(out: Console, title: str, detail: str = "") -> None:
    _flow(out, [styled((title, "bold")), *([styled(detail)] if detail else [])], separator=" ")


def duration(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s"


def _forecast_chart(out: Console, forecast: list[dict[str, Any]], height: int = 5) -> None:
    from rich.text import Text

    counts = [day["due"] for day in forecast]
    peak = max(counts, default=0)
    _heading(out, f"Due in the next {len(counts)} days", f"(peak {peak}, total {sum(counts)})")
    if peak == 0:
        out.print("  nothing scheduled")
        return
    cell = 2 if out.width >= _LABEL + 2 * len(counts) else 1  # one column a day on a narrow terminal
    steps = len(_BLOCKS) - 1
    for row in range(height, 0, -1):
        bars = ""
        for count in counts:
            filled = count * height * steps / peak - (row - 1) * steps
            level = max(0, min(steps, round(filled)))
            if count and row == 1 and level == 0:
                level = 1  # a day with cards never looks empty
            bars += _BLOCKS[level] * cell
        out.print(Text.assemble(f"{peak if row == height else '':>{_LABEL - 1}} ", (bars, "cyan")))
    out.print(" " * _LABEL + "".join(("|" if index % 7 == 0 else " ").ljust(cell) for index in range(len(counts))))
    marks = ""
    for week, mark in enumerate(_FORECAST_MARKS):
        marks = marks.ljust(week * 7 * cell) + mark
    out.print(" " * _LABEL + marks)


def _heatmap(out: Console, calendar: list[dict[str, Any]], today_iso: str, weeks: int = 26) -> None:
    from datetime import date, timedelta

    from rich.text import Text

    weeks = max(1, min(weeks, (out.width - _LABEL) // 2))  # fewer weeks, never a wrapped row
    today = date.fromisoformat(today_iso)
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    by_day = {entry["date"]: entry["reviews"] for entry in calendar if entry["date"] >= first_monday.isoformat()}
    peak = max(by_day.values(), default=0)
    _heading(out, f"Reviews, last {weeks} weeks", f"({sum(by_day.values())} answers, busiest day {peak})")
    styles = ("dim", "green", "green", "bold green", "bold green")
    for weekday, label in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        runs: list[tuple[str, str]] = []  # (cells, style): neighbours of one level are one run
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day > today:
                cells, style = "  ", ""
            else:
                count = by_day.get(day.isoformat(), 0)
                level = 0 if count == 0 else min(4, 1 + (count * 4 - 1) // max(peak, 1))
                cells, style = _HEAT[level] + " ", styles[level]
            if runs and runs[-1][1] == style:
                runs[-1] = (runs[-1][0] + cells, style)
            else:
                runs.append((cells, style))
        out.print(Text.assemble(f"  {label:<{_LABEL - 2}}", *runs))
    if weeks * 2 >= 22:
        out.print(" " * _LABEL + f"{first_monday.isoformat():<{weeks * 2 - 10}}{today.isoformat()}")


# Figure columns of the deck and topic tables; a narrow view keeps the ones that rank topics.
_FIGURES = ("cards", "seen", "mature", "retain", "recall", "EF", "due")
_KEY_COLUMNS = ("retain", "EF", "due")


def _figure_cells(row: dict[str, Any], headers: Sequence[str]) -> list[str]:
    total = row["total"] or 1
    cells = {
        "cards": str(row["total"]),
        "seen": f"{row['seen'] / total:.0%}",
        "mature": f"{row['mature'] / total:.0%}",
        "retain": _percent(row["retention_30d"]),
        "recall": _percent(row.get("mean_recall")),
        "EF": _easiness(row["mean_easiness"]),
        "due": str(row["due"]),
    }
    return [cells[header] for header in headers]


def _named_table(
    out: Console, name_header: str, rows: Sequence[tuple[Sequence[str], list[str]]], headers: Sequence[str]
) -> None:
    """A table of names (each a path of parts, outermost first) and right-aligned figures, whose
    name column gets the width the figures leave and shortens names to it."""
    gap = 1 if out.width < _NARROW else 2
    widths = [max(len(header), *(len(cells[index]) for _, cells in rows)) for index, header in enumerate(headers)]
    name_width = max(8, out.width - sum(widths) - gap * len(widths))
    _fitted_table(
        out, [(name_header, "left", name_width), *((header, "right", None) for header in headers)],
        [[styled(shorten(parts, name_width)), *cells] for parts, cells in rows], gap,
    )


def _fitted_table(
    out: Console, columns: Sequence[tuple[str, str, int | None]], rows: Sequence[Sequence[str | Text]], gap: int
) -> None:
    """Rows under bold headers as Rich prints `Table(box=None, pad_edge=False)`: each column
    (header, "left" or "right", most cells or None) as wide as its widest cell, longer cells cut
    with `…`, columns `gap` apart. Laid out here when it fits the terminal (the stats view sizes
    its columns to fit, and Rich's general table layout was a quarter of its time); Rich
    squeezes the columns of a table that does not."""
    from rich.text import Text

    header = [Text(name) for name, _, _ in columns]
    body = [[cell.copy() if isinstance(cell, Text) else Text(cell) for cell in row] for row in rows]
    widths = []
    for index, (_, _, most) in enumerate(columns):
        widest = max(row[index].cell_len for row in (header, *body))
        widths.append(widest if most is None else min(widest, most))
    if sum(widths) + gap * (len(widths) - 1) > out.width:
        _rich_table(out, columns, rows, gap)
        return
    lines = []
    for row in (header, *body):
        line = Text(style="bold" if row is header else "")
        for index, (cell, width, (_, side, _)) in enumerate(zip(row, widths, columns, strict=True)):
            cell.truncate(width, overflow="ellipsis")
            padding = " " * (width - cell.cell_len)
            line.append(" " * gap if index else "")
            line.append_text(cell) if side == "left" else line.append(padding)
            line.append(padding) if side == "left" else line.append_text(cell)
        lines.append(line)
    out.print(Text("\n").join(lines))


def _rich_table(
    out: Console, columns: Sequence[tuple[str, str, int | None]], rows: Sequence[Sequence[str | Text]], gap: int
) -> None:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold", collapse_padding=gap == 1, padding=(0, 1))
    for name, side, most in columns:
        table.add_column(name, justify="left" if side == "left" else "right", no_wrap=True, overflow="ellipsis",
                         max_width=most)
    for row in rows:
        table.add_row(*row)
    out.print(table)


def _columns(out: Console) -> tuple[str, ...]:
    return _KEY_COLUMNS if out.width < _NARROW else _FIGURES


def _deck_table(out: Console, decks: Sequence[dict[str, Any]], *, single: bool) -> None:
    headers = _columns(out)
    shown = decks[:DECKS_SHOWN]
    _heading(out, "Deck" if single else "Decks", "" if len(shown) == len(decks) else f"({len(shown)} of {len(decks)})")
    _named_table(out, "deck", [([deck["deck"]], _figure_cells(deck, headers)) for deck in shown], headers)
    if len(shown) < len(decks):
        out.print(f"  + {len(decks) - len(shown)} more: mlsflash decks, or stats --deck NAME")


def _topic_table(
    out: Console, figures: dict[str, Any], topics: Sequence[dict[str, Any]], *, every_topic: bool
) -> None:
    everything = figures["topics"]
    seen = sum(1 for topic in everything if topic["seen"])
    if every_topic:
        _heading(out, "Topics", f"(all {len(everything)}, weakest first, unseen last)")
    else:
        _heading(out, "Weakest topics", f"({len(topics)} of {seen} seen · all {len(everything)}: --topics)")
    if not topics:
        out.print("  none seen yet: answer some cards first")
        return
    # on a narrow terminal the deck would crowd out the topic; the deck table is just above
    with_deck = len({topic["deck"] for topic in everything}) > 1 and out.width >= _NARROW
    headers = _columns(out)
    rows = [
        ([topic["deck"]] * with_deck + [part for part in topic["topic"].split(CONTEXT_SEPARATOR) if part],
         _figure_cells(topic, headers))
        for topic in topics
    ]
    _named_table(out, "deck › topic" if with_deck else "topic", rows, headers)


def _hardest_table(out: Console, hardest: list[dict[str, Any]]) -> None:
    """Front, EF, lapses, predicted recall today and `file:line`; on a narrow terminal lapses go
    and the source goes under the front."""
    narrow = out.width < _NARROW
    _heading(out, "Hardest cards", "(rewrite their notes)")
    if narrow:
        source_width, figures_width = 0, len("1.30") + len("recall") + 2
    else:
        source_width = min(
            max(cell_len(_source(card["source"], out.width)) for card in hardest), max(28, out.width // 3)
        )
        figures_width = len("1.30") + len("lapses") + len("recall") + source_width + 4 * 2
    card_width = max(8, out.width - figures_width)
    columns: list[tuple[str, str, int | None]] = [("card", "left", card_width), ("EF", "right", None)]
    if not narrow:
        columns.append(("lapses", "right", None))
    columns.append(("recall", "right", None))
    if not narrow:
        columns.append(("source", "left", None))
    rows: list[list[str | Text]] = []
    for card in hardest:
        label = styled(card["front"] + (" [leech]" if card["leech"] else ""))
        label.truncate(card_width, overflow="ellipsis")
        ef, recall = f"{card['easiness']:.2f}", _percent(card.get("recall"))
        if narrow:
            rows.append([label, ef, recall])
            rows.append([styled(("  " + _source(card["source"], card_width - 2), "dim")), "", ""])
        else:
            rows.append([label, ef, str(card["lapses"]), recall, styled(_source(card["source"], source_width))])
    _fitted_table(out, columns, rows, 1 if narrow else 2)


def _source(source: dict[str, Any], width: int) -> str:
    """`file:line`, the file's name shortened from the left so the line number always shows."""
    from pathlib import Path

    line = f":{source['line']}"
    return shorten([Path(source["file"]).name], max(1, width - len(line))) + line


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



# --- exam -------------------------------------------------------------------------------------

_LETTERS = "abcde"


def exam_profiles(out: Console, profiles: Sequence[Any], in_use: str) -> None:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("", "exam", "name", "questions", "minutes", "pass", "status"):
        table.add_column(column)
    for profile in profiles:
        status = f"retired {profile.retired_on.isoformat()}" if profile.retired_on else "current"
        table.add_row("*" if profile.id == in_use else "", profile.id.upper(), profile.name, str(profile.questions),
                      str(profile.minutes), f"{profile.passing_score}/1000", status)
    out.print(table)
    for profile in profiles:
        weights = " · ".join(f"{domain.number} {domain.name} {domain.weight}%" for domain in profile.domains)
        out.print(styled((f"{profile.id.upper()}: ", "bold"), weights), soft_wrap=True)


def exam_domains(out: Console, domains: Any, bundled: dict[str, tuple[int, int]] | None = None) -> None:
    from rich.table import Table

    profile = domains.profile
    counts = {domain.number: 0 for domain in profile.domains}
    for number in domains.of_card.values():
        if number is not None:
            counts[number] += 1
    total = sum(counts.values())
    table = Table(title=f"{profile.id.upper()} domains", title_justify="left", box=None, pad_edge=False,
                  header_style="bold")
    for column, justify in (("domain", "left"), ("weight", "right"), ("cards", "right"), ("share", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for domain in profile.domains:
        share = f"{100 * counts[domain.number] / total:.0f}%" if total else "-"
        table.add_row(styled(f"{domain.number} {domain.name}"), f"{domain.weight}%", str(counts[domain.number]), share)
    out.print(table)
    if domains.outside:
        out.print(f"{len(domains.outside)} cards their notes keep out of {profile.id.upper()} "
                  "(never paced, practised or asked in a mock for it).")
    if bundled and any(total for _, total in bundled.values()):
        uses = " · ".join(f"{key.upper()} {used:,} of {total:,}" for key, (used, total) in bundled.items())
        out.print(styled(("Bundled cards used: ", "bold"), uses), soft_wrap=True)
    unassigned = domains.unassigned()
    if not unassigned:
        out.print("Every topic has a domain.")
        return
    cards = sum(topic.cards for topic in unassigned)
    out.print(f"\nTopics without a domain ({len(unassigned)}, {cards} cards, never asked in a mock):")
    for topic in unassigned:
        out.print(styled("  ", topic.topic or "(no heading)", (f"  {topic.deck} · {topic.cards} cards", "dim")),
                  soft_wrap=True)
    example = unassigned[0].topic or "TOPIC"
    out.print(styled(("Hint: ", "bold"), f'mlsflash exam map "{example}" N  puts a topic in domain N'), soft_wrap=True)


def exam_status(out: Console, status: dict[str, Any]) -> None:
    from rich.table import Table

    if status["date"] is None:
        out.print(styled((f"Exam {status['exam'].upper()} ", "bold"), "no date set: ",
                         f"readiness today {100 * status['readiness']:.0f}%"), soft_wrap=True)
        out.print("Hint: mlsflash exam set PROFILE --date YYYY-MM-DD paces your cards to the day.")
    else:
        _flow(out, exam_status_line(status))
        if not status["passed"]:
            planned = status["reviews_per_day"]
            _flow(out, [styled(f"{status['unseen']} exam cards unseen"),
                        styled(f"{status['new_per_day']} new a day"),
                        styled(f"{planned if planned is not None else '-'} reviews a day planned"),
                        styled(f"final window from {status['window_start']}")])
            exam_workload(out, status)
    # Numbers keep their width; the domain's name takes what is left (at 40 columns, its number).
    headers = ("weight", "cards", "seen", "recall", "practice", "mock")
    if out.width < 60:
        headers = ("wt", "cards", "seen", "recall", "prac", "mock")
    room = out.width - sum(max(len(header), 4) + 2 for header in headers)
    named = room >= 12  # else the domain's number alone
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("domain" if named else "#", overflow="ellipsis", no_wrap=True, max_width=max(1, room))
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True, min_width=max(len(header), 4))
    for row in status["domains"]:
        label = f"{row['domain']} {row['name']}" if named else str(row["domain"])
        table.add_row(styled(label), f"{row['weight']}%", str(row["cards"]),
                      str(row["seen"]), _percent(row["predicted_recall"]), _percent(row["practice_accuracy"]),
                      _percent(row["mock_accuracy"]))
    out.print()
    out.print(table)
    if status["weakest_topics"]:
        out.print()
        out.print(styled(("Weakest topics", "bold"), " (heaviest domains first, recall on the day)"))
        for topic in status["weakest_topics"]:
            out.print(styled(f"  {topic['domain']}  ", _percent(topic["predicted_recall"]), "  ",
                             topic["topic"] or "(no heading)", (f"  {topic['deck']}", "dim")),
                      overflow="ellipsis", no_wrap=True)
    exam_bank_status(out, status.get("bank") or [])


def exam_bank_status(out: Console, tasks: Sequence[dict[str, Any]]) -> None:
    """Bank results per task statement: right of answered (all time) and the items due today."""
    if not tasks:
        return
    from rich.table import Table

    out.print()
    out.print(styled(("Question bank", "bold"), " per task statement (`exam drill` asks the due items)"))
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("task", no_wrap=True)
    for header in ("items", "answered", "right", "due"):
        table.add_column(header, justify="right", no_wrap=True)
    for task in tasks:
        table.add_row(task["task"], str(task["items"]), str(task["answered"]),
                      _percent(task["share"]), str(task["due"]))
    out.print(table)


FORECAST_DAYS_SHOWN = 7


def exam_workload(out: Console, status: dict[str, Any]) -> None:
    """The forecast of the days left: today and the peak in one line, the next days as a table
    (`--json` has every day), and a warning with what to do when a day passes the limit."""
    from rich.padding import Padding
    from rich.table import Table

    days = status["forecast"]
    if not days:
        return
    how = "your median" if status["seconds_per_answer_measured"] else "assumed: under 50 timed"
    peak = max(days, key=lambda day: day["minutes"])
    today = days[0]
    _flow(out, [styled(("Workload ", "bold"), f"today {today['reviews'] + today['new']} answers, "
                       f"{today['minutes']} min"),
                styled(f"peak {peak['minutes']} min on {peak['date']}"),
                styled(f"{status['seconds_per_answer']:g} s an answer ({how})"),
                styled(f"{status['pass_rate']:.0%} of reviews passed "
                       f"({'yours' if status['pass_rate_measured'] else 'assumed: desired_retention'})")])
    table = Table(box=None, pad_edge=False, header_style="bold")
    for header in ("day", "reviews", "new", "min"):
        table.add_column(header, justify="left" if header == "day" else "right", no_wrap=True)
    for day in days[:FORECAST_DAYS_SHOWN]:
        table.add_row(day["date"], str(day["reviews"]), str(day["new"]), str(day["minutes"]))
    out.print(Padding(table, (0, 0, 0, 2), expand=False))
    over = status["over_limit"]
    if over:
        limit = status["max_minutes_per_day"]
        plural = "s pass" if over["days"] > 1 else " passes"
        fix = (f"an exam on {over['date_under_limit']} keeps every day within it (fewer new cards a day): "
               f"mlsflash exam set {status['exam']} --date {over['date_under_limit']}"
               if over["date_under_limit"] else "no later exam date keeps every day within it (the reviews "
               "already planned, or new_per_day's cards, pass it alone)")
        out.print(styled(("Warning: ", "bold"), f"{over['days']} day{plural} max_minutes_per_day ({limit} min), "
                         f"from {over['first']}, {over['peak_minutes']} min on {over['peak_date']}; {fix}; or "
                         "raise the limit: mlsflash config max_minutes_per_day N."), soft_wrap=False)


def exam_coverage(out: Console, profile: Any, table: dict[Any, dict[str, int]]) -> None:
    from rich.table import Table

    grid = Table(title="Questions your cards can make", title_justify="left", box=None, pad_edge=False,
                 header_style="bold")
    grid.add_column("domain")
    for shape in ("definition", "term", "choose-two"):
        grid.add_column(shape, justify="right")
    for key, shapes in table.items():
        if key is None and not any(shapes.values()):
            continue
        name = f"{key} {profile.domain(key).name}" if key is not None else "no domain"
        grid.add_row(styled(name), *(str(shapes[shape]) for shape in ("definition", "term", "choose-two")))
    out.print(grid)


def exam_question(out: Console, question: Any, picked: Sequence[int]) -> None:
    from rich.panel import Panel

    how = "Choose TWO." if question.choose == 2 else ""
    lead = {"definition": "Which answer fits this term?", "term": "Which term matches this definition?",
            "choose-two": "Which two belong to this?"}[question.shape.value]
    from mlsflash.model import CONTEXT_SEPARATOR

    # The context says what the stem is about (`Express › max duration`), as review shows it.
    context = ((CONTEXT_SEPARATOR.join(question.context), "dim"), "\n") if question.context else ()
    out.print(Panel(styled(*context, question.stem), title=styled((f"{lead} {how}".strip(), "bold")),
                    title_align="left", padding=(0, 1)))
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # a wrapped option hangs under its own text, not its letter
    for index, option in enumerate(question.options):
        chosen = index in picked
        grid.add_row(styled((f"{'●' if chosen else ' '} {_LETTERS[index]})", "bold" if chosen else "")),
                     styled(option.text))
    out.print(grid)


def exam_feedback(out: Console, feedback: Any) -> None:
    """Practice, at once: right or wrong, then what the result screen says of the question."""
    if feedback.outcome.value == "right":
        out.print(styled(("Right.", "bold green")))
    else:
        out.print(styled(("Wrong.", "bold red")))
    _answer_rows(out, feedback, asked=False)


_MARKS = {"right": ("✓ right", "bold green"), "wrong": ("✗ wrong", "bold red"),
          "unanswered": ("○ unanswered", "bold yellow")}
_LEADS = {"definition": "term", "term": "definition", "choose-two": "list"}


def exam_answers(out: Console, feedbacks: Sequence[Any]) -> None:
    """Every question asked: its number and outcome (a word as well as a mark, so that wrong
    and unanswered differ without colour), the task statement, then what was asked, picked,
    the right answer in full and why. All user text is literal and wraps, never cut."""
    for feedback in feedbacks:
        mark, style = _MARKS[feedback.outcome.value]
        out.print(styled((f"{feedback.number}. ", "bold"), (mark, style)))
        _answer_rows(out, feedback, asked=True)
        out.print()


def _answer_rows(out: Console, feedback: Any, *, asked: bool) -> None:
    from rich.padding import Padding
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")  # wrapped text hangs under its own start, not its label
    shape = feedback.question.shape.value
    if asked:
        if feedback.task is not None:
            grid.add_row("task", styled(f"{feedback.task.id} {feedback.task.name}"))
        else:
            domain = feedback.question.domain
            grid.add_row("domain", styled(f"{domain} · no task statement named" if domain is not None else "none"))
        grid.add_row(_LEADS[shape], styled(feedback.question.stem))
    if not feedback.picked:
        grid.add_row("picked", styled(("nothing", "yellow")))
    for number, shown in enumerate(feedback.picked):
        label = "picked" if number == 0 else ""
        if shown.right:
            grid.add_row(label, styled(f"{shown.letter}) ", ("right", "green")))
            continue
        grid.add_row(label, styled(f"{shown.letter}) ", shown.option))
        grid.add_row("", styled(("↳ ", "dim"), *_picked_card(shape, shown)))
    for number, shown in enumerate(feedback.answer):
        grid.add_row("answer" if number == 0 else "", _lines(f"{shown.letter}) ", shown.whole))
    grid.add_row("why", _why(feedback, shape))
    out.print(Padding(grid, (0, 0, 0, 2)))


def _picked_card(shape: str, shown: Any) -> list[str | tuple[str, str]]:
    """Which card a wrong pick belongs to, and where it is written."""
    card = shown.card
    if card is None:
        return ["from no card any more"]
    source: list[str | tuple[str, str]] = [(f"  {shown.source}", "dim")] if shown.source else []
    if shape == "definition":
        return ["is the answer to: ", card.front, *source]
    if shape == "term":
        return [f"{card.front} means: ", card.back, *source]
    return ["belongs to: ", card.front, *source]


def _why(feedback: Any, shape: str) -> Text:
    """The card the question comes from: its context and term, its whole answer when the
    screen does not already show it whole (a list: the options hold two of its items), and
    `file:line`."""
    card = feedback.card
    if card is None:
        return styled(feedback.source or "the card is gone")
    path = CONTEXT_SEPARATOR.join([*card.context, card.front])
    body = _lines("", f"{path}:\n{card.back}" if shape == "choose-two" else path)
    if feedback.source:
        body.append_text(styled((f"  {feedback.source}", "dim")))
    return body


def _lines(lead: str, text: str) -> Text:
    """`lead` then `text`, its lines kept (a list's items one a line)."""
    return styled(lead, "\n".join(line.rstrip() for line in text.splitlines()))


def exam_tally(out: Console, feedbacks: Sequence[Any], profile: Any, *, every_domain: bool) -> None:
    """Right, wrong and unanswered in all, then per domain and per task statement."""
    from rich.padding import Padding

    from mlsflash.study.feedback import tally

    overall, domains = tally(feedbacks, profile)
    out.print(styled(("Right ", "bold"), f"{overall.right} · ", ("wrong ", "bold"), f"{overall.wrong} · ",
                     ("unanswered ", "bold"), f"{overall.unanswered}", (f" (of {overall.asked})", "dim")))
    for domain in domains:
        if not every_domain and not domain.total.asked:
            continue
        label = f"{domain.number} {domain.name}" if domain.number is not None else domain.name
        out.print(Padding(styled(f"{label}: {_tally_text(domain.total)}"), (0, 0, 0, 2)))
        for name, counts in domain.tasks:  # wrapped lines hang under their own start
            out.print(Padding(styled((f"{name}: {_tally_text(counts)}", "dim")), (0, 0, 0, 4)))
        if domain.no_task.asked and domain.tasks:
            out.print(Padding(styled((f"no task statement named: {_tally_text(domain.no_task)}", "dim")), (0, 0, 0, 4)))


def _tally_text(counts: Any) -> str:
    share = f"{100 * counts.right / counts.asked:.0f}%" if counts.asked else "-"
    text = f"{counts.right}/{counts.asked} {share}"
    if counts.wrong:
        text += f" · {counts.wrong} wrong"
    if counts.unanswered:
        text += f" · {counts.unanswered} unanswered"
    return text


def mock_review(out: Console, answers: Sequence[Sequence[int]], flagged: set[int]) -> None:
    unanswered = [number + 1 for number, answer in enumerate(answers) if not answer]
    marked = sorted(number + 1 for number in flagged)
    out.print(styled(("Unanswered: ", "bold"), ", ".join(map(str, unanswered)) or "none"))
    out.print(styled(("Flagged: ", "bold"), ", ".join(map(str, marked)) or "none"))


def mock_result(out: Console, result: Any, feedbacks: Sequence[Any]) -> None:
    """Every question first, the verdict last: what stays on screen is the result."""
    exam_answers(out, feedbacks)
    exam_tally(out, feedbacks, result.profile, every_domain=True)
    out.print("Scores are estimates (see docs/exam.md): AWS does not publish how it scales scores.", style="dim")
    prediction = result.prediction
    out.print(styled(
        (f"{result.profile.id.upper()} mock: ", "bold"), f"{result.correct} of {result.questions} right "
        f"({100 * result.share:.0f}%), mock score {result.score}",
        (" · time ran out" if result.timed_out else "", "yellow"),
    ))
    (memory_low, memory_high), (mock_low, mock_high) = prediction.memory.scores(), prediction.mock.scores()
    out.print(styled(f"Predicted score today {prediction.low}–{prediction.high} (pass line "
                     f"{result.profile.passing_score}): by your memory of the exam cards {memory_low}–{memory_high} "
                     f"(readiness today {100 * prediction.readiness:.0f}%), by this mock {mock_low}–{mock_high}."))
    missing = prediction.missing()
    if missing is None:
        out.print(styled(("PASS", "bold green"), ": every exam card seen, the whole range above the line"))
    else:
        out.print(styled(("NOT YET", "bold red"), f": {missing}"))


def mock_history(out: Console, history: Sequence[dict[str, Any]]) -> None:
    if not history:
        out.print("No mock exam yet: `mlsflash exam mock` takes one.")
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("day", "exam", "right", "score", "result", "per domain"):
        table.add_column(column)
    for entry in history:
        domains = " ".join(
            f"{number}:{100 * done // asked}%" if asked else f"{number}:-"
            for number, (done, asked) in sorted(entry["domains"].items())
        )
        result = ("pass" if entry["passed"] else "fail") + (" (time)" if entry["timed_out"] else "")
        table.add_row(entry["day"], entry["profile"].upper(), f"{entry['correct']}/{entry['questions']}",
                      str(entry["score"]), result, domains)
    out.print(table)
