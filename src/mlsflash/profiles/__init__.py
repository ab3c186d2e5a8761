"""Exam profiles: one JSON file per exam, shipped with the package. Pure: no clock, no
database. The default profile is the current exam (MLA-C01); a retired one can still be
chosen and says so.

May import: the root modules only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Sequence

from mlsflash.errors import MlsflashError

DEFAULT_PROFILE = "mla-c01"
# A declared domain of 0 (written `-` or `none`) says the cards serve no task of the exam:
# kept for other profiles or general study, never an exam card of this one.
OUTSIDE = 0
_OUTSIDE_WORDS = ("-", "none")
_FOLDER = Path(__file__).parent


@dataclass(frozen=True)
class Task:
    """A task statement of the exam guide, with words that identify cards serving it."""

    id: str  # "1.1"
    name: str
    keywords: tuple[str, ...]  # lower case


@dataclass(frozen=True)
class Domain:
    number: int
    name: str
    weight: int  # percent of the scored content
    keywords: tuple[str, ...]  # lower case; a topic naming one belongs here
    tasks: tuple[Task, ...] = ()

    def task_of(self, texts: Sequence[str]) -> Task | None:
        """The task statement a card of this domain serves: the first of `texts` (most telling
        first: the term, then its context from the innermost heading out, then its answer)
        naming a task's keyword decides, by its longest keyword; None when no text names one."""
        for text in texts:
            lowered = text.lower()
            best: tuple[int, Task] | None = None
            for task in self.tasks:
                for keyword in task.keywords:
                    if mentions(lowered, keyword) and (best is None or len(keyword) > best[0]):
                        best = (len(keyword), task)
            if best is not None:
                return best[1]
        return None


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    status: str  # "current" or "retired"
    retired_on: date | None
    questions: int
    scored_questions: int
    minutes: int
    passing_score: int  # on AWS's 100-1000 scale
    source: str
    domains: tuple[Domain, ...]

    @property
    def retired(self) -> bool:
        return self.retired_on is not None

    def domain(self, number: int) -> Domain:
        for domain in self.domains:
            if domain.number == number:
                return domain
        numbers = ", ".join(str(domain.number) for domain in self.domains)
        raise MlsflashError(f"{self.id} has no domain {number}", hint=f"its domains are {numbers}")

    def domain_of(self, topic: str) -> int | None:
        """The domain a topic belongs to by keywords: its parts are read from the most specific
        (last) to the most general, and the first part naming a keyword decides, by its longest
        keyword (`SageMaker Model Monitor` is monitoring, not modeling)."""
        for part in reversed(_topic_parts(topic)):
            best: tuple[int, int] | None = None
            for domain in self.domains:
                for keyword in domain.keywords:
                    if mentions(part, keyword) and (best is None or len(keyword) > best[0]):
                        best = (len(keyword), domain.number)
            if best is not None:
                return best[1]
        return None


@dataclass(frozen=True)
class Declaration:
    """The domains a notes file declares for one profile in its front matter:
    `mla-c01: 1` for the whole file, `mla-c01-sections: Security = 4; Step Functions = 3` for
    the `##` sections named (compared without case); `none` (or `-`) for either is OUTSIDE."""

    default: int | None
    sections: dict[str, int]  # a heading, or a path of headings `Section › Subsection` (lower case)

    def domain_of(self, topic: str) -> int | None:
        """The declaration of the longest heading path that opens `topic`, else the file's."""
        parts = _topic_parts(topic)
        for end in range(len(parts), 0, -1):
            path = " › ".join(parts[:end])
            if path in self.sections:
                return self.sections[path]
        return self.default

    def card_domain(self, topic: str, term: str) -> int | None:
        """What the file declares for one card by `Section › Term` (its topic's headings then
        its term), if anything: a single card kept out of an exam its section serves."""
        return self.sections.get(" › ".join([*_topic_parts(topic), _heading(term)]))


