"""The review queue's SQL: which cards a session shows, in what order, what a card on screen
needs, and what the session tells when none is left. Every function takes an open
`Connection` of `Store.read()`/`write()`:
- `card_filter(day, deck_id=None, topic=None) -> CardFilter`: the cards a session draws from;
- `due_ids(connection, cards, day, limit)`, `new_ids(connection, cards, limit) -> list[QueuedId]`:
  in the order they are shown (`limit` -1: all);
- `redrill_ids(connection, cards, day, passing_grade) -> list[str]`: cards whose latest answer
  of the day was below `passing_grade`, oldest answer first;
- `card(connection, card_id) -> QueuedCard | None`: a card as the screen shows it, by primary key;
- `sibling_of(connection, card_id)`, `siblings_answered_on(connection, day)`: the other direction
  of a card's bullet;
- `first_due(connection)`, `new_waiting(connection)`, `outlook_counts(connection, cards, day)`:
  what a session's summary tells.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from mlsflash.model import Direction, ReviewState
from mlsflash.storage.functions import SHOWS_FUNCTION
from mlsflash.storage.predicates import ACTIVE, NEW, SEEN
from mlsflash.storage.reviews import review_state
from mlsflash.storage.rows import all_as, rows_as

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection

_NOT_BURIED = "(c.buried_on IS NULL OR c.buried_on != ?)"  # skipped or buried: hidden this study day


class CardFilter(NamedTuple):  # not a dataclass: a review's first card waits for this module's import
    """The cards a session draws from: active, of its deck and topic, not buried on its day,
    as SQL over `cards c` and its parameters; `buried` the same cards buried on that day."""

    sql: str
    params: tuple[Any, ...]
    buried: str


def card_filter(day: date, deck_id: int | None = None, topic: str | None = None) -> CardFilter:
    conditions = [f"c.{ACTIVE}", _NOT_BURIED]
    params: list[Any] = [day.isoformat()]
    if deck_id is not None:
        conditions.append("c.deck_id = ?")
        params.append(deck_id)
    if topic:
        conditions.append(f"{SHOWS_FUNCTION}(?, c.context)")  # see textsearch: the context as displayed
        params.append(topic)
    sql = " AND ".join(conditions)
    return CardFilter(sql, tuple(params), sql.replace(_NOT_BURIED, "c.buried_on = ?"))


# --- the queue -----------------------------------------------------------------------------


class QueuedId(NamedTuple):
    id: str
    direction: str  # a `Direction` value


def due_ids(connection: Connection, cards: CardFilter, day: date, limit: int) -> list[QueuedId]:
    """Up to `limit` (-1: all) of the cards due by `day`, the most overdue first, then in note order."""
    return all_as(connection.execute(
        f"SELECT c.id, c.direction FROM cards c WHERE {cards.sql} AND "
        "c.due <= ? ORDER BY c.due, c.deck_id, c.source_file, c.position LIMIT ?",
        (*cards.params, day.isoformat(), limit),
    ), QueuedId)


def new_ids(connection: Connection, cards: CardFilter, limit: int) -> list[QueuedId]:
    """Up to `limit` (-1: all) of the new cards, in note order."""
    return all_as(connection.execute(
        f"SELECT c.id, c.direction FROM cards c WHERE {cards.sql} AND "
        "c.due IS NULL ORDER BY c.deck_id, c.source_file, c.position LIMIT ?",
        (*cards.params, limit),
    ), QueuedId)


def redrill_ids(connection: Connection, cards: CardFilter, day: date, passing_grade: int) -> list[str]:
    """The cards whose latest answer on `day` was below `passing_grade`, in the order of those answers."""
    return connection.execute(
        "SELECT c.id FROM cards c JOIN (SELECT card_id, max(id) AS last_id FROM reviews WHERE study_day = ? "
        "GROUP BY card_id) latest ON latest.card_id = c.id JOIN reviews r ON r.id = latest.last_id "
        f"WHERE {cards.sql} AND r.grade < {int(passing_grade)} ORDER BY r.id",
        (day.isoformat(), *cards.params),
    ).scalars()


class QueuedCard(NamedTuple):
    """What the screen and the queue's checks need of a card (`due`, `buried_on`: ISO days)."""

    id: str
    deck_name: str
    context: str  # a JSON list of headings
    front: str
    back: str
    source_file: str
    source_line: int
    direction: str  # a `Direction` value
    status: str  # a `Status` value
    buried_on: str | None
    repetitions: int
    easiness: int  # hundredths
    interval: int
    due: str | None
    lapses: int
    stability: float | None
    difficulty: float | None

    @property
    def state(self) -> ReviewState:
        return review_state(self)


