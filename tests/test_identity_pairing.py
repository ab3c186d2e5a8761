"""identity's pairing rules one by one, each with the case that tells it from a near miss
(written against the survivors of `python benchmarks/mutation.py`)."""

from __future__ import annotations

from dataclasses import replace

from mlsflash.notes import identity
from mlsflash.notes.drafts import CardDraft
from mlsflash.notes.identity import Bullet, StoredCard


def draft(term: str, definition: str, context: tuple[str, ...] = ("AWS", "Kinesis"), line: int = 1) -> CardDraft:
    return CardDraft(context, term, definition, term, definition, definition, line=line)


def wanted(deck_id: int, source: str, *drafts: CardDraft) -> list[identity.DeckCard]:
    return identity.deck_cards([(deck_id, [Bullet(source, 0, n, d) for n, d in enumerate(drafts)])])


def stored(card_id: str, deck_id: int, d: CardDraft, source: str, *, status: str = "active",
           position: int = 0) -> StoredCard:
    return StoredCard(card_id, deck_id, d.key, d.definition_key, d.direction.value, status, source, position)


def ids(plan: identity.Plan) -> dict[int, str]:
    return {index: card.id for index, card in plan.continues.items()}


def test_step_2_the_same_key_in_another_deck_continues_a_vanishing_card() -> None:
    old = stored("old", 1, draft("Firehose", "near real-time delivery"), "alpha.md")
    edited = draft("Firehose", "delivery to S3 in near real time")
    plan = identity.plan(wanted(2, "beta.md", edited), [old], lambda card: True)
    assert ids(plan) == {0: "old"} and plan.retire == []


def test_a_retired_card_never_retires_again() -> None:
    retired = stored("gone", 1, draft("Shards", "units of capacity"), "a.md", status="retired")
    plan = identity.plan(wanted(1, "a.md", draft("Firehose", "near real-time delivery")), [retired], lambda c: True)
    assert plan.retire == [] and plan.continues == {}


def test_a_renamed_term_needs_a_definition_of_twelve_characters() -> None:
    for definition, pairs in (("data at rest", True), ("data at res", False)):
        old = stored("old", 1, draft("Encryption", definition), "a.md")
        plan = identity.plan(wanted(1, "a.md", draft("Object Lock", definition)), [old], lambda card: True)
        assert bool(plan.continues) is pairs, definition


def test_two_bullets_of_one_key_in_two_decks_pair_with_the_card_of_their_own_file() -> None:
    firehose = draft("Firehose", "near real-time delivery")
    cards = wanted(2, "two.md", firehose) + wanted(3, "three.md", firehose)
    plan = identity.plan(cards, [stored("old", 1, firehose, "three.md")], lambda card: True)
    assert ids(plan) == {1: "old"}


def test_a_key_written_with_inline_html_continues_the_card_parsers_before_7_gave_it() -> None:
    new = draft("List<String> type", "a list of strings", context=("Java", "<b>Types</b>"))
    old_key = draft("List type", "a list of strings", context=("Java", "Types"))
    for deck in (1, 2):  # same deck, then another deck
        plan = identity.plan(wanted(1, "a.md", new), [stored("old", deck, old_key, "a.md")], lambda card: True)
        assert ids(plan) == {0: "old"}, deck
    # The card of its own deck first, though the other deck's sits nearer.
    own, other = stored("own", 1, old_key, "z.md", position=40), stored("other", 2, old_key, "a.md")
    plan = identity.plan(wanted(1, "a.md", new), [other, own], lambda card: True)
    assert ids(plan) == {0: "own"}
    plain = draft("Shards", "units of capacity")
    assert identity._text_key_before_html(wanted(1, "a.md", plain)[0]) is None


