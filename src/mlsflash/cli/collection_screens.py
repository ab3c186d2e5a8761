"""The collection's screens: the import report, the deck table, a deck's deletion, the card table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from mlsflash.cli.render import plural, styled

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console
    from rich.text import Text

    from mlsflash.collection.catalog import DeckContents, DeckSummary
    from mlsflash.notes.importer import FileReport, ImportReport


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
