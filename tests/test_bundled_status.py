"""Every bundled card that states a service's status (closed, ended, deprecated, no longer...)
has an "as of" month and a source in its deck's fact-check file, docs/decks/<deck>-factcheck.md,
under a "## As of" heading: | card term | as of (YYYY-MM) | source |."""

from __future__ import annotations

import re
from pathlib import Path

from mlsflash.notes.importer import bundled_decks_dir
from mlsflash.notes.parser import parse_notes

DOCS = Path(__file__).resolve().parents[1] / "docs" / "decks"
STATUS = re.compile(
    r"closed(?!-form)|\bended\b|end of (?:support|life)|end-of-(?:support|life)|discontinu|deprecat|"
    r"maintenance mode|no longer|general(?:ly)? availab|\bretired?\b|retirement|new customers|"
    r"stopped onboarding|sunset",
    re.IGNORECASE,
)
# Cards whose status word is no service status, each with the reason.
NOT_A_STATUS = {
    "stopping conditions in load tests": "'no longer' is the endpoint failing its latency target under load",
    "aws health dashboard": "'retirements' are scheduled instance retirements, an event the dashboard shows",
}
AS_OF = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def factcheck_of(deck: Path) -> Path:
    """aws-mls-3-modeling.md -> docs/decks/aws-mls-3-factcheck.md."""
    return DOCS / ("-".join(deck.stem.split("-")[:3]) + "-factcheck.md")


def as_of_rows(path: Path) -> dict[str, tuple[str, str]]:
    """Card term (case folded) -> (as of, source), from the tables under "## As of" headings."""
    if not path.is_file():
        return {}
    rows: dict[str, tuple[str, str]] = {}
    for section in re.split(r"\n(?=## )", path.read_text(encoding="utf-8")):
        if not section.startswith("## As of"):
            continue
        for line in section.splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if line.startswith("|") and len(cells) >= 3 and AS_OF.fullmatch(cells[1]):
                rows[cells[0].casefold()] = (cells[1], " | ".join(cells[2:]))
    return rows


def status_cards() -> list[tuple[Path, str]]:
    found = []
    for deck in sorted(bundled_decks_dir().glob("*.md")):
        for draft in parse_notes(deck.read_text(encoding="utf-8")).drafts:
            text = f"{draft.front_plain} {draft.back_plain}"
            if STATUS.search(text) and draft.front_plain.casefold() not in NOT_A_STATUS:
                found.append((deck, draft.front_plain))
    return found


def test_the_status_words_find_the_cards_that_state_a_status():
    fronts = {front for _, front in status_cards()}
    assert {"Amazon Lookout for Vision", "AWS Panorama status", "Elastic Inference deprecation",
            "Model Monitor availability change"} <= fronts
    assert "Computational cost of L1 versus L2" not in fronts  # "closed-form" is no status


def test_every_status_card_has_an_as_of_month_and_a_source_in_its_fact_check_file():
    missing = []
    for deck, front in status_cards():
        row = as_of_rows(factcheck_of(deck)).get(front.casefold())
        if row is None or not re.search(r"https?://|\.(com|org)/", row[1]):
            missing.append(f"{factcheck_of(deck).name}: {front}")
    assert missing == [], "status cards without an as-of row and a source:\n" + "\n".join(missing)
