"""Card identity across a whole collection: which bullet continues which stored card. Pure:
drafts and stored-card summaries in, a plan out (no SQL, no clock).

A card's key is (deck, context, term, direction), normalized. Bullets with one key in one
deck are one card, whichever files they sit in. On re-import, drafts are paired with stored
cards in tiers, each linear (dictionaries, no all-pairs comparison):

1. same deck, same key (a retired card with that key revives);
2. same key in another deck, for a card whose source was imported now or has disappeared
   (its file's deck changed: retitled, renamed file without a title, bullet moved);
   then, same deck, the key without inline HTML (`<key>`), which parsers before version 7
   dropped from terms and headings;
3. same deck, same term and definition, among cards that vanished from the imported files
   (a renamed heading, a bullet moved within the deck); then same deck and context, same
   definition of at least three words (a renamed term);
4. same term and definition in another deck;
5. and 6. the same steps among retired cards, in the deck then anywhere (a restored
   bullet revives; a bullet moved to another deck whose old file was imported first);
7. a vanished card whose bullet (term and definition) already came back as a fresh,
   never-answered card (moved, its new file imported first) continues that bullet, and the
   fresh card goes.

A definition alone never crosses decks or contexts: "yes" or "see above" may repeat
between unrelated cards.

What is left of the vanished cards retires; what is left of the drafts is new. A retiring
card whose key a continued card now has (two decks' cards of one bullet) is named with it as
merged, so a suspension carries over. After the plan, `hand_over` does step 7 for fresh cards
outside the import (another deck's files).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Hashable, Iterable, NamedTuple, Sequence

from mlsflash.model import CONTEXT_SEPARATOR, normalize
from mlsflash.notes.drafts import CardDraft


class Bullet(NamedTuple):  # a NamedTuple, as DeckCard: an import makes one per bullet, and tuples are made fastest
    """Where a draft came from: its file (as the store names it) and the order of files."""

    source: str
    file_order: int
    position: int  # order within the file
    draft: CardDraft


class DeckCard(NamedTuple):
    """One card as the notes now define it: the first bullet with its key, and every bullet
    that repeats the key (in any file of the deck), whose distinct answers it lists."""

    deck_id: int
    first: Bullet
    draft: CardDraft  # the first bullet's draft, its back listing every distinct answer
    repeats: tuple[Bullet, ...] = ()


class StoredCard(NamedTuple):  # one per stored card of the decks an import touches
    id: str
    deck_id: int
    identity: str
    definition_key: str
    direction: str
    status: str
    source_file: str
    position: int
    fresh: bool = False  # never answered: nothing learned would be lost without it


@dataclass
class Plan:
    continues: dict[int, StoredCard] = field(default_factory=dict)  # deck card index -> stored card
    retire: list[StoredCard] = field(default_factory=list)
    drop: list[StoredCard] = field(default_factory=list)  # fresh cards an older card replaces
    # (deck card index, a retiring card with its key): two decks' cards of one bullet became one
    merged: list[tuple[int, StoredCard]] = field(default_factory=list)


def merge_repeats(drafts: Iterable[CardDraft]) -> list[CardDraft]:
    """Drafts with one key become one, in note order, listing every distinct answer."""
    merged: dict[str, list[CardDraft]] = {}
    for draft in drafts:
        merged.setdefault(draft.key, []).append(draft)
    return [group[0] if len(group) == 1 else combine(group) for group in merged.values()]


def combine(drafts: Sequence[CardDraft]) -> CardDraft:
    """The first draft, its answer listing each distinct answer of the group in order."""
    if len(drafts) == 1:
        return drafts[0]
    backs: dict[str, tuple[str, str]] = {}
    for draft in drafts:
        backs.setdefault(normalize(draft.back_plain), (draft.back, draft.back_plain))
    if len(backs) == 1:
        return drafts[0]
    return replace(
        drafts[0],
        back="\n".join(markup for markup, _ in backs.values()),
        back_plain="\n".join(plain for _, plain in backs.values()),
    )


def deck_cards(bullets_by_deck: Iterable[tuple[int, Sequence[Bullet]]]) -> list[DeckCard]:
    """Group each deck's bullets by key, in file order then note order."""
    cards: list[DeckCard] = []
    for deck_id, bullets in bullets_by_deck:
        groups: dict[str, list[Bullet]] = {}
        for bullet in sorted(bullets, key=_FILE_ORDER):
            groups.setdefault(bullet.draft.key, []).append(bullet)
        for group in groups.values():
            draft = combine([bullet.draft for bullet in group])
            cards.append(DeckCard(deck_id, group[0], draft, tuple(group[1:])))
    return cards


