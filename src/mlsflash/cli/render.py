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
    notices = report.notices + [notice for file in report.files for notice in file.notices]
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


def exam_domains(out: Console, domains: Any) -> None:
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
    out.print(Panel(styled(question.stem), title=styled((f"{lead} {how}".strip(), "bold")), title_align="left",
                    padding=(0, 1)))
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # a wrapped option hangs under its own text, not its letter
    for index, option in enumerate(question.options):
        chosen = index in picked
        grid.add_row(styled((f"{'●' if chosen else ' '} {_LETTERS[index]})", "bold" if chosen else "")),
                     styled(option.text))
    out.print(grid)


def exam_feedback(out: Console, question: Any, picked: Sequence[int], fronts: dict[str, str],
                  backs: dict[str, str]) -> None:
    right = sorted(question.right)
    if set(picked) == set(right):
        out.print(styled(("Right.", "bold green")))
        return
    answer = " and ".join(f"{_LETTERS[index]}) {question.options[index].text}" for index in right)
    out.print(styled(("Wrong. ", "bold red"), "The answer: ", answer))
    for index in picked:
        option = question.options[index]
        if option.right:
            continue
        if question.shape.value == "definition":
            what = f"{_LETTERS[index]}) is the answer to: {fronts.get(option.card_id, '?')}"
        elif question.shape.value == "term":
            what = f"{_LETTERS[index]}) {option.text} means: {backs.get(option.card_id, '?').splitlines()[0]}"
        else:
            what = f"{_LETTERS[index]}) belongs to: {fronts.get(option.card_id, '?')}"
        out.print(styled(("  ", ""), what))


def mock_review(out: Console, answers: Sequence[Sequence[int]], flagged: set[int]) -> None:
    unanswered = [number + 1 for number, answer in enumerate(answers) if not answer]
    marked = sorted(number + 1 for number in flagged)
    out.print(styled(("Unanswered: ", "bold"), ", ".join(map(str, unanswered)) or "none"))
    out.print(styled(("Flagged: ", "bold"), ", ".join(map(str, marked)) or "none"))


def mock_result(out: Console, result: Any, summary: dict[str, Any], fronts: dict[str, str]) -> None:
    """Wrong answers first, the verdict last: what stays on screen is the result."""
    if summary["wrong"]:
        out.print(f"Wrong or unanswered ({len(summary['wrong'])}):")
        for wrong in summary["wrong"]:
            out.print(styled(f"  {wrong['n']}. {fronts.get(wrong['card'], wrong['card'])}",
                             (f"  {wrong['source']}", "dim")))
        out.print()
    for domain in result.profile.domains:
        done, asked = result.by_domain.get(domain.number, (0, 0))
        share = f"{100 * done / asked:.0f}%" if asked else "-"
        out.print(styled(f"  {domain.number} {domain.name}: {done}/{asked} {share}"))
    out.print("The score is an estimate (see the README): AWS does not publish how it scales scores.", style="dim")
    verdict = ("PASS", "bold green") if result.passed else ("FAIL", "bold red")
    out.print(styled(
        (f"{result.profile.id.upper()} mock: ", "bold"), f"{result.correct} of {result.questions} right "
        f"({100 * result.share:.0f}%), estimated score {result.score} (pass line {result.profile.passing_score}) ",
        verdict, (" · time ran out" if result.timed_out else "", "yellow"),
    ))


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
