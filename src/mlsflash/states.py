"""What state a card is in, defined once: the stored statuses and review kinds, and the
user-facing status. The SQL predicates over them are in `storage.predicates`.

Every card not retired is in exactly one of new, learning, young, mature (all active) and
suspended: a suspended card counts only as suspended, whatever its schedule. So
new + learning + young + mature + suspended = total, and retired comes on top.
"""

from __future__ import annotations

import enum

MATURE_DAYS = 21


class Status(str, enum.Enum):
    """The `cards.status` column."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    RETIRED = "retired"


class ReviewKind(str, enum.Enum):
    """The `reviews.kind` column: an answer that scheduled the card, or a same-day re-drill."""

    SCHEDULED = "scheduled"
    REDRILL = "redrill"


class UserStatus(str, enum.Enum):
    """The status export and `cards --status` show: review = young or mature."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    SUSPENDED = "suspended"
    RETIRED = "retired"
