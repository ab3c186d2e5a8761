"""Practice questions and mock exams on screen: scripted (one JSON object per line) or in a
terminal (one key per answer; a mock with its countdown, flags, moving back and forth and a
review screen). Every practice answer is stored as it is given; a mock is stored whole when
it is submitted or runs out of time, and not at all when it is left before."""

from __future__ import annotations

import functools
import json
import random
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, TypeVar

import typer

from mlsflash import clock
from mlsflash.errors import MlsflashError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from mlsflash.cli.keys import KeyReader
    from mlsflash.profiles import Profile
    from mlsflash.storage import Store
    from mlsflash.study.exam import MockResult
    from mlsflash.study.feedback import Feedback
    from mlsflash.study.questions import Question, QuestionCard

LETTERS = "abcde"


@dataclass
class Session:
    store: Store
    profile: Profile
    questions: list[Question]
    cards: dict[str, QuestionCard]  # card id -> card: the whole answer, and what a picked option answers
    sources: dict[str, str]  # card id -> file:line
    started_at: str = field(default_factory=clock.timestamp)


def _load(ctx: typer.Context) -> tuple[Store, Profile, list, dict[str, QuestionCard], dict[str, str]]:
    from mlsflash.cli.core import store_of
    from mlsflash.storage.db import Access
    from mlsflash.study import exam

    store = store_of(ctx, Access.WRITE)
    with store.read() as connection:
        profile = exam.current_profile(connection)
        domains = exam.card_domains(connection, profile)
        pool = exam.question_cards(connection, domains)
        sources = {card_id: f"{_shown_path(file)}:{line}" for card_id, (file, line) in exam.sources(connection).items()}
    if len(pool) < 4:
        raise MlsflashError(
            f"{len(pool)} active cards: too few to make a question with four options",
            hint="import some notes (`mlsflash import notes.md`) or the bundled decks (`mlsflash import --bundled`)",
        )
    return store, profile, pool, {card.id: card for card in pool}, sources


def _shown_path(source: str) -> str:
    """A notes file as the learner would type it: relative to the current folder if inside it."""
    import os

    if source.startswith("<"):
        return source
    relative = os.path.relpath(source)
    return source if relative.startswith("..") else relative


def practice_session(
    ctx: typer.Context, *, domain: int | None, deck: str | None, count: int, seed: int | None, confusions: bool
) -> Session:
    from mlsflash.model import deck_key
    from mlsflash.study import exam

    store, profile, pool, cards, sources = _load(ctx)
    if domain is not None:
        profile.domain(domain)
    wanted = deck_key(deck) if deck is not None else None
    asked = [card for card in pool
             if (domain is None or card.domain == domain) and (wanted is None or deck_key(card.deck) == wanted)]
    pairs: dict[str, list[str]] | None = None
    if confusions:
        with store.read() as connection:
            pairs = exam.confusion_map(connection)
        asked = [card for card in asked if card.id in pairs]
        if not asked:
            raise MlsflashError("no confusions recorded yet",
                                hint="answer some practice questions; each wrong pick is remembered")
    questions = exam.draw(pool, asked, count, random.Random(seed), pairs)
    if not questions:
        what = " ".join(
            part for part in (f"domain {domain}" if domain else "", f"deck {deck!r}" if deck else "") if part
        )
        raise MlsflashError(f"no question can be made from {what or 'these cards'}",
                            hint="`mlsflash exam domains` shows how many cards each domain has")
    return Session(store, profile, questions, cards, sources)


def mock_session(ctx: typer.Context, *, seed: int | None) -> Session:
    from mlsflash.study import exam

    store, profile, pool, cards, sources = _load(ctx)
    questions = exam.mock_questions(pool, profile, random.Random(seed))
    if not questions:
        raise MlsflashError(
            f"none of your cards has a domain of {profile.id.upper()}",
            hint="`mlsflash exam domains` lists the topics without one; `mlsflash exam map` assigns them",
        )
    return Session(store, profile, questions, cards, sources)


