"""Value objects shared by the parser, the scheduler and the store (no I/O, no clock)."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Callable, Sequence

CONTEXT_SEPARATOR = " › "
TOPIC_DEPTH = 2  # `Data Engineering › Kinesis`: one heading alone is too coarse to show what is weak


def topic_of(context: Sequence[str]) -> str:
    """The topic `stats` groups a card under: the first two entries of its context.

    The one definition: the importer stores it in `cards.topic` (copied onto `reviews.topic`),
    revision 0009 recomputes it for existing cards, and `mlsflash check` verifies it."""
    return CONTEXT_SEPARATOR.join(context[:TOPIC_DEPTH])


TOPIC_FUNCTION = "mlsflash_topic"

# The Markdown subset stored in `cards.front` / `cards.back`: a backslash escape, ``code``,
# `code`, **bold**, *italic*. The terminal (`render.inline`) and the Anki export read it with this.
# Inside emphasis a code span or an escape is one unit, so a `**` or `*` in it ends nothing:
# `**`**kwargs`**` is bold code, not bold "`" then text.
# Each unit can be read one way only (a ``code`` span ends at its first ``), so a long line
# without a closing mark costs one pass per opening, never a search over ways to split it.
_SPAN_CONTENT = r"(?:``(?:[^`]|`(?!`))+``|`[^`]+`|\\.|[^`\\])+?"
INLINE_MARKUP = re.compile(
    rf"\\([\\`*_])|``(.+?)``|`([^`]+)`|\*\*({_SPAN_CONTENT})\*\*|\*({_SPAN_CONTENT})\*"
)


def topic_of_json(context_json: str) -> str:
    """`topic_of` for a stored context (a JSON list): SQL's `mlsflash_topic(context)`."""
    return topic_of(json.loads(context_json))


class Direction(str, enum.Enum):
    FORWARD = "forward"
    REVERSE = "reverse"


class Scheduler(str, enum.Enum):
    """Which algorithm sets the next interval (the memory state is kept under both)."""

    SM2 = "sm2"
    FSRS = "fsrs"


class Grade(enum.IntEnum):
    """SM-2 quality of an answer, with the words shown in the review legend."""

    BLACKOUT = 0
    WRONG_FAMILIAR = 1
    WRONG_EASY = 2
    HARD = 3
    GOOD = 4
    EASY = 5

    @property
    def meaning(self) -> str:
        return _GRADE_MEANINGS[self]

    @property
    def is_pass(self) -> bool:
        return self >= Grade.HARD


_GRADE_MEANINGS = {
    Grade.BLACKOUT: "blackout",
    Grade.WRONG_FAMILIAR: "wrong",
    Grade.WRONG_EASY: "almost",  # wrong, but it seemed easy once seen
    Grade.HARD: "hard",
    Grade.GOOD: "good",
    Grade.EASY: "easy",
}


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

    def as_row(self) -> tuple[Any, ...]:
        """Its fields and both keys, in `_ROW_FIELDS` order: what a parse worker sends back.
        Pickle writes a dataclass instance as a class and a dict of its fields, and reads it
        back through copyreg; a plain tuple of the same values costs half as much both ways."""
        return (
            self.context, self.front, self.back, self.front_plain, self.back_plain, self.definition, self.line,
            self.direction, self.is_list, self.key, self.definition_key,
        )

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> CardDraft:
        draft = object.__new__(cls)
        draft.__dict__.update(zip(_ROW_FIELDS, row, strict=True))
        return draft


_ROW_FIELDS = (
    "context", "front", "back", "front_plain", "back_plain", "definition", "line", "direction", "is_list", "key",
    "definition_key",
)


@lru_cache(maxsize=4096)
def _context_key(context: tuple[str, ...]) -> str:
    """Siblings share a context: normalized once for all of them."""
    return CONTEXT_SEPARATOR.join(normalize(part) for part in context)


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


@dataclass(frozen=True)
class ReviewState:
    """Schedule of one card. `easiness` is SM-2's EF in integer hundredths (250 = 2.50);
    `stability` (days) and `difficulty` (1-10) are its FSRS memory state, None while new."""

    repetitions: int = 0
    easiness: int = 250
    interval: int = 0
    due: date | None = None
    lapses: int = 0
    stability: float | None = None
    difficulty: float | None = None

    @property
    def is_new(self) -> bool:
        return self.due is None

    @property
    def last_review(self) -> date | None:
        """The study day of the last scheduled answer: every schedule sets due = that day + interval."""
        return None if self.due is None else self.due - timedelta(days=self.interval)


# Invisible characters pasted from the web: zero-width space, word joiner, byte-order mark,
# Mongolian vowel separator, soft hyphen (a hint where a word may break, never a letter).
# Zero-width (non-)joiners stay: emoji, Persian and Indic scripts need them. Control
# characters (an escape sequence would reach the terminal and could clear or recolour it)
# and bidirectional overrides (which show text reversed) go too; tab, LF and CR stay.
_INVISIBLE = re.compile(
    "[\u200b\u2060\ufeff\u180e\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def strip_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def normalize(plain_text: str) -> str:
    """Case folded, whitespace collapsed: what identity compares (callers pass text without markup)."""
    return " ".join(plain_text.split()).casefold()  # str.split splits where re's \s matches