def card(connection: Connection, card_id: str) -> QueuedCard | None:
    return next(rows_as(connection.execute(
        "SELECT c.id, d.name AS deck_name, c.context, c.front, c.back, c.source_file, c.source_line, c.direction, "
        "c.status, c.buried_on, c.repetitions, c.easiness, c.interval, c.due, c.lapses, c.stability, c.difficulty "
        "FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.id = ?",
        (card_id,),
    ), QueuedCard), None)


# --- the other direction of a bullet ----------------------------------------------------------

# The other direction of a card's bullet (same deck, file and line). A card's identity ends with
# its direction (drafts.CardDraft.key), so the sibling is one lookup on the deck identity index.
_SIBLING_JOIN = (
    "JOIN cards s ON s.deck_id = c.deck_id AND s.status != 'retired' AND s.identity = "
    "substr(c.identity, 1, length(c.identity) - length(c.direction)) || "
    f"CASE c.direction WHEN '{Direction.FORWARD.value}' THEN '{Direction.REVERSE.value}' "
    f"ELSE '{Direction.FORWARD.value}' END "
    "AND s.source_file = c.source_file AND s.source_line = c.source_line AND s.id != c.id"
)


def sibling_of(connection: Connection, card_id: str) -> str | None:
    """The id of the live card of the other direction of `card_id`'s bullet, if any."""
    return connection.execute(f"SELECT s.id FROM cards c {_SIBLING_JOIN} WHERE c.id = ?", (card_id,)).scalar()


def siblings_answered_on(connection: Connection, day: date) -> set[str]:
    """The live cards whose bullet's other direction was answered on `day`."""
    return set(connection.execute(
        f"SELECT DISTINCT s.id FROM reviews r JOIN cards c ON c.id = r.card_id {_SIBLING_JOIN} WHERE r.study_day = ?",
        (day.isoformat(),),
    ).scalars())


# --- what is left --------------------------------------------------------------------------


def first_due(connection: Connection) -> date | None:
    """The earliest due day of the collection's seen active cards."""
    due = connection.execute(f"SELECT min(due) FROM cards WHERE {SEEN}").scalar()
    return date.fromisoformat(due) if due else None


def new_waiting(connection: Connection) -> int:
    """The collection's new active cards."""
    return int(connection.execute(f"SELECT count(*) FROM cards WHERE {NEW}").scalar())


class OutlookCounts(NamedTuple):
    due: int  # due by the day, held-back siblings included
    new: int  # ... and new
    buried: int  # skipped or buried on the day
    next_due: date | None  # the first due day after it


def outlook_counts(connection: Connection, cards: CardFilter, day: date) -> OutlookCounts:
    """What is left of the session's cards on `day`."""
    today = day.isoformat()
    count = f"SELECT count(*) FROM cards c WHERE {cards.sql} AND "
    due = connection.execute(count + "c.due <= ?", (*cards.params, today)).scalar()
    new = connection.execute(count + "c.due IS NULL", cards.params).scalar()
    buried = connection.execute(f"SELECT count(*) FROM cards c WHERE {cards.buried}", cards.params).scalar()
    next_due = connection.execute(
        f"SELECT min(c.due) FROM cards c WHERE {cards.sql} AND c.due > ?", (*cards.params, today),
    ).scalar()
    return OutlookCounts(due, new, buried, date.fromisoformat(next_due) if next_due else None)
