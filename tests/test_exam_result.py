"""What exam practice and a mock teach once answered, as a learner sees it: for every question
the pick (and, when wrong, the card the picked option belongs to), the right answer in full
and why (the card's context and term, `file:line`); wrong and unanswered told apart; hostile
text shown literally. In tmux at 100 and 40 columns (a result taller than the screen pages),
and scripted: the practice reply carries the whole right answer."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, rows, write_notes
from mlsflash.study.questions import OPTION_WIDTH, one_line

LONG = ("a unit of capacity [bold]one[/bold] megabyte per second in, two out, billed by the hour "
        "<placeholder> 🚀 and resharding splits or merges them when traffic grows or shrinks over the day, "
        "which costs extra API calls and briefly doubles what you pay while both exist")
NOTES = f"""---
mla-c01: 1
---
# Streaming

## Kinesis [Data] Streams

* **Shard** - {LONG}
* **Retention** - how long records stay readable, from twenty-four hours up to three hundred sixty-five days
* **Enhanced fan-out** - dedicated throughput per consumer over HTTP/2 push
* **Partition key** - hashed to choose which bucket a record lands in

## Firehose

* **Buffer hints** - size or interval before delivery to the destination
* **Transformation** - a Lambda that rewrites records in flight
* **Destinations** - Redshift, OpenSearch, Splunk or an HTTP endpoint
* **Dynamic partitioning** - keys from the data pick the prefix of each object
"""
CONTEXT = "Kinesis [Data] Streams"


def lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def whole(text: str) -> str:
    """Text as a reader takes it in, whatever the width it was wrapped at."""
    return " ".join(text.split())


class Cards:
    """The imported cards, to tell which option is right and which card an option comes from."""

    def __init__(self, db: Path) -> None:
        found = rows(db, "SELECT id, front_plain, back_plain, source_line FROM cards")
        self.front = {card_id: front for card_id, front, _, _ in found}
        self.line = {card_id: line for card_id, _, _, line in found}
        self.by_back = {one_line(back): card_id for card_id, _, back, _ in found}
        self.id_of = {front: card_id for card_id, front, _, _ in found}

    def right(self, question: dict) -> str:
        card_id = question["card"]
        assert question["shape"] == "definition", question
        return next(letter for letter, option in zip("abcd", question["options"], strict=False)
                    if self.by_back.get(option) == card_id)

    def wrong(self, question: dict) -> tuple[str, str]:
        """A wrong letter, and the card its option is the answer of."""
        letter, option = next((letter, option) for letter, option in zip("abcd", question["options"], strict=False)
                              if letter != self.right(question))
        return letter, self.by_back[option]


@pytest.fixture
def notes(run, tmp_path, env) -> Cards:
    run("import", write_notes(tmp_path, "notes.md", NOTES))
    return Cards(env)


def asked_about_shard(run, cards: Cards, *command: str) -> tuple[int, list[dict], int]:
    """A seed whose questions ask which answer fits `Shard` (its answer longer than an option
    may be), the questions (answered `a` here, in the test's own database) and its number."""
    for seed in range(60):
        output = lines(run("exam", *command, "--seed", str(seed), input="a\n" * 40).stdout)
        questions = [line for line in output if "stem" in line]
        for number, question in enumerate(questions, 1):
            if question["card"] == cards.id_of["Shard"] and question["shape"] == "definition":
                return seed, questions, number
    raise AssertionError("no seed asks which answer fits Shard")


def test_scripted_practice_feedback_carries_the_whole_right_answer(run, notes) -> None:
    seed, questions, _ = asked_about_shard(run, notes, "practice", "--count", "1")
    (question,) = questions
    shard = notes.id_of["Shard"]
    right = notes.right(question)
    offered = question["options"]["abcd".index(right)]
    assert len(LONG) > OPTION_WIDTH and offered.endswith("…") and len(offered) <= OPTION_WIDTH  # the option is cut
    letter, other = notes.wrong(question)
    output = lines(run("exam", "practice", "--count", "1", "--seed", str(seed), input=f"{letter}\n").stdout)
    reply = next(line for line in output if "chosen" in line)
    assert (reply["chosen"], reply["right"], reply["correct"]) == (letter, right, False)
    assert reply["answer"] == [LONG]  # whole, brackets and all
    assert reply["why"] == {"context": [CONTEXT], "front": "Shard", "back": LONG,
                            "source": f"notes.md:{notes.line[shard]}", "task": "1.1"}
    assert reply["wrong_picks"] == [{"letter": letter, "card": other, "front": notes.front[other],
                                     "source": f"notes.md:{notes.line[other]}"}]


# --- in a terminal ------------------------------------------------------------------------------

SIZES = [(100, 30), (40, 20)]
SIZE_IDS = ["100x30", "40x20"]
PAGER = re.compile(r"lines (\d+)-(\d+) of (\d+) · ")


@pytest.fixture
def screens(tmp_path):
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    from test_review_screen import Screen
    environment = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH")
                   if name in os.environ}
    environment.update(MLSFLASH_DB=str(tmp_path / "screen.db"), MLSFLASH_NOW=NOW, NO_COLOR="1", TERM="xterm",
                       LANG=os.environ.get("LANG") or "C.UTF-8")
    subprocess.run([sys.executable, "-m", "mlsflash", "import", str(tmp_path / "notes.md")], env=environment,
                   check=True, capture_output=True, timeout=60, cwd=tmp_path)
    opened: list[Screen] = []

    def open_screen(size: tuple[int, int]) -> Screen:
        opened.append(Screen(environment, size, tmp_path))
        return opened[-1]

    yield open_screen
    for screen in opened:
        screen.close()


