"""The SQL predicates every count uses (`stats`, `decks`, `cards`, export and the review queue),
defined once over the states of `mlsflash.states`.

Every card not retired is in exactly one of new, learning, young, mature (all active) and
suspended: a suspended card counts only as suspended, whatever its schedule. So
new + learning + young + mature + suspended = total, and retired comes on top.

The predicates are SQL over the columns of `cards`, unqualified (no joined table has these
column names); `DUE` takes the study day as the named parameter `:today`.
"""

from __future__ import annotations

from mlsflash.states import MATURE_DAYS, ReviewKind, Status, UserStatus

ACTIVE = f"status = '{Status.ACTIVE.value}'"
SUSPENDED = f"status = '{Status.SUSPENDED.value}'"
RETIRED = f"status = '{Status.RETIRED.value}'"
NOT_RETIRED = f"status != '{Status.RETIRED.value}'"
NEW = f"{ACTIVE} AND due IS NULL"
SEEN = f"{ACTIVE} AND due IS NOT NULL"
LEARNING = f"{SEEN} AND repetitions < 2"
YOUNG = f"{SEEN} AND repetitions >= 2 AND interval < {MATURE_DAYS}"
MATURE = f"{SEEN} AND repetitions >= 2 AND interval >= {MATURE_DAYS}"
DUE = f"{ACTIVE} AND due <= :today"

USER_STATUS = (
    f"CASE WHEN {RETIRED} THEN '{UserStatus.RETIRED.value}' WHEN {SUSPENDED} THEN '{UserStatus.SUSPENDED.value}' "
    f"WHEN due IS NULL THEN '{UserStatus.NEW.value}' WHEN repetitions < 2 THEN '{UserStatus.LEARNING.value}' "
    f"ELSE '{UserStatus.REVIEW.value}' END"
)


def answer_sums(row: str) -> dict[str, str]:
    """The columns of `review_days` (a study day's answers, summed per deck and topic) and what
    one answer adds to each, as SQL over the `reviews` row named `row`. The triggers that keep
    the table add and take these; `check` sums them over the log."""
    scheduled = f"({row}.kind = '{ReviewKind.SCHEDULED.value}')"  # retention counts these only
    mature = f"({scheduled} AND {row}.interval_before >= {MATURE_DAYS})"
    return {
        "answers": "1", "duration_ms": f"{row}.duration_ms", "scheduled": scheduled,
        "passed": f"({scheduled} AND {row}.grade >= 3)", "mature": mature,
        "mature_passed": f"({mature} AND {row}.grade >= 3)",
    }
