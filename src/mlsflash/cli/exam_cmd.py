"""`mlsflash exam ...`: exam profiles, domains, practice questions and mock exams."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Callable, Optional, TypeVar

import typer

from mlsflash.cli.core import PlainGroup, app, command, deck_option, not_blank, store_of

if TYPE_CHECKING:
    from mlsflash.study.exam import CardDomains

exam_app = typer.Typer(
    name="exam", help="Practise in the exam's own form: profiles, domains, questions, mock exams.",
    no_args_is_help=True, rich_markup_mode=None, add_completion=False, cls=PlainGroup,
)
app.add_typer(exam_app, name="exam")

SessionT = TypeVar("SessionT")


def _run(session: SessionT, scripted: Callable[[SessionT], None], terminal: Callable[[SessionT], None], *,
         as_json: bool) -> None:
    """A session line by line (JSON asked for, or input that is no terminal), else on the terminal."""
    (scripted if as_json or not sys.stdin.isatty() else terminal)(session)


@command("list", group=exam_app)
def list_command(ctx: typer.Context) -> None:
    """The exam profiles, the current exam first; * marks the one in use."""
    from mlsflash import profiles
    from mlsflash.cli import exam_screens, render
    from mlsflash.storage.db import Access
    from mlsflash.study import exam

    in_use = profiles.DEFAULT_PROFILE
    if ctx.find_root().obj.db_path().exists():
        with store_of(ctx, Access.READ).read() as connection:
            in_use = exam.current_profile(connection).id
    exam_screens.exam_profiles(render.console(), [profiles.load(name) for name in profiles.profile_ids()], in_use)


@command("set", group=exam_app)
def set_command(
    ctx: typer.Context,
    profile_id: str = typer.Argument(..., metavar="PROFILE", help="An exam profile id, e.g. mla-c01."),
    on: Optional[str] = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="The day you sit the exam: paces new cards and the final days."
    ),
    clear: bool = typer.Option(False, "--clear", help="Forget the exam date (scheduling goes back to normal)."),
) -> None:
    """Choose the exam to practise for (the default is MLA-C01), and optionally its date."""
    from mlsflash import clock
    from mlsflash.collection import settings
    from mlsflash.scheduling.pacing import HEAVY_NEW_PER_DAY
    from mlsflash.storage.db import Access
    from mlsflash.study import exam, exam_date

    if on is not None and clear:
        raise typer.BadParameter("give --date or --clear, not both")
    store = store_of(ctx, Access.WRITE)
    with store.read() as connection:
        current = settings.load(connection)
    today = clock.today(current.rollover_hour)
    day = exam_date.parse_date(on, today) if on is not None else None
    profile = exam.set_profile(store, profile_id)
    if day is not None or clear:
        with store.write() as connection:
            exam_date.save_date(connection, day)
    typer.echo(f"Exam: {profile.id.upper()} ({profile.name}).")
    if profile.retired_on:
        typer.echo(f"Note: AWS retired {profile.id.upper()} on {profile.retired_on.isoformat()}; "
                   "`mlsflash exam set mla-c01` goes back to the current exam.")
    if clear:
        typer.echo("Exam date cleared: cards are scheduled as usual.")
    if day is not None:
        plan = exam_date.pacing_for(store, today, current)
        assert plan is not None
        with store.read() as connection:
            status = exam_date.status(connection, today, current)
        days = plan.exam.days_left(today)
        typer.echo(f"Date: {day.isoformat()}, {days} day{'s' if days != 1 else ''} away; final window from "
                   f"{plan.exam.window_start.isoformat()} ({plan.exam.final_days} days).")
        typer.echo(f"{status['unseen']} exam cards not seen yet: {status['new_per_day']} new cards a day.")
        if plan.new_needed > HEAVY_NEW_PER_DAY:
            typer.echo(f"Warning: seeing every exam card in time takes {plan.new_needed} new cards a day "
                       f"(more than {HEAVY_NEW_PER_DAY}).", err=True)


@command("status", group=exam_app)
def status_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Readiness for the exam: per domain, predicted recall on the day and recent practice."""
    import json

    from mlsflash import clock
    from mlsflash.cli import exam_screens, render
    from mlsflash.collection import settings
    from mlsflash.storage.db import Access
    from mlsflash.study import exam_date

    with store_of(ctx, Access.READ).read() as connection:
        current = settings.load(connection)
        status = exam_date.status(connection, clock.today(current.rollover_hour), current)
    if as_json:
        typer.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    exam_screens.exam_status(render.console(), status)


