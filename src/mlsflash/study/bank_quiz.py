"""Bank items as the learner meets them (pure: no storage, Rich, Typer or clock): an item shown
with its options, steps or matches shuffled by a seeded rng and lettered, a typed answer read
(`b`, `ace`, `cabd`, `1b 2a 3d 4c`) or refused with the reason, its score (right only when
wholly right, as on the exam), every option's explanation, and a mock's draw by domain weight."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from mlsflash.study.bank import BankItem, ItemType

LETTERS = "abcdefghij"
_MATCH_TOKEN = re.compile(r"([0-9]+)\s*[-:.=)]?\s*([a-z])")

Answer = tuple[int, ...]
"""An answer in shown positions: the picked options (sorted) for multiple choice and response;
the shown steps in the learner's order for ordering; for matching, per item in its number
order, the shown match picked for it."""


@dataclass(frozen=True)
class Shown:
    """An item on screen: `options` are the choices, steps or distinct matches in their shown
    order; `prompts` the matching items (numbered from 1 in file order)."""

    item: BankItem
    options: tuple[str, ...]
    prompts: tuple[str, ...]

    @property
    def type(self) -> ItemType:
        return self.item.type

    @property
    def right(self) -> Answer:
        if self.type is ItemType.ORDERING:
            return tuple(self.options.index(choice.text) for choice in self.item.choices)
        if self.type is ItemType.MATCHING:
            return tuple(self.options.index(pair.match) for pair in self.item.pairs)
        right = {choice.text for choice in self.item.choices if choice.right}
        return tuple(index for index, text in enumerate(self.options) if text in right)

    @property
    def typed_line(self) -> bool:
        """Ordering and matching answers are typed, then Enter; the others take one key a pick."""
        return self.type in (ItemType.ORDERING, ItemType.MATCHING)

    def how(self) -> str:
        """What the learner is asked to give, with an example of the form."""
        last = LETTERS[len(self.options) - 1]
        if self.type is ItemType.MULTIPLE_CHOICE:
            return f"one letter from a to {last}, like b"
        if self.type is ItemType.MULTIPLE_RESPONSE:
            example = "ac" if self.item.choose == 2 else "ace"
            return f"{_WORDS.get(self.item.choose, str(self.item.choose))} different letters from a to {last}, " \
                   f"like {example}"
        if self.type is ItemType.ORDERING:
            return f"the {len(self.options)} letters a to {last} in the right order, first step first, each once"
        return "each item's number then the letter of its match, like 1b 2a …"


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


def present(item: BankItem, rng: random.Random) -> Shown:
    """The item with its choices, steps or (distinct) matches in a shuffled order."""
    if item.type is ItemType.MATCHING:
        options = list(dict.fromkeys(pair.match for pair in item.pairs))
        prompts = tuple(pair.item for pair in item.pairs)
    else:
        options = [choice.text for choice in item.choices]
        prompts = ()
    if item.type is ItemType.ORDERING and len(options) > 1:
        original = list(options)
        while options == original:  # steps shown in the right order would give the answer away
            rng.shuffle(options)
    else:
        rng.shuffle(options)
    return Shown(item, tuple(options), prompts)


def parse_answer(text: str, shown: Shown) -> Answer:
    """The answer in `text`, or ValueError saying what is wrong with it and what is expected."""
    given = text.strip().lower()
    if not given:
        raise ValueError(f"no answer: give {shown.how()}")
    if shown.type is ItemType.MATCHING:
        return _parse_matching(given, shown)
    letters = "".join(given.replace(",", " ").split())
    picked = []
    for character in letters:
        index = LETTERS.find(character)
        if index < 0 or index >= len(shown.options):
            raise ValueError(f"{character!r} is not one of the letters shown: give {shown.how()}")
        if index in picked:
            raise ValueError(f"{character} is given twice: give {shown.how()}")
        picked.append(index)
    wanted = {ItemType.MULTIPLE_CHOICE: 1, ItemType.MULTIPLE_RESPONSE: shown.item.choose}.get(
        shown.type, len(shown.options))
    if len(picked) != wanted:
        raise ValueError(f"{len(picked)} letter{'s' if len(picked) != 1 else ''} given, {wanted} wanted: "
                         f"give {shown.how()}")
    return tuple(picked) if shown.type is ItemType.ORDERING else tuple(sorted(picked))


def _parse_matching(given: str, shown: Shown) -> Answer:
    tokens = _MATCH_TOKEN.findall(given)
    leftover = _MATCH_TOKEN.sub("", given).replace(",", " ").strip()
    if leftover:
        raise ValueError(f"{leftover.split()[0]!r} is not an item number and a letter: give {shown.how()}")
    picks: dict[int, int] = {}
    for number_text, letter in tokens:
        number, index = int(number_text), LETTERS.find(letter)
        if not 1 <= number <= len(shown.prompts):
            raise ValueError(f"there is no item {number}: give {shown.how()}")
        if index < 0 or index >= len(shown.options):
            raise ValueError(f"{letter!r} is not one of the letters shown: give {shown.how()}")
        if number in picks:
            raise ValueError(f"item {number} is matched twice: give {shown.how()}")
        picks[number] = index
    missing = [str(number) for number in range(1, len(shown.prompts) + 1) if number not in picks]
    if missing:
        raise ValueError(f"item{'s' if len(missing) > 1 else ''} {', '.join(missing)} not matched: give {shown.how()}")
    answer = tuple(picks[number] for number in range(1, len(shown.prompts) + 1))
    if len(shown.options) == len(shown.prompts) and len(set(answer)) < len(answer):
        raise ValueError(f"a letter is given twice, and each match belongs to one item: give {shown.how()}")
    return answer


def is_right(shown: Shown, answer: Answer) -> bool:
    """Wholly right or wrong: a partly right multiple response, order or matching is wrong."""
    return bool(answer) and tuple(answer) == shown.right


def written(shown: Shown, answer: Answer) -> str:
    """An answer as the learner types it: `b`, `ace`, `cabd`, `1b 2a 3d`."""
    if shown.type is ItemType.MATCHING:
        return " ".join(f"{number}{LETTERS[index]}" for number, index in enumerate(answer, 1))
    return "".join(LETTERS[index] for index in answer)


@dataclass(frozen=True)
class Explanation:
    """One line of the feedback: an option (or step, or item and its match) and why."""

    letter: str  # the shown letter; matching: the item's number and its match's letter, "1b"
    text: str
    right: bool  # a right option; ordering and matching: always (the line says where it belongs)
    why: str
    position: int | None = None  # ordering: its place in the right order
    match: str | None = None  # matching: the item's right match


def explanations(shown: Shown) -> list[Explanation]:
    """Every option's explanation: choices in shown order; steps in the right order; each
    matching item with its right match."""
    item = shown.item
    if shown.type is ItemType.MATCHING:
        return [Explanation(f"{number}{LETTERS[shown.options.index(pair.match)]}", pair.item, True, pair.why,
                            match=pair.match) for number, pair in enumerate(item.pairs, 1)]
    if shown.type is ItemType.ORDERING:
        return [Explanation(LETTERS[shown.options.index(choice.text)], choice.text, True, choice.why, position=place)
                for place, choice in enumerate(item.choices, 1)]
    by_text = {choice.text: choice for choice in item.choices}
    return [Explanation(LETTERS[index], text, by_text[text].right, by_text[text].why)
            for index, text in enumerate(shown.options)]


def explanations_json(shown: Shown) -> list[dict[str, object]]:
    found = []
    for line in explanations(shown):
        entry: dict[str, object] = {"letter": line.letter, "text": line.text, "right": line.right, "why": line.why}
        if line.position is not None:
            entry["position"] = line.position
        if line.match is not None:
            entry["match"] = line.match
        found.append(entry)
    return found


def item_json(number: int, shown: Shown) -> dict[str, object]:
    """A question of the scripted protocol."""
    item = shown.item
    value: dict[str, object] = {
        "n": number, "item": item.id, "type": item.type.value, "task": item.task, "domain": item.domain,
        "case": item.case_id, "case_scenario": item.case_scenario, "scenario": item.scenario,
        "options": list(shown.options), "choose": item.choose if item.type is ItemType.MULTIPLE_RESPONSE else
        (1 if item.type is ItemType.MULTIPLE_CHOICE else len(shown.options)),
    }
    if shown.prompts:
        value["items"] = list(shown.prompts)
    return value


# --- drawing items ---------------------------------------------------------------------------


def select(items: Sequence[BankItem], *, task: str | None = None, kind: ItemType | None = None,
           domain: int | None = None) -> list[BankItem]:
    return [item for item in items
            if (task is None or item.task == task) and (kind is None or item.type is kind)
            and (domain is None or item.domain == domain)]


def covers(items: Sequence[BankItem], domains: Sequence[int]) -> bool:
    """The bank covers a profile when every one of its domains has items."""
    have = {item.domain for item in items}
    return bool(domains) and all(number in have for number in domains)


def mock_draw(items: Sequence[BankItem], shares: Mapping[int, int], rng: random.Random) -> list[BankItem]:
    """Each domain's share of items at random (a domain with fewer gives what it has), in a
    random order; a case study's questions stay together, in their order."""
    drawn: list[BankItem] = []
    for number, share in shares.items():
        pool = [item for item in items if item.domain == number]
        rng.shuffle(pool)
        drawn += pool[:share]
    rng.shuffle(drawn)
    return cases_together(drawn, items)


