"""A review session: which card comes next, answering, undo, skip, and the summary.

Daily limits are counted from today's reviews, so they hold across sessions. Each answer
is one short write transaction, which also reads the card that comes next and commits
before it is shown; no transaction is ever open while the learner thinks.

Other sessions may answer, suspend or retire the same cards at any time, so what a card's
answer does is decided from its row inside the write transaction, never from what this
session read earlier; undo takes back exactly the rows this session wrote, or nothing.

The per-answer path (answer, next card, counts) runs a handful of fixed statements
(storage.reviews, storage.queue), each on an index, in one transaction: a fraction of a millisecond at 100k cards and 1M
reviews (docs/performance.md).
"""

from __future__ import annotations

import enum
import json
import time
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Callable, Mapping

from mlsflash import clock
from mlsflash.collection.settings import Settings
from mlsflash.errors import MlsflashError
from mlsflash.model import Direction, Grade, ReviewState
from mlsflash.scheduling import scheduler
from mlsflash.states import ReviewKind, Status
from mlsflash.storage import queue, reviews
from mlsflash.storage.queue import CardFilter, QueuedCard, QueuedId
from mlsflash.storage.reviews import AnswerState, StoredState
from mlsflash.testhook import pause_at

if TYPE_CHECKING:
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection
    from mlsflash.study.exam_date import Pacing

SCHEDULED = ReviewKind.SCHEDULED
REDRILL = ReviewKind.REDRILL
PASSING_REDRILL_GRADE = 4
# SQLite checkpoints on its own every 1,000 WAL pages; an answer writes about five (the card, its
# log row and their index pages). Checkpointing after every answer instead would restart the WAL
# each time, and restarting it costs the next answer a sync.
CHECKPOINT_EVERY = 200

class CardLeftReview(MlsflashError):
    """The card on screen was suspended, retired or answered elsewhere: skip it, go on."""


class UndoRefused(MlsflashError):
    """Another session changed the card since: undoing would overwrite its work."""


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
    direction: Direction = Direction.FORWARD
    confused_with: tuple[str, ...] = ()  # fronts of cards mixed up with it in exam practice


@dataclass(frozen=True)
class Counts:
    new: int
    due: int
    redrill: int


@dataclass(frozen=True)
class AnswerResult:
    card: QueueCard
    grade: Grade
    kind: ReviewKind
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
    held_back: int = 0  # cards whose other direction was answered today: tomorrow
    outlook: Outlook | None = None  # when nothing is left: why, and what comes next

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class Outlook:
    """Why a session ran out of cards, and what comes next."""

    new_waiting: int  # new cards of the session's deck/topic, not yet introduced
    new_today: int  # introduced today (every session counts)
    new_limit: int  # the limit in force: new_per_day, or --new
    new_limit_is_option: bool
    review_cap: int | None  # max_reviews_per_day
    due_capped: int  # due cards held back by that cap
    session_limit: int | None  # --limit, when it was reached
    buried: int  # skipped or buried until tomorrow
    held_back: int  # siblings held back until tomorrow
    next_due: date | None  # the first due date after today
    new_limit_for_exam: bool = False  # raised above new_per_day by an exam date's pace


@dataclass(frozen=True)
class _Answered:
    """An answer on the undo stack: the review row it inserted and the card row it left."""

    review_id: int
    card_id: str
    front: str
    kind: ReviewKind
    grade: int
    before: StoredState  # the card's state before the answer
    written: StoredState  # ... and after it


@dataclass(frozen=True)
class _Skipped:
    card_id: str
    front: str
    buried_before: str | None  # as stored: restored as it was
    buried: date


@dataclass(frozen=True)
class _Suspended:
    card_id: str
    front: str


_Action = _Answered | _Skipped | _Suspended


class _Unread(enum.Enum):
    """What the session has not read from the database: yet, or again since it changed."""

    UNREAD = "unread"


UNREAD = _Unread.UNREAD