def explained(session: Session, number: int, question: Question, chosen: Iterable[int]) -> Feedback:
    from mlsflash.study import feedback

    return feedback.explain(number, question, list(chosen), session.cards, session.sources, session.profile)


# --- answers --------------------------------------------------------------------------------


def parse_answer(text: str, question: Question) -> list[int]:
    """`b`, `2`, `ac`, `1 3`: the picked option indexes, exactly `question.choose` different
    ones, or an error saying why the text is not that and what is expected."""
    from mlsflash.cli import render

    given = "".join(text.lower().replace(",", " ").split())
    if len(given) != question.choose:
        what = "one letter" if question.choose == 1 else f"{question.choose} letters"
        raise ValueError(f"{render.typed(text)} is not {what}: {_expected(question)}")
    picked: list[int] = []
    for character in given:
        if character in LETTERS[: len(question.options)]:
            index = LETTERS.index(character)
        elif character in "12345"[: len(question.options)]:
            index = int(character) - 1
        else:
            raise ValueError(f"{render.typed(text)} is not an option: {_expected(question)}")
        if index in picked:
            raise ValueError(f"{render.typed(text)} names one option twice: {_expected(question)}")
        picked.append(index)
    return sorted(picked)


def _expected(question: Question) -> str:
    last = LETTERS[len(question.options) - 1]
    if question.choose == 2:
        return f"choose two different letters from a to {last}, like ac, or q to stop"
    return f"one letter from a to {last} (or 1 to {len(question.options)}), or q to stop"


def letters(indexes: Iterable[int]) -> str:
    return "".join(LETTERS[index] for index in sorted(indexes))


def question_json(number: int, question: Question) -> dict[str, object]:
    return {
        "n": number, "card": question.card_id, "shape": question.shape.value, "domain": question.domain,
        "context": list(question.context), "stem": question.stem,
        "options": [option.text for option in question.options], "choose": question.choose,
    }


def _lines() -> Iterator[str]:
    for line in sys.stdin:
        yield line


def _emit(value: dict[str, object]) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


Answer = TypeVar("Answer")


def next_answer(lines: Iterator[str], number: int, parse: Callable[[str], Answer]) -> Answer | None:
    """The next input line read by `parse` as the answer to question `number`, each refused
    line answered with its reason; None for `q` or the end of input."""
    while True:
        line = next(lines, None)
        if line is None or line.strip().lower() == "q":
            return None
        try:
            return parse(line)
        except ValueError as error:
            _emit({"n": number, "error": str(error)})


def _record(session: Session, question: Question, chosen: list[int], seconds: float) -> bool:
    from mlsflash.study import exam

    with session.store.write() as connection:
        return exam.record_answer(connection, session.profile, exam.Mode.PRACTICE, question, chosen, seconds)


# --- practice -------------------------------------------------------------------------------


def practice_scripted(session: Session) -> None:
    lines = _lines()
    answered = right = 0
    for number, question in enumerate(session.questions, 1):
        _emit(question_json(number, question))
        started = clock.seconds()
        chosen = next_answer(lines, number, functools.partial(parse_answer, question=question))
        if chosen is None:
            _emit({"done": True, "answered": answered, "correct": right})
            return
        correct = _record(session, question, chosen, clock.seconds() - started)
        answered += 1
        right += correct
        _emit({"n": number, "chosen": letters(chosen), "correct": correct, "right": letters(question.right),
               **_feedback_json(explained(session, number, question, chosen))})
    _emit({"done": True, "answered": answered, "correct": right})


def _feedback_json(feedback: Feedback) -> dict[str, object]:
    """The right answer whole, why (the card asked about), and the cards the wrong picks belong to."""
    card = feedback.card
    return {
        "answer": [shown.whole for shown in feedback.answer],
        "why": {
            "context": list(card.context) if card else [], "front": card.front if card else None,
            "back": card.back if card else None, "source": feedback.source,
            "task": feedback.task.id if feedback.task else None,
        },
        "wrong_picks": [
            {"letter": shown.letter, "card": shown.card.id if shown.card else None,
             "front": shown.card.front if shown.card else None, "source": shown.source}
            for shown in feedback.wrong_picks
        ],
    }


