"""`mlsflash exam`: profiles, domains, practice and mock exams, scripted (JSON lines) through
the CLI, and in a pseudo-terminal (keys, feedback, flags, moving back, review screen, submit,
time-out under a fast clock). Practice and mocks never touch a card's schedule."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, rows, write_notes

from mlsflash.study.exam import draw
from mlsflash.profiles import allocate, estimate_score, load
from mlsflash.study.questions import QuestionCard, Shape

SCHEDULE = ("id", "status", "repetitions", "easiness", "interval", "due", "lapses", "stability", "difficulty")


def schedules(export) -> list[tuple]:
    return sorted(tuple(card.get(key) for key in SCHEDULE) for card in export())


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def bundled(run) -> None:
    run("import", "--bundled")


def answers_for(questions: list[dict], right: bool, keys: dict[str, str]) -> str:
    """An answer line per question: the right letters (from `keys`, card -> letters) or a wrong one."""
    return "".join((keys[q["card"]] if right else ("b" if keys[q["card"]] != "b" else "c")) + "\n" for q in questions)


# --- profiles and domains ---------------------------------------------------------------------


def test_profiles_list_the_current_exam_first_and_a_retired_one_says_so(run) -> None:
    run("import", "--bundled")
    listed = run("exam", "list").stdout
    assert listed.index("MLA-C01") < listed.index("MLS-C01")
    assert "retired 2026-03-31" in listed and "130" in listed and "180" in listed
    result = run("exam", "set", "mls-c01")
    assert "retired" in result.stdout and "2026-03-31" in result.stdout
    assert "*  MLS-C01" in run("exam", "list").stdout
    failed = run("exam", "set", "mls-c02", code=1)
    assert failed.stderr.startswith("Error: no exam profile 'mls-c02'") and "Hint:" in failed.stderr


def test_every_bundled_card_has_a_domain_in_both_profiles(run, bundled) -> None:
    for profile in ("mla-c01", "mls-c01"):
        run("exam", "set", profile)
        report = json.loads(run("exam", "domains", "--json").stdout)
        assert report["unassigned_cards"] == 0
        assert {topic["origin"] for topic in report["topics"]} == {"declared"}
        assert all(domain["cards"] > 0 for domain in report["domains"]), report["domains"]
    # The modeling deck's Model Monitor section is declared monitoring (4) for MLA-C01.
    run("exam", "set", "mla-c01")
    topics = json.loads(run("exam", "domains", "--json").stdout)["topics"]
    assert {t["domain"] for t in topics if t["topic"].startswith("SageMaker Model Monitor")} == {4}


def test_front_matter_declares_domains_reports_what_it_cannot_read_and_goes_with_it(run, tmp_path) -> None:
    notes = tmp_path / "streams.md"
    body = "# Streams\n\n## Ingestion\n\n* **Kinesis** - streams records\n\n## Costs\n\n* **Spot** - spare capacity\n"
    notes.write_text("---\nmla-c01: 9\nmla-c01-sections: Ingestion = 1; Costs\nmls-c01: 1\n---\n" + body,
                     encoding="utf-8")
    report = run("import", str(notes)).stdout
    assert "front matter mla-c01: mla-c01 has no domain '9'" in report
    assert "expected 'Heading = N', not 'Costs'" in report

    def origins(profile: str) -> dict[str, tuple[int | None, str]]:
        run("exam", "set", profile)
        topics = json.loads(run("exam", "domains", "--json").stdout)["topics"]
        return {topic["topic"]: (topic["domain"], topic["origin"]) for topic in topics}

    assert origins("mla-c01")["Ingestion"] == (1, "declared")  # the readable part still counts
    assert {origin for _, origin in origins("mls-c01").values()} == {"declared"}
    notes.write_text(body, encoding="utf-8")  # the front matter removed: its declarations go too
    assert "front matter" not in run("import", str(notes)).stdout
    assert "declared" not in {origin for _, origin in origins("mls-c01").values()}
    assert "declared" not in {origin for _, origin in origins("mla-c01").values()}


def test_the_bundled_decks_follow_the_current_exams_weights(run, bundled) -> None:
    """Each MLA-C01 domain holds a share of the bundled cards within 10 points of its weight."""
    report = json.loads(run("exam", "domains", "--json").stdout)
    total = sum(domain["cards"] for domain in report["domains"])
    assert total > 1400
    for domain in report["domains"]:
        share = 100 * domain["cards"] / total
        assert abs(share - domain["weight"]) <= 10, (domain, round(share, 1))


def test_every_task_statement_of_the_current_exam_has_three_bundled_cards(run, bundled, env) -> None:
    """A card serves a task statement when it is in the task's domain and its heading, term or
    answer names one of the task's keywords (the profile lists them)."""
    from mlsflash.profiles import mentions

    profile = load("mla-c01")
    topics = json.loads(run("exam", "domains", "--json").stdout)["topics"]
    domain_of = {(topic["deck"], topic["topic"]): topic["domain"] for topic in topics}
    cards = rows(env, "SELECT d.name, c.topic, c.front, c.back FROM cards c JOIN decks d ON d.id = c.deck_id "
                      "WHERE c.status = 'active'")
    served = {}
    for domain in profile.domains:
        assert len(domain.tasks) == 3
        for task in domain.tasks:
            served[task.id] = sum(
                1 for deck, topic, front, back in cards
                if domain_of[(deck, topic)] == domain.number
                and any(mentions(f"{topic} {front} {back}".lower(), keyword) for keyword in task.keywords)
            )
    assert sorted(served) == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3"]
    assert {task: count for task, count in served.items() if count < 3} == {}, served


