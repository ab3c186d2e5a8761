"""Markdown notes -> card drafts. Pure: text in, drafts and warnings out.

Two passes over a token stream, markdown-it-py's or, for each slice between headings that is
a plain outline (headings and one-line bullets), the outline reader's (`outline.py`: the same
tokens, read several times faster): `_build_tree` turns list items into
a tree of `_Item`s (each with its heading path) and tables into `_Table`s, then `_emit` walks
the tree in note order and classifies each item's own inline text with small classifiers
into a term card, a list card, or no card: first today's rules (`_split_emphasized`,
`_split_plain`, unchanged since parser version 5 but for the guards, so every card they made
keeps its identity), then, for items they make no card of, the rules of version 6
(`_split_extended`: more separators, verbs after an emphasized term, `--prose`). Each table
row becomes a card (`_emit_table`) unless the deck says `--no-tables`.

Large notes can be cut at `#`/`##` headings (`split_chunks`), parsed apart (`parse_chunk`,
in worker processes when the importer wants) and joined (`merge_chunks`): the result is
exactly that of parsing the whole text.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from mlsflash.model import Direction, strip_invisible
from mlsflash.notes import outline as outline_tokens
from mlsflash.notes.drafts import CardDraft, ParsedNotes, ParseOptions, ParseWarning
from mlsflash.notes.identity import merge_repeats
from mlsflash.notes.words import STOP_LABELS

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    _AnyToken = Token | outline_tokens.Token  # markdown-it's, or the outline reader's

MAX_TERM_CHARS = 80
MAX_PLAIN_TERM_WORDS = 4
MAX_PARENTHESISED_TERM_WORDS = 6  # `Redshift (provisioned)`, `Difference in Labels (DL)`
MAX_CONTEXT_WORDS = 8
# markdown-it's block nesting limit (20 in its presets, about 10 list levels). A list level
# costs two, so this reads 100 levels; deeper bullets are reported, never dropped silently.
MAX_NESTING = 200
MAX_TABLE_ROWS = 2_000
CLAUSE_WORDS = frozenset({"is", "are", "can", "was", "be", "not"})
# A plain (not emphasized) term never starts with these: they begin a sentence, not a name.
# `each shard -> ...` stays a term; an emphasized `**when**` is never checked.
CONNECTIVES = frozenset({
    "however", "but", "and", "or", "nor", "so", "even", "also", "then", "uses", "another",
    "you", "it", "it's", "its", "this", "that", "these", "those", "they",
    "there", "here", "if", "unless", "although", "though", "because", "since", "while", "whereas",
    "therefore", "thus", "hence", "otherwise", "instead", "moreover", "furthermore", "besides",
    "meanwhile", "still", "yet", "which", "who", "whose", "whom", "whether", "unlike",
})
CONNECTIVE_PHRASES = ("different from", "compared to", "compared with", "such as", "as well as", "in contrast")
# With `--prose` only: a plain term before a verb never starts with an article or a quantifier
# (`The data is ...`, `Each job has ...` are sentences about something, not definitions).
PROSE_STOP_WORDS = frozenset({
    "the", "a", "an", "each", "every", "some", "many", "most", "all", "any", "no", "none", "one",
    "both", "either", "neither", "what", "where", "when", "why", "how", "only", "not", "just",
    "in", "on", "at", "for", "with", "from", "to", "of", "by", "once", "after", "before", "during",
})
_PROSE_TERM_END = re.compile(r"(?:[,;]|\b(?:that|which|who))$", re.IGNORECASE)
VERBS = ("is", "are", "was", "has", "have", "provides", "allows", "lets", "means", "refers to")
# Only for the rules of version 6: a term holding a verb is a clause (`SageMaker allows us to: ...`),
# and one opening with these is a sentence (`We must provide: ...`). Today's rules keep their cards.
NEW_CLAUSE_WORDS = CLAUSE_WORDS | {"has", "have", "provides", "allows", "lets", "means", "refers"}
NEW_CONNECTIVES = CONNECTIVES | {"we", "i", "my", "our"}
# The wrong-card guards of parser version 8, for every rule (`_misread`). A term opening with
# one of these verbs, then its answer on the same line, is a verb phrase (`Ingests audio data
# -> transcribe`, `**Works on numeric data** - ...`) or a step (`configure root volume - ...`),
# not a name; over child bullets it heads a list (`Supports many formats:`), a usable card.
# Only words that are never the first word of a name: `Load Balancer`, `Read Replica`,
# `reduce functions`, `Managed Policies` stay terms.
VERB_OPENERS = frozenset({
    "ingests", "transcribes", "converts", "creates", "makes", "helps", "supports", "enables", "requires",
    "sends", "generates", "produces", "removes", "reduces", "increases", "decreases", "detects", "finds",
    "translates", "automates", "manages", "analyzes", "analyses", "transforms", "collects", "captures",
    "computes", "calculates", "predicts", "deploys", "monitors", "encrypts", "decrypts", "replicates",
    "performs", "offers", "includes", "contains", "works", "needs", "launches", "keeps", "adds", "applies",
    "configure", "create", "enable", "disable", "install", "ensure", "avoid", "specify", "define",
    "attach", "detach", "click", "choose", "delete", "remove", "deploy", "rotate", "increase", "decrease",
    "convert", "navigate",
})
# `**Audit Regularly**:` — a verb and an adverb make an instruction.
INSTRUCTION_ADVERBS = frozenset({
    "regularly", "frequently", "periodically", "carefully", "continuously", "automatically", "manually",
    "often", "always", "never", "properly", "securely", "quickly", "immediately", "early", "first",
})
# `Loop:` over steps, `Step 2:`: the parts of a procedure, not terms.
STEP_LABELS = frozenset({"loop", "repeat", "step", "steps", "procedure", "next", "finally", "lastly", "afterwards"})
# The labels of the stop list that open a remark whatever the rule, emphasized or not
# (`**Note**: ...`); `**Docs** - ...` or `**Summary** - ...` may still name a term, and
# `**example** - fraud detection` under `Unbalanced Data` asks for an example of it.
REMARK_LABELS = frozenset({
    "note", "notes", "nb", "n.b", "i.e", "ie", "tip", "tips",
    "exam tip", "hint", "warning", "caution", "careful", "important", "remember", "reminder", "side note",
    "fyi", "heads up", "important note", "note to self", "key point", "key points", "takeaway", "key takeaway",
    "todo", "to do", "fixme", "ps", "p.s", "tl;dr", "tldr", "fun fact",
}) | STEP_LABELS
# `Collection of EC2 instances -> each one is a node`: a description of the unnamed term.
DESCRIPTION_OPENINGS = ("collection of", "group of", "bunch of", "set of", "series of", "way of", "way to")
STEP_OPENINGS = ("for each", "for every")  # `For each document d:` over the steps of a procedure
# `Training error: 1%`: the value of a metric in a worked example.
METRIC_WORDS = frozenset({"error", "accuracy", "loss", "precision", "recall", "score", "auc", "f1", "rmse", "mse"})
# A remark behind an emoji (`💡 Good metric: ...`, `⚠️ Careful - ...`), not a term.
REMARK_MARKS = frozenset("💡⚠❗❓👉📌🔑⭐🚨📝ℹ✅❌✔✖🔥👍👎")
# `e.g. fraud -> ...`: an example, whatever follows.
EXAMPLE_OPENERS = frozenset({"e.g", "eg", "i.e", "ie", "ej", "z.b", "p.ej"})
# `open the Spark UI: ...`, `read the FAQ - ...`: a study task (a verb, then what it acts on).
TASK_VERBS = frozenset({
    "open", "read", "check", "ask", "review", "decide", "try", "watch", "finish", "submit", "practice",
    "practise", "memorize", "memorise", "learn", "study", "redo", "revisit", "print", "bring", "book",
    "email", "call", "draw", "write", "look", "compare", "verify", "use", "skim", "reread", "rewatch",
    "pick", "know",
})
_TASK_BOX = re.compile(r"\[[ xX]\]\s")
# An answer that is an appointment (`Tues 6pm`, `Oct 14, room 204`, `Dec 1, 11:59 pm`), not a
# fact: a date with a year (`Oct 14, 1066`) may be one.
_APPOINTMENT = re.compile(
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\.?,?\s+\d"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?![,\s]*\d{3})"
    r"|\d{1,2}(?::\d\d)?\s*(?:am|pm)\b",
    re.IGNORECASE,
)
# An answer that is a remark to oneself: `don't memorize all of them`, `please no`, `... i think?? check`.
# `! know this for the exam`, `also try class weights` (a remark on the item before).
REMARK_OPENINGS = (
    "don't", "dont", "do not", "please", "do this", "make sure", "remember to", "todo", "!", "know this",
    "know the", "know how", "know both", "also ",
)


def _is_remark(definition: str) -> bool:
    return "??" in definition or " ".join(definition.casefold().split()[:2]).startswith(REMARK_OPENINGS)


# `prof's example: ...`, `my mnemonic: PMAT`: a remark label of someone's.
_OWNED_REMARKS = frozenset({"example", "examples", "note", "notes", "tip", "tips", "mnemonic", "analogy"})
_OWNERS = frozenset({"my", "our", "his", "her", "their", "your", "another", "a", "an", "the", "one", "good", "quick"})
_FRAGMENT_PREPOSITIONS = frozenset({"to", "in", "on", "at", "from", "into", "onto", "by", "with", "for", "of"})
_PREPOSITIONS = _FRAGMENT_PREPOSITIONS | {
    "through", "via", "across", "per", "over", "under", "within", "without", "between",
}
_DETERMINERS = frozenset({"the", "a", "an", "your", "our", "their", "each", "every"})
_ASSIGNMENT = re.compile(r"(?<![=!<>])=(?!=)")
_NUMBER_VALUE = re.compile(r"[~≈<>]?\s*\d[\d.,]*\s*%?")
# Defining verbs read by the version-6 rules only (after an emphasized term, and with `--prose`).
# They stay out of NEW_CLAUSE_WORDS so that every card version 6 made before keeps its term.
DEFINING_VERBS = ("denotes", "represents", "enables")
# With `--prose`: `A ledger is an ...`, `The queue depth denotes ...` define despite the article.
_ARTICLES = frozenset({"a", "an", "the"})
_DEFINING_AFTER_ARTICLE = frozenset({"means", "refers to", *DEFINING_VERBS})
_ARTICLE_AFTER_IS = re.compile(r"(?:a|an|the|one)\b", re.IGNORECASE)
# A term of `Term (definition)` holding one of these is a clause, not a name.
_VERB_LIKE = frozenset({*DEFINING_VERBS, "must", "should", "will", "would", "could", "may", "might", "uses"})
# A link into the notes themselves (`[Amazon EFS](#efs)`) names the answer, unless its text is one of these.
_GENERIC_LINK_TEXTS = frozenset({"here", "this", "that", "link", "more", "details", "below", "above", "see"})

# After an emphasized term: `-`, `–`, `—` (not glued to a word), `->`, or `:` then a space or the end.
_EMPHASIZED_SEPARATOR = re.compile(r"\s*(?:-{1,2}>|[-–—](?=\s|$)|:(?=\s|$))\s*")
# Several emphasized spans joined into one term: `**A** or **B**`, `` `a` / `b` ``.
_TERM_CONNECTOR = re.compile(r"\s*(?:,\s*or|or|/|&|,)\s*")
# After a plain term: a spaced dash, or an arrow with or without spaces.
_PLAIN_SEPARATOR = re.compile(r"\s+[-–—](?:\s+|$)|\s*-{1,2}>\s*")
# The separators added in parser version 6, read on an item's first line only.
_ARROW = re.compile(r"-{1,2}>|→|⟶|⇒|={1,2}>")
_NEW_ARROW = re.compile(r"→|⟶|⇒|={1,2}>")
# A doubled arrow (`-->`, `==>`) is one separator: no stray `-` or `=` is left in the term.
_EXTENDED_AFTER_SPAN = re.compile(r"[ \t]*(?:-{1,2}>|→|⟶|⇒|={1,2}>|--?(?=\s|$)|[–—](?=\s|$)|:(?=\s|$))\s*")
_EXTENDED_PLAIN_SEPARATOR = re.compile(
    r"[ \t]+(?:--|[-–—])(?:[ \t]+|$)|[ \t]*(?:-{1,2}>|→|⟶|⇒|={1,2}>)[ \t]*|:(?:[ \t]+|$)"  # `--`: a typed dash
    r"|[ \t]+=[ \t]+"  # `POSIX = Portable ...`; never `==`, `<=`, `=>` or `a=b`
    r"|(?<=\w)[-–—][ \t]+"  # `Elastic MapReduce- manages ...`: a dash glued to the term
)
_DEFINING_VERB = re.compile(r"[ \t]+(" + "|".join((*VERBS, *DEFINING_VERBS)) + r")[ \t]+(?=\S)")
_NUMBERING = re.compile(r"[\s#]*\d+[.)]?$")
_SPACED_DASH = re.compile(r"\s[-–—]\s")
# Every separator holds one of these: texts without any skip the scan (most bullets of prose).
_PLAIN_SEPARATOR_CHARACTERS = "-–—"
_EXTENDED_SEPARATOR_CHARACTERS = "-–—→⟶⇒=:"
_ALNUM = re.compile(r"[\W_]+")

_EMPHASIS_KINDS = frozenset({"strong", "em", "code"})


class _Piece:
    """A run of inline content: plain text, or one atomic span (emphasis, code, link)."""

    __slots__ = ("kind", "plain", "span_markup", "in_notes")

    def __init__(self, kind: str, plain: str, span_markup: str = "") -> None:
        self.kind = kind  # text | strong | em | code | link
        self.plain = plain
        self.span_markup = span_markup  # the Markdown of a span; text escapes its own on demand
        self.in_notes = False  # a link to a heading of the notes themselves (`[EFS](#efs)`)

    @property
    def markup(self) -> str:
        if self.kind != "text":
            return self.span_markup
        plain = self.plain
        if "*" in plain or "`" in plain or "_" in plain or "\\" in plain:  # four scans beat one translate
            return plain.translate(_MARKUP_ESCAPES)  # literal stars and backticks stay literal
        return plain

    def __repr__(self) -> str:
        return f"_Piece({self.kind!r}, {self.plain!r}, {self.span_markup!r})"


class _Item:
    """A list item: its own text (first paragraph, then any further ones), its children."""

    __slots__ = ("line", "headings", "prose", "pieces", "extra_lines", "children", "has_text", "code", "split")

    def __init__(self, line: int, headings: tuple[str, ...], prose: bool = False) -> None:
        self.line = line
        self.headings = headings
        self.prose = prose  # the deck reads plain prose (`import --prose`)
        self.pieces: list[_Piece] = []
        self.extra_lines: list[list[_Piece]] = []
        self.children: list[_Item] = []
        self.has_text = False
        self.code: str | None = None  # a fenced code block right after the item's first paragraph
        self.split: _Split | None = None  # memo of _classify


@dataclass
class _Table:
    """A Markdown table: its header cells and its body rows (line, cells)."""

    line: int
    headings: tuple[str, ...]
    header: list[list[_Piece]] = field(default_factory=list)
    rows: list[tuple[int, list[list[_Piece]]]] = field(default_factory=list)


class _Split:
    """The classification of one item: a card with its term and definition, or a skip reason."""

    __slots__ = ("term", "definition", "is_list", "warning", "label", "code", "_term_plain", "_definition_plain")

    def __init__(
        self,
        term: list[_Piece] | None = None,
        definition: list[_Piece] | None = None,
        is_list: bool = False,
        warning: str | None = None,
        label: list[_Piece] | None = None,  # a skipped term still names its children's context
        code: str | None = None,  # `Term:` over a fenced code block: the code is the answer
    ) -> None:
        self.term = term or []
        self.definition = definition or []
        self.is_list = is_list
        self.warning = warning
        self.label = label or []
        self.code = code
        self._term_plain: str | None = None
        self._definition_plain: str | None = None

    @property
    def term_plain(self) -> str:
        if self._term_plain is None:
            self._term_plain = _plain(self.term)
        return self._term_plain

    @property
    def definition_plain(self) -> str:
        if self._definition_plain is None:
            self._definition_plain = _plain(self.definition)
        return self._definition_plain


_DEFAULT_OPTIONS = ParseOptions()


def parse_notes(text: str, *, reverse: bool = False, options: ParseOptions = _DEFAULT_OPTIONS) -> ParsedNotes:
    """Parse Markdown notes into card drafts in note order, plus warnings for skipped bullets.

    With `reverse`, each term card is followed by its definition->term card.
    """
    parsed = parse_in_chunks(text, 1, options)
    return with_reverse(parsed) if reverse else parsed


def parse_in_chunks(text: str, parts: int, options: ParseOptions = _DEFAULT_OPTIONS) -> ParsedNotes:
    """What the importer's worker processes compute, in one process: the chunks' results
    merged, or the whole text parsed when a cut is refused. Equal to parsing whole."""
    chunks = split_chunks(text, parts, options)
    parsed = merge_chunks(chunks, [parse_chunk(chunk) for chunk in chunks])
    if parsed is None:
        return parse_in_chunks(text, 1, options)
    return parsed


@dataclass(frozen=True)
class Chunk:
    """A slice of a notes file that starts at a `#`/`##` heading, with the state before it."""

    text: str
    first_line: int = 1
    title: str | None = None  # the deck title, when an earlier chunk had it
    headings: tuple[tuple[int, str], ...] = ()  # open headings at the start of the chunk
    cut_level: int = 0  # the level of the heading the chunk starts with (0: the first chunk)
    front_title: str | None = None  # `title:` of the front matter (first chunk only)
    options: ParseOptions = _DEFAULT_OPTIONS


@dataclass(frozen=True)
class ChunkResult:
    title: str | None
    drafts: tuple[CardDraft, ...]
    warnings: tuple[ParseWarning, ...]
    headings: tuple[tuple[int, str], ...] = ()  # open headings at the end of the chunk
    ends_open: bool = False  # a fence or HTML block runs to the end: the next cut was wrong
    has_references: bool = False  # link reference definitions reach across chunks
    front_title: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # A worker's result crosses a pipe: its drafts go as rows (CardDraft.as_row).
        return _chunk_result, (
            self.title, [draft.as_row() for draft in self.drafts], self.warnings, self.headings, self.ends_open,
            self.has_references, self.front_title,
        )


def _chunk_result(title: str | None, rows: list[tuple[Any, ...]], *fields: Any) -> ChunkResult:
    return ChunkResult(title, tuple(map(CardDraft.from_row, rows)), *fields)


def prepare(text: str) -> tuple[str, str | None]:
    """The text the parser reads, and the front matter's title.

    Invisible characters go; CR-LF and a lone CR (old Mac files) become LF, and nothing else
    starts a line (not U+2028), as editors count them; YAML front matter becomes blank lines (line
    numbers stay right)."""
    text = strip_invisible(text).replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(text)
    if not match or not all(_YAML_LINE.match(line) for line in match.group(0).split("\n")[1:-2]):
        return text, None  # a thematic break, not front matter
    block = match.group(0)
    title = _FRONT_TITLE.search(block)
    return "\n" * block.count("\n") + text[len(block):], _unquote(title.group(1)) if title else None


def front_matter(text: str) -> dict[str, str]:
    """The top-level `key: value` pairs of a file's YAML front matter (values unquoted)."""
    head = strip_invisible(text[:64])  # a file that does not open with `---` has none: skip the scan of it all
    if len(head) >= 3 and not head.startswith("---"):
        return {}
    text = strip_invisible(text).replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(text)
    if not match or not all(_YAML_LINE.match(line) for line in match.group(0).split("\n")[1:-2]):
        return {}
    pairs: dict[str, str] = {}
    for line in match.group(0).split("\n")[1:-2]:
        key, colon, value = line.partition(":")
        if colon and key and not key[0].isspace() and not key.startswith(("#", "- ")):
            pairs.setdefault(key.strip(), _unquote(value.strip()) or "")
    return pairs


