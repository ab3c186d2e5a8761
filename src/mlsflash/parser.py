"""Markdown notes -> card drafts. Pure: text in, drafts and warnings out.

Two passes over markdown-it-py's token stream: `_build_tree` turns list items into
a tree of `_Item`s (each with its heading path), then `_emit` walks the tree in note
order and classifies each item's own inline text with small classifiers
(`_split_emphasized`, `_split_plain`) into a term card, a list card, or no card.

Large notes can be cut at `#`/`##` headings (`split_chunks`), parsed apart (`parse_chunk`,
in worker processes when the importer wants) and joined (`merge_chunks`): the result is
exactly that of parsing the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Sequence

from mlsflash.model import CardDraft, Direction, ParsedNotes, ParseWarning

if TYPE_CHECKING:
    from markdown_it.token import Token

MAX_TERM_CHARS = 80
MAX_PLAIN_TERM_WORDS = 4
MAX_CONTEXT_WORDS = 8
CLAUSE_WORDS = frozenset({"is", "are", "can", "was", "be", "not"})

# After an emphasized term: `-`, `–`, `—` (not glued to a word), `->`, or `:` then a space or the end.
_EMPHASIZED_SEPARATOR = re.compile(r"\s*(?:->|[-–—](?=\s|$)|:(?=\s|$))\s*")
# Several emphasized spans joined into one term: `**A** or **B**`, `` `a` / `b` ``.
_TERM_CONNECTOR = re.compile(r"\s*(?:,\s*or|or|/|&|,)\s*")
# After a plain term: a spaced dash, or an arrow with or without spaces.
_PLAIN_SEPARATOR = re.compile(r"\s+[-–—](?:\s+|$)|\s*->\s*")
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_ALNUM = re.compile(r"[\W_]+")

_EMPHASIS_KINDS = frozenset({"strong", "em", "code"})


@dataclass(frozen=True)
class _Piece:
    """A run of inline content: plain text, or one atomic span (emphasis, code, link)."""

    kind: str  # text | strong | em | code | link
    plain: str
    span_markup: str = ""  # the Markdown of a span; text escapes its own on demand

    @property
    def markup(self) -> str:
        if self.kind == "text":
            return _MARKUP_CHARS.sub(r"\\\1", self.plain)  # literal stars and backticks stay literal
        return self.span_markup


@dataclass
class _Item:
    line: int
    headings: tuple[str, ...]
    pieces: list[_Piece] = field(default_factory=list)
    extra_lines: list[list[_Piece]] = field(default_factory=list)
    children: list[_Item] = field(default_factory=list)
    has_text: bool = False
    split: _Split | None = None  # memo of _classify


@dataclass(frozen=True)
class _Split:
    """The classification of one item: a card with its term and definition, or a skip reason."""

    term: list[_Piece] = field(default_factory=list)
    definition: list[_Piece] = field(default_factory=list)
    is_list: bool = False
    warning: str | None = None
    label: list[_Piece] = field(default_factory=list)  # a skipped term still names its children's context

    @cached_property
    def term_plain(self) -> str:
        return _plain(self.term)

    @cached_property
    def definition_plain(self) -> str:
        return _plain(self.definition)


def parse_notes(text: str, *, reverse: bool = False) -> ParsedNotes:
    """Parse Markdown notes into card drafts in note order, plus warnings for skipped bullets.

    With `reverse`, each term card is followed by its definition->term card.
    """
    parsed = merge_chunks([parse_chunk(Chunk(text=text))])
    return with_reverse(parsed) if reverse else parsed


@dataclass(frozen=True)
class Chunk:
    """A slice of a notes file that starts at a `#`/`##` heading, with the state before it."""

    text: str
    first_line: int = 1
    title: str | None = None  # the deck title, when an earlier chunk had it
    headings: tuple[tuple[int, str], ...] = ()  # open headings at the start of the chunk


@dataclass(frozen=True)
class ChunkResult:
    title: str | None
    drafts: tuple[CardDraft, ...]  # occurrences not numbered yet
    warnings: tuple[ParseWarning, ...]


_ATX = re.compile(r"^ {0,3}(#{1,2})(?:[ \t]+|$)(.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCKS_THAT_CROSS_HEADINGS = re.compile(r"^ {0,3}(?:=+[ \t]*$|\[[^\]]+\]:)", re.MULTILINE)


def split_chunks(text: str, parts: int) -> list[Chunk]:
    """Cut notes into about `parts` slices at `#`/`##` headings outside code fences, each with
    the heading state before it, so that parsing the slices apart gives what parsing the whole
    gives: no list item, paragraph or fence crosses such a heading. Notes with a setext `===`
    heading or a link reference definition (both can reach across headings) stay whole."""
    if parts < 2 or _BLOCKS_THAT_CROSS_HEADINGS.search(text):
        return [Chunk(text=text)]
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    target = len(text) / parts
    cuts: list[int] = []
    for number, line in _outside_fences(lines):
        if len(cuts) < parts - 1 and offsets[number] >= target * (len(cuts) + 1) and _ATX.match(line):
            cuts.append(number)
    if not cuts:
        return [Chunk(text=text)]
    return _chunks_at(lines, cuts)


def _outside_fences(lines: Sequence[str], start: int = 0) -> Iterator[tuple[int, str]]:
    """(number, line) of the lines that are not inside a fenced code block."""
    fence: str | None = None
    for number in range(start, len(lines)):
        line = lines[number]
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker):].strip():
                fence = None
            continue
        if fence is None:
            yield number, line


def _chunks_at(lines: list[str], cuts: list[int]) -> list[Chunk]:
    from markdown_it import MarkdownIt

    inline_parser = MarkdownIt("commonmark")

    def plain(raw: str) -> str:
        tokens = inline_parser.parseInline(raw.strip().rstrip("#").strip())
        return _plain(_pieces(tokens[0].children or [])) if tokens else ""

    chunks: list[Chunk] = []
    title: str | None = None
    headings: list[tuple[int, str]] = []  # raw heading text: only those open at a cut get parsed
    starts = [0, *cuts]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        open_headings = tuple((level, plain(raw)) for level, raw in headings)
        chunks.append(Chunk("".join(lines[start:end]), start + 1, title, open_headings))
        for _, line in _outside_fences(lines[:end], start):  # the heading state this slice leaves behind
            match = _ATX.match(line)
            if not match:
                continue
            level = len(match.group(1))
            headings = [entry for entry in headings if entry[0] < level]
            if level == 1 and title is None:
                title = plain(match.group(2))
            else:
                headings.append((level, match.group(2)))
    return chunks


def parse_chunk(chunk: Chunk) -> ChunkResult:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(chunk.text)
    title, roots = _build_tree(tokens, chunk)
    drafts: list[CardDraft] = []
    warnings: list[ParseWarning] = []
    for root in roots:
        _emit(root, root.headings, drafts, warnings)
    for draft in drafts:  # computed here, so a parallel parse hands them over ready
        draft.base_key, draft.definition_key  # noqa: B018
    return ChunkResult(title=title, drafts=tuple(drafts), warnings=tuple(warnings))


def merge_chunks(results: Sequence[ChunkResult]) -> ParsedNotes:
    title = next((result.title for result in results if result.title is not None), None)
    drafts = [draft for result in results for draft in result.drafts]
    warnings = tuple(warning for result in results for warning in result.warnings)
    return ParsedNotes(title=title, drafts=tuple(_number_occurrences(drafts)), warnings=warnings)


def with_reverse(parsed: ParsedNotes) -> ParsedNotes:
    """The same notes with a definition->term card after each term card (list cards have none)."""
    drafts: list[CardDraft] = []
    for draft in parsed.drafts:
        drafts.append(draft)
        if not draft.is_list and draft.direction is Direction.FORWARD:
            drafts.append(
                replace(
                    draft, front=draft.back, back=draft.front, front_plain=draft.back_plain,
                    back_plain=draft.front_plain, direction=Direction.REVERSE,
                )
            )
    return replace(parsed, drafts=tuple(_number_occurrences(drafts)))


# --- pass 1: tokens -> item tree ---------------------------------------------------------


def _build_tree(tokens: Sequence[Token], chunk: Chunk) -> tuple[str | None, list[_Item]]:
    title = chunk.title
    headings = list(chunk.headings)  # (level, plain text), the deck title excluded
    heading_path = tuple(text for _, text in headings)
    line_offset = chunk.first_line - 1
    roots: list[_Item] = []
    open_items: list[_Item] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open" and not open_items:
            level = int(token.tag[1:])
            heading = _plain(_pieces(tokens[index + 1].children or []))
            while headings and headings[-1][0] >= level:
                headings.pop()
            if level == 1 and title is None:
                title = heading  # names the deck, so it is not part of any context
            else:
                headings.append((level, heading))
            heading_path = tuple(text for _, text in headings)
            index += 3
            continue
        if kind == "list_item_open":
            line = token.map[0] + 1 + line_offset if token.map else 0
            item = _Item(line=line, headings=heading_path)
            (open_items[-1].children if open_items else roots).append(item)
            open_items.append(item)
        elif kind == "list_item_close":
            open_items.pop()
        elif kind == "inline" and open_items and tokens[index - 1].type == "paragraph_open":
            item = open_items[-1]
            pieces = _pieces(token.children or [])
            if not item.has_text:
                item.pieces, item.has_text = pieces, True
            elif pieces:
                item.extra_lines.append(pieces)
        index += 1
    return title, roots


def _pieces(children: Sequence[Token]) -> list[_Piece]:
    """Flatten inline tokens into text runs and atomic spans; URLs, images and HTML are dropped."""
    pieces: list[_Piece] = []
    index = 0
    while index < len(children):
        token = children[index]
        kind = token.type
        if kind in ("strong_open", "em_open", "link_open"):
            close = _matching_close(children, index)
            inner = _pieces(children[index + 1 : close])
            plain, markup = _plain(inner), "".join(piece.markup for piece in inner)
            if kind == "strong_open":
                pieces.append(_Piece("strong", plain, f"**{markup}**"))
            elif kind == "em_open":
                pieces.append(_Piece("em", plain, f"*{markup}*"))
            else:
                pieces.append(_Piece("link", plain, markup))
            index = close + 1
            continue
        if kind == "code_inline":
            fence = "``" if "`" in token.content else "`"
            pieces.append(_Piece("code", token.content, f"{fence}{token.content}{fence}"))
        elif kind == "text":
            _append_text(pieces, token.content)
        elif kind in ("softbreak", "hardbreak"):
            _append_text(pieces, " ")
        index += 1
    return pieces


def _matching_close(children: Sequence[Token], open_index: int) -> int:
    opening = children[open_index].type
    closing = opening.replace("_open", "_close")
    depth = 0
    for index in range(open_index, len(children)):
        if children[index].type == opening:
            depth += 1
        elif children[index].type == closing:
            depth -= 1
            if depth == 0:
                return index
    return len(children) - 1


_MARKUP_CHARS = re.compile(r"([\\`*_])")


def _append_text(pieces: list[_Piece], text: str) -> None:
    if pieces and pieces[-1].kind == "text":
        text = pieces.pop().plain + text
    pieces.append(_text_piece(text))


def _plain(pieces: Sequence[_Piece]) -> str:
    return " ".join("".join(piece.plain for piece in pieces).split())


def _markup(pieces: Sequence[_Piece]) -> str:
    return " ".join("".join(piece.markup for piece in pieces).split())


# --- pass 2: classify items and emit drafts ---------------------------------------------


def _emit(
    item: _Item,
    context: tuple[str, ...],
    drafts: list[CardDraft],
    warnings: list[ParseWarning],
) -> None:
    split = _classify(item)
    if split.warning:
        warnings.append(ParseWarning(item.line, split.warning))
    if split.term:
        drafts.append(_draft_for(item, split, context))
    entry = _context_entry(item, split)
    child_context = context
    if entry and not _repeats_heading(entry, item, context):
        child_context = (*context, entry)
    for child in item.children:
        _emit(child, child_context, drafts, warnings)


def _repeats_heading(entry: str, item: _Item, context: tuple[str, ...]) -> bool:
    """A top-level term that only restates the heading right above it adds nothing to the context."""
    if not item.headings or context != item.headings:
        return False
    return _ALNUM.sub("", entry).casefold() == _ALNUM.sub("", item.headings[-1]).casefold()


def _context_entry(item: _Item, split: _Split) -> str:
    if split.term:
        return split.term_plain
    if split.label:
        return _plain(split.label)
    text = _plain(item.pieces).removesuffix(":").strip()
    words = text.split()
    if len(words) > MAX_CONTEXT_WORDS:
        return " ".join(words[:MAX_CONTEXT_WORDS]) + "…"
    return text


def _draft_for(item: _Item, split: _Split, context: tuple[str, ...]) -> CardDraft:
    if split.is_list:
        lines = _child_lines(item, include_cards=True)
        definition = " ".join(plain for _, plain in lines)
        back, back_plain = "\n".join(m for m, _ in lines), "\n".join(p for _, p in lines)
    else:
        lines = _child_lines(item, include_cards=False)
        definition = split.definition_plain
        back = "\n".join([_markup(split.definition), *(m for m, _ in lines)])
        back_plain = "\n".join([definition, *(p for _, p in lines)])
    return CardDraft(
        context=context,
        front=_markup(split.term),
        back=back,
        front_plain=split.term_plain,
        back_plain=back_plain,
        definition=definition,
        line=item.line,
        is_list=split.is_list,
    )


def _child_lines(item: _Item, *, include_cards: bool, depth: int = 0) -> list[tuple[str, str]]:
    """The lines a card's answer carries: (markup, plain) per child, nested as in the notes."""
    lines: list[tuple[str, str]] = []
    indent = "  " * depth
    for extra in item.extra_lines if depth == 0 else ():
        lines.append((_markup(extra), _plain(extra)))
    for child in item.children:
        child_is_card = bool(_classify(child).term)
        if child_is_card and not include_cards:
            continue
        if child.pieces:
            lines.append((f"{indent}- {_markup(child.pieces)}", f"{indent}- {_plain(child.pieces)}"))
        if not child_is_card:
            lines.extend(_child_lines(child, include_cards=False, depth=depth + 1))
    return lines


