"""The SQL of `mlsflash stats`: each figure one aggregate over indexed columns, computed by
SQLite (nothing loops over reviews in Python). The month's figures and the calendar add up
`review_days`, the answers of each study day per deck and topic that triggers keep
(schema.py), not the log itself. Every function takes an open `Connection` of
`Store.read()` and, where the figures depend on the day and deck, a `Scope`:
- `last_card_rowid(connection) -> int`: how large the collection is, without counting it;
- `has_exam_practice(connection) -> bool`: any exam confusion or mock exam stored;
- `retired_count(connection, scope) -> int`, `due_counts(connection, scope) -> DueCounts`;
- `forecast(connection, scope) -> dict[date, int]`: seen cards due per day up to the
  forecast's end, overdue ones on today;
- `day_sums(connection, scope) -> DaySums`: answers, time and passes of today, the week and
  the month;
- `streaks(connection, scope) -> list[Run]`: every run of consecutive study days;
- `calendar(connection, scope) -> list[StudyDay]`: answers per study day since its start;
- `topic_groups(connection, scope) -> list[TopicGroup]`: card counts per (deck, topic);
- `retention_groups(connection, scope) -> dict[(deck_id, topic), Passes]`: the month's;
- `recall_groups(connection, scope) -> dict[(deck, topic), RecallSum]`: today's recall;
- `hardest_by_easiness`, `hardest_by_recall(connection, scope, limit) -> list[HardCard]`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from mlsflash.storage import predicates
from mlsflash.storage.rows import all_made

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    """What the figures cover: one deck (None: the collection), today, and the first or last
    day of each span; `decay` is the FSRS-6 forgetting curve's, for predicted recall."""

    deck_id: int | None
    today: date
    tomorrow: date
    week_start: date
    month_start: date
    forecast_end: date
    calendar_start: date
    decay: float

    @cached_property
    def params(self) -> dict[str, Any]:
        """The named parameters of every query, made once: a dozen queries share them."""
        return {
            "deck_id": self.deck_id,
            "today": self.today.isoformat(),
            "tomorrow": self.tomorrow.isoformat(),
            "week_start": self.week_start.isoformat(),
            "month_start": self.month_start.isoformat(),
            "forecast_end": self.forecast_end.isoformat(),
            "calendar_start": self.calendar_start.isoformat(),
            "decay": self.decay,
            "factor": 0.9 ** (-1 / self.decay) - 1,
        }

    def cards(self) -> str:
        """The deck's predicate on `cards c`, when the scope is one deck."""
        return " AND c.deck_id = :deck_id" if self.deck_id is not None else ""

    def reviews(self) -> str:
        """The deck's predicate on `reviews r` or `review_days r`."""
        return " AND r.deck_id = :deck_id" if self.deck_id is not None else ""


class DueCounts(NamedTuple):
    today: int  # due by today, overdue ones included
    overdue: int
    tomorrow: int


class DaySums(NamedTuple):
    """Sums of the daily answers: all of them with their time (re-drills included), and the
    scheduled ones with how many were graded 3 or more (of mature cards apart)."""

    answers_today: int
    answers_week: int
    answers_month: int
    duration_ms_today: int
    duration_ms_week: int
    duration_ms_month: int
    scheduled_week: int
    passed_week: int
    scheduled_month: int
    passed_month: int
    mature_week: int
    mature_passed_week: int
    mature_month: int
    mature_passed_month: int


class Run(NamedTuple):
    """Consecutive study days with a review."""

    last_day: date
    length: int


class StudyDay(NamedTuple):
    day: date
    answers: int


class TopicGroup(NamedTuple):
    """Card counts of one (deck, topic); a suspended card counts only as suspended."""

    deck_id: int
    topic: str
    total: int
    new: int
    seen: int
    learning: int
    young: int
    mature: int
    suspended: int
    due: int
    easiness_sum: int  # of the seen cards, EF in hundredths
    first_row: int  # the topic's first card: note order
    deck: str


class Passes(NamedTuple):
    scheduled: int
    passed: int


class RecallSum(NamedTuple):
    total: float
    cards: int


class HardCard(NamedTuple):
    id: str
    front: str
    context: list[str]
    easiness: int  # EF in hundredths
    lapses: int
    leech: bool
    source_file: str
    source_line: int
    recall: float | None  # predicted today; None without a memory state