def test_learner_topics_by_keyword_and_by_map(tmp_path, run) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text(
        "# AWS\n\n## Kinesis\n\n* **Shard** - unit of capacity\n* **Firehose** - delivery\n\n"
        "## Endpoints\n\n* **Canary** - shift a little traffic first\n\n"
        "## Odds and ends\n\n* **Alpha** - first\n* **Beta** - second\n",
        encoding="utf-8",
    )
    run("import", notes)
    report = json.loads(run("exam", "domains", "--json").stdout)
    by_topic = {topic["topic"]: (topic["domain"], topic["origin"]) for topic in report["topics"]}
    assert by_topic["Kinesis"] == (1, "keywords") and by_topic["Endpoints"] == (3, "keywords")
    assert by_topic["Odds and ends"] == (None, None)
    screen = run("exam", "domains").stdout
    assert "Odds and ends" in screen and 'mlsflash exam map "Odds and ends" N' in " ".join(screen.split())
    assert "1 deck" in run("exam", "map", "odds  AND ends", "2").stdout  # case and spacing do not matter
    by_topic = {t["topic"]: (t["domain"], t["origin"]) for t in json.loads(run("exam", "domains", "--json").stdout)["topics"]}
    assert by_topic["Odds and ends"] == (2, "mapped")
    assert run("exam", "map", "Kinesis", "9", code=1).stderr.startswith("Error: mla-c01 has no domain 9")
    assert run("exam", "map", "Nowhere", "1", code=1).stderr.startswith("Error: no topic 'Nowhere'")


# --- pure pieces ------------------------------------------------------------------------------


def test_largest_remainder_splits_exactly_and_within_one_of_each_quota() -> None:
    rng = random.Random(1)
    for _ in range(500):
        weights = {number: rng.randint(1, 60) for number in range(1, rng.randint(2, 6))}
        total = rng.randint(0, 200)
        shares = allocate(total, weights)
        assert sum(shares.values()) == total
        for number, weight in weights.items():
            assert abs(shares[number] - total * weight / sum(weights.values())) < 1
    assert allocate(65, {1: 28, 2: 26, 3: 22, 4: 24}) == {1: 18, 2: 17, 3: 14, 4: 16}
    assert allocate(65, {1: 20, 2: 24, 3: 36, 4: 20}) == {1: 13, 2: 16, 3: 23, 4: 13}


def test_score_estimate_is_linear_from_100_to_1000() -> None:
    assert (estimate_score(0), estimate_score(0.5), estimate_score(1)) == (100, 550, 1000)
    assert estimate_score(0.68) < load("mla-c01").passing_score <= estimate_score(0.69)  # 69 % passes


