"""Question bank files -> exam-style items. Pure: text in, items and problems out.

A bank file is Markdown whose YAML front matter opens with `mlsflash: questions` (`is_bank`).
Each `## ID | TASK | TYPE` heading starts an item; a `case-study` heading holds a scenario
and its `### ID | TASK | TYPE` questions. `parse_bank` cuts the text at headings
(`_sections`), reads each item's lines with one classifier per element (`_classify`: scenario
text, option, `Why:`, step, table row, `Source:`/`Checked:`/`Cards:`) and checks the elements
its type needs (`_CHECKS`). A malformed item is reported as (line, reason) and skipped; the
others are kept.

A line reader, not markdown-it: the format is line-shaped (a heading, a task list with one
child bullet each, a numbered list, a table, `Key: value` lines), every problem must name
its line, and the items must be read the same whether or not a table extension is on.
Fenced code is skipped when looking for headings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Iterator, Sequence

from mlsflash.model import strip_invisible

# MLA-C01's task statements (the exam guide's 1.1 ... 4.3).
TASKS = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3")
CASE_STUDY = "case-study"
MIN_STEPS, MAX_STEPS = 3, 5  # ordering steps, as the format says
MIN_ROWS, MAX_ROWS = 3, 5  # matching rows
CHOOSE_WORDS = {"TWO": 2, "THREE": 3, "FOUR": 4}


class ItemType(StrEnum):
    MULTIPLE_CHOICE = "multiple-choice"
    MULTIPLE_RESPONSE = "multiple-response"
    ORDERING = "ordering"
    MATCHING = "matching"


@dataclass(frozen=True)
class Choice:
    """An option (right or wrong) or, for an ordering, a step (in its right place, right=True)."""

    text: str
    right: bool
    why: str


@dataclass(frozen=True)
class Pair:
    """A matching row: an item, its right match, and why."""

    item: str
    match: str
    why: str


@dataclass(frozen=True)
class BankItem:
    id: str
    task: str  # "2.3"
    type: ItemType
    scenario: str  # plain text, paragraphs joined by a blank line
    case_id: str | None
    case_scenario: str | None
    choices: tuple[Choice, ...]
    pairs: tuple[Pair, ...]
    sources: tuple[str, ...]
    checked: str  # "2026-12"; "" when the file gives none
    cards: tuple[tuple[str, str], ...]  # (deck, term)
    source_file: str
    line: int  # of its heading; 0 for an item read back from the store

    @property
    def domain(self) -> int:
        return int(self.task.split(".")[0])

    @property
    def choose(self) -> int:
        return sum(choice.right for choice in self.choices)


@dataclass(frozen=True)
class ParsedBank:
    items: tuple[BankItem, ...]
    problems: list[tuple[int, str]] = field(default_factory=list)


# --- the stored form ---------------------------------------------------------------------

def item_body(item: BankItem) -> str:
    """The item's content as stored (JSON): all an item asks and explains, without where it
    stands in its file, so moving an item changes nothing and any edit shows as an update."""
    return json.dumps({
        "scenario": item.scenario,
        "case_id": item.case_id,
        "case_scenario": item.case_scenario,
        "choices": [[c.text, c.right, c.why] for c in item.choices],
        "pairs": [[p.item, p.match, p.why] for p in item.pairs],
        "sources": list(item.sources),
        "checked": item.checked,
        "cards": [list(card) for card in item.cards],
    }, ensure_ascii=False, sort_keys=True)


def item_from_body(item_id: str, task: str, item_type: str, body: str, source_file: str) -> BankItem:
    """The item a stored row holds (see `item_body`); its line is 0 (not stored)."""
    data: dict[str, Any] = json.loads(body)
    return BankItem(
        id=item_id, task=task, type=ItemType(item_type), scenario=data["scenario"],
        case_id=data["case_id"], case_scenario=data["case_scenario"],
        choices=tuple(Choice(text, bool(right), why) for text, right, why in data["choices"]),
        pairs=tuple(Pair(item, match, why) for item, match, why in data["pairs"]),
        sources=tuple(data["sources"]), checked=data["checked"],
        cards=tuple((deck, term) for deck, term in data["cards"]), source_file=source_file, line=0,
    )


# --- the marker --------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"---[ \t]*\n((?:.*\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|$)")
_MARKER = re.compile(r"mlsflash[ \t]*:[ \t]*['\"]?questions['\"]?[ \t]*(?:#.*)?$")


def is_bank(text: str) -> bool:
    """Whether the text is a question bank: front matter whose first key line is `mlsflash: questions`."""
    head = strip_invisible(text[:64])
    if not head.startswith("---"):
        return False
    match = _FRONT_MATTER.match(_normalized(text))
    if not match:
        return False
    keys = [line for line in match.group(1).split("\n") if line.strip() and not line.lstrip().startswith("#")]
    return bool(keys) and bool(_MARKER.match(keys[0].rstrip()))


_ITEM_HEADING_LINE = re.compile(
    r"^ {0,3}##[ \t]+\S+[ \t]*\|[ \t]*\d\.\d[ \t]*\|[ \t]*(?:multiple-choice|multiple-response|ordering|matching"
    r"|case-study)[ \t]*$", re.MULTILINE)


def looks_like_bank(text: str) -> bool:
    """Whether a file without the marker has item headings (`## ID | TASK | TYPE`): a bank whose
    front matter was forgotten, misspelt or not first, that would be read as notes."""
    return not is_bank(text) and bool(_ITEM_HEADING_LINE.search(_normalized(text)))


def _normalized(text: str) -> str:
    return strip_invisible(text).replace("\r\n", "\n").replace("\r", "\n")


# --- sections ----------------------------------------------------------------------------

@dataclass
class _Section:
    level: int
    line: int  # 1-based
    heading: str
    body: list[tuple[int, str]]


_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _sections(text: str) -> list[_Section]:
    lines = _normalized(text).split("\n")
    match = _FRONT_MATTER.match("\n".join(lines))
    skip = match.group(0).count("\n") if match else 0
    sections: list[_Section] = [_Section(0, 0, "", [])]
    fence = ""
    for number, line in enumerate(lines, start=1):
        if number <= skip:
            continue
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
        elif opening:
            fence = opening.group(1)
        elif heading := _HEADING.match(line):
            sections.append(_Section(len(heading.group(1)), number, (heading.group(2) or "").strip(), []))
            continue
        sections[-1].body.append((number, line))
    return sections


# --- headings ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Head:
    id: str
    task: str
    type: str
    line: int


_ID = re.compile(r"[a-z0-9][a-z0-9.-]*")


class _Problem(Exception):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


def _is_item_heading(section: _Section) -> bool:
    return section.level in (2, 3) and "|" in section.heading


def _read_heading(section: _Section) -> _Head:
    parts = [part.strip() for part in section.heading.split("|")]
    if len(parts) != 3:
        raise _Problem(section.line, f"an item heading is `## ID | TASK | TYPE`, not `{section.heading}`")
    item_id, task, item_type = parts
    if not _ID.fullmatch(item_id):
        raise _Problem(section.line, f"id `{item_id}`: lowercase letters, digits, dots and hyphens only")
    if task not in TASKS:
        raise _Problem(section.line, f"{item_id}: unknown task statement `{task}` (1.1 ... 4.3)")
    if item_type not in {*ItemType, CASE_STUDY}:
        kinds = ", ".join([*ItemType, CASE_STUDY])
        raise _Problem(section.line, f"{item_id}: unknown type `{item_type}` ({kinds})")
    return _Head(item_id, task, item_type, section.line)


# --- parse -------------------------------------------------------------------------------

@dataclass
class _Case:
    head: _Head
    scenario: str
    questions: int = 0
    broken: bool = False  # its heading or scenario was wrong: its questions are skipped with it


def parse_bank(text: str, display_path: str) -> ParsedBank:
    """The well-formed items of a bank file, and a (line, reason) for each item skipped."""
    items: list[BankItem] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    case: _Case | None = None

    def close_case() -> None:
        if case is not None and not case.broken and case.questions == 0:
            problems.append((case.head.line, f"{case.head.id}: a case study needs `### ID | TASK | TYPE` questions"))

    for section in _sections(text):
        if not _is_item_heading(section):
            if 1 <= section.level <= 2:
                close_case()
                case = None
            continue
        try:
            if section.level == 3 and case is None:
                raise _Problem(section.line, "a `###` question belongs under a `## ID | TASK | case-study` heading")
            if section.level == 3 and case is not None and case.broken:
                continue
            head = _read_heading(section)
            if head.id in seen:
                raise _Problem(head.line, f"duplicate id {head.id} (first at line {seen[head.id]})")
            seen[head.id] = head.line
            if section.level == 2:
                close_case()
                case = None
                if head.type == CASE_STUDY:
                    case = _Case(head, "")
                    case.scenario = _case_scenario(head, section.body)
                    continue
            elif head.type == CASE_STUDY:
                raise _Problem(head.line, f"{head.id}: a case study's question is not itself a case study")
            items.append(_read_item(head, section.body, case, display_path))
            if case is not None:
                case.questions += 1
        except _Problem as problem:
            problems.append((problem.line, problem.reason))
            if section.level == 2:
                close_case()
                broken = _Case(_Head("", "", CASE_STUDY, section.line), "", broken=True)
                case = broken if _looks_like_case(section) else None
    close_case()
    return ParsedBank(tuple(items), problems)


def _looks_like_case(section: _Section) -> bool:
    return section.heading.rstrip().endswith(CASE_STUDY)


def _case_scenario(head: _Head, body: list[tuple[int, str]]) -> str:
    paragraphs, _ = _paragraphs(body)
    for number, line in body:
        if line.strip() and _classify(line) != "text":
            raise _Problem(number, f"{head.id}: a case study holds its scenario only; its questions are `###` headings")
    if not paragraphs:
        raise _Problem(head.line, f"{head.id}: no scenario")
    return "\n\n".join(paragraphs)


def _paragraphs(body: Sequence[tuple[int, str]]) -> tuple[list[str], int]:
    """The scenario's paragraphs (text before the first other element) and how many lines they take."""
    paragraphs: list[str] = []
    current: list[str] = []
    taken = 0
    for taken, (_, line) in enumerate(body):  # noqa: B007 (taken is read after the loop)
        kind = _classify(line) if line.strip() else "blank"
        if kind not in ("text", "blank"):
            break
        if kind == "blank":
            if current:
                paragraphs.append(" ".join(current))
            current = []
        else:
            current.append(line.strip())
    else:
        taken = len(body)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs, taken


