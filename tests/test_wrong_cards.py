"""Issue 31: the wrong-card guards of parser version 8 (docs/notes-format.md, "The notes format"), each
pattern with a look-alike that must still make its card; and what a re-import does with a
card the guards no longer make."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import rows, write_notes
from mlsflash.notes.parser import parse_notes


def cards(text: str) -> list[tuple[str, str]]:
    return [(draft.front_plain, draft.back_plain) for draft in parse_notes(f"# Deck\n\n## Topic\n\n{text}\n").drafts]


# (pattern, the wrong card's look-alike, what it makes now, a look-alike that stays a card, its card)
GUARDS = [
    ("separator-inside-parentheses", "* Open port (NFS -> TCP 2049) from the client", [],
     "* Open port (NFS) -> TCP 2049", [("Open port (NFS)", "TCP 2049")]),
    ("dash-inside-parentheses", "* Cache (for example - Redis) near the app", [],
     "* Cache (Redis) - near the app", [("Cache (Redis)", "near the app")]),
    ("fragment-before-arrow", "* Bound to the Region -> copy to share", [],
     "* Point in time recovery -> restore to any second", [("Point in time recovery", "restore to any second")]),
    ("fragment-before-new-arrow", "* Reduce columns from 1000 → 50", [],
     "* Dimensionality reduction → fewer columns", [("Dimensionality reduction", "fewer columns")]),
    ("emphasized-property-phrase", "* **Works on numeric data** - multi-dimensional", [],
     "* **Numeric features** - multi-dimensional", [("Numeric features", "multi-dimensional")]),
    ("fragment-only-before-an-arrow", "* Bound to the Region -> copy to share", [],
     "* **Trend in a time series** - a long rise", [("Trend in a time series", "a long rise")]),
    ("label-behind-emphasis", "* **Note**: keep it short", [],
     "* **Docs**: the developer guide", [("Docs", "the developer guide")]),
    ("label-behind-emoji", '* 💡 Good metric: "queue depth"', [],
     "* Good metric: a measure that tracks the goal", [("Good metric", "a measure that tracks the goal")]),
    ("dash-inside-html-bold", "* <b>Server-Side Encryption - Client-Side Encryption</b>", [],
     "* <b>Server-Side Encryption</b> - keys kept by AWS", [("Server-Side Encryption", "keys kept by AWS")]),
    ("dash-inside-spelled-out-name", "* Convolutional Neural Network - Quantile Regression", [],
     "* Convolutional Neural Network - a network of filters",
     [("Convolutional Neural Network", "a network of filters")]),
    ("code-example-as-term", "* `a=np.ones(5)` - dot is vectorized", [],
     "* `np.dot()` - a vectorized product", [("np.dot()", "a vectorized product")]),
    ("data-literal-as-answer", "* Topic 1: {...}", [],
     "* Topic model: groups words into topics", [("Topic model", "groups words into topics")]),
    ("metric-value-as-answer", "* Training error: 1%", [],
     "* Durability: 99.999999999%", [("Durability", "99.999999999%")]),
    ("loop-over-steps", "* Loop:\n  * pick a point\n  * move the centroid", [],
     "* Loop unrolling:\n  * copies the body\n  * fewer jumps",
     [("Loop unrolling", "- copies the body\n- fewer jumps")]),
    ("imperative-behind-emphasis", "* **Audit Regularly**:\n  * check logs\n  * rotate keys", [],
     "* **Audit Logs**:\n  * who did what\n  * kept in S3", [("Audit Logs", "- who did what\n- kept in S3")]),
    ("imperative-plain", "* configure root volume - where the OS lives", [],
     "* root volume - where the OS lives", [("root volume", "where the OS lives")]),
    ("doubled-arrow-emphasized", "* **X** --> Y", [("X", "Y")],
     "* **Kinesis** -> streams", [("Kinesis", "streams")]),
    # `(x = m)` is a formula: no card (version 8 also reads ` = ` definitions, and a term never
    # stops inside its parentheses); what matters is that no `(x =` front is left.
    ("doubled-arrow-plain", "* (x = m) ==> Y", [],
     "* Model size ==> Y", [("Model size", "Y")]),
    ("verb-phrase-front", "* Ingests audio data -> transcribe", [],
     "* Audio data -> transcribe", [("Audio data", "transcribe")]),
    ("description-front", "* Collection of EC2 instances -> each one is a node", [],
     "* EC2 instances -> virtual servers", [("EC2 instances", "virtual servers")]),
    # found on held-out notes (benchmarks/judged/heldout), written after version 8
    ("someones-example", "* prof's example: a lawyer who types fast", [],
     "* Example bias: training on what is easy to find", [("Example bias", "training on what is easy to find")]),
    ("my-mnemonic", "* my mnemonic: PMAT", [],
     "* Mnemonic device - a memory aid", [("Mnemonic device", "a memory aid")]),
    ("course-logistics", "* midterm: Oct 14, room 204", [],
     "* Midterm election: halfway through a term", [("Midterm election", "halfway through a term")]),
    ("pair-of-names", "* Vertical Scaling - Horizontal Scaling", [],
     "* Vertical Scaling - a bigger instance", [("Vertical Scaling", "a bigger instance")]),
    ("task-list-item", "* [ ] Anki: add the false friends", [],
     "* Anki: a flashcard program", [("Anki", "a flashcard program")]),
    ("done-task-list-item", "* [x] lab 3 - hand in the report", [],
     "* Lab 3 - titration of acetic acid", [("Lab 3", "titration of acetic acid")]),
    ("example-opener", "* e.g. fraud -> care about recall", [],
     "* fraud detection -> care about recall", [("fraud detection", "care about recall")]),
    ("study-task", "* open the Spark UI: Stages tab, sort by duration", [],
     "* Open addressing: probe the next slot", [("Open addressing", "probe the next slot")]),
    ("appointment-weekday", "* study group: Tues 6pm, library", [],
     "* Study group: learners who meet to revise", [("Study group", "learners who meet to revise")]),
    ("appointment-date", "* Homework 5 due: Dec 1, 11:59 pm", [],
     "* Battle of Hastings: Oct 14, 1066", [("Battle of Hastings", "Oct 14, 1066")]),
    ("remark-answer", "* CSV - please no", [],
     "* CSV - comma-separated values", [("CSV", "comma-separated values")]),
    ("remark-answer-dont", "* s3 storage classes - dont memorize all of them", [],
     "* s3 storage classes - Standard, IA, Glacier", [("s3 storage classes", "Standard, IA, Glacier")]),
    ("open-question-answer", "* rows/cols: actual on rows i think?? check", [],
     "* rows: the actual class", [("rows", "the actual class")]),
    ("remark-answer-bang", "* cyanide blocks complex IV: ! know this for the exam", [],
     "* cyanide: blocks complex IV", [("cyanide", "blocks complex IV")]),
    ("remark-answer-also", "* Class imbalance: also try class weights", [],
     "* Class imbalance: one class far outnumbers the others",
     [("Class imbalance", "one class far outnumbers the others")]),
    ("task-pick-the", "* pick the auxiliary: haben, or sein for movement", [],
     "* Pick list: the items to collect for an order", [("Pick list", "the items to collect for an order")]),
    ("fragment-opening-with-a-preposition", "* under anaerobic conditions pyruvate → lactate", [],
     "* At rest: KMS keys", [("At rest", "KMS keys")]),
    ("preposition-over-children-stays", "* under anaerobic conditions pyruvate → lactate", [],
     "* to keep task active:\n  * send heartbeats\n  * raise the timeout",
     [("to keep task active", "- send heartbeats\n- raise the timeout")]),
    ("pair-not-a-spelled-out-name", "* Vertical Scaling - Horizontal Scaling", [],
     "* ROC Curve - Receiver Operating Characteristic Curve", [("ROC Curve", "Receiver Operating Characteristic Curve")]),
]


@pytest.mark.parametrize(
    ("wrong", "now", "look_alike", "card"), [case[1:] for case in GUARDS], ids=[case[0] for case in GUARDS]
)
def test_a_wrong_card_pattern_is_guarded_and_its_look_alike_stays_a_card(
    wrong: str, now: list[tuple[str, str]], look_alike: str, card: list[tuple[str, str]]
) -> None:
    assert cards(wrong) == now
    assert cards(look_alike) == card


def test_a_verb_over_child_bullets_still_heads_a_list_card() -> None:
    assert cards("* Supports many formats:\n  * CSV\n  * JSON") == [("Supports many formats", "- CSV\n- JSON")]


@pytest.mark.parametrize("heading", ["<h3>Storage</h3>", '<h3 id="storage">Storage</h3>'])
def test_an_html_heading_names_the_context_as_a_markdown_heading_does(heading: str) -> None:
    drafts = parse_notes(f"# Deck\n\n{heading}\n\n* Output: the files\n").drafts
    assert [(draft.context, draft.front_plain) for draft in drafts] == [(("Storage",), "Output")]


def test_a_card_the_guards_no_longer_make_retires_on_reimport_with_its_history(
    run, env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlsflash.notes import importer, parser

    text = "# Deck\n\n* charges by the hour -> plus EC2 charges\n* Kinesis -> streams\n"
    notes = write_notes(tmp_path, "notes.md", text)
    with monkeypatch.context() as before:  # the rules of version 7, which made the wrong card
        before.setattr(importer, "PARSER_VERSION", "7")
        before.setattr(parser, "_misread", lambda split, pieces: False)
        run("import", notes)
        run("review", input="4\n4\n")
    wrong = {card["front"]: card for card in json.loads(run("export").stdout)}["charges by the hour"]
    reviews = rows(env, "SELECT COUNT(*) FROM reviews WHERE card_id = ?", wrong["id"])

    report = run("import", notes).stdout

    assert re.search(r"notes\.md +0 +0 +1 +0 +1 +0 +1\n", report), report  # added … retired, revived, skipped
    assert "notes.md:3: 'charges by the hour' reads as" in report
    exported = {card["front"]: card for card in json.loads(run("export").stdout)}
    assert exported["charges by the hour"]["status"] == "retired"
    assert exported["charges by the hour"]["id"] == wrong["id"]
    assert exported["Kinesis"]["status"] != "retired"
    assert reviews == [(1,)]
    assert rows(env, "SELECT COUNT(*) FROM reviews WHERE card_id = ?", wrong["id"]) == reviews