_FRONT_MATTER = re.compile(r"---[ \t]*\n(?:.*\n)*?(?:---|\.\.\.)[ \t]*(?:\n|$)")
_YAML_LINE = re.compile(r"^(?:\s*$|\s+\S|- |#|[\w.-]+[ \t]*:(?:\s|$))")
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def _unquote(value: str) -> str | None:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return " ".join(value.split()) or None


_ATX = re.compile(r"^(#{1,2})(?:[ \t]+|$)(.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def split_chunks(text: str, parts: int, options: ParseOptions = _DEFAULT_OPTIONS) -> list[Chunk]:
    """Cut notes into about `parts` slices for parsing apart.

    Cuts fall on a `#`/`##` heading at the start of a line, outside code fences and HTML
    comments as far as a quick look at the lines can tell. That look may be
    wrong (a fence inside a list, an HTML block): `merge_chunks` then checks each cut against
    what markdown-it actually parsed and refuses a wrong one, so a cut never changes a card."""
    text, front_title = prepare(text)
    if parts < 2:
        return [Chunk(text=text, front_title=front_title, options=options)]
    headings = list(_outside_fences(text, _ATX, "#"))
    target = len(text) / parts
    cuts: list[int] = []
    for index, (_, offset, _) in enumerate(headings):
        if len(cuts) < parts - 1 and offset >= target * (len(cuts) + 1):
            cuts.append(index)
    if not cuts:
        return [Chunk(text=text, front_title=front_title, options=options)]
    chunks = [replace(chunk, options=options) for chunk in _chunks_at(text, headings, cuts)]
    return [replace(chunks[0], front_title=front_title), *chunks[1:]]


_TABLE_ROW = re.compile(r"[^\S\n]*\|")


def _defuse_big_tables(text: str, first_line: int) -> tuple[str, list[ParseWarning]]:
    """A table of more than MAX_TABLE_ROWS rows (pasted data, not notes) is read as text: as a
    table, markdown-it would hold every cell as tokens (gigabytes for 50,000 rows). Decided per
    table, so a file parsed in chunks gives the same result as parsed whole."""
    runs: list[list[int]] = []
    for number, _, line in _outside_fences(text, _TABLE_ROW, "|"):
        if line.lstrip().startswith("|"):
            if runs and runs[-1][-1] == number - 1:
                runs[-1].append(number)
            else:
                runs.append([number])
    big = [run for run in runs if len(run) > MAX_TABLE_ROWS + 2]  # + header and delimiter rows
    if not big:
        return text, []
    lines = text.split("\n")
    warnings = []
    for run in big:
        for number in run:
            line = lines[number]
            cut = line.index("|")
            lines[number] = f"{line[:cut]}\\{line[cut:]}"  # an escaped pipe starts no table
        warnings.append(ParseWarning(first_line + run[0], f"a table of {len(run) - 2} rows is read as text, "
                                     f"not cards (at most {MAX_TABLE_ROWS} rows; --no-tables skips every table)"))
    return "\n".join(lines), warnings


_FENCE_AND_COMMENT_MARKS = ("```", "~~~", "<!--", "-->")


def _outside_fences(text: str, wanted: re.Pattern[str], mark: str) -> Iterator[tuple[int, int, str]]:
    """(number, offset, line) of the lines matching `wanted` (each holds `mark`) that seem to be
    outside code fences and HTML comments. Only lines holding `mark` or a fence or comment mark
    are looked at: no other line changes what is inside what, and finding marks is the fast
    part of a scan of megabytes."""
    fence: str | None = None
    in_comment = False
    number = counted = 0
    for offset in _lines_holding(text, (mark, *_FENCE_AND_COMMENT_MARKS)):
        number += text.count("\n", counted, offset)
        counted = offset
        end = text.find("\n", offset)
        line = text[offset:] if end < 0 else text[offset:end]
        if in_comment:
            in_comment = "-->" not in line
            continue
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker):].strip():
                fence = None
            continue
        if fence is None:
            opened = line.rfind("<!--")
            if opened >= 0 and "-->" not in line[opened:]:
                in_comment = True
                continue
            if wanted.match(line):
                yield number, offset, line


