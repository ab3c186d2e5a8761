"""Query results as the value objects a storage module declares (named tuples whose fields
are the query's columns, in order), built as SQLite hands the rows over: no second copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

if TYPE_CHECKING:
    from mlsflash.storage.db import Result

T = TypeVar("T", bound=tuple)


def rows_as(result: Result, row_type: type[T]) -> Iterator[T]:
    """The rows still to come of `result`, each a `row_type` (a NamedTuple of its columns)."""
    make: Callable[[Sequence[Any]], T] = row_type._make  # type: ignore[attr-defined]
    result.row_factory = lambda _cursor, values: make(values)
    return iter(result)


def all_as(result: Result, row_type: type[T]) -> list[T]:
    return list(rows_as(result, row_type))


def all_made(result: Result, make: Callable[[Any, tuple[Any, ...]], T]) -> list[T]:
    """Every row of `result` as `make(cursor, values)` builds it (converting columns on the way:
    dates, JSON), each row made once."""
    result.row_factory = make
    return result.fetchall()
