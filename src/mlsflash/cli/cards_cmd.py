"""Commands that read or curate the collection: export, decks, cards, suspend, unsuspend."""

from __future__ import annotations

from typing import Any, List, Optional

import typer

from mlsflash.cli.core import command, deck_option, not_blank, store_of
from mlsflash.errors import MlsflashError

FORMATS = ("json", "csv", "apkg")


@command("export")
def export_command(
    ctx: typer.Context,
    format: str = typer.Option(
        "json", "--format", "-f", metavar="FORMAT", help="json, csv or apkg (an Anki package, written with -o)."
    ),
    deck: Optional[str] = deck_option(),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", metavar="PATH", callback=not_blank,
        help="Write to this file (atomically) instead of standard output.",
    ),
    no_schedule: bool = typer.Option(
        False, "--no-schedule", help="apkg: every card arrives new in Anki (suspended ones stay suspended)."
    ),
) -> None:
    """Export every card with its schedule (JSON schema in docs/export.md), or to Anki (--format apkg)."""
    from mlsflash.collection import catalog
    from mlsflash.export import exporter
    from mlsflash.storage.db import Access

    if format not in FORMATS:
        raise MlsflashError(f"unknown format {format!r}", hint="use --format json, csv or apkg")
    if format == "apkg":
        _export_apkg(ctx, deck, output, with_schedule=not no_schedule)
        return
    if no_schedule:
        raise MlsflashError("--no-schedule is for Anki packages", hint="use it with --format apkg -o FILE.apkg")
    records = catalog.card_records(store_of(ctx, Access.READ), deck=deck, **_recall_on_today(ctx))
    text = exporter.to_json(records) if format == "json" else exporter.to_csv(records)
    if output:
        exporter.write_atomically(output, text)
        typer.echo(f"Exported {len(records)} cards to {output}", err=True)
    else:
        typer.echo(text, nl=False)


def _export_apkg(ctx: typer.Context, deck: Optional[str], output: Optional[str], *, with_schedule: bool) -> None:
    """Every card that is not retired, one Anki note each, written atomically to `output`."""
    from mlsflash import clock
    from mlsflash.collection import catalog, settings
    from mlsflash.export import apkg, exporter
    from mlsflash.storage.db import Access

    if not output:
        raise MlsflashError(
            "an Anki package is a file, not text for the terminal", hint="give it a name: -o cards.apkg"
        )
    store = store_of(ctx, Access.READ)
    with store.read() as connection:
        today = clock.today(settings.load(connection).rollover_hour)
    cards = catalog.package_cards(store, deck)

    def fill(_handle: int, temporary: str) -> None:
        apkg.write(temporary, cards, today=today, now=clock.now(), with_schedule=with_schedule)

    exporter.replace_atomically(output, fill, example="cards.apkg")
    if with_schedule:
        how = 'In Anki: File > Import, with "Import any learning progress" ticked.'
    else:
        how = "Every card arrives new. In Anki: File > Import."
    typer.echo(f"Exported {len(cards)} cards to {output}. {how}", err=True)


def _recall_on_today(ctx: typer.Context) -> dict[str, Any]:
    """The study day and forgetting curve that `retrievability` in the records is read on."""
    from mlsflash import clock
    from mlsflash.collection import settings
    from mlsflash.scheduling import memory
    from mlsflash.storage.db import Access

    with store_of(ctx, Access.READ).read() as connection:
        current = settings.load(connection)
    return {"today": clock.today(current.rollover_hour), "decay": memory.decay(current.parameters)}


@command("decks")
def decks_command(
    ctx: typer.Context,
    delete: Optional[str] = typer.Option(
        None, "--delete", metavar="NAME", callback=not_blank,
        help="Delete this deck, its cards and their reviews (after a backup; asks first).",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking (for scripts)."),
) -> None:
    """List decks with their total, new, due, suspended and retired cards, or delete one."""
    from mlsflash import clock
    from mlsflash.cli import collection_screens, render
    from mlsflash.collection import catalog, settings
    from mlsflash.storage.db import Access

    if delete is not None:
        _delete_deck(ctx, delete, yes)
        return
    store = store_of(ctx, Access.READ)
    with store.read() as connection:
        rollover = settings.load(connection).rollover_hour
    collection_screens.deck_table(render.console(), catalog.deck_summaries(store, clock.today(rollover)))


def _delete_deck(ctx: typer.Context, name: str, yes: bool) -> None:
    """Show what goes, ask (unless --yes), back the database up, then delete in one transaction."""
    import sys

    from mlsflash.cli import collection_screens, render
    from mlsflash.collection import catalog
    from mlsflash.storage.db import Access, backup, backup_path

    store = store_of(ctx, Access.WRITE)
    out = render.console()
    contents = catalog.deck_contents(store, name)
    name = contents.name  # as stored: `--delete` finds it in any case and spacing
    collection_screens.deck_deletion(out, contents)
    if not yes:
        if not sys.stdin.isatty():
            raise MlsflashError(
                f"not deleting deck {name!r}: nobody to confirm (standard input is not a terminal)",
                hint="add --yes to delete without asking",
            )
        if not typer.confirm(f"Delete deck {name!r}?", default=False):
            typer.echo("Nothing deleted.")
            return
    written = backup(store, backup_path(store.path))
    collection_screens.deck_deleted(out, catalog.delete_deck(store, name), written)


@command("cards")
def cards_command(
    ctx: typer.Context,
    deck: Optional[str] = deck_option(),
    search: Optional[str] = typer.Option(
        None,
        "--search",
        "-s",
        metavar="TEXT",
        callback=not_blank,
        help="Text shown in the front, back or context (any case, taken literally).",
    ),
    status: Optional[str] = typer.Option(
        None,
        "--status",
        metavar="STATUS",
        help="new, learning, review, suspended or retired [default: all but retired].",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (the export schema)."),
) -> None:
    """Find cards (and their ids, for suspend / unsuspend)."""
    from mlsflash.cli import collection_screens, render
    from mlsflash.collection import catalog
    from mlsflash.export import exporter
    from mlsflash.storage.db import Access

    records = catalog.card_records(
        store_of(ctx, Access.READ),
        deck=deck,
        search=search,
        status=status,
        include_retired=False,
        **_recall_on_today(ctx),
    )
    if as_json:
        typer.echo(exporter.to_json(records), nl=False)
    else:
        collection_screens.card_table(render.console(), records)


@command("suspend")
def suspend_command(
    ctx: typer.Context,
    ids: List[str] = typer.Argument(
        ..., metavar="ID...", help="Card ids (mlsflash cards shows them).", callback=not_blank
    ),
) -> None:
    """Take cards out of review until unsuspended."""
    from mlsflash.collection import catalog
    from mlsflash.storage.db import Access

    changed = catalog.set_suspended(store_of(ctx, Access.WRITE), ids, True)
    typer.echo(f"Suspended {changed} card(s).")


@command("unsuspend")
def unsuspend_command(
    ctx: typer.Context,
    ids: List[str] = typer.Argument(
        ..., metavar="ID...", help="Card ids (mlsflash cards shows them).", callback=not_blank
    ),
) -> None:
    """Put suspended cards (leeches included) back into review."""
    from mlsflash.collection import catalog
    from mlsflash.storage.db import Access

    changed = catalog.set_suspended(store_of(ctx, Access.WRITE), ids, False)
    typer.echo(f"Unsuspended {changed} card(s).")