@dataclass
class ReviewSession:
    store: Store
    today: date
    settings: Settings
    deck: str | None = None
    topic: str | None = None
    new_limit: int | None = None  # --new: replaces new_per_day for this run
    limit: int | None = None  # --limit: scheduled cards in this session
    _actions: list[_Action] = field(default_factory=list)  # the undo stack, last action last
    _show_first: str | None = None
    # The queue: UNREAD until `_queue` reads it (again after an undo, or a failed answer).
    _due: deque[str] | _Unread = UNREAD
    _new: deque[str] | _Unread = UNREAD
    _redrill: dict[str, None] | _Unread = UNREAD  # ordered: the next re-drill first
    _cards: CardFilter = field(init=False)  # the cards this session draws from
    _held_back: dict[str, str] = field(default_factory=dict)  # sibling held until tomorrow -> new | due
    pacing: Pacing | None = None  # set from the exam date, if any (exam_date.pacing_for)
    _confused: dict[str, list[str]] = field(default_factory=dict)  # card id -> fronts often confused with it
    _prefetched: QueueCard | None | _Unread = UNREAD  # the next card (None: none left), read by `answer`
    _unchecked_answers: int = 0  # answers written since the last checkpoint
    _reverse_queued: bool = False  # a reverse card was among the due or new cards read
    _started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        deck_id = None
        if self.deck is not None:
            from mlsflash.collection.catalog import require_deck

            with self.store.read() as connection:
                deck_id = require_deck(connection, self.deck)
        self._cards = queue.card_filter(self.today, deck_id, self.topic)
        from mlsflash.study import exam, exam_date

        self.pacing = exam_date.pacing_for(self.store, self.today, self.settings)
        with self.store.read() as connection:  # exam practice runs apart: read once per session
            self._confused = exam.often_confused(connection)

    # --- the queue ----------------------------------------------------------------
    #
    # The ids of the due and new cards are read once (and again after an undo); each card
    # is re-read by primary key before it is shown, so cards suspended, retired or answered
    # meanwhile by another process are dropped. Re-drills come from today's reviews.

    def next_card(self) -> QueueCard | None:
        card: QueueCard | None
        if self._prefetched is not UNREAD:  # read by `answer`, in its own transaction
            card, self._prefetched = self._prefetched, UNREAD
        else:
            with self.store.read() as connection:
                card = self._next_card(connection)
        if card is None:
            return None
        confused = self._confused.get(card.id)
        return replace(card, confused_with=tuple(confused)) if confused else card

    def _next_card(self, connection: Connection) -> QueueCard | None:
        if self._show_first is not None:
            card_id, self._show_first = self._show_first, None
            card = self._load(connection, card_id)
            if card is not None:
                return card
        due, new, redrill = self._queue(connection)
        if self._scheduled_left() > 0:
            for kind, ids in (("due", due), ("new", new)):
                while ids:
                    row = queue.card(connection, ids[0])
                    if row is not None and self._still_queued(row, kind):
                        return _queue_card(row, kind)
                    ids.popleft()
        for card_id in list(redrill):
            row = queue.card(connection, card_id)
            if row is not None and row.status == Status.ACTIVE and row.buried_on != self.today.isoformat():
                return _queue_card(row, "redrill")
            del redrill[card_id]
        return None

    def counts(self) -> Counts:
        if self._due is UNREAD or self._new is UNREAD or self._redrill is UNREAD:
            with self.store.read() as connection:
                due, new, redrill = self._queue(connection)
        else:
            due, new, redrill = self._due, self._new, self._redrill
        left = self._scheduled_left()
        shown_due = min(len(due), left)
        return Counts(new=min(len(new), left - shown_due), due=shown_due, redrill=len(redrill))

    def _queue(self, connection: Connection) -> tuple[deque[str], deque[str], dict[str, None]]:
        """The due, new and re-drill card ids, read once per session (and again after an undo;
        the new cards also when a sibling held back leaves room in today's budget)."""
        due, new, redrill = self._due, self._new, self._redrill
        if due is UNREAD or new is UNREAD or redrill is UNREAD:
            introduced, reviewed = reviews.day_counts(connection, self.today)
            held = queue.siblings_answered_on(connection, self.today)
            if due is UNREAD:
                budget_due = -1  # SQLite: no limit
                if self.settings.max_reviews_per_day is not None:
                    budget_due = max(0, self.settings.max_reviews_per_day - reviewed)
                due = self._due = self._ids_without_held(
                    lambda limit: queue.due_ids(connection, self._cards, self.today, limit), budget_due, held, "due",
                )
            if new is UNREAD:
                budget_new = max(0, self._new_limit() - introduced)
                new = self._new = self._ids_without_held(
                    lambda limit: queue.new_ids(connection, self._cards, limit), budget_new, held, "new",
                )
                if self.pacing is not None:
                    new = self._new = self._paced(connection, new, max(0, self._base_new_limit() - introduced))
            if redrill is UNREAD:
                redrill = self._redrill = dict.fromkeys(
                    queue.redrill_ids(connection, self._cards, self.today, PASSING_REDRILL_GRADE)
                )
        return due, new, redrill

    def _ids_without_held(
        self, read: Callable[[int], list[QueuedId]], budget: int, held: set[str], kind: str,
    ) -> deque[str]:
        """Up to `budget` ids (-1: all) of the cards `read` returns, leaving out held-back
        siblings; each held sibling can displace at most one card, so `budget + len(held)`
        rows suffice. When pacing to an exam, every new card is read: `_paced` chooses among them."""
        paced_new = kind == "new" and self.pacing is not None
        rows = read(-1 if budget < 0 or paced_new else budget + len(held))
        ids = [row.id for row in rows]
        if any(row.direction == Direction.REVERSE for row in rows):
            self._reverse_queued = True
        kept = [card_id for card_id in ids if card_id not in held]
        self._held_back.update((card_id, kind) for card_id in ids if card_id in held)
        return deque(kept if budget < 0 or paced_new else kept[:budget])

    def _paced(self, connection: Connection, new_ids: deque[str], budget: int) -> deque[str]:
        """Today's new cards when pacing to an exam: the places `new_per_day` gives anyway, in
        note order as without a date, then more exam cards, until today brings in as many as
        the pace needs; the exam cards among them are drawn from the domains by weight
        (`exam_date.interleaved`), the others keep their places."""
        assert self.pacing is not None
        from mlsflash.study.exam_date import interleaved

        usual = list(new_ids)[:budget]
        introduced = reviews.introduced_on(connection, self.today)
        exam_today = sum(1 for card_id in introduced if self.pacing.applies_to(card_id))
        exam_usual = sum(1 for card_id in usual if self.pacing.applies_to(card_id))
        wanted = max(0, self.pacing.new_needed - exam_today - exam_usual)
        exam_cards = iter(interleaved(connection, self.pacing, new_ids, exam_usual + wanted))
        day = [next(exam_cards) if self.pacing.applies_to(card_id) else card_id for card_id in usual]
        return deque(day + list(exam_cards))

    @property
    def new_limit_today(self) -> int:
        return self._new_limit()

    def _base_new_limit(self) -> int:
        return self.settings.new_per_day if self.new_limit is None else self.new_limit

    def _new_limit(self) -> int:
        """--new, else new_per_day, raised to what an exam date needs (the raise is for the
        exam's cards only: see `_paced`)."""
        if self.new_limit is not None:
            return self.new_limit
        needed = self.pacing.new_needed if self.pacing else 0
        return max(self.settings.new_per_day, needed)

    def _hold_back_sibling(self, connection: Connection, card: QueueCard) -> None:
        """Once one direction of a bullet is answered, the other waits until tomorrow: seeing
        one would give the other away. (A forward card's sibling is a reverse card: unless one
        is queued, there is nothing to hold back.)"""
        if card.direction is not Direction.REVERSE and not self._reverse_queued:
            return
        sibling = queue.sibling_of(connection, card.id)
        if sibling is None:
            return
        for kind, ids in (("due", self._due), ("new", self._new)):
            if ids is not UNREAD and sibling in ids:
                ids.remove(sibling)
                self._held_back[sibling] = kind
                if kind == "new":
                    self._new = UNREAD  # read again: the next new card takes the freed place

    def _scheduled_left(self) -> int:
        if self.limit is None:
            return 1 << 62
        return max(0, self.limit - sum(1 for answer in self._answers() if answer.kind == SCHEDULED))

    def _answers(self) -> list[_Answered]:
        return [action for action in self._actions if isinstance(action, _Answered)]

    def _still_queued(self, row: QueuedCard, kind: str) -> bool:
        if row.status != Status.ACTIVE or row.buried_on == self.today.isoformat():
            return False
        if kind == "new":
            return row.due is None
        return row.due is not None and row.due <= self.today.isoformat()

    def _dequeue(self, card: QueueCard) -> None:
        ids = {"due": self._due, "new": self._new}.get(card.kind)
        if ids is UNREAD or not ids:
            return
        if ids[0] == card.id:
            ids.popleft()
        elif card.id in ids:
            ids.remove(card.id)

    def _forget(self, card: QueueCard) -> None:
        self._dequeue(card)
        if self._redrill is not UNREAD:
            self._redrill.pop(card.id, None)

    def _load(self, connection: Connection, card_id: str) -> QueueCard | None:
        row = queue.card(connection, card_id)
        if row is None or row.status != Status.ACTIVE:
            return None
        if reviews.had_scheduled_answer(connection, card_id, self.today):
            return _queue_card(row, "redrill")
        return _queue_card(row, "new" if row.due is None else "due")

    def _kind_of(self, card: QueueCard, row: AnswerState | None) -> ReviewKind:
        """Scheduled or re-drill, from the database: a card gets one scheduled answer per
        study day, when it is new or due; every later answer that day is a re-drill."""
        if row is None or row.status != Status.ACTIVE:
            raise CardLeftReview(f"{card.front} left review meanwhile (suspended or retired elsewhere): skipped")
        if row.scheduled_today:
            if card.kind != "redrill":
                raise CardLeftReview(f"{card.front} was answered in another session meanwhile: skipped")
            return REDRILL
        if row.due is None or row.due <= self.today.isoformat():
            return SCHEDULED
        return REDRILL

    # --- actions ------------------------------------------------------------------

    def answer(self, card: QueueCard, grade: Grade | int, duration_ms: int = 0) -> AnswerResult:
        """Record one answer and commit it before anything else is shown; the same transaction
        reads the card that comes next (`next_card` returns it). Raises CardLeftReview, writing
        nothing, when the card left review while on screen."""
        grade = Grade(grade)
        self._prefetched = UNREAD
        answered: _Answered | None = None
        try:
            # `when_idle` checkpoints while the learner reads the next card, not COMMIT.
            with self.store.write(checkpoint_when_idle=True) as connection:
                row = reviews.state_for_answer(connection, card.id, self.today)
                kind = self._kind_of(card, row)
                assert row is not None  # _kind_of raised CardLeftReview otherwise
                before = row.state
                after, leech, status, made_leech = before, bool(row.leech), row.status, False
                if kind == SCHEDULED:
                    outcome = scheduler.review(before, grade, self.today, self.settings.policy)
                    after = outcome.after
                    if self.pacing is not None and self.pacing.applies_to(card.id):
                        from mlsflash.study.exam_date import place_answered

                        after = place_answered(connection, self.pacing, after, self.today, grade.is_pass)
                    if outcome.lapsed and after.lapses >= self.settings.leech_lapses:
                        leech, status, made_leech = True, Status.SUSPENDED.value, True
                stored_before = reviews.stored_state(before, row.status, bool(row.leech))
                written = reviews.stored_state(after, status, leech)
                if kind == SCHEDULED:
                    reviews.save_state(connection, card.id, written)
                review_id = reviews.log(
                    connection, card.id, clock.timestamp(), self.today, int(grade), kind, duration_ms,
                    before=stored_before, after=written, deck_id=row.deck_id, topic=row.topic,
                )
                self._hold_back_sibling(connection, card)
                answered = _Answered(review_id, card.id, card.front, kind, int(grade), stored_before, written)
                self._actions.append(answered)  # before the next card: --limit counts this answer
                self._forget(card)
                if self._redrill is not UNREAD and grade < PASSING_REDRILL_GRADE:
                    self._redrill[card.id] = None  # back of the re-drill line
                self._prefetched = self._next_card(connection)
                pause_at("review:answer-before-commit")
        except CardLeftReview:
            self._forget(card)
            raise
        except BaseException:
            # Not committed: forget what this answer changed in the session, read the queue again.
            if answered is not None and self._actions and self._actions[-1] is answered:
                self._actions.pop()
            self._prefetched = UNREAD
            self._due = self._new = self._redrill = UNREAD
            self._held_back = {}  # ... and which siblings wait, as undo does
            raise
        self._unchecked_answers += 1
        return AnswerResult(card=card, grade=grade, kind=kind, after=after, leech_suspended=made_leech)

    def undo(self) -> QueueCard | None:
        """Take back this session's last action (an answer or a skip), restoring exactly the
        rows it wrote, and return the card to show again. Raises UndoRefused, writing
        nothing, when another session has changed the card since."""
        self._prefetched = UNREAD
        if not self._actions:
            return None
        last = self._actions.pop()
        with self.store.write() as connection:
            if isinstance(last, _Answered):
                _undo_answer(connection, last)
            elif isinstance(last, _Suspended):
                _undo_suspend(connection, last)
            else:
                _undo_skip(connection, last)
        self._show_first = last.card_id
        self._due = self._new = self._redrill = UNREAD  # the day's budgets changed: read the queue again
        self._held_back = {}  # ... and which siblings wait
        with self.store.read() as connection:
            return self._load(connection, last.card_id)

    def skip(self, card: QueueCard) -> None:
        """Hide the card for the rest of the study day; its schedule does not change."""
        self._prefetched = UNREAD
        with self.store.write() as connection:
            buried_before = reviews.bury(connection, card.id, self.today)
        self._actions.append(_Skipped(card.id, card.front, buried_before, self.today))
        self._forget(card)

    def suspend(self, card: QueueCard) -> None:
        """Take the card out of review (`mlsflash unsuspend ID` or `u` brings it back)."""
        self._prefetched = UNREAD
        with self.store.write() as connection:
            changed = reviews.suspend(connection, card.id)
        self._forget(card)
        if not changed:
            raise CardLeftReview(f"{card.front} left review meanwhile (suspended or retired elsewhere)")
        self._actions.append(_Suspended(card.id, card.front))

    def show_again(self, card_id: str) -> None:
        """Show this card next (re-read from the database: after its notes were edited)."""
        self._prefetched = UNREAD
        self._show_first = card_id

    def preview(self, card: QueueCard) -> Mapping[Grade, int] | None:
        """Days to the next review for each grade, from the scheduler in use (SM-2 or FSRS, under
        this session's settings: what `answer` would write); None for a re-drill, whose answer
        changes no schedule."""
        if card.kind == "redrill":
            return None
        return scheduler.preview(card.state, self.today, self.settings.policy)

    def when_idle(self) -> None:
        """Housekeeping for the moments the learner is thinking: copy the WAL into the database
        once enough answers have gathered there."""
        if self._unchecked_answers >= CHECKPOINT_EVERY:
            self.store.checkpoint()
            self._unchecked_answers = 0

    @property
    def can_undo(self) -> bool:
        return bool(self._actions)

    def summary(self, *, finished: bool = False) -> Summary:
        """The session's figures; `finished` (nothing left) adds why, and what comes next."""
        answers = self._answers()
        result = Summary(
            answers=len(answers),
            cards=len({answer.card_id for answer in answers}),
            correct=sum(1 for answer in answers if answer.grade >= Grade.HARD),
            seconds=time.monotonic() - self._started,
            held_back=len(self._held_back),
        )
        with self.store.read() as connection:
            result.next_due = queue.first_due(connection)
            result.new_waiting = queue.new_waiting(connection)
            if finished:
                result.outlook = self._outlook(connection)
        return result

    def _outlook(self, connection: Connection) -> Outlook:
        introduced, reviewed = reviews.day_counts(connection, self.today)
        left = queue.outlook_counts(connection, self._cards, self.today)
        held = list(self._held_back.values())
        due, new = left.due - held.count("due"), left.new - held.count("new")
        cap = self.settings.max_reviews_per_day
        capped = max(0, due - max(0, cap - reviewed)) if cap is not None else 0
        return Outlook(
            new_waiting=new, new_today=introduced, new_limit=self._new_limit(),
            new_limit_is_option=self.new_limit is not None, review_cap=cap, due_capped=capped,
            new_limit_for_exam=self.new_limit is None and self._new_limit() > self.settings.new_per_day,
            session_limit=self.limit if self.limit is not None and self._scheduled_left() == 0 else None,
            buried=left.buried, held_back=len(self._held_back), next_due=left.next_due,
        )


