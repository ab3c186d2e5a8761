"""Exam questions from real decks, checked as properties over many seeds: the stated number
of right options, distinct options, no distractor that is also right, nearest siblings first,
the context shown, no near-duplicate and few leaks; and the distractor choice on hand-made
decks with parents, children and cousins."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from conftest import SHARED
from mlsflash.study import questions
from mlsflash.study.exam import draw
from mlsflash.model import normalize
from mlsflash.notes.parser import parse_notes
from mlsflash.profiles import load
from mlsflash.study.questions import QuestionCard, Shape

ROOT = Path(__file__).resolve().parent.parent
LEARNER_NOTES = SHARED / "notes" / "aws-mls-notes.md"


def cards_of(path: Path) -> list[QuestionCard]:
    parsed = parse_notes(path.read_text(encoding="utf-8"))
    deck = parsed.title or path.stem
    profile = load("mla-c01")
    cards = []
    for number, draft in enumerate(parsed.drafts):
        topic = " › ".join(draft.context[:2])
        cards.append(QuestionCard(f"{path.stem}-{number}", draft.front_plain, draft.back_plain, draft.context,
                                  topic, profile.domain_of(topic), deck))
    return cards


def pools() -> list[tuple[str, list[QuestionCard]]]:
    found = [(path.name, cards_of(path)) for path in sorted((ROOT / "decks").glob("*.md"))]
    return found


# The learner's notes are a case of their own, skipped with a reason when absent: never a
# silently shorter list.
POOLS = [*(pytest.param(name, pool, id=name) for name, pool in pools()),
         pytest.param("learner's notes", LEARNER_NOTES, id="learner's notes",
                      marks=pytest.mark.needs_shared(LEARNER_NOTES))]


def key(text: str) -> str:
    return normalize(text.replace("…", ""))


def check(question: questions.Question, card: QuestionCard, pool: list[QuestionCard]) -> None:
    by_id = {other.id: other for other in pool}
    texts = [key(option.text) for option in question.options]
    assert len(set(texts)) == len(texts), question
    assert len(question.options) == (5 if question.shape is Shape.CHOOSE_TWO else 4)
    assert len(question.right) == question.choose
    assert all("\n" not in option.text and len(option.text) <= questions.OPTION_WIDTH for option in question.options)
    for option in question.options:
        if option.right:
            assert option.card_id == card.id
            continue
        other = by_id[option.card_id]
        assert other.id != card.id
        assert questions.level_of(card, other) == option.level
        if question.shape is Shape.DEFINITION:  # the distractor's card would not also fit the term
            assert key(option.text) != key(questions.one_line(card.back))
            assert key(other.front) != key(card.front) or questions.is_generic(card.front) and unrelated(card, other)
        elif question.shape is Shape.TERM:
            assert key(other.back) != key(card.back) and key(option.text) != key(questions.one_line(card.front))
        else:
            assert key(option.text) not in {key(item) for item in card.items}
    if content(" ".join((*card.context, question.stem))) & content(right_text(question)):
        return  # a distractor may come from farther to hold a word the stem shares with the answer
    # Nearest first: no unused candidate of a nearer level was passed over for a farther one.
    farthest = max(option.level for option in question.options if not option.right)
    used = {option.card_id for option in question.options}
    nearer = [other for other in pool if other.id not in used and questions.level_of(card, other) < farthest]
    for other in nearer:
        eligible = not questions.also_true(card, other, question.stem)
        if question.shape is Shape.DEFINITION:
            candidate = questions.one_line(other.back)
        elif question.shape is Shape.TERM:
            candidate = questions.one_line(other.front)
            eligible = eligible and not other.items and not questions.is_generic(other.front)
        else:
            continue  # items: a nearer card may hold only items equal to the card's own
        folded = {fold(option.text) for option in question.options}
        assert not eligible or fold(candidate) in folded or not fold(candidate), (other, question)


def unrelated(card: QuestionCard, other: QuestionCard) -> bool:
    """Neither card's context lies under the other's: `Use cases` of two different subjects."""
    shorter = min(len(card.context), len(other.context))
    return card.context[:shorter] != other.context[:shorter]


def right_text(question: questions.Question) -> str:
    return " ".join(option.text for option in question.options if option.right)


def fold(text: str) -> str:
    return " ".join(questions.fold(text.replace("…", "")))


def content(text: str) -> frozenset[str]:
    return questions.content_words(text)


@pytest.mark.parametrize(("name", "pool"), POOLS)
def test_every_question_has_its_right_options_and_distinct_plausible_distractors(name, pool) -> None:
    pool = cards_of(pool) if isinstance(pool, Path) else pool
    built = {shape: 0 for shape in Shape}
    for seed in range(12):
        rng = random.Random(seed)
        for card in rng.sample(pool, min(20, len(pool))):
            for shape in Shape:
                question = questions.build(card, shape, pool, rng)
                if question is None:
                    continue
                built[shape] += 1
                check(question, card, pool)
    assert built[Shape.DEFINITION] > 100 and built[Shape.TERM] > 100, built


def test_list_cards_make_choose_two_questions_from_sibling_items() -> None:
    pool = [
        QuestionCard("a", "Kinesis family", "- Data Streams\n- Firehose\n- Video Streams", ("AWS", "Streaming"),
                     "AWS › Streaming", 1, "d"),
        QuestionCard("b", "Glue parts", "- Crawler\n- Data Catalog\n- Job bookmarks", ("AWS", "Streaming"),
                     "AWS › Streaming", 1, "d"),
        QuestionCard("c", "S3 classes", "- Standard\n- Glacier\n- Firehose", ("AWS", "Storage"),
                     "AWS › Storage", 1, "d"),
    ]
    question = questions.build(pool[0], Shape.CHOOSE_TWO, pool, random.Random(3))
    assert question is not None and question.choose == 2
    texts = {option.text for option in question.options}
    assert len(texts) == 5
    assert {question.options[index].text for index in question.right} <= {"Data Streams", "Firehose", "Video Streams"}
    assert "Firehose" not in {option.text for option in question.options if not option.right}


def test_a_term_whose_definition_names_it_is_not_asked_either_way() -> None:
    """By definition the term is in the stem; by term the answer names itself in the stem."""
    card = QuestionCard("a", "Firehose", "Firehose delivers streams to S3", ("AWS",), "AWS", 1, "d")
    others = [QuestionCard(str(n), f"term {n}", f"meaning {n}", ("AWS",), "AWS", 1, "d") for n in range(5)]
    assert questions.build(card, Shape.TERM, [card, *others], random.Random(0)) is None
    assert questions.build(card, Shape.DEFINITION, [card, *others], random.Random(0)) is None
    plain = QuestionCard("b", "Firehose", "delivers streams to S3", ("AWS",), "AWS", 1, "d")
    assert questions.build(plain, Shape.DEFINITION, [plain, *others], random.Random(0)) is not None


def test_a_pool_without_enough_distinct_answers_makes_no_question() -> None:
    cards = [QuestionCard(str(n), f"term {n}", "same answer", ("AWS",), "AWS", 1, "d") for n in range(6)]
    assert questions.build(cards[0], Shape.DEFINITION, cards, random.Random(0)) is None


def test_options_are_one_line_and_cut_alike() -> None:
    assert questions.one_line("- first\n- second") == "first / second"
    long = questions.one_line("word " * 100)
    assert len(long) == questions.OPTION_WIDTH and long.endswith("…")


# --- distractors on hand-made decks: parents, children, cousins ----------------------------------

MIGRATION = ("AWS", "Moving to the cloud")
DMS = (*MIGRATION, "Database Migration Service")
ANALYTICS = ("AWS", "Analytics")
POLICY = ("S3", "Bucket policy")
HOSTING = ("SageMaker", "Hosting")


def card(card_id: str, front: str, back: str, context: tuple[str, ...], topic: str = "AWS") -> QuestionCard:
    return QuestionCard(card_id, front, back, context, topic, 1, "deck")


HAND_MADE = [
    card("dms", "Database Migration Service", "copies relational engines with little downtime", MIGRATION),
    card("datasync", "DataSync", "copies files from NFS and SMB shares on a schedule", MIGRATION),
    card("snowball", "Snowball Edge", "a rugged device that carries petabytes offline", MIGRATION),
    card("transfer", "Transfer Family", "SFTP and FTPS endpoints in front of S3 buckets", MIGRATION),
    card("discovery", "Application Discovery Service", "inventories servers and their traffic before a move",
         MIGRATION),
    card("sct", "Schema Conversion Tool", "rewrites schemas and code before the Database Migration Service copies",
         MIGRATION),
    card("instance", "replication instance", "EC2 machine that runs the copy tasks", DMS),
    card("cdc", "CDC", "ongoing replication of changes after the full load", DMS),
    card("multiaz", "Multi-AZ", "a standby in another zone takes over on failure", (*DMS, "replication instance")),
    card("athena", "Amazon Athena", "serverless SQL over files in S3, paid per scanned byte", ANALYTICS),
    card("workgroups", "Athena workgroups", "separate query limits and costs per team", ANALYTICS),
    card("redshift", "Redshift", "columnar warehouse on provisioned or serverless clusters", ANALYTICS),
    card("emr", "EMR", "managed Hadoop and Spark clusters on EC2", ANALYTICS),
    card("glue", "Glue", "serverless Spark ETL with a central catalog", ANALYTICS),
    card("quicksight", "QuickSight", "dashboards and charts for business users", ANALYTICS),
    card("action", "Action", "which API calls the statement covers", POLICY),
    card("actions", "Actions", "the calls a statement lets through", POLICY),
    card("principal", "Principal", "whom the statement applies to", POLICY),
    card("resource", "Resource", "the bucket or objects the statement is about", POLICY),
    card("effect", "Effect", "Allow or Deny", POLICY),
    card("torchserve", "TorchServe", "open-source PyTorch model server from AWS and Meta", HOSTING),
    card("on-sagemaker", "TorchServe on SageMaker", "the model server inside the framework inference containers",
         HOSTING),
    card("triton", "Triton", "NVIDIA's server for many frameworks on GPUs", HOSTING),
    card("djl", "DJL Serving", "Java serving for large language models", HOSTING),
    card("mms", "Multi Model Server", "the older serving stack for MXNet", HOSTING),
]
SIBLINGS_OF_DMS = {"datasync", "snowball", "transfer", "discovery"}

DISTRACTOR_CASES = [
    # (asked card, shape, the cards distractors may come from, cards they must never come from)
    ("dms", Shape.DEFINITION, SIBLINGS_OF_DMS, {"instance", "cdc", "multiaz", "sct"}),  # children, cousin, names it
    ("dms", Shape.TERM, SIBLINGS_OF_DMS, {"instance", "cdc", "multiaz", "sct"}),
    # Too few siblings (one): wider, yet never the parent bullet or the child under the card.
    ("instance", Shape.DEFINITION, {"cdc", *SIBLINGS_OF_DMS, "sct"}, {"dms", "multiaz"}),
    ("athena", Shape.DEFINITION, {"redshift", "emr", "glue", "quicksight"}, {"workgroups"}),  # about Athena
    ("action", Shape.TERM, {"principal", "resource", "effect"}, {"actions"}),  # a near-duplicate term
    ("on-sagemaker", Shape.DEFINITION, {"triton", "djl", "mms"}, {"torchserve"}),  # named in the stem
]


@pytest.mark.parametrize(("asked", "shape", "allowed", "never"), DISTRACTOR_CASES,
                         ids=[f"{asked}-{shape.value}" for asked, shape, _, _ in DISTRACTOR_CASES])
def test_distractors_are_other_subjects_of_the_same_kind(asked, shape, allowed, never) -> None:
    by_id = {item.id: item for item in HAND_MADE}
    for seed in range(20):
        question = questions.build(by_id[asked], shape, HAND_MADE, random.Random(seed))
        assert question is not None, (asked, shape, seed)
        assert question.context == by_id[asked].context
        picked = {option.card_id for option in question.options if not option.right}
        assert picked <= allowed and not picked & never, (seed, picked)


def test_a_near_duplicate_answer_is_never_offered_beside_the_right_one() -> None:
    pool = [card(str(n), f"term {n}", text, ("D",)) for n, text in
            enumerate(["The Action.", "the actions", "a principal", "a resource", "an effect"])]
    for seed in range(20):
        question = questions.build(pool[0], Shape.DEFINITION, pool, random.Random(seed))
        assert question is not None and "the actions" not in {option.text for option in question.options}


LEAKY = [
    card("linear", "Linear Learner parallel models", "trains several models in parallel and keeps the best one",
         ("Algorithms", "Linear Learner")),
    card("loss", "Linear Learner loss", "squared, logistic or hinge loss, chosen by predictor type",
         ("Algorithms", "Linear Learner")),
    card("norm", "Linear Learner normalization", "scales features and label to zero mean first",
         ("Algorithms", "Linear Learner")),
    card("balance", "Linear Learner class weights", "balance_multiclass_weights gives rare classes more weight",
         ("Algorithms", "Linear Learner")),
]
COVERING = card("parallel", "Linear Learner distributed training", "fits the models in parallel on several instances",
                ("Algorithms", "Linear Learner"))


def test_a_word_only_the_stem_and_the_answer_share_is_matched_by_a_distractor_or_not_asked() -> None:
    for seed in range(20):
        assert questions.build(LEAKY[0], Shape.DEFINITION, LEAKY, random.Random(seed)) is None
        question = questions.build(LEAKY[0], Shape.DEFINITION, [*LEAKY, COVERING], random.Random(seed))
        assert question is not None
        assert "parallel" in {option.card_id for option in question.options if not option.right}


def test_a_generic_label_is_asked_only_with_its_context() -> None:
    transient, running = ("EMR", "Transient cluster"), ("EMR", "Long-running cluster")
    pool = [
        card("t", "Use cases", "- loading input data\n- processing input data\n- shutting down after", transient),
        card("r", "Use cases", "- experimenting with datasets\n- ad hoc queries\n- notebooks", running),
        card("bare", "Use cases", "- one\n- two\n- three", ()),
        card("pros", "Pros", "cheap and quick to start", transient),
        *(card(f"x{n}", f"Node type {n}", f"runs piece {n + 10} of the work", ("EMR",)) for n in range(4)),
    ]
    assert questions.build(pool[2], Shape.CHOOSE_TWO, pool, random.Random(0)) is None
    assert questions.build(pool[3], Shape.TERM, pool, random.Random(0)) is None  # `Pros` is no term to learn
    for seed in range(10):
        question = questions.build(pool[1], Shape.CHOOSE_TWO, pool, random.Random(seed))
        assert question is not None and question.context == running and question.stem == "Use cases"
        # The other cluster's use cases are of another subject: they may be offered, and are not right.
        assert {option.card_id for option in question.options if option.right} == {"r"}


def test_a_bare_term_is_a_generic_label_or_a_short_lower_case_continuation() -> None:
    assert questions.is_bare("Use cases")  # a generic label, whatever its case
    assert questions.is_bare("provides") and questions.is_bare("runs on")  # one or two words, lower case
    assert not questions.is_bare("used for training")  # three words say enough on their own
    assert not questions.is_bare("Amazon S3") and not questions.is_bare("Kinesis")  # a name


def test_a_reverse_card_is_read_as_its_bullet() -> None:
    forward = QuestionCard.of_card("f", "Kinesis", "streams data", ("AWS", "Ingest"), "AWS › Ingest", 1, "Deck")
    reverse = QuestionCard.of_card("r", "streams data", "Kinesis", ("AWS", "Ingest"), "AWS › Ingest", 1, "Deck",
                                   reverse=True)
    assert (forward.front, forward.back) == (reverse.front, reverse.back) == ("Kinesis", "streams data")
    assert forward.bullet == reverse.bullet  # one bullet: a session asks about one direction only
    assert (reverse.topic, reverse.domain, reverse.deck) == ("AWS › Ingest", 1, "Deck")


def test_distractor_cards_come_nearest_first_each_once_with_its_level() -> None:
    def q(card_id, context, topic="T1", domain=1, deck="D"):
        return QuestionCard(card_id, f"term {card_id}", f"meaning {card_id}", context, topic, domain, deck)

    asked = q("asked", ("S3", "Classes", "Glacier"))
    sibling = q("sibling", ("S3", "Classes", "Glacier"))  # same parent bullet
    cousin = q("cousin", ("S3", "Classes", "Standard"))  # same heading, another bullet
    uncle = q("uncle", ("S3", "Classes"))  # a bullet beside the parent
    topic_mate = q("topic", ("S3", "Pricing"))  # same deck and topic
    domain_mate = q("domain", ("EC2",), topic="T2", deck="Other")
    far = q("far", ("Misc",), topic="T3", domain=2, deck="Other")
    pool = questions.Pool([far, domain_mate, topic_mate, uncle, cousin, sibling, asked])
    Level = questions.Level
    nearest_first = [(Level.PARENT, "sibling"), (Level.HEADING, "cousin"), (Level.HEADING, "uncle"),
                     (Level.TOPIC, "topic"), (Level.DOMAIN, "domain"), (Level.POOL, "far")]
    assert [(level, other.id) for level, other in pool.near(asked)] == nearest_first
    assert [questions.level_of(asked, other) for other in (sibling, cousin, uncle, topic_mate, domain_mate, far)] == [
        level for level, _ in nearest_first]
    # A card the learner confused with this one comes first, at its own level, and only once.
    assert [(level, other.id) for level, other in pool.near(asked, frozenset({"far"}))] == [
        (Level.POOL, "far"), *nearest_first[:-1]]
    # A one-entry context has no heading: a card without context is no nearer for it.
    lone, bare = q("lone", ("S3",)), q("bare", (), topic="T9")
    assert [(level, other.id) for level, other in questions.Pool([bare, lone]).near(lone)] == [(Level.DOMAIN, "bare")]


def test_a_card_the_learner_confused_with_this_one_is_offered_before_nearer_ones() -> None:
    def q(card_id, front, back, context, deck="D"):
        return QuestionCard(card_id, front, back, context, "T1", 1, deck)

    siblings = [q(f"s{n}", f"Engine {n}", f"runs workload kind {n} on shared hosts", ("Compute",)) for n in range(6)]
    confused = q("far", "Snowball Edge", "carries petabytes to a region offline", ("Migration",), deck="Other")
    asked = q("asked", "Fargate", "runs containers without managing servers", ("Compute",))
    for seed in range(5):
        plain = questions.build(asked, Shape.DEFINITION, [asked, *siblings, confused], random.Random(seed))
        assert plain is not None and "far" not in {option.card_id for option in plain.options}
        preferred = questions.build(asked, Shape.DEFINITION, [asked, *siblings, confused], random.Random(seed),
                                    prefer=frozenset({"far"}))
        assert preferred is not None and "far" in {option.card_id for option in preferred.options}
    # The same for a list card's choose-two.
    listed = q("list", "Fargate capacity providers", "- on-demand tasks\n- spot tasks", ("Compute",))
    other_lists = [q(f"l{n}", f"Engine {n} sizes", f"- size {n}a\n- size {n}b", ("Compute",)) for n in range(4)]
    far_list = q("farlist", "Snowball devices", "- Snowcone\n- Snowball Edge", ("Migration",), deck="Other")
    pool = [listed, *other_lists, far_list]
    for seed in range(5):
        plain = questions.build(listed, Shape.CHOOSE_TWO, pool, random.Random(seed))
        assert plain is not None and "farlist" not in {option.card_id for option in plain.options}
        preferred = questions.build(listed, Shape.CHOOSE_TWO, pool, random.Random(seed), prefer=frozenset({"farlist"}))
        assert preferred is not None and "farlist" in {option.card_id for option in preferred.options}


def test_a_definition_naming_its_term_is_no_term_question_and_a_term_question_shows_it_whole() -> None:
    named = card("kds", "Kinesis Data Streams", "Kinesis Data Streams keep records for a day by default", MIGRATION)
    # Other terms hold the same words, so the stem's words would not give the answer away: the
    # definition itself does.
    kin = [card("kdf", "Kinesis Data Firehose", "loads records into S3 in batches", MIGRATION),
           card("kvs", "Kinesis Video Streams", "ingests camera feeds for analysis", MIGRATION)]
    assert questions.build(named, Shape.TERM, [named, *kin, *HAND_MADE], random.Random(0)) is None
    nothing = card("dots", "Placeholder", "…", MIGRATION)
    assert questions.build(nothing, Shape.DEFINITION, [nothing, *HAND_MADE], random.Random(0)) is None
    long_definition = "moves data " + "and keeps moving it across many accounts " * 6 + "in the end"
    assert len(long_definition) > questions.OPTION_WIDTH
    long = card("long", "Data mover", long_definition, MIGRATION)
    question = questions.build(long, Shape.TERM, [long, *HAND_MADE], random.Random(0))
    assert question is not None and question.stem == long_definition  # a stem is never cut


def test_a_list_of_two_items_is_asked_as_choose_two() -> None:
    listed = QuestionCard("two", "Kinesis consumers", "- Lambda\n- KCL applications", ("AWS",), "AWS", 1, "D")
    assert questions.shapes_for(listed) == [Shape.CHOOSE_TWO]
    three = QuestionCard("three", "Kinesis sources", "- SDK\n- KPL\n- Agent", ("AWS",), "AWS", 1, "D")
    assert questions.shapes_for(three) == [Shape.CHOOSE_TWO]
    plain = QuestionCard("plain", "Kinesis", "streams data", ("AWS",), "AWS", 1, "D")
    assert questions.shapes_for(plain) == [Shape.DEFINITION, Shape.TERM]


def test_a_choose_two_asks_a_question_and_never_spells_its_answers_in_the_stem() -> None:
    items = "- Data Streams\n- Firehose\n- Video Analytics\n- Managed Flink"
    others = [card(f"o{n}", f"Storage tier {n}", f"- tier {n} a\n- tier {n} b\n- tier {n} c", ("AWS",))
              for n in range(3)]
    bare = card("bare", "provides", items, ())
    assert questions.build(bare, Shape.CHOOSE_TWO, [bare, *others], random.Random(0)) is None
    under = card("under", "provides", items, ("AWS", "Kinesis"))
    assert questions.build(under, Shape.CHOOSE_TWO, [under, *others], random.Random(0)) is not None
    spelled = card("spelled", "Firehose and Data Streams", items, ("AWS", "Kinesis"))
    for seed in range(20):
        question = questions.build(spelled, Shape.CHOOSE_TWO, [spelled, *others], random.Random(seed))
        assert question is not None
        assert {question.options[index].text for index in question.right} == {"Video Analytics", "Managed Flink"}


# --- the rules as properties over real decks: bundled, and the learner's notes when present -------


def quality_helper():  # type: ignore[no-untyped-def]
    """benchmarks/question_quality.py: the measure docs/exam.md quotes, written apart from the rules."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import question_quality
    finally:
        sys.path.pop(0)
    return question_quality


