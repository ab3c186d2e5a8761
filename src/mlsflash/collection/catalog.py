"""Read and curate the collection: decks, card search, export, suspend/unsuspend."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Sequence

from mlsflash.errors import MlsflashError
from mlsflash.states import Status, UserStatus
from mlsflash.storage import catalog as catalog_db
from mlsflash.storage.catalog import Deck
from mlsflash.storage.catalog import DeckContents as DeckContents  # what the cards commands show
from mlsflash.storage.catalog import DeckSummary as DeckSummary
from mlsflash.storage.catalog import PackageCard as PackageCard

if TYPE_CHECKING:
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection

STATUSES = tuple(status.value for status in UserStatus)


def deck_summaries(store: Store, today: date) -> list[DeckSummary]:
    with store.read() as connection:
        return catalog_db.deck_summaries(connection, today)


def deck_contents(store: Store, name: str) -> DeckContents:
    with store.read() as connection:
        deck = named_deck(connection, name)
        return catalog_db.deck_contents(connection, deck.id, deck.name)


def delete_deck(store: Store, name: str) -> DeckContents:
    """Delete a deck, its cards, their reviews and its remembered files, in one transaction.
    Returns what was deleted, counted inside that transaction."""
    with store.write() as connection:
        deck = named_deck(connection, name)
        contents = catalog_db.deck_contents(connection, deck.id, deck.name)
        catalog_db.delete_deck(connection, deck.id)
    return contents


def collection_is_empty(store: Store) -> bool:
    with store.read() as connection:
        return not catalog_db.holds_cards(connection)


def require_deck(connection: Connection, name: str) -> int:
    return named_deck(connection, name).id


def named_deck(connection: Connection, name: str) -> Deck:
    """The deck (id, name) `name` names, in any case and spacing (`model.deck_key`). A database
    from before that rule may hold two such decks: the one spelled exactly so, else the oldest."""
    from mlsflash.model import deck_key

    deck = catalog_db.deck_named(connection, name)
    if deck is None:
        key = deck_key(name)
        deck = next((held for held in catalog_db.decks(connection) if deck_key(held.name) == key), None)
    if deck is None:
        names = catalog_db.deck_names(connection)
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
    with store.read() as connection:
        deck_id = require_deck(connection, deck) if deck is not None else None
        rows = catalog_db.card_rows(connection, deck_id=deck_id, search=search, status=status,
                                    include_retired=include_retired)
    return [_record(row, today, decay) for row in rows]


def _record(card: catalog_db.CardRow, today: date | None, decay: float | None) -> dict[str, Any]:
    from mlsflash.scheduling import memory

    recall = None
    if card.stability is not None and card.due is not None and today is not None:
        last_review = date.fromisoformat(card.due).toordinal() - card.interval
        recall = memory.retrievability(card.stability, today.toordinal() - last_review, decay or memory.DEFAULT_DECAY)
    return {
        "id": card.id,
        "deck": card.deck_name,
        "context": list(card.context),
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
        "leech": card.leech,
        "stability": _rounded(card.stability),
        "difficulty": _rounded(card.difficulty),
        "retrievability": _rounded(recall),
    }


def package_cards(store: Store, deck: str | None = None) -> list[PackageCard]:
    """Every card that is not retired (of one deck, or all), in deck and note order."""
    from mlsflash.notes.importer import BUNDLED_PREFIX

    with store.read() as connection:
        deck_id = require_deck(connection, deck) if deck is not None else None
        return catalog_db.package_cards(connection, deck_id, BUNDLED_PREFIX)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def set_suspended(store: Store, card_ids: Sequence[str], suspended: bool) -> int:
    """Suspend or unsuspend cards by id; every id must exist. Returns how many changed."""
    wanted = list(dict.fromkeys(card_ids))
    with store.write() as connection:
        rows = catalog_db.card_statuses(connection, wanted)
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
        catalog_db.set_status(connection, changing, target, keep_leech=suspended)
    return len(changing)
