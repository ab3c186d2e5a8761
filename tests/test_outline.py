"""The outline reader (headings and one-line bullets read without markdown-it) gives what
markdown-it gives: the same tokens for every slice it accepts, the same cards for any text,
and it refuses what it does not know."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.common import utils as markdown_utils

from mlsflash.notes import outline
from mlsflash.notes.drafts import ParseOptions
from mlsflash.notes.parser import _parse_chunk, _read_runs, parse_in_chunks, parse_notes, split_chunks

ROOT = Path(__file__).resolve().parents[1]
READ_TYPES = {"list_item_open", "list_item_close", "paragraph_open", "inline", "heading_open", "heading_close"}


def markdown_it_tokens(lines: list[str], tables: bool) -> list[tuple]:
    parser = MarkdownIt("commonmark")
    if tables:
        parser.enable("table")
    return signature(parser.parse("\n".join(lines)))


def signature(tokens) -> list[tuple]:
    """What the parser reads of each token, adjacent text children joined (as it joins them)."""
    found = []
    for token in tokens:
        if token.type not in READ_TYPES:
            continue
        line = token.map[0] if token.type in ("list_item_open", "heading_open") else None
        level = token.level if token.type == "list_item_open" else None
        children: list[tuple[str, str, str]] = []
        for child in token.children or []:
            if child.type == "text" and children and children[-1][0] == "text":
                children[-1] = ("text", children[-1][1] + child.content, "")
            else:
                markup = child.markup if child.type == "code_inline" else ""
                children.append((child.type, child.content, markup))
        found.append((token.type, token.tag, line, level, tuple(children)))
    return found


def test_character_classes_are_markdown_its() -> None:
    assert outline.TRIM == markdown_utils.MD_TRIM_CHARS
    for code in range(0x30000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        character = chr(code)
        assert outline.is_whitespace(character) == markdown_utils.isWhiteSpace(code), hex(code)
        assert outline.is_punctuation(character) == (
            markdown_utils.isMdAsciiPunct(code) or markdown_utils.isPunctChar(character)
        ), hex(code)


# --- generated notes: the reader's subset and its near misses ------------------------------

WORDS = ["stream", "Kinesis", "shard", "é", "日本", "שלום", "🚀", "x\u200by", "a\u00a0b", "(note)", "v2.0", "50%"]
INLINE = [
    "**Term**", "**Term** - meaning", "`code`", "`` a ` b ``", "` spaced `", "`  `", "``", "`open", "**`code`**",
    "*em*", "_em_", "snake_case", "a * b", "a*b*c", "**", "***x***", "**a**b", "a**b**", "**(x)**", "**x**.",
    "__x__", "[a](b)", "[a]", "![i](p)", "&amp;", "&#35;", "Q&A", "<b>", "<https://x.y>", "\\*", "a\\", "~~x~~",
    "**a** or **b**", "**a `b` c**", "` ** `", "**x", "x**", "-> arrow", "|", "a | b", "#tag", "--", "**\t**",
]
BLOCK_STARTS = ["# h", "> q", "```", "~~~", "<div>", "[r]: /u", "- x", "* x", "+ x", "1. x", "1) x", "---", "* * *",
                "***", "-", ""]


SAFE_INLINE = [
    "**Term**", "**Term** - meaning", "`code`", "`` a ` b ``", "**`code`**", "**a `b` c**", "snake_case", "a * b",
    "**(x)**", "**x**.", "`open", "Q&A", "x [a]", "-> arrow", "x #tag", "**a** or **b**", "x --",
]


@st.composite
def text(draw, parts: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(parts), min_size=1, max_size=5))
    return draw(st.sampled_from([" ", " ", " ", "  ", "\t"])).join(chosen)


@st.composite
def clean_line(draw) -> str:
    """Mostly what the reader accepts (so whole slices are accepted often)."""
    kind = draw(st.sampled_from(["bullet"] * 8 + ["heading", "blank"]))
    if kind == "bullet":
        indent = " " * draw(st.sampled_from([0, 0, 2, 2, 4, 6, 1, 3]))
        marker, spaces = draw(st.sampled_from("*-+")), " " * draw(st.sampled_from([1, 1, 1, 2, 3]))
        return f"{indent}{marker}{spaces}{draw(text(WORDS + SAFE_INLINE))}"
    if kind == "heading":
        return f"{'#' * draw(st.integers(1, 6))} {draw(text(WORDS + SAFE_INLINE))}"
    return draw(st.sampled_from(["", "", "   "]))


@st.composite
def hostile_line(draw) -> str:
    """Near misses of every rule, and what the reader must refuse."""
    kind = draw(st.sampled_from(["bullet"] * 6 + ["heading", "heading", "blank", "other"]))
    if kind == "bullet":
        indent = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 8, 9, 12]))
        marker = draw(st.sampled_from(["*", "-", "+", "1.", "*\t", "\t*"]))
        spaces = " " * draw(st.sampled_from([1, 1, 1, 2, 4, 5, 0]))
        body = draw(st.one_of(text(WORDS + INLINE), text(WORDS + INLINE), st.sampled_from(BLOCK_STARTS)))
        tail = draw(st.sampled_from(["", "", "  ", "\t", " #"]))
        return f"{indent}{marker}{spaces}{body}{tail}"
    if kind == "heading":
        hashes = "#" * draw(st.sampled_from([1, 2, 3, 6, 7]))
        gap = draw(st.sampled_from([" ", " ", "\t", "", "  "]))
        closing = draw(st.sampled_from(["", "", " #", " ##  ", "#", " \\#"]))
        return f"{hashes}{gap}{draw(text(WORDS + INLINE))}{closing}"
    if kind == "blank":
        return draw(st.sampled_from(["", "", "   ", "\t"]))
    return draw(st.sampled_from(["plain paragraph", "    indented", "===", "---", "```", "```bash", "    ```",
                                 "<!-- c -->", "> q", "| a | b |", "|---|---|", "\u00a0", "x\x00y", "\f"]))


def line() -> st.SearchStrategy[str]:
    return st.one_of(clean_line(), clean_line(), clean_line(), clean_line(), clean_line(), clean_line(), hostile_line())


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line(), min_size=1, max_size=25), st.booleans())
def test_an_accepted_slice_has_markdown_its_tokens(lines: list[str], tables: bool) -> None:
    read = outline.read(lines, tables)
    if read is not None:
        assert signature(read) == markdown_it_tokens(lines, tables)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@st.composite
def outline_lines(draw) -> list[str]:
    """A well-nested outline: each bullet at most one level below the one before it."""
    width = draw(st.sampled_from([2, 4]))  # indentation per level, as editors write it
    lines, depth = [], 0
    for _ in range(draw(st.integers(10, 40))):
        kind = draw(st.sampled_from(["bullet"] * 8 + ["heading", "blank"]))
        if kind == "heading":
            lines.append(f"{'#' * draw(st.integers(1, 6))} {draw(text(WORDS + SAFE_INLINE))}")
            depth = 0
        elif kind == "blank":
            lines.append("")
        else:
            depth = draw(st.integers(0, depth + 1)) if lines else 0
            lines.append(f"{' ' * (width * depth)}{draw(st.sampled_from('*-+'))} {draw(text(WORDS + SAFE_INLINE))}")
            depth += 1
    return lines


@given(outline_lines(), st.booleans())
def test_long_outlines_have_markdown_its_tokens(lines: list[str], tables: bool) -> None:
    read = outline.read(lines, tables)
    if read is not None:
        assert signature(read) == markdown_it_tokens(lines, tables)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line(), min_size=1, max_size=40), st.booleans(), st.booleans())
def test_cards_are_the_same_with_or_without_the_outline_reader(lines: list[str], tables: bool, prose: bool) -> None:
    options = ParseOptions(tables=tables, prose=prose)
    chunk = split_chunks("\n".join(lines), 1, options)[0]
    assert _parse_chunk(chunk, outline=True) == _parse_chunk(chunk, outline=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("*_`ab [](){}<>&#;!\\- \t\u00a0é.")), max_size=30))
def test_inline_text_read_or_refused_like_markdown_it(content: str) -> None:
    content = content.strip(outline.TRIM)
    children = outline.inline(content)
    if children is not None:
        assert signature([outline.Token("inline", children=children)]) == signature(
            MarkdownIt("commonmark").parseInline(content)
        )


def test_the_subset_is_not_empty() -> None:
    """The properties above hold trivially if the reader refuses everything."""
    accepted = [
        "# Title", "## Streams [x]", "* **Kinesis** - streams", "  - `shard`: a unit", "   + **a `b` c** -> d",
        "* plain 🚀 שלום - text", "* snake_case - intraword", "* a * b - spaced star", "* **(x)** - punctuation",
    ]
    for sample in accepted:
        assert outline.read([sample]) is not None, sample
    refused = ["para", "    code", "* *em*", "* _em_", "* [a](b)", "* &amp;", "* <b>", "* \\*", "* - nested",
               "* # h", "* > q", "* 1. x", "# closed #", "* ***x***", "\t* tab", "* a | b"]
    for sample in refused:
        assert outline.read([sample], tables=True) is None, sample


def notes_files() -> list[Path]:
    found = [*ROOT.glob("decks/**/*.md"), *ROOT.glob("tests/**/*.md")]
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        found += shared.glob("**/*.md")
    return sorted(found)


@pytest.mark.parametrize("path", notes_files(), ids=lambda path: path.name)
def test_every_notes_file_gives_the_same_cards_either_way(path: Path) -> None:
    source = path.read_text(encoding="utf-8", errors="replace")
    for options in (ParseOptions(), ParseOptions(tables=False), ParseOptions(prose=True)):
        chunk = split_chunks(source, 1, options)[0]
        assert _parse_chunk(chunk, outline=True) == _parse_chunk(chunk, outline=False)


def test_outline_notes_are_read_whole_by_the_outline_reader() -> None:
    """The learner's style (headings, bullets, bold terms, code) never reaches markdown-it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import notes_text
    finally:
        sys.path.pop(0)
    runs = _read_runs(notes_text(0.5), tables=True)
    assert runs is not None and len(runs) > 20
    assert not any(run.by_markdown_it for run in runs)


