"""The `settings` table: one text value per key (what `mlsflash.collection.settings` validates and reads).
API (an open `Connection` of `Store.read()`/`write()`):
- `all_values(connection) -> dict[str, str]`: every stored key and its text;
- `value_of(connection, key) -> str | None`: one key's text, None when it is not set;
- `set_value(connection, key, text)`, replacing the old one; `remove(connection, key)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


def all_values(connection: Connection) -> dict[str, str]:
    rows = connection.execute("SELECT key, value FROM settings").all()
    return {str(key): str(value) for key, value in rows}


def value_of(connection: Connection, key: str) -> str | None:
    return connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).scalar()


def set_value(connection: Connection, key: str, text: str) -> None:
    connection.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, text),
    )


def remove(connection: Connection, key: str) -> None:
    connection.execute("DELETE FROM settings WHERE key = ?", (key,))
