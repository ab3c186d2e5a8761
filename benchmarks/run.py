"""mlsflash benchmarks: each case against its budget, PASS or FAIL per line.

    python benchmarks/run.py            # the full run (builds 50k/100k-card databases and Anki collections)
    python benchmarks/run.py --quick    # a CI-sized subset (reports only)
    python benchmarks/run.py --json     # the results as JSON as well
    python benchmarks/run.py --only answer   # just the cases whose name holds a word
    python benchmarks/run.py --only anki --anki-sizes 1000,10000   # the Anki comparison at two sizes

Processes are timed interleaved with their baseline, run by run, and compared by the
ratio of medians, because these machines are noisy; where no baseline exists (per-answer
latency, stats at 100k cards) the figure is an in-process median. A process's baseline
imports exactly the third-party modules the measured command loads (found with
`python -X importtime`), so the ratio is what mlsflash adds to its libraries.

The Anki comparison (issue 18) runs the same work on an equivalent Anki collection
(benchmarks/anki_side.py, which needs the `anki` package: `pip install -e '.[bench]'`),
interleaved run by run: time to the first card on a terminal, per answer, `stats --json`
and an import. Budget: mlsflash / Anki <= 1.0x on every line.

The judged corpus (issue 31, benchmarks/judged_corpus.py) is no timing: the parser's recall
and share of wrong cards on hand-judged notes, against their targets, in --quick runs too.
"""

from __future__ import annotations

import argparse
import fcntl
import importlib.util
import json
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import build_database, write_notes, write_notes_folder  # noqa: E402

TODAY = date(2026, 11, 26)
ANKI_SIZES = (1_000, 10_000, 50_000, 100_000)  # cards; reviews are 10x, at most 1M
TERMINAL = (40, 100)  # rows, columns of the pseudo-terminal the first card is drawn on
# `when_idle` runs while the learner reads, but a key pressed during a checkpoint waits for it:
# the longest one must stay below what a learner notices (a quarter second), and the idle call
# without a checkpoint due must cost nothing.
IDLE_MAX_MS = 250.0
IDLE_MEDIAN_MS = 0.1
# Budgets the CI-sized subset (--quick) cannot judge: the unchanged re-import's 0.5x is set for
# the 20x file, where the process's fixed cost (starting Python and Typer, opening the database,
# hashing the file) is a small part of parsing it; against parsing the 5x file that cost alone
# measured 0.52-0.57x. Its FAIL line is printed all the same.
QUICK_UNJUDGED = ("re-import 5x",)


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
    os.sync()  # inputs the case just wrote go to disk before, not during, the timing
    run_seconds(baseline)  # warm the file cache for both
    for attempt in range(runs):
        theirs.append(run_seconds(baseline))
        argv, env = command(attempt)
        ours.append(run_seconds(argv, env))
    return statistics.median(ours), statistics.median(theirs)


def median_p99(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def ratio_result(case: str, ours: float, theirs: float, limit: float, baseline_name: str) -> Result:
    ratio = ours / theirs
    return Result(
        case, round(ours * 1000, 1), "ms", round(theirs * 1000, 1), f"<= {limit}x {baseline_name}",
        ratio <= limit, f"ratio {ratio:.2f}",
    )


def imported_modules(argv: list[str], env: dict[str, str] | None = None) -> set[str]:
    """Every module a Python command loads, from `-X importtime` (argv[0] a script or -m)."""
    python = [sys.executable, "-X", "importtime"]
    command = [*python, *argv[1:]] if argv[0] == sys.executable else [*python, *argv]
    stderr = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            check=True).stderr
    return {
        line.rsplit("|", 1)[1].strip()
        for line in stderr.splitlines() if line.startswith("import time:") and "|" in line
    } - {"name"}


