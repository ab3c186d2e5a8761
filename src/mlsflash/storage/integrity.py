"""What `mlsflash check` reads: SQLite's own integrity check plus the invariants mlsflash
relies on, each as a count of the rows that break it. API (an open `Connection` of `Store.read()`):
- `inspect(connection) -> Findings`: everything at once, in one snapshot (`Store.check()`).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NamedTuple

from mlsflash.model import Direction
from mlsflash.states import ReviewKind, Status
from mlsflash.storage.bank import AnswerMode, ItemStatus
from mlsflash.storage.functions import TOPIC_FUNCTION
from mlsflash.storage.predicates import NOT_RETIRED, answer_sums
from mlsflash.study.bank import ItemType

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


def _quoted(values: type[enum.Enum]) -> str:
    return ", ".join(f"'{value.value}'" for value in values)


# What the triggers of `reviews` keep in review_days, recomputed from the log.
_DAYS_FROM_LOG = (
    f"SELECT study_day, deck_id, topic, {', '.join(f'sum({sql})' for sql in answer_sums('reviews').values())} "
    "FROM reviews NOT INDEXED GROUP BY study_day, deck_id, topic"  # table order: no random page reads
)
# (description, SQL counting the rows that break it)
INVARIANTS: tuple[tuple[str, str], ...] = (
    (
        "reviews that point at no card",
        "SELECT count(*) FROM reviews r LEFT JOIN cards c ON c.id = r.card_id WHERE c.id IS NULL",
    ),
    (
        "cards that belong to no deck",
        "SELECT count(*) FROM cards c LEFT JOIN decks d ON d.id = c.deck_id WHERE d.id IS NULL",
    ),
    ("cards with easiness below 1.30", "SELECT count(*) FROM cards WHERE easiness < 130"),
    (
        "cards with a negative repetition count, interval or lapse count",
        "SELECT count(*) FROM cards WHERE repetitions < 0 OR interval < 0 OR lapses < 0",
    ),
    (
        "new cards (no due date) that carry a schedule",
        "SELECT count(*) FROM cards WHERE due IS NULL AND (repetitions != 0 OR interval != 0)",
    ),
    (
        "scheduled cards with an interval below one day",
        "SELECT count(*) FROM cards WHERE due IS NOT NULL AND interval < 1",
    ),
    (
        "cards with an unknown status or direction",
        f"SELECT count(*) FROM cards WHERE status NOT IN ({_quoted(Status)}) "
        f"OR direction NOT IN ({_quoted(Direction)})",
    ),
    (
        "reviews with a grade outside 0-5 or an unknown kind",
        f"SELECT count(*) FROM reviews WHERE grade NOT BETWEEN 0 AND 5 OR kind NOT IN ({_quoted(ReviewKind)})",
    ),
    (
        "cards whose topic is not the first two entries of their context",
        f"SELECT count(*) FROM cards WHERE topic != {TOPIC_FUNCTION}(context)",
    ),
    (
        "reviews whose deck or topic is not their card's",
        "SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card_id "
        "WHERE r.deck_id != c.deck_id OR r.topic != c.topic",
    ),
    (
        "study days whose summed answers (review_days) differ from the log",
        f"WITH log AS ({_DAYS_FROM_LOG}) SELECT count(*) FROM (SELECT study_day, deck_id, topic FROM "
        "(SELECT * FROM review_days EXCEPT SELECT * FROM log) UNION "
        "SELECT study_day, deck_id, topic FROM (SELECT * FROM log EXCEPT SELECT * FROM review_days))",
    ),
    (
        "live cards sharing one identity key in one deck",
        "SELECT count(*) FROM (SELECT 1 FROM cards WHERE status != 'retired' GROUP BY deck_id, identity "
        "HAVING count(*) > 1)",
    ),
    (
        "live cards that repeat another's deck, context and front",
        "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM cards WHERE status != 'retired' "
        "GROUP BY deck_id, context, front HAVING count(*) > 1)",
    ),
    (
        "question bank answers that point at no item",
        "SELECT count(*) FROM bank_answers a LEFT JOIN bank_items i ON i.id = a.item_id WHERE i.id IS NULL",
    ),
    (
        "question bank items with an unknown status or type",
        f"SELECT count(*) FROM bank_items WHERE status NOT IN ({_quoted(ItemStatus)}) "
        f"OR type NOT IN ({_quoted(ItemType)})",
    ),
    (
        "question bank items with a schedule out of range (easiness below 1.30, a negative count or interval, "
        "a due date without an interval)",
        "SELECT count(*) FROM bank_items WHERE easiness < 130 OR repetitions < 0 OR interval < 0 OR lapses < 0 "
        "OR (due IS NULL AND (repetitions != 0 OR interval != 0)) OR (due IS NOT NULL AND interval < 1)",
    ),
    (
        "question bank answers with an unknown mode",
        f"SELECT count(*) FROM bank_answers WHERE mode NOT IN ({_quoted(AnswerMode)})",
    ),
)


class Broken(NamedTuple):
    """One invariant and how many rows break it."""

    description: str
    rows: int


class Findings(NamedTuple):
    integrity: list[str]  # SQLite's own check: ["ok"] when the file is sound
    foreign_key_breaks: int  # rows whose foreign key points at nothing
    broken: list[Broken]  # the invariants some rows break, in INVARIANTS' order
    live_cards_per_source: dict[str, int]  # notes file -> live cards imported from it
    cards: int
    reviews: int


def inspect(connection: Connection) -> Findings:
    """Every check, in the order `mlsflash check` reports them."""
    integrity = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    foreign = len(connection.execute("PRAGMA foreign_key_check").all())
    broken = []
    for description, sql in INVARIANTS:
        count = connection.execute(sql).scalar_one()
        if count:
            broken.append(Broken(description, count))
    return Findings(
        integrity=integrity,
        foreign_key_breaks=foreign,
        broken=broken,
        live_cards_per_source=_live_cards_per_source(connection),
        cards=connection.execute("SELECT count(*) FROM cards").scalar_one(),
        reviews=connection.execute("SELECT count(*) FROM reviews").scalar_one(),
    )


def _live_cards_per_source(connection: Connection) -> dict[str, int]:
    rows = connection.execute(f"SELECT source_file, count(*) FROM cards WHERE {NOT_RETIRED} GROUP BY source_file")
    return {str(source): int(count) for source, count in rows}