def last_card_rowid(connection: Connection) -> int:
    return connection.execute("SELECT coalesce(max(rowid), 0) FROM cards").scalar()


def has_exam_practice(connection: Connection) -> bool:
    return bool(connection.execute(
        "SELECT EXISTS (SELECT 1 FROM exam_confusions) OR EXISTS (SELECT 1 FROM mock_exams)"
    ).scalar())


def retired_count(connection: Connection, scope: Scope) -> int:
    sql = f"SELECT count(*) FROM cards c WHERE {predicates.RETIRED} {scope.cards()}"
    return connection.execute(sql, scope.params).one()[0]


def due_counts(connection: Connection, scope: Scope) -> DueCounts:
    row = connection.execute(
        f"""
        SELECT
          count(*) FILTER (WHERE {predicates.DUE}),
          count(*) FILTER (WHERE due < :today),
          count(*) FILTER (WHERE due = :tomorrow)
        FROM cards c WHERE {predicates.SEEN} AND due <= :tomorrow {scope.cards()}
        """,
        scope.params,
    ).one()
    return DueCounts(row[0] or 0, row[1] or 0, row[2] or 0)


def forecast(connection: Connection, scope: Scope) -> dict[date, int]:
    rows = connection.execute(
        f"""
        SELECT max(due, :today) AS day, count(*)
        FROM cards c WHERE {predicates.SEEN} AND due <= :forecast_end {scope.cards()}
        GROUP BY day
        """,
        scope.params,
    )
    return dict(all_made(rows, lambda _, values: (date.fromisoformat(values[0]), values[1])))


def day_sums(connection: Connection, scope: Scope) -> DaySums:
    week = "FILTER (WHERE study_day >= :week_start)"
    sums = connection.execute(
        f"""
        SELECT
          total(answers) FILTER (WHERE study_day = :today), total(answers) {week}, total(answers),
          total(duration_ms) FILTER (WHERE study_day = :today), total(duration_ms) {week}, total(duration_ms),
          total(scheduled) {week}, total(passed) {week}, total(scheduled), total(passed),
          total(mature) {week}, total(mature_passed) {week}, total(mature), total(mature_passed)
        FROM review_days r WHERE study_day >= :month_start AND study_day <= :today {scope.reviews()}
        """,
        scope.params,
    ).one()
    return DaySums._make(int(value) for value in sums)  # total() is 0.0, not NULL, over no rows


def streaks(connection: Connection, scope: Scope) -> list[Run]:
    """Runs of consecutive study days up to today: days minus their rank is constant in a run."""
    rows = connection.execute(
        f"""
        WITH days AS (SELECT DISTINCT study_day AS day FROM reviews r WHERE study_day <= :today {scope.reviews()}),
        runs AS (
          SELECT day, julianday(day) - row_number() OVER (ORDER BY day) AS run FROM days
        )
        SELECT max(day) AS last_day, count(*) AS length FROM runs GROUP BY run
        """,
        scope.params,
    )
    return all_made(rows, lambda _, values: Run(date.fromisoformat(values[0]), values[1]))


def calendar(connection: Connection, scope: Scope) -> list[StudyDay]:
    rows = connection.execute(
        f"""
        SELECT study_day, sum(answers) FROM review_days r
        WHERE study_day >= :calendar_start AND study_day <= :today {scope.reviews()}
        GROUP BY study_day ORDER BY study_day
        """,
        scope.params,
    )
    return all_made(rows, lambda _, values: StudyDay(date.fromisoformat(values[0]), values[1]))


def topic_groups(connection: Connection, scope: Scope) -> list[TopicGroup]:
    """Figures per (deck, topic), from the covering index ix_cards_topic_stats, in deck and
    topic order; decks and the collection are sums of these few rows."""
    rows = connection.execute(
        f"""
        SELECT g.*, d.name AS deck FROM (
        SELECT c.deck_id, c.topic,
          count(*) AS total,
          count(*) FILTER (WHERE {predicates.NEW}) AS new,
          count(*) FILTER (WHERE {predicates.SEEN}) AS seen,
          count(*) FILTER (WHERE {predicates.LEARNING}) AS learning,
          count(*) FILTER (WHERE {predicates.YOUNG}) AS young,
          count(*) FILTER (WHERE {predicates.MATURE}) AS mature,
          count(*) FILTER (WHERE {predicates.SUSPENDED}) AS suspended,
          count(*) FILTER (WHERE {predicates.DUE}) AS due,
          coalesce(sum(c.easiness) FILTER (WHERE {predicates.SEEN}), 0) AS easiness_sum,
          min(c.rowid) AS first_row
        FROM cards c INDEXED BY ix_cards_topic_stats
        WHERE {predicates.NOT_RETIRED} {scope.cards()}
        GROUP BY c.deck_id, c.topic
        ) g JOIN decks d ON d.id = g.deck_id  -- the deck's name once per group, not per card
        ORDER BY g.deck_id, g.topic
        """,
        scope.params,
    )
    return all_made(rows, lambda _, values: TopicGroup._make(values))


