"""The exam date over the store: setting it, pacing a review session to it (`pacing` decides,
this applies), and `exam status`: readiness per domain on the day."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from mlsflash.collection.settings import EXAM_DATE_KEY, Settings, get, put
from mlsflash.errors import MlsflashError
from mlsflash.model import ReviewState
from mlsflash.scheduling import memory, pacing, scheduler
from mlsflash.scheduling.pacing import ExamDate
from mlsflash.storage import exam_pacing as pacing_db
from mlsflash.study import exam

if TYPE_CHECKING:
    from mlsflash.profiles import Profile
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection

ACCURACY_DAYS = 30
MEDIAN_OF_LATEST = 1000  # the latest answers whose median time (and reviews whose pass rate) the forecast uses
WEAKEST_SHOWN = 8


def load_date(connection: Connection, settings: Settings) -> ExamDate | None:
    stored = get(connection, EXAM_DATE_KEY)
    if stored is None:
        return None
    try:
        return ExamDate(date.fromisoformat(stored), settings.exam_final_days)
    except (TypeError, ValueError):
        raise MlsflashError(
            f"the stored exam date {stored!r} is not a date",
            hint="mlsflash exam set PROFILE --clear removes it; --date YYYY-MM-DD sets another",
        ) from None


def save_date(connection: Connection, day: date | None) -> None:
    put(connection, EXAM_DATE_KEY, day.isoformat() if day else None)


def parse_date(text: str, today: date) -> date:
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):  # not 20270301 or 2027-W10-1
            raise ValueError(text)
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise MlsflashError(f"exam date must be YYYY-MM-DD, not {text!r}") from None
    if day <= today:
        raise MlsflashError(f"exam date {day.isoformat()} is not after today ({today.isoformat()})",
                            hint="give the day you sit the exam; `--clear` removes a date")
    return day


# --- pacing a review session --------------------------------------------------------------


@dataclass(frozen=True)
class Pacing:
    """What a review session needs to pace the exam's cards to the date."""

    exam: ExamDate
    domains: Mapping[str, int]  # the exam's cards (those with a domain in the current profile) -> domain
    weights: Mapping[int, int]  # domain -> weight
    new_needed: int  # new exam cards a day the date needs
    desired_retention: float
    decay: float

    def applies_to(self, card_id: str) -> bool:
        return card_id in self.domains


def pacing_for(store: Store, today: date, settings: Settings) -> Pacing | None:
    """The session's pacing when an exam date is set and not yet reached; before it is
    returned, every exam card that needs a review in the final window gets one."""
    with store.read() as connection:
        result = current_pacing(connection, today, settings)
    if result is None:
        return None
    with store.write() as connection:
        plan_window(connection, result, today, settings)
    return result


def current_pacing(connection: Connection, today: date, settings: Settings) -> Pacing | None:
    """The pacing an exam date set and not yet reached asks for (nothing placed here)."""
    exam_date = load_date(connection, settings)
    if exam_date is None or not exam_date.active(today):
        return None
    profile = exam.current_profile(connection)
    of_card = exam.card_domains(connection, profile).of_card
    domains = {card_id: domain for card_id, domain in of_card.items() if domain is not None}
    unseen = _unseen_at_day_start(connection, frozenset(domains), today)
    return Pacing(
        exam_date, domains, {domain.number: domain.weight for domain in profile.domains},
        pacing.new_cards_needed(unseen, today, exam_date), settings.desired_retention,
        memory.decay(settings.parameters),
    )


def interleaved(connection: Connection, plan: Pacing, new_ids: Sequence[str], count: int) -> list[str]:
    """`count` of the exam's new cards among `new_ids` (note order), drawn from the domains by
    weight against the exam cards seen so far (`pacing.interleave`)."""
    seen: Counter[int] = Counter()
    for card_id in pacing_db.seen_ids(connection):
        if (domain := plan.domains.get(card_id)) is not None:
            seen[domain] += 1
    candidates: dict[int, list[str]] = {}
    for card_id in new_ids:
        if (domain := plan.domains.get(card_id)) is not None:
            candidates.setdefault(domain, []).append(card_id)
    return pacing.interleave(candidates, seen, plan.weights, count)


