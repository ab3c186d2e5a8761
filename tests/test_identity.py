"""identity.plan and hand_over without a database: bullets and stored summaries in, pairs out."""

from __future__ import annotations

from mlsflash.notes import identity
from mlsflash.notes.drafts import CardDraft
from mlsflash.notes.identity import Bullet, StoredCard


def draft(term: str, definition: str, context: tuple[str, ...] = ("AWS", "Kinesis")) -> CardDraft:
    return CardDraft(context, term, definition, term, definition, definition, line=1)


def wanted(deck_id: int, source: str, *drafts: CardDraft) -> list[identity.DeckCard]:
    return identity.deck_cards([(deck_id, [Bullet(source, 0, n, d) for n, d in enumerate(drafts)])])


def stored(card_id: str, deck_id: int, d: CardDraft, source: str, *, status: str = "active",
           fresh: bool = False) -> StoredCard:
    return StoredCard(card_id, deck_id, d.key, d.definition_key, d.direction.value, status, source, 0, fresh)


FIREHOSE = draft("Firehose", "near real-time delivery")
MOVED = draft("Firehose", "near real-time delivery", context=("AWS", "Delivery"))


def test_a_renamed_heading_pairs_by_definition_in_the_deck() -> None:
    plan = identity.plan(wanted(1, "a.md", MOVED), [stored("old", 1, FIREHOSE, "a.md")], lambda card: True)
    assert plan.continues[0].id == "old" and plan.retire == []


def test_a_retired_card_of_another_deck_revives_only_with_its_term_and_definition() -> None:
    retired = stored("old", 2, FIREHOSE, "k.md", status="retired")
    plan = identity.plan(wanted(1, "s.md", MOVED), [retired], lambda card: False)
    assert plan.continues[0].id == "old"
    other_term = draft("Kinesis Firehose", "near real-time delivery")
    plan = identity.plan(wanted(1, "s.md", other_term), [retired], lambda card: False)
    assert plan.continues == {}  # a shared definition alone is not enough across decks


def test_a_vanishing_answered_card_replaces_a_fresh_copy_of_its_bullet() -> None:
    fresh = stored("fresh", 1, MOVED, "g.md", fresh=True)
    old = stored("old", 1, FIREHOSE, "k.md")
    plan = identity.plan(wanted(1, "g.md", MOVED), [fresh, old], lambda card: card.source_file == "k.md")
    assert plan.continues[0].id == "old"
    assert [card.id for card in plan.drop] == ["fresh"] and plan.retire == []


def test_an_answered_copy_is_never_replaced() -> None:
    answered = stored("new", 1, MOVED, "g.md")
    old = stored("old", 1, FIREHOSE, "k.md")
    plan = identity.plan(wanted(1, "g.md", MOVED), [answered, old], lambda card: card.source_file == "k.md")
    assert plan.continues[0].id == "new" and [card.id for card in plan.retire] == ["old"] and plan.drop == []


def test_hand_over_pairs_each_leaving_card_with_one_fresh_card_of_its_bullet() -> None:
    leaving = [stored("old", 1, FIREHOSE, "k.md"), stored("new-too", 1, FIREHOSE, "x.md", fresh=True)]
    fresh = [stored("f1", 2, MOVED, "s.md", fresh=True), stored("f2", 2, draft("Other", "near real-time delivery"),
                                                                  "s.md", fresh=True)]
    assert [(a.id, b.id) for a, b in identity.hand_over(leaving, fresh)] == [("old", "f1")]