# --- element classifiers -----------------------------------------------------------------

_OPTION = re.compile(r"^[-*+][ \t]+\[([ xX])\][ \t]+(\S.*)$")
_WHY = re.compile(r"^[ \t]+[-*+][ \t]+Why:[ \t]*(.*)$")
_CHILD = re.compile(r"^[ \t]+[-*+][ \t]+")
_STEP = re.compile(r"^\d{1,2}[.)][ \t]+(\S.*)$")
_ROW = re.compile(r"^[ \t]{0,3}\|")
_META = re.compile(r"^(Source|Checked|Cards):[ \t]*(.*)$")
_INDENTED = re.compile(r"^[ \t]+\S")


def _classify(line: str) -> str:
    if _META.match(line):
        return "meta"
    if _OPTION.match(line):
        return "option"
    if _WHY.match(line):
        return "why"
    if _CHILD.match(line):
        return "child"
    if _STEP.match(line):
        return "step"
    if _ROW.match(line):
        return "row"
    if _INDENTED.match(line):
        return "indented"
    return "text"


@dataclass
class _Answer:
    """An option or a step as read: its line, mark, text, and its `Why:` lines."""

    line: int
    right: bool
    text: str
    whys: list[str] = field(default_factory=list)


@dataclass
class _Elements:
    scenario: list[str] = field(default_factory=list)
    options: list[_Answer] = field(default_factory=list)
    steps: list[_Answer] = field(default_factory=list)
    rows: list[tuple[int, str]] = field(default_factory=list)
    meta: dict[str, tuple[int, str]] = field(default_factory=dict)


