"""The bundled exam decks: clean to parse, distinct prompts, every topic of the notes covered."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import SHARED
from mlsflash.notes.importer import bundled_decks_dir
from mlsflash.model import CONTEXT_SEPARATOR
from mlsflash.notes.parser import parse_notes

SHARED_NOTES = SHARED / "notes" / "aws-mls-notes.md"
# The notes' table of contents has typos; the decks use the right names.
TOPIC_FIXES = {
    "deepracher": "deepracer",
    "elastic interference": "elastic inference",
    "object deletion": "object detection",
    "features store": "feature store",
}


def bundled():
    for path in sorted(bundled_decks_dir().glob("*.md")):
        yield path, parse_notes(path.read_text(encoding="utf-8"))


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def test_bundled_decks_parse_without_warnings_or_duplicate_prompts():
    total = 0
    for path, parsed in bundled():
        assert parsed.warnings == (), f"{path.name}: {parsed.warnings[:3]}"
        assert parsed.title and parsed.title.startswith(("AWS MLS Bundled:", "AWS MLA Bundled:"))
        fronts = Counter(draft.front_plain.casefold() for draft in parsed.drafts)
        assert [front for front, count in fronts.items() if count > 1] == [], path.name
        assert all(draft.front_plain and draft.back_plain for draft in parsed.drafts)
        total += len(parsed.drafts)
    # Exact: a deck edit that adds or drops cards updates this number (`mlsflash import
    # --bundled` reports the total), so no card disappears unnoticed.
    assert total == 1690


def test_a_deck_per_mls_domain_and_three_for_what_mla_adds():
    titles = [parsed.title for _, parsed in bundled()]
    assert titles == [
        "AWS MLA Bundled: Deployment and Orchestration",
        "AWS MLA Bundled: Monitoring, Security and Cost",
        "AWS MLA Bundled: Generative AI and Foundation Models",
        "AWS MLS Bundled: Data Engineering",
        "AWS MLS Bundled: Exploratory Data Analysis",
        "AWS MLS Bundled: Modeling",
        "AWS MLS Bundled: ML Implementation and Operations",
    ]


def toc_topics() -> list[str]:
    text = SHARED_NOTES.read_text(encoding="utf-8")
    toc = text.split("Table of contents", 1)[1].split("\n# ", 1)[0]
    return re.findall(r"^\s*[*-] \[([^\]]+)\]\(#", toc, flags=re.MULTILINE)


@pytest.mark.needs_shared(SHARED_NOTES)
def test_every_topic_of_the_notes_table_of_contents_has_three_cards():
    topics = toc_topics()
    assert len(topics) > 90
    cards = [
        (words(CONTEXT_SEPARATOR.join(draft.context)), words(draft.front_plain))
        for _, parsed in bundled()
        for draft in parsed.drafts
    ]
    thin = {}
    for topic in topics:
        wanted = words(topic)
        for typo, fixed in TOPIC_FIXES.items():
            wanted = wanted.replace(typo, fixed)
        found = sum(1 for context, front in cards if wanted in context or wanted in front)
        if found < 3:
            thin[topic] = found
    assert thin == {}