def shown_from(screen_text: str) -> int | None:
    """The first result line on screen, from the pager's hint."""
    found = PAGER.search(screen_text)
    return int(found.group(1)) if found else None


def printed(screen) -> list[str]:
    """Everything the terminal holds, scrollback included, after the last page the pager drew:
    what stays once the learner is done."""
    held = screen.tmux("capture-pane", "-p", "-S", "-").splitlines()
    last = max((index for index, line in enumerate(held) if PAGER.search(line)), default=-1)
    return held[last + 1 :]


def block(shown: list[str], number: int) -> str:
    """Question `number`'s lines of the result, joined as read."""
    start = next((index for index, line in enumerate(shown) if line.startswith(f"{number}. ")), None)
    assert start is not None, f"no question {number} in the result:\n" + "\n".join(shown)
    end = next((index for index, line in enumerate(shown[start + 1 :], start + 1)
                if re.match(r"\d+\. ", line) or line.startswith("Right ")), len(shown))
    return whole(" ".join(shown[start:end]))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_mock_result_shows_each_pick_the_whole_right_answer_and_why(run, notes, screens, size) -> None:
    seed, questions, long_one = asked_about_shard(run, notes, "mock")
    shard, other_numbers = notes.id_of["Shard"], [n for n in range(1, len(questions) + 1) if n != long_one]
    unanswered, answered_right = other_numbers[0], other_numbers[1]
    wrong_letter, picked_card = notes.wrong(questions[long_one - 1])
    right_letter = notes.right(questions[long_one - 1])
    screen = screens(size)
    screen.start("exam", "mock", "--seed", str(seed))
    for number, question in enumerate(questions, 1):
        screen.wait_for(f"question {number}/{len(questions)}")
        key = {long_one: wrong_letter, answered_right: notes.right(question) if question["shape"] == "definition"
               else None}.get(number)
        if key:
            screen.send(key)
            screen.wait_until(lambda now, key=key: f"● {key})" in now, f"{key} picked")
        if number < len(questions):
            screen.send("n")
    screen.send("s")
    screen.wait_for("Submit with")
    screen.send("y")
    first = screen.wait_until(lambda now: PAGER.search(now) is not None or "MLA-C01 mock:" in now, "the result")
    width, height = size
    if PAGER.search(first):  # taller than the screen (every size here): a page at a time, from the top
        assert len(first.rstrip("\n").splitlines()) <= height and first.lstrip().startswith("1. ")
        assert shown_from(first) == 1
        for key, expected in (("NPage", lambda top: top > 2), ("Up", lambda top: top > 1),
                              ("PPage", lambda top: top == 1)):
            before = shown_from(screen.text())
            screen.send(key)
            now = screen.wait_until(lambda now, before=before: shown_from(now) not in (None, before), key)
            assert expected(shown_from(now)), (key, now)
        screen.send("q")
    screen.wait_for("MLA-C01 mock:")
    shown = printed(screen)
    assert all(len(line) <= width for line in shown)

    wrong = block(shown, long_one)
    offered = questions[long_one - 1]["options"]["abcd".index(wrong_letter)]
    assert wrong.startswith(f"{long_one}. ✗ wrong task 1.1 Ingest and store data term Shard")
    assert f"picked {wrong_letter}) {whole(offered)}" in wrong
    assert f"↳ is the answer to: {notes.front[picked_card]} notes.md:{notes.line[picked_card]}" in wrong
    assert f"answer {right_letter}) {whole(LONG)}" in wrong  # in full: brackets, <placeholder>, emoji literal
    assert f"why {CONTEXT} › Shard notes.md:{notes.line[shard]}" in wrong

    skipped = block(shown, unanswered)
    assert skipped.startswith(f"{unanswered}. ○ unanswered") and "picked nothing" in skipped
    assert re.search(r" answer [a-d]\) .+ why .+ notes\.md:\d+$", skipped)
    if questions[answered_right - 1]["shape"] == "definition":
        assert block(shown, answered_right).startswith(f"{answered_right}. ✓ right")
    right = 1 if questions[answered_right - 1]["shape"] == "definition" else 0
    tally = whole(" ".join(shown))
    assert f"Right {right} · wrong 1 · unanswered {len(questions) - 1 - right} (of {len(questions)})" in tally
    assert f"1.1 Ingest and store data: {right}/{len(questions)}" in tally


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_practice_feedback_shows_the_whole_right_answer_and_why(run, notes, screens, size) -> None:
    seed, (question,), _ = asked_about_shard(run, notes, "practice", "--count", "1")
    letter, picked_card = notes.wrong(question)
    screen = screens(size)
    screen.start("exam", "practice", "--count", "1", "--seed", str(seed))
    screen.wait_for("answer · q quit")
    screen.send(letter)
    screen.wait_for("any key: next")
    held = screen.tmux("capture-pane", "-p", "-S", "-").splitlines()
    feedback = whole(" ".join(held[max(i for i, line in enumerate(held) if line.startswith("Wrong.")):]))
    assert f"picked {letter}) " in feedback
    assert f"↳ is the answer to: {notes.front[picked_card]}" in feedback
    assert f"answer {notes.right(question)}) {whole(LONG)}" in feedback
    assert f"why {CONTEXT} › Shard notes.md:{notes.line[notes.id_of['Shard']]}" in feedback
    screen.send("x")  # the end of the session: its questions again, paged when taller than the screen
    done = screen.wait_until(lambda now: "of 1 right." in now or PAGER.search(now) is not None, "the result")
    if "of 1 right." not in done:
        screen.send("q")
    screen.wait_for("0 of 1 right.")
    assert f"answer {notes.right(question)}) {whole(LONG)}" in block(printed(screen), 1)


