"""The exam's SQL: how topics map to domains, the cards questions are drawn from, the answers
and confusions of practice and mocks, and the mocks' results. Every function takes an open
`Connection` of `Store.read()`/`write()`:
- `mapped_topics(connection, profile_id)`, `map_topics(connection, profile_id, pairs, domain, mapped_at)`:
  the learner's domain of each (deck id, topic);
- `declared_domains(connection, profile_id) -> list[DeclaredDomain]`: what notes files declare;
- `topic_groups(connection) -> list[TopicGroup]`, `live_cards(connection) -> list[LiveCard]`,
  `live_topics(connection) -> list[DeckTopic]`, `live_ids_from(connection, prefix)`: the live
  cards a profile's domains are decided over;
- `question_sources(connection) -> list[QuestionSource]`, `active_sources(connection)`,
  `live_fronts(connection, ids)`: what questions and their reports show of the cards;
- `log_answer(connection, ...)`, `log_confusions(connection, card_id, others, answered_at)`:
  an answer (`mode` one of `Mode`) and the cards taken for the right one;
- `confused_pairs(connection, at_least) -> list[ConfusedPair]`, `confusion_counts(connection)`;
- `insert_mock(connection, ...) -> int`, `past_mocks(connection) -> list[PastMock]`;
- `accuracy(connection, since, mode)`: per domain, (right, answered).
"""

from __future__ import annotations

import enum
import json
from datetime import date
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple, Sequence

from mlsflash.storage.batches import in_batches, marks
from mlsflash.storage.predicates import ACTIVE, NOT_RETIRED
from mlsflash.storage.rows import all_as

if TYPE_CHECKING:
    from mlsflash.storage.db import Connection


class Mode(str, enum.Enum):
    """How an exam answer was given (the `mode` column of exam_answers)."""

    PRACTICE = "practice"
    MOCK = "mock"


# --- the domains of the cards --------------------------------------------------------------


def mapped_topics(connection: Connection, profile_id: str) -> dict[tuple[int, str], int]:
    """(deck id, topic) -> the domain the learner mapped it to under the profile."""
    return {
        (row.deck_id, row.topic): row.domain
        for row in connection.execute(
            "SELECT deck_id, topic, domain FROM exam_topic_map WHERE profile = ?", (profile_id,)
        )
    }


def map_topics(connection: Connection, profile_id: str, pairs: Iterable[tuple[int, str]], domain: int,
               mapped_at: str) -> None:
    """The learner's `domain` for each (deck id, topic), replacing an earlier one."""
    connection.execute(
        "INSERT INTO exam_topic_map (profile, deck_id, topic, domain, mapped_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (profile, deck_id, topic) DO UPDATE SET domain = excluded.domain, "
        "mapped_at = excluded.mapped_at",
        [(profile_id, deck_id, topic, domain, mapped_at) for deck_id, topic in pairs],
    )


class DeclaredDomain(NamedTuple):
    source_file: str
    heading: str  # "" for the whole file
    domain: int


def declared_domains(connection: Connection, profile_id: str) -> list[DeclaredDomain]:
    """The domains notes files declare under the profile, for the file or one heading."""
    return all_as(connection.execute(
        "SELECT source_file, heading, domain FROM exam_declarations WHERE profile = ?", (profile_id,)
    ), DeclaredDomain)


class TopicGroup(NamedTuple):
    """The live cards of one topic of a deck that come from one file."""

    deck_id: int
    deck: str
    topic: str
    source_file: str
    cards: int


def topic_groups(connection: Connection) -> list[TopicGroup]:
    """Every (deck, topic, file) of the live cards, by deck name and topic."""
    return all_as(connection.execute(
        "SELECT c.deck_id, d.name, c.topic, c.source_file, count(*) FROM cards c JOIN decks d ON d.id = c.deck_id "
        f"WHERE c.{NOT_RETIRED} GROUP BY c.deck_id, c.topic, c.source_file ORDER BY d.name, c.topic"
    ), TopicGroup)


class LiveCard(NamedTuple):
    id: str
    deck_id: int
    topic: str
    source_file: str
    direction: str  # a `model.Direction` value
    front_plain: str
    back_plain: str


def live_cards(connection: Connection) -> list[LiveCard]:
    """Every card not retired, with what a notes file's declaration may name it by."""
    return all_as(connection.execute(
        "SELECT id, deck_id, topic, source_file, direction, front_plain, back_plain FROM cards "
        f"WHERE {NOT_RETIRED}"
    ), LiveCard)


class DeckTopic(NamedTuple):
    deck_id: int
    topic: str
    deck: str


def live_topics(connection: Connection) -> list[DeckTopic]:
    """Every distinct (deck, topic) of the live cards."""
    return all_as(connection.execute(
        "SELECT DISTINCT c.deck_id, c.topic, d.name FROM cards c JOIN decks d ON d.id = c.deck_id "
        f"WHERE c.{NOT_RETIRED}"
    ), DeckTopic)


def live_ids_from(connection: Connection, prefix: str) -> set[str]:
    """Ids of the live cards whose notes file's path starts with `prefix`."""
    return {
        row.id for row in connection.execute(
            f"SELECT id FROM cards WHERE {NOT_RETIRED} AND substr(source_file, 1, ?) = ?", (len(prefix), prefix),
        )
    }


# --- what questions show -------------------------------------------------------------------


class QuestionSource(NamedTuple):
    id: str
    front_plain: str
    back_plain: str
    context: tuple[str, ...]  # the headings above the bullet
    topic: str
    direction: str  # a `model.Direction` value
    deck: str