def test_shared_context_counts_parents_from_the_innermost_out() -> None:
    def key(context: str, term: str = "t") -> str:
        return f"{context}\x1f{term}\x1ff"

    shared = identity._shared_context
    assert shared(key("AWS › Kinesis"), key("AWS › Kinesis", "other")) == 2
    assert shared(key("AWS › Kinesis"), key("Kinesis")) == 1
    assert shared(key("AWS › Kinesis Streams"), key("AWS › Kinesis", "other")) == 2
    assert shared(key("GCP › Kinesis"), key("AWS › Kinesis")) == 1
    assert shared(key("AWS › standard"), key("AWS › standard: for long workflows")) == 2
    assert shared(key("AWS › Kinesis"), key("AWS › Glue")) == 0
    assert shared(key(""), key("AWS")) == 0


def test_combine_keeps_the_first_draft_and_lists_each_distinct_answer() -> None:
    first, again = draft("Firehose", "delivery", line=1), draft("Firehose", "Delivery", line=9)
    assert identity.combine([first, again]) is first
    other = replace(draft("Firehose", "buffering", line=5), back="**buffering**")
    combined = identity.combine([first, other, again])
    assert combined.line == 1
    assert combined.back == "delivery\n**buffering**" and combined.back_plain == "delivery\nbuffering"


def test_repeats_of_one_key_become_one_draft_listing_both_answers() -> None:
    single, first, again = draft("Shards", "capacity"), draft("Firehose", "delivery"), draft("Firehose", "buffering")
    merged = identity.merge_repeats([single, first, again])
    assert merged[0] is single
    assert merged[1].back_plain == "delivery\nbuffering" and len(merged) == 2


def test_a_key_shared_across_files_starts_at_the_file_imported_first() -> None:
    firehose = draft("Firehose", "delivery")
    bullets = [Bullet("a.md", 1, 0, firehose), Bullet("b.md", 0, 5, firehose)]
    (card,) = identity.deck_cards([(1, bullets)])
    assert card.first.source == "b.md" and [bullet.source for bullet in card.repeats] == ["a.md"]


def test_term_and_definition_name_a_bullet_in_any_deck() -> None:
    firehose = draft("Firehose", "Near real-time delivery")
    expected = ("firehose", "near real-time delivery")
    assert identity.term_and_definition(firehose.key, firehose.definition_key) == expected


def test_nearest_pairs_by_file_then_shared_parents_then_position() -> None:
    firehose = draft("Firehose", "delivery")
    cards = wanted(1, "a.md", firehose)
    cards = [card._replace(first=card.first._replace(position=10)) for card in cards]
    near, far = stored("near", 1, firehose, "a.md", position=9), stored("far", 1, firehose, "a.md", position=3)
    assert [(i, c.id) for i, c in identity._nearest(cards, [0], [far, near])] == [(0, "near")]
    assert [(i, c.id) for i, c in identity._nearest(cards, [0], [near])] == [(0, "near")]
    elsewhere = stored("elsewhere", 1, draft("Firehose", "delivery", context=("GCP", "Pub/Sub")), "a.md", position=10)
    assert [c.id for _, c in identity._nearest(cards, [0], [elsewhere, far])] == ["far"]
    other_file = stored("other", 1, firehose, "b.md", position=10)
    assert [c.id for _, c in identity._nearest(cards, [0], [other_file, far])] == ["far"]


def test_above_sixteen_by_sixteen_candidates_pair_in_note_order() -> None:
    firehose = draft("Firehose", "delivery")

    def deck_card(position: int) -> identity.DeckCard:
        return identity.DeckCard(1, Bullet("a.md", 0, position, firehose), firehose)

    # Nearest: bullets 8-15 keep the cards at their positions in their own file.
    cards = [stored(f"b{n}", 1, firehose, "b.md", position=n) for n in range(8)]
    cards += [stored(f"a{n}", 1, firehose, "a.md", position=n) for n in range(8, 16)]
    wanted16 = [deck_card(n) for n in range(16)]
    pairs = identity._nearest(wanted16, list(range(16)), cards[::-1])
    expected = [(n, f"b{n}") for n in range(8)] + [(n, f"a{n}") for n in range(8, 16)]
    assert sorted((i, c.id) for i, c in pairs) == expected
    # One bullet more: note order against the cards by file and position; the last stays open.
    wanted17 = [deck_card(n) for n in range(17)]
    pairs = identity._nearest(wanted17, list(range(17)), cards[::-1])
    in_order = [f"a{n}" for n in range(8, 16)] + [f"b{n}" for n in range(8)]
    assert [(i, c.id) for i, c in pairs] == list(enumerate(in_order))


