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
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


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


def import_report(out: Console, report: ImportReport) -> None:
    from rich.markup import escape
    from rich.table import Table

    title = "Import (dry run: nothing written)" if report.dry_run else "Import"
    table = Table(title=title, title_justify="left", box=None, pad_edge=False, header_style="bold")
    table.add_column("file / deck", overflow="fold")
    for column in ("added", "updated", "unchanged", "retired", "revived", "skipped"):
        table.add_column(column, justify="right")
    for file in report.files:
        table.add_row(
            f"{escape(file.path)}\n[dim]→ {escape(file.deck)}[/dim]", str(file.added), str(file.updated), str(file.unchanged),
            str(file.retired), str(file.revived), str(len(file.skipped)),
        )
    if len(report.files) > 1:
        table.add_row(
            "total", *(str(report.total(name)) for name in ("added", "updated", "unchanged", "retired", "revived")),
            str(sum(len(file.skipped) for file in report.files)),
        )
    out.print(table)
    skipped = [line for file in report.files for line in file.skipped]
    if skipped:
        out.print(f"\nSkipped bullets ({len(skipped)}):")
        for line in skipped:
            out.print(f"  {line}", markup=False, soft_wrap=True)


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
        table.add_row(deck.name, *(str(value) for value in (deck.total, deck.new, deck.due, deck.suspended, deck.retired)))
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
        label = f"{record['front']}" + (f"  [{where}]" if where else "")
        table.add_row(record["id"], label, record["status"], record["due"] or "-")
    out.print(table)
    out.print(f"{len(records)} card(s)")
