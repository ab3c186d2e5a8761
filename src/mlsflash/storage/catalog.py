"""The collection's SQL as `decks`, `cards`, export and suspend read and change it. Every
function takes an open `Connection` of `Store.read()`/`write()`:
- `deck_summaries(connection, today) -> list[DeckSummary]`, `holds_cards(connection)`;
- `deck_named(connection, name)`, `decks(connection)`, `deck_names(connection)`: finding a deck;
- `deck_contents(connection, deck_id, name) -> DeckContents`, `delete_deck(connection, deck_id)`;
- `card_rows(connection, deck_id=None, search=None, status=None, include_retired=True) -> list[CardRow]`;
- `package_cards(connection, deck_id, bundled_prefix) -> list[PackageCard]`;
- `card_statuses(connection, ids)`, `set_status(connection, ids, status, keep_leech=...)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

from mlsflash.states import Status, UserStatus
from mlsflash.storage import predicates
from mlsflash.storage.functions import SHOWS_FUNCTION
from mlsflash.storage.rows import all_as

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


# --- decks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeckSummary:
    name: str
    total: int
    new: int
    due: int
    suspended: int
    retired: int
    files: int  # notes files that feed the deck
    warnings: int  # bullets those files skipped at their last import


def deck_summaries(connection: Connection, today: date) -> list[DeckSummary]:
    """Every deck's card counts on study day `today`, by name."""
    query = f"""
        SELECT d.name,
          count(*) FILTER (WHERE {predicates.NOT_RETIRED}),
          count(*) FILTER (WHERE {predicates.NEW}),
          count(*) FILTER (WHERE {predicates.DUE}),
          count(*) FILTER (WHERE {predicates.SUSPENDED}),
          count(*) FILTER (WHERE {predicates.RETIRED}),
          (SELECT count(*) FROM source_files f WHERE f.deck_id = d.id),
          (SELECT coalesce(sum(json_array_length(f.warnings)), 0) FROM source_files f WHERE f.deck_id = d.id)
        FROM decks d LEFT JOIN cards c ON c.deck_id = d.id
        GROUP BY d.id ORDER BY d.name
    """
    return [DeckSummary(*row) for row in connection.execute(query, {"today": today.isoformat()})]


def holds_cards(connection: Connection) -> bool:
    return connection.execute("SELECT 1 FROM cards LIMIT 1").first() is not None


class Deck(NamedTuple):
    id: int
    name: str


def deck_named(connection: Connection, name: str) -> Deck | None:
    """The deck spelled exactly `name`, if any."""
    found = connection.execute("SELECT id, name FROM decks WHERE name = ?", (name,)).first()
    return None if found is None else Deck(*found)


def decks(connection: Connection) -> list[Deck]:
    """Every deck, oldest first."""
    return all_as(connection.execute("SELECT id, name FROM decks ORDER BY id"), Deck)


def deck_names(connection: Connection) -> list[str]:
    """Every deck's name, in name order."""
    return list(connection.execute("SELECT name FROM decks ORDER BY name").scalars())


@dataclass(frozen=True)
class DeckContents:
    """What deleting a deck removes from the database (never the notes files themselves)."""

    name: str
    cards: int  # retired ones included
    retired: int
    reviews: int
    files: tuple[str, ...]  # the notes files remembered for it


def deck_contents(connection: Connection, deck_id: int, name: str) -> DeckContents:
    cards, retired = connection.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {predicates.RETIRED}) FROM cards WHERE deck_id = ?", (deck_id,)
    ).one()
    reviews = connection.execute(
        "SELECT count(*) FROM reviews WHERE card_id IN (SELECT id FROM cards WHERE deck_id = ?)", (deck_id,)
    ).scalar_one()
    files = connection.execute(
        "SELECT path FROM source_files WHERE deck_id = ? ORDER BY path", (deck_id,)
    ).scalars()
    return DeckContents(name, cards, retired, reviews, tuple(files))


def delete_deck(connection: Connection, deck_id: int) -> None:
    """The deck, its cards, their reviews, its topics' domains and its remembered files."""
    for statement in (
        "DELETE FROM reviews WHERE card_id IN (SELECT id FROM cards WHERE deck_id = ?)",
        "DELETE FROM cards WHERE deck_id = ?",
        "DELETE FROM exam_topic_map WHERE deck_id = ?",
        "DELETE FROM exam_declarations WHERE source_file IN (SELECT path FROM source_files WHERE deck_id = ?)",
        "DELETE FROM source_files WHERE deck_id = ?",
        "DELETE FROM decks WHERE id = ?",
    ):
        connection.execute(statement, (deck_id,))


