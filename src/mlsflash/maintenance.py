"""`mlsflash check`: SQLite's own integrity check plus the invariants mlsflash relies on."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlsflash.bank import ItemType
from mlsflash.model import TOPIC_FUNCTION, Direction
from mlsflash.states import ReviewKind, Status, answer_sums
from mlsflash.storage.bank import AnswerMode, ItemStatus

if TYPE_CHECKING:
    from mlsflash.storage import Store
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
BUNDLED_PREFIX = "<bundled>/"


@dataclass
class CheckReport:
    cards: int = 0
    reviews: int = 0
    problems: list[str] = field(default_factory=list)  # the database is damaged or inconsistent
    notices: list[str] = field(default_factory=list)  # worth knowing, nothing broken


def check(store: Store) -> CheckReport:
    report = CheckReport()
    with store.read() as connection:
        def scalar(sql: str) -> int:
            return connection.execute(sql).scalar_one()

        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            report.problems.extend(f"SQLite integrity: {line}" for line in integrity)
        foreign = connection.execute("PRAGMA foreign_key_check").all()
        if foreign:
            report.problems.append(f"{len(foreign)} rows break a foreign key")
        for description, sql in INVARIANTS:
            count = scalar(sql)
            if count:
                report.problems.append(f"{count} {description}")
        missing = _missing_sources(connection)
        if missing:
            count = sum(missing.values())
            shown = ", ".join(sorted(missing)[:3]) + (", ..." if len(missing) > 3 else "")
            report.notices.append(
                f"{count} live cards whose notes file no longer exists ({shown}); "
                "import its folder again to retire them (or match them to where they moved), or restore the file"
            )
        report.cards = scalar("SELECT count(*) FROM cards")
        report.reviews = scalar("SELECT count(*) FROM reviews")
    return report


def _missing_sources(connection: Connection) -> dict[str, int]:
    """Live cards per source file that is gone from disk (bundled decks live in the package)."""
    rows = connection.execute(
        "SELECT source_file, count(*) FROM cards WHERE status != 'retired' GROUP BY source_file"
    ).all()
    return {
        source: count for source, count in rows
        if not source.startswith(BUNDLED_PREFIX) and not os.path.exists(source)
    }
