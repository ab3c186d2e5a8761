"""`mlsflash review` (single keys on a terminal, lines when scripted) and `mlsflash config`."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Optional

import typer

from mlsflash.cli.core import command, deck_option, not_blank, store_of

if TYPE_CHECKING:
    from mlsflash.cli.review_ui import ReviewUI
    from mlsflash.study.session import QueueCard, ReviewSession


@command("review")
def review_command(
    ctx: typer.Context,
    deck: Optional[str] = deck_option(),
    topic: Optional[str] = typer.Option(
        None,
        "--topic",
        metavar="TEXT",
        callback=not_blank,
        help="Only cards whose context, as shown, contains TEXT (any case, taken literally).",
    ),
    new: Optional[int] = typer.Option(None, "--new", min=0, metavar="N", help="New cards allowed today, for this run."),
    limit: Optional[int] = typer.Option(
        None, "--limit", min=1, metavar="N", help="At most N scheduled cards this session."
    ),
) -> None:
    """Today's session: Space reveals, 0-5 grades, u undo, b bury, ! suspend, e edit, q quit, ? keys."""
    from mlsflash import clock
    from mlsflash.cli.review_ui import KeyUI, LineUI
    from mlsflash.collection import catalog, settings
    from mlsflash.storage.db import Access
    from mlsflash.study.session import ReviewSession

    store = store_of(ctx, Access.CREATE)
    ui: ReviewUI = KeyUI() if sys.stdin.isatty() else LineUI()
    if store.created:
        ui.note(f"Created a new database at {store.path}")
    if store.created and catalog.collection_is_empty(store):
        ui.note("Your collection is empty: loading the bundled AWS MLS exam decks (mlsflash import --bundled).")
        from mlsflash.notes import importer
        from mlsflash.study import bank_import  # only here: a daily review never loads the importer

        report = importer.import_notes(store, importer.bundled_files())
        items = sum(file.added for file in bank_import.import_banks(store, bank_import.bundled_bank_files()))
        ui.note(
            f"Imported {report.total('added')} cards in {len(report.files)} decks"
            + (f" and {items} exam questions" if items else "") + ". Your own notes: mlsflash import NOTES.md"
        )
    with store.read() as connection:
        current = settings.load(connection)
    session = ReviewSession(
        store, today=clock.today(current.rollover_hour), settings=current,
        deck=deck, topic=topic, new_limit=new, limit=limit,
    )
    if session.pacing is not None:
        ui.note(_pacing_note(session))
    if session.next_card() is None:
        ui.note("Nothing to review right now.")
    _run_to_the_end(session, ui)


def _pacing_note(session: ReviewSession) -> str:
    from mlsflash.scheduling.pacing import HEAVY_NEW_PER_DAY

    plan = session.pacing
    assert plan is not None
    days = plan.exam.days_left(session.today)
    note = (f"Exam on {plan.exam.day.isoformat()}, {days} day{'s' if days != 1 else ''} left: "
            f"{session.new_limit_today} new cards today")
    if plan.new_needed > HEAVY_NEW_PER_DAY:
        note += (f". Warning: {plan.new_needed} new cards a day are needed to see every exam card before the "
                 f"last {plan.exam.final_days} days (more than {HEAVY_NEW_PER_DAY})")
    return note + "."


def _run_to_the_end(session: ReviewSession, ui: ReviewUI) -> None:
    """Run the session; however it ends (q, end of input, Ctrl-C, SIGTERM, SIGHUP, a storage
    failure such as a full disk), every answer given is committed and the summary is shown."""
    endings = _Endings()
    endings.install()
    try:
        finished = _run(session, ui, endings)
    except KeyboardInterrupt:
        _summary(session, ui, interrupted=True)
        raise typer.Exit(130) from None
    except _Ended as ended:
        _summary(session, ui, interrupted=True)
        raise typer.Exit(ended.code) from None
    except Exception as error:
        failure = session.store.describe(error)
        if failure is None:
            raise
        _summary(session, ui, interrupted=True)
        raise failure from None
    finally:
        endings.uninstall()
    _summary(session, ui, finished=finished)


def _summary(session: ReviewSession, ui: ReviewUI, *, interrupted: bool = False, finished: bool = False) -> None:
    try:
        ui.show_summary(session.summary(finished=finished), interrupted=interrupted)
    except OSError:  # the terminal is gone (SIGHUP): the answers are committed all the same
        pass


