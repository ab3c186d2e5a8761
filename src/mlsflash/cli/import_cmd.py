"""`mlsflash import`: notes files and folders, question bank files, or the bundled decks and bank."""

from __future__ import annotations

from typing import List, Optional

import typer

from mlsflash.cli.core import command, db_path_of, deck_option, not_blank, store_of
from mlsflash.errors import MlsflashError


@command("import")
def import_command(
    ctx: typer.Context,
    paths: Optional[List[str]] = typer.Argument(
        None, metavar="[PATH]...", callback=not_blank,
        help="Notes or question bank files, or folders (searched for *.md, *.markdown).",
    ),
    deck: Optional[str] = deck_option(
        "Deck name [default: the file's first # heading]; remembered per file, until --deck-from-heading."
    ),
    deck_from_heading: bool = typer.Option(
        False, "--deck-from-heading",
        help="Forget the deck an earlier --deck gave these files: their first # heading (or file name) names it.",
    ),
    reverse: Optional[bool] = typer.Option(
        None, "--reverse/--no-reverse", help="Also make definition->term cards; remembered per deck."
    ),
    prose: Optional[bool] = typer.Option(
        None, "--prose/--no-prose",
        help="Also make cards of plain sentences such as `Glue is a serverless ETL service`; remembered per deck.",
    ),
    tables: Optional[bool] = typer.Option(
        None, "--tables/--no-tables", help="Make one card per table row (on by default); remembered per deck."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    bundled: bool = typer.Option(
        False, "--bundled", help="Import the exam decks and question bank shipped with mlsflash."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="List every unchanged file and every card that moved between files or decks.",
    ),
) -> None:
    """Turn `term - definition` bullets into cards; re-importing keeps what you learned."""
    from mlsflash.cli import collection_screens, render
    from mlsflash.notes import importer
    from mlsflash.storage.db import Access
    from mlsflash.study import bank_import
    from mlsflash.study.bank import looks_like_bank

    if deck is not None and deck_from_heading:
        raise typer.BadParameter("give --deck or --deck-from-heading, not both")
    if not paths and not bundled:
        raise MlsflashError("nothing to import", hint="give notes files or folders, or --bundled")
    files = importer.bundled_files() + bank_import.bundled_bank_files() if bundled else []
    collected = importer.collect_files(paths or [])
    found = zip(collected.files, collected.sources, strict=True)
    files += [importer.read_notes(path, source=source) for path, source in found]
    files, banks = bank_import.bank_files_of(files)  # a question bank makes items, never cards
    folders = importer.folders_of(paths or [])
    if dry_run:
        store_of(ctx, Access.WRITE)  # a dry run never creates the database: refuse before parsing
    with importer.early_parsing(files, db_path_of(ctx), deck, reverse, prose, tables, deck_from_heading) as parsing:
        out = render.console()  # loads Rich while the notes are being parsed
        store = store_of(ctx, Access.CREATE)
        report = importer.import_notes(
            store, files, deck=deck, reverse=reverse, prose=prose, tables=tables, dry_run=dry_run,
            parsing=parsing, folders=folders, deck_from_heading=deck_from_heading,
            banks=[file.source for file in banks],
        )
        report.files += bank_import.import_banks(store, banks, notes=files, folders=folders, dry_run=dry_run)
    report.notices += [f"{file.display}: `## ID | TASK | TYPE` headings but no `mlsflash: questions` front matter "
                       "opening it: read as notes, not as a question bank"
                       for file in files if looks_like_bank(file.text)]
    report.notices[:0] = collected.notices
    with store.checkpoint_meanwhile():
        if store.created:
            typer.echo(f"Created a new database at {store.path}", err=True)
        collection_screens.import_report(out, report, verbose=verbose)