def _key() -> str:
    try:
        return typer.getchar()
    except EOFError:
        return "q"


def practice_terminal(session: Session) -> None:
    """Questions with feedback at once; however the session ends (q, Ctrl-D, Ctrl-C) its
    answers are shown again. Ctrl-C then exits 130, as review does after its summary."""
    try:
        _practice(session)
    except _Interrupted:
        raise typer.Exit(130) from None


class _Interrupted(Exception):
    """Ctrl-C during practice: the session's answers have been shown."""


def _practice(session: Session) -> None:
    from mlsflash.cli import exam_screens, render

    console = render.console()
    right = 0
    total = len(session.questions)
    feedbacks: list[Feedback] = []
    for number, question in enumerate(session.questions, 1):
        def asked(out: Console, number: int = number, question: Question = question) -> None:
            out.print(render.styled((f"Practice {number}/{total}", "bold"), "   ",
                                    (f"{session.profile.id.upper()} · domain {question.domain or '-'}", "dim")))
            exam_screens.exam_question(out, question, picked=())
            out.print(_keys_hint(question), style="dim")

        console.clear()
        asked(console)
        started = clock.seconds()
        picked: list[int] = []
        while len(picked) < question.choose:
            key = _interruptible_key().lower()
            if key in ("q", "\x03", "\x04", "\x1b"):
                _practice_result(console, session, feedbacks, right)
                if key == "\x03":
                    raise _Interrupted
                return
            index = LETTERS.index(key) if key in LETTERS[: len(question.options)] else (
                int(key) - 1 if key.isdigit() and 1 <= int(key) <= len(question.options) else None)
            if index is None or index in picked:
                continue
            picked.append(index)
            if len(picked) < question.choose:
                console.print(f"picked {LETTERS[index]}: one more", style="dim")
        correct = _record(session, question, picked, clock.seconds() - started)
        right += correct
        feedbacks.append(explained(session, number, question, picked))
        _show_feedback(console, asked, feedbacks[-1])
        console.print("any key: next · q quit", style="dim")
        key = _interruptible_key().lower()
        if key == "\x03":
            _practice_result(console, session, feedbacks, right)
            raise _Interrupted
        if key == "q":
            break
    _practice_result(console, session, feedbacks, right)


def _interruptible_key() -> str:
    """A key; Ctrl-C as `\\x03` (the terminal's raw mode would raise it before the caller saw it)."""
    try:
        return _key()
    except KeyboardInterrupt:
        return "\x03"


def _show_feedback(console: Console, asked: Callable[[Console], None], feedback: Feedback) -> None:
    """Under the question when both fit the screen; else on its own, paged from `Right.` or
    `Wrong.`: a long right answer must not push the verdict and the pick off the screen."""
    from mlsflash.cli import exam_screens

    def told(out: Console) -> None:
        exam_screens.exam_feedback(out, feedback)

    if len(_rendered(console, asked)) + len(_rendered(console, told)) < console.size.height:
        told(console)
    else:
        show_paged(console, told)


def _practice_result(console: Console, session: Session, feedbacks: list[Feedback], right: int) -> None:
    """The session's questions again, each with its pick, right answer and why, then the count."""
    from mlsflash.cli import exam_screens, render

    if feedbacks:
        def draw(out: Console) -> None:
            out.print(render.styled(("Practice: your answers", "bold")))
            out.print()
            exam_screens.exam_answers(out, feedbacks)
            exam_screens.exam_tally(out, feedbacks, session.profile, every_domain=False)

        show_paged(console, draw)
    console.print(f"\n{right} of {len(feedbacks)} right.")


def _keys_hint(question: Question) -> str:
    last = LETTERS[len(question.options) - 1]
    return f"{'two of ' if question.choose == 2 else ''}a-{last} answer · q quit"


# --- mock exams -----------------------------------------------------------------------------


