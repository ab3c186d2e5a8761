"""The judged corpus (benchmarks/judged/notes) is well-formed: every list item and table row of
each notes file is judged once, on a line that holds one, as yes with a front or no without.
The held-out folder (benchmarks/judged/heldout) is checked for the same well-formedness.
Whether the parser meets the targets is the benchmark's report, not a test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import judged_corpus  # noqa: E402

NOTES = judged_corpus.judged_notes(judged_corpus.CORPUS)
HELDOUT = [notes for name in judged_corpus.FOLDERS if name != "notes"
           for notes in judged_corpus.judged_notes(judged_corpus.JUDGED / name)]


def judgement_rows(notes: Path) -> list[list[str]]:
    text = notes.with_name(f"{notes.stem}.judged.tsv").read_text(encoding="utf-8")
    header, *rows = text.splitlines()
    assert header == "line\tcard\tfront"
    return [row.split("\t") for row in rows]


def test_the_corpus_is_eight_to_ten_files_of_400_to_600_items() -> None:
    items = sum(len(judged_corpus.judged_lines(notes.read_text(encoding="utf-8"))) for notes in NOTES)
    assert 8 <= len(NOTES) <= 10
    assert 400 <= items <= 600


def test_every_judgement_file_sits_beside_its_notes() -> None:
    judged = sorted(path.name for path in judged_corpus.CORPUS.glob("*.judged.tsv"))
    assert judged == sorted(f"{notes.stem}.judged.tsv" for notes in NOTES)


@pytest.mark.parametrize("name", list(judged_corpus.FOLDERS))
def test_each_judged_folder_has_judgements_beside_its_notes(name: str) -> None:
    folder = judged_corpus.JUDGED / name
    notes = judged_corpus.judged_notes(folder)
    assert len(notes) >= 5, f"benchmarks/judged/{name} holds {len(notes)} judged notes files"
    unjudged = [path.name for path in folder.glob("*.md") if path not in notes and path.name != "README.md"]
    assert unjudged == [], "notes without judgements beside them"
    judged = sorted(path.name for path in folder.glob("*.judged.tsv"))
    assert judged == sorted(f"{n.stem}.judged.tsv" for n in notes)


def test_only_the_newest_judged_folder_is_untuned() -> None:
    assert list(judged_corpus.FOLDERS.values())[-1] is False
    assert sorted(judged_corpus.FOLDERS) == sorted(path.name for path in judged_corpus.JUDGED.iterdir() if path.is_dir())


@pytest.mark.parametrize("notes", NOTES + HELDOUT, ids=[f"{notes.parent.name}/{notes.name}" for notes in NOTES + HELDOUT])
def test_each_list_item_is_judged_once_on_a_line_that_holds_one(notes: Path) -> None:
    rows = judgement_rows(notes)
    lines = [int(row[0]) for row in rows]
    assert len(lines) == len(set(lines)), "a line judged twice"
    assert sorted(lines) == judged_corpus.judged_lines(notes.read_text(encoding="utf-8"))


@pytest.mark.parametrize("notes", NOTES + HELDOUT, ids=[f"{notes.parent.name}/{notes.name}" for notes in NOTES + HELDOUT])
def test_a_yes_names_its_front_and_a_no_names_none(notes: Path) -> None:
    text_lines = notes.read_text(encoding="utf-8").splitlines()
    for line, card, front in judgement_rows(notes):
        assert card in ("yes", "no"), f"line {line}"
        assert bool(front) == (card == "yes"), f"line {line}"
        if front:  # the front is words of its line, not a guess from elsewhere
            plain = judged_corpus.comparable(text_lines[int(line) - 1])
            assert all(word in plain for word in judged_corpus.comparable(front).split()), f"line {line}"


def test_the_script_reports_each_kind_of_card() -> None:
    scores, total = judged_corpus.score_corpus()
    assert [score.name for score in scores] == [notes.name for notes in NOTES]
    assert total.made == total.good + len(total.wrong) + len(total.not_a_card)
    assert total.worthy == total.covered + len(total.missed)
