"""The figures of `mlsflash stats`, each one SQL aggregate over indexed columns.

Nothing here loops over reviews in Python: counts, sums, retention, the forecast, the
calendar and the streaks (gaps-and-islands with a window function) are computed by SQLite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mlsflash.storage import Store

MATURE_DAYS = 21
FORECAST_DAYS = 30
CALENDAR_WEEKS = 26
HARDEST_LIMIT = 10


@dataclass(frozen=True)
class _Filter:
    deck_id: int | None

    def cards(self, alias: str = "c") -> str:
        return f" AND {alias}.deck_id = :deck_id" if self.deck_id is not None else ""

    def reviews(self) -> str:
        if self.deck_id is None:
            return ""
        return " AND r.card_id IN (SELECT id FROM cards WHERE deck_id = :deck_id)"


def collect(store: Store, today: date, deck: str | None = None) -> dict[str, Any]:
    """Every figure of `stats --json`, for the whole collection or one deck."""
    from mlsflash.catalog import require_deck

    with store.read() as connection:
        deck_id = require_deck(connection, deck) if deck is not None else None
        where = _Filter(deck_id)
        params = _params(today, deck_id)
        return {
            "today": today.isoformat(),
            "deck": deck,
            "cards": _card_counts(connection, where, params),
            "due": _due(connection, where, params),
            "forecast": _forecast(connection, where, params, today),
            "reviews": _review_counts(connection, where, params),
            "retention": _retention(connection, where, params),
            "streak": _streak(connection, where, params, today),
            "calendar": _calendar(connection, where, params),
            "decks": _per_deck(connection, where, params),
            "topics": _per_topic(connection, where, params),
            "hardest": _hardest(connection, where, params),
        }


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
        "mature": MATURE_DAYS,
    }


def _one(connection: Connection, sql: str, params: dict[str, Any]) -> Any:
    from sqlalchemy import text

    return connection.execute(text(sql), params).one()


def _all(connection: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    from sqlalchemy import text

    return list(connection.execute(text(sql), params))


def _card_counts(connection: Connection, where: _Filter, params: dict[str, Any]) -> dict[str, int]:
    row = _one(
        connection,
        f"""
        SELECT
          count(*) FILTER (WHERE status != 'retired'),
          count(*) FILTER (WHERE status != 'retired' AND due IS NULL),
          count(*) FILTER (WHERE status != 'retired' AND due IS NOT NULL AND repetitions < 2),
          count(*) FILTER (WHERE status != 'retired' AND repetitions >= 2 AND interval < :mature),
          count(*) FILTER (WHERE status != 'retired' AND repetitions >= 2 AND interval >= :mature),
          count(*) FILTER (WHERE status = 'suspended'),
          count(*) FILTER (WHERE status = 'retired')
        FROM cards c WHERE 1 = 1 {where.cards()}
        """,
        params,
    )
    keys = ("total", "new", "learning", "young", "mature", "suspended", "retired")
    return {key: value or 0 for key, value in zip(keys, row)}


def _due(connection: Connection, where: _Filter, params: dict[str, Any]) -> dict[str, int]:
    row = _one(
        connection,
        f"""
        SELECT
          count(*) FILTER (WHERE due <= :today),
          count(*) FILTER (WHERE due < :today),
          count(*) FILTER (WHERE due = :tomorrow)
        FROM cards c WHERE status = 'active' AND due IS NOT NULL AND due <= :tomorrow {where.cards()}
        """,
        params,
    )
    return {"today": row[0] or 0, "overdue": row[1] or 0, "tomorrow": row[2] or 0}


def _forecast(connection: Connection, where: _Filter, params: dict[str, Any], today: date) -> list[dict[str, Any]]:
    rows = _all(
        connection,
        f"""
        SELECT max(due, :today) AS day, count(*)
        FROM cards c WHERE status = 'active' AND due IS NOT NULL AND due <= :forecast_end {where.cards()}
        GROUP BY day
        """,
        params,
    )
    by_day = {day: count for day, count in rows}
    days = [(today + timedelta(days=offset)).isoformat() for offset in range(FORECAST_DAYS)]
    return [{"date": day, "due": by_day.get(day, 0)} for day in days]


def _review_counts(connection: Connection, where: _Filter, params: dict[str, Any]) -> dict[str, int]:
    row = _one(
        connection,
        f"""
        SELECT
          count(*) FILTER (WHERE study_day = :today),
          count(*) FILTER (WHERE study_day >= :week_start),
          count(*),
          coalesce(sum(duration_ms) FILTER (WHERE study_day = :today), 0),
          coalesce(sum(duration_ms) FILTER (WHERE study_day >= :week_start), 0),
          coalesce(sum(duration_ms), 0)
        FROM reviews r WHERE study_day >= :month_start AND study_day <= :today {where.reviews()}
        """,
        params,
    )
    return {
        "today": row[0],
        "last_7_days": row[1],
        "last_30_days": row[2],
        "seconds_today": round(row[3] / 1000),
        "seconds_last_7_days": round(row[4] / 1000),
        "seconds_last_30_days": round(row[5] / 1000),
    }


def _retention(connection: Connection, where: _Filter, params: dict[str, Any]) -> dict[str, float | None]:
    """Share of scheduled answers graded 3 or more (re-drills excluded); null without answers."""
    row = _one(
        connection,
        f"""
        SELECT
          count(*) FILTER (WHERE study_day >= :week_start),
          count(*) FILTER (WHERE study_day >= :week_start AND grade >= 3),
          count(*),
          count(*) FILTER (WHERE grade >= 3),
          count(*) FILTER (WHERE study_day >= :week_start AND interval_before >= :mature),
          count(*) FILTER (WHERE study_day >= :week_start AND interval_before >= :mature AND grade >= 3),
          count(*) FILTER (WHERE interval_before >= :mature),
          count(*) FILTER (WHERE interval_before >= :mature AND grade >= 3)
        FROM reviews r
        WHERE kind = 'scheduled' AND study_day >= :month_start AND study_day <= :today {where.reviews()}
        """,
        params,
    )
    return {
        "last_7_days": _share(row[1], row[0]),
        "last_30_days": _share(row[3], row[2]),
        "mature_last_7_days": _share(row[5], row[4]),
        "mature_last_30_days": _share(row[7], row[6]),
    }


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
        SELECT study_day, count(*) FROM reviews r
        WHERE study_day >= :calendar_start AND study_day <= :today {where.reviews()}
        GROUP BY study_day ORDER BY study_day
        """,
        params,
    )
    return [{"date": day, "reviews": count} for day, count in rows]