def cases_together(drawn: list[BankItem], items: Sequence[BankItem]) -> list[BankItem]:
    """Questions of one case study next to each other, in the bank's order, where the first was drawn."""
    order = {item.id: position for position, item in enumerate(items)}
    placed: list[BankItem] = []
    seen: set[str] = set()
    for item in drawn:
        if item.case_id is None:
            placed.append(item)
        elif item.case_id not in seen:
            seen.add(item.case_id)
            placed += sorted((other for other in drawn if other.case_id == item.case_id),
                             key=lambda other: order.get(other.id, 0))
    return placed


def unscored(count: int, how_many: int, rng: random.Random) -> frozenset[int]:
    """Which of `count` positions are unscored, at random, like the exam's unscored items."""
    return frozenset(rng.sample(range(count), min(how_many, count)))


def chance(shown: Shown) -> float:
    """The probability of a blind answer being wholly right."""
    import math

    count = len(shown.options)
    if shown.type is ItemType.ORDERING:
        return 1 / math.factorial(count)
    if shown.type is ItemType.MATCHING:
        items = len(shown.prompts)
        return 1 / math.factorial(count) if count == items else 1 / count ** items
    choose = max(1, shown.item.choose)
    return 1 / math.comb(count, choose) if count >= choose else 0.0
