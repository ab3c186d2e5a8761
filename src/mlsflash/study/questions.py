"""Exam-style questions from cards. Pure: cards in, questions out; randomness only from the
seeded `random.Random` the caller passes.

Three shapes: which definition fits a term (options are answers), which term matches a
definition (options are terms), and, from a list card, choose the two of five items that
belong to it. A question carries its card's context (headings and parent bullets), shown
with the stem. Distractors come from the nearest siblings first: the same parent, the same
heading, the same topic, the same domain, then the rest of the pool. None is a near-duplicate
of the answer or another option (the same words once case, plural and punctuation are
folded), none comes from a card that would also be right (the same term, a term the question
already names, or a card about the asked term: its context, term or answer names it), and
among equally near candidates the ones closest in length to the right option are taken, so
the longest option is no tell. Nor is a word: a content word of the question that only the
right option repeats is matched by a distractor holding it, or the question is not asked.
A generic label (`Use cases`, `Pros`) is asked only under its context, and a choose-two only
when its stem is a question, with right items the stem does not spell.
"""

from __future__ import annotations

import enum
import random
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Hashable, Iterable, Iterator, Sequence

from mlsflash.model import normalize
from mlsflash.notes.words import STOP_LABELS

OPTION_WIDTH = 160  # every option is shortened to one line of at most this many characters
CHOICES = 4
CHOOSE_TWO_CHOICES = 5
_LIST_ITEM = re.compile(r"^[-*+] |^\d+[.)] ")
_WORD = re.compile(r"[^\W_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")  # `StopWordsRemover` holds `stop words`
# Terms that say what kind of fact follows, not what it is about: asked only under their context.
GENERIC_LABELS = STOP_LABELS | frozenset({
    "use case", "use cases", "pros", "cons", "pros and cons", "advantages", "disadvantages", "benefits",
    "limitations", "drawbacks", "input", "inputs", "output", "outputs", "features", "feature", "meaning",
    "definition", "types", "kinds", "options", "modes", "solutions", "flavors", "flavours", "components",
    "characteristics", "properties", "requirements", "parameters", "hyperparameters", "steps", "how it works",
    "when to use", "why", "purpose", "goal", "problem", "problems", "cost", "costs", "pricing", "security",
    "performance", "limits", "other", "misc", "details",
})
# Words that carry no subject: a stem and its right answer sharing only these gives nothing away.
STOPWORDS = frozenset("""
a an the and or nor but of to in on at by for with from into onto as is are was were be been being it its this
that these those which who whom whose what when where why how than then so such not no can could may might must
should would will do does did has have had there their they them you your we our us per via vs versus each every
any all some more most less only also both either neither if else up out over under about after before between
through during without within one use used uses using e g eg ie etc
""".split())


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
    context: tuple[str, ...] = ()  # the card's headings and parent bullets, shown with the stem

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
    if card.context[:-1] and card.context[:-1] in (other.context[:-1], other.context):
        return Level.HEADING  # a cousin, or a sibling of the parent bullet
    if other.deck == card.deck and other.topic == card.topic:
        return Level.TOPIC
    if card.domain is not None and other.domain == card.domain:
        return Level.DOMAIN
    return Level.POOL


def fold(text: str) -> tuple[str, ...]:
    """The words of `text`, case folded, without punctuation, a plural read as its singular:
    `Actions` and `action.` are one option."""
    return _fold(text)


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> tuple[str, ...]:
    return tuple(_singular(word) for word in _WORD.findall(_CAMEL.sub(" ", text).casefold()))


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_GENERIC_FOLDED = frozenset(" ".join(_fold(label)) for label in GENERIC_LABELS)


@lru_cache(maxsize=1 << 16)
def content_words(text: str) -> frozenset[str]:
    return frozenset(word for word in _fold(text) if word not in STOPWORDS)


