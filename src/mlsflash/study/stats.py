"""The figures of `mlsflash stats`, each one SQL aggregate over indexed columns.

Nothing here loops over reviews in Python: counts, sums, retention, the forecast, the
calendar and the streaks (gaps-and-islands with a window function) are computed by SQLite
in storage/stats.py; this module composes them into the figures `stats --json` shows.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Callable

from mlsflash.storage import stats as stored
from mlsflash.storage.stats import Passes, RecallSum, Scope, TopicGroup

if TYPE_CHECKING:
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection

FORECAST_DAYS = 30
CALENDAR_WEEKS = 26
HARDEST_LIMIT = 10
WEAKEST_TOPICS = 10
DEFAULT_DECAY = 0.1542  # memory.DEFAULT_DECAY, repeated so stats imports nothing of the engine


class HardestBy(str, enum.Enum):
    EASINESS = "easiness"  # lowest EF first, then most lapses
    RECALL = "recall"  # lowest predicted recall today first


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
            from mlsflash.collection.catalog import require_deck

            deck_id = require_deck(connection, deck)
        cards = stored.last_card_rowid(connection)
    scope = _scope(today, deck_id, decay)

    def run(query: Callable[[Connection, Scope], Any]) -> Any:
        with store.read() as connection:
            return query(connection, scope)

    pool: Any = _InPlace()
    if cards >= PARALLEL_CARDS:
        from concurrent.futures import ThreadPoolExecutor  # and logging: ~6 ms, for large collections only

        pool = ThreadPoolExecutor(max_workers=1)
    with pool:
        recall = pool.submit(run, stored.recall_groups)
        forecast = pool.submit(run, stored.forecast)
        with store.read() as connection:
            groups = stored.topic_groups(connection, scope)
            figures: dict[str, Any] = {
                "today": today.isoformat(),
                "deck": deck,
                "cards": _card_counts(groups, stored.retired_count(connection, scope)),
                "due": stored.due_counts(connection, scope)._asdict(),
                "streak": _streak(stored.streaks(connection, scope), today),
                "calendar": [{"date": day.isoformat(), "reviews": answers}
                             for day, answers in stored.calendar(connection, scope)],
                "hardest": _hardest(connection, scope, hardest_by),
            }
            figures["reviews"], figures["retention"] = _reviews_and_retention(stored.day_sums(connection, scope))
            retention = stored.retention_groups(connection, scope)
            figures["confusions"], figures["mock_exams"] = _exam_figures(connection)
            figures["exam"] = _exam_summary(connection, today)
        figures["forecast"] = _forecast(forecast.result(), today)
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
    if not stored.has_exam_practice(connection):  # the exam module (and its question bank) loads only then
        return [], []
    from mlsflash.study import exam

    pairs = [
        {"card": pair.card_id, "front": pair.front, "other": pair.other_id, "other_front": pair.other_front,
         "times": pair.times}
        for pair in exam.confusions(connection, limit=CONFUSIONS_SHOWN)
    ]
    return pairs, exam.mock_history(connection)


def _exam_summary(connection: Connection, today: date) -> dict[str, Any] | None:
    """`exam status` in brief, when an exam date is set (the date's modules load only then)."""
    from mlsflash.collection.settings import EXAM_DATE_KEY, get

    if get(connection, EXAM_DATE_KEY) is None:
        return None
    from mlsflash.collection import settings
    from mlsflash.study import exam_date

    status = exam_date.status(connection, today, settings.load(connection))
    keys = ("exam", "date", "days_left", "passed", "readiness", "unseen", "new_per_day_needed", "on_track")
    return {key: status[key] for key in keys}


def _scope(today: date, deck_id: int | None, decay: float) -> Scope:
    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    return Scope(
        deck_id=deck_id,
        today=today,
        tomorrow=day(1),
        week_start=day(-6),
        month_start=day(-29),
        forecast_end=day(FORECAST_DAYS - 1),
        calendar_start=day(-(CALENDAR_WEEKS * 7 - 1)),
        decay=decay,
    )


def _card_counts(groups: list[TopicGroup], retired: int) -> dict[str, int]:
    keys = ("total", "new", "learning", "young", "mature", "suspended")
    counts = {key: sum(getattr(group, key) for group in groups) for key in keys}
    return {**counts, "retired": retired}


def _forecast(due_by_day: dict[date, int], today: date) -> list[dict[str, Any]]:
    days = [today + timedelta(days=offset) for offset in range(FORECAST_DAYS)]
    return [{"date": day.isoformat(), "due": due_by_day.get(day, 0)} for day in days]


def _reviews_and_retention(sums: stored.DaySums) -> tuple[dict[str, int], dict[str, float | None]]:
    """Answers and time spent (re-drills included), and retention: the share of scheduled
    answers graded 3 or more (re-drills excluded, null without answers), from the month's
    daily sums."""
    reviews = {
        "today": sums.answers_today,
        "last_7_days": sums.answers_week,
        "last_30_days": sums.answers_month,
        "seconds_today": round(sums.duration_ms_today / 1000),
        "seconds_last_7_days": round(sums.duration_ms_week / 1000),
        "seconds_last_30_days": round(sums.duration_ms_month / 1000),
    }
    retention = {
        "last_7_days": _share(sums.passed_week, sums.scheduled_week),
        "last_30_days": _share(sums.passed_month, sums.scheduled_month),
        "mature_last_7_days": _share(sums.mature_passed_week, sums.mature_week),
        "mature_last_30_days": _share(sums.mature_passed_month, sums.mature_month),
    }
    return reviews, retention


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _streak(runs: list[stored.Run], today: date) -> dict[str, int]:
    """The run of study days that reaches today or yesterday, and the longest."""
    longest = max((run.length for run in runs), default=0)
    recent = (today, today - timedelta(days=1))
    current = next((run.length for run in runs if run.last_day in recent), 0)
    return {"current": current, "longest": longest}


def _mean_easiness(easiness_sum: int, seen: int) -> float | None:
    return round(easiness_sum / seen / 100, 2) if seen else None


def _per_topic(groups: list[TopicGroup], retention: dict[tuple[int, str], Passes]) -> list[dict[str, Any]]:
    topics = []
    for group in sorted(groups, key=lambda group: (group.deck, group.first_row)):  # topics in note order
        answers, passed = retention.get((group.deck_id, group.topic), (0, 0))
        topics.append({
            "deck": group.deck, "topic": group.topic, "total": group.total, "seen": group.seen,
            "mature": group.mature, "due": group.due, "retention_30d": _share(passed, answers),
            "mean_easiness": _mean_easiness(group.easiness_sum, group.seen),
        })
    return topics


def _per_deck(groups: list[TopicGroup], retention: dict[tuple[int, str], Passes]) -> list[dict[str, Any]]:
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


def _hardest(connection: Connection, scope: Scope, hardest_by: HardestBy) -> list[dict[str, Any]]:
    ranked = stored.hardest_by_recall if hardest_by is HardestBy.RECALL else stored.hardest_by_easiness
    return [
        {
            "id": card.id,
            "front": card.front,
            "context": card.context,
            "easiness": card.easiness / 100,
            "lapses": card.lapses,
            "leech": card.leech,
            "source": {"file": card.source_file, "line": card.source_line},
            "recall": None if card.recall is None else round(card.recall, 4),
        }
        for card in ranked(connection, scope, HARDEST_LIMIT)
    ]


def _add_mean_recall(
    decks: list[dict[str, Any]], topics: list[dict[str, Any]], recall: dict[tuple[str, str], RecallSum]
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
