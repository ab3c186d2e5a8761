"""mlsflash benchmarks: each case against its budget, PASS or FAIL per line.

    python benchmarks/run.py            # the full run (builds 50k/100k-card databases, ~5 min)
    python benchmarks/run.py --quick    # a CI-sized subset (reports only)
    python benchmarks/run.py --json     # the results as JSON as well
    python benchmarks/run.py --only answer   # just the cases whose name holds a word

Processes are timed interleaved with their baseline, run by run, and compared by the
ratio of medians, because these machines are noisy; where no baseline exists (per-answer
latency, stats at 100k cards) the figure is an in-process median.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import build_database, write_notes  # noqa: E402

TODAY = date(2026, 11, 26)
ANKI_KNOWN_MS = 0.3  # Anki's Rust backend per answer, when the anki package is not installed


@dataclass
class Result:
    case: str
    measured: float
    unit: str
    baseline: float | None
    budget: str
    passed: bool
    note: str = ""


# --- timing helpers ------------------------------------------------------------------------


def mlsflash_command() -> list[str]:
    script = Path(sys.executable).with_name("mlsflash")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mlsflash"]


def environment(db: Path) -> dict[str, str]:
    return {
        **os.environ, "MLSFLASH_DB": str(db), "MLSFLASH_NOW": f"{TODAY.isoformat()}T10:00",
        "NO_COLOR": "1", "COLUMNS": "80",
    }


def run_seconds(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def versus(
    runs: int,
    command: Callable[[int], tuple[list[str], dict[str, str] | None]],
    baseline: list[str],
) -> tuple[float, float]:
    """Medians of `command` and `baseline`, run alternately so both see the same noise."""
    ours, theirs = [], []
    run_seconds(baseline)  # warm the file cache for both
    for attempt in range(runs):
        theirs.append(run_seconds(baseline))
        argv, env = command(attempt)
        ours.append(run_seconds(argv, env))
    return statistics.median(ours), statistics.median(theirs)


def ratio_result(case: str, ours: float, theirs: float, limit: float, baseline_name: str) -> Result:
    ratio = ours / theirs
    return Result(
        case, round(ours * 1000, 1), "ms", round(theirs * 1000, 1), f"<= {limit}x {baseline_name}",
        ratio <= limit, f"ratio {ratio:.2f}",
    )


# --- cases ------------------------------------------------------------------------------


def case_help(runs: int, work: Path) -> Result:
    ours, theirs = versus(
        runs, lambda _: ([*mlsflash_command(), "--help"], None), [sys.executable, "-c", "import typer"]
    )
    return ratio_result("mlsflash --help", ours, theirs, 1.5, "import typer")


def case_stats_1k(runs: int, work: Path) -> Result:
    db = build_database(work / "stats-1k.db", cards=1_000, reviews=10_000, today=TODAY)
    ours, theirs = versus(
        runs,
        lambda _: ([*mlsflash_command(), "stats"], environment(db)),
        [sys.executable, "-c", "import typer, rich.console, sqlalchemy.orm"],
    )
    return ratio_result("stats, 1k cards", ours, theirs, 1.5, "import typer, rich, sqlalchemy.orm")


def parse_only(notes: Path) -> list[str]:
    code = (
        "import sys\nfrom markdown_it import MarkdownIt\n"
        "MarkdownIt().parse(open(sys.argv[1], encoding='utf-8').read())"
    )
    return [sys.executable, "-c", code, str(notes)]


def case_import_fresh(runs: int, work: Path, notes: Path, label: str) -> Result:
    """A notes file the database has never seen, into a copy of an existing empty database."""
    empty = empty_database(work / "empty.db")

    def fresh(attempt: int) -> tuple[list[str], dict[str, str]]:
        db = work / f"fresh-{attempt}.db"
        shutil.copy(empty, db)
        return [*mlsflash_command(), "import", str(notes)], environment(db)

    ours, theirs = versus(runs, fresh, parse_only(notes))
    return ratio_result(f"import {label}, fresh", ours, theirs, 1.5, "markdown-it parse")


def case_reimport(runs: int, work: Path, notes: Path, label: str) -> Result:
    db = work / "reimport.db"
    subprocess.run([*mlsflash_command(), "import", str(notes)], env=environment(db), check=True,
                   stdout=subprocess.DEVNULL)
    ours, theirs = versus(
        runs, lambda _: ([*mlsflash_command(), "import", str(notes)], environment(db)), parse_only(notes)
    )
    return ratio_result(f"re-import {label}, unchanged", ours, theirs, 0.5, "markdown-it parse")


def empty_database(path: Path) -> Path:
    """A new, empty database (only review and import create one from the command line)."""
    create = "import sys, pathlib\nfrom mlsflash.storage import open_store\nopen_store(pathlib.Path(sys.argv[1])).close()"
    subprocess.run([sys.executable, "-c", create, str(path)], check=True)
    return path


def case_rename_heading(runs: int, work: Path, scale: float) -> Result:
    """Re-import after renaming the `##` heading above every card (every key changes; cards
    are paired by definition) against a first import of the same notes."""
    notes = write_notes(work / f"umbrella-{scale}x.md", scale, umbrella="Everything")
    first_copy = work / f"umbrella-first-{scale}x.md"
    shutil.copy(notes, first_copy)
    empty, imported = empty_database(work / "rename-empty.db"), work / "rename-imported.db"
    shutil.copy(empty, imported)
    subprocess.run([*mlsflash_command(), "import", str(notes)], env=environment(imported), check=True,
                   stdout=subprocess.DEVNULL)
    notes.write_text(notes.read_text(encoding="utf-8").replace("## Everything", "## All of It", 1), encoding="utf-8")
    ours, theirs = [], []
    for attempt in range(runs):
        first, again = work / f"rename-first-{attempt}.db", work / f"rename-again-{attempt}.db"
        shutil.copy(empty, first)
        shutil.copy(imported, again)
        theirs.append(run_seconds([*mlsflash_command(), "import", str(first_copy)], environment(first)))
        ours.append(run_seconds([*mlsflash_command(), "import", str(notes)], environment(again)))
        first.unlink()
        again.unlink()
    cards = _count_cards(imported)
    return ratio_result(f"re-import, heading renamed over {cards // 1000}k cards", statistics.median(ours),
                        statistics.median(theirs), 1.5, "first import")


def _count_cards(db: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT count(*) FROM cards WHERE status != 'retired'").fetchone()[0]
    finally:
        connection.close()


def answer_latencies(db: Path, answers: int, scheduler: str = "sm2") -> list[float]:
    """Milliseconds from a grade to the next card ready (answer + next card + counts), in-process."""
    from mlsflash.model import Scheduler
    from mlsflash.session import ReviewSession
    from mlsflash.settings import Settings
    from mlsflash.storage import open_store

    store = open_store(db)
    settings = Settings(new_per_day=1_000_000, scheduler=Scheduler(scheduler))
    session = ReviewSession(store, today=TODAY, settings=settings)
    card, _ = session.next_card(), session.counts()
    latencies = []
    for index in range(answers):
        start = time.perf_counter()
        session.answer(card, 4 if index % 5 else 5)
        card = session.next_card()
        session.counts()
        latencies.append((time.perf_counter() - start) * 1000)
        session.when_idle()  # what the review screen does while the learner reads
    store.close()
    return latencies


def anki_answer_ms(notes: int = 10_000, answers: int = 300) -> tuple[float, str]:
    """Anki's own figure on a 10k-note collection if the `anki` package is installed."""
    try:
        from anki.collection import Collection
        from anki.scheduler.v3 import CardAnswer
    except ImportError:
        return ANKI_KNOWN_MS, "Anki: known 0.3 ms (anki package not installed)"
    folder = tempfile.mkdtemp()
    collection = Collection(os.path.join(folder, "bench.anki2"))
    try:
        model = collection.models.by_name("Basic")
        deck_id = collection.decks.id("Bench")
        for index in range(notes):
            note = collection.new_note(model)
            note["Front"], note["Back"] = f"front {index}", f"back {index}"
            collection.add_note(note, deck_id)
        config = collection.decks.config_dict_for_deck_id(deck_id)
        config["new"]["perDay"] = config["rev"]["perDay"] = 9999
        collection.decks.update_config(config)
        collection.decks.select(deck_id)
        latencies = []
        for _ in range(answers):
            start = time.perf_counter()
            queued = collection.sched.get_queued_cards(fetch_limit=1).cards[0]
            card = collection.get_card(queued.card.id)
            card.start_timer()
            collection.sched.answer_card(
                collection.sched.build_answer(card=card, states=queued.states, rating=CardAnswer.GOOD)
            )
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        collection.close()
        shutil.rmtree(folder, ignore_errors=True)
    median = statistics.median(latencies)
    return median, f"Anki {median:.2f} ms on 10k notes"