_FILE_ORDER = operator.itemgetter(Bullet._fields.index("file_order"), Bullet._fields.index("position"))  # in C


def plan(
    wanted: Sequence[DeckCard],
    stored: Iterable[StoredCard],
    may_retire: Callable[[StoredCard], bool],
) -> Plan:
    """Pair the cards the notes define with the stored ones (see the module's tiers).

    `stored` holds every card of the decks in `wanted`, plus the cards of other decks that
    `may_retire` (their source was imported now, or has disappeared)."""
    result = Plan()
    stored = list(stored)
    taken: set[str] = set()
    open_ = list(range(len(wanted)))

    def pair(pool: Iterable[StoredCard], key_of_card: Callable[[DeckCard], Hashable],
             key_of_stored: Callable[[StoredCard], Hashable]) -> None:
        nonlocal open_
        candidates = [card for card in pool if card.id not in taken]
        if not candidates or not open_:  # a first import: nothing stored to pair with
            return
        for index, card in _pairs(wanted, open_, candidates, key_of_card, key_of_stored):
            result.continues[index] = card
            taken.add(card.id)
        open_ = [index for index in open_ if index not in result.continues]

    live = [card for card in stored if card.status != "retired"]
    retired = [card for card in stored if card.status == "retired"]
    vanishing = [card for card in live if may_retire(card)]
    # 1. Same deck, same key: live cards first, so a retired twin never displaces one.
    for pool in (live, retired):
        pair(pool, lambda card: (card.deck_id, card.draft.key), lambda card: (card.deck_id, card.identity))
    # 2. Same key, another deck.
    pair(vanishing, lambda card: card.draft.key, lambda card: card.identity)
    # 2b. Same deck, the key parsers before version 7 gave the bullet: they dropped text in
    # angle brackets (`List<String>` was `List`), so a term or heading holding some continues.
    # Then in another deck, as in 2: a `#` title holding some made another deck name too.
    if any("<" in wanted[index].draft.key for index in open_):
        pair(vanishing, _key_before_html, lambda card: (card.deck_id, card.identity))
        pair(vanishing, _text_key_before_html, lambda card: card.identity)
    # 3. Same deck, same term and definition (a renamed heading, a bullet moved in the deck),
    # then same deck and context, same distinctive definition (a renamed term).
    pair(vanishing, lambda card: (card.deck_id, _bullet(card)), lambda card: (card.deck_id, _stored_bullet(card)))
    pair(vanishing, _renamed, _stored_renamed)
    # 4. Same term and definition in another deck.
    pair(vanishing, _bullet, _stored_bullet)
    # 5. and 6. A retired card whose bullet comes back: in its deck first, then anywhere.
    pair(retired, lambda card: (card.deck_id, _bullet(card)), lambda card: (card.deck_id, _stored_bullet(card)))
    pair(retired, _renamed, _stored_renamed)
    pair(retired, _bullet, _stored_bullet)
    # 7. A vanished card whose bullet came back as a fresh card continues it instead.
    answered_left = [card for card in vanishing if card.id not in taken and not card.fresh]
    fresh_by_bullet: dict[tuple[str, str, str], list[int]] = {}
    for index, card in sorted(result.continues.items()) if answered_left else ():
        if card.fresh and card.status != "retired":
            fresh_by_bullet.setdefault(_stored_bullet(card), []).append(index)
    for card in answered_left:
        indexes = fresh_by_bullet.get(_stored_bullet(card))
        if not indexes:
            continue
        index = indexes.pop(0)
        result.drop.append(result.continues[index])
        result.continues[index] = card
        taken.add(card.id)
    result.retire = [card for card in vanishing if card.id not in taken]
    result.merged = _merged(wanted, result)
    return result


