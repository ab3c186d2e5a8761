"""A review session: which card comes next, answering, undo, skip, and the summary.

The queue is asked of the database before every card (indexed queries), so limits
hold across sessions and processes. Each answer is one short write transaction; no
transaction is ever open while the learner thinks.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mlsflash import clock, sm2
from mlsflash.errors import MlsflashError
from mlsflash.model import Grade, ReviewState
from mlsflash.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.sql.elements import ColumnElement

    from mlsflash.storage import Store

SCHEDULED = "scheduled"
REDRILL = "redrill"
PASSING_REDRILL_GRADE = 4


@dataclass(frozen=True)
class QueueCard:
    id: str
    deck: str
    context: tuple[str, ...]
    front: str
    back: str
    source_file: str
    source_line: int
    state: ReviewState
    kind: str  # new | due | redrill


@dataclass(frozen=True)
class Counts:
    new: int
    due: int
    redrill: int


@dataclass(frozen=True)
class AnswerResult:
    card: QueueCard
    grade: Grade
    kind: str  # scheduled | redrill
    after: ReviewState
    leech_suspended: bool


@dataclass
class Summary:
    answers: int = 0
    cards: int = 0
    correct: int = 0
    seconds: float = 0.0
    next_due: date | None = None
    new_waiting: int = 0

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass
class _Answered:
    review_id: int
    card_id: str
    kind: str
    grade: int


@dataclass
class ReviewSession:
    store: Store
    today: date
    settings: Settings
    deck: str | None = None
    topic: str | None = None
    new_limit: int | None = None  # --new: replaces new_per_day for this run
    limit: int | None = None  # --limit: scheduled cards in this session
    _answered: list[_Answered] = field(default_factory=list)
    _show_first: str | None = None
    _deck_id: int | None = None
    _started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.deck is not None:
            from mlsflash.catalog import require_deck

            with self.store.read() as connection:
                self._deck_id = require_deck(connection, self.deck)

    # --- the queue ----------------------------------------------------------------

    def next_card(self) -> QueueCard | None:
        with self.store.read() as connection:
            if self._show_first is not None:
                card_id, self._show_first = self._show_first, None
                card = self._load(connection, card_id)
                if card is not None:
                    return card
            for kind, query in self._queries(connection):
                row = connection.execute(query.limit(1)).first()
                if row is not None:
                    return self._queue_card(row, kind)
        return None

    def counts(self) -> Counts:
        from sqlalchemy import func, select

        with self.store.read() as connection:
            budget_new, budget_due = self._budgets(connection)
            due = connection.execute(select(func.count()).select_from(self._due_query().subquery())).scalar_one()
            new = connection.execute(select(func.count()).select_from(self._new_query().subquery())).scalar_one()
            redrill = connection.execute(
                select(func.count()).select_from(self._redrill_query().subquery())
            ).scalar_one()
        return Counts(new=min(new, budget_new), due=min(due, budget_due), redrill=redrill)

    def _queries(self, connection: Connection) -> list[tuple[str, Any]]:
        budget_new, budget_due = self._budgets(connection)
        queries: list[tuple[str, Any]] = []
        if budget_due > 0:
            queries.append(("due", self._due_query()))
        if budget_new > 0:
            queries.append(("new", self._new_query()))
        queries.append(("redrill", self._redrill_query()))
        return queries

    def _budgets(self, connection: Connection) -> tuple[int, int]:
        """How many new and due cards may still be shown (daily limits, --limit)."""
        from sqlalchemy import func, select

        from mlsflash.storage.schema import Review

        today = self.today.isoformat()
        introduced, reviewed = connection.execute(
            select(
                func.count().filter(Review.due_before.is_(None)),
                func.count().filter(Review.due_before.is_not(None)),
            ).where(Review.study_day == today, Review.kind == SCHEDULED)
        ).one()
        new_per_day = self.settings.new_per_day if self.new_limit is None else self.new_limit
        budget_new = max(0, new_per_day - introduced)
        budget_due = 1 << 62
        if self.settings.max_reviews_per_day is not None:
            budget_due = max(0, self.settings.max_reviews_per_day - reviewed)
        if self.limit is not None:
            left = max(0, self.limit - sum(1 for answer in self._answered if answer.kind == SCHEDULED))
            budget_new, budget_due = min(budget_new, left), min(budget_due, left)
        return budget_new, budget_due

    def _visible(self) -> list[ColumnElement[bool]]:
        from sqlalchemy import or_

        from mlsflash.storage.schema import Card

        conditions = [Card.status == "active", or_(Card.buried_on.is_(None), Card.buried_on != self.today.isoformat())]
        if self._deck_id is not None:
            conditions.append(Card.deck_id == self._deck_id)
        if self.topic:
            conditions.append(Card.context.ilike(f"%{self.topic}%"))
        return conditions

    def _card_columns(self) -> Any:
        from sqlalchemy import select

        from mlsflash.storage.schema import Card, Deck

        return select(Card.__table__, Deck.name.label("deck_name")).join(Deck, Deck.id == Card.deck_id)

    def _due_query(self) -> Any:
        from mlsflash.storage.schema import Card

        return (
            self._card_columns()
            .where(*self._visible(), Card.due <= self.today.isoformat())
            .order_by(Card.due, Card.deck_id, Card.source_file, Card.position)
        )

    def _new_query(self) -> Any:
        from mlsflash.storage.schema import Card

        return (
            self._card_columns()
            .where(*self._visible(), Card.due.is_(None))
            .order_by(Card.deck_id, Card.source_file, Card.position)
        )

    def _redrill_query(self) -> Any:
        """Cards whose latest answer today was below 4: shown again until they score 4 or 5."""
        from sqlalchemy import func, select

        from mlsflash.storage.schema import Card, Review

        latest = (
            select(Review.card_id, func.max(Review.id).label("last_id"))
            .where(Review.study_day == self.today.isoformat())
            .group_by(Review.card_id)
            .subquery()
        )
        return (
            self._card_columns()
            .join(latest, latest.c.card_id == Card.id)
            .join(Review, Review.id == latest.c.last_id)
            .where(*self._visible(), Review.grade < PASSING_REDRILL_GRADE)
            .order_by(Review.id)
        )

    def _load(self, connection: Connection, card_id: str) -> QueueCard | None:
        from mlsflash.storage.schema import Card

        row = connection.execute(self._card_columns().where(Card.id == card_id)).first()
        if row is None or row.status != "active":
            return None
        return self._queue_card(row, self._kind_of(connection, row))

    def _kind_of(self, connection: Connection, row: Any) -> str:
        if self._reviewed_today(connection, row.id):
            return "redrill"
        return "new" if row.due is None else "due"

    def _reviewed_today(self, connection: Connection, card_id: str) -> bool:
        from sqlalchemy import select

        from mlsflash.storage.schema import Review

        query = select(Review.id).where(Review.card_id == card_id, Review.study_day == self.today.isoformat())
        return connection.execute(query.limit(1)).first() is not None

    @staticmethod
    def _queue_card(row: Any, kind: str) -> QueueCard:
        return QueueCard(
            id=row.id,
            deck=row.deck_name,
            context=tuple(json.loads(row.context)),
            front=row.front,
            back=row.back,
            source_file=row.source_file,
            source_line=row.source_line,
            state=_state_of(row),
            kind=kind,
        )

    # --- actions ------------------------------------------------------------------

    def answer(self, card: QueueCard, grade: Grade | int, duration_ms: int = 0) -> AnswerResult:
        """Record one answer and commit it before anything else is shown."""
        from sqlalchemy import update

        from mlsflash.storage.schema import Card, Review

        grade = Grade(grade)
        with self.store.write() as connection:
            row = connection.execute(self._card_columns().where(Card.id == card.id)).first()
            if row is None or row.status != "active":
                raise MlsflashError(f"card {card.id} is no longer in review (suspended or retired meanwhile)")
            before = _state_of(row)
            kind = REDRILL if self._reviewed_today(connection, card.id) else SCHEDULED
            after, leech = before, False
            values: dict[str, Any] = {}
            if kind == SCHEDULED:
                outcome = sm2.review(before, grade, self.today)
                after = outcome.after
                leech = outcome.lapsed and after.lapses >= self.settings.leech_lapses
                values = {
                    "repetitions": after.repetitions,
                    "easiness": after.easiness,
                    "interval": after.interval,
                    "due": after.due.isoformat() if after.due else None,
                    "lapses": after.lapses,
                }
                if leech:
                    values.update(status="suspended", leech=True)
                connection.execute(update(Card).where(Card.id == card.id).values(**values))
            review_id = connection.execute(
                Review.__table__.insert().values(
                    card_id=card.id,
                    reviewed_at=clock.timestamp(),
                    study_day=self.today.isoformat(),
                    grade=int(grade),
                    kind=kind,
                    duration_ms=duration_ms,
                    **_columns(before, "before"),
                    status_before=row.status,
                    leech_before=bool(row.leech),
                    **_columns(after, "after"),
                )
            ).inserted_primary_key[0]
        self._answered.append(_Answered(review_id, card.id, kind, int(grade)))
        return AnswerResult(card=card, grade=grade, kind=kind, after=after, leech_suspended=leech)

    def undo(self) -> QueueCard | None:
        """Take back the last answer of this session: card state and log exactly as before."""
        from sqlalchemy import delete, select, update

        from mlsflash.storage.schema import Card, Review

        if not self._answered:
            return None
        last = self._answered.pop()
        with self.store.write() as connection:
            review = connection.execute(select(Review).where(Review.id == last.review_id)).first()
            if review is None:
                raise MlsflashError("the last answer was already removed by another session")
            connection.execute(
                update(Card)
                .where(Card.id == last.card_id)
                .values(
                    repetitions=review.repetitions_before,
                    easiness=review.easiness_before,
                    interval=review.interval_before,
                    due=review.due_before,
                    lapses=review.lapses_before,
                    status=review.status_before,
                    leech=review.leech_before,
                )
            )
            connection.execute(delete(Review).where(Review.id == last.review_id))
        self._show_first = last.card_id
        with self.store.read() as connection:
            return self._load(connection, last.card_id)

    def skip(self, card: QueueCard) -> None:
        """Hide the card for the rest of the study day; its schedule does not change."""
        from sqlalchemy import update

        from mlsflash.storage.schema import Card

        with self.store.write() as connection:
            connection.execute(update(Card).where(Card.id == card.id).values(buried_on=self.today.isoformat()))

    @property
    def can_undo(self) -> bool:
        return bool(self._answered)

    def summary(self) -> Summary:
        from sqlalchemy import func, select

        from mlsflash.storage.schema import Card

        result = Summary(
            answers=len(self._answered),
            cards=len({answer.card_id for answer in self._answered}),
            correct=sum(1 for answer in self._answered if answer.grade >= Grade.HARD),
            seconds=time.monotonic() - self._started,
        )
        with self.store.read() as connection:
            next_due = connection.execute(
                select(func.min(Card.due)).where(Card.status == "active", Card.due.is_not(None))
            ).scalar()
            result.new_waiting = connection.execute(
                select(func.count()).where(Card.status == "active", Card.due.is_(None))
            ).scalar_one()
        result.next_due = date.fromisoformat(next_due) if next_due else None
        return result


def _state_of(row: Any) -> ReviewState:
    return ReviewState(
        repetitions=row.repetitions,
        easiness=row.easiness,
        interval=row.interval,
        due=date.fromisoformat(row.due) if row.due else None,
        lapses=row.lapses,
    )


def _columns(state: ReviewState, suffix: str) -> dict[str, Any]:
    return {
        f"repetitions_{suffix}": state.repetitions,
        f"easiness_{suffix}": state.easiness,
        f"interval_{suffix}": state.interval,
        f"due_{suffix}": state.due.isoformat() if state.due else None,
        f"lapses_{suffix}": state.lapses,
    }
