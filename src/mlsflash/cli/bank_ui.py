"""Bank items on screen: practice, drill and mock, scripted (one JSON object per line) or in a
terminal (one key a pick for multiple choice and response; ordering and matching typed, then
Enter). Every practice and drill answer is stored and scheduled as it is given; a mock is
stored when it is submitted or runs out of time, and not at all when it is left before."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import typer

from mlsflash import clock
from mlsflash.cli.exam_ui import _emit, _lines
from mlsflash.errors import MlsflashError
from mlsflash.study import bank_quiz
from mlsflash.study.bank_quiz import LETTERS, Shown

if TYPE_CHECKING:
    from rich.console import Console

    from mlsflash.collection.settings import Settings
    from mlsflash.profiles import Profile
    from mlsflash.storage import Store
    from mlsflash.study.bank import BankItem
    from mlsflash.study.exam import MockResult

PRACTICE, DRILL, MOCK = "practice", "drill", "mock"
_TYPE_WORDS = {"multiple-choice": "multiple choice", "multiple-response": "multiple response",
               "ordering": "ordering", "matching": "matching"}


@dataclass
class BankSession:
    store: Store
    profile: Profile
    settings: Settings
    shown: list[Shown]
    mode: str
    unscored: frozenset[int] = frozenset()  # mock: positions (from 0) not counted, revealed in the result
    started_at: str = field(default_factory=clock.timestamp)


def _load(ctx: typer.Context) -> tuple[Store, Profile, Settings, list[BankItem]]:
    from mlsflash.cli.core import store_of
    from mlsflash.collection import settings
    from mlsflash.storage.db import Access
    from mlsflash.study import bank_exam, exam

    store = store_of(ctx, Access.WRITE)
    with store.read() as connection:
        return store, exam.current_profile(connection), settings.load(connection), bank_exam.items(connection)


def practice_session(ctx: typer.Context, *, task: str | None, kind: str | None, count: int,
                     seed: int | None) -> BankSession:
    from mlsflash.study.bank import ItemType

    store, profile, current, items = _load(ctx)
    if not items:
        raise MlsflashError("no question bank imported",
                            hint="`mlsflash import --bundled` imports the bundled MLA-C01 bank")
    tasks = {t.id for domain in profile.domains for t in domain.tasks}
    if task is not None and not tasks:
        raise MlsflashError(f"{profile.id.upper()} has no task statements",
                            hint="`mlsflash exam set mla-c01` practises MLA-C01's (1.1 ... 4.3)")
    if task is not None and task not in tasks:
        raise MlsflashError(f"{profile.id.upper()} has no task statement {task}",
                            hint=f"its task statements are {', '.join(sorted(tasks))}")
    wanted = ItemType(kind) if kind is not None else None
    chosen = bank_quiz.select(items, task=task, kind=wanted)
    if not chosen:
        parts = (f"of type {kind}" if kind else "", f"for task {task}" if task else "")
        what = " ".join(part for part in parts if part)
        raise MlsflashError(f"no bank item {what}".strip(), hint="`mlsflash exam practice --bank` asks any item")
    rng = random.Random(seed)
    rng.shuffle(chosen)
    return BankSession(store, profile, current, _presented(chosen[:count], items, rng), PRACTICE)


def drill_session(ctx: typer.Context, *, count: int, seed: int | None) -> BankSession:
    from mlsflash.study import bank_exam

    store, profile, current, items = _load(ctx)
    with store.read() as connection:
        due = bank_exam.drill_items(connection, clock.today(current.rollover_hour), count)
    if not due:
        raise MlsflashError("no bank item is due",
                            hint="`mlsflash exam practice --bank` asks items; missed ones come back the next day")
    rng = random.Random(seed)
    return BankSession(store, profile, current, [bank_quiz.present(item, rng) for item in due], DRILL)


def mock_session(ctx: typer.Context, *, seed: int | None) -> BankSession | None:
    """A mock from the bank when it covers the profile (every domain has items), else None:
    the cards make the mock. A retired exam is never asked from the bank."""
    from mlsflash.profiles import allocate

    store, profile, current, items = _load(ctx)
    numbers = [domain.number for domain in profile.domains]
    if profile.retired or not bank_quiz.covers(items, numbers):
        return None
    rng = random.Random(seed)
    shares = allocate(profile.questions, {domain.number: domain.weight for domain in profile.domains})
    drawn = bank_quiz.mock_draw(items, shares, rng)
    shown = [bank_quiz.present(item, rng) for item in drawn]
    hidden = round(len(shown) * (profile.questions - profile.scored_questions) / profile.questions)
    return BankSession(store, profile, current, shown, MOCK, bank_quiz.unscored(len(shown), hidden, rng))


def _presented(chosen: Sequence[BankItem], items: Sequence[BankItem], rng: random.Random) -> list[Shown]:
    return [bank_quiz.present(item, rng) for item in bank_quiz.cases_together(list(chosen), items)]


# --- scripted -------------------------------------------------------------------------------


def _record(session: BankSession, shown: Shown, answer: bank_quiz.Answer, seconds: float) -> bool:
    from mlsflash.study import bank_exam

    correct = bank_quiz.is_right(shown, answer)
    with session.store.write() as connection:
        bank_exam.record(connection, bank_exam.Answered(shown.item, session.mode, correct,
                                                        bank_quiz.written(shown, answer), seconds),
                         clock.today(session.settings.rollover_hour), session.settings)
    return correct


def _feedback_json(number: int, shown: Shown, answer: bank_quiz.Answer, correct: bool) -> dict[str, object]:
    return {"n": number, "item": shown.item.id, "chosen": bank_quiz.written(shown, answer), "correct": correct,
            "right": bank_quiz.written(shown, shown.right), "explanations": bank_quiz.explanations_json(shown),
            "sources": list(shown.item.sources)}


def practice_scripted(session: BankSession) -> None:
    """Practice and drill: a question, its answer, then the right answer and every explanation."""
    from mlsflash.cli.exam_ui import next_answer

    lines = _lines()
    answered = right = 0
    for number, shown in enumerate(session.shown, 1):
        _emit(bank_quiz.item_json(number, shown))
        started = clock.seconds()
        answer = next_answer(lines, number, functools.partial(bank_quiz.parse_answer, shown=shown))
        if answer is None:
            _emit({"done": True, "answered": answered, "correct": right})
            return
        correct = _record(session, shown, answer, clock.seconds() - started)
        answered += 1
        right += correct
        _emit(_feedback_json(number, shown, answer, correct))
    _emit({"done": True, "answered": answered, "correct": right})


# --- on screen ------------------------------------------------------------------------------


def show_item(out: Console, shown: Shown, picked: Sequence[int] = ()) -> None:
    """The case study's scenario above the question, the question, then its options."""
    from rich.panel import Panel
    from rich.table import Table

    from mlsflash.cli import render

    item = shown.item
    if item.case_scenario:
        out.print(Panel(render.styled(item.case_scenario), title=render.styled((f"Case study {item.case_id}", "bold")),
                        title_align="left", padding=(0, 1)))
    title = f"Task {item.task} · {_TYPE_WORDS[item.type.value]}"
    out.print(Panel(render.styled(item.scenario), title=render.styled((title, "bold")), title_align="left",
                    padding=(0, 1)))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    if shown.prompts:
        out.print(render.styled(("Items:", "bold")))
        for number, prompt in enumerate(shown.prompts, 1):
            grid.add_row(render.styled(f"  {number}."), render.styled(prompt))
        out.print(grid)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        out.print(render.styled(("Matches:", "bold")))
    elif item.type.value == "ordering":
        out.print(render.styled(("Steps (shuffled):", "bold")))
    for index, option in enumerate(shown.options):
        mark = "●" if index in picked else " "
        grid.add_row(render.styled((f"{mark} {LETTERS[index]})", "bold" if index in picked else "")),
                     render.styled(option))
    out.print(grid)


