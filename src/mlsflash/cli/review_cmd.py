"""`mlsflash review` (single keys on a terminal, lines when scripted) and `mlsflash config`."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Optional

import typer

from mlsflash.cli.app import command, deck_option, not_blank, store_of

if TYPE_CHECKING:
    from mlsflash.cli.review_ui import ReviewUI
    from mlsflash.session import ReviewSession


@command("review")
def review_command(
    ctx: typer.Context,
    deck: Optional[str] = deck_option(),
    topic: Optional[str] = typer.Option(
        None, "--topic", metavar="TEXT", callback=not_blank,
        help="Only cards whose context, as shown, contains TEXT (any case, taken literally).",
    ),
    new: Optional[int] = typer.Option(None, "--new", min=0, metavar="N", help="New cards allowed today, for this run."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, metavar="N", help="At most N scheduled cards this session."),
) -> None:
    """Today's session: Space reveals, 0-5 grades, u undo, s skip, q quit, ? keys."""
    from mlsflash import catalog, clock, importer, settings
    from mlsflash.cli.review_ui import KeyUI, LineUI
    from mlsflash.session import ReviewSession

    store = store_of(ctx)
    ui: ReviewUI = KeyUI() if sys.stdin.isatty() else LineUI()
    if catalog.collection_is_empty(store):
        ui.note("Your collection is empty: loading the bundled AWS MLS exam decks (mlsflash import --bundled).")
        report = importer.import_notes(store, importer.bundled_files())
        ui.note(f"Imported {report.total('added')} cards in {len(report.files)} decks. Your own notes: mlsflash import NOTES.md")
    with store.read() as connection:
        current = settings.load(connection)
    session = ReviewSession(
        store, today=clock.today(current.rollover_hour), settings=current,
        deck=deck, topic=topic, new_limit=new, limit=limit,
    )
    if session.next_card() is None:
        ui.note("Nothing to review right now.")
    try:
        _run(session, ui)
    except KeyboardInterrupt:
        ui.show_summary(session.summary(), interrupted=True)
        raise typer.Exit(130) from None
    ui.show_summary(session.summary())


def _run(session: ReviewSession, ui: ReviewUI) -> None:
    from mlsflash.model import Grade

    while True:
        card = session.next_card()
        if card is None:
            if session.can_undo and ui.offer_undo():
                undone = session.undo()
                ui.note(f"Undone: {undone.front}" if undone else "Nothing to undo.")
                continue
            return
        shown_at = time.monotonic()
        action = ui.ask(card, session.counts(), can_undo=session.can_undo, idle=session.when_idle)
        if action == "q":
            return
        if action == "s":
            session.skip(card)
            ui.note(f"Skipped until tomorrow: {card.front}")
        elif action == "u":
            undone = session.undo()
            ui.note(f"Undone: {undone.front}" if undone else "Nothing to undo.")
        else:
            result = session.answer(card, Grade(int(action)), int((time.monotonic() - shown_at) * 1000))
            ui.show_result(result, session.today)


# ignore_unknown_options: `config new_per_day -5` is a value to refuse with its range, not an option.
@command("config", context_settings={"ignore_unknown_options": True})
def config_command(
    ctx: typer.Context,
    key: Optional[str] = typer.Argument(
        None, metavar="[KEY]",
        help="new_per_day, max_reviews_per_day, rollover_hour, leech_lapses, scheduler, desired_retention "
        "or maximum_interval.",
    ),
    value: Optional[str] = typer.Argument(
        None, metavar="[VALUE]", help="New value (max_reviews_per_day accepts 'none'; scheduler is sm2 or fsrs)."
    ),
) -> None:
    """Show or change the settings kept in the database."""
    from mlsflash import settings

    store = store_of(ctx)
    if key is not None and value is not None:
        with store.write() as connection:
            settings.save(connection, key, value)
    with store.read() as connection:
        loaded = settings.load(connection)
    current = {name: getattr(loaded, name) for name in settings.KEYS}
    if key is not None and key not in current:
        settings.parse_value(key, "")  # raises the unknown-setting error with the list of keys
    for name, setting in current.items():
        if key is None or name == key:
            typer.echo(f"{name} = {settings.display(setting)}")
