"""Do exam questions test the card? Draws over 1,000 practice questions from the bundled decks
and (when present) the learner's notes, through the importer and `exam.draw` as practice
does, and counts what makes a question weak or broken:

- leaks: a content word (not a stopword; case and plural folded) that occurs in the stem
  (with its context) and in a right option, and in no wrong option: the question answers itself;
- options also true: a wrong option from a card with the same term as the asked card (a
  label such as `Use cases` only under the same context), whose term the stem contains or
  the context holds as a parent bullet, or whose own context (beyond what it shares with
  the asked card), term or answer names the asked term (`Amazon Athena` read as `Athena`);
- near-duplicates: two options with the same words after folding case, plural and punctuation;
- no context: a question about a card that has a context, without it in the question;
- spelled: a choose-two whose right answer is written in the stem.

    python benchmarks/question_quality.py                 # the numbers, exit 1 over budget
    python benchmarks/question_quality.py --show 20       # also print 20 questions per pool
    python benchmarks/question_quality.py --notes FILE.md # another learner's notes

The checks here are written apart from `mlsflash.study.questions` so that they measure its rules
rather than repeat them. Budget: leaks at most 3 %, options also true 0, near-duplicates 0.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEARNER_NOTES = ROOT.parent / "shared" / "notes" / "aws-mls-notes.md"
LEAK_BUDGET = 0.03
QUESTIONS = 1000
PER_DRAW = 50

STOPWORDS = frozenset(
    "a an the and or nor but of to in on at by for with from into onto as is are was were be been being it its "
    "this that these those which who whom whose what when where why how than then so such not no yes can could "
    "may might must should would will shall do does did done has have had having there their they them you your "
    "we our us he she his her i me my per via vs versus each every any all some more most less least other only "
    "also both either neither if else up down out over under about after before between through during without "
    "within one two use used uses using e g eg ie etc".split()
)


def words(text: str) -> list[str]:
    """Case folded, punctuation dropped, a plural read as its singular, `CamelCase` split."""
    split = re.sub(r"([a-z])([A-Z][a-z])", r"\1 \2", text)
    return [_singular(word) for word in re.findall(r"[^\W_]+", split.casefold())]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def without_vendor(term: str) -> str:
    """`Amazon Athena` is `Athena` to the cards about it."""
    words_of = term.split(maxsplit=1)
    return words_of[1] if len(words_of) == 2 and words_of[0].lower() in ("amazon", "aws") else term


def content(text: str) -> set[str]:
    return {word for word in words(text) if word not in STOPWORDS}


def names(text: str, term: str) -> bool:
    """`text` holds `term` as a run of whole (folded) words."""
    wanted = words(term)
    return bool(wanted) and f" {' '.join(wanted)} " in f" {' '.join(words(text))} "


@dataclass
class Tally:
    pool: str
    questions: int = 0
    with_context: int = 0
    context_shown: int = 0
    leaks: int = 0
    also_true: int = 0
    near_duplicates: int = 0
    spelled: int = 0
    choose_two: int = 0
    bullets: int = 0
    askable: int = 0  # bullets a question can be made of: the rest are dropped by the rules
    examples: dict[str, list[str]] = field(default_factory=dict)

    def note(self, what: str, text: str) -> None:
        self.examples.setdefault(what, [])
        if len(self.examples[what]) < 3:
            self.examples[what].append(text)

    @property
    def leak_share(self) -> float:
        return self.leaks / self.questions if self.questions else 0.0


def judge(tally: Tally, question, by_id: dict) -> None:  # type: ignore[no-untyped-def]
    try:
        from mlsflash.study.questions import is_generic
    except ImportError:  # a version before the labels: measured all the same
        def is_generic(front: str) -> bool:
            return False

    card = by_id[question.card_id]
    context = tuple(getattr(question, "context", ()))
    stem = " ".join((*context, question.stem))
    tally.questions += 1
    tally.choose_two += question.shape.value == "choose-two"
    if card.context:
        tally.with_context += 1
        tally.context_shown += context == card.context
    rights = [option for option in question.options if option.right]
    wrongs = [option for option in question.options if not option.right]
    told = content(stem) & set().union(*(content(option.text) for option in rights))
    told -= set().union(*(content(option.text) for option in wrongs))
    if told:
        tally.leaks += 1
        tally.note("leak", f"{sorted(told)}: {stem[:90]} -> {rights[0].text[:60]}")
    keys = [" ".join(words(option.text)) for option in question.options]
    if len(set(keys)) < len(keys):
        tally.near_duplicates += 1
        tally.note("near-duplicate", " | ".join(option.text[:40] for option in question.options))
    if question.shape.value == "choose-two" and any(names(stem, option.text) for option in rights):
        tally.spelled += 1
        tally.note("spelled", f"{stem[:90]} -> {[option.text for option in rights]}")
    generic = is_generic(card.front)  # the list of labels is shared; the checks are not
    subject = without_vendor(card.front)
    for option in wrongs:
        other = by_id[option.card_id]
        if words(other.front) == words(card.front):  # the same term: right too, unless a label of another subject
            shorter = min(len(context), len(other.context))
            wrong = generic and context[:shorter] != other.context[:shorter]
        else:
            own = [entry for number, entry in enumerate(other.context) if context[number : number + 1] != (entry,)]
            wrong = not names(question.stem, other.front) and not any(
                words(entry) == words(without_vendor(other.front)) or words(entry) == words(other.front)
                for entry in context)
            wrong = wrong and (generic or not (any(names(entry, subject) for entry in own)
                                               or names(other.back, subject) or names(other.front, subject)))
        if not wrong:
            tally.also_true += 1
            tally.note("also true", f"{stem[:70]} | {card.front[:30]} vs {other.front[:30]}: {option.text[:50]}")


def load_pool(paths: list[Path], work: Path, name: str) -> list:  # type: ignore[type-arg]
    from mlsflash.study import exam
    from mlsflash.notes import importer
    from mlsflash.storage import open_store

    store = open_store(work / f"{name}.db")
    importer.import_notes(store, [importer.read_notes(path) for path in paths])
    with store.read() as connection:
        domains = exam.card_domains(connection, exam.current_profile(connection))
        cards = exam.question_cards(connection, domains)
    store.close()
    return cards


def measure(name: str, cards: list, count: int, show: int, seed: int) -> Tally:  # type: ignore[type-arg]
    from mlsflash.study import exam

    by_id = {card.id: card for card in cards}
    tally = Tally(name)
    pool = exam.Pool(cards)
    tally.bullets = len({card.bullet for card in cards})
    tally.askable = len(exam.draw(pool, cards, len(cards), random.Random(seed)))
    draw_seed = seed
    shown = 0
    while tally.questions < count:
        drawn = exam.draw(pool, cards, PER_DRAW, random.Random(draw_seed))
        if not drawn:
            break
        for question in drawn:
            judge(tally, question, by_id)
            if shown < show:
                shown += 1
                print_question(shown, question)
        draw_seed += 1
    return tally


def print_question(number: int, question) -> None:  # type: ignore[no-untyped-def]
    context = " › ".join(getattr(question, "context", ()))
    print(f"#{number} [{question.shape.value}] {context + ' › ' if context else ''}{question.stem[:200]}")
    for index, option in enumerate(question.options):
        print(f"   {'*' if option.right else ' '} {'abcde'[index]}) {option.text}")


def report(tally: Tally) -> None:
    shown = f"{tally.context_shown}/{tally.with_context}"
    print(f"{tally.pool}: {tally.questions} questions ({tally.choose_two} choose-two), "
          f"leaks {tally.leaks} ({tally.leak_share:.1%}), options also true {tally.also_true}, "
          f"near-duplicates {tally.near_duplicates}, choose-two spelled in the stem {tally.spelled}, "
          f"context shown {shown}; {tally.askable} of {tally.bullets} bullets can be asked")
    for what, examples in tally.examples.items():
        for example in examples:
            print(f"  {what}: {example}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=QUESTIONS, help="at least this many per pool")
    parser.add_argument("--show", type=int, default=0, help="print this many questions of each pool")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--notes", type=Path, action="append", help="a learner's notes file (repeatable)")
    options = parser.parse_args()
    from mlsflash.notes.importer import bundled_decks_dir

    pools = [("bundled decks", sorted(bundled_decks_dir().glob("*.md")))]
    notes = options.notes or ([LEARNER_NOTES] if LEARNER_NOTES.exists() else [])
    pools += [(f"notes {path.name}", [path]) for path in notes]
    over = False
    with tempfile.TemporaryDirectory(prefix="mlsflash-questions-") as folder:
        for number, (name, paths) in enumerate(pools):
            if options.show:
                print(f"--- {name}")
            tally = measure(name, load_pool(paths, Path(folder), f"pool{number}"), options.questions, options.show,
                            options.seed)
            report(tally)
            over |= tally.leak_share > LEAK_BUDGET or tally.also_true > 0 or tally.near_duplicates > 0
            over |= tally.spelled > 0 or tally.context_shown < tally.with_context
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
