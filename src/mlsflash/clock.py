"""The only place that reads the wall clock. `MLSFLASH_NOW` replaces it everywhere.

The study day is the local date shifted by the rollover hour: with the default of 4,
a review at 01:30 belongs to the previous day, as in Anki.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta, timezone

from mlsflash.errors import MlsflashError

DEFAULT_ROLLOVER_HOUR = 4
NOW_VARIABLE = "MLSFLASH_NOW"
# Every command does date arithmetic around "now": the study day (minus the rollover hour),
# 26 weeks of calendar back, 30 days of forecast and intervals of centuries ahead. Python's
# dates end at years 1 and 9999, so "now" keeps well inside them.
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(9000, 12, 31, 23, 59, 59, 999_999)


def now() -> datetime:
    """The current local time (naive), or the time `MLSFLASH_NOW` names."""
    override = os.environ.get(NOW_VARIABLE)
    if override is None or not override.strip():
        return datetime.now()
    return parse_now(override)


# The forms tests and scripts use, which the standard library reads exactly as dateutil does;
# importing dateutil's parser costs ~40 ms of a command's start.
_PLAIN_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?")


def parse_now(value: str) -> datetime:
    """ISO 8601 via dateutil; naive means local time; a date alone means 12:00 that day."""
    text = value.strip()
    try:
        parsed = _plain_iso(text) or _isoparse(text)
    except (ValueError, OverflowError) as error:
        raise MlsflashError(
            f"{NOW_VARIABLE}={value!r} is not an ISO 8601 date-time ({error})",
            hint="use a form like 2026-11-26 or 2026-11-26T01:30",
        ) from None
    if len(text) <= 10 and "T" not in text:
        parsed = datetime.combine(parsed.date(), time(12, 0))
    if parsed.tzinfo is not None:
        from dateutil import tz  # only for an offset: dateutil.tz costs ~10 ms to load

        try:
            parsed = parsed.astimezone(tz.tzlocal()).replace(tzinfo=None)
        except OverflowError:  # the offset carries it past year 1 or 9999
            raise _out_of_range(value) from None
    if not EARLIEST <= parsed <= LATEST:
        raise _out_of_range(value)
    return parsed


def _plain_iso(text: str) -> datetime | None:
    if not _PLAIN_ISO.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # dateutil decides (it reads T24:00 as the next midnight) and words the error
        return None


def _isoparse(text: str) -> datetime:
    from dateutil import parser as date_parser

    return date_parser.isoparse(text)


def _out_of_range(value: str) -> MlsflashError:
    return MlsflashError(
        f"{NOW_VARIABLE}={value!r} is outside the dates mlsflash supports",
        hint=f"use a date from {EARLIEST.date().isoformat()} to {LATEST.date().isoformat()}",
    )


def study_day(moment: datetime, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The day a review at `moment` counts for."""
    return (moment - timedelta(hours=rollover_hour)).date()


def today(rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    return study_day(now(), rollover_hour)


def system_date() -> date:
    """The machine's UTC date, whatever MLSFLASH_NOW says: for files another program will read
    with its own clock (an Anki package counts its days from it)."""
    return datetime.now(timezone.utc).date()


def timestamp() -> str:
    """Now as an ISO string, for created/updated/reviewed columns."""
    return now().isoformat(timespec="seconds")


TIME_SCALE_VARIABLE = "MLSFLASH_TIME_SCALE"
# Above it a timer's seconds (uptime x scale) lose the precision that tells answers apart, and
# far above it they overflow to infinity.
MAX_TIME_SCALE = 1e12


def seconds() -> float:
    """A monotonic count of seconds for timers (a mock exam's countdown, time per answer).
    `MLSFLASH_TIME_SCALE=N` makes it run N times faster: tests reach a time-out in moments."""
    import time as _time

    return _time.monotonic() * time_scale()


def time_scale() -> float:
    """How many times faster than the wall clock timers run: 1, or what MLSFLASH_TIME_SCALE says."""
    text = os.environ.get(TIME_SCALE_VARIABLE, "").strip()
    if not text:
        return 1.0
    try:
        factor = float(text)
    except ValueError:
        raise MlsflashError(f"{TIME_SCALE_VARIABLE}={text!r} is not a number") from None
    if not 0 <= factor <= MAX_TIME_SCALE:  # also NaN and infinity: they would reach the database
        raise MlsflashError(
            f"{TIME_SCALE_VARIABLE}={text!r} is not a speed-up timers can run at",
            hint=f"give a number from 0 to {MAX_TIME_SCALE:g} (60: a minute passes each second), or unset it",
        )
    return factor