# --- cards ---------------------------------------------------------------------------------


class CardRow(NamedTuple):
    """A card as the JSON export and `cards` describe it."""

    id: str
    deck_name: str
    context: tuple[str, ...]  # the headings above the bullet
    front_plain: str
    back_plain: str
    direction: str  # a `model.Direction` value
    source_file: str
    source_line: int
    user_status: str  # a `states.UserStatus` value
    repetitions: int
    easiness: int  # EF in hundredths
    interval: int
    due: str | None  # ISO date; None while new
    lapses: int
    leech: bool
    stability: float | None
    difficulty: float | None


def card_rows(
    connection: Connection, *, deck_id: int | None = None, search: str | None = None,
    status: UserStatus | str | None = None, include_retired: bool = True,
) -> list[CardRow]:
    """The cards of one deck (or all) whose text shows `search`, in `status` (else every card,
    or every one not retired), in deck and note order."""
    conditions: list[str] = ["1"]
    params: list[Any] = []
    if deck_id is not None:
        conditions.append("c.deck_id = ?")
        params.append(deck_id)
    if search:
        conditions.append(f"{SHOWS_FUNCTION}(?, c.context, c.front_plain, c.back_plain)")
        params.append(search)
    if status is not None:
        conditions.append(f"({predicates.USER_STATUS}) = ?")
        params.append(UserStatus(status).value)
    elif not include_retired:
        conditions.append(predicates.NOT_RETIRED)
    rows = connection.execute(
        "SELECT c.id, d.name AS deck_name, c.context, c.front_plain, c.back_plain, c.direction, c.source_file, "
        f"c.source_line, ({predicates.USER_STATUS}) AS user_status, c.repetitions, c.easiness, c.interval, c.due, "
        "c.lapses, c.leech, c.stability, c.difficulty "
        f"FROM cards c JOIN decks d ON d.id = c.deck_id WHERE {' AND '.join(conditions)} "
        "ORDER BY d.name, c.source_file, c.position",
        tuple(params),
    ).all()
    return [CardRow._make((row[0], row[1], tuple(json.loads(row[2])), *row[3:14], bool(row[14]), *row[15:]))
            for row in rows]


class PackageCard(NamedTuple):
    """What the Anki export needs of a card: its Markdown, place, status, schedule and last edit."""

    id: str
    deck: str
    context: str  # JSON list
    front: str  # the stored Markdown subset
    back: str
    source_file: str
    source_line: int
    status: str  # active | suspended
    repetitions: int
    easiness: int  # EF in hundredths
    interval: int
    due: str | None  # ISO date; None while new
    lapses: int
    leech: bool
    updated_at: str  # when its text (front, back, context) last changed
    bundled: bool  # from a notes file that ships with mlsflash


def package_cards(connection: Connection, deck_id: int | None, bundled_prefix: str) -> list[PackageCard]:
    """Every card that is not retired (of one deck, or all), in deck and note order; `bundled`
    when its file's path starts with `bundled_prefix`."""
    query = f"""
        SELECT c.id, d.name, c.context, c.front, c.back, c.source_file, c.source_line, c.status,
          c.repetitions, c.easiness, c.interval, c.due, c.lapses, c.leech, c.updated_at,
          substr(c.source_file, 1, {len(bundled_prefix)}) = ?
        FROM cards c JOIN decks d ON d.id = c.deck_id
        WHERE {predicates.NOT_RETIRED} AND (? IS NULL OR c.deck_id = ?)
        ORDER BY d.name, c.source_file, c.position
    """
    rows = connection.execute(query, (bundled_prefix, deck_id, deck_id)).all()
    return [PackageCard._make((*row[:13], bool(row[13]), row[14], bool(row[15]))) for row in rows]


def card_statuses(connection: Connection, ids: Sequence[str]) -> dict[str, str]:
    """Card id -> its stored status (a `states.Status` value), for those of `ids` that exist."""
    return dict(
        connection.execute("SELECT id, status FROM cards WHERE id IN (SELECT value FROM json_each(?))",
                           (json.dumps(list(ids)),)).all()
    )


def set_status(connection: Connection, ids: Sequence[str], status: Status, *, keep_leech: bool) -> None:
    """Give the cards `status`; their leech mark is cleared unless `keep_leech`."""
    leech = "leech" if keep_leech else "0"
    connection.execute(
        f"UPDATE cards SET status = ?, leech = {leech} WHERE id IN (SELECT value FROM json_each(?))",
        (status.value, json.dumps(list(ids))),
    )