REAL_POOLS = [
    pytest.param(sorted((ROOT / "decks").glob("*.md")), id="bundled decks"),
    pytest.param([LEARNER_NOTES], id="learner's notes",
                 marks=pytest.mark.needs_shared(LEARNER_NOTES)),
]


@pytest.mark.parametrize("paths", REAL_POOLS)
def test_over_a_thousand_questions_context_shown_no_option_also_true_no_near_duplicate_few_leaks(paths) -> None:
    helper = quality_helper()
    pool = [item for path in paths for item in cards_of(path)]
    tally = helper.Tally("pool")
    by_id = {item.id: item for item in pool}
    siblings = questions.Pool(pool)
    for seed in range(40):
        for question in draw(siblings, pool, 30, random.Random(seed)):
            helper.judge(tally, question, by_id)
    assert tally.questions >= 1000
    assert tally.context_shown == tally.with_context > 0
    assert tally.also_true == 0, tally.examples
    assert tally.near_duplicates == 0, tally.examples
    assert tally.spelled == 0, tally.examples
    assert tally.leak_share <= helper.LEAK_BUDGET, tally.examples


# Same heading, so equally near: the three answers closest in length to the right one win.
LENGTHS = [
    card("asked", "Kinesis Firehose", "loads streams", ("Ingest",)),
    card("near1", "Data Pipeline", "moves tables", ("Ingest",)),
    card("near2", "AppFlow", "syncs SaaS data", ("Ingest",)),
    card("near3", "MSK", "hosts Kafka now", ("Ingest",)),
    card("far1", "DataSync", "copies files from NFS and SMB shares on a schedule you set", ("Ingest",)),
    card("far2", "Snowball Edge", "a rugged device that carries petabytes offline to a region", ("Ingest",)),
    card("far3", "Transfer Family", "SFTP and FTPS endpoints in front of S3 buckets for partners", ("Ingest",)),
]


