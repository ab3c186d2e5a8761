"""Every MLA-C01 topic of docs/mla-c01-topics.md (built from the exam guide) has at least three
bundled cards, or is listed there as deliberately left out, with the reason."""

from __future__ import annotations

import re
from pathlib import Path

from mlsflash.notes.drafts import CardDraft
from mlsflash.notes.importer import bundled_decks_dir
from mlsflash.notes.parser import parse_notes

TOPICS = Path(__file__).resolve().parents[1] / "docs" / "mla-c01-topics.md"
AT_LEAST = 3


def table_rows(section: str) -> list[list[str]]:
    """The body rows of the table under `## section` of the topic list."""
    text = TOPICS.read_text(encoding="utf-8").split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|")]
    return [row for row in rows[2:] if row and row[0]]


def topics() -> dict[str, list[str]]:
    rows = table_rows("Task statements") + table_rows("In-scope services")
    return {row[0]: [keyword.strip().lower() for keyword in row[2].split(";") if keyword.strip()] for row in rows}


def left_out() -> dict[str, str]:
    return {row[0]: row[2] for row in table_rows("Deliberately left out")}


def card_text(draft: CardDraft) -> str:
    return "\n".join([draft.front_plain, *draft.context, draft.back_plain]).lower()


def names(text: str, keyword: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", text) is not None


def bundled_texts() -> list[str]:
    return [card_text(draft) for path in sorted(bundled_decks_dir().glob("*.md"))
            for draft in parse_notes(path.read_text(encoding="utf-8")).drafts]


def cards_per_topic() -> dict[str, int]:
    texts = bundled_texts()
    return {topic: sum(1 for text in texts if any(names(text, keyword) for keyword in keywords))
            for topic, keywords in topics().items()}


def test_the_topic_list_cites_the_guide_and_gives_every_topic_keywords():
    text = TOPICS.read_text(encoding="utf-8")
    assert "docs.aws.amazon.com/aws-certification/latest/examguides/machine-learning-engineer-associate-01" in text
    assert re.search(r"Checked \d{4}-\d{2}\.", text)
    found = topics()
    assert len(found) >= 100
    assert all(found.values()), [topic for topic, keywords in found.items() if not keywords]
    for task in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3"):
        assert any(topic.startswith(f"{task}-") for topic in found), task


def test_every_left_out_topic_gives_its_reason_and_is_not_also_a_topic():
    reasons = left_out()
    assert reasons
    assert all(len(reason.split()) >= 3 for reason in reasons.values()), reasons
    assert not set(reasons) & set(topics())


def test_every_topic_of_the_guide_has_at_least_three_bundled_cards():
    thin = {topic: count for topic, count in cards_per_topic().items() if count < AT_LEAST}
    assert thin == {}, f"topics with fewer than {AT_LEAST} bundled cards: {thin}"
