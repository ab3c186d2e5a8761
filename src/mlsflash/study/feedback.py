"""What a learner is shown about an exam question once it is answered: the pick, the right
answer in full (an option is one line cut at `questions.OPTION_WIDTH`; its card holds all of
it) and why: the card the question comes from and, for a wrong pick, the card the picked
option belongs to. Then how the answers add up per domain and per task statement.

Pure: questions, answers and cards in, value objects out (the screens are `cli.exam_screens`'s)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from mlsflash.study.questions import Shape, one_line

if TYPE_CHECKING:
    from mlsflash.profiles import Profile, Task
    from mlsflash.study.questions import Option, Question, QuestionCard

LETTERS = "abcde"


class Outcome(str, enum.Enum):
    RIGHT = "right"
    WRONG = "wrong"
    UNANSWERED = "unanswered"


@dataclass(frozen=True)
class Shown:
    """One option as the result screen tells it."""

    letter: str
    option: str  # as it was offered (one line, perhaps cut)
    whole: str  # in full, as its card says it
    right: bool
    card: QuestionCard | None  # the card the option is the answer (or an item) of
    source: str  # that card's `file:line`, "" when unknown


@dataclass(frozen=True)
class Feedback:
    number: int
    question: Question
    outcome: Outcome
    picked: tuple[Shown, ...]
    answer: tuple[Shown, ...]  # the right options, in letter order
    card: QuestionCard | None  # the card asked about
    source: str
    task: Task | None  # the task statement the card serves, when its words name one

    @property
    def wrong_picks(self) -> tuple[Shown, ...]:
        return tuple(shown for shown in self.picked if not shown.right)


def whole_text(question: Question, option: Option, card: QuestionCard | None) -> str:
    """The option as its card has it: the whole answer, the whole term, or the whole list item."""
    if card is None:
        return option.text
    if question.shape is Shape.DEFINITION:
        return card.back
    if question.shape is Shape.TERM:
        return card.front
    return next((item for item in card.items if one_line(item) == option.text), option.text)


def explain(
    number: int, question: Question, chosen: Sequence[int], cards: Mapping[str, QuestionCard],
    sources: Mapping[str, str], profile: Profile,
) -> Feedback:
    def shown(index: int) -> Shown:
        option = question.options[index]
        card = cards.get(option.card_id)
        return Shown(LETTERS[index], option.text, whole_text(question, option, card), option.right, card,
                     sources.get(option.card_id, ""))

    picked = tuple(shown(index) for index in sorted(chosen))
    if not picked:
        outcome = Outcome.UNANSWERED
    elif frozenset(chosen) == question.right:
        outcome = Outcome.RIGHT
    else:
        outcome = Outcome.WRONG
    card = cards.get(question.card_id)
    return Feedback(number, question, outcome, picked, tuple(shown(index) for index in sorted(question.right)),
                    card, sources.get(question.card_id, ""), task_of(card, question.domain, profile))


def task_of(card: QuestionCard | None, domain: int | None, profile: Profile) -> Task | None:
    """The task statement of the card's domain its term, context (innermost heading first) or
    answer names; None without a domain or when none is named."""
    known = {entry.number: entry for entry in profile.domains}
    if card is None or domain not in known:
        return None
    return known[domain].task_of([card.front, *reversed(card.context), card.back])


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    unanswered: int = 0

    @property
    def asked(self) -> int:
        return self.right + self.wrong + self.unanswered

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


@dataclass
class DomainTally:
    number: int | None  # None: cards without a domain (practice asks them too)
    name: str
    total: Tally = field(default_factory=Tally)
    tasks: list[tuple[str, Tally]] = field(default_factory=list)  # "1.1 Ingest and store data" -> tally
    no_task: Tally = field(default_factory=Tally)  # questions whose card names no task's words


def tally(feedbacks: Sequence[Feedback], profile: Profile) -> tuple[Tally, list[DomainTally]]:
    """All the answers, then per domain of the profile (in its order; a domain nothing was asked
    from is kept, with nothing asked) and per task statement within it (those asked only)."""
    overall = Tally()
    domains: dict[int | None, DomainTally] = {
        domain.number: DomainTally(domain.number, domain.name) for domain in profile.domains
    }
    by_task: dict[str, Tally] = {}
    for feedback in feedbacks:
        overall.add(feedback.outcome)
        key = feedback.question.domain if feedback.question.domain in domains else None
        row = domains.get(key) or domains.setdefault(None, DomainTally(None, "no domain"))
        row.total.add(feedback.outcome)
        if feedback.task is None:
            row.no_task.add(feedback.outcome)
        else:
            by_task.setdefault(feedback.task.id, Tally()).add(feedback.outcome)
    for domain in profile.domains:
        domains[domain.number].tasks = [(f"{task.id} {task.name}", by_task[task.id])
                                        for task in domain.tasks if task.id in by_task]
    return overall, list(domains.values())
