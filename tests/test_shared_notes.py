"""The learner's real notes and other learners' notes from ../shared: skipped with the reason
printed when absent, failed instead with MLSFLASH_REQUIRE_SHARED=1 (docs/development.md, "Development")."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import NOW, SHARED, missing_shared

LEARNER_NOTES = SHARED / "notes" / "aws-mls-notes.md"
CORPUS = SHARED / "corpus"
CORPUS_FILES = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.needs_shared(SHARED)


def import_and_export(db: Path, path: Path) -> tuple[str, list[dict[str, Any]]]:
    from mlsflash.cli import app

    runner = CliRunner()
    env = {"MLSFLASH_DB": str(db), "MLSFLASH_NOW": NOW, "NO_COLOR": "1", "COLUMNS": "80", "MLSFLASH_DEBUG": None}
    imported = runner.invoke(app, ["import", str(path)], env=env, catch_exceptions=False)
    assert imported.exit_code == 0, imported.stderr
    exported = runner.invoke(app, ["export"], env=env, catch_exceptions=False)
    assert exported.exit_code == 0, exported.stderr
    return imported.stdout, json.loads(exported.stdout)


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict[str, Any]]]:
    if not LEARNER_NOTES.is_file():
        missing_shared(f"{LEARNER_NOTES} is not present")
    return import_and_export(tmp_path_factory.mktemp("learner") / "mlsflash.db", LEARNER_NOTES)


@pytest.fixture(scope="module")
def learner_cards(learner: tuple[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return learner[1]


@pytest.fixture(scope="module")
def corpus_cards(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    if not CORPUS_FILES:
        missing_shared(f"{CORPUS} holds no notes")
    return import_and_export(tmp_path_factory.mktemp("corpus") / "mlsflash.db", CORPUS)[1]


def fronts(cards: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        found.setdefault(card["front"], []).append(card)
    return found


# --- the learner's notes ------------------------------------------------------------------


def test_plain_term_with_arrow_is_a_card(learner_cards) -> None:
    (card,) = fronts(learner_cards)["Expedited"]
    assert card["back"] == "retrieval in 1 to 5 min"
    assert card["context"][-1] == "Flexible Retrieval"


def test_use_cases_over_bullets_is_a_list_card_under_step_functions(learner_cards) -> None:
    cards = [card for card in fronts(learner_cards)["use cases"] if card["context"][-1] == "Step Functions"]
    assert len(cards) == 1
    lines = cards[0]["back"].splitlines()
    assert lines[0] == "- order fullfillment" and len(lines) == 4
    assert all(line.startswith("- ") for line in lines)


def test_look_alikes_are_not_cards(learner_cards) -> None:
    by_front = fronts(learner_cards)
    # `**EMR - Notebook** - ...` is one card, not `EMR` with the definition `Notebook - ...`
    assert len(by_front["EMR - Notebook"]) == 1
    assert by_front["EMR - Notebook"][0]["back"].startswith("browser based notebook")
    assert not [card for card in by_front.get("EMR", []) if card["back"].startswith("Notebook")]
    assert "retention" not in by_front  # `retention 1d - 365d` is a range, not a term
    assert "S3 - Storage Classes" not in by_front  # a heading (and a TOC link)
    assert "Scaling" not in by_front  # `**Scaling** - ` has nothing after the dash


def test_link_only_items_of_the_table_of_contents_are_not_cards(learner_cards) -> None:
    lines = LEARNER_NOTES.read_text(encoding="utf-8").splitlines()
    toc = {number for number, line in enumerate(lines, 1) if re.fullmatch(r"\s*[-*+] \[[^\]]*\]\(#[^)]*\)\s*", line)}
    assert len(toc) > 20
    assert not [card for card in learner_cards if card["source"]["line"] in toc]


def test_empty_definition_is_reported_with_its_line(learner) -> None:
    output, _ = learner
    lines = LEARNER_NOTES.read_text(encoding="utf-8").splitlines()
    reported = {
        term: int(line) for line, term in re.findall(r"aws-mls-notes\.md:(\d+): '(\w+)' has an empty", output)
    }
    assert "Scaling" in reported
    assert lines[reported["Scaling"] - 1].strip() == "* **Scaling** -"


def test_repeated_term_gets_its_parents_in_the_context(learner_cards) -> None:
    cards = fronts(learner_cards)["execution rate"]
    assert sorted(card["context"][-1] for card in cards) == ["Express", "Standard"]
    assert {tuple(card["context"][:-1]) for card in cards} == {
        ("Data Engineering", "Step Functions", "Workflow Types")
    }


def test_the_notes_own_repeats_are_one_card_listing_both_answers(learner_cards) -> None:
    prompts = Counter(
        (tuple(card["context"]), card["front"]) for card in learner_cards if card["direction"] == "forward"
    )
    assert [prompt for prompt, count in prompts.items() if count > 1] == []
    for front in ("leave", "each shard"):
        (card,) = [card for card in learner_cards if card["front"] == front]
        assert len(card["back"].splitlines()) >= 2, card


def test_every_learner_card_has_both_sides(learner_cards) -> None:
    # The notes with the sha256 in tests/data/v5_identities.json make 410 cards under parser version 8
    # (376 under version 7: 3 retired by the wrong-card guards, 37 more from the styles it reads). When the learner
    # edits them, the version-5 test below fails for the new hash: regenerate the snapshot and
    # set this to what `mlsflash import` then reports.
    assert len(learner_cards) == 410
    for card in learner_cards:
        assert card["front"].strip() and card["back"].strip(), card
        assert "](" not in card["front"] + card["back"], card


# --- other learners' notes -------------------------------------------------------------------


def test_corpus_imports_every_file(corpus_cards) -> None:
    """The folder import exits 0 (see the fixture) and every file with cards contributed them."""
    from mlsflash.notes.parser import parse_notes

    expected = Counter()
    for path in CORPUS_FILES:
        expected[str(path.resolve())] = len(parse_notes(path.read_text(encoding="utf-8")).drafts)
    imported = Counter(card["source"]["file"] for card in corpus_cards)
    assert imported == +expected
    assert len(imported) >= len(CORPUS_FILES) // 2


CORPUS_CASES = [pytest.param(path, id=str(path.relative_to(CORPUS))) for path in CORPUS_FILES] or [
    pytest.param(CORPUS, id="corpus", marks=pytest.mark.needs_shared(CORPUS / "notes-dir"))  # skipped, said so
]


@pytest.mark.parametrize("path", CORPUS_CASES)
def test_corpus_cards_are_well_formed(corpus_cards, path: Path) -> None:
    cards = [card for card in corpus_cards if Path(card["source"]["file"]) == path.resolve()]
    for card in cards:
        assert card["front"].strip(), card
        assert card["back"].strip(), card
        assert len(card["front"]) <= 120, card["front"]
        assert "](" not in card["front"] + card["back"], card
        assert card["source"]["line"] >= 1


# --- parser version 6 keeps every card version 5 made ----------------------------------------

V5_IDENTITIES = Path(__file__).parent / "data" / "v5_identities.json"
# The cards the wrong-card guards of parser version 8 retire (issue 31): the term of each,
# per file. Every other card of version 5 keeps its id.
RETIRED_BY_GUARDS = {
    "notes/aws-mls-notes.md": {"charges by the hour", "from a performance standpoint", "transforms numeric data"},
    "corpus/notes-dir/04-higher-level-ai-ml-services/amazon-forecast.md": {"Convolutional Neural Network"},
    "corpus/single-file-notes.md": {"For each document $d$"},
}


def _v5_files() -> list[tuple[str, dict[str, Any]]]:
    if not V5_IDENTITIES.is_file():
        return []
    return sorted(json.loads(V5_IDENTITIES.read_text(encoding="utf-8"))["files"].items())


@pytest.mark.parametrize(("name", "snapshot"), _v5_files(), ids=[name for name, _ in _v5_files()])
def test_every_card_of_parser_version_5_keeps_its_id(name: str, snapshot: dict[str, Any]) -> None:
    """What version 5 made of each shared file, kept as hashes (tests/data/make_v5_identities.py),
    paired by the importer's own identity plan with what today's parser makes: every stored
    card continues (same id), none retires but those the wrong-card guards of version 8 no
    longer make (RETIRED_BY_GUARDS). Hashing keeps every comparison the plan makes."""
    import hashlib
    from dataclasses import replace

    from mlsflash.notes import identity
    from mlsflash.model import normalize
    from mlsflash.notes.parser import parse_notes

    path = SHARED / name
    if not path.is_file():
        missing_shared(f"{path} is not present")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != snapshot["sha256"]:
        pytest.fail(f"{name} changed since tests/data/v5_identities.json was made: regenerate the snapshot "
                    "with the version-5 code (tests/data/make_v5_identities.py)", pytrace=False)

    def digest(text: str, length: int = 16) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]

    def hashed(draft):  # the draft as the snapshot sees it
        context, term, direction = draft.key.rsplit("\x1f", 2)
        clone = replace(draft)
        clone.__dict__["key"] = f"{digest(context)}\x1f{digest(term)}\x1f{direction}"
        definition = draft.definition_key
        distinctive = len(definition) >= identity.DISTINCTIVE_LENGTH
        clone.__dict__["definition_key"] = digest(definition, 16 if distinctive else 8)
        return clone

    drafts = parse_notes(data.decode("utf-8-sig")).drafts
    bullets = [identity.Bullet(name, 0, position, hashed(draft)) for position, draft in enumerate(drafts)]
    wanted = identity.deck_cards([(1, bullets)])
    stored = [
        identity.StoredCard(str(number), 1, f"{context}\x1f{term}\x1f{direction}", definition, direction, "active",
                            name, number)
        for number, (context, term, direction, definition) in enumerate(snapshot["cards"])
    ]
    plan = identity.plan(wanted, stored, lambda card: True)
    retired_terms = sorted(card.identity.split("\x1f")[1] for card in plan.retire)
    guarded = RETIRED_BY_GUARDS.get(name, set())
    assert retired_terms == sorted(digest(normalize(term)) for term in guarded)
    assert plan.drop == []
    kept = {card.id for card in stored} - {card.id for card in plan.retire}
    assert sorted(card.id for card in plan.continues.values()) == sorted(kept)
    assert len(wanted) >= len(stored) - len(guarded)