def keeps_window_review(plan: Pacing, card_id: str, current: ReviewState, recomputed: ReviewState, today: date,
                        settings: Settings) -> bool:
    """`pacing.keeps_window_review` for an exam card (one scheduled before memory states were
    kept is judged by the state its schedule implies)."""
    if not plan.applies_to(card_id):
        return False
    implied = _with_memory(recomputed, settings)
    return pacing.keeps_window_review(current, implied, today, plan.exam, plan.desired_retention, plan.decay)


def exam_card_ids(connection: Connection) -> frozenset[str]:
    domains = exam.card_domains(connection, exam.current_profile(connection))
    return frozenset(card_id for card_id, domain in domains.of_card.items() if domain is not None)


def _unseen_at_day_start(connection: Connection, ids: frozenset[str], today: date) -> int:
    """Exam cards not introduced before today (today's introductions count against the pace)."""
    return len((pacing_db.new_ids(connection) | pacing_db.introduced_on(connection, today)) & ids)


def window_load(connection: Connection, exam_date: ExamDate) -> Counter[date]:
    """Reviews planned on each day of the final window (every active card)."""
    return pacing_db.due_counts(connection, exam_date.window_start, exam_date.day)


def place_answered(connection: Connection, plan: Pacing, after: ReviewState, today: date, passed: bool) -> ReviewState:
    """The state an answer leaves, moved into the final window when the exam needs it; with no
    window day left (the eve), a passed card due on the exam day moves past it: only a failed
    one comes back on the day."""
    if not pacing.needs_window_review(after, today, plan.exam, plan.desired_retention, plan.decay):
        return after
    day = pacing.least_loaded(pacing.window_days(today, plan.exam, reviewed_today=True),
                              window_load(connection, plan.exam))
    if day is not None:
        return pacing.place(after, day)
    return pacing.off_the_exam_day(after, plan.exam) if passed else after


def plan_window(connection: Connection, plan: Pacing, today: date, settings: Settings) -> int:
    """Give every exam card that needs one a review in the final window, weakest first, each on
    the least-loaded day; returns how many were placed. Idempotent: a placed card is due
    before the exam and needs nothing more until it is answered."""
    candidates: list[tuple[float, str, ReviewState]] = []
    # The store keeps only the cards that may need a review; the pure rule below decides.
    for row in pacing_db.may_need_window_review(connection, plan.exam.day, decay=plan.decay,
                                                desired_retention=plan.desired_retention):
        if row.id not in plan.domains:
            continue
        state = _with_memory(row.state(), settings)
        if pacing.needs_window_review(state, today, plan.exam, plan.desired_retention, plan.decay):
            candidates.append((pacing.recall_on(plan.exam.day, state, plan.decay), row.id, state))
    if not candidates:
        return 0
    load = window_load(connection, plan.exam)
    updates = []
    for _, card_id, state in sorted(candidates):
        day = pacing.least_loaded(pacing.window_days(today, plan.exam, state.last_review == today), load)
        if day is None:
            continue
        load[day] += 1
        placed = pacing.place(state, day)
        updates.append((placed.due.isoformat() if placed.due else None, placed.interval, card_id))
    pacing_db.move_cards(connection, updates)
    return len(updates)


def _with_memory(state: ReviewState, settings: Settings) -> ReviewState:
    """A card scheduled before memory states were kept gets the one its schedule implies."""
    if state.stability is not None:
        return state
    implied = scheduler.current_memory(state, settings.parameters)
    return state if implied is None else replace(state, stability=implied.stability, difficulty=implied.difficulty)


# --- exam status --------------------------------------------------------------------------