def show_feedback(out: Console, shown: Shown, answer: bank_quiz.Answer, correct: bool) -> None:
    """Right or wrong, the right answer, then every option's explanation."""
    from rich.padding import Padding
    from rich.table import Table

    from mlsflash.cli import render

    out.print(render.styled(("Right." if correct else "Wrong.", "bold green" if correct else "bold red"),
                            f"  you: {bank_quiz.written(shown, answer) or '-'}   answer: ",
                            (bank_quiz.written(shown, shown.right), "bold")))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for line in bank_quiz.explanations(shown):
        if line.position is not None:
            label, text = f"{line.position}. {line.letter})", line.text
        elif line.match is not None:
            label, text = f"{line.letter})", f"{line.text} → {line.match}"
        else:
            label, text = f"{'✓' if line.right else '✗'} {line.letter})", line.text
        grid.add_row(render.styled((label, "bold")), render.styled(text, "\n", ("why: ", "dim"), line.why))
    out.print(Padding(grid, (0, 0, 0, 2)))
    out.print(render.styled((f"source: {' ; '.join(shown.item.sources)}", "dim")))


def _hint(shown: Shown) -> str:
    if shown.typed_line:
        return f"type {shown.how()}, then Enter · q quit"
    last = LETTERS[len(shown.options) - 1]
    count = shown.item.choose if shown.type.value == "multiple-response" else 1
    return f"{'' if count == 1 else f'{count} of '}a-{last} answer · q quit"