@command("map", group=exam_app)
def map_command(
    ctx: typer.Context,
    topic: str = typer.Argument(..., metavar="TOPIC", help="A topic as `exam domains` lists it.", callback=not_blank),
    domain: int = typer.Argument(..., metavar="N", help="The domain number in the current exam."),
    deck: Optional[str] = deck_option("Only the topic in this deck."),
) -> None:
    """Put a topic's cards in a domain of the current exam (over what notes or keywords say)."""
    from mlsflash.storage.db import Access
    from mlsflash.study import exam

    store = store_of(ctx, Access.WRITE)
    mapped = exam.map_topic(store, topic, domain, deck)
    with store.read() as connection:
        profile = exam.current_profile(connection)
    plural = "s" if mapped > 1 else ""
    typer.echo(f"{topic}: domain {domain} ({profile.domain(domain).name}) of {profile.id.upper()}, "
               f"in {mapped} deck{plural}.")


@command("domains", group=exam_app)
def domains_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    show_coverage: bool = typer.Option(
        False, "--coverage", help="Also count the questions of each shape your cards can make, per domain."
    ),
) -> None:
    """Cards per domain of the current exam, and every topic without a domain."""
    import json

    from mlsflash.cli import exam_screens, render
    from mlsflash.storage.db import Access
    from mlsflash.study import exam

    with store_of(ctx, Access.READ).read() as connection:
        profile = exam.current_profile(connection)
        domains = exam.card_domains(connection, profile)
        table = exam.coverage(exam.question_cards(connection, domains), profile) if show_coverage else None
        bundled = exam.bundled_use(connection)
    if as_json:
        report = _domains_json(domains)
        report["bundled_cards"] = {key: {"cards": used, "of": total} for key, (used, total) in bundled.items()}
        if table is not None:
            report["coverage"] = {str(key) if key is not None else "none": shapes for key, shapes in table.items()}
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    exam_screens.exam_domains(render.console(), domains, bundled)
    if table is not None:
        exam_screens.exam_coverage(render.console(), profile, table)


def _domains_json(domains: CardDomains) -> dict[str, object]:
    counts = {domain.number: 0 for domain in domains.profile.domains}
    for number in domains.of_card.values():
        if number is not None:
            counts[number] += 1
    return {
        "profile": domains.profile.id,
        "domains": [
            {"number": domain.number, "name": domain.name, "weight": domain.weight, "cards": counts[domain.number]}
            for domain in domains.profile.domains
        ],
        "unassigned_cards": sum(1 for number in domains.of_card.values() if number is None) - len(domains.outside),
        "outside_cards": len(domains.outside),
        "topics": [
            {"deck": topic.deck, "topic": topic.topic, "cards": topic.cards,
             "domain": "none" if topic.outside else topic.domain, "origin": topic.origin or None}
            for topic in domains.topics
        ],
    }


