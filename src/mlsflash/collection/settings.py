"""Settings that persist in the database (`mlsflash config`), validated on the way in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Union

from mlsflash.errors import MlsflashError
from mlsflash.model import DEFAULT_FINAL_DAYS, DEFAULT_MAXIMUM_INTERVAL, DEFAULT_RETENTION, Scheduler
from mlsflash.storage import settings as table

if TYPE_CHECKING:
    from mlsflash.scheduling.scheduler import Policy
    from mlsflash.storage.db import Connection


@dataclass(frozen=True)
class Settings:
    new_per_day: int = 20
    max_reviews_per_day: int | None = None
    rollover_hour: int = 4
    leech_lapses: int = 8
    scheduler: Scheduler = Scheduler.SM2
    desired_retention: float = DEFAULT_RETENTION
    maximum_interval: int = DEFAULT_MAXIMUM_INTERVAL
    exam_final_days: int = DEFAULT_FINAL_DAYS  # the final window before an exam date (`exam set --date`)
    max_minutes_per_day: int = 60  # `exam status` warns of a day whose forecast passes it
    # Set by `mlsflash optimize`, not by `config`; None: FSRS-6's defaults.
    parameters: tuple[float, ...] | None = None

    @property
    def policy(self) -> Policy:
        from mlsflash.scheduling.scheduler import Policy

        return Policy(self.scheduler, self.desired_retention, self.maximum_interval, self.parameters)


Value = Union[int, float, Scheduler, None]
_LIMITS = {
    "new_per_day": (0, 10_000),
    "max_reviews_per_day": (0, 100_000),
    "rollover_hour": (0, 23),
    "leech_lapses": (1, 1_000),
    "maximum_interval": (1, 36_500),
    "exam_final_days": (1, 60),
    "max_minutes_per_day": (1, 1440),
}
RETENTION_RANGE = (0.70, 0.97)
PARAMETERS_KEY = "fsrs_parameters"
EXAM_DATE_KEY = "exam_date"  # set by `mlsflash exam set --date`, not by `config`
KEYS = tuple(field.name for field in fields(Settings) if field.name != "parameters")
_NONE_WORDS = {"none", "off", "unlimited", ""}
_DECIMAL = re.compile(r"[0-9]?\.[0-9]+")
RETENTION_DECIMALS = 2  # as Anki's own field; a value stored by a release that took 4 still loads
_STORED_RETENTION_DECIMALS = 4


def load(connection: Connection) -> Settings:
    stored = table.all_values(connection)
    values: dict[str, Any] = {key: parse_value(key, stored[key], as_stored=True) for key in KEYS if key in stored}
    if PARAMETERS_KEY in stored:
        values["parameters"] = tuple(float(value) for value in json.loads(stored[PARAMETERS_KEY]))
    return Settings(**values)


def display(value: Value) -> str:
    if value is None:
        return "none"
    return value.value if isinstance(value, Scheduler) else str(value)


def parse_value(key: str, text: str, *, as_stored: bool = False) -> Value:
    if key not in KEYS:
        raise MlsflashError(f"unknown setting {key!r}", hint=f"settings are: {', '.join(KEYS)}")
    if key == "scheduler":
        return _parse_scheduler(text)
    if key == "desired_retention":
        return _parse_retention(text, _STORED_RETENTION_DECIMALS if as_stored else RETENTION_DECIMALS)
    if key == "max_reviews_per_day" and text.strip().lower() in _NONE_WORDS - {""}:
        return None
    digits = text.strip()
    low, high = _LIMITS[key]
    # ASCII digits only: int() would also take "-5", "+5", "1_000" and "٣".
    if not (digits.isascii() and digits.isdigit() and low <= int(digits) <= high):
        also = ", or none" if key == "max_reviews_per_day" else ""
        raise MlsflashError(f"{key} must be an integer from {low} to {high}{also}, not {text!r}")
    return int(digits)


def _parse_scheduler(text: str) -> Scheduler:
    try:
        return Scheduler(text.strip().lower())
    except ValueError:
        names = " or ".join(scheduler.value for scheduler in Scheduler)
        raise MlsflashError(f"scheduler must be {names}, not {text!r}") from None


def _parse_retention(text: str, most_decimals: int) -> float:
    low, high = RETENTION_RANGE
    digits = text.strip()
    if not (digits.isascii() and _DECIMAL.fullmatch(digits)):
        raise MlsflashError(f"desired_retention must be a decimal from {low:.2f} to {high:.2f}, not {text!r}")
    decimals = len(digits.partition(".")[2])
    if decimals > most_decimals:
        raise MlsflashError(
            f"desired_retention takes {most_decimals} decimals at most; this value has {decimals}",
            hint=f"a value from {low:.2f} to {high:.2f}, like 0.85",
        )
    value = float(digits)
    if value > high:
        raise MlsflashError(
            f"desired_retention {text.strip()} is above {high:.2f}: intervals collapse",
            hint=f"near 100 % recall FSRS must review almost daily; choose {low:.2f} to {high:.2f}",
        )
    if value < low:
        raise MlsflashError(
            f"desired_retention {text.strip()} is below {low:.2f}",
            hint=f"forgetting that much makes reviews mostly relearning; choose {low:.2f} to {high:.2f}",
        )
    return value


def get(connection: Connection, key: str) -> str | None:
    """One settings row's text, or None when it is not set."""
    return table.value_of(connection, key)


def put(connection: Connection, key: str, stored: str | None) -> None:
    """Store one settings row as text, replacing the old one; None removes it."""
    if stored is None:
        table.remove(connection, key)
    else:
        table.set_value(connection, key, stored)


def save(connection: Connection, key: str, text: str) -> Value:
    value = parse_value(key, text)
    put(connection, key, display(value))
    return value


def save_parameters(connection: Connection, parameters: tuple[float, ...] | None) -> None:
    """Store fitted FSRS parameters, or go back to the defaults (None)."""
    put(connection, PARAMETERS_KEY, None if parameters is None else json.dumps(list(parameters)))
