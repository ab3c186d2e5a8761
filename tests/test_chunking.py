"""Parsing a large file in chunks (as the importer's worker processes do) gives exactly what
parsing it whole gives, for any text: cuts that markdown-it does not confirm are refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsflash.notes.parser import merge_chunks, parse_chunk, parse_in_chunks, parse_notes, split_chunks

TERMS = st.sampled_from(["**Shard**", "`Crawler`", "Bucket", "*Glue*", "**A** or **B**", "é ü", "list[int]"])
SEPARATORS = st.sampled_from([" - ", " -> ", ": ", " — "])

# Lines that open or close something a heading may sit inside (or seem to).
TRICKY = [
    "```", "~~~", "````", "  ```", "    ```", "<!--", "-->", "<!-- one line -->", "<div>", "</div>", "<pre>",
    "</pre>", "<script>", "</script>", "<?php", "?>", "<![CDATA[", "]]>", "<!DOCTYPE x", ">", "> quote",
    "> ```", "    indented code", "[ref]: https://example.com", "[ref]", "===", "---", "Setext", "***", "Setext\n===", "Level two\n---", "<div>\n## B",
    "\u2028", "\u2029 text", "\x85", "\u200b**Zero**\u200b - width", "\ufeff- **bom** - x", "\r",
]


@st.composite
def line(draw) -> str:
    kind = draw(st.sampled_from(["bullet", "bullet", "heading", "heading", "tricky", "tricky", "blank", "text"]))
    if kind == "bullet":
        indent = " " * draw(st.sampled_from([0, 0, 2, 4, 6]))
        marker = draw(st.sampled_from(["*", "-", "1."]))
        return f"{indent}{marker} {draw(TERMS)}{draw(SEPARATORS)}{draw(st.sampled_from(['one', 'two', 'see [ref]']))}"
    if kind == "heading":
        return f"{'#' * draw(st.integers(1, 3))} {draw(st.sampled_from(['A', 'B', 'Streams [x]', 'C']))}"
    if kind == "tricky":
        return draw(st.sampled_from(TRICKY))
    if kind == "blank":
        return ""
    return draw(st.sampled_from(["plain text", "more <!-- inline", "end -->", "`code`"]))


@st.composite
def notes(draw) -> str:
    lines = draw(st.lists(line(), min_size=1, max_size=60))
    if draw(st.booleans()):
        lines = ["---", "title: Fronted", "---", *lines]
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(), st.sampled_from([2, 3, 5, 8]))
def test_chunked_parsing_equals_whole_parsing(text: str, parts: int) -> None:
    assert parse_in_chunks(text, parts) == parse_notes(text)


CLEAN = "".join(
    f"## Section {n}\n\n* **Term {n}** - meaning {n}\n    * detail\n* Short {n} -> see [ref]\n\n" for n in range(40)
)


@pytest.mark.parametrize("parts", [2, 3, 4, 8, 16])
def test_ordinary_notes_are_really_cut_and_every_cut_is_confirmed(parts: int) -> None:
    chunks = split_chunks("# Deck\n\n" + CLEAN, parts)
    assert len(chunks) == parts
    assert merge_chunks(chunks, [parse_chunk(chunk) for chunk in chunks]) == parse_notes("# Deck\n\n" + CLEAN)


@pytest.mark.parametrize(
    "trap",
    [
        "<!--\n",  # an HTML comment left open over a heading
        "- item\n  ```\n```\n",  # a fence in a list closed, then a new top-level fence opened
        "<div>\n",  # an HTML block runs until a blank line
        "Title\n=====\n",  # a setext heading the quick look does not see
        "[ref]: https://example.com\n",  # references reach across chunks
    ],
)
def test_a_cut_inside_something_open_is_refused(trap: str) -> None:
    sections = CLEAN.split("## ")
    half = len(sections) // 2
    text = "# Deck\n\n" + "## ".join(sections[:half]) + trap + "## " + "## ".join(sections[half:])
    whole = parse_notes(text)
    assert parse_in_chunks(text, 4) == whole
    assert parse_in_chunks(text, 4) != parse_notes(text.replace(trap, ""))  # the trap matters


def test_line_numbers_count_newlines_only() -> None:
    text = "# D\n\nsome\u2028text\x85here\u2029\n\n* **Late** - card\n"
    (draft,) = parse_notes(text).drafts
    assert draft.line == 5


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_worker_processes_give_the_whole_file_result_with_either_start_method(start_method: str) -> None:
    """spawn is what the import uses where fork does not exist (Windows) or is unsafe (macOS)."""
    import multiprocessing

    from mlsflash.notes.importer import NotesFile, Parsing

    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {start_method} here")
    text = "# Deck\n\n" + CLEAN * 3
    parsed = Parsing([NotesFile("/x.md", "x.md", text, "digest")], start_method=start_method).results()
    assert parsed["/x.md"] == parse_notes(text)


def test_worker_processes_parse_with_each_files_options() -> None:
    import multiprocessing

    from mlsflash.notes.drafts import ParseOptions
    from mlsflash.notes.importer import NotesFile, Parsing, parse_files

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here")
    text = "# Deck\n\n" + CLEAN * 3 + "\n- Vault is a store\n\n| Service | Kind |\n|---|---|\n| Queue | buffer |\n"
    options = {"/x.md": ParseOptions(prose=True, tables=False), "/y.md": ParseOptions()}
    files = [NotesFile("/x.md", "x.md", text, "digest"), NotesFile("/y.md", "y.md", text, "digest")]
    parsed = Parsing(files, start_method="fork", options=options).results()
    for source, wanted in options.items():
        assert parsed[source] == parse_notes(text, options=wanted)
    assert parsed["/x.md"] != parsed["/y.md"]
    # results parsed with other options than wanted are parsed again
    again = parse_files(files, Parsing(files, start_method="fork"), options)
    assert again["/x.md"] == parse_notes(text, options=options["/x.md"])


def test_a_large_file_is_cut_into_slices_of_at_most_a_mebibyte_per_worker_job():
    """A worker holds the tokens of its whole slice: the slice size, not the file size, bounds it."""
    from mlsflash.notes.importer import MAX_SLICE_BYTES, _parts

    assert _parts(1_500_000, 2, 1_500_000) == 2  # one slice per core
    assert _parts(7_500_000, 2, 7_500_000) == 8  # 100x notes: eight slices, two workers
    assert _parts(100, 2, 200) == 1
    assert _parts(3 * MAX_SLICE_BYTES + 1, 2, 3 * MAX_SLICE_BYTES + 1) == 4