def status(connection: Connection, today: date, settings: Settings) -> dict[str, Any]:
    """Readiness for the exam: per domain, the predicted recall on the day and recent practice."""
    profile = exam.current_profile(connection)
    exam_date = load_date(connection, settings)
    figures: dict[str, Any] = {"exam": profile.id, "name": profile.name, "date": None, "days_left": None,
                               "window_start": None, "passed": False, "final_days": settings.exam_final_days}
    from mlsflash.study import bank_exam

    figures["bank"] = bank_exam.status_rows(connection, profile, today)
    if exam_date is None:
        return figures | _readiness(connection, profile, today, today, settings, exam_date=None)
    figures |= {"date": exam_date.day.isoformat(), "days_left": exam_date.days_left(today),
                "passed": not exam_date.active(today), "window_start": exam_date.window_start.isoformat()}
    return figures | _readiness(connection, profile, exam_date.day, today, settings, exam_date)


def known_today(connection: Connection, today: date, settings: Settings) -> tuple[float, int]:
    """Readiness as `exam status` computes it but for today, what a mock taken today is held
    against, and the exam cards never seen."""
    figures = _readiness(connection, exam.current_profile(connection), today, today, settings, exam_date=None)
    return figures["readiness"], figures["unseen"]


def _readiness(
    connection: Connection, profile: Profile, on: date, today: date, settings: Settings, exam_date: ExamDate | None
) -> dict[str, Any]:
    domains = exam.card_domains(connection, profile)
    decay = memory.decay(settings.parameters)
    per_domain = {d.number: {"cards": 0, "seen": 0, "recall_sum": 0.0} for d in profile.domains}
    per_topic: dict[tuple[int, str, str], list[float]] = {}
    unseen = 0
    for row in pacing_db.active_schedules(connection):
        domain = domains.of_card.get(row.id)
        if domain is None:
            continue
        entry = per_domain[domain]
        entry["cards"] += 1
        recall = 0.0
        if row.due is None:
            unseen += 1
        else:
            entry["seen"] += 1
            recall = pacing.recall_on(on, _with_memory(row.state(), settings), decay)
        entry["recall_sum"] += recall
        per_topic.setdefault((domain, row.deck, row.topic), []).append(recall)
    since = (today - timedelta(days=ACCURACY_DAYS - 1)).isoformat()
    practice = exam.accuracy(connection, since, exam.Mode.PRACTICE)
    mocks = exam.accuracy(connection, since, exam.Mode.MOCK)
    rows, readiness = [], 0.0
    total_weight = sum(d.weight for d in profile.domains)
    for d in profile.domains:
        entry = per_domain[d.number]
        recall = entry["recall_sum"] / entry["cards"] if entry["cards"] else 0.0
        readiness += d.weight * recall / total_weight
        rows.append({
            "domain": d.number, "name": d.name, "weight": d.weight, "cards": entry["cards"], "seen": entry["seen"],
            "predicted_recall": round(recall, 4),
            "practice_accuracy": _share(practice.get(d.number)), "mock_accuracy": _share(mocks.get(d.number)),
        })
    weight = {d.number: d.weight for d in profile.domains}
    topics: list[dict[str, Any]] = sorted(
        ({"domain": domain, "deck": deck, "topic": topic, "cards": len(values),
          "predicted_recall": round(sum(values) / len(values), 4)}
         for (domain, deck, topic), values in per_topic.items()),
        key=lambda topic: (-weight[topic["domain"]], topic["predicted_recall"], topic["deck"], topic["topic"]),
    )
    new_needed = at_day_start = 0
    ids = frozenset(card_id for card_id, domain in domains.of_card.items() if domain is not None)
    if exam_date:  # counted as a review session counts it: unseen at the start of the day
        at_day_start = _unseen_at_day_start(connection, ids, today)
        new_needed = pacing.new_cards_needed(at_day_start, today, exam_date)
    days_left = exam_date.days_left(today) if exam_date else 0
    planned = 0
    if exam_date and days_left > 0:
        planned = pacing_db.seen_due_before(connection, exam_date.day)
    return {
        "readiness": round(readiness, 4),
        "unseen": unseen,
        "new_per_day_needed": new_needed,
        "new_per_day": max(settings.new_per_day, new_needed),
        "reviews_per_day": round(planned / days_left, 1) if days_left > 0 else None,
        "on_track": bool(exam_date and exam_date.active(today) and new_needed <= pacing.HEAVY_NEW_PER_DAY
                         and any(row["cards"] for row in rows)),
        "domains": rows,
        "weakest_topics": [topic for topic in topics if topic["predicted_recall"] < settings.desired_retention][
            :WEAKEST_SHOWN
        ],
    } | _workload(connection, today, settings, exam_date, unseen, at_day_start, ids)