def _key() -> str:
    try:
        return typer.getchar()
    except (EOFError, KeyboardInterrupt):
        return "q"


def _read_line(console: Console) -> str | None:
    try:
        return console.input("answer: ")
    except (EOFError, KeyboardInterrupt):
        return None


def ask_terminal(console: Console, shown: Shown, *, empty_skips: bool = False) -> bank_quiz.Answer | str:
    """The learner's answer, or a command: `q` (quit), `s` (submit) or `` (skipped, mock only)."""
    if shown.typed_line:
        while True:
            line = _read_line(console)
            if line is None:
                return "q"
            command = line.strip().lower()
            if command in ("q", "s") or (empty_skips and not command):
                return command
            try:
                return bank_quiz.parse_answer(line, shown)
            except ValueError as error:
                console.print(str(error), style="yellow", markup=False)
    wanted = shown.item.choose if shown.type.value == "multiple-response" else 1
    picked: list[int] = []
    pending: list[str] = []
    while len(picked) < wanted:
        if not pending:
            read = _key().lower()
            # Keys typed quickly arrive in one read; an escape sequence is one key.
            pending = list(read) if read.isalpha() else [read]
        key = pending.pop(0)
        if key in ("q", "\x03", "\x04", "\x1b"):
            return "q"
        if key == "s" or (empty_skips and key in ("\r", "\n", "n")):
            return "s" if key == "s" else ""
        index = LETTERS.find(key) if len(key) == 1 else -1
        if not 0 <= index < len(shown.options):
            continue
        if index in picked:
            picked.remove(index)
        else:
            picked.append(index)
        if len(picked) < wanted:
            console.print(f"picked {''.join(LETTERS[i] for i in sorted(picked)) or 'nothing'}: "
                          f"{wanted - len(picked)} more", style="dim")
    return tuple(sorted(picked))


def practice_terminal(session: BankSession) -> None:
    from mlsflash.cli import render

    console = render.console()
    results: list[tuple[BankItem, bool]] = []
    total = len(session.shown)
    for number, shown in enumerate(session.shown, 1):
        console.clear()
        console.print(render.styled((f"{session.mode.capitalize()} {number}/{total}", "bold"), "   ",
                                    (f"{session.profile.id.upper()} · task {shown.item.task}", "dim")))
        show_item(console, shown)
        console.print(_hint(shown), style="dim", markup=False)
        started = clock.seconds()
        answer = ask_terminal(console, shown)
        if isinstance(answer, str):
            break
        correct = _record(session, shown, answer, clock.seconds() - started)
        results.append((shown.item, correct))
        show_feedback(console, shown, answer, correct)
        if number < total:
            console.print("any key: next · q quit", style="dim")
            if _key().lower() == "q":
                break
    _tally(console, results)


def _tally(console: Console, results: Sequence[tuple[BankItem, bool]]) -> None:
    from mlsflash.study import bank_exam

    right = sum(correct for _, correct in results)
    console.print(f"\n{right} of {len(results)} right.", markup=False)
    for task, (done, asked) in bank_exam.by_task(results).items():
        console.print(f"  task {task}: {done}/{asked}", markup=False)


# --- mock -----------------------------------------------------------------------------------


@dataclass
class MockAnswers:
    answers: list[bank_quiz.Answer]
    seconds: list[float]


