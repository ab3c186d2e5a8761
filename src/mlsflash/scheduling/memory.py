"""The FSRS-6 memory model as pure functions: a card's stability and difficulty, their update
at each scheduled answer, the interval for a desired retention, the probability of recall
on a given day, and fitting the parameters to a learner's log.

The arithmetic is fsrs-rs's, the engine Anki uses, through `fsrs_rs_python`; it is imported
inside the functions that need it, so commands that only read stored states never load it.
Retrievability is computed here in plain Python (and in SQL by `stats`) from the same formula.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple, Sequence

from mlsflash.model import Grade

if TYPE_CHECKING:
    from fsrs_rs_python import FSRS, FSRSItem

# w[20] of FSRS-6's default parameters, the exponent of the forgetting curve: kept here so
# that reading a recall probability needs no engine (a test keeps it equal to fsrs-rs's).
DEFAULT_DECAY = 0.1542
PARAMETER_COUNT = 21
# The retention SM-2 is taken to have aimed at when a card's history is not in the log.
SM2_RETENTION = 0.9
MINIMUM_REVIEWS_TO_OPTIMIZE = 400

Parameters = tuple[float, ...]


# NamedTuples: built at import in a fifth of a dataclass's time, and `stats` imports this module.
class Memory(NamedTuple):
    stability: float  # days until recall probability falls to 90 %
    difficulty: float  # 1 (easy) to 10 (hard)


class Evaluation(NamedTuple):
    log_loss: float
    rmse: float


def rating(grade: Grade | int) -> int:
    """FSRS rating of an SM-2 grade: 0-2 Again (1), 3 Hard (2), 4 Good (3), 5 Easy (4)."""
    return max(1, int(grade) - 1)


def whole_days(fsrs_interval: float) -> int:
    """An FSRS interval in whole days: rounded half up (as Rust rounds), at least one day."""
    return max(1, math.floor(fsrs_interval + 0.5))


def decay(parameters: Parameters | None) -> float:
    return parameters[20] if parameters else DEFAULT_DECAY


def retrievability(stability: float, elapsed_days: float, decay_: float = DEFAULT_DECAY) -> float:
    """Probability of recall `elapsed_days` after the last review (FSRS-6 power forgetting curve)."""
    factor = 0.9 ** (-1 / decay_) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** -decay_


def step(
    memory: Memory | None, grade: Grade | int, elapsed_days: int, desired_retention: float,
    parameters: Parameters | None = None,
) -> tuple[Memory, float]:
    """The memory state after one scheduled answer and FSRS's interval (days, unrounded) for it."""
    from fsrs_rs_python import MemoryState

    current = None if memory is None else MemoryState(memory.stability, memory.difficulty)
    states = _engine(parameters).next_states(current, desired_retention, max(0, elapsed_days))
    chosen = (states.again, states.hard, states.good, states.easy)[rating(grade) - 1]
    return Memory(chosen.memory.stability, chosen.memory.difficulty), chosen.interval


def interval_for(stability: float, desired_retention: float, parameters: Parameters | None = None) -> float:
    """Days until recall probability falls to `desired_retention` (unrounded)."""
    return _engine(parameters).next_interval(stability, desired_retention, 3)


def from_sm2(easiness: int, interval: int, parameters: Parameters | None = None) -> Memory:
    """A memory state for a card whose SM-2 schedule is known but whose answers are not logged."""
    state = _engine(parameters).memory_state_from_sm2(easiness / 100, max(1, interval), SM2_RETENTION)
    return Memory(state.stability, state.difficulty)


# A history is a card's scheduled answers in order: (grade, days since the previous one, 0 first).
History = Sequence[tuple[int, int]]


def replay(
    histories: Sequence[History], starts: Sequence[Memory | None], parameters: Parameters | None = None
) -> list[Memory]:
    """The memory state after each history from its starting state, in one batch (equal to
    chaining `step`)."""
    from fsrs_rs_python import FSRSItem, FSRSReview, MemoryState

    items = [FSRSItem([FSRSReview(rating(grade), days) for grade, days in history]) for history in histories]
    initial = [None if start is None else MemoryState(start.stability, start.difficulty) for start in starts]
    states = _engine(parameters).memory_state_batch(items, initial) if items else []
    return [Memory(state.stability, state.difficulty) for state in states]


def training_items(histories: Iterable[History]) -> list[FSRSItem]:
    """One item per answer given after at least a day: the history up to it, whose last
    answer is what the model must predict (as Anki builds them)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items: list[Any] = []
    for history in histories:
        reviews = [FSRSReview(rating(grade), days) for grade, days in history]
        items.extend(FSRSItem(reviews[: index + 1]) for index in range(1, len(reviews)) if history[index][1] > 0)
    return items


def evaluate(items: Sequence[FSRSItem], parameters: Parameters | None = None) -> Evaluation:
    result = _engine(parameters).evaluate(list(items))
    return Evaluation(log_loss=result.log_loss, rmse=result.rmse_bins)


def fit(items: Sequence[FSRSItem]) -> Parameters:
    """Parameters fitted to the items (fsrs-rs's optimizer, deterministic seed)."""
    from fsrs_rs_python import DEFAULT_PARAMETERS

    fitted = _engine(tuple(DEFAULT_PARAMETERS)).compute_parameters(list(items), enable_short_term=False)
    return tuple(float(value) for value in fitted)


def default_parameters() -> Parameters:
    from fsrs_rs_python import DEFAULT_PARAMETERS

    return tuple(float(value) for value in DEFAULT_PARAMETERS)


@lru_cache(maxsize=4)
def _engine(parameters: Parameters | None) -> FSRS:
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    return FSRS(list(parameters) if parameters else list(DEFAULT_PARAMETERS))