def retention_groups(connection: Connection, scope: Scope) -> dict[tuple[int, str], Passes]:
    """Scheduled answers since the month's start and how many passed, per (deck id, topic)."""
    rows = connection.execute(
        f"""
        SELECT r.deck_id, r.topic, sum(r.scheduled), sum(r.passed) FROM review_days r
        WHERE r.study_day >= :month_start AND r.study_day <= :today {scope.reviews()}
        GROUP BY r.deck_id, r.topic
        """,
        scope.params,
    )
    return dict(all_made(rows, lambda _, values: ((values[0], values[1]), Passes(values[2], values[3]))))


# Probability of recall today of a scheduled card (FSRS-6 forgetting curve; the last answer
# was on due - interval). :factor is 0.9 ** (-1 / decay) - 1.
_RECALL = (
    "pow(1 + :factor * max(0, julianday(:today) - julianday(c.due) + c.interval) / c.stability, -:decay)"
)


def recall_groups(connection: Connection, scope: Scope) -> dict[tuple[str, str], RecallSum]:
    """Sum and count of today's predicted recall per (deck name, topic), over scheduled live cards."""
    rows = connection.execute(
        f"""
        SELECT d.name, g.topic, g.recall, g.cards FROM (
          SELECT c.deck_id, c.topic, sum({_RECALL}) AS recall, count(*) AS cards
          FROM cards c INDEXED BY ix_cards_memory
          WHERE c.{predicates.NOT_RETIRED} AND c.due IS NOT NULL AND c.stability IS NOT NULL {scope.cards()}
          GROUP BY c.deck_id, c.topic
        ) g JOIN decks d ON d.id = g.deck_id
        """,
        scope.params,
    )
    return dict(all_made(rows, lambda _, values: ((values[0], values[1]), RecallSum(values[2], values[3]))))


# What a hardest-cards entry shows, whichever way the cards are ranked.
_HARDEST_COLUMNS = (
    "c.id, c.front_plain, c.context, c.easiness, c.lapses, c.leech, c.source_file, c.source_line, "
    f"{_RECALL} AS recall"
)


def hardest_by_easiness(connection: Connection, scope: Scope, limit: int) -> list[HardCard]:
    """Seen live cards with a lowered EF or a lapse: lowest EF first, then most lapses."""
    rows = connection.execute(
        f"""
        SELECT {_HARDEST_COLUMNS}
        FROM cards c
        WHERE {predicates.NOT_RETIRED} AND c.due IS NOT NULL AND (c.easiness < 250 OR c.lapses > 0) {scope.cards()}
        ORDER BY c.easiness, c.lapses DESC, c.id LIMIT {int(limit)}
        """,
        scope.params,
    )
    return all_made(rows, _hard_card)


def hardest_by_recall(connection: Connection, scope: Scope, limit: int) -> list[HardCard]:
    """The cards least likely to be recalled today, ranked on the memory index, then read by rowid."""
    rows = connection.execute(
        f"""
        SELECT {_HARDEST_COLUMNS}
        FROM cards c WHERE c.rowid IN (
          SELECT c.rowid FROM cards c INDEXED BY ix_cards_memory
          WHERE c.{predicates.NOT_RETIRED} AND c.due IS NOT NULL AND c.stability IS NOT NULL {scope.cards()}
          ORDER BY {_RECALL}, c.id LIMIT {int(limit)}
        )
        ORDER BY recall, c.id
        """,
        scope.params,
    )
    return all_made(rows, _hard_card)


def _hard_card(_: Any, values: tuple[Any, ...]) -> HardCard:
    card_id, front, context, easiness, lapses, leech, source_file, source_line, recall = values
    return HardCard(card_id, front, json.loads(context), easiness, lapses, bool(leech), source_file, source_line,
                    recall)