def names(text: str, term: str) -> bool:
    """`text` holds `term` as a run of whole words (folded)."""
    wanted = " ".join(_fold(term))
    return bool(wanted) and f" {wanted} " in f" {' '.join(_fold(text))} "


def is_generic(front: str) -> bool:
    """A label such as `Use cases` or `Pros`: it names a kind of fact, the context its subject."""
    return " ".join(_fold(front)) in _GENERIC_FOLDED


def is_bare(front: str) -> bool:
    """A term that is no question on its own: a generic label, or a short lower-case phrase
    continuing its parent (`provides`, `runs on`, `flavors`)."""
    return is_generic(front) or (front[:1].islower() and len(_fold(front)) <= 2)


def shapes_for(card: QuestionCard) -> list[Shape]:
    return [Shape.CHOOSE_TWO] if len(card.items) >= 2 else [Shape.DEFINITION, Shape.TERM]


class Pool:
    """The cards distractors come from, grouped so a question reads its nearest siblings
    first and stops as soon as it has enough: no scan of the whole collection per question."""

    def __init__(self, cards: Iterable[QuestionCard]) -> None:
        self.cards = list(cards)
        self._groups: dict[tuple[Level, Hashable], list[QuestionCard]] = {}
        for card in self.cards:
            for key in _group_keys(card):
                self._groups.setdefault(key, []).append(card)

    def near(self, card: QuestionCard, prefer: frozenset[str] = frozenset()) -> Iterator[tuple[Level, QuestionCard]]:
        """Every other card once, with its level: preferred ones first, then nearest first."""
        seen = {card.id}
        for other in self.cards if prefer else ():
            if other.id in prefer and other.id not in seen:
                seen.add(other.id)
                yield level_of(card, other), other
        for level, key in _nearer_groups(card):
            for other in self._groups.get(key, ()):
                if other.id not in seen:
                    seen.add(other.id)
                    yield level, other
        for other in self.cards:
            if other.id not in seen:
                seen.add(other.id)
                yield Level.POOL, other


def _group_keys(card: QuestionCard) -> list[tuple[Level, Hashable]]:
    """The groups a card belongs to: its context, its heading (the context less its last
    entry), its topic and its domain."""
    keys: list[tuple[Level, Hashable]] = [(Level.PARENT, card.context)]
    if card.context[:-1]:
        keys.append((Level.HEADING, card.context[:-1]))
    keys.append((Level.TOPIC, (card.deck, card.topic)))
    if card.domain is not None:
        keys.append((Level.DOMAIN, card.domain))
    return keys


def _nearer_groups(card: QuestionCard) -> list[tuple[Level, tuple[Level, Hashable]]]:
    """The groups a card's nearer siblings are found in, nearest first, each with the level
    `level_of` gives its members: the parent bullet's siblings are as near as cousins."""
    found: list[tuple[Level, tuple[Level, Hashable]]] = [(Level.PARENT, (Level.PARENT, card.context))]
    if card.context[:-1]:
        heading = card.context[:-1]
        found += [(Level.HEADING, (Level.HEADING, heading)), (Level.HEADING, (Level.PARENT, heading))]
    found.append((Level.TOPIC, (Level.TOPIC, (card.deck, card.topic))))
    if card.domain is not None:
        found.append((Level.DOMAIN, (Level.DOMAIN, card.domain)))
    return found


