"""The question bank's parser (`mlsflash.study.bank`): each item type, each malformed case with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsflash.study.bank import BankItem, ItemType, is_bank, item_body, item_from_body, parse_bank

SAMPLE = (Path(__file__).parent / "fixtures" / "bank" / "sample-bank.md").read_text(encoding="utf-8")


def _items(text: str = SAMPLE) -> dict[str, BankItem]:
    parsed = parse_bank(text, "bank.md")
    return {item.id: item for item in parsed.items}


def _line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_the_marker_is_the_first_key_of_the_front_matter() -> None:
    assert is_bank(SAMPLE)
    assert is_bank("---\r\nmlsflash: questions\r\n---\r\n")
    assert not is_bank("---\ntitle: Notes\nmlsflash: questions\n---\n")
    assert not is_bank("# Notes\n\nmlsflash: questions\n")
    assert not is_bank("---\nmlsflash: cards\n---\n")


def test_every_item_type_is_read() -> None:
    parsed = parse_bank(SAMPLE, "bank.md")
    assert parsed.problems == []
    assert [(item.id, item.type) for item in parsed.items] == [
        ("t-1.1-001", ItemType.MULTIPLE_CHOICE), ("t-1.2-001", ItemType.MULTIPLE_RESPONSE),
        ("t-3.3-001", ItemType.ORDERING), ("t-2.1-001", ItemType.MATCHING),
        ("t-cs-4-01-q1", ItemType.MULTIPLE_CHOICE), ("t-cs-4-01-q2", ItemType.ORDERING),
        ("t-cs-4-01-q3", ItemType.MATCHING),
    ]


def test_multiple_choice() -> None:
    item = _items()["t-1.1-001"]
    assert (item.task, item.domain, item.choose, item.line, item.source_file) == ("1.1", 1, 1, 9, "bank.md")
    assert item.scenario.startswith(
        "A retailer streams click events to Amazon S3 as Parquet. The data can arrive late.\n\nWhich"
    )
    assert [choice.right for choice in item.choices] == [True, False, False, False]
    assert item.choices[1].why == "the EC2 consumer is infrastructure to run."
    assert item.checked == "2026-12"
    assert item.cards == (("AWS MLS Bundled: Data Engineering", "Kinesis Data Firehose"),)
    assert item.case_id is None and item.pairs == ()


def test_multiple_response_has_its_keys_and_sources() -> None:
    item = _items()["t-1.2-001"]
    assert item.choose == 2 and len(item.choices) == 5
    assert item.sources == (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/data-wrangler-transform.html",
        "https://aws.amazon.com/sagemaker/data-wrangler/",
    )


def test_ordering_keeps_the_steps_in_their_right_order() -> None:
    item = _items()["t-3.3-001"]
    assert [choice.text for choice in item.choices][0] == "Create the new model and endpoint configuration."
    assert all(choice.right for choice in item.choices) and len(item.choices) == 4
    assert item.choices[3].why == "blue is kept until the baking period ends, for rollback."


def test_matching_reads_the_table_rows() -> None:
    item = _items()["t-2.1-001"]
    assert [(pair.item, pair.match) for pair in item.pairs] == [
        ("Forecast demand for many products", "DeepAR"), ("Find anomalies in sensor readings", "Random Cut Forest"),
        ("Group customers by behaviour", "K-Means"),
    ]
    assert item.pairs[2].why == "K-Means clusters unlabelled records."


def test_a_case_study_gives_its_scenario_to_each_question() -> None:
    items = _items()
    questions = [item for item in items.values() if item.case_id == "t-cs-4-01"]
    assert [item.task for item in questions] == ["4.3", "4.1", "4.2"]
    assert {item.case_scenario for item in questions} == {
        "A bank runs a fraud model on a SageMaker endpoint. Its data holds card numbers. It must keep "
        "the data in its VPC and watch the model's quality."
    }
    assert "t-cs-4-01" not in items


def test_the_stored_body_gives_back_the_item() -> None:
    for item in _items().values():
        again = item_from_body(item.id, item.task, item.type, item_body(item), item.source_file)
        assert again == BankItem(**{**item.__dict__, "line": 0})


def test_wrapped_lines_continue_their_option_and_why() -> None:
    text = SAMPLE.replace(
        "  - Why: the EC2 consumer is infrastructure to run.",
        "  - Why: the EC2 consumer is\n    infrastructure to run.",
    )
    assert _items(text)["t-1.1-001"].choices[1].why == "the EC2 consumer is infrastructure to run."


def test_headings_in_fenced_code_are_text() -> None:
    text = SAMPLE.replace("Prose between items is ignored.", "```\n## x | 9.9 | nothing\n```")
    assert parse_bank(text, "bank.md").problems == []


MALFORMED = [
    # (what, old, new, line of the fragment reported, reason fragment)
    ("no key", "- [x] Send the events", "- [ ] Send the events", "## t-1.1-001", "no key"),
    ("two keys in a multiple choice", "- [ ] Write the events", "- [x] Write the events", "## t-1.1-001",
     "2 keys in a multiple choice"),
    ("key count not matching Choose TWO", "- [ ] Write a PySpark", "- [x] Write a PySpark", "## t-1.2-001",
     "3 keys, but the question says Choose TWO"),
    ("Choose THREE with two keys", "(Choose TWO.)", "(Choose THREE.)", "## t-1.2-001",
     "2 keys, but the question says Choose THREE"),
    ("multiple response without Choose", " (Choose TWO.)", "", "## t-1.2-001", "(Choose TWO.) or (Choose THREE.)"),
    ("an option without its Why", "  - Why: the EC2 consumer is infrastructure to run.\n", "",
     "- [ ] Write the events", "option without its `Why:`"),
    ("a step without its Why", "   - Why: this starts the green fleet.\n", "", "2. Update the endpoint",
     "step without its `Why:`"),
    ("two Whys", "  - Why: the EC2 consumer is infrastructure to run.\n",
     "  - Why: the EC2 consumer is infrastructure to run.\n  - Why: again.\n", "- [ ] Write the events",
     "2 `Why:` lines"),
    ("duplicate id", "## t-1.2-001 | 1.2", "## t-1.1-001 | 1.2", "## t-1.1-001 | 1.2",
     "duplicate id t-1.1-001 (first at line 9)"),
    ("unknown type", "| 3.3 | ordering", "| 3.3 | sequencing", "## t-3.3-001", "unknown type `sequencing`"),
    ("unknown task", "## t-2.1-001 | 2.1", "## t-2.1-001 | 5.1", "## t-2.1-001", "unknown task statement `5.1`"),
    ("no Source", "Source: https://docs.aws.amazon.com/sagemaker/latest/dg/algos.html\n", "", "## t-2.1-001",
     "no `Source: URL`"),
    ("a Source that is no URL", "Source: https://docs.aws.amazon.com/sagemaker/latest/dg/algos.html",
     "Source: the SageMaker guide", "Source: the SageMaker guide", "Source is URLs"),
    ("an ordering with fewer than 3 steps",
     "3. Shift traffic to the green fleet.\n   - Why: traffic moves only once green is healthy.\n"
     "4. Terminate the blue fleet after the baking period.\n"
     "   - Why: blue is kept until the baking period ends, for rollback.\n", "", "## t-3.3-001", "not 2"),
    ("a matching table without three columns", "| Item | Match | Why |\n|---|---|---|", "| Item | Match |\n|---|---|",
     "| Item | Match |", "three columns"),
    ("a matching row without three cells",
     "| Group customers by behaviour | K-Means | K-Means clusters unlabelled records. |",
     "| Group customers by behaviour | K-Means |", "| Group customers by behaviour", "three cells"),
    ("a bad Checked month", "Checked: 2026-11", "Checked: November", "Checked: November", "YYYY-MM"),
    ("Cards without a deck", "Cards: AWS MLS Bundled: Data Engineering › Kinesis Data Firehose",
     "Cards: Kinesis Data Firehose", "Cards: Kinesis", "DECK › TERM"),
    ("no scenario",
     "A team has a tabular dataset with missing values and outliers. It wants to clean it without code.\n\n"
     "Which actions meet these requirements? (Choose TWO.)\n", "", "## t-1.2-001", "no scenario"),
    ("options in an ordering", "1. Create the new model", "- [x] Create the new model", "- [x] Create the new model",
     "has numbered steps, not `- [x]` options"),
    ("a heading without three parts", "## t-2.1-001 | 2.1 | matching", "## t-2.1-001 | matching", "## t-2.1-001",
     "`## ID | TASK | TYPE`"),
    ("an id in capitals", "## t-2.1-001 |", "## T-2.1-001 |", "## T-2.1-001", "lowercase"),
    ("text after the answers", "Source: https://docs.aws.amazon.com/sagemaker/latest/dg/algos.html",
     "A stray remark.\n\nSource: https://docs.aws.amazon.com/sagemaker/latest/dg/algos.html", "A stray remark.",
     "text after the scenario"),
    ("a question outside a case study", "## t-1.2-001 | 1.2", "### t-1.2-001 | 1.2", "### t-1.2-001", "belongs under"),
]


@pytest.mark.parametrize(("what", "old", "new", "at", "reason"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_a_malformed_item_is_reported_at_its_line_and_skipped(
    what: str, old: str, new: str, at: str, reason: str
) -> None:
    assert old in SAMPLE
    text = SAMPLE.replace(old, new, 1)
    parsed = parse_bank(text, "bank.md")
    assert len(parsed.problems) == 1, parsed.problems
    line, said = parsed.problems[0]
    assert (line, reason in said) == (_line_of(text, at), True), said
    assert len(parsed.items) == 6  # the others still import


def test_a_case_study_with_a_bad_heading_skips_its_questions_once() -> None:
    text = SAMPLE.replace("## t-cs-4-01 | 4.1 | case-study", "## t-cs-4-01 | 9.1 | case-study")
    parsed = parse_bank(text, "bank.md")
    assert [line for line, _ in parsed.problems] == [_line_of(text, "## t-cs-4-01")]
    assert len(parsed.items) == 4


def test_a_case_study_without_questions_is_reported() -> None:
    text = SAMPLE + "\n## t-cs-1-02 | 1.1 | case-study\n\nA company has data.\n"
    parsed = parse_bank(text, "bank.md")
    reason = "t-cs-1-02: a case study needs `### ID | TASK | TYPE` questions"
    assert parsed.problems == [(_line_of(text, "## t-cs-1-02"), reason)]


def test_coverage_counts_items_per_task_and_type() -> None:
    from mlsflash.study.bank import coverage, coverage_markdown

    table = coverage(parse_bank(SAMPLE, "bank.md").items)
    assert table["all"] == {"multiple-choice": 2, "multiple-response": 1, "ordering": 2, "matching": 2,
                            "case studies": 1, "items": 7}
    assert table["4.1"] == {"multiple-choice": 0, "multiple-response": 0, "ordering": 1, "matching": 0,
                            "case studies": 1, "items": 1}
    assert table["1.3"]["items"] == 0
    markdown = coverage_markdown(parse_bank(SAMPLE, "bank.md").items)
    assert "| 3.3 | 0 | 0 | 1 | 0 | 0 | 1 |" in markdown and markdown.endswith("| **all** | 2 | 1 | 2 | 2 | 1 | 7 |")


def test_the_manuals_example_is_a_bank_with_one_item_of_each_type() -> None:
    manual = (Path(__file__).resolve().parents[1] / "docs" / "exam.md").read_text(encoding="utf-8")
    section = manual[manual.index("## Question bank"):]
    example = section[section.index("````markdown\n") + len("````markdown\n"):section.index("\n````\n")]
    assert is_bank(example)
    parsed = parse_bank(example, "docs/exam.md")
    assert parsed.problems == []
    assert [item.type for item in parsed.items] == [*ItemType, ItemType.MULTIPLE_CHOICE]
    assert parsed.items[-1].case_id == "my-cs-4-01"
