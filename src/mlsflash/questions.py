"""Exam-style questions from cards. Pure: cards in, questions out; randomness only from the
seeded `random.Random` the caller passes.

Three shapes: which definition fits a term (options are answers), which term matches a
definition (options are terms), and, from a list card, choose the two of five items that
belong to it. Distractors come from the nearest siblings first: the same parent, the same
heading, the same topic, the same domain, then the rest of the pool. None equals the answer
or another option (ignoring case, spacing and markup), none comes from a card whose own
answer would also be right, and among equally near candidates the ones closest in length to
the right option are taken, so the longest option is no tell.
"""

from __future__ import annotations

import enum
import random
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Hashable, Iterable, Iterator, Sequence

from mlsflash.model import normalize

OPTION_WIDTH = 160  # every option is shortened to one line of at most this many characters
CHOICES = 4
CHOOSE_TWO_CHOICES = 5
_LIST_ITEM = re.compile(r"^[-*+] |^\d+[.)] ")


class Shape(str, enum.Enum):
    DEFINITION = "definition"  # term as the stem, answers as options
    TERM = "term"  # definition as the stem, terms as options
    CHOOSE_TWO = "choose-two"  # a list card's term, two of its items among five


class Level(enum.IntEnum):
    """How near a distractor's card sits to the asked card; lower is nearer."""

    PARENT = 0
    HEADING = 1
    TOPIC = 2
    DOMAIN = 3
    POOL = 4


@dataclass(frozen=True)
class QuestionCard:
    """What a question needs of a card (plain text, no markup), the way round of its bullet:
    `front` is the term and `back` the definition, for a reverse card too (`of_card`)."""

    id: str
    front: str
    back: str
    context: tuple[str, ...]
    topic: str
    domain: int | None
    deck: str

    @classmethod
    def of_card(
        cls, card_id: str, front: str, back: str, context: tuple[str, ...], topic: str, domain: int | None, deck: str,
        *, reverse: bool = False,
    ) -> QuestionCard:
        """A reverse card (definition -> term) is read as its bullet: options come from cards of
        either direction, and only so are a question's options all terms or all definitions."""
        term, definition = (back, front) if reverse else (front, back)
        return cls(card_id, term, definition, context, topic, domain, deck)

    @cached_property
    def bullet(self) -> tuple[str, tuple[str, ...], str]:
        """The same for both directions of one bullet: a session asks about one of them only."""
        return self.deck, self.context, _key(self.front)

    @cached_property
    def items(self) -> tuple[str, ...]:
        """A list card's top-level items, else ()."""
        lines = self.back.splitlines()
        if len(lines) < 2 or not all(_LIST_ITEM.match(line) or line.startswith(" ") for line in lines):
            return ()
        return tuple(_LIST_ITEM.sub("", line).strip() for line in lines if _LIST_ITEM.match(line))


@dataclass(frozen=True)
class Option:
    text: str  # one line
    card_id: str  # the card this option is the answer (or an item) of
    right: bool
    level: Level | None = None  # for a distractor: how near its card was


@dataclass(frozen=True)
class Question:
    card_id: str
    shape: Shape
    domain: int | None
    stem: str
    options: tuple[Option, ...]

    @property
    def choose(self) -> int:
        return 2 if self.shape is Shape.CHOOSE_TWO else 1

    @property
    def right(self) -> frozenset[int]:
        return frozenset(index for index, option in enumerate(self.options) if option.right)


@lru_cache(maxsize=1 << 16)
def one_line(text: str, width: int = OPTION_WIDTH) -> str:
    """Lines joined with ` / `, cut at `width` with an ellipsis: the same for every option."""
    joined = " / ".join(_LIST_ITEM.sub("", line).strip() for line in text.splitlines() if line.strip())
    joined = re.sub(r"\s+", " ", joined).strip()
    return joined if len(joined) <= width else joined[: width - 1].rstrip() + "…"


def level_of(card: QuestionCard, other: QuestionCard) -> Level:
    if other.context == card.context:
        return Level.PARENT
    if card.context[:-1] and other.context[:-1] == card.context[:-1]:
        return Level.HEADING
    if other.deck == card.deck and other.topic == card.topic:
        return Level.TOPIC
    if card.domain is not None and other.domain == card.domain:
        return Level.DOMAIN
    return Level.POOL


def shapes_for(card: QuestionCard) -> list[Shape]:
    return [Shape.CHOOSE_TWO] if len(card.items) >= 2 else [Shape.DEFINITION, Shape.TERM]


