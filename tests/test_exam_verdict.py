"""A mock's verdict through the CLI: the predicted score range today from the mock and from
memory, "pass" only when its low end clears the line and every exam card has been seen;
the JSON result's answers; and `--seed` giving the same exam."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_notes

from mlsflash.study.prediction import Estimate, Prediction, chance, from_mock, wilson

SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ru", "so", "ti", "va", "zu")
SECTIONS = "; ".join(f"Section {domain} = {domain}" for domain in range(1, 5))
# 40 cards, 10 in each domain of MLA-C01; no word shared by a term and any answer, so nothing
# gives an answer away.
NOTES = f"---\nmla-c01-sections: {SECTIONS}\nmls-c01: 1\n---\n# Verdict Notes\n\n" + "".join(
    f"## Section {section}\n\n"
    + "".join(
        f"* **{SYLLABLES[section].title()}{SYLLABLES[item]}x** - stores {SYLLABLES[item]}{SYLLABLES[section]}berry "
        f"records beside {SYLLABLES[(item + section) % 10]}{SYLLABLES[item]}stone logs\n"
        for item in range(10)
    )
    + "\n"
    for section in range(1, 5)
)


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def mock(run, seed: str, answers: list[str] | str) -> tuple[list[dict], dict]:
    """The questions a scripted mock asked and its result."""
    script = answers if isinstance(answers, str) else "".join(f"{answer}\n" for answer in answers)
    output = lines(run("exam", "mock", "--cards", "--seed", seed, input=script).stdout)
    return [line for line in output if "stem" in line], output[-1]


def perfect(run, seed: str) -> dict:
    """A mock answered all right: the right letters read from a first mock with the same seed."""
    questions, first = mock(run, seed, "a\n" * 100)
    again, result = mock(run, seed, [answer["right"] for answer in first["answers"]])
    assert again == questions
    assert result["correct"] == result["questions"] == len(questions)
    return result


@pytest.fixture
def notes(tmp_path: Path, run) -> Path:
    path = write_notes(tmp_path, "verdict.md", NOTES)
    run("import", path)
    domains = json.loads(run("exam", "domains", "--json").stdout)["domains"]
    assert [domain["cards"] for domain in domains] == [10, 10, 10, 10]
    return path


def test_a_perfect_mock_says_pass_only_once_every_exam_card_is_seen(run, notes) -> None:
    run("review", "--new", "39", input="4\n" * 39)  # one exam card left unseen
    result = perfect(run, "3")
    assert result["score"] == 1000 and result["unseen"] == 1 and result["passed"] is False
    low, high = result["predicted"]["low"], result["predicted"]["high"]
    assert result["missing"] == f"1 exam card not seen yet; predicted {low}–{high}"
    assert 720 <= low <= high <= 1000  # the range alone would pass: the unseen card does not
    run("review", "--new", "40", input="4\n")  # the day's limit counts the 39 already seen
    result = perfect(run, "3")
    assert result["unseen"] == 0 and result["passed"] is True and result["missing"] is None
    history = json.loads(run("exam", "history", "--json").stdout)
    assert [entry["passed"] for entry in history] == [False, False, False, True]


def test_a_mock_answered_well_by_a_learner_who_has_studied_nothing_never_says_pass(run, notes) -> None:
    result = perfect(run, "4")
    assert result["score"] == 1000 and result["readiness"] == 0 and result["unseen"] == 40
    assert result["passed"] is False
    assert result["estimates"]["memory"] == [100, 145]  # nothing recalled, give or take 5 points
    assert result["predicted"]["low"] == 100 and result["predicted"]["high"] == result["estimates"]["mock"][1] == 1000
    assert result["missing"] == "40 exam cards not seen yet; predicted 100–1000"


def test_every_card_seen_but_a_weak_mock_is_not_a_pass_and_says_why(run, notes) -> None:
    run("review", "--new", "40", input="4\n" * 40)
    questions, first = mock(run, "5", "a\n" * 100)
    wrong = ["b" if answer["right"] != "b" else "c" for answer in first["answers"]]
    _, result = mock(run, "5", wrong)
    assert result["correct"] == 0 and result["unseen"] == 0 and result["passed"] is False
    assert result["readiness"] == 1.0 and result["estimates"]["memory"] == [955, 1000]
    assert result["predicted"] == {"low": 100, "high": 1000}
    assert result["missing"] == "predicted 100–1000, its low end under the pass line 720"


def test_the_json_result_lists_every_question_with_the_pick_and_the_right_letters(run, notes) -> None:
    questions, result = mock(run, "6", ["a", "b", "", "c", "s"])  # a blank line is not an answer
    answers = result["answers"]
    assert [question["n"] for question in questions] == [1, 2, 3, 4]  # submitted at the fourth
    assert [answer["n"] for answer in answers] == list(range(1, 41)) and result["questions"] == 40
    assert [answer["chosen"] for answer in answers[:4]] == ["a", "b", "c", ""]
    assert all(answer["chosen"] == "" and answer["correct"] is False for answer in answers[3:])
    assert all(answer["correct"] is (answer["chosen"] == answer["right"]) for answer in answers)
    assert all(len(answer["right"]) == question["choose"] for answer, question in zip(answers, questions, strict=False))
    assert sum(answer["correct"] for answer in answers) == result["correct"]
    assert {wrong["n"] for wrong in result["wrong"]} == {a["n"] for a in answers if not a["correct"]}


def test_the_same_seed_gives_the_same_exam_in_any_process(tmp_path: Path, env, run, notes) -> None:
    def asked(hash_seed: str, seed: str) -> list[dict]:
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        output = subprocess.run([sys.executable, "-m", "mlsflash", "exam", "mock", "--cards", "--seed", seed, "--json"],
                                input="q\n", env=environment, capture_output=True, text=True, check=True).stdout
        return [line for line in lines(output) if "stem" in line]

    first = asked("1", "11")
    assert first and first == asked("2", "11")
    questions, result = mock(run, "11", "a\n" * 100)
    assert questions[0] == first[0]
    again, _ = mock(run, "11", "a\n" * 100)
    assert again == questions  # a mock taken in between changes nothing
    assert [question["card"] for question in mock(run, "12", "a\n" * 100)[0]] != [q["card"] for q in questions]


def words(text: str) -> str:
    """A pattern for `text` however the terminal wraps and styles it."""
    style = r"(?:\x1b\[[0-9;]*m)*"
    return r"(?:\s|\x1b\[[0-9;]*m)+".join(style.join(map(re.escape, word)) for word in text.split())


@pytest.mark.parametrize("columns", [100, 40])
def test_the_result_screen_shows_the_range_and_what_is_missing(notes, env, columns) -> None:
    pexpect = pytest.importorskip("pexpect")
    environment = {**os.environ, "TERM": "xterm"}
    environment.pop("MLSFLASH_TIME_SCALE", None)
    child = pexpect.spawn(sys.executable, ["-m", "mlsflash", "exam", "mock", "--cards", "--seed", "3"], env=environment,
                          dimensions=(40, columns), encoding="utf-8", timeout=20)
    child.expect_exact("question 1/")
    child.send("s")
    child.expect_exact("y/n")
    child.send("y")
    child.expect_exact("q done")  # 40 questions are taller than the screen: leave the pager
    child.send("q")
    child.expect(words("mock score 100"))
    child.expect(words("Predicted score today 100–145 (pass line 720): by your memory of the exam cards 100–145 "
                       "(readiness today 0%), by this mock 100–100."))
    child.expect(words("NOT YET: 40 exam cards not seen yet; predicted 100–145"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_models_figures() -> None:
    assert chance(4, 1) == 0.25 and chance(5, 2) == 0.1
    low, high = wilson(18, 18)
    assert (round(low, 3), high) == (0.824, 1.0)
    known = from_mock(18, 18, 0.25)
    assert round(known.low, 3) == 0.765 and known.high == 1.0
    assert from_mock(0, 65, 0.25) == Estimate(0.0, 0.0)  # fewer right than luck gives: nothing known
    ready = Prediction(0.95, Estimate(0.8, 1.0), 0, 720)
    assert (ready.low, ready.high, ready.passed) == (820, 1000, True)
    assert Prediction(0.95, Estimate(0.8, 1.0), 3, 720).passed is False
    assert Prediction(0.60, Estimate(0.8, 1.0), 0, 720).low == estimate(0.55)


def estimate(share: float) -> int:
    from mlsflash.profiles import estimate_score

    return estimate_score(share)
