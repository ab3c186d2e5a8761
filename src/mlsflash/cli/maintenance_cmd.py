"""Commands that look after the database file: check and backup."""

from __future__ import annotations

from typing import Optional

import typer

from mlsflash.cli.core import command, not_blank, store_of


@command("backup")
def backup_command(
    ctx: typer.Context,
    path: Optional[str] = typer.Argument(
        None, metavar="[PATH]", help="Where to write the copy [default: beside the database].", callback=not_blank
    ),
) -> None:
    """Write a consistent copy of the database (SQLite backup API; safe while mlsflash runs)."""
    from pathlib import Path

    from mlsflash.storage.db import Access, backup_path

    store = store_of(ctx, Access.READ)
    target = Path(path) if path else backup_path(store.path)
    if target.is_dir():
        target = target / backup_path(store.path).name
    written = store.backup(target)
    typer.echo(f"Backed up {store.path} to {written}")


@command("check")
def check_command(ctx: typer.Context) -> None:
    """Check the database: SQLite's integrity check and mlsflash's own invariants."""
    from mlsflash.collection import maintenance
    from mlsflash.errors import MlsflashError
    from mlsflash.storage.db import Access

    store = store_of(ctx, Access.READ)
    report = maintenance.check(store)
    for notice in report.notices:
        typer.echo(f"Note: {notice}", err=True)
    if report.problems:
        for problem in report.problems:
            typer.echo(f"Problem: {problem}", err=True)
        raise MlsflashError(
            f"{store.path} has {len(report.problems)} problem(s)",
            hint="restore a backup (mlsflash.db.backup-*) or export what you can",
        )
    typer.echo(f"OK: {store.path}: {report.cards} cards, {report.reviews} reviews, integrity ok.")