class Pool:
    """The cards distractors come from, grouped so a question reads its nearest siblings
    first and stops as soon as it has enough: no scan of the whole collection per question."""

    def __init__(self, cards: Iterable[QuestionCard]) -> None:
        self.cards = list(cards)
        self._groups: dict[tuple[Level, Hashable], list[QuestionCard]] = {}
        for card in self.cards:
            for level, key in _group_keys(card):
                self._groups.setdefault((level, key), []).append(card)

    def near(self, card: QuestionCard, prefer: frozenset[str] = frozenset()) -> Iterator[tuple[Level, QuestionCard]]:
        """Every other card once, with its level: preferred ones first, then nearest first."""
        seen = {card.id}
        for other in self.cards if prefer else ():
            if other.id in prefer and other.id not in seen:
                seen.add(other.id)
                yield level_of(card, other), other
        for level, key in _group_keys(card):
            for other in self._groups.get((level, key), ()):
                if other.id not in seen:
                    seen.add(other.id)
                    yield level, other
        for other in self.cards:
            if other.id not in seen:
                seen.add(other.id)
                yield Level.POOL, other


def _group_keys(card: QuestionCard) -> list[tuple[Level, Hashable]]:
    """The groups a card's nearer siblings share with it, nearest first (as `level_of`)."""
    keys: list[tuple[Level, Hashable]] = [(Level.PARENT, card.context)]
    if card.context[:-1]:
        keys.append((Level.HEADING, card.context[:-1]))
    keys.append((Level.TOPIC, (card.deck, card.topic)))
    if card.domain is not None:
        keys.append((Level.DOMAIN, card.domain))
    return keys


def build(
    card: QuestionCard, shape: Shape, pool: Pool | Sequence[QuestionCard], rng: random.Random,
    prefer: frozenset[str] = frozenset(),
) -> Question | None:
    """A question of `shape` about `card`, or None when the pool lacks distinct distractors.
    Cards in `prefer` (ones the learner confused with this card) are offered before any other."""
    pool = pool if isinstance(pool, Pool) else Pool(pool)
    if shape is Shape.CHOOSE_TWO:
        return _choose_two(card, pool, rng, prefer)
    if shape is Shape.DEFINITION:
        stem, right = one_line(card.front), one_line(card.back)
    else:
        stem, right = one_line(card.back, width=10_000), one_line(card.front)
    if not _key(right) or not _key(stem) or shape is Shape.TERM and _key(card.front) in _key(card.back):
        return None  # nothing to ask, or the definition gives the term away
    front, back = _key(card.front), _key(card.back)

    def candidates() -> Iterator[tuple[Level, str, str]]:
        for level, other in pool.near(card, prefer):
            if other.items and shape is Shape.TERM:
                continue
            # A card with the same term (or, asked by definition, the same answer) is also right.
            if _key(other.front) == front or _key(other.back) == back:
                continue
            yield level, one_line(other.back) if shape is Shape.DEFINITION else one_line(other.front), other.id

    distractors = _pick(candidates(), right, CHOICES - 1, rng, taken={_key(right)}, prefer=prefer)
    if distractors is None:
        return None
    return _shuffled(card, shape, stem, [Option(right, card.id, True), *distractors], rng)


def _choose_two(card: QuestionCard, pool: Pool, rng: random.Random, prefer: frozenset[str]) -> Question | None:
    if len(card.items) < 2:
        return None
    own = {_key(item) for item in card.items}
    rights = [one_line(item) for item in rng.sample(card.items, 2)]
    if len({_key(item) for item in rights}) < 2:
        return None
    candidates = (
        (level, one_line(item), other.id)
        for level, other in pool.near(card, prefer)
        for item in other.items if _key(item) not in own
    )
    length = sum(len(item) for item in rights) // 2
    distractors = _pick(candidates, "x" * length, CHOOSE_TWO_CHOICES - 2, rng, taken=set(own), prefer=prefer)
    if distractors is None:
        return None
    options = [Option(item, card.id, True) for item in rights] + distractors
    return _shuffled(card, Shape.CHOOSE_TWO, one_line(card.front), options, rng)


def _pick(
    candidates: Iterable[tuple[Level, str, str]], right: str, count: int, rng: random.Random, taken: set[str],
    prefer: frozenset[str] = frozenset(),
) -> list[Option] | None:
    """`count` distinct options from candidates that come preferred first, then nearest level
    first; within one such group, the closest in length to `right` (ties in random order).
    Reading stops at the first group that completes the options."""
    chosen: list[Option] = []
    group: list[tuple[str, str]] = []
    group_key: tuple[bool, Level] | None = None

    def take() -> bool:
        for text, card_id in sorted(group, key=lambda pair: (abs(len(pair[0]) - len(right)), rng.random())):
            key = _key(text)
            if not key or key in taken:
                continue
            taken.add(key)
            chosen.append(Option(text, card_id, False, group_key[1] if group_key else None))
            if len(chosen) == count:
                return True
        return False

    for level, text, card_id in candidates:
        key = (card_id not in prefer, level)
        if key != group_key:
            if group and take():
                return chosen
            group, group_key = [], key
        group.append((text, card_id))
    if group and take():
        return chosen
    return None


def _shuffled(card: QuestionCard, shape: Shape, stem: str, options: list[Option], rng: random.Random) -> Question:
    rng.shuffle(options)
    return Question(card.id, shape, card.domain, stem, tuple(options))


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    return normalize(text.replace("…", ""))
