"""`mlsflash stats`: what is due, what sticks, what does not."""

from __future__ import annotations

from typing import Optional

import typer

from mlsflash.cli.core import command, deck_option, store_of


@command("stats")
def stats_command(
    ctx: typer.Context,
    deck: Optional[str] = deck_option(),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON (schema in docs/reviewing.md)."),
    hardest_by: str = typer.Option(
        "easiness", "--hardest-by", metavar="RANK",
        help="Rank the hardest cards by easiness (lowest EF) or recall (lowest predicted recall today).",
    ),
    all_topics: bool = typer.Option(
        False, "--topics", help="List every topic, weakest first [default: the 10 weakest]."
    ),
) -> None:
    """Due today and the next 30 days, retention, streaks, weak topics, hardest cards."""
    import json

    from mlsflash import clock
    from mlsflash.collection import settings
    from mlsflash.errors import MlsflashError
    from mlsflash.scheduling import memory
    from mlsflash.storage.db import Access
    from mlsflash.study import stats

    try:
        rank = stats.HardestBy(hardest_by)
    except ValueError:
        raise MlsflashError(f"unknown ranking {hardest_by!r}", hint="use --hardest-by easiness or recall") from None
    store = store_of(ctx, Access.READ)
    with store.read() as connection:
        current = settings.load(connection)
    figures = stats.collect(
        store, clock.today(current.rollover_hour), deck=deck, decay=memory.decay(current.parameters), hardest_by=rank
    )
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    from mlsflash.cli import render, stats_screen

    topics = stats.every_topic(figures["topics"]) if all_topics else stats.weakest_topics(figures["topics"])
    stats_screen.stats_view(render.console(), figures, topics, every_topic=all_topics)
