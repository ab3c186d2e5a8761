"""Exam questions from real decks, checked as properties over many seeds: the stated number
of right options, distinct options, no distractor that is also right, nearest siblings first."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mlsflash import questions
from mlsflash.model import normalize
from mlsflash.parser import parse_notes
from mlsflash.profiles import load
from mlsflash.questions import QuestionCard, Shape

ROOT = Path(__file__).resolve().parent.parent
LEARNER_NOTES = ROOT.parent / "shared" / "notes" / "aws-mls-notes.md"


def cards_of(path: Path) -> list[QuestionCard]:
    parsed = parse_notes(path.read_text(encoding="utf-8"))
    deck = parsed.title or path.stem
    profile = load("mla-c01")
    cards = []
    for number, draft in enumerate(parsed.drafts):
        topic = " › ".join(draft.context[:2])
        cards.append(QuestionCard(f"{path.stem}-{number}", draft.front_plain, draft.back_plain, draft.context,
                                  topic, profile.domain_of(topic), deck))
    return cards


def pools() -> list[tuple[str, list[QuestionCard]]]:
    found = [(path.name, cards_of(path)) for path in sorted((ROOT / "decks").glob("*.md"))]
    if LEARNER_NOTES.exists():
        found.append(("learner's notes", cards_of(LEARNER_NOTES)))
    return found


POOLS = pools()


def key(text: str) -> str:
    return normalize(text.replace("…", ""))


def check(question: questions.Question, card: QuestionCard, pool: list[QuestionCard]) -> None:
    by_id = {other.id: other for other in pool}
    texts = [key(option.text) for option in question.options]
    assert len(set(texts)) == len(texts), question
    assert len(question.options) == (5 if question.shape is Shape.CHOOSE_TWO else 4)
    assert len(question.right) == question.choose
    assert all("\n" not in option.text and len(option.text) <= questions.OPTION_WIDTH for option in question.options)
    for option in question.options:
        if option.right:
            assert option.card_id == card.id
            continue
        other = by_id[option.card_id]
        assert other.id != card.id
        assert questions.level_of(card, other) == option.level
        if question.shape is Shape.DEFINITION:  # the distractor's card would not also fit the term
            assert key(other.front) != key(card.front) and key(option.text) != key(questions.one_line(card.back))
        elif question.shape is Shape.TERM:
            assert key(other.back) != key(card.back) and key(option.text) != key(questions.one_line(card.front))
        else:
            assert key(option.text) not in {key(item) for item in card.items}
    # Nearest first: no unused candidate of a nearer level was passed over for a farther one.
    farthest = max(option.level for option in question.options if not option.right)
    used = {option.card_id for option in question.options}
    nearer = [other for other in pool if other.id not in used and questions.level_of(card, other) < farthest]
    for other in nearer:
        if question.shape is Shape.DEFINITION:
            candidate = questions.one_line(other.back)
            eligible = key(other.front) != key(card.front) and key(other.back) != key(card.back)
        elif question.shape is Shape.TERM:
            candidate = questions.one_line(other.front)
            eligible = not other.items and key(other.front) != key(card.front) and key(other.back) != key(card.back)
        else:
            continue  # items: a nearer card may hold only items equal to the card's own
        assert not eligible or key(candidate) in set(texts) or not key(candidate), (other, question)


@pytest.mark.parametrize(("name", "pool"), POOLS, ids=[name for name, _ in POOLS])
def test_every_question_has_its_right_options_and_distinct_plausible_distractors(name, pool) -> None:
    built = {shape: 0 for shape in Shape}
    for seed in range(12):
        rng = random.Random(seed)
        for card in rng.sample(pool, min(20, len(pool))):
            for shape in Shape:
                question = questions.build(card, shape, pool, rng)
                if question is None:
                    continue
                built[shape] += 1
                check(question, card, pool)
    assert built[Shape.DEFINITION] > 100 and built[Shape.TERM] > 100, built


def test_list_cards_make_choose_two_questions_from_sibling_items() -> None:
    pool = [
        QuestionCard("a", "Kinesis family", "- Data Streams\n- Firehose\n- Video Streams", ("AWS", "Streaming"),
                     "AWS › Streaming", 1, "d"),
        QuestionCard("b", "Glue parts", "- Crawler\n- Data Catalog\n- Job bookmarks", ("AWS", "Streaming"),
                     "AWS › Streaming", 1, "d"),
        QuestionCard("c", "S3 classes", "- Standard\n- Glacier\n- Firehose", ("AWS", "Storage"),
                     "AWS › Storage", 1, "d"),
    ]
    question = questions.build(pool[0], Shape.CHOOSE_TWO, pool, random.Random(3))
    assert question is not None and question.choose == 2
    texts = {option.text for option in question.options}
    assert len(texts) == 5
    assert {question.options[index].text for index in question.right} <= {"Data Streams", "Firehose", "Video Streams"}
    assert "Firehose" not in {option.text for option in question.options if not option.right}


def test_a_term_whose_definition_names_it_is_not_asked_by_definition() -> None:
    card = QuestionCard("a", "Firehose", "Firehose delivers streams to S3", ("AWS",), "AWS", 1, "d")
    others = [QuestionCard(str(n), f"term {n}", f"meaning {n}", ("AWS",), "AWS", 1, "d") for n in range(5)]
    assert questions.build(card, Shape.TERM, [card, *others], random.Random(0)) is None
    assert questions.build(card, Shape.DEFINITION, [card, *others], random.Random(0)) is not None


def test_a_pool_without_enough_distinct_answers_makes_no_question() -> None:
    cards = [QuestionCard(str(n), f"term {n}", "same answer", ("AWS",), "AWS", 1, "d") for n in range(6)]
    assert questions.build(cards[0], Shape.DEFINITION, cards, random.Random(0)) is None


def test_options_are_one_line_and_cut_alike() -> None:
    assert questions.one_line("- first\n- second") == "first / second"
    long = questions.one_line("word " * 100)
    assert len(long) == questions.OPTION_WIDTH and long.endswith("…")