def question_sources(connection: Connection) -> list[QuestionSource]:
    """Every active card (suspended and retired ones are not asked), in deck and note order."""
    result = connection.execute(
        "SELECT c.id, c.front_plain, c.back_plain, c.context, c.topic, c.direction, d.name FROM cards c "
        f"JOIN decks d ON d.id = c.deck_id WHERE c.{ACTIVE} ORDER BY c.deck_id, c.source_file, c.position"
    )
    return [QuestionSource(row.id, row.front_plain, row.back_plain, tuple(json.loads(row.context)), row.topic,
                           row.direction, row.name) for row in result]


def active_sources(connection: Connection) -> dict[str, tuple[str, int]]:
    """Card id -> (file, line) of every active card."""
    return {
        row.id: (row.source_file, row.source_line)
        for row in connection.execute(f"SELECT id, source_file, source_line FROM cards WHERE {ACTIVE}")
    }


def live_fronts(connection: Connection, ids: Iterable[str]) -> dict[str, str]:
    """Card id -> plain front of those of `ids` that are live cards."""
    rows = in_batches(
        connection, lambda count: f"SELECT id, front_plain FROM cards WHERE {NOT_RETIRED} AND id IN ({marks(count)})",
        sorted(ids),
    )
    return {row.id: row.front_plain for row in rows}


# --- answers and confusions ----------------------------------------------------------------


def log_answer(
    connection: Connection, *, answered_at: str, study_day: date, profile_id: str, mode: Mode, mock_id: int | None,
    shape: str, card_id: str, domain: int | None, offered: Sequence[str], chosen: Sequence[int], correct: bool,
    seconds: float,
) -> None:
    """One answer to a question about `card_id`: the cards `offered` as options, the indexes `chosen`."""
    connection.execute(
        "INSERT INTO exam_answers (answered_at, study_day, profile, mode, mock_id, shape, card_id, domain, offered, "
        "chosen, correct, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (answered_at, study_day.isoformat(), profile_id, Mode(mode).value, mock_id, shape, card_id, domain,
         json.dumps(list(offered)), json.dumps(sorted(chosen)), correct, seconds),
    )


def log_confusions(connection: Connection, card_id: str, others: Iterable[str], answered_at: str) -> None:
    """The learner took each of `others` for `card_id`."""
    connection.execute(
        "INSERT INTO exam_confusions (card_id, confused_with, answered_at) VALUES (?, ?, ?)",
        [(card_id, other, answered_at) for other in others],
    )


class ConfusedPair(NamedTuple):
    a: str  # the smaller card id
    b: str
    times: int


def confused_pairs(connection: Connection, at_least: int) -> list[ConfusedPair]:
    """Pairs of cards (either way round) confused at least `at_least` times, most often first;
    retired cards too."""
    return all_as(connection.execute(
        "SELECT min(x.card_id, x.confused_with) AS a, max(x.card_id, x.confused_with) AS b, count(*) AS times "
        "FROM exam_confusions x GROUP BY a, b HAVING count(*) >= ? ORDER BY times DESC, a, b",
        (at_least,),
    ), ConfusedPair)


class ConfusionCount(NamedTuple):
    card_id: str
    confused_with: str
    times: int


def confusion_counts(connection: Connection) -> list[ConfusionCount]:
    """How often each card was taken for another (one way round), retired cards too."""
    return all_as(connection.execute(
        "SELECT card_id, confused_with, count(*) FROM exam_confusions GROUP BY card_id, confused_with"
    ), ConfusionCount)


# --- mocks ---------------------------------------------------------------------------------


def insert_mock(
    connection: Connection, *, profile_id: str, started_at: str, finished_at: str, study_day: date, questions: int,
    answered: int, correct: int, score: int, passed: bool, timed_out: bool, domains: Mapping[int, tuple[int, int]],
) -> int:
    """A mock's row (`domains`: domain -> (correct, questions)); returns its id."""
    mock_id = connection.execute(
        "INSERT INTO mock_exams (profile, started_at, finished_at, study_day, questions, answered, correct, "
        "score, passed, timed_out, domains) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (profile_id, started_at, finished_at, study_day.isoformat(), questions, answered, correct, score, passed,
         timed_out, json.dumps({str(domain): list(pair) for domain, pair in domains.items()})),
    ).lastrowid
    return int(mock_id or 0)  # always set after an INSERT


class PastMock(NamedTuple):
    id: int
    profile: str
    study_day: str  # ISO date
    questions: int
    answered: int
    correct: int
    score: int
    passed: bool
    timed_out: bool
    domains: dict[int, list[int]]  # domain -> [correct, questions]


def past_mocks(connection: Connection) -> list[PastMock]:
    """Every mock taken, oldest first."""
    return [
        PastMock(row.id, row.profile, row.study_day, row.questions, row.answered, row.correct, row.score,
                 bool(row.passed), bool(row.timed_out),
                 {int(key): value for key, value in json.loads(row.domains).items()})
        for row in connection.execute(
            "SELECT id, profile, study_day, questions, answered, correct, score, passed, timed_out, domains "
            "FROM mock_exams ORDER BY id"
        )
    ]


def accuracy(connection: Connection, since: str, mode: Mode) -> dict[int | None, tuple[int, int]]:
    """Domain -> (right, answered) of the answers given in `mode` since a study day."""
    return {
        row.domain: (row.right, row.answered)
        for row in connection.execute(
            "SELECT domain, sum(correct) AS right, count(*) AS answered FROM exam_answers "
            "WHERE study_day >= ? AND mode = ? GROUP BY domain", (since, Mode(mode).value),
        )
    }
