"""The stats view: summary, forecast chart, heatmap, deck, topic and hardest-card tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence, cast

from mlsflash.cli.render import cell_len, duration, flow, percent, shorten, styled
from mlsflash.model import CONTEXT_SEPARATOR

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


_BLOCKS = " ▁▂▃▄▅▆▇█"
_HEAT = "·░▒▓█"
_LABEL = 6  # the chart's and the heatmap's left margin
_FORECAST_MARKS = ("today", "+7d", "+14d", "+21d", "+28d")
_NARROW = 60  # below this width tables keep their key columns and pack them closer
DECKS_SHOWN = 8
HARDEST_SHOWN = 8


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
    flow(out, [styled(("mlsflash stats", "bold")), styled(f"study day {figures['today']}"), *deck])
    if figures.get("exam"):
        from mlsflash.cli.exam_screens import exam_status_line

        flow(out, exam_status_line(figures["exam"]))
    flow(out, [
        styled("Due today ", (str(due["today"]), "bold"), f" (overdue {due['overdue']})"),
        styled(f"tomorrow {due['tomorrow']}"),
    ])
    flow(out, [
        styled(f"Reviewed today {reviews['today']} ({duration(reviews['seconds_today'])})"),
        styled(f"7 days {reviews['last_7_days']}"),
        styled(f"30 days {reviews['last_30_days']} ({duration(reviews['seconds_last_30_days'])})"),
    ])
    stages = ("learning", "young", "mature", "suspended", "retired")
    flow(
        out,
        [
            styled(f"Cards {cards['total']}: new {cards['new']}"),
            *(styled(f"{stage} {cards[stage]}") for stage in stages),
        ],
    )
    flow(out, [
        styled(f"Retention 7d {percent(retention['last_7_days'])}"),
        styled(f"30d {percent(retention['last_30_days'])}"),
        styled(f"mature 30d {percent(retention['mature_last_30_days'])}"),
        styled(f"streak {streak['current']} day(s), longest {streak['longest']}"),
    ])


def _heading(out: Console, title: str, detail: str = "") -> None:
    flow(out, [styled((title, "bold")), *([styled(detail)] if detail else [])], separator=" ")


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
        "retain": percent(row["retention_30d"]),
        "recall": percent(row.get("mean_recall")),
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
        ef, recall = f"{card['easiness']:.2f}", percent(card.get("recall"))
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
