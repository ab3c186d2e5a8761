"""Headings and one-line bullets read without markdown-it: the plain outline most notes are
written in. Pure, and imports nothing heavier than `re` and `unicodedata`.

`read(lines)` returns, for a slice of a notes file, the tokens markdown-it (commonmark) would
produce, in the fields the parser reads (type, tag, nesting, level, map, content, markup,
children), or None as soon as one line is outside this subset; the parser then gives that slice
to markdown-it. Tokens markdown-it makes that the parser never reads (list and paragraph
closings, the list containers) are left out. The subset:

- blank lines;
- `#` to `######` headings at the line's start whose text does not end in `#`;
- bullets: `*`, `-` or `+`, one to four spaces, then text on that one line, placed by
  CommonMark's rule (a bullet at or past its parent's text column is its child, and no more
  than three columns past it), nested at most `MAX_DEPTH` deep;
- text whose only markup is `**strong**` spans and `` `code` `` spans, with no backslash
  escape, entity, HTML, link, image, and no `*` or `_` that could open or close anything else.

A bullet whose text could begin a block of its own (a heading, quote, fence, HTML, list,
rule, link definition, table row) is outside it. The tests compare this reader with markdown-it
on generated notes and on every notes file the project holds.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence

MAX_DEPTH = 40  # deeper outlines go to markdown-it, which warns past its nesting limit


class Token:
    """The fields of markdown-it's `Token` the parser reads."""

    __slots__ = ("type", "tag", "nesting", "level", "map", "content", "markup", "children")

    def __init__(
        self, type: str, nesting: int = 0, level: int = 0, map: list[int] | None = None, tag: str = "",
        content: str = "", markup: str = "", children: list[Token] | None = None,
    ) -> None:
        self.type = type
        self.nesting = nesting
        self.level = level
        self.map = map
        self.tag = tag
        self.content = content
        self.markup = markup
        self.children = children

    def __repr__(self) -> str:
        return f"Token({self.type!r}, content={self.content!r})"


# Tokens that carry nothing of their own are shared: nobody changes a token once made.
_PARAGRAPH_OPEN = Token("paragraph_open", 1, tag="p")
_ITEM_CLOSE = Token("list_item_close", -1, tag="li")
_STRONG_OPEN = Token("strong_open", 1, tag="strong", markup="**")
_STRONG_CLOSE = Token("strong_close", -1, tag="strong", markup="**")
_HEADING_CLOSE = {level: Token("heading_close", -1, tag=f"h{level}", markup="#" * level) for level in range(1, 7)}

# What markdown-it's `mdTrim` strips (CommonMark whitespace, as JavaScript's `trim`).
TRIM = "".join(chr(code) for code in sorted(
    {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0x2028, 0x2029}
    | set(range(0x2000, 0x200B))
))
_WHITESPACE = frozenset({0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000}
                        | set(range(0x2000, 0x200B)))
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def is_whitespace(character: str) -> bool:
    return ord(character) in _WHITESPACE


def is_punctuation(character: str) -> bool:
    if character.isascii():
        return character in _ASCII_PUNCTUATION
    return unicodedata.category(character).startswith(("P", "S"))


def heading_level(line: str) -> int:
    """The level of an ATX heading line at column 0 (markdown-it's rule, whatever its text),
    or 0 when the line is not one (`#tag`, `#######`)."""
    if not line.startswith("#"):
        return 0
    level = len(line) - len(line.lstrip("#"))
    return level if level <= 6 and (len(line) == level or line[level] in " \t") else 0


def read(lines: Sequence[str], tables: bool = False) -> list[Token] | None:
    """markdown-it's tokens for these lines, maps counted from the first of them, or None."""
    tokens: list[Token] = []
    columns: list[int] = []  # the text column of each open bullet, outermost first
    for number, line in enumerate(lines):
        if not line.strip(" \t"):
            continue
        if "\x00" in line or (tables and "|" in line):
            return None
        if line[0] == "#":
            heading = _heading(line, number)
            if heading is None:
                return None
            tokens.extend([_ITEM_CLOSE] * len(columns))
            columns.clear()
            tokens.extend(heading)
            continue
        bullet = _bullet(line)
        if bullet is None:
            return None
        indent, column = bullet
        while columns and indent < columns[-1]:
            columns.pop()
            tokens.append(_ITEM_CLOSE)
        if indent - (columns[-1] if columns else 0) >= 4 or len(columns) >= MAX_DEPTH:
            return None  # lazy paragraph text or indented code, or deep enough for markdown-it's warning
        children = inline(_trim(line[column:]))
        if children is None:
            return None
        depth = len(columns)
        columns.append(column)
        tokens.append(Token("list_item_open", 1, 2 * depth + 1, [number, number + 1], "li"))
        tokens.append(_PARAGRAPH_OPEN)
        tokens.append(Token("inline", 0, 2 * depth + 3, [number, number + 1], children=children))
    tokens.extend([_ITEM_CLOSE] * len(columns))
    return tokens


def _trim(text: str) -> str:
    return text.strip(TRIM)