# --- practice -----------------------------------------------------------------------------------


def test_scripted_practice_asks_checks_logs_and_never_touches_a_schedule(run, export, bundled, env) -> None:
    before = schedules(export)
    first = lines(run("exam", "practice", "--count", "6", "--seed", "4", input="q\n").stdout)
    assert first[-1] == {"done": True, "answered": 0, "correct": 0}
    asked = [line for line in first if "stem" in line]
    assert len(asked) == 1 and set(asked[0]) == {"n", "card", "shape", "domain", "context", "stem", "options",
                                                 "choose"}

    # Same seed, same questions: answer each one right, except the second (wrong) and one typo.
    questions = probe(run, "--count", "6", "--seed", "4")
    logged_before = rows(env, "SELECT count(*) FROM exam_answers")[0][0]
    confusions_before = rows(env, "SELECT count(*) FROM exam_confusions")[0][0]
    assert len(questions) == 6 and all(len(q["options"]) == (5 if q["choose"] == 2 else 4) for q in questions)
    right_letters = _right_letters(env, questions)
    script = []
    for number, question in enumerate(questions, 1):
        if number == 2:
            script.append("zz")  # not an answer: asked again
            script.append(next(l for l in "abcd" if l not in right_letters[number - 1]))
        else:
            script.append(right_letters[number - 1])
    output = lines(run("exam", "practice", "--count", "6", "--seed", "4", input="\n".join(script) + "\n").stdout)
    results = [line for line in output if "correct" in line and "n" in line]
    assert [line["correct"] for line in results] == [True, False, True, True, True, True]
    assert [line["right"] for line in results] == right_letters
    assert any("error" in line and line["n"] == 2 for line in output)
    assert output[-1] == {"done": True, "answered": 6, "correct": 5}
    logged = rows(env, "SELECT mode, correct FROM exam_answers WHERE id > ? ORDER BY id", logged_before)
    assert [(mode, bool(correct)) for mode, correct in logged] == [("practice", c) for c in
                                                                    (True, False, True, True, True, True)]
    assert rows(env, "SELECT count(*) FROM exam_confusions")[0][0] == confusions_before + 1
    assert schedules(export) == before
    assert rows(env, "SELECT count(*) FROM reviews") == [(0,)]


# No word of a term is in its own answer alone: such a question would answer itself and is not asked.
GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")
LISTS = "# Services\n" + "".join(
    f"* **Service {name}**:\n  - feature {3 * n}\n  - feature {3 * n + 1}\n  - feature {3 * n + 2}\n"
    for n, name in enumerate(GREEK)
) + "".join(f"* **Term {name}** - meaning number {n}\n" for n, name in enumerate(GREEK))


def test_scripted_practice_takes_exactly_the_letters_a_question_asks_for(run, tmp_path) -> None:
    run("import", write_notes(tmp_path, "lists.md", LISTS))
    questions = probe(run, "--count", "10", "--seed", "1")
    one = next(number for number, question in enumerate(questions, 1) if question["choose"] == 1)
    two = next(number for number, question in enumerate(questions, 1) if question["choose"] == 2)
    script = {one: ["aa", "a" * 5_000_000, "a, b", "a"], two: ["aab", "aa", "a", "a c"]}
    answers = "".join("\n".join(script.get(number, ["a" if q["choose"] == 1 else "ab"])) + "\n"
                      for number, q in enumerate(questions, 1))
    result = run("exam", "practice", "--count", "10", "--seed", "1", input=answers)
    output = lines(result.stdout)
    errors = {number: [line["error"] for line in output if line.get("n") == number and "error" in line]
              for number in (one, two)}
    chosen = {line["n"]: line["chosen"] for line in output if "chosen" in line}
    assert (chosen[one], chosen[two]) == ("a", "ac")
    assert errors[one][0].startswith("'aa' is not one letter: one letter from a to d")
    assert errors[one][1] == f"'{'a' * 40}'… is not one letter: one letter from a to d (or 1 to 4), or q to stop"
    assert errors[one][2].startswith("'a, b' is not one letter")
    assert errors[two] == [
        "'aab' is not 2 letters: choose two different letters from a to e, like ac, or q to stop",
        "'aa' names one option twice: choose two different letters from a to e, like ac, or q to stop",
        "'a' is not 2 letters: choose two different letters from a to e, like ac, or q to stop",
    ]
    assert output[-1]["answered"] == 10
    assert len(result.stdout) < 10_000