@dataclass
class MockState:
    questions: list[Question]
    answers: list[list[int]]
    flagged: set[int]
    seconds: list[float]
    current: int = 0


def _finish(session: Session, state: MockState, timed_out: bool) -> tuple[MockResult, int]:
    from mlsflash.collection import settings
    from mlsflash.study import exam, exam_date

    with session.store.read() as connection:
        current = settings.load(connection)
        readiness, unseen = exam_date.known_today(connection, clock.today(current.rollover_hour), current)
    result = exam.mock_result(session.profile, state.questions, state.answers, timed_out, readiness, unseen)
    mock_id = exam.save_mock(session.store, result, state.questions, state.answers, state.seconds, session.started_at)
    return result, mock_id


def _result_json(session: Session, result: MockResult, state: MockState) -> dict[str, object]:
    wrong = [
        {"n": number, "card": question.card_id, "source": session.sources.get(question.card_id, ""),
         "chosen": letters(chosen), "right": letters(question.right)}
        for number, (question, chosen) in enumerate(zip(state.questions, state.answers, strict=True), 1)
        if set(chosen) != set(question.right)
    ]
    return {
        "result": True, "profile": result.profile.id, "questions": result.questions, "answered": result.answered,
        "abandoned": False, "correct": result.correct, "share": round(result.share, 4), "score": result.score,
        "passing_score": result.profile.passing_score, "passed": result.passed, "timed_out": result.timed_out,
        "domains": {str(domain): {"correct": done, "questions": asked}
                    for domain, (done, asked) in result.by_domain.items()},
        "wrong": wrong,
        **_verdict_json(result),
        "answers": [
            {"n": number, "chosen": letters(chosen), "right": letters(question.right),
             "correct": set(chosen) == set(question.right)}
            for number, (question, chosen) in enumerate(zip(state.questions, state.answers, strict=True), 1)
        ],
    }


def _verdict_json(result: MockResult) -> dict[str, object]:
    prediction = result.prediction
    return {
        "readiness": prediction.readiness,
        "unseen": prediction.unseen,
        "predicted": {"low": prediction.low, "high": prediction.high},
        "estimates": {"memory": list(prediction.memory.scores()), "mock": list(prediction.mock.scores())},
        "missing": prediction.missing(),
    }


def mock_scripted(session: Session) -> None:
    """Answered to the end, submitted (`s`) or out of time, the mock is kept; `q` or the end
    of input abandons it, as leaving the terminal mock unsubmitted does: nothing is recorded."""
    state = MockState(session.questions, [[] for _ in session.questions], set(), [0.0] * len(session.questions))
    deadline = clock.seconds() + session.profile.minutes * 60
    lines = _lines()
    timed_out = False
    for number, question in enumerate(session.questions, 1):
        if clock.seconds() >= deadline:
            timed_out = True
            break
        _emit(question_json(number, question))
        started = clock.seconds()
        command = None
        while True:
            line = next(lines, None)
            command = "q" if line is None else line.strip().lower()
            if command in ("q", "s"):
                break
            try:
                state.answers[number - 1] = parse_answer(line or "", question)
                break
            except ValueError as error:
                _emit({"n": number, "error": str(error)})
        state.seconds[number - 1] = clock.seconds() - started
        if clock.seconds() > deadline:  # answered after the bell: does not count
            state.answers[number - 1] = []
            timed_out = True
            break
        if command == "q":
            _emit(_abandoned_json(session, state))
            return
        if command == "s":
            break
        _emit({"n": number, "chosen": letters(state.answers[number - 1])})
    result, _ = _finish(session, state, timed_out)
    _emit(_result_json(session, result, state))


def _abandoned_json(session: Session, state: MockState) -> dict[str, object]:
    return {"result": True, "abandoned": True, "profile": session.profile.id, "questions": len(state.questions),
            "answered": sum(1 for chosen in state.answers if chosen)}