def _read_elements(head: _Head, body: list[tuple[int, str]]) -> _Elements:
    scenario, taken = _paragraphs(body)
    elements = _Elements(scenario=scenario)
    last: _Answer | None = None
    previous = "blank"
    for number, line in body[taken:]:
        kind = _classify(line) if line.strip() else "blank"
        if kind == "option" and (option := _OPTION.match(line)):
            last = _Answer(number, option.group(1) != " ", option.group(2).strip())
            elements.options.append(last)
        elif kind == "step" and (step := _STEP.match(line)):
            last = _Answer(number, True, step.group(1).strip())
            elements.steps.append(last)
        elif kind == "why" and (why := _WHY.match(line)):
            if last is None:
                raise _Problem(number, f"{head.id}: a `Why:` line belongs under an option or a step")
            last.whys.append(why.group(1).strip())
        elif kind == "child":
            raise _Problem(number, f"{head.id}: an option's only child bullet is `- Why: ...`")
        elif kind in ("indented", "text") and last is not None and previous in _CONTINUED:
            _continue(last, line.strip())  # a wrapped option, step or Why
            kind = "indented"
        elif kind == "row":
            elements.rows.append((number, line))
            last = None
        elif kind == "meta" and (meta := _META.match(line)):
            if meta.group(1) in elements.meta:
                raise _Problem(number, f"{head.id}: a second `{meta.group(1)}:` line")
            elements.meta[meta.group(1)] = (number, meta.group(2).strip())
            last = None
        elif kind != "blank":
            raise _Problem(number, f"{head.id}: text after the scenario that is no option, step, table or Source")
        previous = kind
    return elements


