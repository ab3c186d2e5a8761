"""The `cards` table as an import reads and writes it: the stored cards its bullets are matched
against, and its writes in bulk (no per-row work at 100k cards). Every function takes an open
`Connection` of `Store.write()` (the reads of `Store.read()` too):
- `of_decks_and_sources(connection, deck_ids, sources) -> dict[str, KnownCard]`: the stored
  cards of the decks and files an import involves; `live_of_sources(connection, sources)`;
- `any_retired_outside(connection, deck_ids)`, `retired_with_definitions(connection, definitions)`,
  `fresh_with_definitions(connection, definitions)`: cards of other decks a bullet may continue;
- `live_counts(connection, sources) -> dict[str, int]`: the live cards of each file;
- `write(connection, CardWrites)`: an import's inserts, updates, retirements, hand-overs and
  merges, in an order no unique index refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Sequence

from mlsflash.storage.batches import BATCH, in_batches, marks
from mlsflash.storage.predicates import NEW, NOT_RETIRED, RETIRED
from mlsflash.storage.rows import rows_as

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


class CardValues(NamedTuple):
    """What a bullet sets on its card, in column order."""

    deck_id: int
    identity: str
    definition_key: str
    direction: str
    context: str  # JSON
    topic: str
    front: str
    back: str
    front_plain: str
    back_plain: str
    source_line: int
    position: int


class KnownCard(NamedTuple):
    """A stored card as an import matches it against the bullets."""

    id: str
    identity: str
    definition_key: str
    direction: str
    status: str
    position: int
    deck_id: int
    context: str  # JSON
    topic: str
    front: str
    back: str
    front_plain: str
    source_line: int
    source_file: str
    due: str | None  # None: never answered
    retired_suspended: int  # 1: it was suspended when it retired


_KNOWN_COLUMNS = ", ".join(KnownCard._fields)


def of_decks_and_sources(connection: Connection, deck_ids: set[int], sources: set[str]) -> dict[str, KnownCard]:
    """Every card of `deck_ids`, and every card whose source is one of `sources`, by id."""
    decks = sorted(deck_ids)
    rows = _cards_where(connection, "deck_id", decks)
    # The cards of these sources that sit in these decks were read with the decks: not twice.
    outside = (f" AND deck_id NOT IN ({marks(len(decks))})", decks) if len(decks) <= BATCH else ("", [])
    rows.update(_cards_where(connection, "source_file", sorted(sources), *outside))
    return rows


def live_of_sources(connection: Connection, sources: Sequence[str]) -> dict[str, KnownCard]:
    """The cards not retired whose source is one of `sources`, by id."""
    return _cards_where(connection, "source_file", sources, f" AND {NOT_RETIRED}")


def any_retired_outside(connection: Connection, deck_ids: set[int]) -> bool:
    """Whether a card of a deck other than `deck_ids` is retired."""
    return connection.execute(
        f"SELECT 1 FROM cards WHERE {RETIRED} AND deck_id NOT IN ({marks(len(deck_ids))}) LIMIT 1", tuple(deck_ids)
    ).first() is not None


def retired_with_definitions(connection: Connection, definitions: set[str]) -> dict[str, KnownCard]:
    """The retired cards, in any deck, with one of `definitions` (definition keys), by id."""
    return _cards_where(connection, "definition_key", sorted(definitions), f" AND {RETIRED}")


def fresh_with_definitions(connection: Connection, definitions: set[str]) -> dict[str, KnownCard]:
    """The live cards never answered, in any deck, with one of `definitions`, by id."""
    return _cards_where(connection, "definition_key", sorted(definitions), f" AND {NEW}")


def _cards_where(
    connection: Connection, column: str, values: Sequence[object], condition: str = "",
    condition_values: Sequence[object] = (),
) -> dict[str, KnownCard]:
    """The cards whose `column` is one of `values` (asked BATCH at a time), and `condition`."""
    rows: dict[str, KnownCard] = {}
    for start in range(0, len(values), BATCH):
        batch = values[start : start + BATCH]
        for row in rows_as(connection.execute(
            f"SELECT {_KNOWN_COLUMNS} FROM cards WHERE {column} IN ({marks(len(batch))}){condition}",
            (*batch, *condition_values),
        ), KnownCard):
            rows[row.id] = row
    return rows


def live_counts(connection: Connection, sources: Sequence[str]) -> dict[str, int]:
    """How many cards not retired each of `sources` holds (absent: none)."""
    return dict(in_batches(
        connection, lambda count: "SELECT source_file, count(*) FROM cards "
        f"WHERE source_file IN ({marks(count)}) AND {NOT_RETIRED} GROUP BY source_file", sources,
    ))


# --- an import's writes ----------------------------------------------------------------------


@dataclass
class CardWrites:
    """An import's writes to the cards, collected to be sent in bulk, as the rows of their
    statements."""

    now: str  # when: the time of every write
    # (*CardValues, source_file, created_at, updated_at, id)
    inserts: list[tuple[object, ...]] = field(default_factory=list)
    # (*CardValues, source_file, status, updated_at (None: kept), id): a retired card revives with its status
    updates: list[tuple[object, ...]] = field(default_factory=list)
    regrouped: list[tuple[int, str, str]] = field(default_factory=list)  # (deck_id, topic, card id): reviews follow
    retired: list[tuple[str, str]] = field(default_factory=list)  # (now, card id)
    dropped: list[tuple[str]] = field(default_factory=list)  # (card id,): fresh, its bullet continued by another
    handed: list[tuple[str, str, str]] = field(default_factory=list)  # (fresh id, now, leaving id)
    suspended: list[tuple[str, str]] = field(default_factory=list)  # (merged card id, the card it merged into)


INSERT_COLUMNS = (*CardValues._fields, "source_file", "created_at", "updated_at", "id")
_INSERT_CARD = f"INSERT INTO cards ({', '.join(INSERT_COLUMNS)}) VALUES ({marks(len(INSERT_COLUMNS))})"
_UPDATE_CARD = (
    f"UPDATE cards SET {', '.join(f'{column} = ?' for column in CardValues._fields)}, source_file = ?, status = ?, "
    "retired_suspended = 0, updated_at = coalesce(?, updated_at) WHERE id = ?"
)
# A suspended card that retires remembers it, and revives suspended (the leech mark is kept as it is).
_RETIRE_CARD = (
    "UPDATE cards SET retired_suspended = (status = 'suspended'), status = 'retired', updated_at = ? WHERE id = ?"
)
# A card merged into another with its key (two decks became one): a suspension or leech mark carries over.
_MERGE_SUSPENSION = (
    "UPDATE cards SET status = 'suspended', leech = leech OR (SELECT leech FROM cards AS merged WHERE merged.id = ?) "
    "WHERE id = ?"
)
_PLACE_COLUMNS = (
    "deck_id, identity, definition_key, direction, context, topic, front, back, front_plain, back_plain, "
    "source_line, position, source_file"
)
# The leaving card takes the fresh card's place (deck, key, text, file).
_HAND_OVER = (
    f"UPDATE cards SET ({_PLACE_COLUMNS}) = (SELECT {_PLACE_COLUMNS} FROM cards AS fresh WHERE fresh.id = ?), "
    "updated_at = ? WHERE id = ?"
)


def write(connection: Connection, writes: CardWrites) -> None:
    """Every write of `writes`, in bulk: many inserted or updated rows take `write_many`'s path
    (indexes built once after, not row by row)."""
    # Retire first: a vanished card's key may be taken by a card of this import.
    retiring = writes.retired + [(writes.now, card_id) for card_id, in writes.dropped]
    if retiring:
        connection.execute(_RETIRE_CARD, retiring)
    if writes.handed:
        connection.execute(_HAND_OVER, writes.handed)
        connection.execute(
            "UPDATE reviews SET (deck_id, topic) = (SELECT deck_id, topic FROM cards WHERE cards.id = ?) "
            "WHERE card_id = ?", [(leaving, leaving) for _, _, leaving in writes.handed],
        )
    if writes.dropped:
        # Dropped and answered, a card stays retired: its answers are history.
        connection.execute(
            "DELETE FROM cards WHERE id = ? AND NOT EXISTS (SELECT 1 FROM reviews WHERE card_id = cards.id)",
            writes.dropped,
        )
    if writes.updates:
        connection.write_many("cards", _UPDATE_CARD, writes.updates)
    if writes.inserts:
        connection.write_many("cards", _INSERT_CARD, writes.inserts)
    if writes.regrouped:
        connection.execute("UPDATE reviews SET deck_id = ?, topic = ? WHERE card_id = ?", writes.regrouped)
    if writes.suspended:
        connection.execute(_MERGE_SUSPENSION, writes.suspended)
