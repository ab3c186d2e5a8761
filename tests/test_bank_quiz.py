"""Bank items shown, answered and scored (pure)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from mlsflash.study import bank_quiz
from mlsflash.study.bank import BankItem, Choice, ItemType, Pair


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


# --- what the learner reads: how to answer, why a typed answer is refused -------------------


def test_each_type_says_how_to_answer_with_the_shown_letters():
    assert bank_quiz.present(MC, random.Random(1)).how() == "one letter from a to d, like b"
    assert bank_quiz.present(MR, random.Random(1)).how() == "three different letters from a to f, like ace"
    two = item(ItemType.MULTIPLE_RESPONSE, [Choice(f"Option {n}", n < 3, "") for n in range(1, 6)])
    assert bank_quiz.present(two, random.Random(1)).how() == "two different letters from a to e, like ac"
    five = item(ItemType.MULTIPLE_RESPONSE, [Choice(f"Option {n}", n < 6, "") for n in range(1, 8)])
    assert bank_quiz.present(five, random.Random(1)).how().startswith("5 different letters from a to g")
    assert bank_quiz.present(ORDER, random.Random(1)).how() == (
        "the 4 letters a to d in the right order, first step first, each once")
    assert bank_quiz.present(MATCH, random.Random(1)).how() == (
        "each item's number then the letter of its match, like 1b 2a …")


def test_refusals_name_the_mistake_and_the_form_expected():
    mc, mr = bank_quiz.present(MC, random.Random(1)), bank_quiz.present(MR, random.Random(1))
    with pytest.raises(ValueError, match="^no answer: give one letter from a to d, like b$"):
        bank_quiz.parse_answer("  ", mc)
    with pytest.raises(ValueError, match="^1 letter given, 3 wanted: give three different letters"):
        bank_quiz.parse_answer("a", mr)
    right = bank_quiz.written(mr, mr.right)
    assert bank_quiz.parse_answer(",".join(right), mr) == mr.right
    assert bank_quiz.parse_answer(", ".join(right), mr) == mr.right


def test_matching_refusals():
    shown = bank_quiz.present(MATCH, random.Random(3))
    right = bank_quiz.written(shown, shown.right).split()
    assert bank_quiz.parse_answer(",".join(right), shown) == shown.right
    assert bank_quiz.parse_answer(", ".join(right), shown) == shown.right
    with pytest.raises(ValueError, match="^'e' is not one of the letters shown: give each item's number"):
        bank_quiz.parse_answer("1e 2a 3b 4c", shown)
    with pytest.raises(ValueError, match="^item 2 is matched twice: give each item's number"):
        bank_quiz.parse_answer("1a 2b 2c 3d", shown)
    with pytest.raises(ValueError, match="^item 1 not matched: give"):
        bank_quiz.parse_answer(" ".join(right[1:]), shown)
    with pytest.raises(ValueError, match="^items 1, 4 not matched: give"):
        bank_quiz.parse_answer(" ".join(right[1:3]), shown)


def test_only_an_ordering_is_kept_out_of_its_right_order():
    two_steps = item(ItemType.ORDERING, [Choice("Step 1", True, ""), Choice("Step 2", True, "")])
    assert all(bank_quiz.present(two_steps, random.Random(seed)).options == ("Step 2", "Step 1")
               for seed in range(10))
    one_step = item(ItemType.ORDERING, [Choice("Step 1", True, "")])
    assert bank_quiz.present(one_step, random.Random(1)).options == ("Step 1",)
    in_file_order = tuple(choice.text for choice in MC.choices)
    assert any(bank_quiz.present(MC, random.Random(seed)).options == in_file_order for seed in range(200))
    assert bank_quiz.present(MC, random.Random(1)).prompts == ()


# --- the feedback and the scripted protocol ---------------------------------------------------


def letter_of(shown: bank_quiz.Shown, text: str) -> str:
    return bank_quiz.LETTERS[shown.options.index(text)]


def test_explanations_of_each_type_in_full():
    mc = bank_quiz.present(MC, random.Random(4))
    assert bank_quiz.explanations_json(mc) == [
        {"letter": bank_quiz.LETTERS[index], "text": text, "right": text == "Use A",
         "why": next(choice.why for choice in MC.choices if choice.text == text)}
        for index, text in enumerate(mc.options)]
    order = bank_quiz.present(ORDER, random.Random(4))
    assert bank_quiz.explanations_json(order) == [
        {"letter": letter_of(order, f"Step {n}"), "text": f"Step {n}", "right": True, "why": f"why {n}", "position": n}
        for n in range(1, 5)]
    match = bank_quiz.present(MATCH, random.Random(4))
    assert bank_quiz.explanations_json(match) == [
        {"letter": f"{n}{letter_of(match, f'Match {n}')}", "text": f"Item {n}", "right": True, "why": f"why {n}",
         "match": f"Match {n}"} for n in range(1, 5)]


def test_item_json_gives_what_a_script_needs_to_answer():
    common = {"item": "t-multiple-choice", "task": "2.3", "domain": 2, "case": None, "case_scenario": None,
              "scenario": "A team must act. Which solution?"}
    mc = bank_quiz.present(MC, random.Random(4))
    assert bank_quiz.item_json(7, mc) == {"n": 7, **common, "type": "multiple-choice",
                                          "options": list(mc.options), "choose": 1}
    mr = bank_quiz.present(MR, random.Random(4))
    assert bank_quiz.item_json(1, mr)["choose"] == 3
    order = bank_quiz.present(ORDER, random.Random(4))
    assert bank_quiz.item_json(1, order)["choose"] == 4 and "items" not in bank_quiz.item_json(1, order)
    match = bank_quiz.present(MATCH, random.Random(4))
    assert bank_quiz.item_json(1, match)["items"] == ["Item 1", "Item 2", "Item 3", "Item 4"]
    assert bank_quiz.item_json(1, match)["type"] == "matching"
    assert bank_quiz.item_json(1, match)["choose"] == 4  # one match for each of the four items


# --- drawing items ---------------------------------------------------------------------------


def numbered(task: str, number: int, case_id: str | None = None) -> BankItem:
    return replace(item(ItemType.MULTIPLE_CHOICE, MC.choices, task=task, case_id=case_id), id=f"i{number}")


def test_select_by_task_type_and_domain():
    items = [numbered("1.1", 1), numbered("1.2", 2), numbered("2.1", 3), MATCH]
    ids = lambda found: [found_item.id for found_item in found]  # noqa: E731
    assert ids(bank_quiz.select(items)) == ["i1", "i2", "i3", "t-matching"]
    assert ids(bank_quiz.select(items, task="1.2")) == ["i2"]
    assert ids(bank_quiz.select(items, domain=1)) == ["i1", "i2"]
    assert ids(bank_quiz.select(items, kind=ItemType.MATCHING)) == ["t-matching"]
    assert ids(bank_quiz.select(items, kind=ItemType.MULTIPLE_CHOICE, domain=2)) == ["i3"]
    assert ids(bank_quiz.select(items, task="1.1", domain=2)) == []


def test_mock_draw_keeps_each_domains_share_and_case_studies_together():
    items = [numbered(f"{domain}.1", domain * 10 + n) for domain in (1, 2, 3) for n in range(5)]
    for seed in range(10):
        drawn = bank_quiz.mock_draw(items, {1: 3, 2: 1, 3: 9}, random.Random(seed))
        assert [sum(one.domain == domain for one in drawn) for domain in (1, 2, 3)] == [3, 1, 5]
    case = [numbered("1.1", n, case_id="case-a") for n in (91, 92, 93)]
    bank = [*items[:3], *case, *items[3:]]
    drawn = [items[0], case[2], items[1], case[0]]
    assert [one.id for one in bank_quiz.cases_together(drawn, bank)] == ["i10", "i91", "i93", "i11"]


def test_unscored_positions_are_distinct_and_within_the_exam():
    assert len(bank_quiz.unscored(65, 15, random.Random(1))) == 15
    assert bank_quiz.unscored(65, 15, random.Random(1)) <= frozenset(range(65))
    assert bank_quiz.unscored(3, 15, random.Random(1)) == frozenset({0, 1, 2})


def test_chance_of_a_blind_answer():
    shown = lambda one: bank_quiz.present(one, random.Random(1))  # noqa: E731
    assert bank_quiz.chance(shown(MC)) == 1 / 4
    assert bank_quiz.chance(shown(MR)) == 1 / 20  # three of six
    assert bank_quiz.chance(shown(ORDER)) == 1 / 24
    assert bank_quiz.chance(shown(MATCH)) == 1 / 24
    shared = item(ItemType.MATCHING, pairs=[Pair(f"Item {n}", f"Match {n % 2}", "") for n in range(1, 4)])
    assert bank_quiz.chance(shown(shared)) == 1 / 2 ** 3  # three items, two matches to pick from
    every_one_right = item(ItemType.MULTIPLE_RESPONSE, [Choice(f"Option {n}", True, "") for n in range(1, 3)])
    assert bank_quiz.chance(shown(every_one_right)) == 1.0
