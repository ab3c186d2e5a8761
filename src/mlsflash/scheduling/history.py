"""The review log read back in bulk: memory states replayed, due dates recomputed
(`reschedule`), FSRS fitted to the learner (`optimize`). The SQL lives in storage/history.py;
the arithmetic in memory.py and scheduler.py.

A card's scheduled answers are read oldest first (study day, then log order); re-drills
never count. A history whose first answer found the card already scheduled (its older
answers are not in the log) starts from the state that schedule implied.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from mlsflash.collection import settings
from mlsflash.errors import MlsflashError
from mlsflash.model import ReviewState, Scheduler
from mlsflash.scheduling import memory, scheduler
from mlsflash.storage import history as stored

if TYPE_CHECKING:
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection


@dataclass(frozen=True)
class CardLog:
    """One card's scheduled answers: the state before the first, then (grade, study day) each."""

    first_before: ReviewState
    answers: list[tuple[int, date]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.first_before.is_new

    def history(self) -> memory.History:
        previous = self.first_before.last_review or self.answers[0][1]
        days = []
        for grade, day in self.answers:
            days.append((grade, max(0, (day - previous).days)))
            previous = day
        return days


def read_logs(connection: Connection) -> dict[str, CardLog]:
    return {card_id: CardLog(card.first_before, card.answers)
            for card_id, card in stored.scheduled_answers(connection).items()}


def replayed_memory(
    cards: list[tuple[str, ReviewState]], logs: dict[str, CardLog], parameters: memory.Parameters | None
) -> dict[str, memory.Memory]:
    """Each scheduled card's memory state from its log (or its schedule, without one)."""
    replayed = [card_id for card_id, _ in cards if card_id in logs]
    starts = [scheduler.current_memory(logs[card_id].first_before, parameters) for card_id in replayed]
    states = memory.replay([logs[card_id].history() for card_id in replayed], starts, parameters)
    result = dict(zip(replayed, states, strict=True))
    for card_id, state in cards:
        if card_id not in result:
            result[card_id] = memory.from_sm2(state.easiness, state.interval, parameters)
    return result


def recompute_memory(connection: Connection, parameters: memory.Parameters | None) -> int:
    """Replay every scheduled card's log under these parameters and store the states."""
    cards = stored.scheduled_cards(connection)
    states = replayed_memory(cards, read_logs(connection), parameters)
    stored.save_memory(connection, [(card_id, state.stability, state.difficulty) for card_id, state in states.items()])
    return len(states)


# --- reschedule ---------------------------------------------------------------------------


@dataclass
class RescheduleReport:
    scheduler: Scheduler
    cards: int = 0
    earlier: list[int] = field(default_factory=list)  # days each moved card comes earlier
    later: list[int] = field(default_factory=list)
    kept_in_window: int = 0  # exam cards left on their day in the final window before an exam date
    exam_day: date | None = None  # the exam date whose window was kept

    @property
    def moved(self) -> int:
        return len(self.earlier) + len(self.later)


def reschedule(store: Store, current: settings.Settings, today: date, dry_run: bool = False) -> RescheduleReport:
    """Every live scheduled card's due date as the current scheduler would set it at its
    last answer: FSRS from the memory state, SM-2 from the grades of its log. Before an exam
    date, a card placed in its final window stays there when the new date would need the
    window again (pacing would only place it back)."""
    from mlsflash.study import exam_date

    policy = current.policy
    report = RescheduleReport(policy.scheduler)
    with store.write() as connection:
        plan = exam_date.current_pacing(connection, today, current)
        report.exam_day = plan.exam.day if plan else None
        cards = stored.scheduled_cards(connection, live_only=True)
        logs = read_logs(connection) if policy.scheduler is Scheduler.SM2 else {}
        updates: list[tuple[str, int, date]] = []
        for card_id, state in cards:
            interval = _interval_now(state, logs.get(card_id), policy)
            report.cards += 1
            if interval is None or state.last_review is None:
                continue
            due = state.last_review + timedelta(days=interval)
            if due != state.due and plan and exam_date.keeps_window_review(
                plan, card_id, state, replace(state, interval=interval, due=due), today, current
            ):
                report.kept_in_window += 1
            elif due != state.due:
                shift = (due - state.due).days if state.due else 0
                (report.later if shift > 0 else report.earlier).append(abs(shift))
                updates.append((card_id, interval, due))
        if updates and not dry_run:
            stored.save_schedules(connection, updates)
    return report


def _interval_now(state: ReviewState, log: CardLog | None, policy: scheduler.Policy) -> int | None:
    if policy.scheduler is Scheduler.FSRS:
        current = scheduler.current_memory(state, policy.parameters)
        return None if current is None else scheduler.fsrs_interval(current.stability, policy)
    if log is None:
        return None  # nothing to replay: SM-2's interval stays as it is
    replayed = replace(log.first_before, interval=min(log.first_before.interval, policy.maximum_interval))
    return scheduler.sm2_interval([grade for grade, _ in log.answers], policy, start=replayed)


# --- optimize -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OptimizeReport:
    reviews: int
    before: memory.Evaluation
    after: memory.Evaluation
    parameters: memory.Parameters
    kept: bool  # the fitted parameters did not predict the log better: the current ones stay


def optimize(store: Store) -> OptimizeReport:
    """Fit FSRS to the learner's scheduled answers, keep the result if it predicts them
    better, and recompute every memory state with the parameters kept."""
    with store.read() as connection:
        current = settings.load(connection).parameters
        logs = read_logs(connection)
    histories = [log.history() for log in logs.values() if log.complete]
    reviews = sum(len(history) for history in histories)
    if reviews < memory.MINIMUM_REVIEWS_TO_OPTIMIZE:
        raise MlsflashError(
            f"optimize needs at least {memory.MINIMUM_REVIEWS_TO_OPTIMIZE} scheduled reviews; "
            f"the log has {reviews}",
            hint=f"{memory.MINIMUM_REVIEWS_TO_OPTIMIZE - reviews} more scheduled reviews are needed; run it again then",
        )
    items = memory.training_items(histories)
    if not items:  # FSRS learns from answers given a day or more after another, and evaluates on them
        raise MlsflashError(
            f"FSRS needs cards answered on at least two days; 0 of {len(histories)} are",
            hint="answer cards again on the days they fall due, then run optimize again",
        )
    try:
        fitted = memory.fit(items)
    except Exception as error:  # the engine's own refusal as a sentence
        if str(error) != "NotEnoughData":
            raise MlsflashError(f"FSRS could not fit parameters to this log: {error}") from None
        # its pre-training found no first interval answered often enough (fsrs-rs drops rare ones)
        raise MlsflashError(
            "FSRS needs more cards answered again after the same number of days; "
            f"{_on_two_days(histories)} of {len(histories)} are answered on at least two days, "
            "too few at any one interval",
            hint="keep answering cards on the days they fall due, then run optimize again",
        ) from None
    before, after = memory.evaluate(items, current), memory.evaluate(items, fitted)
    kept = after.log_loss > before.log_loss
    chosen = current if kept else fitted
    if not kept:
        with store.write() as connection:
            settings.save_parameters(connection, fitted)
            recompute_memory(connection, fitted)
    return OptimizeReport(reviews, before, after, chosen or memory.default_parameters(), kept)


def _on_two_days(histories: list[memory.History]) -> int:
    """Cards with an answer a day or more after another: the ones FSRS learns from."""
    return sum(1 for history in histories if any(days > 0 for _grade, days in history[1:]))


def reset_parameters(store: Store) -> int:
    """Back to FSRS-6's defaults; every memory state is recomputed with them."""
    with store.write() as connection:
        settings.save_parameters(connection, None)
        return recompute_memory(connection, None)
