"""Mutation testing of the functional core: do the tests fail when the code is wrong?

mutmut (in the `test` extra) writes one-change copies of
the modules that pyproject's `[tool.mutmut]` names (`only_mutate`) and runs the tests it
selects against each; a mutant no test fails on survived. This prints, per module, the
mutants, killed, survived (including "no tests": no selected test runs that code),
timeouts and the survivors explained below as equivalent (they cannot change behaviour).

    python benchmarks/mutation.py             # run, print the table, exit 1 over target
    python benchmarks/mutation.py --report    # the table of the last run, without running
    python benchmarks/mutation.py --show      # also each unexplained survivor's diff

Target: no unexplained survivor in identity planning and SM-2, at most 5 % elsewhere. Not
in CI: a run takes minutes (docs/development.md, "Mutation testing").
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRICT = ("sm2", "identity")  # no unexplained survivor
BUDGET = 0.05  # elsewhere: at most this share of unexplained survivors

# Mutants that cannot change behaviour, by mutmut's name, with why. A key holds exactly two
# \x1f (context, term, direction: `normalize` splits on \x1f as on whitespace, so no part
# holds one), so splitting it at most 2 or 3 times, from either end, gives the same parts.
_TWO_SEPARATORS = "a key holds exactly two \\x1f: the split gives the same parts"
EQUIVALENT: dict[str, str] = {
    **{f"mlsflash.notes.identity.x__context__mutmut_{n}": _TWO_SEPARATORS for n in (4, 5, 7)},
    **{f"mlsflash.notes.identity.x__term__mutmut_{n}": _TWO_SEPARATORS for n in (4, 5, 7)},
    **{f"mlsflash.notes.identity.x__shared_context__mutmut_{n}": _TWO_SEPARATORS for n in (6, 9, 16, 19)},
    **{f"mlsflash.notes.identity.x__text_key_before_html__mutmut_{n}": _TWO_SEPARATORS for n in (8, 9, 11)},
    "mlsflash.notes.identity.x__key_before_html__mutmut_3": "(deck, None) for a key without HTML matches no stored "
    "(deck, identity): an identity is a string",
    "mlsflash.notes.identity.x_plan__mutmut_120": "step 7's index of fresh cards is only read for answered_left",
    **{f"mlsflash.notes.identity.x__nearest__mutmut_{n}": "zip(strict=None) and zip() are zip(strict=False)"
       for n in (30, 33)},
    "mlsflash.notes.identity.x__shared_context__mutmut_25": "zip(strict=None) is zip(strict=False)",
    "mlsflash.notes.identity.x__shared_context__mutmut_28": "zip's default is strict=False",
    "mlsflash.notes.identity.x_merge_repeats__mutmut_7": "combine() of one draft returns that draft",
    "mlsflash.notes.identity.x_plan__mutmut_10": "pairing with no candidates or no open card pairs nothing: "
    "the early return only saves the work",
    # bank_quiz
    **{f"mlsflash.study.bank_quiz.x_{function}__mutmut_{n}": "LETTERS holds each letter once: find and rfind agree"
       for function, n in (("parse_answer", 22), ("_parse_matching", 21))},
    **{f"mlsflash.study.bank_quiz.x_chance__mutmut_{n}": "choose counts right choices among the options, never "
       "more than the options: the 0.0 branch is unreachable" for n in (24, 32)},
    **{f"mlsflash.study.bank_quiz.x_cases_together__mutmut_{n}": "every drawn item is one of the bank's items: "
       "the default of order.get is never used" for n in (18, 20, 21)},
    # memory
    "mlsflash.scheduling.memory.x_interval_for__mutmut_8": "next_interval reads the rating only for a card without "
    "stability, and interval_for always gives one",
    "mlsflash.scheduling.memory.x_replay__mutmut_18": "the engine's batch of no items is an empty list too: the "
    "guard only saves the call",
    "mlsflash.scheduling.memory.x_training_items__mutmut_14": "a history's first answer is 0 days after itself, so "
    "index 0 never passes `> 0`",
    "mlsflash.scheduling.memory.x_fit__mutmut_6": "_engine(None) is built from DEFAULT_PARAMETERS, as "
    "_engine(tuple(DEFAULT_PARAMETERS))",
    # apkg
    **{f"mlsflash.export.apkg.x_fields__mutmut_{n}": "the last part of rsplit('/') is the same whatever the most "
       "splits" for n in (5, 15)},
    "mlsflash.export.apkg.x__escape__mutmut_2": "html.escape tests quote for truth: None is False",
    "mlsflash.export.apkg.x_inline_html__mutmut_2": "a slice from None starts at 0, as one from 0",
    "mlsflash.export.apkg.x__code_run__mutmut_4": "the first line is code, so the loop's first pass sets end",
    "mlsflash.export.apkg.x_deck_id__mutmut_5": "int.from_bytes reads big-endian by default (Python 3.11 on)",
    "mlsflash.export.apkg.x__model__mutmut_12": "genanki's sort_field_index defaults to 0",
    "mlsflash.export.apkg.x_write__mutmut_3": "with --no-schedule every card is new: no due day counts from day zero",
    # questions
    "mlsflash.study.questions.xǁPoolǁnear__mutmut_3": "with no preferred card the first loop yields nothing: the "
    "test only skips it",
    "mlsflash.study.questions.xǁPoolǁnear__mutmut_20": "the last loop's additions to seen are never read: a pool "
    "holds each card id once",
    "mlsflash.study.questions.x__choose_two__mutmut_75": "the length target is read only as len(): 'X' * n is as "
    "long as 'x' * n",
    "mlsflash.study.questions.x__group_keys__mutmut_2": "a one-entry context's (HEADING, ()) group is never looked "
    "up: _nearer_groups asks for a heading only when there is one",
    # pacing
    "mlsflash.scheduling.pacing.x_domain_shares__mutmut_7": "allocate() of 0 or fewer gives every domain 0, as the "
    "early return does",
    "mlsflash.scheduling.pacing.x_interleave__mutmut_27": "the turn keys sum to 1 at every step and a domain that has "
    "its share scores 0 or less, so it is never the max",
    **{f"mlsflash.scheduling.pacing.x_interleave__mutmut_{n}": "every domain of shares is a key of weights: the "
       "default of weights.get is never used" for n in (33, 35, 36)},
    "mlsflash.scheduling.pacing.x_date_under_limit__mutmut_18": "reviews already due today or tomorrow are in every "
    "later date's forecast: over the limit, the search finds no date either",
    "mlsflash.scheduling.pacing.x_date_under_limit__mutmut_45": "date + timedelta(days=x) drops x's fraction, and "
    "halving over floats ends on the same first day that keeps under the limit",
    "mlsflash.scheduling.pacing.x_forecast__mutmut_6": "_forecast counts the days left again and reads only that "
    "many days of the projections: one day more of them changes nothing",
    "mlsflash.scheduling.pacing.x_new_cards_needed__mutmut_2": "no card left needs 0 a day either way",
    "mlsflash.scheduling.pacing.x_new_cards_needed__mutmut_12": "with one day left, ceil(unseen / 1) is unseen",
    "mlsflash.scheduling.pacing.x__first_places__mutmut_25": "a card is an exam card or not: the next of each are "
    "never the same index",
    "mlsflash.scheduling.pacing.x__new_card_reviews__mutmut_10": "with n = 1 the next interval is 6 whatever the "
    "interval, which is only read from n = 2",
    "mlsflash.scheduling.pacing.x__project__mutmut_10": "the loop fills days 0..last only: the extra day stays 0 and "
    "is cut or skipped",
    "mlsflash.scheduling.pacing.x__project__mutmut_28": "with no failing, a lapse weighs 0 and is below _NEGLIGIBLE",
    **{f"mlsflash.scheduling.pacing.x__project__mutmut_{n}": "a review past the last day is never read: the loop "
       "stops at last" for n in (29, 69)},
    "mlsflash.scheduling.pacing.x__new_cards__mutmut_64": "after day 0 the pace is counted from the exam cards left "
    "and on day 0 none are taken: the cap's exam_taken is 0 whenever it binds",
}

NOT_KILLED = ("survived", "no tests", "suspicious", "skipped")


def run_mutmut(children: int) -> float:
    started = time.monotonic()
    log = ROOT / "mutants" / "run.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        code = subprocess.call(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(children)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    if code != 0:
        sys.exit(f"mutmut run failed (exit {code}); see {log}")
    return time.monotonic() - started


def results() -> list[tuple[str, str]]:
    """(mutant name, status) of every mutant of the last run."""
    listing = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    rows = []
    for line in listing.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and name.startswith("mlsflash."):
            rows.append((name, status))
    return rows


def module_of(name: str) -> str:
    """`sm2` of `mlsflash.scheduling.sm2.x_<function>__mutmut_<n>` (a method's is `.xǁ<class>ǁ<method>`)."""
    return re.split(r"\.x[_ǁ]", name, maxsplit=1)[0].rsplit(".", 1)[-1]


def table(rows: list[tuple[str, str]]) -> tuple[list[str], list[str], bool]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    unexplained: list[str] = []
    for name, status in rows:
        module = module_of(name)
        counts[module]["mutants"] += 1
        if status == "killed":
            counts[module]["killed"] += 1
        elif status == "timeout":
            counts[module]["timeout"] += 1
        elif name in EQUIVALENT:
            counts[module]["equivalent"] += 1
        elif status in NOT_KILLED:
            counts[module]["survived"] += 1
            unexplained.append(f"{name}: {status}")
        else:  # "not checked" and the like: the run did not get to it
            counts[module]["unchecked"] += 1
    lines = [f"{'module':<12}{'mutants':>8}{'killed':>8}{'survived':>9}{'timeout':>8}{'equivalent':>11}"
             f"{'unchecked':>10}  target"]
    ok = True
    for module in sorted(counts):
        row = counts[module]
        survived = row["survived"] + row["unchecked"]  # a mutant not run yet counts against the target
        if module in STRICT:
            met, target = survived == 0, "0 survivors"
        else:
            met, target = survived <= BUDGET * row["mutants"], f"<= {BUDGET:.0%}"
        ok &= met
        lines.append(
            f"{module:<12}{row['mutants']:>8}{row['killed']:>8}{row['survived']:>9}{row['timeout']:>8}"
            f"{row['equivalent']:>11}{row['unchecked']:>10}  {target}: {'met' if met else 'MISSED'}"
        )
    return lines, unexplained, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", action="store_true", help="the table of the last run, without running")
    parser.add_argument("--show", action="store_true", help="print each unexplained survivor's diff")
    parser.add_argument("--children", type=int, default=min(2, os.cpu_count() or 1), help="parallel test runs")
    args = parser.parse_args()
    if not args.report:
        elapsed = run_mutmut(args.children)
        print(f"mutmut run: {elapsed:.0f} s")
    lines, unexplained, ok = table(results())
    print("\n".join(lines))
    for survivor in unexplained:
        print(f"survived: {survivor}")
        if args.show:
            name = survivor.split(":")[0]
            subprocess.call([sys.executable, "-m", "mutmut", "show", name], cwd=ROOT)
    print("targets met" if ok else "FAIL: targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