def _workload(connection: Connection, today: date, settings: Settings, exam_date: ExamDate | None, unseen: int,
              unseen_at_day_start: int, ids: frozenset[str]) -> dict[str, Any]:
    """The forecast of every day left (`pacing.forecast`) in answers and minutes, and what to
    do when a day passes `max_minutes_per_day`."""
    seconds, timed = seconds_per_answer(connection)
    passed, graded = pass_rate(connection, settings)
    figures: dict[str, Any] = {
        "seconds_per_answer": round(seconds, 1), "seconds_per_answer_measured": timed,
        "pass_rate": round(passed, 2), "pass_rate_measured": graded,
        "max_minutes_per_day": settings.max_minutes_per_day, "forecast": [], "over_limit": None,
    }
    if exam_date is None or not exam_date.active(today):
        return figures
    schedules = pacing_db.schedule_counts(connection)
    new = pacing_db.new_count(connection)
    introduced = pacing_db.introductions_on(connection, today)
    new_order = tuple(card_id in ids for card_id in pacing_db.new_ids_in_order(connection))
    work = pacing.Workload(today, schedules, unseen_at_day_start, unseen, new - unseen,
                           settings.new_per_day, introduced, seconds, passed, settings.maximum_interval, new_order)
    days = pacing.forecast(work, exam_date)
    figures["forecast"] = [{"date": load.day.isoformat(), "reviews": load.reviews, "new": load.new,
                            "minutes": load.minutes} for load in days]
    over = [load for load in days if load.minutes > settings.max_minutes_per_day]
    if over:
        peak = max(over, key=lambda load: (load.minutes, -load.day.toordinal()))
        later = pacing.date_under_limit(work, exam_date, settings.max_minutes_per_day)
        figures["over_limit"] = {
            "days": len(over), "first": over[0].day.isoformat(), "peak_date": peak.day.isoformat(),
            "peak_minutes": peak.minutes, "date_under_limit": later.isoformat() if later else None,
        }
    return figures


def seconds_per_answer(connection: Connection) -> tuple[float, bool]:
    """The median time of the latest answers with a recorded time, and True; 8 s and False while
    fewer than 50 are known."""
    durations = pacing_db.latest_durations(connection, MEDIAN_OF_LATEST)
    if len(durations) < pacing.ANSWERS_FOR_A_MEDIAN:
        return pacing.SECONDS_UNTIL_KNOWN, False
    return statistics.median(durations) / 1000, True


def pass_rate(connection: Connection, settings: Settings) -> tuple[float, bool]:
    """The share of the latest reviews (scheduled answers to cards seen before) graded 3 or
    more, and True; `desired_retention` and False while fewer than 50 are logged."""
    grades = pacing_db.latest_review_grades(connection, MEDIAN_OF_LATEST)
    if len(grades) < pacing.ANSWERS_FOR_A_MEDIAN:
        return settings.desired_retention, False
    return sum(1 for grade in grades if grade >= 3) / len(grades), True


def _share(counts: tuple[int, int] | None) -> float | None:
    return round(counts[0] / counts[1], 4) if counts and counts[1] else None
