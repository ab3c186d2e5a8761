"""The SQL functions mlsflash registers on each connection (see `db.connect`):
- `mlsflash_shows(needle, context, text...)`: does a card show `needle` as the screens do
  (`textsearch.shows`: the context joined for display, the texts, caselessly)?
- `mlsflash_topic(context)`: the topic `stats` groups a card under (`model.topic_of_json`).
"""

from __future__ import annotations

import sqlite3

SHOWS_FUNCTION = "mlsflash_shows"
TOPIC_FUNCTION = "mlsflash_topic"


def register(connection: sqlite3.Connection) -> None:
    """Make mlsflash's SQL functions available on this connection."""
    from mlsflash.model import topic_of_json
    from mlsflash.notes.textsearch import shows

    connection.create_function(SHOWS_FUNCTION, -1, shows, deterministic=True)
    connection.create_function(TOPIC_FUNCTION, 1, topic_of_json, deterministic=True)
