"""Cards their notes declare outside an exam (`none` for a section, a subsection or one card):
kept for other profiles and for study, but never paced, practised or asked in a mock for it."""

from __future__ import annotations

import json

from conftest import write_notes

NOTES = """\
---
mla-c01: 2
mla-c01-sections: "Retired Services = none; Services › Old Gadget = -; Services › Output trivia = none"
mls-c01: 3
---
# Relevance

## Services

* **Alpha service** - the first service still sold
* **Beta service** - the second service still sold
* **Gamma service** - the third service still sold
* **Delta service** - the fourth service still sold
* **Output trivia** - a setting no exam task names

### Old Gadget

* **Gadget camera** - a camera sold once
* **Gadget status** - no longer sold

## Retired Services

* **Racing car** - a toy car for reinforcement learning
* **Factory sensor** - a sensor kit for vibration
* **Vision checker** - finds defects on a line
"""
OUTSIDE = {"Output trivia", "Gadget camera", "Gadget status", "Racing car", "Factory sensor", "Vision checker"}


def practice_fronts(run, profile: str) -> set[str]:
    run("exam", "set", profile)
    questions = [json.loads(line) for line in run("exam", "practice", "--count", "50", "--seed", "3",
                                                  input="a\nab\n" * 60).stdout.splitlines() if line.strip()]
    return {question["card"] for question in questions if "stem" in question}


def test_a_section_subsection_or_card_declared_none_is_no_card_of_that_exam(run, tmp_path, export) -> None:
    report = run("import", write_notes(tmp_path, "relevance.md", NOTES)).stdout
    assert "has no domain" not in report
    domains = json.loads(run("exam", "domains", "--json").stdout)
    assert domains["outside_cards"] == len(OUTSIDE) and domains["unassigned_cards"] == 0
    assert {d["number"]: d["cards"] for d in domains["domains"]}[2] == 4
    by_topic = {topic["topic"]: topic["domain"] for topic in domains["topics"]}
    assert by_topic["Retired Services"] == "none" and by_topic["Services › Old Gadget"] == "none"
    assert by_topic["Services"] == 2
    screen = run("exam", "domains").stdout
    assert "6 cards their notes keep out of MLA-C01" in screen and "Every topic has a domain." in screen

    ids = {card["front"]: card["id"] for card in export()}
    asked = practice_fronts(run, "mla-c01")
    assert asked and asked <= {ids[front] for front in ids if front not in OUTSIDE}
    assert practice_fronts(run, "mls-c01") & {ids[front] for front in OUTSIDE}  # MLS-C01 keeps them

    run("exam", "set", "mla-c01", "--date", "2027-01-20")
    assert json.loads(run("exam", "status", "--json").stdout)["unseen"] == 4  # pacing counts exam cards only
    run("exam", "set", "mls-c01", "--date", "2027-01-20")
    assert json.loads(run("exam", "status", "--json").stdout)["unseen"] == 4 + len(OUTSIDE)


def test_a_mock_never_asks_a_card_outside_its_exam(run, tmp_path, export) -> None:
    run("import", write_notes(tmp_path, "relevance.md", NOTES))
    ids = {card["id"]: card["front"] for card in export()}
    output = [json.loads(line) for line in run("exam", "mock", "--seed", "2", input="a\n" * 80).stdout.splitlines()
              if line.strip()]
    asked = {ids[line["card"]] for line in output if "stem" in line}
    assert asked and not asked & OUTSIDE
    assert output[-1]["unseen"] == 4


def test_the_bundled_decks_keep_retired_services_and_trivia_out_of_mla_c01(run) -> None:
    run("import", "--bundled")
    domains = json.loads(run("exam", "domains", "--json").stdout)
    outside = {topic["topic"] for topic in domains["topics"] if topic["domain"] == "none"}
    for name in ("AWS DeepRacer", "Amazon Monitron", "Amazon Lookout", "AWS Panorama", "AWS DeepLens"):
        assert any(topic.endswith(f"› {name}") for topic in outside), name
    used = domains["bundled_cards"]
    assert used["mla-c01"]["cards"] == used["mla-c01"]["of"] - domains["outside_cards"] > 0
    assert used["mls-c01"]["cards"] == used["mls-c01"]["of"]
    assert "Bundled cards used: MLA-C01" in run("exam", "domains").stdout
    fronts = {card["front"] for card in json.loads(run("export", "--format", "json").stdout)}
    assert "Translate output controls" in fronts and "DeepRacer reward function" in fronts  # kept for study