def test_a_renamed_heading_keeps_the_card_of_its_own_deck_before_a_nearer_one_elsewhere() -> None:
    old, moved = draft("Firehose", "delivery"), draft("Firehose", "delivery", context=("AWS", "Delivery"))
    for status in ("active", "retired"):
        own = stored("own", 1, old, "z.md", status=status, position=40)
        other = stored("other", 2, old, "a.md", status=status)
        plan = identity.plan(wanted(1, "a.md", moved), [other, own], lambda card: True)
        assert ids(plan) == {0: "own"}, status


def test_a_card_retiring_from_a_retitled_file_is_named_merged_into_its_twin() -> None:
    firehose = draft("Firehose", "delivery")
    twin, retitled = stored("twin", 2, firehose, "b.md"), stored("gone", 1, firehose, "a.md")
    cards = identity.deck_cards([(2, [Bullet("b.md", 0, 0, firehose), Bullet("a.md", 1, 0, firehose)])])
    plan = identity.plan(cards, [twin, retitled], lambda card: card.deck_id == 1)
    assert ids(plan) == {0: "twin"} and [(i, c.id) for i, c in plan.merged] == [(0, "gone")]


def test_each_vanishing_answered_card_finds_its_fresh_copy() -> None:
    lone, firehose = draft("Shards", "capacity units"), draft("Firehose", "delivery")
    fresh = stored("fresh", 1, firehose, "g.md")._replace(fresh=True)
    vanished = [stored("lone", 1, lone, "k.md"), stored("old", 1, firehose, "k.md", position=1)]
    plan = identity.plan(wanted(1, "g.md", firehose), [fresh, *vanished], lambda card: card.source_file == "k.md")
    assert ids(plan) == {0: "old"} and [c.id for c in plan.drop] == ["fresh"]


def test_one_bullet_and_two_cards_of_its_key_pair_with_the_nearest() -> None:
    firehose = draft("Firehose", "delivery")
    far, near = stored("far", 1, firehose, "z.md"), stored("near", 1, firehose, "a.md")
    pairs = identity._pairs(wanted(1, "a.md", firehose), [0], [far, near], lambda c: c.draft.key, lambda c: c.identity)
    assert [(i, c.id) for i, c in pairs] == [(0, "near")]


def test_a_never_answered_card_that_vanishes_takes_no_fresh_copy_s_place() -> None:
    firehose, moved = draft("Firehose", "delivery"), draft("Firehose", "delivery", context=("AWS", "Delivery"))
    copy = stored("copy", 1, moved, "g.md")._replace(fresh=True)
    vanished = stored("vanished", 1, firehose, "k.md")._replace(fresh=True)
    plan = identity.plan(wanted(1, "g.md", moved), [copy, vanished], lambda card: card.source_file == "k.md")
    assert ids(plan) == {0: "copy"} and plan.drop == [] and [c.id for c in plan.retire] == ["vanished"]


def test_a_revived_retired_card_keeps_its_place_before_a_vanishing_one() -> None:
    firehose, moved = draft("Firehose", "delivery"), draft("Firehose", "delivery", context=("AWS", "Delivery"))
    revived = stored("revived", 1, moved, "g.md", status="retired")._replace(fresh=True)
    vanished = stored("vanished", 1, firehose, "k.md")
    plan = identity.plan(wanted(1, "g.md", moved), [revived, vanished], lambda card: card.source_file == "k.md")
    assert ids(plan) == {0: "revived"} and plan.drop == [] and [c.id for c in plan.retire] == ["vanished"]