_CONTINUED = ("option", "step", "why", "indented", "text")


def _continue(answer: _Answer, text: str) -> None:
    if answer.whys:
        answer.whys[-1] = f"{answer.whys[-1]} {text}".strip()
    else:
        answer.text = f"{answer.text} {text}"


# --- items -------------------------------------------------------------------------------

def _read_item(head: _Head, body: list[tuple[int, str]], case: _Case | None, path: str) -> BankItem:
    elements = _read_elements(head, body)
    if not elements.scenario:
        raise _Problem(head.line, f"{head.id}: no scenario")
    item_type = ItemType(head.type)
    _only_its_elements(head, item_type, elements)
    choices: tuple[Choice, ...] = ()
    pairs: tuple[Pair, ...] = ()
    if item_type in (ItemType.MULTIPLE_CHOICE, ItemType.MULTIPLE_RESPONSE):
        choices = _options(head, item_type, elements)
    elif item_type is ItemType.ORDERING:
        choices = _steps(head, elements.steps)
    else:
        pairs = _pairs(head, elements.rows)
    sources, checked, cards = _meta(head, elements.meta)
    return BankItem(
        id=head.id, task=head.task, type=item_type, scenario="\n\n".join(elements.scenario),
        case_id=case.head.id if case else None, case_scenario=case.scenario if case else None,
        choices=choices, pairs=pairs, sources=sources, checked=checked, cards=cards,
        source_file=path, line=head.line,
    )


_ELEMENT_OF_TYPE = {
    ItemType.MULTIPLE_CHOICE: "options", ItemType.MULTIPLE_RESPONSE: "options",
    ItemType.ORDERING: "steps", ItemType.MATCHING: "rows",
}
_ELEMENT_NAMES = {"options": "`- [x]` options", "steps": "numbered steps", "rows": "a table"}