_GROUP_FIGURES = """
  count(*) AS total,
  count(*) FILTER (WHERE c.due IS NULL) AS new,
  count(*) FILTER (WHERE c.due IS NOT NULL) AS seen,
  count(*) FILTER (WHERE c.status = 'active' AND c.due <= :today) AS due,
  count(*) FILTER (WHERE c.repetitions >= 2 AND c.interval >= :mature) AS mature,
  round(avg(c.easiness) FILTER (WHERE c.due IS NOT NULL) / 100.0, 2) AS mean_easiness
"""


def _retention_by(connection: Connection, where: _Filter, params: dict[str, Any], group: str) -> dict[Any, Any]:
    rows = _all(
        connection,
        f"""
        SELECT {group} AS grp, count(*), count(*) FILTER (WHERE r.grade >= 3)
        FROM reviews r JOIN cards c ON c.id = r.card_id
        WHERE r.kind = 'scheduled' AND r.study_day >= :month_start AND r.study_day <= :today {where.cards()}
        GROUP BY grp
        """,
        params,
    )
    return {key: _share(passed, total) for key, total, passed in rows}


def _per_deck(connection: Connection, where: _Filter, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _all(
        connection,
        f"""
        SELECT d.name AS deck, c.deck_id AS deck_id, {_GROUP_FIGURES}
        FROM cards c JOIN decks d ON d.id = c.deck_id
        WHERE c.status != 'retired' {where.cards()}
        GROUP BY c.deck_id ORDER BY d.name
        """,
        params,
    )
    retention = _retention_by(connection, where, params, "c.deck_id")
    return [
        {
            "deck": row.deck, "total": row.total, "new": row.new, "seen": row.seen, "due": row.due,
            "mature": row.mature, "retention_30d": retention.get(row.deck_id), "mean_easiness": row.mean_easiness,
        }
        for row in rows
    ]


_TOPIC = "coalesce(json_extract(c.context, '$[0]'), '')"


def _per_topic(connection: Connection, where: _Filter, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _all(
        connection,
        f"""
        SELECT d.name AS deck, c.deck_id AS deck_id, {_TOPIC} AS topic, {_GROUP_FIGURES}
        FROM cards c JOIN decks d ON d.id = c.deck_id
        WHERE c.status != 'retired' {where.cards()}
        GROUP BY c.deck_id, topic ORDER BY d.name, min(c.source_file), min(c.position)
        """,
        params,
    )
    retention = _retention_by(connection, where, params, f"c.deck_id || char(31) || {_TOPIC}")
    return [
        {
            "deck": row.deck, "topic": row.topic, "total": row.total, "seen": row.seen, "mature": row.mature,
            "due": row.due, "retention_30d": retention.get(f"{row.deck_id}\x1f{row.topic}"),
            "mean_easiness": row.mean_easiness,
        }
        for row in rows
    ]


def _hardest(connection: Connection, where: _Filter, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = _all(
        connection,
        f"""
        SELECT c.id, c.front_plain, c.context, c.easiness, c.lapses, c.leech, c.source_file, c.source_line
        FROM cards c
        WHERE c.status != 'retired' AND c.due IS NOT NULL AND (c.easiness < 250 OR c.lapses > 0) {where.cards()}
        ORDER BY c.easiness, c.lapses DESC, c.id LIMIT {HARDEST_LIMIT}
        """,
        params,
    )
    return [
        {
            "id": row.id,
            "front": row.front_plain,
            "context": json.loads(row.context),
            "easiness": row.easiness / 100,
            "lapses": row.lapses,
            "leech": bool(row.leech),
            "source": {"file": row.source_file, "line": row.source_line},
        }
        for row in rows
    ]
