"""Value objects shared by the parser, the scheduler and the store (no I/O, no clock). What
only the parser and the importer use is in `drafts`, so that daily commands need not build it."""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

CONTEXT_SEPARATOR = " › "
TOPIC_DEPTH = 2  # `Data Engineering › Kinesis`: one heading alone is too coarse to show what is weak


def topic_of(context: Sequence[str]) -> str:
    """The topic `stats` groups a card under: the first two entries of its context.

    The one definition: the importer stores it in `cards.topic` (copied onto `reviews.topic`),
    revision 0009 recomputes it for existing cards, and `mlsflash check` verifies it."""
    return CONTEXT_SEPARATOR.join(context[:TOPIC_DEPTH])


# Defaults that `mlsflash config` can change. Here rather than beside their use (scheduler,
# pacing) so that reading the settings does not load the scheduler.
DEFAULT_RETENTION = 0.9  # FSRS's desired probability of recall at a card's due day
DEFAULT_MAXIMUM_INTERVAL = 36_500  # days: no interval, under either scheduler, runs past this
DEFAULT_FINAL_DAYS = 7  # the last days before an exam date, when pacing brings every card back

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
    """`topic_of` for a stored context (a JSON list): the SQL function `storage.functions` registers."""
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


# The ones ASCII holds, for str.translate: on ASCII text (most notes) it drops them five times
# faster than the pattern; on other text it is slower than the pattern.
_ASCII_INVISIBLE = str.maketrans("", "", "".join(c for c in map(chr, range(128)) if _INVISIBLE.match(c)))


def strip_invisible(text: str) -> str:
    return text.translate(_ASCII_INVISIBLE) if text.isascii() else _INVISIBLE.sub("", text)


def normalize(plain_text: str) -> str:
    """Case folded, whitespace collapsed: what identity compares (callers pass text without markup)."""
    return " ".join(plain_text.split()).casefold()  # str.split splits where re's \s matches


def deck_key(name: str) -> str:
    """What tells decks apart, in every command: names that differ only in case or in runs of
    whitespace (`Escape Deck`, `escape  deck`) name one deck, as Anki reads them."""
    return normalize(name)


def deck_spelling(name: str) -> str:
    """A deck name as stored and shown: runs of whitespace collapsed, as in a heading."""
    return " ".join(name.split())