@pytest.mark.parametrize(("texts", "task"), [
    (["Shard", "Kinesis Data Streams", "a unit of capacity"], "1.1"),  # the context names it
    (["Online store", "SageMaker Feature Store", "low-latency lookups, backed up to S3"], "1.2"),  # before the answer
    (["Glue crawler", "Kinesis"], "1.2"),  # the term before the context
    (["Feature Store offline store on S3"], "1.2"),  # the longest keyword of one text
    (["Alpha", "Odds and ends", "first"], None),
])
def test_a_card_serves_the_task_its_term_then_context_then_answer_names(texts, task) -> None:
    from mlsflash.profiles import load

    found = load("mla-c01").domain(1).task_of(texts)
    assert (found.id if found else None) == task


@pytest.fixture
def long_notes(run, tmp_path, env) -> Cards:
    """NOTES with Shard's answer six times as long: taller than the screen at either size."""
    run("import", write_notes(tmp_path, "notes.md", NOTES.replace(LONG, " ".join([LONG] * 6))))
    return Cards(env)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_practice_feedback_taller_than_the_screen_starts_with_the_verdict_and_the_pick(
        run, long_notes, screens, size) -> None:
    seed, (question,), _ = asked_about_shard(run, long_notes, "practice", "--count", "1")
    letter, picked_card = long_notes.wrong(question)
    screen = screens(size)
    screen.start("exam", "practice", "--count", "1", "--seed", str(seed))
    screen.wait_for("answer · q quit")
    screen.send(letter)
    first = screen.wait_until(lambda now: PAGER.search(now) is not None or "any key: next" in now, "the feedback")
    seen = whole(first)
    assert seen.startswith("Wrong.") and f"picked {letter}) " in seen  # not scrolled off by the long answer
    assert f"↳ is the answer to: {long_notes.front[picked_card]}" in seen
    while "any key: next" not in screen.text():
        screen.send("Space")
        # a whole new page (its pager line is drawn last) or the end: a redraw caught half-way
        # would send the next Space to "any key: next" and end the session
        screen.wait_until(lambda now, before=first: now != before and (
            PAGER.search(now) is not None or "any key: next" in now), "the next page")
        first = screen.text()
    held = whole(" ".join(printed(screen)))
    assert f"answer {long_notes.right(question)}) {whole(' '.join([LONG] * 6))}" in held
    assert f"why {CONTEXT} › Shard notes.md:{long_notes.line[long_notes.id_of['Shard']]}" in held