def third_party_imports(argv: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The third-party modules the command loads: not the standard library, not mlsflash, not
    what a bare interpreter loads anyway (site hooks)."""
    bare = imported_modules([sys.executable, "-c", "pass"])
    return sorted(
        name for name in imported_modules(argv, env) - bare
        if name.split(".")[0] not in sys.stdlib_module_names and name.split(".")[0] not in {"mlsflash", "__main__"}
        and not name.startswith("_sysconfigdata")  # the standard library's, named per platform
    )


def import_baseline(argv: list[str], env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """A Python process importing exactly the third-party modules the command loads, and the
    note naming their top-level packages (the result line prints it). An import the command
    only attempted (a probe such as Jython's `org.python.core`) is attempted here too."""
    modules = third_party_imports(argv, env)
    packages = sorted({name.split(".")[0] for name in modules if importlib.util.find_spec(name.split(".")[0])})
    code = f"for name in {modules!r}:\n    try:\n        __import__(name)\n    except ImportError:\n        pass"
    return [sys.executable, "-c", code], f"baseline imports {len(modules)} modules of {', '.join(packages) or 'none'}"


# --- cases ------------------------------------------------------------------------------


def case_judged_corpus() -> list[Result]:
    """The parser against hand judgements, per judged folder (benchmarks/judged_corpus.py): each
    written and judged by someone who had not seen the rules; the targets hold on every one,
    and the folder not tuned on yet is the one that says whether they generalise."""
    import judged_corpus

    results = []
    for name, tuned in judged_corpus.FOLDERS.items():
        _, total = judged_corpus.score_corpus(judged_corpus.JUDGED / name)
        name = f"{name}, tuned on" if tuned else f"{name}, never tuned on"
        counts = f"{total.made} cards made on {total.judged} judged items ({total.worthy} card-worthy)"
        bad = len(total.wrong) + len(total.not_a_card)
        results += [
            Result(f"judged corpus ({name}): recall", round(100 * total.recall, 1), "%", None,
                   f">= {judged_corpus.RECALL_TARGET:.0%} of card-worthy items",
                   total.recall >= judged_corpus.RECALL_TARGET, f"{total.covered} of {total.worthy}; {counts}"),
            Result(f"judged corpus ({name}): wrong", round(100 * total.wrong_share, 1), "%", None,
                   f"<= {judged_corpus.WRONG_TARGET:.0%} of cards made",
                   total.wrong_share <= judged_corpus.WRONG_TARGET,
                   f"{len(total.wrong)} of {total.made} ({len(total.odd)} odd besides: the judged front plus a"
                   f" parenthesised part); precision {total.precision:.1%}"),
            Result(f"judged corpus ({name}): not-a-card", round(100 * total.not_a_card_share, 1), "%", None,
                   f"<= {judged_corpus.NOT_A_CARD_BUDGET:.0%} of cards made",
                   total.not_a_card_share <= judged_corpus.NOT_A_CARD_BUDGET,
                   f"{len(total.not_a_card)} of {total.made}; wrong + not-a-card {bad} ({total.bad_share:.1%})"),
        ]
    return results


def case_help(runs: int, work: Path) -> Result:
    argv = [*mlsflash_command(), "--help"]
    baseline, note = import_baseline(argv)
    ours, theirs = versus(runs, lambda _: (argv, None), baseline)
    result = ratio_result("mlsflash --help", ours, theirs, 1.5, "its imports")
    result.note += f"; {note}"
    return result


def case_stats_1k(runs: int, work: Path) -> Result:
    db = build_database(work / "stats-1k.db", cards=1_000, reviews=10_000, today=TODAY)
    argv = [*mlsflash_command(), "stats"]
    baseline, note = import_baseline(argv, environment(db))
    ours, theirs = versus(runs, lambda _: (argv, environment(db)), baseline)
    result = ratio_result("stats, 1k cards", ours, theirs, 1.5, "its imports")
    result.note += f"; {note}"
    return result


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
    create = (
        "import sys, pathlib\nfrom mlsflash.storage import open_store\nopen_store(pathlib.Path(sys.argv[1])).close()"
    )
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


def case_reimport_folder(runs: int, work: Path, files: int) -> Result:
    """Re-import of an unchanged folder of many small files against its first import, both
    whole processes, interleaved; each first import into a copy of an empty database. The
    note gives the lines each prints (the report drawn per file was most of the time)."""
    folder = write_notes_folder(work / f"folder-{files}", files)
    empty, imported = empty_database(work / "folder-empty.db"), work / "folder-imported.db"
    shutil.copy(empty, imported)
    command = [*mlsflash_command(), "import", str(folder)]
    first_lines = _printed_lines(command, environment(imported))
    again_lines = _printed_lines(command, environment(imported))
    os.sync()
    ours, theirs = [], []
    for attempt in range(runs):
        first = work / f"folder-first-{attempt}.db"
        shutil.copy(empty, first)
        theirs.append(run_seconds(command, environment(first)))
        ours.append(run_seconds(command, environment(imported)))
        first.unlink()
    result = ratio_result(f"re-import of an unchanged folder of {files:,} files", statistics.median(ours),
                          statistics.median(theirs), 0.3, "first import")
    result.note += f"; prints {again_lines:,} lines (the first import {first_lines:,})"
    return result


def _printed_lines(command: list[str], env: dict[str, str]) -> int:
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return len(output.splitlines())


def _count_cards(db: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT count(*) FROM cards WHERE status != 'retired'").fetchone()[0]
    finally:
        connection.close()


def answer_latencies(db: Path, answers: int, scheduler: str = "sm2") -> tuple[list[float], list[float]]:
    """Milliseconds from a grade to the next card ready (answer + next card + counts), in-process,
    and apart from them, each `when_idle` (the WAL checkpoint the screen runs while the learner reads)."""
    from mlsflash.model import Scheduler
    from mlsflash.study.session import ReviewSession
    from mlsflash.collection.settings import Settings
    from mlsflash.storage import open_store

    store = open_store(db)
    settings = Settings(new_per_day=1_000_000, scheduler=Scheduler(scheduler))
    session = ReviewSession(store, today=TODAY, settings=settings)
    card, _ = session.next_card(), session.counts()
    latencies, idle = [], []
    for index in range(answers):
        start = time.perf_counter()
        session.answer(card, 4 if index % 5 else 5)
        card = session.next_card()
        session.counts()
        latencies.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        session.when_idle()  # what the review screen does while the learner reads
        idle.append((time.perf_counter() - start) * 1000)
    store.close()
    return latencies, idle


def case_answer(work: Path, cards: int, reviews: int, answers: int, scheduler: str = "sm2") -> list[Result]:
    db = work / f"answer-{cards}.db"
    if not db.exists():
        build_database(db, cards=cards, reviews=reviews, today=TODAY)
    copy = work / f"answer-{cards}-{scheduler}.db"  # each scheduler answers the same cards
    shutil.copy(db, copy)
    latencies, _ = answer_latencies(copy, answers, scheduler)
    copy.unlink()
    median, p99 = median_p99(latencies)
    label = f"answer ({scheduler}), {cards // 1000}k cards / {reviews // 1000}k reviews"
    return [
        Result(f"{label}, median", round(median, 3), "ms", None, "<= 2 ms", median <= 2.0),
        Result(f"{label}, p99", round(p99, 3), "ms", None, "<= 20 ms", p99 <= 20.0),
    ]


def case_stats_json(work: Path, cards: int, reviews: int, runs: int) -> Result:
    from mlsflash.study import stats
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


def _children(pid: int) -> list[int]:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    children = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as listing:
                children += [int(child) for child in listing.read().split()]
        except OSError:
            pass
    return children


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_peak(process: subprocess.Popen[bytes], interval: float = 0.01) -> tuple[int, int]:
    """Peak summed resident memory (KiB) of a process and all its descendants, and the most
    processes seen at once, sampled from /proc every `interval` seconds until it exits."""
    peak_kib, most = 0, 0
    while process.poll() is None:
        tree, pending = [], [process.pid]
        while pending:
            pid = pending.pop()
            tree.append(pid)
            pending += _children(pid)
        peak_kib = max(peak_kib, sum(_rss_kib(pid) for pid in tree))
        most = max(most, len(tree))
        time.sleep(interval)
    return peak_kib, most


def case_import_memory(work: Path, notes: Path, label: str) -> Result:
    """Peak resident memory of the whole import: the parent and its parsing workers together
    (ru_maxrss would give only the largest single process)."""
    process = subprocess.Popen(
        [*mlsflash_command(), "import", str(notes)], env=environment(work / "memory.db"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    peak_kib, most = tree_peak(process)
    if process.wait() != 0:
        raise RuntimeError(f"import of {notes} failed")
    peak_mib = peak_kib / 1024
    from mlsflash.notes.importer import worker_count

    workers = worker_count()
    return Result(
        f"import {label}, peak memory (process tree)", round(peak_mib), "MiB", None, "<= 600 MiB", peak_mib <= 600,
        f"{workers} parsing workers; at most {most} processes seen in the tree",
    )


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


# --- side by side with Anki (issue 18) ----------------------------------------------------


def load_anki() -> ModuleType | None:
    """benchmarks/anki_side.py, or None without the `anki` package."""
    try:
        import anki_side
    except ImportError:
        return None
    return anki_side


def terminal_environment(db: Path | None = None) -> dict[str, str]:
    """A plain interactive terminal: TERM=xterm, its size from the pseudo-terminal (no COLUMNS)."""
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.update(TERM="xterm", MLSFLASH_NOW=f"{TODAY.isoformat()}T10:00")
    if db is not None:
        env["MLSFLASH_DB"] = str(db)
    return env


def scratch(work: Path, name: str) -> Path:
    """An empty folder for one run's copies (Anki adds its media folder beside a collection)."""
    folder = work / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def first_card_seconds(argv: list[str], env: dict[str, str], marker: bytes, timeout: float = 300.0) -> float:
    """Seconds from spawning `argv` on a fresh pseudo-terminal (its controlling terminal, of
    TERMINAL's size) until `marker` has been written to it; then the process group is killed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *TERMINAL, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )
    os.close(slave)
    screen = b""
    try:
        while marker not in screen[-len(marker) - 65536:]:
            ready, _, _ = select.select([master], [], [], timeout)
            chunk = os.read(master, 65536) if ready else b""
            if not chunk:
                raise RuntimeError(f"{argv[0]} showed no card: {screen[-800:].decode(errors='replace')}")
            screen += chunk
        return time.perf_counter() - start
    except OSError as error:  # EIO: the process exited
        tail = screen[-800:].decode(errors="replace")
        raise RuntimeError(f"{argv[0]} exited before its first card: {tail}") from error
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


@dataclass
class Pair:
    """One measure at one size: our figure and Anki's, in ms."""

    measure: str
    size: str
    ours: float
    anki: float
    budget: float = 1.0

    @property
    def ratio(self) -> float:
        return self.ours / self.anki

    def result(self, note: str = "") -> Result:
        return Result(
            f"vs Anki: {self.measure}, {self.size}", round(self.ours, 3), "ms", round(self.anki, 3),
            f"<= {self.budget}x Anki", self.ratio <= self.budget,
            f"ratio {self.ratio:.2f}" + (f"; {note}" if note else ""),
        )


def our_counts(db: Path) -> tuple[int, int]:
    """(new, due) our review screen shows today, under the database's settings."""
    from mlsflash.collection import settings
    from mlsflash.study.session import ReviewSession
    from mlsflash.storage import open_store

    store = open_store(db)
    try:
        with store.read() as connection:
            current = settings.load(connection)
        counts = ReviewSession(store, today=TODAY, settings=current).counts()
    finally:
        store.close()
    return counts.new, counts.due + counts.redrill


def check_equivalent(anki: ModuleType, db: Path, collection: Path) -> str:
    """Before timing: today's queue counts and the figures `stats --json` shares with Anki must
    agree, or the two sides would not be doing the same work."""
    from mlsflash.study import stats
    from mlsflash.storage import open_store

    ours, theirs = our_counts(db), anki.counts(collection)
    if ours != theirs:
        raise AssertionError(f"today's (new, due): mlsflash {ours}, Anki {theirs}")
    store, col = open_store(db), anki.open_collection(collection)
    try:
        differ = anki.compare_figures(stats.collect(store, TODAY), anki.stats_figures(col, TODAY))
    finally:
        store.close()
        col.close()
    if differ:
        raise AssertionError(f"stats figures differ: {', '.join(differ)}")
    return f"new {ours[0]} · due {ours[1]} today on both; stats figures agree"


def anki_first_card(anki: ModuleType, work: Path, db: Path, collection: Path, runs: int) -> tuple[float, float]:
    """Medians of the time to the first card on a terminal: `mlsflash review` until its front
    hint is drawn (the hint comes with the first card), against a Python process that opens the
    collection, takes the first queued card and prints its rendered question. Each run gets
    a fresh copy of the database and of the collection (copied outside the timing)."""
    from mlsflash.cli.review_ui import FRONT_HINT

    ours, theirs = [], []
    hint = FRONT_HINT.split(" · ")[0].encode()
    for attempt in range(runs + 1):  # the first pair warms the file cache
        folder = scratch(work, "first-card")
        db_copy, col_copy = folder / "mlsflash.db", folder / "collection.anki2"
        shutil.copy(db, db_copy)
        shutil.copy(collection, col_copy)
        anki_seconds = first_card_seconds(
            [sys.executable, "-c", anki.FIRST_CARD_SCRIPT, str(col_copy)], terminal_environment(),
            anki.FIRST_CARD_MARK.encode(),
        )
        our_seconds = first_card_seconds([*mlsflash_command(), "review"], terminal_environment(db_copy), hint)
        if attempt:
            theirs.append(anki_seconds)
            ours.append(our_seconds)
    shutil.rmtree(work / "first-card")
    return statistics.median(ours) * 1000, statistics.median(theirs) * 1000


def anki_answers(
    anki: ModuleType, work: Path, db: Path, collection: Path, answers: int, rounds: int
) -> tuple[list[float], list[float], list[float]]:
    """Per answer in-process, interleaved round by round on fresh copies: our latencies, our
    when_idle times, Anki's latencies. New cards follow the due ones on both sides (no new-card
    limit), and no more answers are asked than our queue holds."""
    ours, idle, theirs = [], [], []
    for _ in range(rounds):
        folder = scratch(work, "answers")
        db_copy, col_copy = folder / "mlsflash.db", folder / "collection.anki2"
        shutil.copy(collection, col_copy)
        anki.set_limits(col_copy, new_per_day=anki.REVIEW_LIMIT)
        theirs += anki.answer_latencies(col_copy, answers)
        shutil.copy(db, db_copy)
        latencies, waits = answer_latencies(db_copy, answers)
        ours += latencies
        idle += waits
    shutil.rmtree(work / "answers")
    return ours, idle, theirs


def anki_stats(anki: ModuleType, db: Path, collection: Path, runs: int) -> tuple[float, float]:
    """Medians of `stats --json` in-process, interleaved: `json.dumps(stats.collect(...))` on an
    open store against the same figures by SQL on an open Anki collection."""
    from mlsflash.study import stats
    from mlsflash.storage import open_store

    store, col = open_store(db), anki.open_collection(collection)
    ours, theirs = [], []
    try:
        for attempt in range(runs + 1):  # the first pair warms caches
            start = time.perf_counter()
            json.dumps(stats.collect(store, TODAY))
            middle = time.perf_counter()
            anki.stats_json(col, TODAY)
            if attempt:
                ours.append((middle - start) * 1000)
                theirs.append((time.perf_counter() - middle) * 1000)
    finally:
        store.close()
        col.close()
    return statistics.median(ours), statistics.median(theirs)


def anki_import(anki: ModuleType, work: Path, notes: Path, runs: int) -> tuple[Pair, int]:
    """`mlsflash import NOTES` into a database that does not exist yet, against a Python
    process that creates a new Anki collection and adds the same cards (deck, front and back
    from a mlsflash import of that file, read from a JSON file) with the batch API, then
    closes it. Both are whole processes, interleaved."""
    reference = work / "import-reference.db"
    subprocess.run([*mlsflash_command(), "import", str(notes)], env=environment(reference), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    exported = work / "import-notes.json"
    cards = anki.export_notes(reference, exported)
    ours, theirs = [], []
    for attempt in range(runs + 1):  # the first pair warms the file cache
        folder = scratch(work, "import")
        db, col = folder / "mlsflash.db", folder / "collection.anki2"
        anki_seconds = run_seconds([sys.executable, "-c", anki.IMPORT_SCRIPT, str(exported), str(col)])
        our_seconds = run_seconds([*mlsflash_command(), "import", str(notes)], environment(db))
        if attempt:
            theirs.append(anki_seconds)
            ours.append(our_seconds)
    shutil.rmtree(work / "import")
    from mlsflash.notes.importer import worker_count

    size = f"{cards:,} cards, {worker_count()} parsing workers"
    return Pair(f"import {notes.name}", size, statistics.median(ours) * 1000, statistics.median(theirs) * 1000), cards


def case_anki(work: Path, sizes: list[int], notes: Path, runs: int, answers: int) -> tuple[list[Result], list[Pair]]:
    """The side-by-side comparison at each size, then the import; the Anki table is printed
    from the pairs at the end of the run."""
    anki = load_anki()
    if anki is None:
        print("SKIP  Anki comparison: the `anki` package is not installed (pip install -e '.[bench]')", flush=True)
        return [], []
    results, pairs = [], []
    for cards in sizes:
        reviews = min(cards * 10, 1_000_000)
        size = f"{cards // 1000}k"
        db = build_database(work / f"anki-{cards}.db", cards=cards, reviews=reviews, today=TODAY)
        cap_reviews(db, anki.REVIEW_LIMIT)
        collection = anki.build_collection(db, work / f"anki-{cards}.anki2", TODAY).path
        print(f"      Anki {size} cards / {reviews // 1000}k reviews: {check_equivalent(anki, db, collection)}",
              flush=True)
        first = Pair("time to first card", size, *anki_first_card(anki, work, db, collection, runs))
        new, due = our_counts_unlimited(db)
        ours, idle, theirs = anki_answers(anki, work, db, collection, min(answers, new + due), max(2, runs // 3))
        (our_median, our_p99), (anki_median, anki_p99) = median_p99(ours), median_p99(theirs)
        stats_pair = Pair("stats --json", size, *anki_stats(anki, db, collection, runs))
        step = [
            first, Pair("per answer, median", size, our_median, anki_median),
            Pair("per answer, p99", size, our_p99, anki_p99), stats_pair,
        ]
        note = f"{len(ours)} answers each"
        for pair in step:
            results.append(pair.result(note if pair.measure.startswith("per answer") else ""))
            print_line(results[-1])
        from mlsflash.study.session import CHECKPOINT_EVERY

        idle_median, idle_p99 = median_p99(idle)
        idle_max = max(idle, default=0.0)
        results.append(Result(
            f"our when_idle (WAL checkpoint), {size}", round(idle_max, 3), "ms", None,
            f"max <= {IDLE_MAX_MS:g} ms, median <= {IDLE_MEDIAN_MS:g} ms",
            idle_max <= IDLE_MAX_MS and idle_median <= IDLE_MEDIAN_MS,
            f"median {idle_median:.3f} ms, p99 {idle_p99:.3f} ms (a checkpoint every "
            f"{CHECKPOINT_EVERY} answers); runs while the learner reads the next card",
        ))
        print_line(results[-1])
        pairs += step
        for path in work.glob(f"anki-{cards}.*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    pair, cards = anki_import(anki, work, notes, runs)
    results.append(pair.result())
    print_line(results[-1])
    return results, [*pairs, pair]


def cap_reviews(db: Path, limit: int) -> None:
    """Our max_reviews_per_day, as `mlsflash config` stores it: Anki cannot show more than this."""
    import sqlite3

    connection = sqlite3.connect(db)
    connection.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('max_reviews_per_day', ?)", (str(limit),))
    connection.commit()
    connection.close()


def our_counts_unlimited(db: Path) -> tuple[int, int]:
    """(new, due) of the per-answer session (no new-card limit, as answer_latencies runs it)."""
    from mlsflash.model import Scheduler
    from mlsflash.study.session import ReviewSession
    from mlsflash.collection.settings import Settings
    from mlsflash.storage import open_store

    store = open_store(db)
    try:
        counts = ReviewSession(
            store, today=TODAY, settings=Settings(new_per_day=1_000_000, scheduler=Scheduler.SM2)
        ).counts()
    finally:
        store.close()
    return counts.new, counts.due


def _ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.0f}"


def print_anki_table(pairs: list[Pair]) -> None:
    """One line per measure: mlsflash / Anki at each size (ms in brackets), PASS when every
    ratio is within its budget."""
    if not pairs:
        return
    sizes = list(dict.fromkeys(pair.size for pair in pairs))
    measures = list(dict.fromkeys(pair.measure for pair in pairs))
    by_key = {(pair.measure, pair.size): pair for pair in pairs}
    print("\nAnki comparison: mlsflash / Anki (mlsflash ms vs Anki ms), budget <= 1.0x")
    for measure in measures:
        cells = [by_key[measure, size] for size in sizes if (measure, size) in by_key]
        passed = all(pair.ratio <= pair.budget for pair in cells)
        text = "  ".join(f"{pair.size}: {pair.ratio:.2f}x ({_ms(pair.ours)} vs {_ms(pair.anki)})" for pair in cells)
        print(f"{'PASS' if passed else 'FAIL'}  {measure:<22} {text}")


# --- the run ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a CI-sized subset; report only (exits 0)")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--runs", type=int, help="runs per process case (default 7, quick 3)")
    parser.add_argument("--only", metavar="WORD", help="run only the cases whose name contains WORD")
    parser.add_argument("--anki-sizes", metavar="N,N", help="card counts of the Anki comparison (default "
                        f"{','.join(map(str, ANKI_SIZES))}; quick 1000)")
    options = parser.parse_args()
    runs = options.runs or (3 if options.quick else 7)
    # Installing a wheel compiles bytecode; an editable checkout under PYTHONDONTWRITEBYTECODE
    # would recompile mlsflash in every process, so measure what an installed copy runs.
    import compileall

    import mlsflash

    compileall.compile_dir(Path(mlsflash.__file__).parent, quiet=1)
    results: list[Result] = []
    anki_pairs: list[Pair] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mlsflash-bench-") as folder:
        work = Path(folder)
        scale = 5 if options.quick else 20
        notes = write_notes(work / f"notes-{scale}x.md", scale)
        label = f"{scale}x ({notes.stat().st_size // 1000} KB)"
        sizes = [(10_000, 100_000)] if options.quick else [(50_000, 1_000_000), (100_000, 1_000_000)]
        cards, reviews = sizes[-1]

        def answers() -> list[Result]:
            return [
                result
                for size in sizes for scheduler in ("sm2", "fsrs")
                for result in case_answer(work, *size, 300 if options.quick else 1000, scheduler)
            ]

        def anki() -> list[Result]:
            default = (1_000,) if options.quick else ANKI_SIZES
            sizes = [int(size) for size in options.anki_sizes.split(",")] if options.anki_sizes else list(default)
            found, pairs = case_anki(work, sizes, notes, min(runs, 5), 300 if options.quick else 1000)
            anki_pairs.extend(pairs)
            return found

        def import_memory() -> list[Result]:
            big = write_notes(work / "notes-100x.md", 100)
            return [case_import_memory(work, big, f"100x ({big.stat().st_size // 1000} KB)")]

        cases: list[tuple[str, Callable[[], list[Result]]]] = [
            ("judged corpus", case_judged_corpus),
            ("help", lambda: [case_help(runs, work)]),
            ("stats", lambda: [case_stats_1k(runs, work)]),
            ("import fresh", lambda: [case_import_fresh(runs, work, notes, label)]),
            ("reimport", lambda: [case_reimport(runs, work, notes, label)]),
            ("rename heading", lambda: [case_rename_heading(min(runs, 5), work, 5 if options.quick else 75)]),
            ("reimport folder", lambda: [case_reimport_folder(min(runs, 3), work, 2_000 if options.quick else 20_000)]),
            ("answer", answers),
            ("migration", lambda: [case_migration_0007(work, cards, reviews)]),
            ("stats json", lambda: [case_stats_json(work, cards, reviews, runs)]),
            ("export apkg", lambda: case_export_apkg(work, cards, min(runs, 3))),
            ("anki", anki),
        ]
        if not options.quick:
            cases.append(("import memory", import_memory))
        for name, case in cases:
            if options.only and options.only not in name:
                continue
            # The previous case's writes (a migration rewrites hundreds of MB) go to disk now,
            # not in the kernel's writeback while this case is timed.
            os.sync()
            for result in case():
                if not result.case.startswith(("vs Anki", "our when_idle")):  # case_anki printed its own
                    print_line(result)
                results.append(result)
    print_anki_table(anki_pairs)
    failed = [result for result in results if not result.passed]
    anki = load_anki()
    print(f"\n{len(results) - len(failed)} PASS, {len(failed)} FAIL in {time.perf_counter() - started:.0f} s"
          f" on {date.today().isoformat()} ({os.cpu_count()} cores, Python {sys.version.split()[0]},"
          f" Anki {anki.version() if anki else 'not installed'})")
    if options.quick:
        print_quick_verdict(failed)
    if options.json:
        print(json.dumps([asdict(result) for result in results], indent=2))
    return 0 if options.quick or not failed else 1


def print_quick_verdict(failed: list[Result]) -> None:
    """The subset exits 0 (report only); its failures are listed again, each said to be one the
    subset cannot judge (QUICK_UNJUDGED) or one it can."""
    for result in failed:
        judged = "not judged at this size" if result.case.startswith(QUICK_UNJUDGED) else "a real failure"
        print(f"FAIL  {result.case}: {result.measured} {result.unit} against {result.budget} ({judged})")
    real = [result for result in failed if not result.case.startswith(QUICK_UNJUDGED)]
    print(f"--quick: {len(failed)} FAIL, {len(real)} of them on a budget this subset judges (report only, exit 0)")


def print_line(result: Result) -> None:
    baseline = f"{result.baseline:>9} ms" if result.baseline is not None else " " * 12
    print(
        f"{'PASS' if result.passed else 'FAIL'}  {result.case:<46} {result.measured:>9} {result.unit:<3}"
        f" {baseline}  {result.budget:<40} {result.note}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
