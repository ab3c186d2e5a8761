"""Bank items in exam practice, drill and mock, through the CLI: scripted (JSON lines) and in a
terminal; answer formats, feedback with every explanation, partial answers wrong, unscored
items revealed only in the result, a seed that repeats a mock, and the items' review state."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from bank_fixture import bank_text, write_bank, write_cards
from conftest import NOW, rows

ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth")
Answerer = Callable[[dict], str]


def right_answer(question: dict) -> str:
    """What a learner who knows the fixture bank types."""
    options = question["options"]
    kind = question["type"]
    if kind == "multiple-choice":
        return "abcdef"[next(i for i, text in enumerate(options) if text.startswith("Right"))]
    if kind == "multiple-response":
        return "".join("abcdef"[i] for i, text in enumerate(options) if text.startswith("Good"))
    if kind == "ordering":
        return "".join("abcdef"[options.index(next(o for o in options if o.startswith(word)))]
                       for word in ORDINALS[: len(options)])
    return " ".join(f"{n}{'abcdef'[options.index(item.replace('Need', 'Service'))]}"
                    for n, item in enumerate(question["items"], 1))


def partial_answer(question: dict) -> str:
    """Right in part: one right option of two, the first two steps or matches swapped."""
    right = right_answer(question)
    kind = question["type"]
    if kind == "multiple-choice":
        return next(letter for letter in "abcd" if letter != right)
    if kind == "multiple-response":
        wrong = next(letter for letter in "abcde" if letter not in right)
        return right[0] + wrong
    if kind == "ordering":
        return right[1] + right[0] + right[2:]
    pairs = right.split()
    pairs[0], pairs[1] = pairs[0][0] + pairs[1][1], pairs[1][0] + pairs[0][1]
    return " ".join(pairs)


def drive(*args: str, answer: Answerer, extra_env: dict[str, str] | None = None) -> list[dict]:
    """Run `mlsflash ARGS` scripted, answering each question as `answer` says; every JSON line out."""
    process = subprocess.Popen([sys.executable, "-m", "mlsflash", *args], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(extra_env or {})})
    assert process.stdin and process.stdout
    seen: list[dict] = []
    question: dict = {}
    for line in process.stdout:
        value = json.loads(line)
        seen.append(value)
        if "options" in value:
            question = value
        if "options" in value or "error" in value:
            process.stdin.write(answer(question) + "\n")
            process.stdin.flush()
    process.stdin.close()
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return seen


@pytest.fixture
def bank(run, env, tmp_path) -> Path:
    run("import", write_cards(tmp_path), write_bank(tmp_path))
    return tmp_path


def answers_of(lines: list[dict]) -> list[dict]:
    return [line for line in lines if "correct" in line and "n" in line]


@pytest.mark.parametrize("kind", ["multiple-choice", "multiple-response", "ordering", "matching"])
def test_practice_bank_each_type_right_answer_with_every_explanation(bank, env, kind) -> None:
    lines = drive("exam", "practice", "--bank", "--type", kind, "--count", "1", "--seed", "4",
                  answer=right_answer)
    question, feedback, done = lines
    assert question["type"] == kind and question["task"] and "explanations" not in question
    assert feedback["correct"] is True and feedback["chosen"] == feedback["right"]
    whys = [entry["why"] for entry in feedback["explanations"]]
    expected = {"multiple-choice": ["RIGHTWHY", "WRONGWHY1", "WRONGWHY2", "WRONGWHY3"],
                "multiple-response": ["GOODWHY1", "GOODWHY2", "BADWHY1", "BADWHY2", "BADWHY3"],
                "ordering": ["STEPWHY1", "STEPWHY2", "STEPWHY3", "STEPWHY4"],
                "matching": ["PAIRWHY1", "PAIRWHY2", "PAIRWHY3", "PAIRWHY4"]}[kind]
    assert all(any(why.startswith(word) for why in whys) for word in expected)
    assert len(whys) == len(expected)
    assert done == {"done": True, "answered": 1, "correct": 1}
    assert rows(env, "SELECT mode, correct FROM bank_answers") == [("practice", 1)]


@pytest.mark.parametrize("kind", ["multiple-choice", "multiple-response", "ordering", "matching"])
def test_practice_bank_partial_answer_is_wrong(bank, env, kind) -> None:
    lines = drive("exam", "practice", "--bank", "--type", kind, "--count", "1", "--seed", "4",
                  answer=partial_answer)
    feedback = lines[1]
    assert feedback["correct"] is False and feedback["chosen"] != feedback["right"]


def test_practice_bank_refuses_a_malformed_answer_with_the_reason(bank) -> None:
    def badly(*given: str) -> Answerer:
        answers = iter(given)
        return lambda question: next(answers, "q")

    lines = drive("exam", "practice", "--bank", "--type", "multiple-choice", "--count", "1",
                  answer=badly("ab", "z"))
    errors = [line["error"] for line in lines if "error" in line]
    assert "2 letters given, 1 wanted: give one letter from a to d, like b" in errors[0]
    assert "'z' is not one of the letters shown" in errors[1]
    ordering = drive("exam", "practice", "--bank", "--type", "ordering", "--count", "1", answer=badly("abc"))
    assert "3 letters given, 4 wanted" in ordering[1]["error"]
    matching = drive("exam", "practice", "--bank", "--type", "matching", "--count", "1", answer=badly("1a 2b 3c"))
    assert "item 4 not matched" in matching[1]["error"]
    assert matching[-1] == {"done": True, "answered": 0, "correct": 0}


def test_practice_bank_task_filter_and_case_scenario_above_the_question(bank) -> None:
    lines = drive("exam", "practice", "--task", "2.2", "--count", "5", "--seed", "1", answer=right_answer)
    questions = [line for line in lines if "options" in line]
    assert [q["task"] for q in questions] == ["2.2"] * 3
    assert [q["item"] for q in questions] == ["t-cs-2-01-q1", "t-cs-2-01-q2", "t-cs-2-01-q3"]
    assert all(q["case_scenario"].startswith("CASESCENARIO") for q in questions)


def test_practice_bank_unknown_task_or_type_is_refused(run, bank) -> None:
    assert "has no task statement 9.9" in run("exam", "practice", "--task", "9.9", code=1).stderr
    assert "--type must be one of" in run("exam", "practice", "--bank", "--type", "essay", code=2).stderr


def test_a_task_under_a_profile_without_task_statements_says_which_has_them(run, bank) -> None:
    run("exam", "set", "mls-c01")
    error = run("exam", "practice", "--task", "2.3", code=1).stderr
    assert "MLS-C01 has no task statements" in error
    assert "mlsflash exam set mla-c01" in error and "are \n" not in error


def test_missed_item_returns_next_day_then_later_and_drill_asks_it(bank, env, monkeypatch) -> None:
    drive("exam", "practice", "--bank", "--type", "ordering", "--task", "1.1", "--count", "1",
          answer=partial_answer)
    assert rows(env, "SELECT due FROM bank_items WHERE id = 't-1-or'") == [("2026-11-27",)]
    assert "no bank item is due" in subprocess.run([sys.executable, "-m", "mlsflash", "exam", "drill"],
                                                   capture_output=True, text=True).stderr
    tomorrow = {"MLSFLASH_NOW": "2026-11-27T10:00"}
    lines = drive("exam", "drill", answer=right_answer, extra_env=tomorrow)
    assert [line["item"] for line in lines if "options" in line] == ["t-1-or"]
    assert rows(env, "SELECT due FROM bank_items WHERE id = 't-1-or'") == [("2026-11-28",)]
    drive("exam", "drill", answer=right_answer, extra_env={"MLSFLASH_NOW": "2026-11-28T10:00"})
    assert rows(env, "SELECT due FROM bank_items WHERE id = 't-1-or'") == [("2026-12-04",)]  # a growing interval
    drive("exam", "practice", "--bank", "--type", "matching", "--task", "1.1", "--count", "1",
          answer=right_answer)  # right at first sight: later than a miss
    assert rows(env, "SELECT due FROM bank_items WHERE id = 't-1-ma'") == [("2026-12-02",)]


def test_a_right_answer_before_the_item_is_due_keeps_its_schedule(bank, env) -> None:
    def practise_matching(answer: Answerer) -> None:
        drive("exam", "practice", "--bank", "--type", "matching", "--task", "1.1", "--count", "1", answer=answer)

    practise_matching(right_answer)
    assert rows(env, "SELECT due FROM bank_items WHERE id = 't-1-ma'") == [("2026-12-02",)]
    for _ in range(3):  # practised again the same day: not pushed months away
        practise_matching(right_answer)
    assert rows(env, "SELECT due FROM bank_items WHERE id = 't-1-ma'") == [("2026-12-02",)]
    assert rows(env, "SELECT count(*) FROM bank_answers WHERE item_id = 't-1-ma'") == [(4,)]
    practise_matching(partial_answer)  # a miss still brings it back the next day
    assert rows(env, "SELECT due FROM bank_items WHERE id = 't-1-ma'") == [("2026-11-27",)]


def test_bank_items_follow_fsrs_when_it_is_the_scheduler(run, bank, env) -> None:
    run("config", "scheduler", "fsrs")
    drive("exam", "practice", "--bank", "--type", "ordering", "--task", "1.1", "--count", "1",
          answer=partial_answer)
    drive("exam", "practice", "--bank", "--type", "matching", "--task", "1.1", "--count", "1",
          answer=right_answer)
    (missed, stability), (right, _) = rows(env, "SELECT due, stability FROM bank_items WHERE id IN "
                                                "('t-1-or', 't-1-ma') ORDER BY id DESC")
    assert missed == "2026-11-27" and stability is not None and right > missed


@pytest.mark.parametrize("kind", ["multiple-choice", "multiple-response", "ordering", "matching"])
def test_drill_asks_a_missed_item_of_each_type_and_a_partial_answer_misses_again(bank, env, kind) -> None:
    drive("exam", "practice", "--bank", "--type", kind, "--task", "4.1", "--count", "1", answer=partial_answer)
    lines = drive("exam", "drill", answer=partial_answer, extra_env={"MLSFLASH_NOW": "2026-11-27T10:00"})
    (question,) = [line for line in lines if "options" in line]
    (feedback,) = answers_of(lines)
    assert question["type"] == kind and question["task"] == "4.1"
    assert feedback["correct"] is False and len(feedback["explanations"]) == len(question["options"])
    assert rows(env, "SELECT mode, correct FROM bank_answers ORDER BY id") == [("practice", 0), ("drill", 0)]
    assert rows(env, "SELECT due, lapses FROM bank_items WHERE id = ?", question["item"]) == [("2026-11-28", 0)]


def test_drill_asks_the_weakest_task_first(bank, env) -> None:
    drive("exam", "practice", "--bank", "--task", "3.1", "--type", "ordering", "--count", "1",
          answer=partial_answer)
    drive("exam", "practice", "--bank", "--task", "3.1", "--type", "matching", "--count", "1",
          answer=right_answer)
    drive("exam", "practice", "--bank", "--task", "1.1", "--type", "matching", "--count", "1",
          answer=partial_answer)
    lines = drive("exam", "drill", answer=right_answer, extra_env={"MLSFLASH_NOW": "2026-11-27T10:00"})
    assert [line["item"] for line in lines if "options" in line] == ["t-1-ma", "t-3-or"]


def test_a_missed_item_brings_its_linked_cards_forward(bank, env) -> None:
    with __import__("sqlite3").connect(env) as connection:
        connection.execute("UPDATE cards SET repetitions = 3, interval = 20, due = '2026-12-10' "
                           "WHERE front_plain IN ('Alpha', 'Bravo')")
    drive("exam", "practice", "--bank", "--task", "1.1", "--type", "multiple-choice", "--count", "1",
          answer=partial_answer)
    assert dict(rows(env, "SELECT front_plain, due FROM cards WHERE front_plain IN ('Alpha', 'Bravo')")) == {
        "Alpha": "2026-11-26", "Bravo": "2026-12-10"}


def test_status_lists_bank_results_per_task(run, bank) -> None:
    drive("exam", "practice", "--bank", "--task", "1.1", "--type", "ordering", "--count", "1",
          answer=partial_answer)
    drive("exam", "practice", "--bank", "--task", "1.1", "--type", "matching", "--count", "1",
          answer=right_answer)
    status = json.loads(run("exam", "status", "--json").stdout)
    task = next(entry for entry in status["bank"] if entry["task"] == "1.1")
    assert (task["answered"], task["correct"], task["due"]) == (2, 1, 0)
    assert "1.1" in run("exam", "status").stdout and "bank" in run("exam", "status").stdout.lower()


# --- mock -----------------------------------------------------------------------------------


def test_mock_from_the_bank_unscored_revealed_only_in_the_result(bank, env) -> None:
    lines = drive("exam", "mock", "--seed", "5", answer=partial_answer)
    questions = [line for line in lines if "options" in line]
    result = lines[-1]
    assert len(questions) == 19 == result["questions"]  # every fixture item: each domain gives what it has
    assert all("scored" not in q and "unscored" not in q and "explanations" not in q for q in questions)
    assert len(result["unscored"]) == 4 and result["scored"] == 15
    assert [row["scored"] for row in result["answers"]].count(False) == 4
    assert result["correct"] == 0  # every answer partly right: all wrong
    assert set(result["tasks"]) <= {"1.1", "2.1", "2.2", "3.1", "4.1"}
    assert sum(entry["questions"] for entry in result["tasks"].values()) == 15
    assert rows(env, "SELECT count(*), sum(mode = 'mock') FROM bank_answers") == [(19, 19)]
    assert rows(env, "SELECT questions, correct FROM mock_exams") == [(15, 0)]


def test_a_mock_item_left_unanswered_is_wrong_but_not_scheduled_as_missed(run, bank, env) -> None:
    with __import__("sqlite3").connect(env) as connection:
        connection.execute("UPDATE cards SET repetitions = 3, interval = 20, due = '2026-12-10' "
                           "WHERE front_plain = 'Alpha'")
    result = drive("exam", "mock", "--seed", "5", answer=lambda question: "")[-1]
    assert result["answered"] == 0 and result["correct"] == 0
    assert rows(env, "SELECT count(*), sum(correct) FROM bank_answers") == [(19, 0)]  # logged: the score is kept
    assert rows(env, "SELECT count(*) FROM bank_items WHERE due IS NOT NULL") == [(0,)]  # none due tomorrow
    assert rows(env, "SELECT due FROM cards WHERE front_plain = 'Alpha'") == [("2026-12-10",)]  # no card pulled
    status = json.loads(run("exam", "status", "--json").stdout)["bank"]
    assert sum(entry["answered"] for entry in status) == 0  # skipped is not answered


def test_mock_seed_repeats_the_same_mock(bank) -> None:
    first = drive("exam", "mock", "--seed", "8", answer=right_answer)
    again = drive("exam", "mock", "--seed", "8", answer=right_answer)
    other = drive("exam", "mock", "--seed", "9", answer=right_answer)
    shown = [(q["item"], q["options"]) for q in first if "options" in q]
    assert shown == [(q["item"], q["options"]) for q in again if "options" in q]
    assert first[-1]["unscored"] == again[-1]["unscored"]
    assert shown != [(q["item"], q["options"]) for q in other if "options" in q]
    assert first[-1]["correct"] == first[-1]["scored"] == 15


def test_mock_uses_cards_when_the_bank_does_not_cover_the_profile_or_for_mls_c01(run, env, tmp_path) -> None:
    only_domain_one = bank_text(case=False).split("## t-2-mc")[0]
    run("import", write_cards(tmp_path), write_bank(tmp_path, only_domain_one))
    first = json.loads(run("exam", "mock", "--seed", "1", input="q\n").stdout.splitlines()[0])
    assert first["shape"] and "type" not in first  # a card question
    run("import", write_bank(tmp_path))
    assert json.loads(run("exam", "mock", "--seed", "1", input="q\n").stdout.splitlines()[0])["type"]
    assert "type" not in json.loads(run("exam", "mock", "--cards", "--seed", "1", input="q\n").stdout.splitlines()[0])
    run("exam", "set", "mls-c01")
    retired = json.loads(run("exam", "mock", "--seed", "1", input="q\n").stdout.splitlines()[0])
    assert retired["shape"] and "type" not in retired


# --- in a terminal --------------------------------------------------------------------------

pexpect = pytest.importorskip("pexpect")


@pytest.fixture
def terminal(tmp_path: Path) -> dict[str, str]:
    environment = {**os.environ, "MLSFLASH_DB": str(tmp_path / "t.db"), "MLSFLASH_NOW": NOW, "NO_COLOR": "1",
                   "TERM": "xterm"}
    environment.pop("MLSFLASH_DEBUG", None)
    environment.pop("MLSFLASH_TIME_SCALE", None)
    subprocess.run([sys.executable, "-m", "mlsflash", "import", str(write_cards(tmp_path)),
                    str(write_bank(tmp_path))], env=environment, check=True, capture_output=True)
    return environment


def spawn(environment: dict[str, str], *args: str):
    return pexpect.spawn(sys.executable, ["-m", "mlsflash", "exam", *args], env=environment,
                         dimensions=(60, 110), encoding="utf-8", timeout=20)


def shown_options(child, count: int) -> list[str]:
    """The lettered options as the screen shows them (a) ... in order)."""
    found = []
    for letter in "abcdef"[:count]:
        child.expect(rf"{letter}\) ([^\r\n]+)")
        found.append(child.match.group(1).strip())
    return found


def test_terminal_practice_multiple_choice_one_key_and_every_explanation(terminal) -> None:
    child = spawn(terminal, "practice", "--bank", "--type", "multiple-choice", "--task", "1.1", "--count", "1")
    child.expect_exact("Task 1.1 · multiple choice")
    options = shown_options(child, 4)
    child.expect_exact("a-d answer")
    child.send("abcd"[next(i for i, text in enumerate(options) if text.startswith("Right"))])
    child.expect_exact("Right.")
    child.expect(pexpect.EOF)
    assert all(why in child.before for why in ("RIGHTWHY", "WRONGWHY1", "WRONGWHY2", "WRONGWHY3"))
    assert "1 of 1 right." in child.before


def test_terminal_practice_multiple_response_two_keys_partial_is_wrong(terminal) -> None:
    child = spawn(terminal, "practice", "--bank", "--type", "multiple-response", "--task", "1.1", "--count", "1")
    options = shown_options(child, 5)
    good = next(i for i, text in enumerate(options) if text.startswith("Good"))
    bad = next(i for i, text in enumerate(options) if text.startswith("Bad"))
    child.send("abcde"[good])
    child.expect_exact("1 more")
    child.send("abcde"[bad])
    child.expect_exact("Wrong.")
    child.expect(pexpect.EOF)
    assert all(why in child.before for why in ("GOODWHY1", "GOODWHY2", "BADWHY1", "BADWHY2", "BADWHY3"))
    assert "0 of 1 right." in child.before


def test_terminal_practice_ordering_typed_then_enter(terminal) -> None:
    child = spawn(terminal, "practice", "--bank", "--type", "ordering", "--task", "1.1", "--count", "1")
    child.expect_exact("Steps (shuffled):")
    options = shown_options(child, 4)
    child.expect_exact("answer: ")
    child.sendline("ab")
    child.expect_exact("2 letters given, 4 wanted")
    answer = "".join("abcd"[options.index(next(o for o in options if o.startswith(w)))] for w in ORDINALS[:4])
    child.sendline(answer)
    child.expect_exact("Right.")
    child.expect(pexpect.EOF)
    assert all(why in child.before for why in ("STEPWHY1", "STEPWHY2", "STEPWHY3", "STEPWHY4"))


def test_terminal_case_study_matching_shows_the_case_and_takes_number_letter(terminal) -> None:
    child = spawn(terminal, "practice", "--task", "2.2", "--type", "matching")
    child.expect_exact("Case study t-cs-2-01")
    child.expect_exact("CASESCENARIO")
    child.expect_exact("Items:")
    items = []
    for number in range(1, 5):
        child.expect(rf"{number}\. ([^\r\n]+)")
        items.append(child.match.group(1).strip())
    options = shown_options(child, 4)
    child.expect_exact("answer: ")
    child.sendline(" ".join(f"{n}{'abcd'[options.index(i.replace('Need', 'Service'))]}"
                            for n, i in enumerate(items, 1)))
    child.expect_exact("Right.")
    child.expect(pexpect.EOF)
    assert all(why in child.before for why in ("PAIRWHY1", "PAIRWHY2", "PAIRWHY3", "PAIRWHY4"))


def test_terminal_drill_asks_the_missed_item(terminal) -> None:
    child = spawn(terminal, "practice", "--bank", "--type", "ordering", "--task", "4.1", "--count", "1")
    options = shown_options(child, 4)
    answer = "".join("abcd"[options.index(next(o for o in options if o.startswith(w)))] for w in ORDINALS[:4])
    child.expect_exact("answer: ")
    child.sendline(answer[::-1])
    child.expect_exact("Wrong.")
    child.expect(pexpect.EOF)
    child = spawn(terminal, "drill")
    child.expect_exact("no bank item is due")
    child.expect(pexpect.EOF)
    child = spawn({**terminal, "MLSFLASH_NOW": "2026-11-27T10:00"}, "drill")
    child.expect_exact("Drill 1/1")
    child.expect_exact("Task 4.1 · ordering")
    options = shown_options(child, 4)
    child.expect_exact("answer: ")
    child.sendline("".join("abcd"[options.index(next(o for o in options if o.startswith(w)))] for w in ORDINALS[:4]))
    child.expect_exact("Right.")
    child.expect_exact("STEPWHY4")
    child.expect(pexpect.EOF)


def screen_question(child) -> dict:
    """The mock question on screen, as the scripted form would give it."""
    child.expect(r"Task \d\.\d · (multiple choice|multiple response|ordering|matching)")
    kind = child.match.group(1).replace(" ", "-")
    child.expect_exact("Enter skip")
    block = child.before
    options = [text.strip() for text in re.findall(r"[a-f]\) ([^\r\n]+)", block)]
    items = [text.strip() for text in re.findall(r"[1-5]\. ([^\r\n]+)", block)]
    return {"type": kind, "options": options, "items": items}


def test_terminal_mock_every_type_partial_wrong_unscored_only_in_the_result(terminal) -> None:
    child = spawn(terminal, "mock", "--seed", "5")
    kinds = []
    for number in range(1, 20):
        child.expect_exact(f"question {number}/19")
        question = screen_question(child)
        kinds.append(question["type"])
        assert "unscored" not in child.before
        answer = partial_answer(question) if question["type"] == "multiple-response" else right_answer(question)
        if question["type"] in ("ordering", "matching"):
            child.expect_exact("answer: ")
            child.sendline(answer)
        else:
            child.send(answer)
    child.expect_exact("Per task statement")
    screen = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", child.before)
    child.expect_exact("scored right")
    child.expect(pexpect.EOF)
    marks = re.findall(r"(\d+)\. (✓ right|✗ wrong|○ unanswered)  task \S+ · ([a-z ]+?)(?: · unscored)?  you", screen)
    assert len(marks) == 19 and set(kinds) == {"multiple-choice", "multiple-response", "ordering", "matching"}
    assert all((mark == "✗ wrong") == (kind == "multiple response") for _, mark, kind in marks)
    unscored = re.search(r"Unscored \(not counted, as on the exam\): ([\d, ]+)", screen)
    assert unscored and len(unscored.group(1).split(",")) == 4
    db = Path(terminal["MLSFLASH_DB"])
    assert rows(db, "SELECT questions, answered, correct FROM mock_exams") == [(15, 15, 15 - sum(
        1 for number, mark, kind in marks if kind == "multiple response"
        and number not in unscored.group(1).replace(" ", "").split(",")))]
    assert rows(db, "SELECT count(*), sum(scored) FROM bank_answers WHERE mode = 'mock'") == [(19, 15)]
