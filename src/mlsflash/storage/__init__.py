"""The SQLite store: opening, upgrading and transactions. Tables live in `schema`."""

from mlsflash.storage.db import Store, open_store

__all__ = ["Store", "open_store"]