_THEMATIC_BREAK = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")
# A bullet's text that would open a block inside the bullet: a heading, quote, HTML, link
# definition, fence, list or rule (tested apart); `#tag` and `<3` are over-cautious, never wrong.
_BLOCK_START = re.compile(r"[#>\[<]|```|~~~|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)")


def _heading(line: str, number: int) -> list[Token] | None:
    level = heading_level(line)
    if not level:
        return None  # `#tag` or `#######`: a paragraph
    text = line[level:]
    if text.rstrip(" \t").endswith("#"):
        return None  # a closing sequence, or a `#` markdown-it might take for one
    children = inline(_trim(text))
    if children is None:
        return None
    where = [number, number + 1]
    tag = f"h{level}"
    return [
        Token("heading_open", 1, 0, where, tag, markup="#" * level),
        Token("inline", 0, 1, where, children=children),
        _HEADING_CLOSE[level],
    ]


def _bullet(line: str) -> tuple[int, int] | None:
    """(marker column, text column) of a bullet with text, or None."""
    body = line.lstrip(" ")
    if not body or body[0] not in "*-+":
        return None
    after = body[1:]
    spaces = len(after) - len(after.lstrip(" "))
    if not 1 <= spaces <= 4 or spaces == len(after) or after[spaces] == "\t":
        return None  # no space, text indented as code, an empty bullet, or a tab
    if _THEMATIC_BREAK.fullmatch(line) or _THEMATIC_BREAK.fullmatch(after) or _BLOCK_START.match(after, spaces):
        return None
    indent = len(line) - len(body)
    return indent, indent + 1 + spaces


_ENTITY = re.compile(r"&[#A-Za-z0-9]+;")


def _has_hazard(text: str) -> bool:
    """Whether `text` holds what makes a token other than text, `**` or a code span: an escape,
    HTML, a NUL, a link or an entity. (Substring tests: one fast scan each, where one regex of
    alternatives tries each of them at every position.)"""
    return "\\" in text or "<" in text or "\x00" in text or "](" in text or ("&" in text and bool(_ENTITY.search(text)))


# A run of one delimiter character; written with a class first so that re scans for it quickly.
_DELIMITERS = re.compile(r"([`*_])\1*")


def inline(text: str) -> list[Token] | None:
    """markdown-it's inline children of `text` (one line, trimmed), or None."""
    if not text:
        return []
    if _has_hazard(text):
        return None
    if "`" not in text and "*" not in text and "_" not in text:
        return [Token("text", content=text)]
    children: list[Token] = []
    text_start = 0
    resume = 0  # where scanning goes on: past a code span or a run
    opened = False
    size = len(text)
    for run in _DELIMITERS.finditer(text):
        start, end = run.span()
        if start < resume:
            continue  # inside a code span
        marker = text[start]
        if marker == "`":
            closing = _closing_backticks(text, end, end - start)
            if closing < 0:
                resume = end
                continue  # an unmatched run is text
            _add_text(children, text[text_start:start])
            children.append(Token("code_inline", tag="code", content=_code_content(text[end:closing]),
                                  markup=text[start:end]))
            text_start = resume = closing + (end - start)
            continue
        before = text[start - 1] if start else " "
        after = text[end] if end < size else " "
        can_open, can_close = _flanks(before, after, marker == "*")
        if not can_open and not can_close:
            resume = end
            continue  # a literal `*` or `_`
        if marker == "_" or end - start != 2 or can_open == can_close or can_open == opened:
            return None  # emphasis other than `**`, or a run markdown-it could pair another way
        # markdown-it keeps a text token, empty or not, before each `**` that opens and after
        # each that closes (a card's pieces see the empty ones)
        _add_text(children, text[text_start:start], always=can_open)
        children.append(_STRONG_OPEN if can_open else _STRONG_CLOSE)
        if can_close:
            _add_text(children, "", always=True)
        opened = can_open
        text_start = resume = end
    if opened:
        return None  # an unclosed `**` is text, after markdown-it's own pairing
    _add_text(children, text[text_start:])
    return children


def _add_text(children: list[Token], text: str, always: bool = False) -> None:
    if children and children[-1].type == "text":
        children[-1].content += text
    elif text or always:
        children.append(Token("text", content=text))


def _closing_backticks(text: str, start: int, length: int) -> int:
    """Where the next run of exactly `length` backticks from `start` begins, or -1."""
    while (found := text.find("`", start)) >= 0:
        end = found
        while end < len(text) and text[end] == "`":
            end += 1
        if end - found == length:
            return found
        start = end
    return -1


def _code_content(content: str) -> str:
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        return content[1:-1]
    return content


def _flanks(before: str, after: str, split_words: bool) -> tuple[bool, bool]:
    """Whether a delimiter run between these characters can open and can close (CommonMark)."""
    before_space, after_space = is_whitespace(before), is_whitespace(after)
    before_punct, after_punct = is_punctuation(before), is_punctuation(after)
    left = not (after_space or (after_punct and not (before_space or before_punct)))
    right = not (before_space or (before_punct and not (after_space or after_punct)))
    can_open = left and (split_words or not right or before_punct)
    can_close = right and (split_words or not left or after_punct)
    return can_open, can_close
