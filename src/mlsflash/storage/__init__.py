"""Every SQL statement of mlsflash: the `Store` (opening, upgrading, `read()`/`write()`
transactions, `check`, `backup`, `describe`), the schema (`schema`, Alembic's `migrations/`)
and one module per kind of data (`queue`, `reviews`, `cards`, `files`, `decks`, `stats`,
`history`, `exams`, `exam_pacing`, `bank`, `catalog`, `settings`, `declarations`,
`integrity`, `anki_collection`), each a set of functions named for what they do, taking an
open `Connection` and returning value objects.

May import: the root modules, the pure modules of the other packages for their value
objects (`study.bank`'s items, `export.apkg`'s schedule), SQLAlchemy and Alembic (only to
create and upgrade); never Typer or Rich.
"""

from mlsflash.storage.db import Store, open_store

__all__ = ["Store", "open_store"]