WORKFLOWS = """# Orchestration

## Step Functions

* **Standard workflows**
    * **max duration** - one year
    * **execution model** - exactly-once
    * **price basis** - per state transition
* **Express workflows**
    * **max duration** - five minutes
    * **execution model** - at-least-once
    * **price basis** - per request and memory-second
* **Activity worker** - polls for tasks from outside AWS
* **Map state** - runs a step for each item of an array
"""


def test_a_question_shows_the_context_its_stem_needs(run, tmp_path, export) -> None:
    """`max duration` alone cannot be answered: Standard or Express? The question says which."""
    run("import", write_notes(tmp_path, "workflows.md", WORKFLOWS))
    context_of = {card["id"]: card["context"] for card in export()}
    asked = probe(run, "--count", "20", "--seed", "5")
    durations = [question for question in asked if question["stem"] == "max duration"]
    assert len(asked) >= 6 and durations
    for question in asked:
        assert question["context"] == context_of[question["card"]], question
    assert {tuple(question["context"]) for question in durations} <= {
        ("Step Functions", "Standard workflows"), ("Step Functions", "Express workflows")}
    for question in durations:  # a card with the same term is never offered: right in its own context
        assert not {"one year", "five minutes"} <= set(question["options"]), question


def probe(run, *options: str) -> list[dict]:
    """The questions a seed gives (each answered with a or ab: a reader's first guess)."""
    output = lines(run("exam", "practice", *options, input="a\nab\n" * 200).stdout)
    return [line for line in output if "stem" in line]


def _right_letters(db: Path, questions: list[dict]) -> list[str]:
    """The right letters of each question, found the way a reader would: by each option's card."""
    cards = {card_id: (front, back) for card_id, front, back in rows(db, "SELECT id, front_plain, back_plain FROM cards")}
    from mlsflash.study.questions import one_line

    letters = []
    for question in questions:
        front, back = cards[question["card"]]
        if question["shape"] == "definition":
            wanted = {one_line(back)}
        elif question["shape"] == "term":
            wanted = {one_line(front)}
        else:
            wanted = {one_line(line[2:]) for line in back.splitlines() if line.startswith("- ")}
        letters.append("".join("abcde"[i] for i, option in enumerate(question["options"]) if option in wanted))
        assert len(letters[-1]) == question["choose"], (question, wanted)
    return letters


def test_practice_filters_by_domain_and_deck_and_refuses_what_it_cannot_ask(run, bundled) -> None:
    output = lines(run("exam", "practice", "--domain", "3", "--count", "5", "--seed", "1", input="").stdout)
    assert {line["domain"] for line in output if "stem" in line} == {3}
    result = run("exam", "practice", "--domain", "7", code=1)
    assert result.stderr.startswith("Error: mla-c01 has no domain 7")
    result = run("exam", "practice", "--deck", "No such deck", code=1)
    assert result.stderr.startswith("Error: no question can be made")


def test_wrong_picks_become_confusions_and_contrast_questions(run, bundled, env) -> None:
    assert run("exam", "practice", "--confusions", code=1).stderr.startswith("Error: no confusions recorded yet")
    asked = probe(run, "--count", "3", "--seed", "9")
    right = _right_letters(env, asked)
    wrong = ["".join(letter for letter in "abcde" if letter not in good)[: q["choose"]] for good, q in zip(right, asked)]
    run("exam", "practice", "--count", "3", "--seed", "9", input="\n".join(wrong) + "\n")
    pairs = rows(env, "SELECT card_id, confused_with FROM exam_confusions")
    assert {card for card, _ in pairs} >= {q["card"] for q in asked}
    contrast = [line for line in lines(run("exam", "practice", "--confusions", "--count", "10", "--seed", "2",
                                           input="").stdout) if "stem" in line]
    confused = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    assert contrast and all(q["card"] in confused for q in contrast)