def _merged(wanted: Sequence[DeckCard], result: Plan) -> list[tuple[int, StoredCard]]:
    """Retiring cards whose key a continued card now has, from a bullet of their own file (a
    file retitled into another deck that held the same bullet): the card they merged into. A
    bullet deleted from one deck while another deck keeps its twin is no merge."""
    if not result.retire:
        return []
    continued = {
        (wanted[index].draft.key, bullet.source): index
        for index in result.continues
        for bullet in (wanted[index].first, *wanted[index].repeats)
    }
    return [
        (continued[card.identity, card.source_file], card)
        for card in result.retire
        if (card.identity, card.source_file) in continued
    ]


def hand_over(leaving: Sequence[StoredCard], fresh: Iterable[StoredCard]) -> list[tuple[StoredCard, StoredCard]]:
    """Step 7 outside the import: (leaving card, fresh card whose place it takes), one to one,
    for leaving cards that were answered at least once and fresh cards with their term and
    definition."""
    by_bullet: dict[tuple[str, str, str], list[StoredCard]] = {}
    for card in fresh:
        by_bullet.setdefault(_stored_bullet(card), []).append(card)
    pairs: list[tuple[StoredCard, StoredCard]] = []
    for card in leaving:
        candidates = by_bullet.get(_stored_bullet(card))
        if candidates and not card.fresh:
            pairs.append((card, candidates.pop(0)))
    return pairs


# What markdown-it reads as inline HTML (its HTML_TAG_RE: open and closing tags, comments).
_HTML_TAG = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\"))?)*"
    r"\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>|<!--.*?-->"
)


def _key_before_html(card: DeckCard) -> Hashable:
    """Deck and the key with its inline HTML dropped, or None when it holds none."""
    key = _text_key_before_html(card)
    return None if key is None else (card.deck_id, key)


def _text_key_before_html(card: DeckCard) -> str | None:
    """The key with its inline HTML dropped (each part spaced as `normalize` does), or None
    when it holds none."""
    key = card.draft.key
    if "<" not in key:
        return None
    context, term, direction = key.rsplit("\x1f", 2)
    parts = [_without_html(part) for part in context.split(CONTEXT_SEPARATOR)]
    return f"{CONTEXT_SEPARATOR.join(parts)}\x1f{_without_html(term)}\x1f{direction}"


def _without_html(text: str) -> str:
    return " ".join(_HTML_TAG.sub("", text).split())


# A definition alone identifies a renamed term only when it says something: "yes" or "see
# above" under two terms are no evidence that one became the other.
DISTINCTIVE_LENGTH = 12


def _renamed(card: DeckCard) -> Hashable:
    """Deck, context and definition: the same bullet under a new term, or None."""
    definition = card.draft.definition_key
    if len(definition) < DISTINCTIVE_LENGTH:
        return None
    return card.deck_id, _context(card.draft.key), definition, card.draft.direction.value


def _stored_renamed(card: StoredCard) -> Hashable:
    if len(card.definition_key) < DISTINCTIVE_LENGTH:
        return None
    return card.deck_id, _context(card.identity), card.definition_key, card.direction


def _context(key: str) -> str:
    return key.rsplit("\x1f", 2)[0]


