"""Exam practice and mock exams over the store: which domain each card belongs to, the
questions drawn from the collection, answers, confusions and mock results. The questions
themselves come from `questions` (pure); nothing here touches a card's schedule."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from mlsflash import clock
from mlsflash.errors import MlsflashError
from mlsflash.model import Direction, deck_key
from mlsflash.profiles import DEFAULT_PROFILE, OUTSIDE, Declaration, Profile, allocate, estimate_score, load
from mlsflash.storage import exams as exams_db
from mlsflash.storage.exams import Mode as Mode  # how an answer was given, stored with it
from mlsflash.study.prediction import Prediction, chance, from_mock
from mlsflash.study.questions import Pool, Question, QuestionCard, build, shapes_for

if TYPE_CHECKING:
    from mlsflash.storage import Store
    from mlsflash.storage.db import Connection

PROFILE_KEY = "exam_profile"

CONFUSED_AT_LEAST = 2  # a pair shown in review and stats after this many wrong picks


class Origin:
    """Where a topic's domain comes from, strongest first."""

    LEARNER = "mapped"  # `mlsflash exam map`
    NOTES = "declared"  # the notes file's front matter
    KEYWORDS = "keywords"  # the profile's keywords found in the topic


# --- the profile --------------------------------------------------------------------------


def current_profile(connection: Connection) -> Profile:
    from mlsflash.collection.settings import get

    stored = get(connection, PROFILE_KEY)
    return load(stored if stored is not None else DEFAULT_PROFILE)


def set_profile(store: Store, profile_id: str) -> Profile:
    profile = load(profile_id)
    from mlsflash.collection.settings import put

    with store.write() as connection:
        put(connection, PROFILE_KEY, profile.id)
    return profile


# --- domains ------------------------------------------------------------------------------


@dataclass
class TopicDomain:
    deck_id: int
    deck: str
    topic: str
    cards: int = 0
    domain: int | None = None
    origin: str = ""
    outside: bool = False  # its notes declare it serves no task of the exam


@dataclass
class CardDomains:
    """Every live card's domain under one profile, and the topics behind them."""

    profile: Profile
    of_card: dict[str, int | None] = field(default_factory=dict)
    topics: list[TopicDomain] = field(default_factory=list)
    outside: frozenset[str] = frozenset()  # cards their notes keep out of this exam (domain None)

    def unassigned(self) -> list[TopicDomain]:
        return [topic for topic in self.topics if topic.domain is None and not topic.outside]


def card_domains(connection: Connection, profile: Profile) -> CardDomains:
    """Each live card's domain: the learner's map of its topic, else what its file declares
    for the topic's section (or the whole file), else the profile's keywords in the topic."""
    mapped = exams_db.mapped_topics(connection, profile.id)
    declarations: dict[str, Declaration] = {}
    for stated in exams_db.declared_domains(connection, profile.id):
        declaration = declarations.setdefault(stated.source_file, Declaration(None, {}))
        if stated.heading:
            declaration.sections[stated.heading] = stated.domain
        else:
            declarations[stated.source_file] = Declaration(stated.domain, declaration.sections)
    result = CardDomains(profile)
    topics: dict[tuple[int, str], TopicDomain] = {}
    keyword_cache: dict[str, int | None] = {}
    of_group: dict[tuple[int, str, str], int | None] = {}
    # Domains are decided per (deck, topic, file), a few hundred groups however many cards.
    for deck_id, name, topic_text, source, cards in exams_db.topic_groups(connection):
        domain, origin = mapped.get((deck_id, topic_text)), Origin.LEARNER
        if domain is None and source in declarations:
            domain, origin = declarations[source].domain_of(topic_text), Origin.NOTES
        if domain is None:
            if topic_text not in keyword_cache:
                keyword_cache[topic_text] = profile.domain_of(topic_text)
            domain, origin = keyword_cache[topic_text], Origin.KEYWORDS
        of_group[(deck_id, topic_text, source)] = domain
        topic = topics.setdefault((deck_id, topic_text), TopicDomain(deck_id, name, topic_text))
        topic.cards += cards
        if domain == OUTSIDE:
            topic.outside, topic.origin = True, origin
        elif topic.domain is None and domain is not None:
            topic.domain, topic.origin = domain, origin
    outside: set[str] = set()
    for card in exams_db.live_cards(connection):
        domain = of_group[(card.deck_id, card.topic, card.source_file)]
        of_file = declarations.get(card.source_file)
        if of_file is not None and (card.deck_id, card.topic) not in mapped:
            term = card.front_plain if card.direction == Direction.FORWARD.value else card.back_plain
            declared = of_file.card_domain(card.topic, term)
            domain = domain if declared is None else declared
        if domain == OUTSIDE:
            outside.add(card.id)
        result.of_card[card.id] = None if domain == OUTSIDE else domain
    result.outside = frozenset(outside)
    result.topics = list(topics.values())
    return result