def _lines_holding(text: str, marks: Sequence[str]) -> list[int]:
    """The offsets of the lines holding any of `marks`, in order."""
    starts: set[int] = set()
    for mark in marks:
        found = text.find(mark)
        while found >= 0:
            starts.add(text.rfind("\n", 0, found) + 1)
            end = text.find("\n", found)
            found = -1 if end < 0 else text.find(mark, end)
    return sorted(starts)


def _chunks_at(text: str, headings: list[tuple[int, int, str]], cuts: list[int]) -> list[Chunk]:
    """The chunks starting at these `headings` (indexes), each with the heading state before it."""
    chunks: list[Chunk] = []
    title: str | None = None
    open_headings: list[tuple[int, str]] = []  # raw heading text: only those open at a cut get read
    starts = [(0, 0, 0)]  # (offset, line index, level of the heading cut at)
    for cut in cuts:
        number, offset, line = headings[cut]
        starts.append((offset, number, outline_tokens.heading_level(line)))
    seen = 0  # headings read so far
    for index, (offset, first, cut_level) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        if index:
            open_headings = [entry for entry in open_headings if entry[0] < cut_level]
        state = tuple((level, _heading_plain(raw)) for level, raw in open_headings)
        chunks.append(Chunk(text[offset:end], first + 1, title, state, cut_level))
        while seen < len(headings) and headings[seen][1] < end:  # the state this slice leaves behind
            match = _ATX.match(headings[seen][2])
            seen += 1
            assert match is not None  # only `_ATX` lines are in `headings`
            level = len(match.group(1))
            open_headings = [entry for entry in open_headings if entry[0] < level]
            if level == 1 and title is None:
                title = _heading_plain(match.group(2))
            else:
                open_headings.append((level, match.group(2)))
    return chunks


def _heading_plain(raw: str) -> str:
    content = raw.strip().rstrip("#").strip()
    children = outline_tokens.inline(content)
    if children is None:
        tokens = _heading_parser().parseInline(content)
        return _plain(_pieces(tokens[0].children or [])) if tokens else ""
    return _plain(_pieces(children))


def parse_chunk(chunk: Chunk, keep: list[object] | None = None) -> ChunkResult:
    """The chunk's cards and warnings. With `keep`, the parse's intermediate objects (tokens,
    items) are left in it instead of being freed on return: a parse worker, which exits
    without freeing anything, saves that work (a twentieth of the parse)."""
    with no_cyclic_gc():
        return _parse_chunk(chunk, keep=keep)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Parsing allocates hundreds of thousands of short-lived objects and no cycles: each
    collection the allocations trigger would walk every token so far (a third of the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=None)
def _markdown(tables: bool) -> MarkdownIt:
    """One parser per process and option: a parse keeps its state in its own objects, never in these."""
    from markdown_it import MarkdownIt

    markdown = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    return markdown.enable("table") if tables else markdown