def _number_occurrences(drafts: list[CardDraft]) -> Iterator[CardDraft]:
    """The notes may repeat a term under the same parents: number the repeats 0, 1, 2..."""
    seen: dict[str, int] = {}
    for draft in drafts:
        occurrence = seen.get(draft.base_key, 0)
        seen[draft.base_key] = occurrence + 1
        yield draft if draft.occurrence == occurrence else replace(draft, occurrence=occurrence)


# --- classifiers ----------------------------------------------------------------------


def _classify(item: _Item) -> _Split:
    if item.split is None:
        item.split = _classify_pieces(_strip(item.pieces), has_children=bool(item.children))
    return item.split


def _classify_pieces(pieces: list[_Piece], *, has_children: bool) -> _Split:
    if not pieces or all(piece.kind == "link" or not piece.plain.strip() for piece in pieces):
        return _Split()  # empty, or link-only (a table of contents)
    split = _split_emphasized(pieces) or _split_plain(pieces)
    if split is None:
        return _Split()
    term_plain = split.term_plain
    if len(term_plain) > MAX_TERM_CHARS:
        return _Split(warning=f"term longer than {MAX_TERM_CHARS} characters ({len(term_plain)}); not a card")
    if not split.definition_plain:
        if split.is_list:
            if has_children:
                return split
            return _Split(warning=f"'{term_plain}:' has nothing after the colon and no child bullets")
        return _Split(warning=f"'{term_plain}' has an empty definition", label=split.term)
    return split