def _finish(session: BankSession, state: MockAnswers, timed_out: bool) -> MockResult:
    """The result over the scored items; every answer (unscored too) logged and scheduled."""
    from mlsflash.study import bank_exam, exam, exam_date
    from mlsflash.study.prediction import Prediction, from_mock

    scored = [index for index in range(len(session.shown)) if index not in session.unscored]
    by_domain: dict[int, tuple[int, int]] = {domain.number: (0, 0) for domain in session.profile.domains}
    correct = 0
    for index in scored:
        shown = session.shown[index]
        right = bank_quiz.is_right(shown, state.answers[index])
        correct += right
        done, asked = by_domain.get(shown.item.domain, (0, 0))
        by_domain[shown.item.domain] = (done + right, asked + 1)
    luck = sum(bank_quiz.chance(session.shown[i]) for i in scored) / len(scored) if scored else 0.0
    today = clock.today(session.settings.rollover_hour)
    with session.store.read() as connection:
        readiness, unseen = exam_date.known_today(connection, today, session.settings)
    prediction = Prediction(readiness, from_mock(correct, len(scored), luck), unseen,
                            session.profile.passing_score)
    result = exam.MockResult(session.profile, len(scored), sum(1 for i in scored if state.answers[i]), correct,
                             timed_out, by_domain, prediction)
    with session.store.write() as connection:
        mock_id = exam.insert_mock(connection, result, session.started_at)
        for index, (shown, answer, spent) in enumerate(zip(session.shown, state.answers, state.seconds,
                                                           strict=True)):
            bank_exam.record(connection, bank_exam.Answered(shown.item, MOCK, bank_quiz.is_right(shown, answer),
                                                            bank_quiz.written(shown, answer), spent),
                             today, session.settings, mock_id, scored=index not in session.unscored)
    return result


def _result_json(session: BankSession, result: MockResult, state: MockAnswers) -> dict[str, object]:
    from mlsflash.cli.exam_ui import _verdict_json
    from mlsflash.study import bank_exam

    rows = []
    for number, (shown, answer) in enumerate(zip(session.shown, state.answers, strict=True), 1):
        rows.append({"n": number, "item": shown.item.id, "type": shown.type.value, "task": shown.item.task,
                     "scored": number - 1 not in session.unscored, "chosen": bank_quiz.written(shown, answer),
                     "right": bank_quiz.written(shown, shown.right), "correct": bank_quiz.is_right(shown, answer)})
    scored = [(shown.item, bank_quiz.is_right(shown, answer))
              for index, (shown, answer) in enumerate(zip(session.shown, state.answers, strict=True))
              if index not in session.unscored]
    return {
        "result": True, "bank": True, "profile": result.profile.id, "questions": len(session.shown),
        "scored": result.questions, "answered": result.answered, "abandoned": False, "correct": result.correct,
        "share": round(result.share, 4), "score": result.score, "passing_score": result.profile.passing_score,
        "passed": result.passed, "timed_out": result.timed_out,
        "unscored": sorted(index + 1 for index in session.unscored),
        "domains": {str(domain): {"correct": done, "questions": asked}
                    for domain, (done, asked) in result.by_domain.items()},
        "tasks": {task: {"correct": done, "questions": asked}
                  for task, (done, asked) in bank_exam.by_task(scored).items()},
        **_verdict_json(result),
        "answers": rows,
    }


def mock_scripted(session: BankSession) -> None:
    """As the card mock: answered to the end, submitted (`s`) or out of time, the mock is kept;
    `q` or the end of input abandons it. Which items are unscored shows only in the result."""
    state = MockAnswers([() for _ in session.shown], [0.0] * len(session.shown))
    deadline = clock.seconds() + session.profile.minutes * 60
    lines = _lines()
    timed_out = False
    for number, shown in enumerate(session.shown, 1):
        if clock.seconds() >= deadline:
            timed_out = True
            break
        _emit(bank_quiz.item_json(number, shown))
        started = clock.seconds()
        while True:
            line = next(lines, None)
            command = "q" if line is None else line.strip().lower()
            if command in ("q", "s", ""):
                break
            try:
                state.answers[number - 1] = bank_quiz.parse_answer(line or "", shown)
                break
            except ValueError as error:
                _emit({"n": number, "error": str(error)})
        state.seconds[number - 1] = clock.seconds() - started
        if clock.seconds() > deadline:  # answered after the bell: does not count
            state.answers[number - 1] = ()
            timed_out = True
            break
        if command == "q":
            _emit({"result": True, "abandoned": True, "profile": session.profile.id,
                   "questions": len(session.shown), "answered": sum(1 for answer in state.answers if answer)})
            return
        if command == "s":
            break
        _emit({"n": number, "chosen": bank_quiz.written(shown, state.answers[number - 1])})
    result = _finish(session, state, timed_out)
    _emit(_result_json(session, result, state))