def build(
    card: QuestionCard, shape: Shape, pool: Pool | Sequence[QuestionCard], rng: random.Random,
    prefer: frozenset[str] = frozenset(),
) -> Question | None:
    """A question of `shape` about `card`, or None when the pool lacks distinct distractors.
    Cards in `prefer` (ones the learner confused with this card) are offered before any other."""
    pool = pool if isinstance(pool, Pool) else Pool(pool)
    if is_generic(card.front) and not card.context:
        return None  # `Pros` of what? Only its context says
    if shape is Shape.CHOOSE_TWO:
        return _choose_two(card, pool, rng, prefer)
    if shape is Shape.DEFINITION:
        stem, right = one_line(card.front), one_line(card.back)
    else:
        stem, right = one_line(card.back, width=10_000), one_line(card.front)
    if not _key(right) or not _key(stem) or shape is Shape.TERM and names(card.back, card.front):
        return None  # nothing to ask, or the definition gives the term away
    if shape is Shape.TERM and is_generic(card.front):
        return None  # `Pros` is no answer to learn
    asked = " ".join((*card.context, stem))

    def candidates() -> Iterator[tuple[Level, str, str]]:
        for level, other in pool.near(card, prefer):
            if shape is Shape.TERM and (other.items or is_generic(other.front)):
                continue  # a list, or a label that is no term
            if also_true(card, other, stem):
                continue
            yield level, one_line(other.back) if shape is Shape.DEFINITION else one_line(other.front), other.id

    # A fact stated under the asked term (`Standard › max duration: 1 year`) is true of it too,
    # whichever card offers the same words.
    facts = {_fold_key(other.back) for other in pool.cards if _is_under(other, _subject_path(card))}
    taken = {_fold_key(right), *(facts if shape is Shape.DEFINITION else ())}
    distractors = _pick(candidates(), right, CHOICES - 1, rng, taken=taken, prefer=prefer,
                        tells=content_words(asked) & content_words(right))
    if distractors is None:
        return None
    return _shuffled(card, shape, stem, [Option(right, card.id, True), *distractors], rng)


def also_true(card: QuestionCard, other: QuestionCard, stem: str) -> bool:
    """Whether `other`'s answer (or term) could also be right in a question about `card` that
    asks `stem`: the same term (a label such as `Use cases` only under a related context) or
    answer, a term the stem names (`TorchServe` when asking about `TorchServe on SageMaker`)
    or the context holds (the parent bullet), or a card about the asked subject (a child or
    cousin under it, a card whose term or answer names it)."""
    if _fold(other.front) == _fold(card.front):
        # `Use cases` of another subject is no answer here, unless one subject is part of the other.
        shorter = min(len(other.context), len(card.context))
        return not is_generic(card.front) or other.context[:shorter] == card.context[:shorter]
    if _fold(other.back) == _fold(card.back) or names(stem, other.front):
        return True
    ancestors = {_fold(entry) for entry in card.context}
    if any(_fold(subject) in ancestors for subject in _subjects(other.front)):
        return True  # the parent bullet (`AWS Kinesis` above `Kinesis › Data Streams`)
    if _is_under(other, _subject_path(card)):
        return True  # a child or cousin under the asked card
    if is_generic(card.front):
        return False  # `Pros` names no subject of its own
    shared = 0  # the context both share (a heading `Dropout & Early Stopping`) says nothing of either
    while shared < min(len(card.context), len(other.context)) and card.context[shared] == other.context[shared]:
        shared += 1
    return any(names(other.front, subject) or names(other.back, subject)
               or any(names(entry, subject) for entry in other.context[shared:]) for subject in _subjects(card.front))


def _subject_path(card: QuestionCard) -> tuple[str, ...]:
    """The context a card about the asked card's subject sits under."""
    if card.context and _fold(card.context[-1]) in {_fold(subject) for subject in _subjects(card.front)}:
        return card.context  # `Kinesis Data Streams` under `Kinesis - Data Streams`: its siblings are about it
    return (*card.context, card.front)


def _is_under(other: QuestionCard, path: tuple[str, ...]) -> bool:
    return other.context[: len(path)] == path


def _subjects(front: str) -> tuple[str, ...]:
    """How a card's other cards name its subject: `Amazon Athena` is also `Athena`."""
    words = front.split()
    if len(words) > 1 and words[0].casefold() in ("amazon", "aws"):
        return front, " ".join(words[1:])
    return (front,)