def _strip(pieces: list[_Piece]) -> list[_Piece]:
    """Drop whitespace-only runs at both ends."""
    start, end = 0, len(pieces)
    while start < end and pieces[start].kind == "text" and not pieces[start].plain.strip():
        start += 1
    while end > start and pieces[end - 1].kind == "text" and not pieces[end - 1].plain.strip():
        end -= 1
    return pieces[start:end]


def _split_emphasized(pieces: list[_Piece]) -> _Split | None:
    """`**Term** - def`, `` `term`: def ``, `**A** or **B** -> def`: the term is the leading span(s)."""
    if pieces[0].kind == "text" and not pieces[0].plain.strip():
        pieces = pieces[1:]
    if not pieces or pieces[0].kind not in _EMPHASIS_KINDS:
        return None
    end = 1
    while (
        end + 1 < len(pieces)
        and pieces[end].kind == "text"
        and _TERM_CONNECTOR.fullmatch(pieces[end].plain)
        and pieces[end + 1].kind in _EMPHASIS_KINDS
    ):
        end += 2
    if end >= len(pieces) or pieces[end].kind != "text":
        return None
    match = _EMPHASIZED_SEPARATOR.match(pieces[end].plain)
    if not match:
        return None
    definition = _rest_after(pieces[end], match.end(), pieces[end + 1 :])
    is_list = match.group().strip() == ":" and not _plain(definition)
    return _Split(term=pieces[:end], definition=definition, is_list=is_list)