def _undo_answer(connection: Connection, answer: _Answered) -> None:
    refused = f"cannot undo the answer to {answer.front}"
    if not reviews.exists(connection, answer.review_id):
        raise UndoRefused(f"{refused}: another session removed it")
    if reviews.answered_since(connection, answer.card_id, answer.review_id):
        raise UndoRefused(f"{refused}: it was answered in another session since")
    if reviews.stored_state_of(connection, answer.card_id) != answer.written:
        raise UndoRefused(f"{refused}: another session changed the card since")
    if answer.kind == SCHEDULED:  # a re-drill wrote only its log row
        reviews.save_state(connection, answer.card_id, answer.before)
    reviews.delete(connection, answer.review_id)


def _undo_suspend(connection: Connection, suspended: _Suspended) -> None:
    if not reviews.unsuspend(connection, suspended.card_id):
        raise UndoRefused(f"cannot undo suspending {suspended.front}: another session changed the card since")


def _undo_skip(connection: Connection, skip: _Skipped) -> None:
    reviews.unbury(connection, skip.card_id, skip.buried, skip.buried_before)


def _queue_card(row: QueuedCard, kind: str) -> QueueCard:
    return QueueCard(
        id=row.id,
        deck=row.deck_name,
        context=tuple(json.loads(row.context)),
        front=row.front,
        back=row.back,
        source_file=row.source_file,
        source_line=row.source_line,
        state=row.state,
        kind=kind,
        direction=Direction(row.direction),
    )
