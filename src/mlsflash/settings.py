"""Settings that persist in the database (`mlsflash config`), validated on the way in."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from mlsflash.errors import MlsflashError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class Settings:
    new_per_day: int = 20
    max_reviews_per_day: int | None = None
    rollover_hour: int = 4
    leech_lapses: int = 8


_LIMITS = {
    "new_per_day": (0, 10_000),
    "max_reviews_per_day": (0, 100_000),
    "rollover_hour": (0, 23),
    "leech_lapses": (1, 1_000),
}
KEYS = tuple(field.name for field in fields(Settings))
_NONE_WORDS = {"none", "off", "unlimited", ""}


def load(connection: Connection) -> Settings:
    stored = dict(connection.exec_driver_sql("SELECT key, value FROM settings").all())
    values = {key: parse_value(key, stored[key]) for key in KEYS if key in stored}
    return Settings(**values)


def parse_value(key: str, text: str) -> int | None:
    if key not in KEYS:
        raise MlsflashError(f"unknown setting {key!r}", hint=f"settings are: {', '.join(KEYS)}")
    if key == "max_reviews_per_day" and text.strip().lower() in _NONE_WORDS - {""}:
        return None
    digits = text.strip()
    low, high = _LIMITS[key]
    # ASCII digits only: int() would also take "-5", "+5", "1_000" and "٣".
    if not (digits.isascii() and digits.isdigit() and low <= int(digits) <= high):
        also = ", or none" if key == "max_reviews_per_day" else ""
        raise MlsflashError(f"{key} must be an integer from {low} to {high}{also}, not {text!r}")
    return int(digits)


def save(connection: Connection, key: str, text: str) -> int | None:
    value = parse_value(key, text)
    stored = "none" if value is None else str(value)
    connection.exec_driver_sql(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, stored),
    )
    return value
