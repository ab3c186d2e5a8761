"""The figures of `mlsflash stats`, each one SQL aggregate over indexed columns.

Nothing here loops over reviews in Python: counts, sums, retention, the forecast, the
calendar and the streaks (gaps-and-islands with a window function) are computed by SQLite.
The month's figures and the calendar add up `review_days`, the answers of each study day
per deck and topic that triggers keep (storage/schema.py), not the log itself.
"""

from __future__ import annotations

import enum
import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from mlsflash import states

if TYPE_CHECKING:
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection

FORECAST_DAYS = 30
CALENDAR_WEEKS = 26
HARDEST_LIMIT = 10
WEAKEST_TOPICS = 10
DEFAULT_DECAY = 0.1542  # memory.DEFAULT_DECAY, repeated so stats imports nothing of the engine
# Probability of recall today of a scheduled card (FSRS-6 forgetting curve; the last answer
# was on due - interval). :factor is 0.9 ** (-1 / decay) - 1.
_RECALL = (
    "pow(1 + :factor * max(0, julianday(:today) - julianday(c.due) + c.interval) / c.stability, -:decay)"
)


class HardestBy(str, enum.Enum):
    EASINESS = "easiness"  # lowest EF first, then most lapses
    RECALL = "recall"  # lowest predicted recall today first


class _Filter(NamedTuple):
    deck_id: int | None

    def cards(self, alias: str = "c") -> str:
        return f" AND {alias}.deck_id = :deck_id" if self.deck_id is not None else ""

    def reviews(self) -> str:
        return " AND r.deck_id = :deck_id" if self.deck_id is not None else ""


def collect(
    store: Store, today: date, deck: str | None = None, *, decay: float = DEFAULT_DECAY,
    hardest_by: HardestBy = HardestBy.EASINESS,
) -> dict[str, Any]:
    """Every figure of `stats --json`, for the whole collection or one deck.

    In a large collection the two scans of every card that are not the per-topic counts (the
    predicted recall and the forecast) run meanwhile on their own connection: SQLite releases
    the GIL while it works, so on two cores they cost little more than the counts alone. In a
    small one, starting a thread and a connection costs more than it saves.
    """
    with store.read() as connection:
        deck_id = None
        if deck is not None:
            from mlsflash.catalog import require_deck

            deck_id = require_deck(connection, deck)
        cards = connection.execute("SELECT coalesce(max(rowid), 0) FROM cards").scalar()
    where, params = _Filter(deck_id), {**_params(today, deck_id), "decay": decay, "factor": 0.9 ** (-1 / decay) - 1}

    def run(query: Any, *extra: Any) -> Any:
        with store.read() as connection:
            return query(connection, where, params, *extra)

    pool: Any = _InPlace()
    if cards >= PARALLEL_CARDS:
        from concurrent.futures import ThreadPoolExecutor  # and logging: ~6 ms, for large collections only

        pool = ThreadPoolExecutor(max_workers=1)
    with pool:
        recall = pool.submit(run, _recall_groups)
        forecast = pool.submit(run, _forecast, today)
        with store.read() as connection:
            groups = _groups(connection, where, params)
            figures: dict[str, Any] = {
                "today": today.isoformat(),
                "deck": deck,
                "cards": _card_counts(groups, _retired(connection, where, params)),
                "due": _due(connection, where, params),
                "streak": _streak(connection, where, params, today),
                "calendar": _calendar(connection, where, params),
                "hardest": (_hardest_by_recall if hardest_by is HardestBy.RECALL else _hardest)(
                    connection, where, params
                ),
            }
            figures["reviews"], figures["retention"] = _reviews_and_retention(connection, where, params)
            retention = _retention_groups(connection, where, params)
            figures["confusions"], figures["mock_exams"] = _exam_figures(connection)
            figures["exam"] = _exam_summary(connection, today)
        figures["forecast"] = forecast.result()
        figures["decks"] = _per_deck(groups, retention)
        figures["topics"] = _per_topic(groups, retention)
        _add_mean_recall(figures["decks"], figures["topics"], recall.result())
    order = ("today", "deck", "cards", "due", "forecast", "reviews", "retention", "streak", "calendar",
             "decks", "topics", "hardest", "confusions", "mock_exams", "exam")
    return {key: figures[key] for key in order}


CONFUSIONS_SHOWN = 10
PARALLEL_CARDS = 30_000  # from this many cards on, `collect` runs two of its scans in a thread