def test_a_slice_the_reader_refuses_goes_to_markdown_it_and_keeps_its_neighbours() -> None:
    source = "# T\n\n## A\n\n* **a** - one\n\n## B\n\nA paragraph.\n\n* *b* - two\n\n## C\n\n* **c** - three\n"
    runs = _read_runs(source, tables=True)
    assert runs is not None
    assert [run.by_markdown_it for run in runs] == [False, False, True, False]


@pytest.mark.parametrize("trap", [
    "## A\n\n```\n## B\n\n* **b** - inside a fence\n",  # a fence open to the end swallows the next slice
    "## A\n\n<div>\n## B\n* **b** - inside HTML\n",  # an HTML block runs on to a blank line
    "## A\n\n[ref]: https://example.com\n\n## B\n\n* **b** - [ref]\n",  # a definition reaches everywhere
    # an unclosed fence whose last line looks like a closing one, but is indented as code
    "## A\n\n* **a** - one\n```bash\npip install x\n    ```\n## B\n* **b** - two\n",
])
def test_a_cut_that_would_change_markdown_its_reading_is_refused(trap: str) -> None:
    assert _read_runs(trap, tables=False) is None


def test_an_unclosed_fence_hides_every_later_bullet_whatever_else_the_notes_hold() -> None:
    """Found by a hostile pass: a fence left open, then an indented fence line before a heading.
    An unrelated edit elsewhere (inline HTML, which the outline reader refuses) must not bring
    the later bullets back as cards: markdown-it reads them as code either way."""
    plain = "# Deck\n## Setup\n* **Install** - the installer\n```bash\npip install x\n    ```\n## Later\n" \
            "* **Term** - definition\n* **Other** - another card\n"
    edited = plain.replace("another card", "another <b>card</b>")
    for source in (plain, edited):
        fronts = [draft.front_plain for draft in parse_notes(source).drafts]
        assert fronts == ["Install"], fronts
        assert parse_in_chunks(source, 3) == parse_notes(source)


def test_notes_in_the_outline_subset_never_load_markdown_it() -> None:
    code = (
        "import sys\nfrom mlsflash.notes.parser import parse_notes\n"
        "parsed = parse_notes('# T\\n\\n## S\\n\\n* **a** - one\\n    * `b`: two\\n')\n"
        "assert len(parsed.drafts) == 2, parsed\n"
        "print('markdown_it' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")}).stdout
    assert output.strip() == "False"