def bundled_use(connection: Connection) -> dict[str, tuple[int, int]]:
    """Per profile (current first): how many live bundled cards it uses as exam cards, of how many."""
    from mlsflash.notes.importer import BUNDLED_PREFIX
    from mlsflash.profiles import profile_ids

    bundled = exams_db.live_ids_from(connection, BUNDLED_PREFIX)
    use: dict[str, tuple[int, int]] = {}
    for profile_id in profile_ids():
        of_card = card_domains(connection, load(profile_id)).of_card
        use[profile_id] = (sum(1 for card_id in bundled if of_card.get(card_id) is not None), len(bundled))
    return use


def map_topic(store: Store, topic: str, domain: int, deck: str | None = None) -> int:
    """The learner's domain for every live topic named `topic` (in `deck` only, if given);
    returns how many (deck, topic) pairs were mapped."""
    with store.write() as connection:
        profile = current_profile(connection)
        profile.domain(domain)  # refuses a domain the profile does not have
        wanted = " ".join(topic.split()).casefold()
        in_deck = deck_key(deck) if deck is not None else None
        pairs = {
            (row.deck_id, row.topic)
            for row in exams_db.live_topics(connection)
            if " ".join(row.topic.split()).casefold() == wanted and in_deck in (None, deck_key(row.deck))
        }
        if not pairs:
            where = f" in deck {deck!r}" if deck else ""
            raise MlsflashError(
                f"no topic {topic!r}{where}", hint="`mlsflash exam domains` lists every topic and its domain"
            )
        exams_db.map_topics(connection, profile.id, sorted(pairs), domain, clock.timestamp())
    return len(pairs)


# --- questions ----------------------------------------------------------------------------


def question_cards(connection: Connection, domains: CardDomains) -> list[QuestionCard]:
    """Every active card as a question source (suspended and retired cards are not asked)."""
    cards = []
    for row in exams_db.question_sources(connection):
        if row.id in domains.outside:
            continue
        cards.append(QuestionCard.of_card(row.id, row.front_plain, row.back_plain, row.context,
                                          row.topic, domains.of_card.get(row.id), row.deck,
                                          reverse=row.direction == Direction.REVERSE.value))
    return cards


def draw(
    pool: Pool | Sequence[QuestionCard], asked: Sequence[QuestionCard], count: int, rng: random.Random,
    confusions: dict[str, list[str]] | None = None,
) -> list[Question]:
    """Up to `count` questions about cards of `asked` (each bullet once: a card and its reverse
    would ask the same thing twice), distractors from `pool`. With `confusions` (card id -> ids
    it was confused with), those cards are offered first."""
    order = list(asked)
    rng.shuffle(order)
    siblings = pool if isinstance(pool, Pool) else Pool(pool)
    drawn: list[Question] = []
    bullets: set[tuple[str, tuple[str, ...], str]] = set()
    for card in order:
        if len(drawn) == count:
            break
        if card.bullet in bullets:
            continue
        shapes = shapes_for(card)
        rng.shuffle(shapes)
        prefer = frozenset((confusions or {}).get(card.id, ()))
        for shape in shapes:
            question = build(card, shape, siblings, rng, prefer=prefer)
            if question is not None:
                drawn.append(question)
                bullets.add(card.bullet)
                break
    return drawn