@command("practice", group=exam_app)
def practice_command(
    ctx: typer.Context,
    domain: Optional[int] = typer.Option(None, "--domain", metavar="N", help="Only cards of this domain."),
    deck: Optional[str] = deck_option("Only cards of this deck."),
    count: int = typer.Option(10, "--count", min=1, max=1000, metavar="N", help="How many questions."),
    seed: Optional[int] = typer.Option(
        None, "--seed", metavar="SEED", help="Repeatable questions (same seed, same questions)."
    ),
    confusions: bool = typer.Option(False, "--confusions", help="Contrast questions from cards you mixed up."),
    bank: bool = typer.Option(False, "--bank", help="Scenario items of the question bank instead of your cards."),
    task: Optional[str] = typer.Option(None, "--task", metavar="N.N", help="Only bank items of this task statement."),
    kind: Optional[str] = typer.Option(
        None, "--type", metavar="TYPE",
        help="Only bank items of this type: multiple-choice, multiple-response, ordering or matching.",
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line, also on a terminal."),
) -> None:
    """Questions from your cards (never changes a card's schedule), or with --bank scenario
    items in the exam's form (each answer schedules its item)."""
    from mlsflash import clock
    from mlsflash.cli import exam_ui

    clock.time_scale()  # refused before the first question is shown, not at its answer
    if bank or task is not None or kind is not None:
        _bank_practice(ctx, task=task, kind=kind, count=count, seed=seed, as_json=as_json,
                       cards_only=domain is not None or deck is not None or confusions)
        return
    session = exam_ui.practice_session(ctx, domain=domain, deck=deck, count=count, seed=seed,
                                       confusions=confusions)
    _run(session, exam_ui.practice_scripted, exam_ui.practice_terminal, as_json=as_json)


@command("mock", group=exam_app)
def mock_command(
    ctx: typer.Context,
    seed: Optional[int] = typer.Option(
        None, "--seed", metavar="SEED", help="Repeatable questions (same seed, same exam)."
    ),
    cards: bool = typer.Option(False, "--cards", help="Questions from your cards even when the bank covers the exam."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line, also on a terminal."),
) -> None:
    """A mock exam in the exam's form: its number of questions by domain weight, its time;
    from the question bank when it covers the exam, else from your cards."""
    from mlsflash import clock
    from mlsflash.cli import bank_ui, exam_ui

    clock.time_scale()  # refused before the first question is shown
    bank_session = None if cards else bank_ui.mock_session(ctx, seed=seed)
    if bank_session is not None:
        _run(bank_session, bank_ui.mock_scripted, bank_ui.mock_terminal, as_json=as_json)
        return
    session = exam_ui.mock_session(ctx, seed=seed)
    _run(session, exam_ui.mock_scripted, exam_ui.mock_terminal, as_json=as_json)


def _bank_practice(ctx: typer.Context, *, task: str | None, kind: str | None, count: int, seed: int | None,
                   as_json: bool, cards_only: bool) -> None:
    from mlsflash.cli import bank_ui
    from mlsflash.study.bank import ItemType

    if cards_only:
        raise typer.BadParameter("--domain, --deck and --confusions ask cards; bank items take --task and --type")
    kinds = [kind_.value for kind_ in ItemType]
    if kind is not None and kind not in kinds:
        raise typer.BadParameter(f"--type must be one of {', '.join(kinds)}, not {kind!r}")
    session = bank_ui.practice_session(ctx, task=task, kind=kind, count=count, seed=seed)
    _run(session, bank_ui.practice_scripted, bank_ui.practice_terminal, as_json=as_json)


@command("drill", group=exam_app)
def drill_command(
    ctx: typer.Context,
    count: int = typer.Option(20, "--count", min=1, max=1000, metavar="N", help="At most this many items."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="SEED", help="Repeatable option order."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line, also on a terminal."),
) -> None:
    """The bank items due again (missed ones the next day), weakest task statements first."""
    from mlsflash import clock
    from mlsflash.cli import bank_ui

    clock.time_scale()
    session = bank_ui.drill_session(ctx, count=count, seed=seed)
    _run(session, bank_ui.practice_scripted, bank_ui.practice_terminal, as_json=as_json)


@command("history", group=exam_app)
def history_command(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every mock exam taken: score, pass or fail, and the share right per domain."""
    import json

    from mlsflash.cli import exam_screens, render
    from mlsflash.storage.db import Access
    from mlsflash.study import exam

    with store_of(ctx, Access.READ).read() as connection:
        history = exam.mock_history(connection)
    if as_json:
        typer.echo(json.dumps(history, indent=2))
        return
    exam_screens.mock_history(render.console(), history)
