"""Queries over many values, asked a batch at a time: SQLite takes at most so many `?` in one
statement, and a folder of 20,000 files is then a few queries, not one per file.
- `marks(count)`: the `?, ?, ...` of an `IN (...)` list of `count` values;
- `in_batches(connection, sql, values)`: the rows of `sql(count)` over `values`, BATCH at a time;
  `in_batches_as(connection, sql, values, row_type)`: the same rows as `row_type`s.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence, TypeVar

from mlsflash.storage.rows import rows_as

T = TypeVar("T", bound=tuple)

BATCH = 500  # values per statement, well under SQLite's limit on parameters


def marks(count: int) -> str:
    """`count` placeholders, for `IN ({marks(count)})`."""
    return ", ".join("?" * count)


def in_batches(connection: Any, sql: Callable[[int], str], values: Sequence[object]) -> Iterator[Any]:
    """The rows of the query `sql(count)` makes for `count` values, asked BATCH values at a time
    (on a store's Connection or a plain sqlite3 one)."""
    for start in range(0, len(values), BATCH):
        batch = tuple(values[start : start + BATCH])
        yield from connection.execute(sql(len(batch)), batch)


def in_batches_as(
    connection: Any, sql: Callable[[int], str], values: Sequence[object], row_type: type[T]
) -> Iterator[T]:
    """As `in_batches`, each row a `row_type` (a NamedTuple of the query's columns)."""
    for start in range(0, len(values), BATCH):
        batch = tuple(values[start : start + BATCH])
        yield from rows_as(connection.execute(sql(len(batch)), batch), row_type)