def mock_terminal(session: Session) -> None:
    from mlsflash.cli import exam_screens, render
    from mlsflash.cli.keys import KeyReader

    console = render.console()
    state = MockState(session.questions, [[] for _ in session.questions], set(), [0.0] * len(session.questions))
    deadline = clock.seconds() + session.profile.minutes * 60
    total = len(state.questions)
    reviewing = False
    shown_at = clock.seconds()
    message = ""

    def draw() -> None:
        left = max(0, int(deadline - clock.seconds()))
        console.clear()
        console.print(_mock_header(session.profile.id.upper(), state, left, console.size.width))
        if reviewing:
            exam_screens.mock_review(console, state.answers, state.flagged)
            console.print("type a question number and Enter to go there · Esc back · s submit", style="dim")
        else:
            question = state.questions[state.current]
            if state.current in state.flagged:
                console.print("⚑ flagged", style="yellow")
            exam_screens.exam_question(console, question, picked=state.answers[state.current])
            last = LETTERS[len(question.options) - 1]
            console.print(f"{'two of ' if question.choose == 2 else ''}a-{last} answer · n/→ next · p/← back · "
                          "f flag · r review · s submit", style="dim")
        if message:
            console.print(message, style="dim")

    def spend() -> None:
        nonlocal shown_at
        now = clock.seconds()
        state.seconds[state.current] += now - shown_at
        shown_at = now

    timed_out = False
    typed = ""
    with KeyReader() as keys:
        draw()
        last_tick = int(clock.seconds())
        while True:
            if clock.seconds() >= deadline:
                timed_out = True
                break
            key = keys.read(timeout=0.25)
            if key is None:
                if int(clock.seconds()) != last_tick:
                    last_tick = int(clock.seconds())
                    draw()
                continue
            message = ""
            question = state.questions[state.current]
            if key in ("\x03", "\x04"):
                message = "s submits the exam; answers so far are kept only when you submit"
            elif reviewing:
                if key.isdigit():
                    typed += key
                    message = f"go to {typed}"
                elif key in ("\r", "\n") and typed:
                    number = int(typed)
                    typed = ""
                    if 1 <= number <= total:
                        spend()
                        state.current, reviewing = number - 1, False
                elif key in ("escape", "r"):
                    reviewing, typed = False, ""
                elif key == "s":
                    if _confirm(keys, console, state):
                        break
            elif key.lower() in LETTERS[: len(question.options)] or (
                key.isdigit() and 1 <= int(key) <= len(question.options)
            ):
                index = LETTERS.index(key.lower()) if key.isalpha() else int(key) - 1
                _toggle(state.answers[state.current], index, question.choose)
            elif key in ("n", "right", " "):
                spend()
                state.current = min(total - 1, state.current + 1)
            elif key in ("p", "left"):
                spend()
                state.current = max(0, state.current - 1)
            elif key == "f":
                state.flagged ^= {state.current}
            elif key == "r":
                reviewing = True
            elif key == "s":
                if _confirm(keys, console, state):
                    break
            draw()
    spend()
    result, _ = _finish(session, state, timed_out)
    feedbacks = [explained(session, number, question, chosen)
                 for number, (question, chosen) in enumerate(zip(state.questions, state.answers, strict=True), 1)]
    show_paged(console, lambda out: exam_screens.mock_result(out, result, feedbacks))


def _mock_header(exam: str, state: MockState, left: int, width: int) -> Text:
    """The question, the time left, and as much of the counts as fit one line: a header that
    wraps at 40 columns pushes a tall question's own first line off the screen."""
    from mlsflash.cli import render

    where = f"question {state.current + 1}/{len(state.questions)}"
    clock_left = (f"{left // 3600}:{left % 3600 // 60:02d}:{left % 60:02d} left", "bold yellow")
    answered, flagged = f"answered {sum(1 for a in state.answers if a)}", f"flagged {len(state.flagged)}"
    forms = [
        ((f"{exam} mock · {where}", "bold"), "   ", clock_left, "   ", (f"{answered} · {flagged}", "dim")),
        ((where, "bold"), " · ", clock_left, " · ", (f"{answered} · {flagged}", "dim")),
        ((where, "bold"), " · ", clock_left, " · ", (answered, "dim")),
        ((where, "bold"), " · ", clock_left),
    ]
    headers = [render.styled(*form) for form in forms]
    return next((header for header in headers if header.cell_len <= width), headers[-1])