REVERSED_NOTES = "# Streams\n\n## Kinesis\n\n" + "".join(
    f"* **{term}** - {definition}\n" for term, definition in (
        ("Shard", "unit of capacity of a stream"), ("Firehose", "delivers records to S3"),
        ("Partition key", "picks the shard"), ("Retention", "how long records stay"),
        ("Enhanced fan-out", "a dedicated pipe per consumer"), ("KCL", "consumer library"),
    )
) + "\n## Glue\n\n* **Crawler** - infers schemas\n* **Job bookmark** - tracks processed data\n"


@pytest.mark.parametrize("seed", range(4))
def test_practice_on_a_reverse_deck_asks_each_bullet_once_with_options_of_one_kind(run, tmp_path, seed) -> None:
    run("import", "--reverse", write_notes(tmp_path, "streams.md", REVERSED_NOTES))
    cards = json.loads(run("export", "--format", "json").stdout)
    assert {card["direction"] for card in cards} == {"forward", "reverse"} and len(cards) == 16
    term_of = {card["id"]: card["front" if card["direction"] == "forward" else "back"] for card in cards}
    terms = {card["front"] for card in cards if card["direction"] == "forward"}
    definitions = {card["back"] for card in cards if card["direction"] == "forward"}

    asked = probe(run, "--count", "30", "--seed", str(seed))
    assert sorted(term_of[question["card"]] for question in asked) == sorted(terms)  # every bullet, once
    assert len({question["stem"] for question in asked}) == len(asked)
    for question in asked:
        kinds = {"term" if option in terms else "definition" if option in definitions else option
                 for option in question["options"]}
        assert kinds == {"term" if question["shape"] == "term" else "definition"}, question


WORKFLOW_NOTES = """---
mla-c01: 3
---
# Step Functions
## Key features
* **max execution time** - 1 year
* **state types** - Task, Choice, Parallel
## Workflow Types
* **Standard** - the default
    * **max duration** - 1 year
* **Express** - for high volume
    * **max duration** - 5 min
"""


def test_a_fact_stated_under_the_asked_term_is_never_offered_as_a_wrong_answer(run, tmp_path) -> None:
    # `1 year` is also the answer of a card elsewhere; under Standard it is true of Standard.
    run("import", write_notes(tmp_path, "step-functions.md", WORKFLOW_NOTES))
    asked = [question for seed in range(8) for question in probe(run, "--count", "10", "--seed", str(seed))
             if question["stem"] == "Standard" and question["shape"] == "definition"]
    assert len(asked) >= 4
    for question in asked:
        assert "the default" in question["options"] and "1 year" not in question["options"], question


def test_a_reverse_card_is_asked_about_as_its_bullet_and_never_beside_it() -> None:
    pairs = [(f"term {n}", f"what number {n + 10} means" + " here" * n) for n in range(6)]
    pool = []
    for n, (term, definition) in enumerate(pairs):
        pool.append(QuestionCard.of_card(f"f{n}", term, definition, ("D", "T"), "T", 1, "D"))
        pool.append(QuestionCard.of_card(f"r{n}", definition, term, ("D", "T"), "T", 1, "D", reverse=True))
    assert pool[1].front == "term 0" and pool[1].bullet == pool[0].bullet
    for seed in range(20):
        drawn = draw(pool, pool, 12, random.Random(seed))
        assert sorted(question.card_id[1:] for question in drawn) == [str(n) for n in range(6)]
        for question in drawn:
            texts = {option.text for option in question.options}
            wanted = {term for term, _ in pairs} if question.shape is Shape.TERM else {d for _, d in pairs}
            assert texts <= wanted, question


# --- mock exams ---------------------------------------------------------------------------------