def mock_terminal(session: BankSession) -> None:
    from mlsflash.cli import render
    from mlsflash.cli.exam_ui import show_paged

    console = render.console()
    state = MockAnswers([() for _ in session.shown], [0.0] * len(session.shown))
    deadline = clock.seconds() + session.profile.minutes * 60
    total = len(session.shown)
    timed_out = False
    for number, shown in enumerate(session.shown, 1):
        left = max(0, int(deadline - clock.seconds()))
        if left <= 0:
            timed_out = True
            break
        console.clear()
        console.print(render.styled(
            (f"{session.profile.id.upper()} mock · question {number}/{total}", "bold"), "   ",
            (f"{left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d} left", "bold yellow"), "   ",
            (f"answered {sum(1 for answer in state.answers if answer)}", "dim")))
        show_item(console, shown)
        how = _hint(shown).replace(" · q quit", "")
        console.print(f"{how} · Enter skip · s submit · q leave (nothing kept)", style="dim", markup=False)
        started = clock.seconds()
        answer = ask_terminal(console, shown, empty_skips=True)
        state.seconds[number - 1] = clock.seconds() - started
        if answer == "q":
            console.print("Mock left: nothing recorded.")
            return
        if answer == "s":
            break
        if clock.seconds() > deadline:
            timed_out = True
            break
        if not isinstance(answer, str):
            state.answers[number - 1] = answer
    result = _finish(session, state, timed_out)
    show_paged(console, lambda out: mock_result(out, session, result, state))


def mock_result(out: Console, session: BankSession, result: MockResult, state: MockAnswers) -> None:
    """Every item with its mark, scored or not, then per task statement, then the verdict."""
    from mlsflash.cli import render
    from mlsflash.study import bank_exam

    scored: list[tuple[BankItem, bool]] = []
    for number, (shown, answer) in enumerate(zip(session.shown, state.answers, strict=True), 1):
        correct = bank_quiz.is_right(shown, answer)
        counted = number - 1 not in session.unscored
        if counted:
            scored.append((shown.item, correct))
        mark, style = ("✓ right", "green") if correct else ("✗ wrong", "red") if answer else ("○ unanswered", "yellow")
        out.print(render.styled((f"{number}. ", "bold"), (mark, style),
                                f"  task {shown.item.task} · {_TYPE_WORDS[shown.type.value]}",
                                ("" if counted else " · unscored", "dim"),
                                f"  you: {bank_quiz.written(shown, answer) or '-'}"
                                f"  answer: {bank_quiz.written(shown, shown.right)}"))
    out.print()
    out.print(render.styled(("Unscored (not counted, as on the exam): ", "bold"),
                            ", ".join(str(index + 1) for index in sorted(session.unscored)) or "none"))
    out.print(render.styled(("Per task statement (scored items):", "bold")))
    for task, (done, asked) in bank_exam.by_task(scored).items():
        out.print(render.styled(f"  {task}: {done}/{asked} {100 * done // asked}%"))
    out.print("Scores are estimates (see docs/exam.md): AWS does not publish how it scales scores.", style="dim")
    prediction = result.prediction
    out.print(render.styled(
        (f"{result.profile.id.upper()} mock: ", "bold"), f"{result.correct} of {result.questions} scored right "
        f"({100 * result.share:.0f}%), mock score {result.score}",
        (" · time ran out" if result.timed_out else "", "yellow")))
    out.print(render.styled(f"Predicted score today {prediction.low}–{prediction.high} "
                            f"(pass line {result.profile.passing_score})."))
    missing = prediction.missing()
    if missing is None:
        out.print(render.styled(("PASS", "bold green")))
    else:
        out.print(render.styled(("NOT YET", "bold red"), f": {missing}"))
