"""What the parser makes of notes: card drafts, warnings, the options it reads with and its
result. Pure value objects, apart from `model` because only the parser and the importer use
them: the daily commands do not pay for building these classes at start."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from mlsflash.model import CONTEXT_SEPARATOR, Direction, normalize, topic_of


class _computed_once:  # noqa: N801 (used as a decorator, like the property it stands for)
    """functools.cached_property without its lock (Python 3.11 takes one on each first read:
    a tenth of the parse's key work). The value lands in the instance's dict, which then
    shadows this descriptor; frozen dataclasses only guard setattr."""

    def __init__(self, compute: Callable[[Any], str]) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


@dataclass(frozen=True)
class CardDraft:
    """One card as the parser sees it in a notes file, before it has an identity in the store."""

    context: tuple[str, ...]
    front: str  # Markdown kept for display (bold, inline code)
    back: str
    front_plain: str
    back_plain: str
    definition: str  # plain first line of the answer; matches moved or renamed cards
    line: int  # 1-based line of the bullet
    direction: Direction = Direction.FORWARD
    is_list: bool = False

    @_computed_once
    def key(self) -> str:
        """Identity within a deck: context, term and direction, normalized. Bullets with one key
        are one card (a learner cannot tell two identical prompts apart)."""
        context = _context_key(self.context)
        term = normalize(self.front_plain if self.direction is Direction.FORWARD else self.back_plain)
        return f"{context}\x1f{term}\x1f{self.direction.value}"

    @_computed_once
    def definition_key(self) -> str:
        return normalize(self.definition)

    @_computed_once
    def context_json(self) -> str:
        """The context as its card row stores it: a JSON list."""
        return _context_json(self.context)

    @_computed_once
    def topic(self) -> str:
        return _topic(self.context)

    def as_row(self) -> tuple[Any, ...]:
        """Its fields and computed values, in `_ROW_FIELDS` order: what a parse worker sends
        back. Pickle writes a dataclass instance as a class and a dict of its fields, and reads
        it back through copyreg; a plain tuple of the same values costs half as much both ways.
        Markup equal to its plain text (most of it) is sent as that one string, pickled once."""
        front = self.front_plain if self.front == self.front_plain else self.front
        back = self.back_plain if self.back == self.back_plain else self.back
        return (
            self.context, front, back, self.front_plain, self.back_plain, self.definition, self.line,
            self.direction, self.is_list, self.key, self.definition_key, self.context_json, self.topic,
        )

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> CardDraft:
        draft = object.__new__(cls)
        draft.__dict__.update(zip(_ROW_FIELDS, row, strict=True))
        return draft


_ROW_FIELDS = (
    "context", "front", "back", "front_plain", "back_plain", "definition", "line", "direction", "is_list", "key",
    "definition_key", "context_json", "topic",
)


@lru_cache(maxsize=4096)
def _context_key(context: tuple[str, ...]) -> str:
    """Siblings share a context: normalized once for all of them."""
    return CONTEXT_SEPARATOR.join(normalize(part) for part in context)


# Siblings share a context: one string for all of them, which a worker's result also pickles once.
_context_json = lru_cache(maxsize=4096)(json.JSONEncoder(ensure_ascii=False).encode)
_topic = lru_cache(maxsize=4096)(topic_of)


@dataclass(frozen=True)
class ParseWarning:
    line: int
    reason: str


@dataclass(frozen=True)
class ParseOptions:
    """The deck options that change what the parser reads (remembered per deck, like reverse)."""

    prose: bool = False  # `Glue is a serverless ETL service`: a plain term before a verb
    tables: bool = True  # one card per body row of a table


@dataclass(frozen=True)
class ParsedNotes:
    title: str | None  # the first `#` heading, which names the deck
    drafts: tuple[CardDraft, ...]
    warnings: tuple[ParseWarning, ...] = field(default_factory=tuple)
    options: ParseOptions = field(default_factory=ParseOptions)  # what the notes were parsed with