def _toggle(chosen: list[int], index: int, choose: int) -> None:
    """A single-answer question takes the new pick; choose-two keeps the last two picked."""
    if index in chosen:
        chosen.remove(index)
    elif choose == 1:
        chosen[:] = [index]
    else:
        chosen.append(index)
        del chosen[:-choose]
    chosen.sort()


def _confirm(keys: KeyReader, console: Console, state: MockState) -> bool:
    unanswered = sum(1 for answer in state.answers if not answer)
    console.print(f"Submit with {unanswered} unanswered and {len(state.flagged)} flagged? y/n", style="bold")
    while True:
        key = keys.read(timeout=None)
        if key in ("y", "Y"):
            return True
        if key is not None:
            return False


# --- a result taller than the screen --------------------------------------------------------

PAGER_HINT = "Space/PgDn/↓ more · PgUp/↑ back · q done"
NARROW_PAGER_HINT = "Space/↓ more · ↑ back · q done"
NARROW = 70  # as the review screen: below this many columns the hint takes its short form
_STEPS = {"down": 1, "j": 1, "up": -1, "k": -1}
_PAGES = {" ": 1, "pagedown": 1, "f": 1, "pageup": -1, "b": -1}


def show_paged(console: Console, draw: Callable[[Console], None]) -> None:
    """What `draw` prints: at once when it fits the screen, else a page at a time (the keys of
    the review screen's long answers), then all of it, so that the terminal's scrollback holds
    it and its end (the verdict) stays on screen."""
    width, lines = console.size.width, _rendered(console, draw)
    if len(lines) > console.size.height - 1 and sys.stdin.isatty():
        _page(console, draw, lines)
    if console.size.width != width:
        lines = _rendered(console, draw)
    console.clear()
    for line in lines:
        console.print(line, no_wrap=True, overflow="ignore")


def _rendered(console: Console, draw: Callable[[Console], None]) -> list[Text]:
    """What `draw` prints, as lines of the console's width."""
    from rich.text import Text

    with console.capture() as captured:
        draw(console)
    return [Text.from_ansi(line) for line in captured.get().splitlines()]


def _page(console: Console, draw: Callable[[Console], None], lines: list[Text]) -> None:
    """Until the learner is done: `q`, Esc, Ctrl-C or Ctrl-D, or Space on the last page."""
    from mlsflash.cli import render
    from mlsflash.cli.keys import KeyReader

    top, drawn_at = 0, console.size.width
    with KeyReader() as keys:
        while True:
            width, rows = console.size
            if width != drawn_at:  # the terminal was resized: wrap again
                lines, drawn_at = _rendered(console, draw), width
            hint = NARROW_PAGER_HINT if width < NARROW else PAGER_HINT
            room = max(1, rows - 1 - _height(console, f"lines 1-{len(lines)} of {len(lines)} · {hint}"))
            top = max(0, min(top, len(lines) - room))
            last = min(len(lines), top + room)
            console.clear()
            for line in lines[top:last]:
                console.print(line, no_wrap=True, overflow="ignore")
            console.print(render.styled((f"lines {top + 1}-{last} of {len(lines)} · {hint}", "dim")))
            try:
                key = keys.read(timeout=None)
            except KeyboardInterrupt:  # the mock is kept already: Ctrl-C only leaves the pages
                return
            if key in ("q", "Q", "escape", "\x04") or key in (" ", "\r", "\n") and last == len(lines):
                return
            if key in _STEPS:
                top += _STEPS[key]
            elif key in _PAGES:
                top += _PAGES[key] * max(1, room - 1)  # a page on keeps one line of context


def _height(console: Console, text: str) -> int:
    from rich.text import Text

    return len(Text(text).wrap(console, console.size.width))