@lru_cache(maxsize=None)
def _heading_parser() -> MarkdownIt:
    """What `_chunks_at` reads headings with: commonmark as it comes (its own nesting limit)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _parse_chunk(chunk: Chunk, *, outline: bool = True, keep: list[object] | None = None) -> ChunkResult:
    environment: dict[str, Any] = {}
    text, too_big = chunk.text, list[ParseWarning]()
    if chunk.options.tables:
        text, too_big = _defuse_big_tables(chunk.text, chunk.first_line)
    runs = _read_runs(text, chunk.options.tables) if outline else None
    if runs is None:
        tokens = _markdown(chunk.options.tables).parse(text, environment)
        runs = [_Run(tokens, 0, tuple(text.split("\n")), bool(environment.get("references")))]
    tree = _build_tree(runs, chunk)
    drafts: list[CardDraft] = []
    warnings = [*tree.warnings, *too_big]
    for root in tree.roots:
        if isinstance(root, _Table):
            _emit_table(root, drafts, warnings)
        else:
            _emit(root, root.headings, drafts, warnings)
    warnings.sort(key=lambda warning: warning.line)
    for draft in drafts:  # computed here, so a parallel parse hands them over ready
        draft.key, draft.definition_key, draft.context_json, draft.topic  # noqa: B018
    if keep is not None:
        keep[:] = [runs, tree]
    last = runs[-1]
    return ChunkResult(
        title=tree.title, drafts=tuple(drafts), warnings=tuple(warnings), headings=tree.headings,
        ends_open=last.by_markdown_it and _runs_to_the_end(last.tokens, last.lines),
        has_references=any(run.has_references for run in runs), front_title=chunk.front_title,
    )


@dataclass
class _Run:
    """Consecutive lines read one way: by the outline reader, or by markdown-it."""

    tokens: Sequence[_AnyToken]
    first: int  # the index of its first line in the chunk
    lines: tuple[str, ...] = ()  # its lines, when markdown-it read them
    has_references: bool = False
    by_markdown_it: bool = True


def _read_runs(text: str, tables: bool) -> list[_Run] | None:
    """The chunk cut before each heading; each slice read by the outline reader when it can,
    the others by markdown-it (neighbours together). None when a cut would change what
    markdown-it reads: a fence or HTML block runs across it, or link definitions exist; the
    caller then gives markdown-it the whole chunk. A heading at a line's start ends every
    other block, so the cuts are otherwise invisible to it."""
    lines = text.split("\n")
    starts = [number for number, line in enumerate(lines) if number == 0 or outline_tokens.heading_level(line)]
    slices: list[tuple[int, int, list[outline_tokens.Token] | None]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        tokens = outline_tokens.read(lines[start:end], tables)
        if tokens is None and slices and slices[-1][2] is None:
            slices[-1] = (slices[-1][0], end, None)
        else:
            slices.append((start, end, tokens))
    if len(slices) == 1 and slices[0][2] is None:
        return None  # nothing for the outline reader: markdown-it reads it all, as before
    runs: list[_Run] = []
    for index, (start, end, tokens) in enumerate(slices):
        if tokens is not None:
            runs.append(_Run(tokens, start, by_markdown_it=False))
            continue
        part = tuple(lines[start:end])
        source = "\n".join(part) + ("\n" if end < len(lines) else "")
        environment: dict[str, Any] = {}
        parsed = _markdown(tables).parse(source, environment)
        if environment.get("references"):
            return None
        if index + 1 < len(slices) and _runs_to_the_end(parsed, part + ("",)):
            return None
        runs.append(_Run(parsed, start, part))
    return runs


def _runs_to_the_end(tokens: Sequence[_AnyToken], lines: Sequence[str]) -> bool:
    """Whether a code fence or HTML block may go on past the chunk's end: an HTML block that
    reaches it, or a fence that reaches it without a closing line."""
    end = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    for token in tokens:
        if token.map is None or token.map[1] < end or token.type not in ("fence", "html_block"):
            continue
        if token.type == "html_block":
            return True
        # markdown-it keeps every line but the opening and the closing one as the fence's
        # content: a fence holding all but its opening line found no closing line. (A last line
        # that only looks like one, indented as code, is content.)
        content = token.content
        held = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
        if held != token.map[1] - token.map[0] - 2:
            return True
    return False


def merge_chunks(chunks: Sequence[Chunk], results: Sequence[ChunkResult]) -> ParsedNotes | None:
    """The whole file's result from its chunks' results, or None when a cut was wrong (the
    caller then parses the file whole): a fence or HTML block ran across it, the heading
    state guessed for it differs from the one parsed before it, or link references exist."""
    if len(results) > 1 and any(result.has_references for result in results):
        return None
    for before, chunk in zip(results, chunks[1:], strict=False):
        if before.ends_open or before.title != chunk.title:
            return None
        if tuple(entry for entry in before.headings if entry[0] < chunk.cut_level) != chunk.headings:
            return None
    title = next((result.title for result in results if result.title is not None), None)
    drafts = merge_repeats(draft for result in results for draft in result.drafts)
    warnings = tuple(warning for result in results for warning in result.warnings)
    front_title = results[0].front_title if results else None
    options = chunks[0].options if chunks else _DEFAULT_OPTIONS
    return ParsedNotes(title=title or front_title, drafts=tuple(drafts), warnings=warnings, options=options)


def with_reverse(parsed: ParsedNotes) -> ParsedNotes:
    """The same notes with a definition->term card after each term card (list cards have none).
    A definition that several terms share under one context ("yes") makes no reverse card:
    its prompt would have several right answers. Each such bullet is reported."""
    from mlsflash.model import normalize

    def prompt(draft: CardDraft) -> tuple[tuple[str, ...], str]:
        return draft.context, normalize(draft.back_plain)

    terms: dict[tuple[tuple[str, ...], str], set[str]] = {}
    for draft in parsed.drafts:
        if not draft.is_list and draft.direction is Direction.FORWARD:
            terms.setdefault(prompt(draft), set()).add(normalize(draft.front_plain))
    drafts: list[CardDraft] = []
    warnings = list(parsed.warnings)
    for draft in parsed.drafts:
        drafts.append(draft)
        if draft.is_list or draft.direction is not Direction.FORWARD:
            continue
        sharing = len(terms[prompt(draft)])
        if sharing > 1:
            warnings.append(ParseWarning(draft.line, f"no reverse card: {sharing} terms here share the "
                                                     f"definition {draft.back_plain[:40]!r}"))
            continue
        drafts.append(
            replace(
                draft, front=draft.back, back=draft.front, front_plain=draft.back_plain,
                back_plain=draft.front_plain, direction=Direction.REVERSE,
            )
        )
    return replace(parsed, drafts=tuple(merge_repeats(drafts)), warnings=tuple(warnings))


# --- pass 1: tokens -> item tree ---------------------------------------------------------


@dataclass
class _Tree:
    title: str | None
    roots: list[_Item | _Table]
    headings: tuple[tuple[int, str], ...]  # open at the end
    warnings: list[ParseWarning]


def _build_tree(runs: Sequence[_Run], chunk: Chunk) -> _Tree:
    builder = _TreeBuilder(chunk)
    for run in runs:
        builder.read(run.tokens, chunk.first_line - 1 + run.first)
    return builder.tree()


class _TreeBuilder:
    """markdown-it's token stream as a tree: each list item under its parent (or a root), with
    the heading path it sits under; tables as roots. One method per kind of token it keeps."""

    def __init__(self, chunk: Chunk) -> None:
        self.title = chunk.title
        self.headings = list(chunk.headings)  # (level, plain text), the deck title excluded
        self.heading_path = tuple(text for _, text in self.headings)
        self.roots: list[_Item | _Table] = []
        self.warnings: list[ParseWarning] = []
        self.open_items: list[_Item] = []
        self.prose = chunk.options.prose

    def tree(self) -> _Tree:
        return _Tree(self.title, self.roots, tuple(self.headings), self.warnings)

    def read(self, tokens: Sequence[_AnyToken], line_offset: int) -> None:
        index, count = 0, len(tokens)
        while index < count:
            token = tokens[index]
            if token.level >= _DEEPEST_LEVEL and token.nesting == 1 and token.map:
                self.warnings.append(_too_deep(token.map, line_offset))
            kind = token.type
            before = tokens[index - 1].type if index else ""
            if kind == "inline":
                if self.open_items and before == "paragraph_open":
                    _add_paragraph(self.open_items[-1], _pieces(token.children or []))
            elif kind == "list_item_open":
                self.open_item(token, line_offset)
            elif kind == "list_item_close":
                self.open_items.pop()
            elif kind == "heading_open" and not self.open_items:
                self.markdown_heading(token, tokens[index + 1])
                index += 3
                continue
            elif kind == "html_block":
                self.html_block(token, item_opened=before == "list_item_open")
            elif kind == "fence" and self.open_items and before == "paragraph_close":
                self.code_answer(token.content)
            elif kind == "table_open":
                first_line = token.map[0] + 1 + line_offset if token.map else 0
                table, index = _read_table(tokens, index, first_line, self.heading_path)
                self.roots.append(table)
                continue
            index += 1

    def open_item(self, token: _AnyToken, line_offset: int) -> None:
        line = token.map[0] + 1 + line_offset if token.map else 0
        item = _Item(line, self.heading_path, self.prose)
        (self.open_items[-1].children if self.open_items else self.roots).append(item)
        self.open_items.append(item)

    def markdown_heading(self, token: _AnyToken, inline: _AnyToken) -> None:
        level = int(token.tag[1:])
        heading = _plain(_pieces(inline.children or []))
        if level == 1 and self.title is None:
            self.close_headings(level)
            self.title = heading  # names the deck, so it is not part of any context
            self.heading_path = tuple(text for _, text in self.headings)
        else:
            self.open_heading(level, heading)

    def html_block(self, token: _AnyToken, *, item_opened: bool) -> None:
        if not self.open_items:
            match = _HTML_HEADING.match(token.content)
            if match:  # `<h3>Storage</h3>` names the context as `### Storage` does (`<h1>` never:
                # only `#` headings name a deck or cut a chunk)
                self.open_heading(int(match.group(1)), _plain(_pieces(_inline_tokens(match.group(2)))))
        elif item_opened:
            pieces = _pieces(_inline_tokens(token.content.rstrip("\n"))) if _typed_block(token.content) else []
            if pieces:  # `* <bucket-name>` alone: a tag only in form
                _add_paragraph(self.open_items[-1], pieces)

    def code_answer(self, code: str) -> None:
        """A fenced block right after an item's only line of text answers it (`* **Query**:`)."""
        item = self.open_items[-1]
        if item.has_text and not item.extra_lines and not item.children and item.code is None:
            item.code = code

    def close_headings(self, level: int) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()

    def open_heading(self, level: int, heading: str) -> None:
        self.close_headings(level)
        self.headings.append((level, heading))
        self.heading_path = tuple(text for _, text in self.headings)