def mock_questions(pool: Sequence[QuestionCard], profile: Profile, rng: random.Random) -> list[Question]:
    """The profile's number of questions, split across domains by weight (largest remainder);
    a domain without enough cards gives what it has."""
    shares = allocate(profile.questions, {domain.number: domain.weight for domain in profile.domains})
    siblings = Pool(pool)
    drawn: list[Question] = []
    for domain in profile.domains:
        asked = [card for card in pool if card.domain == domain.number]
        drawn += draw(siblings, asked, shares[domain.number], rng)
    rng.shuffle(drawn)
    return drawn


def coverage(pool: Sequence[QuestionCard], profile: Profile, seed: int = 0) -> dict[int | None, dict[str, int]]:
    """Domain -> shape -> how many bullets can be asked in that shape (their pool has enough
    distinct distractors; a card and its reverse count once); None collects the cards without
    a domain."""
    from mlsflash.study.questions import Shape

    rng = random.Random(seed)
    siblings = Pool(pool)
    table: dict[int | None, dict[str, int]] = {
        key: {shape.value: 0 for shape in Shape} for key in [*(d.number for d in profile.domains), None]
    }
    counted: set[tuple[str, tuple[str, ...], str]] = set()
    for card in pool:
        if card.bullet in counted:
            continue
        counted.add(card.bullet)
        for shape in Shape:
            if build(card, shape, siblings, rng) is not None:
                table[card.domain][shape.value] += 1
    return table


def is_right(question: Question, chosen: Sequence[int]) -> bool:
    return frozenset(chosen) == question.right


def record_answer(
    connection: Connection, profile: Profile, mode: Mode, question: Question, chosen: Sequence[int],
    seconds: float, mock_id: int | None = None,
) -> bool:
    """Log one answer (and, when wrong, which cards the learner took for the right one)."""
    now = clock.timestamp()
    correct = is_right(question, chosen)
    exams_db.log_answer(
        connection, answered_at=now, study_day=clock.today(), profile_id=profile.id, mode=mode, mock_id=mock_id,
        shape=question.shape.value, card_id=question.card_id, domain=question.domain,
        offered=[option.card_id for option in question.options], chosen=chosen, correct=correct,
        seconds=round(seconds, 3),
    )
    confused = {question.options[index].card_id for index in chosen if not question.options[index].right}
    confused.discard(question.card_id)
    if confused:
        exams_db.log_confusions(connection, question.card_id, sorted(confused), now)
    return correct


@dataclass(frozen=True)
class Confusion:
    card_id: str
    front: str
    other_id: str
    other_front: str
    times: int


def confusions(connection: Connection, *, at_least: int = 1, limit: int | None = None) -> list[Confusion]:
    """Pairs of live cards the learner mixed up, most often first (either way round counts)."""
    rows = exams_db.confused_pairs(connection, at_least)
    fronts = exams_db.live_fronts(connection, {row.a for row in rows} | {row.b for row in rows})
    found = [Confusion(row.a, fronts[row.a], row.b, fronts[row.b], row.times)
             for row in rows if row.a in fronts and row.b in fronts]
    return found[:limit] if limit is not None else found


def often_confused(connection: Connection) -> dict[str, list[str]]:
    """Card id -> fronts of the live cards it was confused with at least CONFUSED_AT_LEAST times
    (either way round), most often first: `confused_with` for every card in one query."""
    times: dict[tuple[str, str], int] = {}
    for card_id, other, count in exams_db.confusion_counts(connection):
        pair = (card_id, other) if card_id < other else (other, card_id)
        times[pair] = times.get(pair, 0) + count
    frequent = {pair: count for pair, count in times.items() if count >= CONFUSED_AT_LEAST}
    fronts = exams_db.live_fronts(connection, {card_id for pair in frequent for card_id in pair})
    ranked: dict[str, list[tuple[int, str]]] = {}
    for (first, second), count in frequent.items():
        for card_id, other in ((first, second), (second, first)):
            if other in fronts:
                ranked.setdefault(card_id, []).append((-count, other))
    return {card_id: [fronts[other] for _, other in sorted(entries)] for card_id, entries in ranked.items()}