def _choose_two(card: QuestionCard, pool: Pool, rng: random.Random, prefer: frozenset[str]) -> Question | None:
    if len(card.items) < 2 or is_bare(card.front) and not card.context:
        return None  # `provides` alone asks nothing
    stem = one_line(card.front)
    asked = " ".join((*card.context, stem))
    own = {_fold_key(item) for item in card.items}
    unspelled = [item for item in card.items if not names(asked, item)]  # the stem must not give them
    if len(unspelled) < 2:
        return None
    rights = [one_line(item) for item in rng.sample(unspelled, 2)]
    if len({_fold_key(item) for item in rights}) < 2:
        return None
    candidates = (
        (level, one_line(item), other.id)
        for level, other in pool.near(card, prefer)
        if not also_true(card, other, stem)
        for item in other.items if _fold_key(item) not in own
    )
    length = sum(len(item) for item in rights) // 2
    tells = content_words(asked) & (content_words(rights[0]) | content_words(rights[1]))
    distractors = _pick(candidates, "x" * length, CHOOSE_TWO_CHOICES - 2, rng, taken=set(own), prefer=prefer,
                        tells=tells)
    if distractors is None:
        return None
    options = [Option(item, card.id, True) for item in rights] + distractors
    return _shuffled(card, Shape.CHOOSE_TWO, stem, options, rng)


def _pick(
    candidates: Iterable[tuple[Level, str, str]], right: str, count: int, rng: random.Random, taken: set[str],
    prefer: frozenset[str] = frozenset(), tells: frozenset[str] = frozenset(),
) -> list[Option] | None:
    """`count` distinct options from candidates that come preferred first, then nearest level
    first; within one such group, the closest in length to `right` (ties in random order).
    Reading stops at the first group that completes the options. When the question's words in
    `tells` (shared by the stem and the right option) are in none of them, the nearest
    candidates holding those words replace some; None when no candidate holds one of them."""
    read: list[tuple[Level, str, str]] = []
    stream = iter(candidates)

    def reading() -> Iterator[tuple[Level, str, str]]:
        yield from read
        for candidate in stream:
            read.append(candidate)
            yield candidate

    chosen = _nearest(reading(), right, count, rng, set(taken), prefer)
    if chosen is None:
        return None
    missing = tells - frozenset().union(*(content_words(option.text) for option in chosen))
    if not missing:
        return chosen
    # A covering option may come from farther than the others, not from anywhere: a word
    # matched only by an unrelated card's option is still a tell.
    reach = max(Level.TOPIC, *(option.level or Level.PARENT for option in chosen))
    covering: list[Option] = []
    used = set(taken)
    for level, text, card_id in reading():
        if level > reach:
            if card_id in prefer:
                continue
            break  # the rest is farther still
        key = _fold_key(text)
        if not key or key in used or not content_words(text) & missing:
            continue
        used.add(key)
        covering.append(Option(text, card_id, False, level))
        missing -= content_words(text)
        if not missing or len(covering) == count:
            break
    rest = sorted((option for option in chosen if _fold_key(option.text) not in used),
                  key=lambda option: not content_words(option.text) & tells)
    options = covering + rest[: count - len(covering)]
    if tells - frozenset().union(*(content_words(option.text) for option in options)):
        return None  # the question would answer itself
    return options


def _nearest(
    candidates: Iterable[tuple[Level, str, str]], right: str, count: int, rng: random.Random, taken: set[str],
    prefer: frozenset[str],
) -> list[Option] | None:
    chosen: list[Option] = []
    group: list[tuple[str, str]] = []
    group_key: tuple[bool, Level] | None = None

    def take() -> bool:
        for text, card_id in sorted(group, key=lambda pair: (abs(len(pair[0]) - len(right)), rng.random())):
            key = _fold_key(text)
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
    return Question(card.id, shape, card.domain, stem, tuple(options), card.context)


def _fold_key(text: str) -> str:
    return " ".join(_fold(text.replace("…", "")))


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    return normalize(text.replace("…", ""))