def _only_its_elements(head: _Head, item_type: ItemType, elements: _Elements) -> None:
    wanted = _ELEMENT_OF_TYPE[item_type]
    for name, found in (("options", elements.options), ("steps", elements.steps), ("rows", elements.rows)):
        if name != wanted and found:
            line = found[0].line if isinstance(found[0], _Answer) else found[0][0]
            has = f"has {_ELEMENT_NAMES[wanted]}, not {_ELEMENT_NAMES[name]}"
            raise _Problem(line, f"{head.id}: a {item_type} item {has}")
    if not getattr(elements, wanted):
        raise _Problem(head.line, f"{head.id}: no {_ELEMENT_NAMES[wanted]}")


_CHOOSE = re.compile(r"\(Choose ([A-Z]+)\.?\)\s*$")


def _options(head: _Head, item_type: ItemType, elements: _Elements) -> tuple[Choice, ...]:
    options = elements.options
    _each_has_one_why(head, options, "option")
    texts = [option.text.casefold() for option in options]
    if len(set(texts)) != len(texts):
        raise _Problem(head.line, f"{head.id}: two options say the same")
    keys = sum(option.right for option in options)
    if keys == 0:
        raise _Problem(head.line, f"{head.id}: no key: no option is marked `[x]`")
    if item_type is ItemType.MULTIPLE_CHOICE:
        if keys > 1:
            raise _Problem(head.line, f"{head.id}: {keys} keys in a multiple choice (one `[x]`)")
        if len(options) < 2:
            raise _Problem(head.line, f"{head.id}: a multiple choice needs at least 2 options")
    else:
        said = _CHOOSE.search(elements.scenario[-1])
        word = said.group(1) if said else ""
        wanted = CHOOSE_WORDS.get(word, 0)
        if not wanted:
            raise _Problem(head.line, f"{head.id}: a multiple response ends with (Choose TWO.) or (Choose THREE.)")
        if keys != wanted:
            raise _Problem(head.line, f"{head.id}: {keys} keys, but the question says Choose {word}")
        if len(options) <= wanted:
            raise _Problem(head.line, f"{head.id}: Choose {word} needs more than {wanted} options")
    return tuple(Choice(option.text, option.right, option.whys[0]) for option in options)


def _each_has_one_why(head: _Head, answers: list[_Answer], what: str) -> None:
    for answer in answers:
        if not answer.whys or not answer.whys[0]:
            raise _Problem(answer.line, f"{head.id}: {what} without its `Why:`: {_short(answer.text)}")
        if len(answer.whys) > 1:
            raise _Problem(answer.line, f"{head.id}: {what} with {len(answer.whys)} `Why:` lines (one)")


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _steps(head: _Head, steps: list[_Answer]) -> tuple[Choice, ...]:
    if not MIN_STEPS <= len(steps) <= MAX_STEPS:
        raise _Problem(head.line, f"{head.id}: an ordering has {MIN_STEPS}-{MAX_STEPS} steps, not {len(steps)}")
    _each_has_one_why(head, steps, "step")
    if len({step.text.casefold() for step in steps}) != len(steps):
        raise _Problem(head.line, f"{head.id}: two steps say the same")
    return tuple(Choice(step.text, True, step.whys[0]) for step in steps)


_SEPARATOR_CELL = re.compile(r"^:?-+:?$")