def _split_plain(pieces: list[_Piece]) -> _Split | None:
    """`Expedited -> retrieval in 1 to 5 min`, `SQL -> OLTP`, `Input format:` over child bullets."""
    for index, piece in enumerate(pieces):
        if piece.kind != "text":
            continue
        for match in _PLAIN_SEPARATOR.finditer(piece.plain):
            before = _strip([*pieces[:index], _text_piece(piece.plain[: match.start()])])
            after, following = piece.plain[match.end() :], pieces[index + 1 :]
            is_dash = "->" not in match.group()
            if is_dash and _is_numeric_range(_plain(before), after):
                continue
            if not _is_plain_term(_plain(before)):
                return None
            if is_dash and (_SPACED_DASH.search(f" {after} ") or _dash_follows(following)):
                return None  # `object - even if made public - CAN NEVER ...`: a parenthetical
            return _Split(term=before, definition=_rest_after(piece, match.end(), following))
    last = pieces[-1]
    if last.kind == "text" and last.plain.rstrip().endswith(":"):
        term = _strip([*pieces[:-1], _text_piece(last.plain.rstrip()[:-1])])
        if _is_plain_term(_plain(term)):
            return _Split(term=term, is_list=True)
    return None


def _text_piece(plain: str) -> _Piece:
    return _Piece("text", plain)


def _rest_after(piece: _Piece, offset: int, following: Sequence[_Piece]) -> list[_Piece]:
    rest_plain = piece.plain[offset:]
    return _strip(([_text_piece(rest_plain)] if rest_plain else []) + list(following))


def _dash_follows(pieces: Sequence[_Piece]) -> bool:
    return any(piece.kind == "text" and _SPACED_DASH.search(f" {piece.plain} ") for piece in pieces)


def _is_plain_term(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_PLAIN_TERM_WORDS or ":" in text:
        return False
    return not any(word.casefold().strip(",.;()") in CLAUSE_WORDS for word in words)


def _is_numeric_range(before: str, after: str) -> bool:
    """`1d - 365d`, `1 MiB - 128 MiB`: a dash between two numbers never separates a term."""
    left_words, right_words = before.split(), after.split()
    if not left_words or not right_words:
        return False
    left = left_words[-1]
    if not left[0].isdigit() and len(left) <= 4 and len(left_words) > 1:
        left = left_words[-2]  # the number before its unit
    return left[0].isdigit() and right_words[0][0].isdigit()