class _Done:
    """A call already made, as a finished future: `result()` gives its value."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


class _InPlace:
    """What `collect` needs of a ThreadPoolExecutor, running each call at once in this thread
    (an error is raised by `submit` itself, out of `collect` all the same)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> _Done:
        return _Done(fn(*args))

    def __enter__(self) -> _InPlace:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def _exam_figures(connection: Connection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The pairs of cards most often mixed up in exam practice, and every mock exam's result."""
    practised = connection.execute(
        "SELECT EXISTS (SELECT 1 FROM exam_confusions) OR EXISTS (SELECT 1 FROM mock_exams)"
    ).scalar()
    if not practised:  # the exam module (and its question bank) loads only when there is something
        return [], []
    from mlsflash import exam

    pairs = [
        {"card": pair.card_id, "front": pair.front, "other": pair.other_id, "other_front": pair.other_front,
         "times": pair.times}
        for pair in exam.confusions(connection, limit=CONFUSIONS_SHOWN)
    ]
    return pairs, exam.mock_history(connection)


def _exam_summary(connection: Connection, today: date) -> dict[str, Any] | None:
    """`exam status` in brief, when an exam date is set (the date's modules load only then)."""
    from mlsflash.settings import EXAM_DATE_KEY, get

    if get(connection, EXAM_DATE_KEY) is None:
        return None
    from mlsflash import exam_date, settings

    status = exam_date.status(connection, today, settings.load(connection))
    keys = ("exam", "date", "days_left", "passed", "readiness", "unseen", "new_per_day_needed", "on_track")
    return {key: status[key] for key in keys}


def _params(today: date, deck_id: int | None) -> dict[str, Any]:
    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    return {
        "deck_id": deck_id,
        "today": day(0),
        "tomorrow": day(1),
        "week_start": day(-6),
        "month_start": day(-29),
        "forecast_end": day(FORECAST_DAYS - 1),
        "calendar_start": day(-(CALENDAR_WEEKS * 7 - 1)),
    }


def _one(connection: Connection, sql: str, params: dict[str, Any]) -> Any:
    return connection.execute(sql, params).one()


def _all(connection: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    return connection.execute(sql, params).all()


def _card_counts(groups: list[Any], retired: int) -> dict[str, int]:
    keys = ("total", "new", "learning", "young", "mature", "suspended")
    counts = {key: sum(getattr(group, key) for group in groups) for key in keys}
    return {**counts, "retired": retired}


def _retired(connection: Connection, where: _Filter, params: dict[str, Any]) -> int:
    sql = f"SELECT count(*) FROM cards c WHERE {states.RETIRED} {where.cards()}"
    return _one(connection, sql, params)[0]


def _due(connection: Connection, where: _Filter, params: dict[str, Any]) -> dict[str, int]:
    row = _one(
        connection,
        f"""
        SELECT
          count(*) FILTER (WHERE {states.DUE}),
          count(*) FILTER (WHERE due < :today),
          count(*) FILTER (WHERE due = :tomorrow)
        FROM cards c WHERE {states.SEEN} AND due <= :tomorrow {where.cards()}
        """,
        params,
    )
    return {"today": row[0] or 0, "overdue": row[1] or 0, "tomorrow": row[2] or 0}


def _forecast(connection: Connection, where: _Filter, params: dict[str, Any], today: date) -> list[dict[str, Any]]:
    rows = _all(
        connection,
        f"""
        SELECT max(due, :today) AS day, count(*)
        FROM cards c WHERE {states.SEEN} AND due <= :forecast_end {where.cards()}
        GROUP BY day
        """,
        params,
    )
    by_day = {day: count for day, count in rows}
    days = [(today + timedelta(days=offset)).isoformat() for offset in range(FORECAST_DAYS)]
    return [{"date": day, "due": by_day.get(day, 0)} for day in days]


def _reviews_and_retention(
    connection: Connection, where: _Filter, params: dict[str, Any]
) -> tuple[dict[str, int], dict[str, float | None]]:
    """Answers and time spent (re-drills included), and retention: the share of scheduled
    answers graded 3 or more (re-drills excluded, null without answers), from the month's
    daily sums."""
    week = "FILTER (WHERE study_day >= :week_start)"
    sums = _one(
        connection,
        f"""
        SELECT
          total(answers) FILTER (WHERE study_day = :today), total(answers) {week}, total(answers),
          total(duration_ms) FILTER (WHERE study_day = :today), total(duration_ms) {week}, total(duration_ms),
          total(scheduled) {week}, total(passed) {week}, total(scheduled), total(passed),
          total(mature) {week}, total(mature_passed) {week}, total(mature), total(mature_passed)
        FROM review_days r WHERE study_day >= :month_start AND study_day <= :today {where.reviews()}
        """,
        params,
    )
    row = [int(value) for value in sums]  # total() is 0.0, not NULL, over no rows
    reviews = {
        "today": row[0],
        "last_7_days": row[1],
        "last_30_days": row[2],
        "seconds_today": round(row[3] / 1000),
        "seconds_last_7_days": round(row[4] / 1000),
        "seconds_last_30_days": round(row[5] / 1000),
    }
    retention = {
        "last_7_days": _share(row[7], row[6]),
        "last_30_days": _share(row[9], row[8]),
        "mature_last_7_days": _share(row[11], row[10]),
        "mature_last_30_days": _share(row[13], row[12]),
    }
    return reviews, retention


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _streak(connection: Connection, where: _Filter, params: dict[str, Any], today: date) -> dict[str, int]:
    """Runs of consecutive study days with a review: days minus their rank is constant in a run."""
    rows = _all(
        connection,
        f"""
        WITH days AS (SELECT DISTINCT study_day AS day FROM reviews r WHERE study_day <= :today {where.reviews()}),
        runs AS (
          SELECT day, julianday(day) - row_number() OVER (ORDER BY day) AS run FROM days
        )
        SELECT max(day) AS last_day, count(*) AS length FROM runs GROUP BY run
        """,
        params,
    )
    longest = max((length for _, length in rows), default=0)
    yesterday = (today - timedelta(days=1)).isoformat()
    current = next((length for last, length in rows if last in (today.isoformat(), yesterday)), 0)
    return {"current": current, "longest": longest}


def _calendar(connection: Connection, where: _Filter, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _all(
        connection,
        f"""
        SELECT study_day, sum(answers) FROM review_days r
        WHERE study_day >= :calendar_start AND study_day <= :today {where.reviews()}
        GROUP BY study_day ORDER BY study_day
        """,
        params,
    )
    return [{"date": day, "reviews": count} for day, count in rows]


def _groups(connection: Connection, where: _Filter, params: dict[str, Any]) -> list[Any]:
    """Figures per (deck, topic), from the covering index ix_cards_topic_stats; decks and the
    collection are sums of these few rows. Each stage is a predicate of `states`, so a
    suspended card counts only as suspended."""
    return _all(
        connection,
        f"""
        SELECT g.*, d.name AS deck FROM (
        SELECT c.deck_id, c.topic,
          count(*) AS total,
          count(*) FILTER (WHERE {states.NEW}) AS new,
          count(*) FILTER (WHERE {states.SEEN}) AS seen,
          count(*) FILTER (WHERE {states.LEARNING}) AS learning,
          count(*) FILTER (WHERE {states.YOUNG}) AS young,
          count(*) FILTER (WHERE {states.MATURE}) AS mature,
          count(*) FILTER (WHERE {states.SUSPENDED}) AS suspended,
          count(*) FILTER (WHERE {states.DUE}) AS due,
          coalesce(sum(c.easiness) FILTER (WHERE {states.SEEN}), 0) AS easiness_sum,
          min(c.rowid) AS first_row
        FROM cards c INDEXED BY ix_cards_topic_stats
        WHERE {states.NOT_RETIRED} {where.cards()}
        GROUP BY c.deck_id, c.topic
        ) g JOIN decks d ON d.id = g.deck_id  -- the deck's name once per group, not per card
        ORDER BY g.deck_id, g.topic
        """,
        params,
    )


def _retention_groups(
    connection: Connection, where: _Filter, params: dict[str, Any]
) -> dict[tuple[int, str], tuple[int, int]]:
    """Scheduled answers of the last 30 days and how many passed, per (deck, topic)."""
    rows = _all(
        connection,
        f"""
        SELECT r.deck_id, r.topic, sum(r.scheduled), sum(r.passed) FROM review_days r
        WHERE r.study_day >= :month_start AND r.study_day <= :today {where.reviews()}
        GROUP BY r.deck_id, r.topic
        """,
        params,
    )
    return {(deck_id, topic): (answers, passed) for deck_id, topic, answers, passed in rows}


def _mean_easiness(easiness_sum: int, seen: int) -> float | None:
    return round(easiness_sum / seen / 100, 2) if seen else None


def _per_topic(groups: list[Any], retention: dict[tuple[int, str], tuple[int, int]]) -> list[dict[str, Any]]:
    topics = []
    for group in sorted(groups, key=lambda group: (group.deck, group.first_row)):  # topics in note order
        answers, passed = retention.get((group.deck_id, group.topic), (0, 0))
        topics.append({
            "deck": group.deck, "topic": group.topic, "total": group.total, "seen": group.seen,
            "mature": group.mature, "due": group.due, "retention_30d": _share(passed, answers),
            "mean_easiness": _mean_easiness(group.easiness_sum, group.seen),
        })
    return topics


def _per_deck(groups: list[Any], retention: dict[tuple[int, str], tuple[int, int]]) -> list[dict[str, Any]]:
    decks: dict[int, dict[str, Any]] = {}
    for group in sorted(groups, key=lambda group: group.deck):
        deck = decks.setdefault(group.deck_id, {"deck": group.deck, "total": 0, "new": 0, "seen": 0, "due": 0,
                                                  "mature": 0, "answers": 0, "passed": 0, "easiness_sum": 0})
        for key in ("total", "new", "seen", "due", "mature", "easiness_sum"):
            deck[key] += getattr(group, key)
        answers, passed = retention.get((group.deck_id, group.topic), (0, 0))
        deck["answers"] += answers
        deck["passed"] += passed
    return [
        {
            "deck": deck["deck"], "total": deck["total"], "new": deck["new"], "seen": deck["seen"],
            "due": deck["due"], "mature": deck["mature"], "retention_30d": _share(deck["passed"], deck["answers"]),
            "mean_easiness": _mean_easiness(deck["easiness_sum"], deck["seen"]),
        }
        for deck in decks.values()
    ]


# What a hardest-cards entry shows, whichever way the cards are ranked.
_HARDEST_COLUMNS = (
    "c.id, c.front_plain, c.context, c.easiness, c.lapses, c.leech, c.source_file, c.source_line, "
    f"{_RECALL} AS recall"
)


def _hardest(connection: Connection, where: _Filter, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _all(
        connection,
        f"""
        SELECT {_HARDEST_COLUMNS}
        FROM cards c
        WHERE {states.NOT_RETIRED} AND c.due IS NOT NULL AND (c.easiness < 250 OR c.lapses > 0) {where.cards()}
        ORDER BY c.easiness, c.lapses DESC, c.id LIMIT {HARDEST_LIMIT}
        """,
        params,
    )
    return _hardest_entries(rows)


def _hardest_entries(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": row.id,
            "front": row.front_plain,
            "context": json.loads(row.context),
            "easiness": row.easiness / 100,
            "lapses": row.lapses,
            "leech": bool(row.leech),
            "source": {"file": row.source_file, "line": row.source_line},
            "recall": None if row.recall is None else round(row.recall, 4),
        }
        for row in rows
    ]


def _hardest_by_recall(connection: Connection, where: _Filter, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The cards least likely to be recalled today, ranked on the memory index, then read by rowid."""
    rows = _all(
        connection,
        f"""
        SELECT {_HARDEST_COLUMNS}
        FROM cards c WHERE c.rowid IN (
          SELECT c.rowid FROM cards c INDEXED BY ix_cards_memory
          WHERE c.{states.NOT_RETIRED} AND c.due IS NOT NULL AND c.stability IS NOT NULL {where.cards()}
          ORDER BY {_RECALL}, c.id LIMIT {HARDEST_LIMIT}
        )
        ORDER BY recall, c.id
        """,
        params,
    )
    return _hardest_entries(rows)


def _recall_groups(
    connection: Connection, where: _Filter, params: dict[str, Any]
) -> dict[tuple[str, str], tuple[float, int]]:
    """Sum and count of today's predicted recall per (deck, topic), over scheduled live cards."""
    rows = _all(
        connection,
        f"""
        SELECT d.name, g.topic, g.recall, g.cards FROM (
          SELECT c.deck_id, c.topic, sum({_RECALL}) AS recall, count(*) AS cards
          FROM cards c INDEXED BY ix_cards_memory
          WHERE c.{states.NOT_RETIRED} AND c.due IS NOT NULL AND c.stability IS NOT NULL {where.cards()}
          GROUP BY c.deck_id, c.topic
        ) g JOIN decks d ON d.id = g.deck_id
        """,
        params,
    )
    return {(deck, topic): (total, count) for deck, topic, total, count in rows}


def _add_mean_recall(
    decks: list[dict[str, Any]], topics: list[dict[str, Any]], recall: dict[tuple[str, str], tuple[float, int]]
) -> None:
    """`mean_recall` of each deck and topic: null when none of its cards is scheduled."""
    for topic in topics:
        total, count = recall.get((topic["deck"], topic["topic"]), (0.0, 0))
        topic["mean_recall"] = round(total / count, 4) if count else None
    for deck in decks:
        parts = [value for (name, _), value in recall.items() if name == deck["deck"]]
        total, count = sum(part[0] for part in parts), sum(part[1] for part in parts)
        deck["mean_recall"] = round(total / count, 4) if count else None


def weakest_topics(topics: list[dict[str, Any]], limit: int | None = WEAKEST_TOPICS) -> list[dict[str, Any]]:
    """Topics with seen cards, weakest first: lowest 30-day retention (topics without answers in
    30 days after every topic with some), then lowest mean EF, then note order."""
    seen = [topic for topic in topics if topic["seen"]]
    ranked = sorted(seen, key=lambda topic: (
        topic["retention_30d"] is None, topic["retention_30d"] or 0.0, topic["mean_easiness"],
    ))
    return ranked[:limit] if limit is not None else ranked


def every_topic(topics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All topics: the seen ones weakest first, then the unseen ones in note order."""
    return weakest_topics(topics, limit=None) + [topic for topic in topics if not topic["seen"]]