@pytest.mark.parametrize("shape", [Shape.DEFINITION, Shape.TERM])
def test_among_equally_near_distractors_the_closest_in_length_win(shape) -> None:
    for seed in range(20):
        question = questions.build(LENGTHS[0], shape, LENGTHS, random.Random(seed))
        assert question is not None
        picked = {option.card_id for option in question.options if not option.right}
        if shape is Shape.DEFINITION:
            assert picked == {"near1", "near2", "near3"}, (seed, question.options)
        else:  # terms: `MSK`, `AppFlow`, `DataSync` are the three nearest `Kinesis Firehose` (16) in length
            lengths = sorted(abs(len(item.front) - len("Kinesis Firehose")) for item in LENGTHS[1:])
            assert sorted(abs(len(option.text) - 16) for option in question.options if not option.right) \
                == lengths[:3], (seed, question.options)


# Cards that would also be right, each beside enough siblings that they are never needed.
ALSO_RIGHT = [
    card("asked", "Feature Store", "keeps model inputs for training and inference", ("SageMaker",)),
    card("same-term", "Feature Store", "offline store in S3 with a Glue table", ("SageMaker", "Storage")),
    card("same-answer", "Online store", "keeps model inputs for training and inference", ("SageMaker",)),
    card("names-it", "Feature group", "a table of the Feature Store with a record identifier", ("SageMaker",)),
    card("child", "Offline store", "history in S3, queried with Athena", ("SageMaker", "Feature Store")),
    card("clarify", "Clarify", "bias and explainability reports", ("SageMaker",)),
    card("pipelines", "Pipelines", "steps of a workflow as a graph", ("SageMaker",)),
    card("debugger", "Debugger", "watches tensors while a job trains", ("SageMaker",)),
    card("monitor", "Model Monitor", "compares live traffic with a baseline", ("SageMaker",)),
]


@pytest.mark.parametrize("shape", [Shape.DEFINITION, Shape.TERM])
def test_a_card_that_would_also_be_right_is_never_a_distractor(shape) -> None:
    # Hand-made, so the rule is checked whether or not ../shared is present.
    for seed in range(30):
        question = questions.build(ALSO_RIGHT[0], shape, ALSO_RIGHT, random.Random(seed))
        assert question is not None
        picked = {option.card_id for option in question.options if not option.right}
        assert picked <= {"clarify", "pipelines", "debugger", "monitor"}, (seed, picked)
        check(question, ALSO_RIGHT[0], ALSO_RIGHT)
