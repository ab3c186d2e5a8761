"""How often the parser makes the card a careful learner would, on notes it was not tuned on.

    python benchmarks/judged_corpus.py             # every judged folder; exit 1 below the targets
    python benchmarks/judged_corpus.py --verbose   # also every missed, odd, wrong and not-a-card line
    python benchmarks/judged_corpus.py --corpus benchmarks/judged/unseen   # one folder, per file

Each folder of benchmarks/judged/ holds notes files in styles other than the learner's, each
written by someone who had not read the parser's rules, and beside each `<name>.judged.tsv`,
written by hand before the parser was run on it: one row per list item and table body row,
`line`, `card` (yes/no: would a person make a card of it) and the expected `front`. Once the
rules have been changed after reading a folder's misses, it counts as tuned on (`FOLDERS`);
the targets are judged on the folder that is not.

Each card the parser makes (default options, as `mlsflash import` reads a new deck) is matched
to its line:
- good: on a line judged yes, with the judged front;
- odd: the judged front plus a parenthesised part (`ISR (in-sync replicas)` for `ISR`): the
  notes format keeps it in the term;
- wrong: on a line judged yes, with another front;
- not-a-card: on a line judged no (or on no judged line at all).
Recall is the share of lines judged yes that got a card; precision the share of cards that are
good. Targets (issue 31): recall >= 85%, wrong <= 5% of the cards made; and a budget of 10%
for cards on not-a-card lines.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from mlsflash.notes.parser import parse_notes

JUDGED = Path(__file__).resolve().parent / "judged"
CORPUS = JUDGED / "notes"
HELDOUT = JUDGED / "heldout"
# Each judged folder, oldest first, and whether the rules have been tuned on it since. A folder
# is written and judged by someone who has not read the rules; once its misses have been read
# and fixed it counts as tuned on, and a new one is written to judge the targets on.
FOLDERS = {"notes": True, "heldout": True, "fresh": True, "unseen": True, "blind": False}
RECALL_TARGET = 0.85
WRONG_TARGET = 0.05  # issue 31: wrong cards, as a share of the cards made
# Cards on lines judged not-a-card (a todo, an example, a step): issue 31 found 26% on notes
# like these; this budget keeps them from coming back. Together with the wrong ones the
# project would like 5%, which is not met yet (README, "Precision is measured").
NOT_A_CARD_BUDGET = 0.10

_MARKUP = re.compile(r"[*_`]|</?[a-zA-Z][^>]*>")


@dataclass(frozen=True)
class Judgement:
    line: int
    card: bool
    front: str


@dataclass
class Score:
    name: str
    judged: int = 0  # list items and table rows judged
    worthy: int = 0  # of them, judged card-worthy
    made: int = 0  # cards the parser made
    covered: int = 0  # card-worthy lines that got at least one card
    good: int = 0
    odd: list[str] = field(default_factory=list)  # the judged front plus a parenthesised part
    wrong: list[str] = field(default_factory=list)
    not_a_card: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.covered / self.worthy if self.worthy else 1.0

    @property
    def wrong_share(self) -> float:
        return len(self.wrong) / self.made if self.made else 0.0

    @property
    def not_a_card_share(self) -> float:
        return len(self.not_a_card) / self.made if self.made else 0.0

    @property
    def bad_share(self) -> float:
        return (len(self.wrong) + len(self.not_a_card)) / self.made if self.made else 0.0

    @property
    def precision(self) -> float:
        return self.good / self.made if self.made else 1.0

    def add(self, other: Score) -> None:
        self.judged += other.judged
        self.worthy += other.worthy
        self.made += other.made
        self.covered += other.covered
        self.good += other.good
        self.odd += other.odd
        self.wrong += other.wrong
        self.not_a_card += other.not_a_card
        self.missed += other.missed


def judged_lines(text: str) -> list[int]:
    """The 1-based lines a judgement file must cover: each list item's first line and each
    table body row, as markdown-it reads them (code blocks hold neither)."""
    lines = []
    inside_body = False
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type == "tbody_open":
            inside_body = True
        elif token.type == "tbody_close":
            inside_body = False
        if token.map and (token.type == "list_item_open" or (inside_body and token.type == "tr_open")):
            lines.append(token.map[0] + 1)
    return lines


def read_judgements(path: Path) -> dict[int, Judgement]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        judgements = [Judgement(int(row["line"]), row["card"] == "yes", row["front"] or "") for row in rows]
    return {judgement.line: judgement for judgement in judgements}


def comparable(front: str) -> str:
    """A front as a reader compares it: no markup, pictographs (a decorating emoji is odd, not
    wrong), case or edge punctuation. A stray `=` or `-` left by a doubled arrow stays wrong."""
    words = "".join(character for character in _MARKUP.sub("", front) if not _is_pictograph(character))
    return " ".join(words.split()).strip(" \t:.,;–—").casefold()


# `ISR (in-sync replicas)` judged `ISR`: the notes format keeps a parenthesised part in the
# term (`Redshift (provisioned)`); the card is right, its front says more than the judge's.
_PARENTHESISED_END = re.compile(r"\s*\([^()]*\)\s*$")


def _is_pictograph(character: str) -> bool:
    return unicodedata.category(character) == "So" or character in "\ufe0f\u200d"


def score_file(notes: Path) -> Score:
    text = notes.read_text(encoding="utf-8")
    judgements = read_judgements(notes.with_name(f"{notes.stem}.judged.tsv"))
    score = Score(notes.name, judged=len(judgements), worthy=sum(j.card for j in judgements.values()))
    covered: set[int] = set()
    for draft in parse_notes(text).drafts:
        score.made += 1
        judgement = judgements.get(draft.line)
        where = f"{notes.name}:{draft.line}: {draft.front_plain!r} -> {draft.back_plain[:50]!r}"
        if judgement is None or not judgement.card:
            score.not_a_card.append(where)
            continue
        covered.add(draft.line)
        if comparable(draft.front_plain) == comparable(judgement.front):
            score.good += 1
        elif comparable(_PARENTHESISED_END.sub("", draft.front_plain)) == comparable(judgement.front):
            score.odd.append(f"{where} (judged front {judgement.front!r})")
        else:
            score.wrong.append(f"{where} (judged front {judgement.front!r})")
    score.covered = len(covered)
    score.missed = [
        f"{notes.name}:{j.line}: {j.front!r}" for j in judgements.values() if j.card and j.line not in covered
    ]
    return score


def judged_notes(folder: Path) -> list[Path]:
    """The notes files of a judged folder: those with judgements beside them (not its README)."""
    return [notes for notes in sorted(folder.glob("*.md")) if notes.with_name(f"{notes.stem}.judged.tsv").exists()]


def score_corpus(folder: Path = CORPUS) -> tuple[list[Score], Score]:
    scores = [score_file(notes) for notes in judged_notes(folder)]
    total = Score("total")
    for score in scores:
        total.add(score)
    return scores, total


def meets_targets(total: Score) -> bool:
    return (
        total.recall >= RECALL_TARGET and total.wrong_share <= WRONG_TARGET
        and total.not_a_card_share <= NOT_A_CARD_BUDGET
    )


def report_line(score: Score) -> str:
    return (
        f"{score.name:<30} {score.judged:>5} {score.worthy:>6} {score.made:>5} {score.recall:>7.1%}"
        f" {len(score.odd):>4} {len(score.wrong):>5} {len(score.not_a_card):>10} {score.bad_share:>7.1%}"
        f" {score.precision:>9.1%}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="list every missed, wrong and not-a-card line")
    parser.add_argument("--corpus", type=Path, help="one folder of judged notes (default: every folder, per file"
                        " for those not tuned on)")
    options = parser.parse_args()
    if options.corpus is None:
        return report_every_folder(verbose=options.verbose)
    scores, total = score_corpus(options.corpus)
    return report(scores, total, verbose=options.verbose)


def report_every_folder(*, verbose: bool) -> int:
    """Each tuned-on folder in one line; each untuned folder per file, and judged on the targets."""
    failed = 0
    for name, tuned in FOLDERS.items():
        scores, total = score_corpus(JUDGED / name)
        if tuned:
            print(f"{name} (tuned on): recall {total.recall:.1%}, {total.made} cards, {len(total.odd)} odd,"
                  f" {len(total.wrong)} wrong, {len(total.not_a_card)} not-a-card ({total.bad_share:.1%})\n")
            continue
        print(f"{name} (never tuned on):")
        failed += report(scores, total, verbose=verbose)
    return 1 if failed else 0


def report(scores: list[Score], total: Score, *, verbose: bool) -> int:
    print(f"{'file':<30} {'items':>5} {'worthy':>6} {'cards':>5} {'recall':>7} {'odd':>4} {'wrong':>5}"
          f" {'not-a-card':>10} {'bad':>7} {'precision':>9}")
    for score in [*scores, total]:
        print(report_line(score))
    if verbose:
        listed = (("missed", total.missed), ("odd", total.odd), ("wrong", total.wrong), ("not-a-card", total.not_a_card))
        for title, lines in listed:
            print(f"\n{title} ({len(lines)}):")
            print("\n".join(f"  {line}" for line in lines))
    passed = meets_targets(total)
    print(f"\n{'PASS' if passed else 'FAIL'}: recall {total.recall:.1%} (target >= {RECALL_TARGET:.0%}),"
          f" wrong {total.wrong_share:.1%} of cards made (target <= {WRONG_TARGET:.0%}), not-a-card"
          f" {total.not_a_card_share:.1%} (budget <= {NOT_A_CARD_BUDGET:.0%}); both {total.bad_share:.1%};"
          f" {len(total.odd)} odd")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