_DEEPEST_LEVEL = MAX_NESTING - 1
_HTML_HEADING = re.compile(r"\s*<h([2-6])(?:\s[^>]*)?>(.*?)</h\1>\s*$", re.IGNORECASE | re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def _typed_block(html: str) -> bool:
    """Whether an HTML block that opens a bullet is text the learner typed: any tag (`* <div> -
    a block container`, `* <script> - runs code` are CommonMark HTML blocks, yet terms), read
    as inline text in which only real HTML (attributes, formatting tags) is dropped; not a
    comment, processing instruction or declaration."""
    return _TAG_NAME.match(html) is not None


def _inline_tokens(text: str) -> Sequence[Token]:
    tokens = _heading_parser().parseInline(text)
    return (tokens[0].children or []) if tokens else []


def _too_deep(lines: list[int], line_offset: int) -> ParseWarning:
    first, last = lines[0] + 1 + line_offset, lines[1] + line_offset
    levels = MAX_NESTING // 2 - 1
    return ParseWarning(first, f"nested more than {levels} levels deep: lines {first}-{last} were not read")


def _add_paragraph(item: _Item, pieces: list[_Piece]) -> None:
    if not item.has_text:
        item.pieces, item.has_text = pieces, True
    elif pieces:
        item.extra_lines.append(pieces)


def _read_table(tokens: Sequence[_AnyToken], start: int, line: int, headings: tuple[str, ...]) -> tuple[_Table, int]:
    """The table opening at `start`, and the index just past its end."""
    table = _Table(line=line, headings=headings)
    opening = tokens[start].map
    line_offset = line - 1 - (opening[0] if opening else 0)
    cells: list[list[_Piece]] | None = None
    index = start + 1
    while index < len(tokens) and tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            cells = []
            row_line = token.map[0] + 1 + line_offset if token.map else line
        elif token.type == "tr_close" and cells is not None:
            if table.header:
                table.rows.append((row_line, cells))
            else:
                table.header = cells
            cells = None
        elif token.type == "inline" and cells is not None:
            cells.append(_strip(_pieces(token.children or [])))
        index += 1
    return table, index + 1


_SPAN_KINDS = {"strong_open": "strong", "em_open": "em", "link_open": "link"}
_BREAKS = frozenset({"softbreak", "hardbreak"})


def _pieces(children: Sequence[_AnyToken], elements: set[str] | None = None) -> list[_Piece]:
    """Flatten inline tokens into text runs and atomic spans; URLs, images and HTML are dropped,
    but for text in angle brackets that is no HTML (`_html_text`)."""
    pieces: list[_Piece] = []
    index, count = 0, len(children)
    while index < count:
        token = children[index]
        kind = token.type
        if kind == "text" or kind in _BREAKS:
            text = token.content if kind == "text" else "\n"  # whitespace to every reader but `_first_line`
            if pieces and pieces[-1].kind == "text":
                pieces[-1] = _Piece("text", pieces[-1].plain + text)
            else:
                pieces.append(_Piece("text", text))
        elif kind == "html_inline" and _closing_emphasis(children, index) is not None:
            # `<b>A - B</b>` is emphasis as `**A - B**` is: a dash inside it never splits.
            close = _closing_emphasis(children, index)
            assert close is not None
            pieces.append(_span("strong", _pieces(children[index + 1 : close], elements)))
            index = close
        elif kind == "html_inline":
            if elements is None:
                elements = set()
            text = _html_text(token.content, elements)
            if text:
                if pieces and pieces[-1].kind == "text":
                    pieces[-1] = _Piece("text", pieces[-1].plain + text)
                else:
                    pieces.append(_Piece("text", text))
        elif kind == "code_inline":
            fence = "``" if "`" in token.content else "`"
            pieces.append(_Piece("code", token.content, f"{fence}{token.content}{fence}"))
        elif kind in _SPAN_KINDS:
            close = _matching_close(children, index)
            pieces.append(_span(_SPAN_KINDS[kind], _pieces(children[index + 1 : close], elements)))
            href = str(getattr(token, "attrs", {}).get("href", "")) if kind == "link_open" else ""
            pieces[-1].in_notes = href.startswith("#")
            index = close
        index += 1
    return pieces


# Inline HTML a notes writer formats with: the tag goes and its text stays (`<br>` breaks the
# line). So does an element written with an attribute value (`<img src="...">`, `<span
# style="...">...</span>`), which no placeholder has, and an HTML comment (a note to oneself).
# Any other `<...>` is text the learner typed (`s3://<bucket-name>/<key>`, `List<String>`),
# which parsers before version 7 dropped.
FORMATTING_TAGS = frozenset({"b", "i", "u", "em", "strong", "br", "sup", "sub", "code", "kbd", "mark"})
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def _html_text(html: str, elements: set[str]) -> str:
    """What an inline HTML token shows as text: itself, a line break, or nothing. `elements`
    holds the names opened as HTML so far in the line, whose closing tags go too."""
    tag = _TAG_START.match(html)
    if tag is None:
        return "" if html.startswith("<!--") else html  # a comment; `<?...?>` and `<!...>` as typed
    closing, name = tag.group(1), tag.group(2).lower()
    if name in FORMATTING_TAGS:
        return "\n" if name == "br" and not closing else ""
    if closing:
        return "" if name in elements else html
    if "=" in html:
        elements.add(name)
        return ""
    return html


_EMPHASIS_TAG = re.compile(r"<(b|strong)>", re.IGNORECASE)


def _closing_emphasis(children: Sequence[_AnyToken], open_index: int) -> int | None:
    """The index of the `</b>` (`</strong>`) closing the `<b>` at `open_index`, if it opens one."""
    tag = _EMPHASIS_TAG.fullmatch(children[open_index].content)
    if tag is None:
        return None
    closing = f"</{tag.group(1).lower()}>"
    for index in range(open_index + 1, len(children)):
        token = children[index]
        if token.type == "html_inline" and token.content.lower() == closing:
            return index
        if token.type == "html_inline" and _EMPHASIS_TAG.fullmatch(token.content):
            return None
    return None


def _span(kind: str, inner: list[_Piece]) -> _Piece:
    markup = "".join([piece.markup for piece in inner])
    if kind == "strong":
        markup = f"**{markup}**"
    elif kind == "em":
        markup = f"*{markup}*"
    return _Piece(kind, _plain(inner), markup)


def _matching_close(children: Sequence[_AnyToken], open_index: int) -> int:
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


_MARKUP_ESCAPES = str.maketrans({character: f"\\{character}" for character in "\\`*_"})


def _plain(pieces: Sequence[_Piece]) -> str:
    if len(pieces) == 1:
        return " ".join(pieces[0].plain.split())
    return " ".join("".join([piece.plain for piece in pieces]).split())


def _markup(pieces: Sequence[_Piece]) -> str:
    if len(pieces) == 1:
        return " ".join(pieces[0].markup.split())
    return " ".join("".join([piece.markup for piece in pieces]).split())


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
    return _ALNUM.sub("", entry).casefold() == _bare_heading(item.headings[-1])


@lru_cache(maxsize=1024)
def _bare_heading(heading: str) -> str:
    """A heading's letters and digits, case folded; asked once per item under it."""
    return _ALNUM.sub("", heading).casefold()


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
        definition = " ".join([plain for _, plain in lines])
    else:
        if split.code is not None:
            lines, definition = _code_lines(split.code), " ".join(split.code.split())
        else:
            lines, definition = [(_markup(split.definition), split.definition_plain)], split.definition_plain
        lines += _child_lines(item, include_cards=False)
    back, back_plain = "\n".join([m for m, _ in lines]), "\n".join([p for _, p in lines])
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


def _code_lines(code: str) -> list[tuple[str, str]]:
    """A fenced block as answer lines: (markup, plain) per line, each shown as code, indent kept."""
    lines: list[tuple[str, str]] = []
    for line in code.rstrip("\n").split("\n"):
        body = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if "`" in body:
            body = f"`` {body} ``" if body.startswith("`") or body.endswith("`") else f"``{body}``"
        else:
            body = f"`{body}`" if body else ""
        lines.append((f"{indent}{body}" if body else "", line.rstrip()))
    return lines


def _emit_table(table: _Table, drafts: list[CardDraft], warnings: list[ParseWarning]) -> None:
    """One card per body row: front the first cell, back `Header: value` per other cell."""
    if len(table.header) < 2 or not table.rows:
        return
    firsts = [_plain(cells[0]) if cells else "" for _, cells in table.rows]
    if not any(firsts):
        return  # an empty first column names nothing
    long = [first for first in firsts if first and not _is_table_term(first)]
    if long:
        why = "long entries" if len(long[0].split()) > MAX_PLAIN_TERM_WORDS else "entries that name nothing"
        warnings.append(ParseWarning(table.line, f"table: its first column holds {why} ({long[0][:40]!r}); no cards"))
        return
    header = table.header[0]
    context = (*table.headings, _plain(header)) if _plain(header) else table.headings
    for line, cells in table.rows:
        term = cells[0] if cells else []
        if not _plain(term):
            warnings.append(ParseWarning(line, "table row with an empty first cell; not a card"))
            continue
        answer = [_table_line(name, cell) for name, cell in zip(table.header[1:], cells[1:], strict=False)
                  if _plain(cell)]
        if not answer:
            warnings.append(ParseWarning(line, f"table row '{_plain(term)}' has no other cell filled; not a card"))
            continue
        drafts.append(CardDraft(
            context=context, front=_markup(term), back="\n".join(m for m, _ in answer), front_plain=_plain(term),
            back_plain="\n".join(p for _, p in answer), definition=answer[0][1], line=line,
        ))


def _is_table_term(text: str) -> bool:
    """A first cell that names something: short, with a letter in it (`1`, `✅` or a date
    numbers a row, it does not name it)."""
    limit = MAX_PARENTHESISED_TERM_WORDS if "(" in text and ")" in text else MAX_PLAIN_TERM_WORDS
    has_letter = any(character.isalpha() for character in text)
    return len(text) <= MAX_TERM_CHARS and len(text.split()) <= limit and (has_letter or not text.strip())


def _table_line(header: list[_Piece], cell: list[_Piece]) -> tuple[str, str]:
    if not _plain(header):
        return _markup(cell), _plain(cell)
    return f"{_markup(header)}: {_markup(cell)}", f"{_plain(header)}: {_plain(cell)}"


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


# --- classifiers ----------------------------------------------------------------------


def _classify(item: _Item) -> _Split:
    if item.split is None:
        has_children = bool(item.children) and any(child.pieces or child.children for child in item.children)
        item.split = _classify_pieces(
            _strip(item.pieces), has_children=has_children, prose=item.prose, code=item.code,
            children_define=lambda: has_children and not any(_classify(child).term for child in item.children),
        )
    return item.split


def _classify_pieces(
    pieces: list[_Piece],
    *,
    has_children: bool,
    prose: bool = False,
    code: str | None = None,
    children_define: Callable[[], bool] = lambda: False,
) -> _Split:
    if _names_nothing(pieces):
        return _Split()  # empty, or link-only (a table of contents)
    # Today's rules first (with the guards the notes format lists for them): a card they make
    # keeps its term and answer (and id). A code answer, the extended separators and prose
    # only read what they make no card of: `Install - run this:` over a code block stays the
    # card `Install`.
    old = _split_emphasized(pieces) or _split_plain(pieces)
    if old is not None and _misread(old, pieces):
        return _Split(warning=_misread_warning(old)) if old.definition_plain or has_children else _Split()
    link_only = old is not None and not has_children and _only_links(old.definition)
    if old is not None and not link_only and (old.definition_plain or (old.is_list and has_children)):
        return _checked_length(old) or old
    split = (_split_code(pieces, code) if code is not None else None) or old or _split_extended(
        pieces, prose=prose, has_children=has_children, children_define=children_define
    )
    if split is None:
        return _Split()
    if split is not old and _misread(split, pieces):  # `old` was judged above
        return _Split(warning=_misread_warning(split)) if split.definition_plain or has_children else _Split()
    too_long = _checked_length(split)
    if too_long is not None:
        return too_long
    term_plain = split.term_plain
    if split.code is not None:
        if not split.code.strip():
            return _Split(warning=f"'{term_plain}:' is followed by an empty code block", label=split.term)
        return split
    if not split.definition_plain:
        if split.is_list:
            if has_children:
                return split
            return _Split(warning=f"'{term_plain}:' has nothing after the colon and no child bullets")
        return _Split(warning=f"'{term_plain}' has an empty definition", label=split.term)
    if not has_children and _only_links(split.definition):
        return _Split(warning=f"'{term_plain}' has only a link as its answer; not a card", label=split.term)
    return split


def _misread(split: _Split, pieces: list[_Piece]) -> bool:
    """The wrong-card guards: a split whose term is no name or whose answer is no definition,
    for every rule, emphasized terms included where the emphasis wraps a label or a verb
    phrase. An emphasized `**Trend in a time series**` or `**NTM topics are unnamed**` is a
    term its author chose: only a plain term is read as a sentence fragment."""
    term = split.term_plain
    words = term.split()
    if not words:
        return False
    if words[0][0] in REMARK_MARKS or words[0].rstrip("\ufe0f")[:1] in REMARK_MARKS:
        return True  # `💡 Good metric: "queue depth"`
    if _TASK_BOX.match(term):
        return True  # `[ ] Anki: add the false friends`: a task list's item
    words = _LEADING_MARKS.sub("", term).split() or words
    folded = [_bare(word) for word in words]
    if _bare(_NUMBERING.sub("", " ".join(words))) in REMARK_LABELS:
        return True  # `**Note**: ...`, `Loop:` over steps, `Step 2 - ...`
    if folded[0] in EXAMPLE_OPENERS:
        return True  # `e.g. fraud -> care about recall`
    if len(folded) >= 3 and folded[0] in _PREPOSITIONS and not split.is_list and _all_text(split.term):
        return True  # `under anaerobic conditions pyruvate -> lactate` (`At rest: KMS` names a state)
    if len(folded) >= 2 and folded[0] in TASK_VERBS and folded[1] in _DETERMINERS | {"this", "these", "all"}:
        return True  # `open the Spark UI: Stages tab`
    verb_phrase = folded[0] in VERB_OPENERS and not split.is_list
    if len(words) >= 2 and (verb_phrase or folded[-1] in INSTRUCTION_ADVERBS):
        return True  # `Ingests audio data`, `configure root volume`, `**Audit Regularly**`
    if " ".join(folded).startswith(DESCRIPTION_OPENINGS + STEP_OPENINGS):
        return True  # `Collection of EC2 instances -> ...`
    if folded[-1] in _OWNED_REMARKS and (folded[0] in _OWNERS or words[0].endswith(("'s", "’s"))):
        return True  # `prof's example: ...`
    if _is_fragment(folded) and _plain_before_arrow(split, pieces):
        return True  # `Bound to the Region -> copy to share`
    if any(piece.kind == "code" and _is_example_code(piece.plain) for piece in split.term):
        return True  # `` `a=np.ones(5)` ``: an example of code (`axis=0` names a setting)
    definition = split.definition_plain
    if definition.startswith("{") or (folded[-1] in METRIC_WORDS and _NUMBER_VALUE.fullmatch(definition)):
        return True  # `Topic 1: {...}`, `Training error: 1%`: example data
    if _APPOINTMENT.match(definition) or _is_remark(definition):
        return True  # `study group: Tues 6pm`, `CSV - please no`, `rows/cols: actual on rows?? check`
    return _names_a_pair(words, definition.split())


def _all_text(pieces: Sequence[_Piece]) -> bool:
    return all(piece.kind == "text" for piece in pieces)


def _is_example_code(code: str) -> bool:
    """An assignment of a computed value; a setting such as `axis=0` or `lr=0.01` is a term."""
    return _ASSIGNMENT.search(code) is not None and _holds_any(code, "([{;")


def _misread_warning(split: _Split) -> str:
    return f"'{split.term_plain}' reads as a sentence, a step, a remark or an example, not a term; not a card"


def _plain_before_arrow(split: _Split, pieces: list[_Piece]) -> bool:
    if any(piece.kind != "text" for piece in split.term):
        return False
    rest = _plain(pieces)[len(split.term_plain) :].lstrip()
    return _ARROW.match(rest) is not None


def _is_fragment(folded: Sequence[str]) -> bool:
    """`Bound to the Region`, `Reduce columns from 1000`: a preposition before a determiner
    or a number is a piece of a sentence (`Point in time recovery` stays a term)."""
    for word, following in zip(folded, folded[1:], strict=False):
        if word in _FRAGMENT_PREPOSITIONS and (following in _DETERMINERS or following[:1].isdigit()):
            return True
    return False


def _names_a_pair(term: Sequence[str], definition: Sequence[str]) -> bool:
    """`Convolutional Neural Network - Quantile Regression`: a dash between two spelled-out
    names in capitals is part of one name (CNN-QR), not a definition; and two names of the
    same kind (`Server-Side Encryption - Client-Side Encryption`) are a pair to tell apart."""
    if len(term) < 2 or not 2 <= len(definition) <= 4:
        return False
    if len(term) < 3 and (len(definition) != len(term) or _bare(term[-1]) != _bare(definition[-1])):
        return False  # `ROC Curve - Receiver Operating Characteristic Curve` spells a name out
    return all(word[:1].isupper() and word.replace("-", "").isalpha() for word in (*term, *definition))


def _names_nothing(pieces: list[_Piece]) -> bool:
    """No pieces, or only links and blank text."""
    for piece in pieces:
        if piece.kind != "link" and piece.plain.strip():
            return False
    return True


_BARE_URL = re.compile(r"\s*(?:https?://|www\.)\S+\s*")


def _only_links(definition: Sequence[_Piece]) -> bool:
    """An answer that is only links, written `[text](url)` or as a bare URL: a pointer
    elsewhere, nothing to recall."""
    pieces = [piece for piece in definition if piece.kind != "text" or piece.plain.strip()]
    if len(pieces) == 1 and _names_an_answer(pieces[0]):
        return False
    return bool(pieces) and all(
        piece.kind == "link" or (piece.kind == "text" and _BARE_URL.fullmatch(piece.plain)) for piece in pieces
    )


def _names_an_answer(piece: _Piece) -> bool:
    """`[Amazon EFS](#efs)`: a link to a heading of the notes, whose text names the answer
    (`[the guide](https://...)` or `[here](#s3)` only point elsewhere)."""
    return (
        piece.in_notes
        and any(character.isalpha() for character in piece.plain)
        and " ".join(_bare(word) for word in piece.plain.split()) not in _GENERIC_LINK_TEXTS | STOP_LABELS
    )


def _checked_length(split: _Split) -> _Split | None:
    if len(split.term_plain) > MAX_TERM_CHARS:
        return _Split(warning=f"term longer than {MAX_TERM_CHARS} characters ({len(split.term_plain)}); not a card")
    return None


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
    end = _leading_spans(pieces)
    if end is None or end >= len(pieces) or pieces[end].kind != "text":
        return None
    match = _EMPHASIZED_SEPARATOR.match(pieces[end].plain)
    if not match:
        return None
    definition = _rest_after(pieces[end], match.end(), pieces[end + 1 :])
    is_list = match.group().strip() == ":" and not _plain(definition)
    return _Split(term=pieces[:end], definition=definition, is_list=is_list)


def _leading_spans(pieces: Sequence[_Piece]) -> int | None:
    """The end of the emphasized spans (joined by `or`, `/`, `&`, `,`) that open `pieces`, if any."""
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
    return end


def _split_plain(pieces: list[_Piece]) -> _Split | None:
    """`Expedited -> retrieval in 1 to 5 min`, `SQL -> OLTP`, `Input format:` over child bullets."""
    for index, piece in enumerate(pieces):
        if piece.kind != "text" or not _holds_any(piece.plain, _PLAIN_SEPARATOR_CHARACTERS):
            continue
        for match in _PLAIN_SEPARATOR.finditer(piece.plain):
            before = _strip([*pieces[:index], _text_piece(piece.plain[: match.start()])])
            after, following = piece.plain[match.end() :], pieces[index + 1 :]
            is_dash = "->" not in match.group()
            if is_dash and _is_numeric_range(_plain(before), after):
                continue
            if not _is_plain_term(_plain(before)) or _spans_lines(before):
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


def _split_code(pieces: list[_Piece], code: str) -> _Split | None:
    """`**Query**:` or `Query:` on a line of its own, then a fenced code block: the code answers."""
    last = pieces[-1]
    if last.kind != "text" or not last.plain.rstrip().endswith(":"):
        return None
    term = _strip([*pieces[:-1], _text_piece(last.plain.rstrip()[:-1])])
    if not term or _spans_lines(term):
        return None
    if _leading_spans(term) != len(term) and not _is_short_term(_plain(term)):
        return None
    return _Split(term=term, code=code)


def _split_extended(
    pieces: list[_Piece],
    *,
    prose: bool,
    has_children: bool = False,
    children_define: Callable[[], bool] = lambda: False,
) -> _Split | None:
    """The rules of parser version 6, for items today's rules make no card of. Only the first
    line of the item can hold the term; the definition runs on over the following lines."""
    line = _first_line(pieces)
    split = (
        _split_colon_in_span(line, pieces)
        or _split_emphasized_extended(line, pieces)
        or _split_plain_extended(line, pieces, has_children=has_children)
        or _split_parenthesised(line, pieces)
        or _split_code_lead(line, pieces)
        or (_split_bare_span(pieces) if children_define() else None)
    )
    if split is None and prose:
        split = _split_prose(line, pieces)
    return split


def _first_line(pieces: list[_Piece]) -> list[_Piece]:
    for index, piece in enumerate(pieces):
        if piece.kind == "text" and "\n" in piece.plain:
            return [*pieces[:index], _text_piece(piece.plain.split("\n", 1)[0])]
    return pieces


def _split_colon_in_span(line: list[_Piece], pieces: list[_Piece]) -> _Split | None:
    """`**Cold tier:** Glacier`, `**RCF:**` over child bullets: the colon typed inside the emphasis."""
    end = _leading_spans(line)
    if end is None or line[end - 1].kind not in ("strong", "em"):
        return None
    last = line[end - 1]
    if not last.plain.rstrip().endswith(":") or (end < len(line) and line[end].kind != "text"):
        return None
    if end < len(line) and _EXTENDED_AFTER_SPAN.match(line[end].plain) and line[end].plain.strip():
        return None  # `**Tier:** - Glacier`: two separators, not a name
    term = [*line[: end - 1], _without_colon(last)]
    if not _is_span_term(_plain(term)):
        return None
    definition = _strip(list(pieces[end:]))
    return _Split(term=term, definition=definition, is_list=not _plain(definition))


def _without_colon(span: _Piece) -> _Piece:
    plain = span.plain.rstrip().removesuffix(":").rstrip()
    colon = span.span_markup.rfind(":")
    return _Piece(span.kind, plain, span.span_markup[:colon].rstrip() + span.span_markup[colon + 1 :])


def _split_bare_span(pieces: list[_Piece]) -> _Split | None:
    """`**Cold Tier**` alone on its line over child bullets that define it (none of them a card)."""
    if _leading_spans(pieces) != len(pieces) or pieces[-1].kind not in ("strong", "em"):
        return None
    if not _is_span_term(_plain(pieces)):
        return None
    return _Split(term=pieces, is_list=True)


def _is_span_term(text: str) -> bool:
    """An emphasized name that heads its answer: the guards of a plain term (label, clause,
    connective), up to 6 words since the emphasis marks where it ends."""
    words = text.split()
    if not words or len(words) > MAX_PARENTHESISED_TERM_WORDS:
        return False
    shortened = " ".join(words[:MAX_PLAIN_TERM_WORDS]) if "(" not in text else text
    return _is_short_term(shortened) and not any(_bare(word) in NEW_CLAUSE_WORDS for word in words)


def _split_parenthesised(line: list[_Piece], pieces: list[_Piece]) -> _Split | None:
    """`Elbow method (plot inertia against K)`: a short plain term, then only a parenthesised
    definition of at least three words (`Redshift (provisioned)` qualifies a name)."""
    if len(line) != len(pieces) or line[0].kind != "text" or line[-1].kind != "text":
        return None
    first, last = line[0].plain, line[-1].plain.rstrip()
    opening = first.find(" (")
    if opening < 0 or not last.endswith(")"):
        return None
    term = first[:opening].strip()
    inside = _plain(line)[len(first[:opening]) + 2 :].rstrip()[:-1]
    inner = [_bare(word) for word in inside.split()]
    if len(inner) < 3 or _holds_any(inside, "()/\"") or _lists_examples(inside) or inner[-1] == "etc":
        return None  # `AWS (RDS, Redshift, S3)`, `Keyboard (for education)`: examples or a remark
    if inner[0] in PROSE_STOP_WORDS:
        return None
    if any(word in NEW_CLAUSE_WORDS for word in inner) or inner[0] in STOP_LABELS or " ".join(inner[:2]) in STOP_LABELS:
        return None  # `Near real time (lowest buffering time is 1 minute)`, `Cache (for example Redis)`
    if not _is_short_term(term) or any(_bare(word) in _VERB_LIKE for word in term.split()):
        return None  # `Enables hybrid workflows (on-prem + cloud)`, `must manage idempotence (...)`
    if len(line) == 1:
        definition = [_text_piece(inside)]
    else:
        definition = _strip([_text_piece(first[opening + 2 :]), *line[1:-1], _text_piece(last[:-1])])
    return _Split(term=[_text_piece(term)], definition=definition)


def _split_code_lead(line: list[_Piece], pieces: list[_Piece]) -> _Split | None:
    """`` `cat` concatenate and print files ``: a cheat sheet's command, then what it does,
    with no separator between them."""
    if len(line) < 2 or line[0].kind != "code" or line[1].kind != "text" or not line[1].plain[:1].isspace():
        return None
    rest = _plain(line[1:])
    words = rest.split()
    if len(words) < 2 or not words[0][:1].islower() or _holds_any(rest, ":→⇒") or "->" in rest:
        return None  # `` `5 API calls / s` PER SHARD ``, `` `Spark` transformations (example: ...) ``
    first = _bare(words[0])
    if first in NEW_CONNECTIVES | PROSE_STOP_WORDS | _PREPOSITIONS or first.endswith(_NOT_A_DESCRIPTION):
        return None  # `` `a` and `b` ``, `` `same` for all ``, `` `varies` depending on ``, `` `x` usually ``
    return _Split(term=line[:1], definition=_strip(list(pieces[1:])))


# A command's description opens with a verb or a noun; these endings open a remark on a value.
_NOT_A_DESCRIPTION = ("ing", "ly", "ed")


def _lists_examples(inside: str) -> bool:
    """`RDS, Redshift, S3`: a comma after fewer than three words lists names; after a phrase
    (`rows stored in index order, one per table`) it adds to a definition."""
    first, comma, _ = inside.partition(",")
    return bool(comma) and len(first.split()) < 3


def _split_emphasized_extended(line: list[_Piece], pieces: list[_Piece]) -> _Split | None:
    """`**Firehose** → near real time`, `**Shard** => unit`, `**NAT Gateway** is a managed ...`."""
    end = _leading_spans(line)
    if end is None or end >= len(line) or line[end].kind != "text":
        return None
    text = line[end].plain
    match = _EXTENDED_AFTER_SPAN.match(text)
    if match:
        definition = _rest_after(pieces[end], match.end(), pieces[end + 1 :])
        is_list = match.group().strip() == ":" and not _plain(definition)
        return _Split(term=line[:end], definition=definition, is_list=is_list)
    match = _DEFINING_VERB.match(text)
    if match:
        return _Split(term=line[:end], definition=_rest_after(pieces[end], match.start(1), pieces[end + 1 :]))
    return None


def _split_plain_extended(line: list[_Piece], pieces: list[_Piece], *, has_children: bool = False) -> _Split | None:
    """`Shard: a unit of capacity`, `Firehose → delivery`, `Redshift (provisioned) - clusters`."""
    for index, piece in enumerate(line):
        if piece.kind != "text" or not _holds_any(piece.plain, _EXTENDED_SEPARATOR_CHARACTERS):
            continue
        for match in _EXTENDED_PLAIN_SEPARATOR.finditer(piece.plain):
            before = _strip([*line[:index], _text_piece(piece.plain[: match.start()])])
            after, following = piece.plain[match.end() :], line[index + 1 :]
            separator = match.group().strip()
            is_dash = separator in ("-", "--", "–", "—")
            if is_dash and _is_numeric_range(_plain(before), after):
                continue
            if not _is_short_term(_plain(before)):
                return None
            if _ARROW.fullmatch(separator) and _chains(after):
                return None  # `Encoder -> Decoder -> Output`: a chain, not a definition
            if separator == "=" and _ARROW.search(after):
                continue  # `MR = MC → profit-max rule`: the arrow separates, the `=` is in the term
            if is_dash and (_SPACED_DASH.search(f" {after} ") or _dash_follows(following)):
                return None
            if separator == "=" and not _is_equation_term(_plain(before), _plain([_text_piece(after), *following])):
                return None
            opens_sentence = _bare(_plain(before).split()[0]) in PROSE_STOP_WORDS
            if opens_sentence and (separator == "=" or not after.strip()):
                return None  # `every feature = new dimension`, `For supervised mode (text):` over steps
            if is_dash and not match.group()[0].isspace() and _glued_dash_continues(after):
                return None
            definition = _rest_after(pieces[index], match.end(), pieces[index + 1 :])
            is_list = separator == ":" and has_children and not _plain(definition)
            return _Split(term=before, definition=definition, is_list=is_list)
    return None


def _is_equation_term(before: str, after: str) -> bool:
    """`POSIX = Portable ...`, `1 WCU = 1 KB/s`: a name (a word of two letters or more) equal to
    words. `x = 5`, `lr = 0.01` and `a = b = c` are maths, not definitions."""
    named = any(sum(character.isalpha() for character in word) >= 2 for word in before.split())
    return named and "=" not in after and any(character.isalpha() for character in after)


def _glued_dash_continues(after: str) -> bool:
    """`pre- and post-processing`: a glued dash before `and`/`or`/`to` shortens a word."""
    words = after.split()
    return not words or _bare(words[0]) in ("and", "or", "to", "nor", "&")


def _chains(after: str) -> bool:
    """Another arrow follows in the same clause: `A -> B -> C` is a chain. After a `;` or a
    sentence's end it belongs to the answer (`price ceiling → legal max; binding → shortage`)."""
    arrow = _ARROW.search(after)
    return arrow is not None and not _CLAUSE_END.search(after[: arrow.start()])


_CLAUSE_END = re.compile(r"[;]|\.(?:\s|$)")


def _split_prose(line: list[_Piece], pieces: list[_Piece]) -> _Split | None:
    """With `--prose`: `Glue is a serverless ETL service` (a short plain term, then a verb)."""
    for index, piece in enumerate(line):
        if piece.kind != "text":
            continue
        match = _DEFINING_VERB.search(piece.plain)
        if match is None:
            continue
        before = _strip([*line[:index], _text_piece(piece.plain[: match.start()])])
        text = _plain(before)
        definition = _rest_after(pieces[index], match.start(1), pieces[index + 1 :])
        after_verb = piece.plain[match.end() :]
        if before and before[0].kind == "text" and _defines_after_article(text, match.group(1), after_verb):
            _, _, rest = before[0].plain.lstrip().partition(" ")
            before = _strip([_text_piece(rest), *before[1:]])
            text = _plain(before)
        if not _is_short_term(text) or _bare(text.split()[0]) in PROSE_STOP_WORDS or _PROSE_TERM_END.search(text):
            return None  # `The data is`, `In sagemaker it has`, `categorical data that has`
        return _Split(term=before, definition=definition)
    return None


def _defines_after_article(subject: str, verb: str, rest: str) -> bool:
    """`A ledger is an append-only record`, `The queue depth denotes ...`: an article opens a
    definition when a defining verb, or `is`/`are` then an article, follows its noun.
    `The vault is locked every night` states a fact about one vault."""
    words = subject.split()
    if len(words) < 2 or _bare(words[0]) not in _ARTICLES:
        return False
    return verb in _DEFINING_AFTER_ARTICLE or (verb in ("is", "are") and bool(_ARTICLE_AFTER_IS.match(rest)))


def _holds_any(text: str, characters: str) -> bool:
    for character in characters:
        if character in text:
            return True
    return False


def _spans_lines(term: Sequence[_Piece]) -> bool:
    """Only an item's first line holds its term: `box` over `Vault - keeps secrets` is no term."""
    return any(piece.kind == "text" and "\n" in piece.plain for piece in term)


def _text_piece(plain: str) -> _Piece:
    return _Piece("text", plain)


def _rest_after(piece: _Piece, offset: int, following: Sequence[_Piece]) -> list[_Piece]:
    rest_plain = piece.plain[offset:]
    return _strip(([_text_piece(rest_plain)] if rest_plain else []) + list(following))


def _dash_follows(pieces: Sequence[_Piece]) -> bool:
    return any(piece.kind == "text" and _SPACED_DASH.search(f" {piece.plain} ") for piece in pieces)


def _is_plain_term(text: str) -> bool:
    """Today's plain term (before ` - ` or `->`), with the connective guard of version 6."""
    words = text.split()
    if not words or len(words) > MAX_PLAIN_TERM_WORDS or ":" in text or _NEW_ARROW.search(text):
        return False
    if text.count("(") != text.count(")"):
        return False  # `Open port (NFS -> TCP 2049) from the client`: cut inside its parentheses
    folded = [_bare(word) for word in words]
    return not any(word in CLAUSE_WORDS for word in folded) and not _starts_with_connective(folded)


def _is_short_term(text: str) -> bool:
    """A plain term for the rules of version 6: at most 4 words (6 with a parenthesised part),
    not a clause, not opening with a connective, not a label such as `Note` or `Example`."""
    words = text.split()
    limit = MAX_PARENTHESISED_TERM_WORDS if "(" in text and ")" in text else MAX_PLAIN_TERM_WORDS
    if not words or len(words) > limit or ":" in text or _ARROW.search(text) or not any(c.isalpha() for c in text):
        return False
    if text.count("(") != text.count(")"):
        return False  # `Spark transformations (example: K-Means)` was cut inside its parentheses
    # A label behind an emoji or in quotes (`💡 Tip:`, `"Note":`) is still a label.
    words = _LEADING_MARKS.sub("", text).split()
    folded = [_bare(word) for word in words]
    if not folded or any(word in NEW_CLAUSE_WORDS for word in folded):
        return False
    if _starts_with_connective(folded, NEW_CONNECTIVES) and not _is_keyword(words[0]):
        return False
    return _bare(_NUMBERING.sub("", " ".join(words))) not in STOP_LABELS


def _is_keyword(word: str) -> bool:
    """`EVEN`, `ALL`: a connective typed in capitals is a keyword (a Redshift distribution style)."""
    letters = [character for character in word if character.isalpha()]
    return len(letters) >= 2 and all(character.isupper() for character in letters)


_LEADING_MARKS = re.compile(r"^[^\w(]+")


def _bare(word: str) -> str:
    return word.casefold().strip(",.;:!?()\"'“”‘’")


def _starts_with_connective(folded: Sequence[str], connectives: frozenset[str] = CONNECTIVES) -> bool:
    opening = " ".join(folded[:2])
    return folded[0] in connectives or any(opening.startswith(phrase) for phrase in CONNECTIVE_PHRASES)


def _is_numeric_range(before: str, after: str) -> bool:
    """`1d - 365d`, `1 MiB - 128 MiB`: a dash between two numbers never separates a term."""
    left_words, right_words = before.split(), after.split()
    if not left_words or not right_words:
        return False
    left = left_words[-1]
    if not left[0].isdigit() and len(left) <= 4 and len(left_words) > 1:
        left = left_words[-2]  # the number before its unit
    return left[0].isdigit() and right_words[0][0].isdigit()
