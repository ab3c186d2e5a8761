"""Anki packages (.apkg): one note per card, written by genanki, with the schedule carried.

genanki writes the package (collection, notes, cards, decks, note type, zip); the few
scheduling columns it does not set (a review card's type, queue, due day, interval, ease,
repetitions and lapses), each note's modification time and the collection's day count are
set afterwards in the collection it wrote, before it is zipped.

Anki counts a review card's due day from its collection's creation day. On import it moves
every review card by the difference between the package's day count and its own, so a card
due on a given calendar date here is due on that date in Anki too.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple, Sequence

from mlsflash import clock
from mlsflash.model import CONTEXT_SEPARATOR, INLINE_MARKUP, deck_key

if TYPE_CHECKING:
    from mlsflash.collection.catalog import PackageCard

# The note type's id is fixed forever: Anki recognises it on every later import (and updates
# its templates and style when they change), so notes never move to a copy of it.
MODEL_ID = 1_607_392_417
MODEL_NAME = "mlsflash"
FIELDS = ("Front", "Back", "Context", "Source", "Id")
GUID_NAMESPACE = "mlsflash card"
ANKI_ROLLOVER_HOUR = 4  # Anki's default start of the day; the package's day count uses it too

QUESTION = """\
{{#Context}}<div class="context">{{Context}}</div>{{/Context}}
<div class="front">{{Front}}</div>"""

ANSWER = """\
{{FrontSide}}
<hr id="answer">
<div class="back">{{Back}}</div>
{{#Source}}<div class="source">{{Source}}</div>{{/Source}}"""

STYLE = """\
.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 20px;
  line-height: 1.45; text-align: left; max-width: 40em; margin: 0 auto; padding: 0 0.5em; }
.context { font-size: 0.75em; opacity: 0.65; margin-bottom: 0.6em; }
.front { font-weight: 600; }
.back ul { margin: 0.2em 0; padding-left: 1.4em; }
.back li { margin: 0.1em 0; }
.source { font-size: 0.65em; opacity: 0.5; margin-top: 1.2em; }
pre { margin: 0.2em 0; white-space: pre-wrap; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
"""

# Anki's card types and queues (the columns genanki leaves at "new").
REVIEW = 2
SUSPENDED_QUEUE = -1


class Schedule(NamedTuple):
    """A review card's scheduling columns, in the order `anki_collection.set_schedules` sets them."""

    queue: int
    due: int  # days since the package's creation day
    interval: int
    factor: int  # ease in permille: EF 2.50 (stored 250) is 2500
    repetitions: int
    lapses: int


# --- text -------------------------------------------------------------------------------

_NOT_IN_A_FIELD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # \x1f separates Anki's fields
_LIST_ITEM = re.compile(r"( *)- (.*)")


def _escape(text: str) -> str:
    return html.escape(_NOT_IN_A_FIELD.sub("", text), quote=False)


def inline_html(markup: str) -> str:
    """One line of the stored Markdown subset as HTML; everything else is escaped text."""
    pieces: list[str] = []
    position = 0
    for match in INLINE_MARKUP.finditer(markup):
        pieces.append(_escape(markup[position : match.start()]))
        escaped, double_code, code, bold, italic = match.groups()
        if escaped:
            pieces.append(_escape(escaped))
        elif double_code or code:
            pieces.append(f"<code>{_escape(double_code or code)}</code>")
        elif bold:
            pieces.append(f"<b>{inline_html(bold)}</b>")
        else:
            pieces.append(f"<i>{inline_html(italic)}</i>")
        position = match.end()
    pieces.append(_escape(markup[position:]))
    return "".join(pieces)


def answer_html(markup: str) -> str:
    """An answer as HTML: plain lines as blocks, `- ` lines as lists nested by their indent
    (two spaces a level), as the review screen shows them; lines of code (a fenced block's)
    as one preformatted block, so that HTML keeps their indentation."""
    pieces: list[str] = []
    depth = 0
    lines = markup.split("\n")
    number = 0
    while number < len(lines):
        line = lines[number]
        code = _code_run(lines, number)
        if code:
            pieces.append("</li></ul>" * depth + _pre(lines[number : number + code]))
            depth = 0
            number += code
            continue
        number += 1
        item = _LIST_ITEM.fullmatch(line)
        if item is None:
            pieces.append("</li></ul>" * depth + f"<div>{inline_html(line)}</div>")
            depth = 0
            continue
        level = len(item.group(1)) // 2 + 1
        if level > depth:
            pieces.append("<ul><li>" * (level - depth))
        else:
            pieces.append("</li></ul>" * (depth - level) + "</li><li>")
        depth = level
        pieces.append(inline_html(item.group(2)))
    pieces.append("</li></ul>" * depth)
    return "".join(pieces)


# A line of code as the parser stores a fenced block's (`parser._code_lines`): its indent, then
# one code span and nothing else.
_CODE_LINE = re.compile(r"([ \t]*)(?:``(.+?)``|`([^`]+)`)")


def _code_run(lines: Sequence[str], start: int) -> int:
    """How many lines from `start` are lines of code (blank ones between them included)."""
    if not _CODE_LINE.fullmatch(lines[start]):
        return 0
    end = start
    for number in range(start, len(lines)):
        if _CODE_LINE.fullmatch(lines[number]):
            end = number + 1
        elif lines[number]:
            break
    return end - start


def _pre(lines: Sequence[str]) -> str:
    shown = []
    for line in lines:
        match = _CODE_LINE.fullmatch(line)
        if match is None:
            shown.append("")
            continue
        indent, double, single = match.groups()
        text = single or double
        if double and text.startswith(" ") and text.endswith(" ") and text.strip(" "):
            text = text[1:-1]  # the space that keeps a backtick apart from the fence
        shown.append(indent + text)
    code = _escape("\n".join(shown))
    return f"<pre><code>{code}</code></pre>"


def fields(card: PackageCard, context: Sequence[str]) -> list[str]:
    """Front, Back, Context, Source, Id: HTML, as Anki stores fields."""
    source = f"{card.source_file.replace(chr(92), '/').rsplit('/', 1)[-1]}:{card.source_line}"
    shown = _escape(CONTEXT_SEPARATOR.join(context))
    return [inline_html(card.front), answer_html(card.back), shown, _escape(source), _escape(card.id)]


# --- names ------------------------------------------------------------------------------

_TAG_DROPPED = re.compile('[\x00-\x1f\x7f"]')
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)  # a deck's and a topic's tag, asked for card after card
def tag(*levels: str) -> str | None:
    """An Anki tag from one or more names (`a::b` nests in Anki's tag tree): spaces become
    `_`, control characters and double quotes go, empty levels are left out."""
    parts = [_SPACES.sub("_", _TAG_DROPPED.sub("", part).strip()) for level in levels for part in level.split("::")]
    parts = [part for part in parts if part]
    return "::".join(parts) or None


def tags(card: PackageCard, context: Sequence[str], deck: str) -> list[str]:
    """The deck's tag, the topic's (the first two context entries, nested) and `leech`."""
    found = [tag(deck), tag(*context[:2])]
    if card.leech:
        found.append("leech")  # the tag Anki itself gives a leech
    return list(dict.fromkeys(name for name in found if name))


def anki_deck_name(deck: str, bundled: bool) -> str:
    """The deck's name in Anki: a bundled deck (`AWS MLS Bundled: Modeling`) goes under its
    parent (`AWS MLS Bundled::Modeling`); `::` in any name nests as Anki reads it."""
    if bundled:
        parent, separator, title = deck.partition(": ")
        if separator and parent.strip() and title.strip():
            return f"{parent.strip()}::{title.strip()}"
    return deck


def deck_id(name: str) -> int:
    """A stable deck id from the Anki deck name (a re-export lands in the same deck)."""
    digest = int.from_bytes(hashlib.sha256(f"mlsflash deck\x1f{name}".encode()).digest()[:6], "big")
    return (1 << 40) + digest % (1 << 40)


def guid(card_id: str) -> str:
    import genanki

    return str(genanki.guid_for(GUID_NAMESPACE, card_id))


# --- schedule ---------------------------------------------------------------------------


DAY_ZERO_MARGIN = 2  # days: Anki must find the package's creation day in its past


def first_day(cards: Iterable[PackageCard], today: date, system_day: date) -> date:
    """The package's creation day: before today, the system's date and every due date. Anki
    counts the package's days from it with its own clock when importing; a creation day still
    ahead of that clock (a study day that rolled over early, a clock set ahead) would count as
    day 0 and move every due date earlier."""
    dues = (date.fromisoformat(card.due) for card in cards if card.due is not None)
    return min([today, system_day, *dues]) - timedelta(days=DAY_ZERO_MARGIN)


def schedule(card: PackageCard, day_zero: date) -> Schedule | None:
    """A reviewed card's Anki schedule; None for a card never reviewed (it stays new)."""
    if card.due is None:
        return None
    return Schedule(
        queue=SUSPENDED_QUEUE if card.status == "suspended" else REVIEW,
        due=(date.fromisoformat(card.due) - day_zero).days,
        interval=max(1, card.interval),
        factor=card.easiness * 10,
        repetitions=card.repetitions,
        lapses=card.lapses,
    )


def modified(card: PackageCard) -> int:
    """The note's modification time: when the card's text last changed here. Anki updates a
    note it already has only from a newer one, so unchanged notes stay as they are."""
    return int(datetime.fromisoformat(card.updated_at).timestamp())


# --- the package ------------------------------------------------------------------------


def _model() -> Any:
    import genanki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": QUESTION, "afmt": ANSWER}],
        css=STYLE,
        sort_field_index=0,
    )


class Contents(NamedTuple):
    """The genanki decks, and what genanki does not set: each note's (by GUID) schedule and time."""

    decks: list[Any]
    schedules: dict[str, Schedule]
    mtimes: dict[str, int]


def contents(cards: Sequence[PackageCard], day_zero: date, *, with_schedule: bool) -> Contents:
    """One note per card, in its Anki deck, new cards in the order given."""
    import genanki

    model = _model()
    bundled = {card.deck for card in cards if card.bundled}
    decks: dict[str, Any] = {}  # by deck key: Anki makes one deck of names that differ in case
    result = Contents([], {}, {})
    for position, card in enumerate(cards, start=1):
        name = anki_deck_name(card.deck, card.deck in bundled)
        key = deck_key(name)
        if key not in decks:  # two such decks in an older database: one, named as the first
            decks[key] = genanki.Deck(deck_id(name), name)
        name = decks[key].name
        context = json.loads(card.context)
        note = genanki.Note(
            model=model, fields=fields(card, context), tags=tags(card, context, name), guid=guid(card.id), due=position
        )
        if card.status == "suspended":
            note.cards[0].suspend = True
        decks[key].add_note(note)
        result.mtimes[note.guid] = modified(card)
        planned = schedule(card, day_zero) if with_schedule else None
        if planned is not None:
            result.schedules[note.guid] = planned
    result.decks.extend(decks.values())
    return result


def write(path: str, cards: Sequence[PackageCard], *, today: date, now: datetime, with_schedule: bool) -> None:
    """Write `cards` as an Anki package at `path` (with `--no-schedule`, every card new)."""
    import genanki

    day_zero = first_day(cards, today, clock.system_date()) if with_schedule else today
    written = contents(cards, day_zero, with_schedule=with_schedule)

    class Package(genanki.Package):  # genanki's, plus the columns it leaves at their defaults
        def write_to_db(self, cursor: Any, timestamp: float, id_gen: Any) -> None:
            super().write_to_db(cursor, timestamp, id_gen)
            carry_schedule(cursor, written.schedules, written.mtimes, day_zero)

    with _private_temporary_folder(Path(path).parent):
        Package(written.decks).write_to_file(path, timestamp=now.timestamp())


@contextmanager
def _private_temporary_folder(beside: Path) -> Iterator[None]:
    """genanki builds the collection in a temporary file it never deletes: point Python's
    temporary folder at one of ours, beside the package (on the disk being written, so a
    full disk is reported for the package's folder), and remove it whatever happens."""
    with tempfile.TemporaryDirectory(prefix=".mlsflash-apkg-", dir=beside) as folder:
        saved, tempfile.tempdir = tempfile.tempdir, folder
        try:
            yield
        finally:
            tempfile.tempdir = saved


def carry_schedule(cursor: Any, schedules: dict[str, Schedule], mtimes: dict[str, int], day_zero: date) -> None:
    """Set what genanki leaves at its defaults, in the collection it has just written."""
    from mlsflash.storage import anki_collection

    # Created at noon UTC on day zero with a creation offset of 0 (UTC): its calendar date is
    # day zero wherever the package is opened, and Anki (v2 timing) counts calendar days since.
    created = datetime(day_zero.year, day_zero.month, day_zero.day, 12, tzinfo=timezone.utc)
    anki_collection.set_day_count(cursor, int(created.timestamp()), ANKI_ROLLOVER_HOUR)
    note_ids = anki_collection.note_ids(cursor)
    anki_collection.set_note_times(cursor, [(mtime, note_ids[key]) for key, mtime in mtimes.items()])
    anki_collection.set_schedules(cursor, [(planned, note_ids[key]) for key, planned in schedules.items()])