def declared(meta: dict[str, str], profile: Profile) -> tuple[Declaration | None, list[str]]:
    """The file's declaration for `profile`, and what in it could not be read."""
    numbers = {domain.number for domain in profile.domains}
    problems: list[str] = []

    def number(text: str, where: str) -> int | None:
        value = text.strip()
        if value.lower() in _OUTSIDE_WORDS:
            return OUTSIDE
        if value.isascii() and value.isdigit() and int(value) in numbers:
            return int(value)
        problems.append(f"{where}: {profile.id} has no domain {value!r}")
        return None

    default = number(meta[profile.id], profile.id) if profile.id in meta else None
    sections: dict[str, int] = {}
    for entry in meta.get(f"{profile.id}-sections", "").split(";"):
        heading, equals, value = entry.rpartition("=")
        if not entry.strip():
            continue
        if not equals or not heading.strip():
            problems.append(f"{profile.id}-sections: expected 'Heading = N', not {entry.strip()!r}")
        elif (domain := number(value, f"{profile.id}-sections")) is not None:
            sections[" › ".join(_heading(part) for part in re.split(r"›", heading))] = domain
    if default is None and not sections:
        return None, problems
    return Declaration(default, sections), problems


def profile_ids() -> list[str]:
    """Current exams first, then retired ones, each by id."""
    profiles = [load(path.stem) for path in sorted(_FOLDER.glob("*.json"))]
    return [profile.id for profile in sorted(profiles, key=lambda profile: (profile.retired, profile.id))]


@cache
def load(profile_id: str) -> Profile:
    path = _FOLDER / f"{profile_id.lower()}.json"
    if not re.fullmatch(r"[a-z0-9-]+", profile_id.lower()) or not path.is_file():
        known = ", ".join(sorted(candidate.stem for candidate in _FOLDER.glob("*.json")))
        raise MlsflashError(f"no exam profile {profile_id!r}", hint=f"known profiles: {known}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Profile(
        id=raw["id"], name=raw["name"], status=raw["status"],
        retired_on=date.fromisoformat(raw["retired_on"]) if raw["retired_on"] else None,
        questions=raw["questions"], scored_questions=raw["scored_questions"], minutes=raw["minutes"],
        passing_score=raw["passing_score"], source=raw["source"],
        domains=tuple(
            Domain(
                entry["number"], entry["name"], entry["weight"], tuple(k.lower() for k in entry["keywords"]),
                tuple(Task(task["id"], task["name"], tuple(k.lower() for k in task["keywords"]))
                      for task in entry.get("tasks", ())),
            )
            for entry in raw["domains"]
        ),
    )


def allocate(total: int, weights: dict[int, int]) -> dict[int, int]:
    """`total` split by weight with the largest-remainder method: shares sum to `total`, each
    within one of its exact quota (ties go to the heavier, then the lower-numbered domain)."""
    weight_sum = sum(weights.values())
    if total <= 0 or weight_sum <= 0:
        return {key: 0 for key in weights}
    quotas = {key: total * weight / weight_sum for key, weight in weights.items()}
    shares = {key: int(quota) for key, quota in quotas.items()}
    left = total - sum(shares.values())
    by_remainder = sorted(weights, key=lambda key: (-(quotas[key] - shares[key]), -weights[key], key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def estimate_score(share_correct: float) -> int:
    """An estimate on AWS's 100-1000 scale: linear, 0 % -> 100 and 100 % -> 1000. AWS scales
    scores per exam form and does not publish how; this only places a mock near the line."""
    share = min(max(share_correct, 0.0), 1.0)
    return round(100 + 900 * share)


def _heading(text: str) -> str:
    return " ".join(text.split()).lower()


def _topic_parts(topic: str) -> list[str]:
    return [part.strip().lower() for part in re.split(r"\s*›\s*", topic) if part.strip()]


@cache
def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(keyword)}(?![\w-])")


def mentions(text: str, keyword: str) -> bool:
    """Whether `text` (lower case) names `keyword` as a whole word or phrase."""
    return keyword in text and _keyword_pattern(keyword).search(text) is not None