def test_scripted_mock_follows_the_profile_and_is_kept(run, export, bundled, env) -> None:
    before = schedules(export)
    output = lines(run("exam", "mock", "--cards", "--seed", "5", input="a\n" * 200).stdout)
    questions = [line for line in output if "stem" in line]
    result = output[-1]
    assert len(questions) == 65 == result["questions"]
    per_domain = {number: sum(1 for q in questions if q["domain"] == number) for number in range(1, 5)}
    assert per_domain == {1: 18, 2: 17, 3: 14, 4: 16}
    assert {k: v["questions"] for k, v in result["domains"].items()} == {"1": 18, "2": 17, "3": 14, "4": 16}
    assert result["score"] == estimate_score(result["correct"] / 65)
    exam_cards = sum(domain["cards"] for domain in json.loads(run("exam", "domains", "--json").stdout)["domains"])
    assert result["passed"] is False and result["unseen"] == exam_cards  # nothing studied: never a pass
    assert len(result["wrong"]) == 65 - result["correct"]
    assert all(":" in wrong["source"] for wrong in result["wrong"])
    history = json.loads(run("exam", "history", "--json").stdout)
    assert [(h["questions"], h["correct"], h["score"]) for h in history] == [(65, result["correct"], result["score"])]
    assert rows(env, "SELECT count(*) FROM exam_answers WHERE mode = 'mock'") == [(65,)]
    assert schedules(export) == before


def test_a_mock_under_the_retired_profile_uses_its_weights(run, bundled) -> None:
    run("exam", "set", "mls-c01")
    output = lines(run("exam", "mock", "--cards", "--seed", "5", input="s\n").stdout)
    result = output[-1]
    assert {k: v["questions"] for k, v in result["domains"].items()} == {"1": 13, "2": 16, "3": 23, "4": 13}
    assert result["answered"] == 0 and result["correct"] == 0 and result["score"] == 100


@pytest.mark.parametrize("script", ["a\nb\nc\n", "a\nq\n"], ids=["end of input", "q"])
def test_a_scripted_mock_left_before_the_end_is_abandoned_and_recorded_nowhere(run, bundled, env, script) -> None:
    output = lines(run("exam", "mock", "--cards", "--seed", "5", input=script).stdout)
    assert output[-1] == {"result": True, "abandoned": True, "profile": "mla-c01", "questions": 65,
                          "answered": script.count("\n") - ("q" in script)}
    assert json.loads(run("exam", "history", "--json").stdout) == []
    assert "0/65" not in run("exam", "history").stdout
    assert json.loads(run("stats", "--json").stdout)["mock_exams"] == []
    status = json.loads(run("exam", "status", "--json").stdout)
    assert [domain["mock_accuracy"] for domain in status["domains"]] == [None] * 4
    assert rows(env, "SELECT count(*) FROM exam_answers WHERE mode = 'mock'") == [(0,)]


def test_a_scripted_mock_submitted_early_is_kept_with_the_rest_unanswered(run, bundled, env) -> None:
    output = lines(run("exam", "mock", "--cards", "--seed", "5", input="a\nb\ns\n").stdout)
    assert output[-1]["abandoned"] is False and output[-1]["answered"] == 2
    assert [(h["questions"], h["answered"]) for h in json.loads(run("exam", "history", "--json").stdout)] == [(65, 2)]
    assert rows(env, "SELECT count(*) FROM exam_answers WHERE mode = 'mock'") == [(65,)]


def test_a_scripted_mock_stops_at_the_bell(run, bundled, monkeypatch) -> None:
    monkeypatch.setenv("MLSFLASH_TIME_SCALE", "1000000000")  # 130 minutes pass at once
    output = lines(run("exam", "mock", "--cards", "--seed", "5", input="a\n" * 200).stdout)
    result = output[-1]
    assert result["timed_out"] is True and result["answered"] == 0


@pytest.mark.parametrize("scale", ["nan", "inf", "-inf", "1e400", "-1", "1e13"])
def test_a_time_scale_timers_cannot_run_at_is_refused_before_any_answer(run, env, bundled, monkeypatch, scale):
    monkeypatch.setenv("MLSFLASH_TIME_SCALE", scale)
    for command in (["exam", "practice"], ["exam", "mock"]):
        result = run(*command, input="a\nab\n" * 20, code=1)
        assert result.stderr.startswith(f"Error: MLSFLASH_TIME_SCALE='{scale}' is not a speed-up timers can run at")
        assert "Hint: give a number from 0 to 1e+12" in result.stderr
        assert result.stdout == ""  # not even the first question
    assert rows(env, "SELECT count(*) FROM exam_answers") == [(0,)]