def case_answer(
    work: Path, cards: int, reviews: int, answers: int, anki_note: str, scheduler: str = "sm2"
) -> list[Result]:
    db = work / f"answer-{cards}.db"
    if not db.exists():
        build_database(db, cards=cards, reviews=reviews, today=TODAY)
    copy = work / f"answer-{cards}-{scheduler}.db"  # each scheduler answers the same cards
    shutil.copy(db, copy)
    latencies = sorted(answer_latencies(copy, answers, scheduler))
    copy.unlink()
    median = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    label = f"answer ({scheduler}), {cards // 1000}k cards / {reviews // 1000}k reviews"
    return [
        Result(f"{label}, median", round(median, 3), "ms", None, "<= 2 ms", median <= 2.0, anki_note),
        Result(f"{label}, p99", round(p99, 3), "ms", None, "<= 20 ms", p99 <= 20.0),
    ]


def case_stats_json(work: Path, cards: int, reviews: int, runs: int) -> Result:
    from mlsflash import stats
    from mlsflash.storage import open_store

    db = work / f"answer-{cards}.db"
    if not db.exists():
        build_database(db, cards=cards, reviews=reviews, today=TODAY)
    store = open_store(db)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        json.dumps(stats.collect(store, TODAY))
        timings.append((time.perf_counter() - start) * 1000)
    store.close()
    median = statistics.median(timings)
    label = f"stats --json, {cards // 1000}k cards / {reviews // 1000}k reviews"
    return Result(label, round(median, 1), "ms", None, "<= 300 ms", median <= 300)


