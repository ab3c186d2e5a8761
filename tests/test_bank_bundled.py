"""The bundled MLA-C01 question bank (decks/bank/*.md), as issue 29 asks for it.

Skipped as a whole while decks/bank/ holds no bank file (the bank is written on other
branches and merged in); once it does, every test here must pass: counts per type and per
task statement, every item well-formed with its explanations, a source on an AWS
documentation page, a Checked month, the cards it draws on, and a fact-check file.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from mlsflash.study.bank import TASKS, BankItem, ItemType, coverage, coverage_markdown, is_bank, parse_bank

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "decks" / "bank"
FILES = sorted(BANK.glob("*.md"))

pytestmark = pytest.mark.skipif(not FILES, reason="no bundled bank yet: decks/bank/*.md is empty")

AWS_DOCS = re.compile(r"https://(?:docs\.aws\.amazon\.com|aws\.amazon\.com)/\S+")
OPTIONS = {ItemType.MULTIPLE_CHOICE: {4}, ItemType.MULTIPLE_RESPONSE: {5, 6}}
CHOOSE = {5: 2, 6: 3}  # options -> keys of a multiple response: Choose TWO of 5, THREE of 6


@lru_cache(maxsize=1)
def bank() -> tuple[list[BankItem], list[str]]:
    """Every item of every bank file, and every problem as `file:line: reason`."""
    items: list[BankItem] = []
    problems: list[str] = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        if not is_bank(text):
            problems.append(f"{path.name}:1: no `mlsflash: questions` front matter")
            continue
        parsed = parse_bank(text, path.name)
        items.extend(parsed.items)
        problems.extend(f"{path.name}:{line}: {reason}" for line, reason in parsed.problems)
    return items, problems


def test_every_bank_file_parses_without_a_problem() -> None:
    items, problems = bank()
    assert problems == []
    duplicates = [item_id for item_id, count in Counter(item.id for item in items).items() if count > 1]
    assert duplicates == [], "ids held by two files"


def test_counts_per_type() -> None:
    items, _ = bank()
    types = Counter(item.type for item in items)
    cases = Counter(item.case_id for item in items if item.case_id is not None)
    print(coverage_markdown(items))
    assert len(items) >= 300
    assert types[ItemType.MULTIPLE_CHOICE] >= 150
    assert types[ItemType.MULTIPLE_RESPONSE] >= 50
    assert types[ItemType.ORDERING] >= 25
    assert types[ItemType.MATCHING] >= 25
    assert len(cases) >= 10
    assert {case: count for case, count in cases.items() if not 3 <= count <= 4} == {}, "case studies of 3-4 questions"


def test_at_least_15_items_per_task_statement() -> None:
    items, _ = bank()
    table = coverage(items)
    assert {task: table[task]["items"] for task in TASKS if table[task]["items"] < 15} == {}


def test_every_item_has_its_options_and_explanations() -> None:
    items, _ = bank()
    wrong = []
    for item in items:
        where = f"{item.source_file}:{item.line} {item.id}"
        if item.type in OPTIONS and len(item.choices) not in OPTIONS[item.type]:
            wrong.append(f"{where}: {len(item.choices)} options")
        if item.type is ItemType.MULTIPLE_RESPONSE and CHOOSE.get(len(item.choices)) != item.choose:
            wrong.append(f"{where}: {item.choose} keys of {len(item.choices)} options")
        if any(len(choice.why.split()) < 3 for choice in item.choices) or any(
            len(pair.why.split()) < 3 for pair in item.pairs
        ):
            wrong.append(f"{where}: an explanation of fewer than three words")
        if not item.scenario.strip() or (item.case_id is not None and not (item.case_scenario or "").strip()):
            wrong.append(f"{where}: no scenario")
    assert wrong == []


def test_every_item_cites_an_aws_documentation_page_and_a_checked_month() -> None:
    items, _ = bank()
    wrong = [
        f"{item.source_file}:{item.line} {item.id}: {item.sources} {item.checked!r}"
        for item in items
        if not item.sources or not all(AWS_DOCS.fullmatch(source) for source in item.sources)
        or not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", item.checked)
    ]
    assert wrong == []


def test_every_item_names_bundled_cards_that_exist() -> None:
    """`Cards: DECK › TERM`: DECK a bundled deck's title, TERM a card's term or a heading of it."""
    from mlsflash.model import normalize
    from mlsflash.notes.parser import parse_notes

    known: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "decks").glob("*.md")):
        parsed = parse_notes(path.read_text(encoding="utf-8"))
        deck = normalize(parsed.title or "")
        for draft in parsed.drafts:  # a card's term, or a heading over cards (all of them)
            known |= {(deck, normalize(draft.front_plain))} | {(deck, normalize(entry)) for entry in draft.context}
    items, _ = bank()
    wrong = [
        f"{item.source_file}:{item.line} {item.id}: {deck} › {term}" if item.cards else f"{item.id}: no Cards"
        for item in items
        for deck, term in (item.cards or (("", ""),))
        if not item.cards or (normalize(deck), normalize(term)) not in known
    ]
    assert wrong == []


def test_each_bank_file_has_a_fact_check_file_naming_its_items() -> None:
    items, _ = bank()
    missing = []
    for path in FILES:
        factcheck = ROOT / "docs" / "bank" / f"{path.stem}-factcheck.md"
        if not factcheck.is_file():
            missing.append(str(factcheck.relative_to(ROOT)))
            continue
        text = factcheck.read_text(encoding="utf-8")
        missing += [
            f"{factcheck.name}: {item.id}" for item in items if item.source_file == path.name and item.id not in text
        ]
    assert missing == []