# --- in a terminal --------------------------------------------------------------------------------

pexpect = pytest.importorskip("pexpect")


@pytest.fixture
def terminal(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "MLSFLASH_DB": str(tmp_path / "t.db"), "MLSFLASH_NOW": NOW, "NO_COLOR": "1",
                   "TERM": "xterm"}
    environment.pop("MLSFLASH_DEBUG", None)
    environment.pop("MLSFLASH_TIME_SCALE", None)
    subprocess.run([sys.executable, "-m", "mlsflash", "import", "--bundled"], env=environment, check=True,
                   capture_output=True)
    return environment


def spawn(environment: dict[str, str], *args: str, columns: int = 100):
    return pexpect.spawn(sys.executable, ["-m", "mlsflash", "exam", *args], env=environment,
                         dimensions=(40, columns), encoding="utf-8", timeout=20)


def test_practice_in_a_terminal_one_key_per_answer_with_feedback(terminal) -> None:
    child = spawn(terminal, "practice", "--count", "2", "--seed", "3")
    child.expect_exact("Practice 1/2")
    child.expect_exact("answer · q quit")
    child.send("a")
    index = child.expect([r"Right\.", r"Wrong\."])
    if index == 1:
        child.expect("(is the answer to|means|belongs to)")
    child.expect("answer")
    child.expect("why")
    child.expect_exact("any key: next")
    child.send("x")
    child.expect_exact("Practice 2/2")
    child.send("q")
    child.expect(r"(\d) of 1 right\.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    db = Path(terminal["MLSFLASH_DB"])
    assert rows(db, "SELECT count(*) FROM exam_answers WHERE mode = 'practice'") == [(1,)]


@pytest.mark.parametrize("answered", [1, 0], ids=["after-feedback", "at-a-question"])
def test_ctrl_c_in_practice_shows_the_answers_then_exits_130(terminal, answered) -> None:
    child = spawn(terminal, "practice", "--count", "2", "--seed", "3")
    child.expect_exact("answer · q quit")
    if answered:
        child.send("a")
        child.expect_exact("any key: next")
    assert child.waitnoecho(timeout=20)  # the key reader is waiting: a Ctrl-C now is a key, not start-up's
    child.sendcontrol("c")
    child.expect(rf"(\d) of {answered} right\.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    db = Path(terminal["MLSFLASH_DB"])
    assert rows(db, "SELECT count(*) FROM exam_answers WHERE mode = 'practice'") == [(answered,)]


def test_practice_in_a_terminal_shows_the_context_above_the_stem(tmp_path) -> None:
    environment = {**os.environ, "MLSFLASH_DB": str(tmp_path / "t.db"), "MLSFLASH_NOW": NOW, "NO_COLOR": "1",
                   "TERM": "xterm"}
    notes = write_notes(tmp_path, "workflows.md", WORKFLOWS)
    subprocess.run([sys.executable, "-m", "mlsflash", "import", str(notes)], env=environment, check=True,
                   capture_output=True)
    scripted = subprocess.run([sys.executable, "-m", "mlsflash", "exam", "practice", "--count", "1", "--seed", "5"],
                              env=environment, input="q\n", capture_output=True, text=True, check=True)
    question = lines(scripted.stdout)[0]
    assert question["context"]
    child = spawn(environment, "practice", "--count", "1", "--seed", "5")
    child.expect_exact(" › ".join(question["context"]))
    child.expect_exact(question["stem"][:30])
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()


def test_mock_in_a_terminal_flag_back_change_review_submit(terminal) -> None:
    child = spawn(terminal, "mock", "--cards", "--seed", "3")
    child.expect_exact("question 1/65")
    child.expect(r"2:(10:00|09:[0-5]\d) left")  # the clock is the profile's 130 minutes
    child.send("a")
    child.expect_exact("answered 1 · flagged 0")
    child.send("f")
    child.expect_exact("⚑ flagged")
    child.send("n")
    child.expect_exact("question 2/65")
    child.send("b")
    child.expect_exact("answered 2 · flagged 1")
    child.send("p")
    child.expect_exact("question 1/65")
    child.send("c")  # change the first answer
    child.expect(r"● c\)")
    child.send("r")
    child.expect(r"Unanswered: \S*3, 4, 5,")  # (a style code may sit after the colon)
    child.expect(r"Flagged: \S*1\r")
    child.send("2")
    child.send("\r")
    child.expect_exact("question 2/65")
    child.send("s")
    child.expect_exact("Submit with 63 unanswered and 1 flagged? y/n")
    child.send("y")
    child.expect(r"lines 1-\d+ of \d+ · ")  # every question's answer, a page at a time
    child.send("q")
    child.expect(r"MLA-C01 mock: \S*(\d+) of 65 right")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    db = Path(terminal["MLSFLASH_DB"])
    chosen = rows(db, "SELECT chosen FROM exam_answers WHERE mode = 'mock' ORDER BY id")
    assert [json.loads(value) for (value,) in chosen[:3]] == [[2], [1], []]
    assert rows(db, "SELECT questions, answered, timed_out FROM mock_exams") == [(65, 2, 0)]


def test_mock_in_a_terminal_submits_itself_when_time_runs_out(terminal) -> None:
    child = pexpect.spawn(sys.executable, ["-m", "mlsflash", "exam", "mock", "--cards", "--seed", "3"],
                          env={**terminal, "MLSFLASH_TIME_SCALE": "4000"}, dimensions=(40, 100),
                          encoding="utf-8", timeout=30)
    child.expect_exact("question 1/65")
    child.send("a")
    child.expect(r"lines 1-\d+ of \d+ · ")
    child.send("q")
    child.expect("time ran out")
    child.expect(pexpect.EOF)
    child.close()
    db = Path(terminal["MLSFLASH_DB"])
    assert rows(db, "SELECT timed_out, answered FROM mock_exams") == [(1, 1)]


def test_a_mapped_topic_goes_with_its_deck_deleted_or_emptied(tmp_path, run) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# Alpha\n\n## Odds\n\n* **One** - first thing\n* **Two** - second thing\n",
                                encoding="utf-8")
    (notes / "b.md").write_text("# Beta\n\n## Ends\n\n* **Three** - third thing\n", encoding="utf-8")
    run("import", notes)
    run("exam", "map", "Odds", "2")
    run("exam", "map", "Ends", "3")
    (notes / "a.md").unlink()
    run("import", notes)  # deck Alpha is left empty and goes, its map with it
    run("decks", "--delete", "Beta", "--yes")
    assert run("check").stdout.startswith("OK")


def test_a_pair_confused_twice_shows_in_review_and_stats(tmp_path, run, env) -> None:
    notes = tmp_path / "n.md"
    notes.write_text("# D\n\n## Streams\n\n" + "".join(
        f"* **Term {name}** - meaning of the {n} service\n" for n, name in enumerate(GREEK[:5])
    ), encoding="utf-8")
    run("import", notes)
    asked = probe(run, "--count", "1", "--seed", "1")
    right = _right_letters(env, asked)[0]
    wrong = next(letter for letter in "abcd" if letter != right)
    for _ in range(2):
        run("exam", "practice", "--count", "1", "--seed", "1", input=f"{wrong}\n")
    (pair,) = rows(env, "SELECT DISTINCT card_id, confused_with FROM exam_confusions "
                        "WHERE id > (SELECT min(id) FROM exam_confusions)")
    fronts = dict(rows(env, "SELECT id, front_plain FROM cards"))
    shown = run("review", "--new", "10", input="5\n" * 10).stdout
    assert f"often confused with: {fronts[pair[1]]}" in shown
    figures = json.loads(run("stats", "--json").stdout)
    assert {(c["card"], c["other"]) for c in figures["confusions"] if c["times"] >= 2} == {tuple(sorted(pair))}
    assert re.search(r"confused [23]x: Term \w+ ↔ Term \w+", run("stats").stdout)  # (the probe may add one)