def case_migration_0007(work: Path, cards: int, reviews: int) -> Result:
    """Upgrading a 0006 database of this size to the current schema (0007 replays memory states
    from the log, 0009 recomputes topics): the generated database downgraded with Alembic to
    0006, then opened as a user's upgrade would."""
    from alembic import command
    from sqlalchemy import create_engine

    from mlsflash.storage import open_store
    from mlsflash.storage.migrate import alembic_config

    db = work / f"migrate-{cards}.db"
    shutil.copy(work / f"answer-{cards}.db", db)
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0006_deck_identity")
    engine.dispose()
    start = time.perf_counter()
    open_store(db).close()
    seconds = time.perf_counter() - start
    label = f"migration 0006 to head, {cards // 1000}k cards / {reviews // 1000}k reviews"
    return Result(label, round(seconds, 1), "s", None, "<= 60 s", seconds <= 60)


def case_import_memory(work: Path, notes: Path, label: str) -> Result:
    """Peak resident memory of one import process (ru_maxrss of a lone child)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe, *mlsflash_command(), "import", str(notes)],
        env=environment(work / "memory.db"), capture_output=True, text=True, check=True,
    ).stdout
    peak_mib = int(output.strip()) / 1024
    return Result(f"import {label}, peak memory", round(peak_mib), "MiB", None, "<= 600 MiB", peak_mib <= 600)


def case_export_apkg(work: Path, cards: int, runs: int) -> list[Result]:
    """`export --format apkg` of every card: wall time (median) and peak resident memory of
    the process tree (ru_maxrss of the children: the export is one process)."""
    db = work / f"answer-{cards}.db"
    if not db.exists():
        db = work / f"apkg-{cards}.db"
        if not db.exists():
            build_database(db, cards=cards, reviews=0, today=TODAY)
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    seconds, peaks = [], []
    for attempt in range(runs):
        target = work / f"export-{attempt}.apkg"
        output = subprocess.run(
            [sys.executable, "-c", probe, *mlsflash_command(), "export", "--format", "apkg", "-o", str(target)],
            env=environment(db), capture_output=True, text=True, check=True,
        ).stdout.split()
        seconds.append(float(output[0]))
        peaks.append(int(output[1]) / 1024)
        size_mb = target.stat().st_size / 1e6
        target.unlink()
    median, peak = statistics.median(seconds), max(peaks)
    label = f"export --format apkg, {cards // 1000}k cards"
    return [
        Result(f"{label}, time", round(median, 1), "s", None, "<= 60 s", median <= 60, f"package {size_mb:.0f} MB"),
        Result(f"{label}, peak memory", round(peak), "MiB", None, "<= 600 MiB", peak <= 600),
    ]


# --- the run ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a CI-sized subset; always exits 0")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--runs", type=int, help="runs per process case (default 7, quick 3)")
    parser.add_argument("--only", metavar="WORD", help="run only the cases whose name contains WORD")
    options = parser.parse_args()
    runs = options.runs or (3 if options.quick else 7)
    # Installing a wheel compiles bytecode; an editable checkout under PYTHONDONTWRITEBYTECODE
    # would recompile mlsflash in every process, so measure what an installed copy runs.
    import compileall

    import mlsflash

    compileall.compile_dir(Path(mlsflash.__file__).parent, quiet=1)
    results: list[Result] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mlsflash-bench-") as folder:
        work = Path(folder)
        scale = 5 if options.quick else 20
        notes = write_notes(work / f"notes-{scale}x.md", scale)
        label = f"{scale}x ({notes.stat().st_size // 1000} KB)"
        sizes = [(10_000, 100_000)] if options.quick else [(50_000, 1_000_000), (100_000, 1_000_000)]
        cards, reviews = sizes[-1]

        def answers() -> list[Result]:
            anki_note = "Anki: known 0.3 ms" if options.quick else anki_answer_ms()[1]
            return [
                result
                for size in sizes for scheduler in ("sm2", "fsrs")
                for result in case_answer(work, *size, 300 if options.quick else 1000, anki_note, scheduler)
            ]

        def import_memory() -> list[Result]:
            big = write_notes(work / "notes-100x.md", 100)
            return [case_import_memory(work, big, f"100x ({big.stat().st_size // 1000} KB)")]

        cases: list[tuple[str, Callable[[], list[Result]]]] = [
            ("help", lambda: [case_help(runs, work)]),
            ("stats", lambda: [case_stats_1k(runs, work)]),
            ("import fresh", lambda: [case_import_fresh(runs, work, notes, label)]),
            ("reimport", lambda: [case_reimport(runs, work, notes, label)]),
            ("rename heading", lambda: [case_rename_heading(min(runs, 5), work, 5 if options.quick else 75)]),
            ("answer", answers),
            ("migration", lambda: [case_migration_0007(work, cards, reviews)]),
            ("stats json", lambda: [case_stats_json(work, cards, reviews, runs)]),
            ("export apkg", lambda: case_export_apkg(work, cards, min(runs, 3))),
        ]
        if not options.quick:
            cases.append(("import memory", import_memory))
        for name, case in cases:
            if options.only and options.only not in name:
                continue
            for result in case():
                results.append(result)
                print_line(result)
    failed = [result for result in results if not result.passed]
    print(f"\n{len(results) - len(failed)} PASS, {len(failed)} FAIL in {time.perf_counter() - started:.0f} s"
          f" on {date.today().isoformat()} ({os.cpu_count()} cores, Python {sys.version.split()[0]})")
    if options.json:
        print(json.dumps([asdict(result) for result in results], indent=2))
    return 0 if options.quick or not failed else 1


def print_line(result: Result) -> None:
    baseline = f"{result.baseline:>9} ms" if result.baseline is not None else " " * 12
    print(
        f"{'PASS' if result.passed else 'FAIL'}  {result.case:<46} {result.measured:>9} {result.unit:<3}"
        f" {baseline}  {result.budget:<40} {result.note}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