def _run(session: ReviewSession, ui: ReviewUI, endings: _Endings) -> bool:
    """The session loop; True when it ran out of cards, False when the learner quit."""
    from mlsflash.model import Grade
    from mlsflash.study.session import CardLeftReview

    while True:
        card = session.next_card()
        if card is None:
            with endings.waiting():
                again = session.can_undo and ui.offer_undo()
            if again:
                _undo(session, ui)
                continue
            return True
        shown_at = time.monotonic()
        with endings.waiting():
            action = ui.ask(
                card, session.counts(), can_undo=session.can_undo, idle=session.when_idle,
                preview=session.preview(card),
            )
        if action == "q":
            return False
        if action in ("s", "b"):
            session.skip(card)
            ui.note(f"{'Skipped' if action == 's' else 'Buried'} until tomorrow: {card.front}")
        elif action == "!":
            try:
                session.suspend(card)
            except CardLeftReview as gone:
                ui.note(gone.message)
                continue
            ui.note(f"Suspended: {card.front} (u undoes it; mlsflash unsuspend {card.id} brings it back later)")
        elif action == "e":
            _edit(session, ui, card)
        elif action == "u":
            _undo(session, ui)
        else:
            try:
                result = session.answer(card, Grade(int(action)), int((time.monotonic() - shown_at) * 1000))
            except CardLeftReview as gone:
                ui.note(gone.message)
                continue
            ui.show_result(result, session.today)


def _edit(session: ReviewSession, ui: ReviewUI, card: QueueCard) -> None:
    """Open the card's note in the editor, re-import its file, show the card as it now reads;
    an error (no editor, a file that no longer imports) is shown and the session goes on."""
    from pathlib import Path

    from mlsflash.errors import MlsflashError
    from mlsflash.notes import editing, importer

    session.show_again(card.id)
    try:
        if card.source_file.startswith(importer.BUNDLED_PREFIX):
            importer.reimport_source(session.store, card.source_file)  # refuses, saying why
        editing.edit_at(Path(card.source_file), card.source_line)
        report = importer.reimport_source(session.store, card.source_file)
    except MlsflashError as error:
        ui.note(f"Error: {error.message}" + (f" (Hint: {error.hint})" if error.hint else ""))
        return
    changes = ", ".join(
        f"{report.total(name)} {name}"
        for name in ("added", "updated", "moved", "retired", "revived")
        if report.total(name)
    )
    ui.note(f"Re-imported {report.files[0].path}: {changes or 'no change'}")


def _undo(session: ReviewSession, ui: ReviewUI) -> None:
    from mlsflash.study.session import UndoRefused

    if not session.can_undo:
        ui.note("Nothing to undo in this session.")
        return
    try:
        undone = session.undo()
    except UndoRefused as refused:
        ui.note(refused.message[:1].upper() + refused.message[1:])
        return
    ui.note(f"Undone: {undone.front}" if undone else "Undone.")


class _Ended(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum  # the shell's convention: 143 for SIGTERM, 129 for SIGHUP


class _Endings:
    """SIGTERM and SIGHUP end the session like q, with exit code 128 + signal. The handler
    raises only while the session waits for a key, so an answer being written is always
    committed first; a signal arriving meanwhile ends the session at the next prompt."""

    def __init__(self) -> None:
        import signal

        self._signals = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
        self._previous: dict[int, object] = {}
        self._pending: int | None = None
        self._waiting = False

    def install(self) -> None:
        import signal

        for signum in self._signals:
            self._previous[signum] = signal.signal(signum, self._handle)

    def uninstall(self) -> None:
        import signal

        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _handle(self, signum: int, _frame: object) -> None:
        self._pending = signum
        if self._waiting:
            raise _Ended(signum)

    @contextmanager
    def waiting(self) -> Iterator[None]:
        self._waiting = True
        try:
            if self._pending is not None:  # arrived while an answer was being written
                raise _Ended(self._pending)
            yield
        finally:
            self._waiting = False


# ignore_unknown_options: `config new_per_day -5` is a value to refuse with its range, not an option.
@command("config", context_settings={"ignore_unknown_options": True})
def config_command(
    ctx: typer.Context,
    key: Optional[str] = typer.Argument(
        None, metavar="[KEY]",
        help="new_per_day, max_reviews_per_day, rollover_hour, leech_lapses, scheduler, desired_retention, "
        "maximum_interval, exam_final_days or max_minutes_per_day.",
    ),
    value: Optional[str] = typer.Argument(
        None, metavar="[VALUE]", help="New value (max_reviews_per_day accepts 'none'; scheduler is sm2 or fsrs)."
    ),
) -> None:
    """Show or change the settings kept in the database."""
    from mlsflash.collection import settings
    from mlsflash.storage.db import Access

    # refuse a bad key or value before opening the database
    if key is not None and key not in settings.KEYS:
        settings.parse_value(key, "")  # raises the unknown-setting error with the list of keys
    if key is not None and value is not None:
        settings.parse_value(key, value)
    store = store_of(ctx, Access.READ if value is None else Access.WRITE)
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