# Across decks, a bullet is recognised by its term and definition together: a definition
# alone ("yes", "see above") may repeat between unrelated decks.
def _bullet(card: DeckCard) -> tuple[str, str, str]:
    return _term(card.draft.key), card.draft.definition_key, card.draft.direction.value


def _stored_bullet(card: StoredCard) -> tuple[str, str, str]:
    return _term(card.identity), card.definition_key, card.direction


def _term(key: str) -> str:
    return key.rsplit("\x1f", 2)[-2]


def term_and_definition(key: str, definition_key: str) -> tuple[str, str]:
    """What recognises a bullet in any deck or file: its term and definition (a card's key
    and definition key in, whichever its direction)."""
    return _term(key), definition_key


# Above this many candidates under one key, pairing goes in note order instead of by distance.
_NEAREST_LIMIT = 16


def _pairs(
    wanted: Sequence[DeckCard],
    open_indexes: Sequence[int],
    candidates: Sequence[StoredCard],
    key_of_card: Callable[[DeckCard], Hashable],
    key_of_stored: Callable[[StoredCard], Hashable],
) -> list[tuple[int, StoredCard]]:
    """One-to-one pairs with equal keys; within a key, nearest position first."""
    by_key: dict[Hashable, list[StoredCard]] = {}
    for card in candidates:
        if (stored_key := key_of_stored(card)) is not None:
            by_key.setdefault(stored_key, []).append(card)
    groups: dict[Hashable, list[int]] = {}
    for index in open_indexes:
        key = key_of_card(wanted[index])
        if key is not None and key in by_key:
            groups.setdefault(key, []).append(index)
    pairs: list[tuple[int, StoredCard]] = []
    for key, indexes in groups.items():
        cards = by_key[key]
        if len(indexes) == 1 and len(cards) == 1:  # most keys: one bullet, one card
            pairs.append((indexes[0], cards[0]))
        else:
            pairs.extend(_nearest(wanted, indexes, cards))
    return pairs


def _shared_context(key: str, identity: str) -> int:
    """How many context entries two keys share, read from the innermost parent out; an entry
    counts when one reads as the start of the other (`standard` and `standard: for long
    workflows`: a parent bullet that became a card shows its term). So when several cards hold
    the same term and answer, each keeps the history of the one under the same parents, even
    after its position shifted."""
    ours = key.split("\x1f", 1)[0].split(CONTEXT_SEPARATOR)
    theirs = identity.split("\x1f", 1)[0].split(CONTEXT_SEPARATOR)
    shared = 0
    for mine, stored in zip(reversed(ours), reversed(theirs), strict=False):
        if not mine or not stored or not (mine.startswith(stored) or stored.startswith(mine)):
            break
        shared += 1
    return shared


def _nearest(
    wanted: Sequence[DeckCard], indexes: list[int], cards: list[StoredCard]
) -> list[tuple[int, StoredCard]]:
    if len(indexes) == 1 and len(cards) == 1:
        return [(indexes[0], cards[0])]

    def distance(index: int, card: StoredCard) -> tuple[int, int, int]:
        first = wanted[index].first
        shared = _shared_context(wanted[index].draft.key, card.identity)
        return (first.source != card.source_file, -shared, abs(first.position - card.position))

    if len(indexes) * len(cards) > _NEAREST_LIMIT * _NEAREST_LIMIT:
        ordered = sorted(cards, key=lambda card: (card.source_file, card.position))
        return list(zip(indexes, ordered, strict=False))  # more of one side: the rest stay open
    ranked = sorted((distance(index, card), index, number) for index in indexes for number, card in enumerate(cards))
    used_indexes: set[int] = set()
    used_cards: set[int] = set()
    pairs: list[tuple[int, StoredCard]] = []
    for _, index, number in ranked:
        if index in used_indexes or number in used_cards:
            continue
        used_indexes.add(index)
        used_cards.add(number)
        pairs.append((index, cards[number]))
    return pairs
