"""Bank items shown, answered and scored (pure)."""

from __future__ import annotations

import random

import pytest

from mlsflash import bank_quiz
from mlsflash.bank import BankItem, Choice, ItemType, Pair


def item(kind: ItemType, choices=(), pairs=(), task="2.3", case_id=None) -> BankItem:
    return BankItem(f"t-{kind.value}", task, kind, "A team must act. Which solution?", case_id, None,
                    tuple(choices), tuple(pairs), ("https://docs.aws.amazon.com/x",), "2026-12", (), "bank.md", 5)


MC = item(ItemType.MULTIPLE_CHOICE, [Choice("Use A", True, "A fits."), Choice("Use B", False, "B costs."),
                                      Choice("Use C", False, "C is slow."), Choice("Use D", False, "D leaks.")])
MR = item(ItemType.MULTIPLE_RESPONSE, [Choice(f"Option {n}", n in (1, 3, 5), f"why {n}") for n in range(1, 7)])
ORDER = item(ItemType.ORDERING, [Choice(f"Step {n}", True, f"why {n}") for n in range(1, 5)])
MATCH = item(ItemType.MATCHING, pairs=[Pair(f"Item {n}", f"Match {n}", f"why {n}") for n in range(1, 5)])


def test_multiple_choice_one_letter_scored():
    shown = bank_quiz.present(MC, random.Random(1))
    right = shown.right
    assert len(right) == 1 and shown.options[right[0]] == "Use A"
    assert bank_quiz.is_right(shown, bank_quiz.parse_answer(bank_quiz.LETTERS[right[0]].upper(), shown))
    with pytest.raises(ValueError, match="2 letters given, 1 wanted"):
        bank_quiz.parse_answer("ab", shown)
    with pytest.raises(ValueError, match="'e' is not one of the letters shown"):
        bank_quiz.parse_answer("e", shown)


def test_multiple_response_right_only_when_wholly_right():
    shown = bank_quiz.present(MR, random.Random(2))
    right = bank_quiz.written(shown, shown.right)
    assert len(right) == 3
    assert bank_quiz.is_right(shown, bank_quiz.parse_answer(right[::-1], shown))
    assert bank_quiz.is_right(shown, bank_quiz.parse_answer(" ".join(right), shown))
    wrong_one = next(letter for letter in "abcdef" if letter not in right)
    assert not bank_quiz.is_right(shown, bank_quiz.parse_answer(right[:2] + wrong_one, shown))
    with pytest.raises(ValueError, match="2 letters given, 3 wanted"):
        bank_quiz.parse_answer(right[:2], shown)
    with pytest.raises(ValueError, match="given twice"):
        bank_quiz.parse_answer("aab", shown)


def test_ordering_shown_shuffled_and_partly_right_is_wrong():
    for seed in range(20):
        shown = bank_quiz.present(ORDER, random.Random(seed))
        assert shown.options != tuple(choice.text for choice in ORDER.choices)
    right = bank_quiz.written(shown, shown.right)
    assert [shown.options[bank_quiz.LETTERS.index(letter)] for letter in right] == ["Step 1", "Step 2", "Step 3",
                                                                                   "Step 4"]
    assert bank_quiz.is_right(shown, bank_quiz.parse_answer(right, shown))
    swapped = right[1] + right[0] + right[2:]
    assert not bank_quiz.is_right(shown, bank_quiz.parse_answer(swapped, shown))
    with pytest.raises(ValueError, match="3 letters given, 4 wanted"):
        bank_quiz.parse_answer(right[:3], shown)


def test_matching_number_then_letter():
    shown = bank_quiz.present(MATCH, random.Random(3))
    right = bank_quiz.written(shown, shown.right)
    assert right.count(" ") == 3 and right.startswith("1")
    assert bank_quiz.is_right(shown, bank_quiz.parse_answer(" ".join(reversed(right.split())), shown))
    assert bank_quiz.is_right(shown, bank_quiz.parse_answer(right.replace(" ", ""), shown))
    tokens = right.split()
    tokens[0], tokens[1] = tokens[0][0] + tokens[1][1], tokens[1][0] + tokens[0][1]
    assert not bank_quiz.is_right(shown, bank_quiz.parse_answer(" ".join(tokens), shown))
    with pytest.raises(ValueError, match="item 4 not matched"):
        bank_quiz.parse_answer(" ".join(right.split()[:3]), shown)
    with pytest.raises(ValueError, match="there is no item 5"):
        bank_quiz.parse_answer(right + " 5a", shown)
    with pytest.raises(ValueError, match="not an item number and a letter"):
        bank_quiz.parse_answer("1b 2a x", shown)
    with pytest.raises(ValueError, match="given twice"):
        bank_quiz.parse_answer("1a 2a 3b 4c", shown)


def test_every_option_explained():
    shown = bank_quiz.present(MC, random.Random(4))
    lines = bank_quiz.explanations(shown)
    assert [line.text for line in lines] == list(shown.options)
    assert {line.why for line in lines} == {"A fits.", "B costs.", "C is slow.", "D leaks."}
    steps = bank_quiz.explanations(bank_quiz.present(ORDER, random.Random(4)))
    assert [line.position for line in steps] == [1, 2, 3, 4]
    pairs = bank_quiz.explanations_json(bank_quiz.present(MATCH, random.Random(4)))
    assert [entry["match"] for entry in pairs] == ["Match 1", "Match 2", "Match 3", "Match 4"]


def test_same_seed_same_presentation_and_mock_draw():
    items = [item(ItemType.MULTIPLE_CHOICE, MC.choices, task=f"{domain}.1") for domain in (1, 2, 3, 4)
             for _ in range(3)]
    first = bank_quiz.mock_draw(items, {1: 2, 2: 2, 3: 1, 4: 1}, random.Random(9))
    again = bank_quiz.mock_draw(items, {1: 2, 2: 2, 3: 1, 4: 1}, random.Random(9))
    assert first == again and len(first) == 6
    assert bank_quiz.covers(items, [1, 2, 3, 4]) and not bank_quiz.covers(items[:3], [1, 2])
    assert bank_quiz.present(MR, random.Random(5)) == bank_quiz.present(MR, random.Random(5))
