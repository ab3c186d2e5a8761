"""Commands of the memory model: reschedule (due dates under the current scheduler) and
optimize (FSRS fitted to the learner's own log)."""

from __future__ import annotations

import typer

from mlsflash.cli.core import command, store_of


@command("reschedule")
def reschedule_command(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would move; change nothing."),
) -> None:
    """Recompute every due date under the current scheduler and say how many cards move."""
    from mlsflash import clock
    from mlsflash.collection import settings
    from mlsflash.scheduling import history
    from mlsflash.storage.db import Access

    store = store_of(ctx, Access.WRITE)
    with store.read() as connection:
        current = settings.load(connection)
    report = history.reschedule(store, current, clock.today(), dry_run=dry_run)
    verb = "Would move" if dry_run else "Moved"
    typer.echo(f"{verb} {report.moved} of {report.cards} scheduled cards under {current.scheduler.value}.")
    for label, shifts in (("earlier", report.earlier), ("later", report.later)):
        if shifts:
            typer.echo(
                f"  {len(shifts)} {label}: by {sum(shifts) / len(shifts):.1f} days on average, at most {max(shifts)}"
            )
    if report.kept_in_window:
        cards = "card" if report.kept_in_window == 1 else "cards"
        typer.echo(f"  {report.kept_in_window} {cards} kept in the exam's final window (exam on {report.exam_day}).")


@command("optimize")
def optimize_command(
    ctx: typer.Context,
    reset: bool = typer.Option(False, "--reset", help="Go back to FSRS-6's default parameters."),
) -> None:
    """Fit FSRS parameters to your own scheduled reviews (at least 400) and keep them."""
    from mlsflash.scheduling import history
    from mlsflash.storage.db import Access

    store = store_of(ctx, Access.WRITE)
    if reset:
        cards = history.reset_parameters(store)
        typer.echo(f"FSRS parameters reset to the defaults; memory states of {cards} cards recomputed.")
        return
    report = history.optimize(store)
    typer.echo(f"Fitted to {report.reviews} scheduled reviews.")
    typer.echo(f"  before: log loss {report.before.log_loss:.4f}, RMSE {report.before.rmse:.4f}")
    typer.echo(f"  after:  log loss {report.after.log_loss:.4f}, RMSE {report.after.rmse:.4f}")
    if report.kept:
        typer.echo("The fitted parameters predict your log no better: the current ones stay.")
    else:
        typer.echo("Stored; later answers use them. `mlsflash reschedule` applies them to due dates now.")