def confusion_map(connection: Connection) -> dict[str, list[str]]:
    """Card id -> ids it was confused with (both ways), for contrast questions."""
    pairs: dict[str, list[str]] = {}
    for pair in confusions(connection):
        pairs.setdefault(pair.card_id, []).append(pair.other_id)
        pairs.setdefault(pair.other_id, []).append(pair.card_id)
    return pairs


def sources(connection: Connection) -> dict[str, tuple[str, int]]:
    """Card id -> (file, line) of every active card: where a mock's wrong answers come from."""
    return exams_db.active_sources(connection)


# --- mock results -------------------------------------------------------------------------


@dataclass
class MockResult:
    profile: Profile
    questions: int
    answered: int
    correct: int
    timed_out: bool
    by_domain: dict[int, tuple[int, int]]  # domain -> (correct, questions)
    prediction: Prediction  # the score range today from the mock and memory, and the verdict

    @property
    def share(self) -> float:
        return self.correct / self.questions if self.questions else 0.0

    @property
    def score(self) -> int:
        """The mock's own score: its share right on the scale, lucky guesses and all."""
        return estimate_score(self.share)

    @property
    def passed(self) -> bool:
        return self.prediction.passed


def mock_result(profile: Profile, questions: Sequence[Question], answers: Sequence[Sequence[int]],
                timed_out: bool, readiness: float, unseen: int) -> MockResult:
    """The mock's counts, and its verdict held against `readiness` (today's recall of the
    exam's cards, weighted by domain) and the `unseen` exam cards (see `prediction`)."""
    by_domain: dict[int, tuple[int, int]] = {domain.number: (0, 0) for domain in profile.domains}
    correct = 0
    for question, chosen in zip(questions, answers, strict=True):
        right = bool(chosen) and is_right(question, chosen)
        correct += right
        if question.domain is not None:
            done, asked = by_domain.get(question.domain, (0, 0))
            by_domain[question.domain] = (done + right, asked + 1)
    luck = sum(chance(len(q.options), q.choose) for q in questions) / len(questions) if questions else 0.0
    prediction = Prediction(readiness, from_mock(correct, len(questions), luck), unseen,
                            profile.passing_score)
    return MockResult(profile, len(questions), sum(1 for chosen in answers if chosen), correct, timed_out, by_domain,
                      prediction)


def save_mock(
    store: Store, result: MockResult, questions: Sequence[Question], answers: Sequence[Sequence[int]],
    seconds: Sequence[float], started_at: str,
) -> int:
    """The result and every answer (unanswered ones too: they count as wrong), in one transaction."""
    with store.write() as connection:
        mock_id = insert_mock(connection, result, started_at)
        for question, chosen, spent in zip(questions, answers, seconds, strict=True):
            record_answer(connection, result.profile, Mode.MOCK, question, chosen, spent, mock_id)
    return mock_id


def insert_mock(connection: Connection, result: MockResult, started_at: str) -> int:
    """Store the mock's result (what `exam history` lists); returns its id."""
    return exams_db.insert_mock(
        connection, profile_id=result.profile.id, started_at=started_at, finished_at=clock.timestamp(),
        study_day=clock.today(), questions=result.questions, answered=result.answered, correct=result.correct,
        score=result.score, passed=result.passed, timed_out=result.timed_out, domains=result.by_domain,
    )


def mock_history(connection: Connection) -> list[dict[str, object]]:
    return [
        {
            "id": mock.id, "profile": mock.profile, "day": mock.study_day, "questions": mock.questions,
            "answered": mock.answered, "correct": mock.correct, "score": mock.score, "passed": mock.passed,
            "timed_out": mock.timed_out, "domains": mock.domains,
        }
        for mock in exams_db.past_mocks(connection)
    ]


def accuracy(connection: Connection, since: str, mode: Mode) -> dict[int | None, tuple[int, int]]:
    """Domain -> (right, answered) of the answers given in `mode` since a study day."""
    return exams_db.accuracy(connection, since, mode)