def _cells(row: str) -> list[str]:
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def _pairs(head: _Head, rows: list[tuple[int, str]]) -> tuple[Pair, ...]:
    header_line, header = rows[0]
    columns = _cells(header)
    if len(columns) != 3 or columns[2].casefold() != "why":
        raise _Problem(header_line, f"{head.id}: a matching table has three columns: `| Item | Match | Why |`")
    body = rows[1:]
    if body and all(_SEPARATOR_CELL.match(cell) for cell in _cells(body[0][1])):
        body = body[1:]
    else:
        raise _Problem(header_line, f"{head.id}: the table's second line is `|---|---|---|`")
    if not MIN_ROWS <= len(body) <= MAX_ROWS:
        raise _Problem(header_line, f"{head.id}: a matching table has {MIN_ROWS}-{MAX_ROWS} rows, not {len(body)}")
    pairs = []
    for number, row in body:
        cells = _cells(row)
        if len(cells) != 3:
            raise _Problem(number, f"{head.id}: a matching row has three cells (item, match, why), not {len(cells)}")
        if not all(cells):
            raise _Problem(number, f"{head.id}: a matching row with an empty cell")
        pairs.append(Pair(*cells))
    if len({pair.item.casefold() for pair in pairs}) != len(pairs):
        raise _Problem(header_line, f"{head.id}: two rows match the same item")
    return tuple(pairs)


_URL = re.compile(r"https?://\S+")
_MONTH = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")


def _meta(head: _Head, meta: dict[str, tuple[int, str]]) -> tuple[tuple[str, ...], str, tuple[tuple[str, str], ...]]:
    if "Source" not in meta or not meta["Source"][1]:
        raise _Problem(head.line, f"{head.id}: no `Source: URL`")
    line, value = meta["Source"]
    sources = tuple(_split_list(value))
    if not all(_URL.fullmatch(source) for source in sources):
        raise _Problem(line, f"{head.id}: Source is URLs separated by ` ; `")
    checked = ""
    if "Checked" in meta:
        line, checked = meta["Checked"]
        if not _MONTH.fullmatch(checked):
            raise _Problem(line, f"{head.id}: Checked is a month, YYYY-MM, not `{checked}`")
    cards: list[tuple[str, str]] = []
    if "Cards" in meta:
        line, value = meta["Cards"]
        for entry in _split_list(value):
            deck, arrow, term = (part.strip() for part in entry.partition("›"))
            if not (arrow and deck and term):
                raise _Problem(line, f"{head.id}: Cards are `DECK › TERM ; DECK › TERM`, not `{_short(entry)}`")
            cards.append((deck, term))
    return sources, checked, tuple(cards)


def _split_list(value: str) -> Iterator[str]:
    return (part.strip() for part in value.split(";") if part.strip())


# --- coverage ----------------------------------------------------------------------------

COVERAGE_COLUMNS = (*ItemType, "case studies", "items")


def coverage(items: Sequence[BankItem]) -> dict[str, dict[str, int]]:
    """Per task statement (every one of TASKS, then `all`): items per type, the case studies
    whose questions serve it, and its items in all (a case study's questions count as items)."""
    table = {task: dict.fromkeys(map(str, COVERAGE_COLUMNS), 0) for task in (*TASKS, "all")}
    cases: dict[str, set[str]] = {task: set() for task in table}
    for item in items:
        for task in (item.task, "all"):
            row = table.setdefault(task, dict.fromkeys(map(str, COVERAGE_COLUMNS), 0))
            row[item.type.value] += 1
            row["items"] += 1
            if item.case_id is not None:
                cases.setdefault(task, set()).add(item.case_id)
    for task, row in table.items():
        row["case studies"] = len(cases.get(task, ()))
    return table


def coverage_markdown(items: Sequence[BankItem]) -> str:
    """`coverage` as a Markdown table, the one in docs/exam.md."""
    lines = [
        "| task | " + " | ".join(map(str, COVERAGE_COLUMNS)) + " |",
        "|---" * (len(COVERAGE_COLUMNS) + 1) + "|",
    ]
    for task, row in coverage(items).items():
        label = "**all**" if task == "all" else task
        lines.append(f"| {label} | " + " | ".join(f"{row[str(column)]:,}" for column in COVERAGE_COLUMNS) + " |")
    return "\n".join(lines)
