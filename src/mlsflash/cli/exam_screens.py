"""The exam's screens: profiles, domains, status and workload, coverage, a question, its
feedback, the answers and tally, and the mock's review, result and history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from mlsflash.cli.render import flow, percent, styled
from mlsflash.model import CONTEXT_SEPARATOR

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


_LETTERS = "abcde"


def exam_profiles(out: Console, profiles: Sequence[Any], in_use: str) -> None:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("", "exam", "name", "questions", "minutes", "pass", "status"):
        table.add_column(column)
    for profile in profiles:
        status = f"retired {profile.retired_on.isoformat()}" if profile.retired_on else "current"
        table.add_row("*" if profile.id == in_use else "", profile.id.upper(), profile.name, str(profile.questions),
                      str(profile.minutes), f"{profile.passing_score}/1000", status)
    out.print(table)
    for profile in profiles:
        weights = " · ".join(f"{domain.number} {domain.name} {domain.weight}%" for domain in profile.domains)
        out.print(styled((f"{profile.id.upper()}: ", "bold"), weights), soft_wrap=True)


def exam_domains(out: Console, domains: Any, bundled: dict[str, tuple[int, int]] | None = None) -> None:
    from rich.table import Table

    profile = domains.profile
    counts = {domain.number: 0 for domain in profile.domains}
    for number in domains.of_card.values():
        if number is not None:
            counts[number] += 1
    total = sum(counts.values())
    table = Table(title=f"{profile.id.upper()} domains", title_justify="left", box=None, pad_edge=False,
                  header_style="bold")
    for column, justify in (("domain", "left"), ("weight", "right"), ("cards", "right"), ("share", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for domain in profile.domains:
        share = f"{100 * counts[domain.number] / total:.0f}%" if total else "-"
        table.add_row(styled(f"{domain.number} {domain.name}"), f"{domain.weight}%", str(counts[domain.number]), share)
    out.print(table)
    if domains.outside:
        out.print(f"{len(domains.outside)} cards their notes keep out of {profile.id.upper()} "
                  "(never paced, practised or asked in a mock for it).")
    if bundled and any(total for _, total in bundled.values()):
        uses = " · ".join(f"{key.upper()} {used:,} of {total:,}" for key, (used, total) in bundled.items())
        out.print(styled(("Bundled cards used: ", "bold"), uses), soft_wrap=True)
    unassigned = domains.unassigned()
    if not unassigned:
        out.print("Every topic has a domain.")
        return
    cards = sum(topic.cards for topic in unassigned)
    out.print(f"\nTopics without a domain ({len(unassigned)}, {cards} cards, never asked in a mock):")
    for topic in unassigned:
        out.print(styled("  ", topic.topic or "(no heading)", (f"  {topic.deck} · {topic.cards} cards", "dim")),
                  soft_wrap=True)
    example = unassigned[0].topic or "TOPIC"
    out.print(styled(("Hint: ", "bold"), f'mlsflash exam map "{example}" N  puts a topic in domain N'), soft_wrap=True)


def exam_status_line(status: dict[str, Any]) -> list[Text]:
    """The exam in one line: date, days left, readiness, the pace, on track or not."""
    name = status["exam"].upper()
    if status["passed"]:
        when = "is today" if status["days_left"] == 0 else f"was on {status['date']}"
        return [styled((f"Exam {name} ", "bold"), f"{when}: pacing has stopped")]
    days = status["days_left"]
    pace = (f"{status['new_per_day_needed']} new a day needed" if status["unseen"]
            else "every exam card seen")
    if not any(row["cards"] for row in status.get("domains", [])) and "domains" in status:
        pace = "no cards with a domain of this exam (mlsflash exam domains)"
    track = ("on track", "green") if status["on_track"] else ("behind", "red")
    return [
        styled((f"Exam {name} ", "bold"), f"on {status['date']}, {days} day{'s' if days != 1 else ''} left"),
        styled("readiness ", (f"{100 * status['readiness']:.0f}%", "bold")),
        styled(pace), styled(track),
    ]


def exam_status(out: Console, status: dict[str, Any]) -> None:
    from rich.table import Table

    if status["date"] is None:
        out.print(styled((f"Exam {status['exam'].upper()} ", "bold"), "no date set: ",
                         f"readiness today {100 * status['readiness']:.0f}%"), soft_wrap=True)
        out.print("Hint: mlsflash exam set PROFILE --date YYYY-MM-DD paces your cards to the day.")
    else:
        flow(out, exam_status_line(status))
        if not status["passed"]:
            planned = status["reviews_per_day"]
            flow(out, [styled(f"{status['unseen']} exam cards unseen"),
                        styled(f"{status['new_per_day']} new a day"),
                        styled(f"{planned if planned is not None else '-'} reviews a day planned"),
                        styled(f"final window from {status['window_start']}")])
            exam_workload(out, status)
    # Numbers keep their width; the domain's name takes what is left (at 40 columns, its number).
    headers = ("weight", "cards", "seen", "recall", "practice", "mock")
    if out.width < 60:
        headers = ("wt", "cards", "seen", "recall", "prac", "mock")
    room = out.width - sum(max(len(header), 4) + 2 for header in headers)
    named = room >= 12  # else the domain's number alone
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("domain" if named else "#", overflow="ellipsis", no_wrap=True, max_width=max(1, room))
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True, min_width=max(len(header), 4))
    for row in status["domains"]:
        label = f"{row['domain']} {row['name']}" if named else str(row["domain"])
        table.add_row(styled(label), f"{row['weight']}%", str(row["cards"]),
                      str(row["seen"]), percent(row["predicted_recall"]), percent(row["practice_accuracy"]),
                      percent(row["mock_accuracy"]))
    out.print()
    out.print(table)
    if status["weakest_topics"]:
        out.print()
        out.print(styled(("Weakest topics", "bold"), " (heaviest domains first, recall on the day)"))
        for topic in status["weakest_topics"]:
            out.print(styled(f"  {topic['domain']}  ", percent(topic["predicted_recall"]), "  ",
                             topic["topic"] or "(no heading)", (f"  {topic['deck']}", "dim")),
                      overflow="ellipsis", no_wrap=True)
    exam_bank_status(out, status.get("bank") or [])


def exam_bank_status(out: Console, tasks: Sequence[dict[str, Any]]) -> None:
    """Bank results per task statement: right of answered (all time) and the items due today."""
    if not tasks:
        return
    from rich.table import Table

    out.print()
    out.print(styled(("Question bank", "bold"), " per task statement (`exam drill` asks the due items)"))
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("task", no_wrap=True)
    for header in ("items", "answered", "right", "due"):
        table.add_column(header, justify="right", no_wrap=True)
    for task in tasks:
        table.add_row(task["task"], str(task["items"]), str(task["answered"]),
                      percent(task["share"]), str(task["due"]))
    out.print(table)


FORECAST_DAYS_SHOWN = 7


def exam_workload(out: Console, status: dict[str, Any]) -> None:
    """The forecast of the days left: today and the peak in one line, the next days as a table
    (`--json` has every day), and a warning with what to do when a day passes the limit."""
    from rich.padding import Padding
    from rich.table import Table

    days = status["forecast"]
    if not days:
        return
    how = "your median" if status["seconds_per_answer_measured"] else "assumed: under 50 timed"
    peak = max(days, key=lambda day: day["minutes"])
    today = days[0]
    flow(out, [styled(("Workload ", "bold"), f"today {today['reviews'] + today['new']} answers, "
                       f"{today['minutes']} min"),
                styled(f"peak {peak['minutes']} min on {peak['date']}"),
                styled(f"{status['seconds_per_answer']:g} s an answer ({how})"),
                styled(f"{status['pass_rate']:.0%} of reviews passed "
                       f"({'yours' if status['pass_rate_measured'] else 'assumed: desired_retention'})")])
    table = Table(box=None, pad_edge=False, header_style="bold")
    for header in ("day", "reviews", "new", "min"):
        table.add_column(header, justify="left" if header == "day" else "right", no_wrap=True)
    for day in days[:FORECAST_DAYS_SHOWN]:
        table.add_row(day["date"], str(day["reviews"]), str(day["new"]), str(day["minutes"]))
    out.print(Padding(table, (0, 0, 0, 2), expand=False))
    over = status["over_limit"]
    if over:
        limit = status["max_minutes_per_day"]
        plural = "s pass" if over["days"] > 1 else " passes"
        fix = (f"an exam on {over['date_under_limit']} keeps every day within it (fewer new cards a day): "
               f"mlsflash exam set {status['exam']} --date {over['date_under_limit']}"
               if over["date_under_limit"] else "no later exam date keeps every day within it (the reviews "
               "already planned, or new_per_day's cards, pass it alone)")
        out.print(styled(("Warning: ", "bold"), f"{over['days']} day{plural} max_minutes_per_day ({limit} min), "
                         f"from {over['first']}, {over['peak_minutes']} min on {over['peak_date']}; {fix}; or "
                         "raise the limit: mlsflash config max_minutes_per_day N."), soft_wrap=False)


def exam_coverage(out: Console, profile: Any, table: dict[Any, dict[str, int]]) -> None:
    from rich.table import Table

    grid = Table(title="Questions your cards can make", title_justify="left", box=None, pad_edge=False,
                 header_style="bold")
    grid.add_column("domain")
    for shape in ("definition", "term", "choose-two"):
        grid.add_column(shape, justify="right")
    for key, shapes in table.items():
        if key is None and not any(shapes.values()):
            continue
        name = f"{key} {profile.domain(key).name}" if key is not None else "no domain"
        grid.add_row(styled(name), *(str(shapes[shape]) for shape in ("definition", "term", "choose-two")))
    out.print(grid)


def exam_question(out: Console, question: Any, picked: Sequence[int]) -> None:
    from rich.panel import Panel

    how = "Choose TWO." if question.choose == 2 else ""
    lead = {"definition": "Which answer fits this term?", "term": "Which term matches this definition?",
            "choose-two": "Which two belong to this?"}[question.shape.value]
    from mlsflash.model import CONTEXT_SEPARATOR

    # The context says what the stem is about (`Express › max duration`), as review shows it.
    context = ((CONTEXT_SEPARATOR.join(question.context), "dim"), "\n") if question.context else ()
    out.print(Panel(styled(*context, question.stem), title=styled((f"{lead} {how}".strip(), "bold")),
                    title_align="left", padding=(0, 1)))
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # a wrapped option hangs under its own text, not its letter
    for index, option in enumerate(question.options):
        chosen = index in picked
        grid.add_row(styled((f"{'●' if chosen else ' '} {_LETTERS[index]})", "bold" if chosen else "")),
                     styled(option.text))
    out.print(grid)


def exam_feedback(out: Console, feedback: Any) -> None:
    """Practice, at once: right or wrong, then what the result screen says of the question."""
    if feedback.outcome.value == "right":
        out.print(styled(("Right.", "bold green")))
    else:
        out.print(styled(("Wrong.", "bold red")))
    _answer_rows(out, feedback, asked=False)


_MARKS = {"right": ("✓ right", "bold green"), "wrong": ("✗ wrong", "bold red"),
          "unanswered": ("○ unanswered", "bold yellow")}
_LEADS = {"definition": "term", "term": "definition", "choose-two": "list"}


def exam_answers(out: Console, feedbacks: Sequence[Any]) -> None:
    """Every question asked: its number and outcome (a word as well as a mark, so that wrong
    and unanswered differ without colour), the task statement, then what was asked, picked,
    the right answer in full and why. All user text is literal and wraps, never cut."""
    for feedback in feedbacks:
        mark, style = _MARKS[feedback.outcome.value]
        out.print(styled((f"{feedback.number}. ", "bold"), (mark, style)))
        _answer_rows(out, feedback, asked=True)
        out.print()


def _answer_rows(out: Console, feedback: Any, *, asked: bool) -> None:
    from rich.padding import Padding
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")  # wrapped text hangs under its own start, not its label
    shape = feedback.question.shape.value
    if asked:
        if feedback.task is not None:
            grid.add_row("task", styled(f"{feedback.task.id} {feedback.task.name}"))
        else:
            domain = feedback.question.domain
            grid.add_row("domain", styled(f"{domain} · no task statement named" if domain is not None else "none"))
        grid.add_row(_LEADS[shape], styled(feedback.question.stem))
    if not feedback.picked:
        grid.add_row("picked", styled(("nothing", "yellow")))
    for number, shown in enumerate(feedback.picked):
        label = "picked" if number == 0 else ""
        if shown.right:
            grid.add_row(label, styled(f"{shown.letter}) ", ("right", "green")))
            continue
        grid.add_row(label, styled(f"{shown.letter}) ", shown.option))
        grid.add_row("", styled(("↳ ", "dim"), *_picked_card(shape, shown)))
    for number, shown in enumerate(feedback.answer):
        grid.add_row("answer" if number == 0 else "", _lines(f"{shown.letter}) ", shown.whole))
    grid.add_row("why", _why(feedback, shape))
    out.print(Padding(grid, (0, 0, 0, 2)))


def _picked_card(shape: str, shown: Any) -> list[str | tuple[str, str]]:
    """Which card a wrong pick belongs to, and where it is written."""
    card = shown.card
    if card is None:
        return ["from no card any more"]
    source: list[str | tuple[str, str]] = [(f"  {shown.source}", "dim")] if shown.source else []
    if shape == "definition":
        return ["is the answer to: ", card.front, *source]
    if shape == "term":
        return [f"{card.front} means: ", card.back, *source]
    return ["belongs to: ", card.front, *source]


def _why(feedback: Any, shape: str) -> Text:
    """The card the question comes from: its context and term, its whole answer when the
    screen does not already show it whole (a list: the options hold two of its items), and
    `file:line`."""
    card = feedback.card
    if card is None:
        return styled(feedback.source or "the card is gone")
    path = CONTEXT_SEPARATOR.join([*card.context, card.front])
    body = _lines("", f"{path}:\n{card.back}" if shape == "choose-two" else path)
    if feedback.source:
        body.append_text(styled((f"  {feedback.source}", "dim")))
    return body


def _lines(lead: str, text: str) -> Text:
    """`lead` then `text`, its lines kept (a list's items one a line)."""
    return styled(lead, "\n".join(line.rstrip() for line in text.splitlines()))


def exam_tally(out: Console, feedbacks: Sequence[Any], profile: Any, *, every_domain: bool) -> None:
    """Right, wrong and unanswered in all, then per domain and per task statement."""
    from rich.padding import Padding

    from mlsflash.study.feedback import tally

    overall, domains = tally(feedbacks, profile)
    out.print(styled(("Right ", "bold"), f"{overall.right} · ", ("wrong ", "bold"), f"{overall.wrong} · ",
                     ("unanswered ", "bold"), f"{overall.unanswered}", (f" (of {overall.asked})", "dim")))
    for domain in domains:
        if not every_domain and not domain.total.asked:
            continue
        label = f"{domain.number} {domain.name}" if domain.number is not None else domain.name
        out.print(Padding(styled(f"{label}: {_tally_text(domain.total)}"), (0, 0, 0, 2)))
        for name, counts in domain.tasks:  # wrapped lines hang under their own start
            out.print(Padding(styled((f"{name}: {_tally_text(counts)}", "dim")), (0, 0, 0, 4)))
        if domain.no_task.asked and domain.tasks:
            out.print(Padding(styled((f"no task statement named: {_tally_text(domain.no_task)}", "dim")), (0, 0, 0, 4)))


def _tally_text(counts: Any) -> str:
    share = f"{100 * counts.right / counts.asked:.0f}%" if counts.asked else "-"
    text = f"{counts.right}/{counts.asked} {share}"
    if counts.wrong:
        text += f" · {counts.wrong} wrong"
    if counts.unanswered:
        text += f" · {counts.unanswered} unanswered"
    return text


def mock_review(out: Console, answers: Sequence[Sequence[int]], flagged: set[int]) -> None:
    unanswered = [number + 1 for number, answer in enumerate(answers) if not answer]
    marked = sorted(number + 1 for number in flagged)
    out.print(styled(("Unanswered: ", "bold"), ", ".join(map(str, unanswered)) or "none"))
    out.print(styled(("Flagged: ", "bold"), ", ".join(map(str, marked)) or "none"))


def mock_result(out: Console, result: Any, feedbacks: Sequence[Any]) -> None:
    """Every question first, the verdict last: what stays on screen is the result."""
    exam_answers(out, feedbacks)
    exam_tally(out, feedbacks, result.profile, every_domain=True)
    out.print("Scores are estimates (see docs/exam.md): AWS does not publish how it scales scores.", style="dim")
    prediction = result.prediction
    out.print(styled(
        (f"{result.profile.id.upper()} mock: ", "bold"), f"{result.correct} of {result.questions} right "
        f"({100 * result.share:.0f}%), mock score {result.score}",
        (" · time ran out" if result.timed_out else "", "yellow"),
    ))
    (memory_low, memory_high), (mock_low, mock_high) = prediction.memory.scores(), prediction.mock.scores()
    out.print(styled(f"Predicted score today {prediction.low}–{prediction.high} (pass line "
                     f"{result.profile.passing_score}): by your memory of the exam cards {memory_low}–{memory_high} "
                     f"(readiness today {100 * prediction.readiness:.0f}%), by this mock {mock_low}–{mock_high}."))
    missing = prediction.missing()
    if missing is None:
        out.print(styled(("PASS", "bold green"), ": every exam card seen, the whole range above the line"))
    else:
        out.print(styled(("NOT YET", "bold red"), f": {missing}"))


def mock_history(out: Console, history: Sequence[dict[str, Any]]) -> None:
    if not history:
        out.print("No mock exam yet: `mlsflash exam mock` takes one.")
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("day", "exam", "right", "score", "result", "per domain"):
        table.add_column(column)
    for entry in history:
        domains = " ".join(
            f"{number}:{100 * done // asked}%" if asked else f"{number}:-"
            for number, (done, asked) in sorted(entry["domains"].items())
        )
        result = ("pass" if entry["passed"] else "fail") + (" (time)" if entry["timed_out"] else "")
        table.add_row(entry["day"], entry["profile"].upper(), f"{entry['correct']}/{entry['questions']}",
                      str(entry["score"]), result, domains)
    out.print(table)
