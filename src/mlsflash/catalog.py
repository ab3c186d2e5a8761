"""Read and curate the collection: decks, card search, export, suspend/unsuspend."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

from mlsflash import states
from mlsflash.errors import MlsflashError
from mlsflash.states import Status, UserStatus
from mlsflash.textsearch import SHOWS_FUNCTION

if TYPE_CHECKING:
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection, Row

STATUSES = tuple(status.value for status in UserStatus)


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


def deck_summaries(store: Store, today: date) -> list[DeckSummary]:
    query = f"""
        SELECT d.name,
          count(*) FILTER (WHERE {states.NOT_RETIRED}),
          count(*) FILTER (WHERE {states.NEW}),
          count(*) FILTER (WHERE {states.DUE}),
          count(*) FILTER (WHERE {states.SUSPENDED}),
          count(*) FILTER (WHERE {states.RETIRED}),
          (SELECT count(*) FROM source_files f WHERE f.deck_id = d.id),
          (SELECT coalesce(sum(json_array_length(f.warnings)), 0) FROM source_files f WHERE f.deck_id = d.id)
        FROM decks d LEFT JOIN cards c ON c.deck_id = d.id
        GROUP BY d.id ORDER BY d.name
    """
    with store.read() as connection:
        return [DeckSummary(*row) for row in connection.execute(query, {"today": today.isoformat()})]


@dataclass(frozen=True)
class DeckContents:
    """What deleting a deck removes from the database (never the notes files themselves)."""

    name: str
    cards: int  # retired ones included
    retired: int
    reviews: int
    files: tuple[str, ...]  # the notes files remembered for it


def deck_contents(store: Store, name: str) -> DeckContents:
    with store.read() as connection:
        deck = named_deck(connection, name)
        return _deck_contents(connection, deck.id, deck.name)


def _deck_contents(connection: Connection, deck_id: int, name: str) -> DeckContents:
    cards, retired = connection.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {states.RETIRED}) FROM cards WHERE deck_id = ?", (deck_id,)
    ).one()
    reviews = connection.execute(
        "SELECT count(*) FROM reviews WHERE card_id IN (SELECT id FROM cards WHERE deck_id = ?)", (deck_id,)
    ).scalar_one()
    files = connection.execute(
        "SELECT path FROM source_files WHERE deck_id = ? ORDER BY path", (deck_id,)
    ).scalars()
    return DeckContents(name, cards, retired, reviews, tuple(files))


def delete_deck(store: Store, name: str) -> DeckContents:
    """Delete a deck, its cards, their reviews and its remembered files, in one transaction.
    Returns what was deleted, counted inside that transaction."""
    with store.write() as connection:
        deck = named_deck(connection, name)
        deck_id = deck.id
        contents = _deck_contents(connection, deck_id, deck.name)
        for statement in (
            "DELETE FROM reviews WHERE card_id IN (SELECT id FROM cards WHERE deck_id = ?)",
            "DELETE FROM cards WHERE deck_id = ?",
            "DELETE FROM exam_topic_map WHERE deck_id = ?",
            "DELETE FROM exam_declarations WHERE source_file IN (SELECT path FROM source_files WHERE deck_id = ?)",
            "DELETE FROM source_files WHERE deck_id = ?",
            "DELETE FROM decks WHERE id = ?",
        ):
            connection.execute(statement, (deck_id,))
    return contents


def collection_is_empty(store: Store) -> bool:
    with store.read() as connection:
        return connection.execute("SELECT 1 FROM cards LIMIT 1").first() is None


def require_deck(connection: Connection, name: str) -> int:
    return named_deck(connection, name).id


def named_deck(connection: Connection, name: str) -> Row:
    """The deck (id, name) `name` names, in any case and spacing (`model.deck_key`). A database
    from before that rule may hold two such decks: the one spelled exactly so, else the oldest."""
    from mlsflash.model import deck_key

    deck = connection.execute("SELECT id, name FROM decks WHERE name = ?", (name,)).first()
    if deck is None:
        key = deck_key(name)
        deck = next((row for row in connection.execute("SELECT id, name FROM decks ORDER BY id")
                     if deck_key(row.name) == key), None)
    if deck is None:
        names = connection.execute("SELECT name FROM decks ORDER BY name").scalars()
        hint = f"decks: {', '.join(names)}" if names else "import some notes first: mlsflash import NOTES.md"
        raise MlsflashError(f"no deck named {name!r}", hint=hint)
    return deck


def card_records(
    store: Store,
    *,
    deck: str | None = None,
    search: str | None = None,
    status: str | None = None,
    include_retired: bool = True,
    today: date | None = None,
    decay: float | None = None,
) -> list[dict[str, Any]]:
    """Cards as the JSON export describes them, in deck and note order; `retrievability`
    is the probability of recall on `today` under the forgetting curve of `decay`."""
    if status is not None and status not in STATUSES:
        raise MlsflashError(f"unknown status {status!r}", hint=f"statuses: {', '.join(STATUSES)}")
    conditions: list[str] = ["1"]
    params: list[Any] = []
    with store.read() as connection:
        if deck is not None:
            conditions.append("c.deck_id = ?")
            params.append(require_deck(connection, deck))
        if search:
            conditions.append(f"{SHOWS_FUNCTION}(?, c.context, c.front_plain, c.back_plain)")
            params.append(search)
        if status is not None:
            conditions.append(f"({states.USER_STATUS}) = ?")
            params.append(status)
        elif not include_retired:
            conditions.append(states.NOT_RETIRED)
        rows = connection.execute(
            f"SELECT c.*, d.name AS deck_name, ({states.USER_STATUS}) AS user_status "
            f"FROM cards c JOIN decks d ON d.id = c.deck_id WHERE {' AND '.join(conditions)} "
            "ORDER BY d.name, c.source_file, c.position",
            tuple(params),
        ).all()
    return [_record(row, today, decay) for row in rows]


def _record(card: Any, today: date | None, decay: float | None) -> dict[str, Any]:
    from mlsflash import memory

    recall = None
    if card.stability is not None and card.due is not None and today is not None:
        last_review = date.fromisoformat(card.due).toordinal() - card.interval
        recall = memory.retrievability(card.stability, today.toordinal() - last_review, decay or memory.DEFAULT_DECAY)
    return {
        "id": card.id,
        "deck": card.deck_name,
        "context": json.loads(card.context),
        "front": card.front_plain,
        "back": card.back_plain,
        "direction": card.direction,
        "source": {"file": card.source_file, "line": card.source_line},
        "status": card.user_status,
        "repetitions": card.repetitions,
        "easiness": round(card.easiness / 100, 2),
        "interval": card.interval,
        "due": card.due,
        "lapses": card.lapses,
        "leech": bool(card.leech),
        "stability": _rounded(card.stability),
        "difficulty": _rounded(card.difficulty),
        "retrievability": _rounded(recall),
    }


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


def package_cards(store: Store, deck: str | None = None) -> list[PackageCard]:
    """Every card that is not retired (of one deck, or all), in deck and note order."""
    from mlsflash.importer import BUNDLED_PREFIX

    query = f"""
        SELECT c.id, d.name, c.context, c.front, c.back, c.source_file, c.source_line, c.status,
          c.repetitions, c.easiness, c.interval, c.due, c.lapses, c.leech, c.updated_at,
          substr(c.source_file, 1, {len(BUNDLED_PREFIX)}) = ?
        FROM cards c JOIN decks d ON d.id = c.deck_id
        WHERE {states.NOT_RETIRED} AND (? IS NULL OR c.deck_id = ?)
        ORDER BY d.name, c.source_file, c.position
    """
    with store.read() as connection:
        deck_id = require_deck(connection, deck) if deck is not None else None
        rows = connection.execute(query, (BUNDLED_PREFIX, deck_id, deck_id)).all()
    return [PackageCard._make((*row[:13], bool(row[13]), row[14], bool(row[15]))) for row in rows]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def set_suspended(store: Store, card_ids: Sequence[str], suspended: bool) -> int:
    """Suspend or unsuspend cards by id; every id must exist. Returns how many changed."""
    wanted = list(dict.fromkeys(card_ids))
    with store.write() as connection:
        rows = dict(
            connection.execute("SELECT id, status FROM cards WHERE id IN (SELECT value FROM json_each(?))",
                               (json.dumps(wanted),)).all()
        )
        missing = [card_id for card_id in wanted if card_id not in rows]
        if missing:
            raise MlsflashError(
                f"no card with id {', '.join(missing)}", hint="find ids with: mlsflash cards --search TEXT"
            )
        retired = [card_id for card_id in wanted if rows[card_id] == Status.RETIRED]
        if retired:
            raise MlsflashError(f"card {', '.join(retired)} is retired (its bullet left the notes)")
        source, target = (Status.ACTIVE, Status.SUSPENDED) if suspended else (Status.SUSPENDED, Status.ACTIVE)
        changing = [card_id for card_id in wanted if rows[card_id] == source]
        # Unsuspending also clears the leech mark: the learner chose to try the card again.
        leech = "leech" if suspended else "0"
        connection.execute(
            f"UPDATE cards SET status = ?, leech = {leech} WHERE id IN (SELECT value FROM json_each(?))",
            (target.value, json.dumps(changing)),
        )
    return len(changing)
