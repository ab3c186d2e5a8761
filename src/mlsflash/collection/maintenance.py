"""`mlsflash check`: what the store finds (its file's integrity, the invariants mlsflash relies
on) as problems and notices, and the notes files its live cards came from that are gone."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlsflash.storage import Store


BUNDLED_PREFIX = "<bundled>/"


@dataclass
class CheckReport:
    cards: int = 0
    reviews: int = 0
    problems: list[str] = field(default_factory=list)  # the database is damaged or inconsistent
    notices: list[str] = field(default_factory=list)  # worth knowing, nothing broken


def check(store: Store) -> CheckReport:
    findings = store.check()
    report = CheckReport(cards=findings.cards, reviews=findings.reviews)
    if findings.integrity != ["ok"]:
        report.problems.extend(f"SQLite integrity: {line}" for line in findings.integrity)
    if findings.foreign_key_breaks:
        report.problems.append(f"{findings.foreign_key_breaks} rows break a foreign key")
    report.problems.extend(f"{broken.rows} {broken.description}" for broken in findings.broken)
    missing = _missing_sources(findings.live_cards_per_source)
    if missing:
        count = sum(missing.values())
        shown = ", ".join(sorted(missing)[:3]) + (", ..." if len(missing) > 3 else "")
        report.notices.append(
            f"{count} live cards whose notes file no longer exists ({shown}); "
            "import its folder again to retire them (or match them to where they moved), or restore the file"
        )
    return report


def _missing_sources(live_cards_per_source: dict[str, int]) -> dict[str, int]:
    """Live cards per source file that is gone from disk (bundled decks live in the package)."""
    return {
        source: count for source, count in live_cards_per_source.items()
        if not source.startswith(BUNDLED_PREFIX) and not os.path.exists(source)
    }
