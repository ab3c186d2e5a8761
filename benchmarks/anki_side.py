"""The Anki side of the side-by-side benchmark: everything here needs the `anki` package.

An Anki collection equivalent to a generated mlsflash database: the same cards per deck
(front and back as the .apkg export writes them), the same schedule and the same review
history, so both programs face the same work. Anki's "today" is the wall clock's, ours is
the benchmark's fixed day, so every due day and review time is moved by the difference.

How our cards map onto Anki's `cards` table:
  new (no due date)                    type 0, queue 0 (added in our new-card order)
  seen, repetitions < 2 (learning)     type 1 (or 3 after a lapse), queue 3 (interday learning), due day, left 1
  seen, repetitions >= 2               type 2, queue 2, due day, ivl = interval
  suspended                            queue -1 (type as above)
  retired                              not in Anki (Anki deletes; `retired` has no equivalent)
factor = EF x 1000 (our easiness is EF x 100); reps = the card's answers in the log (Anki's
meaning); our stability and difficulty go to cards.data as FSRS would store them; the
topic (first two levels of the context) is the note's tag, Anki's way of grouping notes.
Our grades map to Anki's eases: 0-2 Again, 3 Hard, 4 Good, 5 Easy; a scheduled answer of a new
card is a learning entry (revlog type 0), other scheduled answers are reviews (1), a same-day
re-drill (no schedule change) is Anki's type 3 (answered without rescheduling).
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from anki.collection import AddNoteRequest, Collection  # isort: skip (anki.cards needs anki.collection first)
from anki.cards import Card  # isort: skip
from anki.scheduler.v3 import CardAnswer

PARENT = "mlsflash"  # our decks are its children, so one Anki deck reviews all of them, as `review` does
DAYS_BEFORE = 400  # the collection is made this many days old: due days and log times stay positive
# Anki's largest daily limit (its deck options refuse more). Our database gets the same
# max_reviews_per_day, so at 100k cards (more than 9999 due) both show 9999 reviews today.
REVIEW_LIMIT = 9999
EASE = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}
MATURE_DAYS = 21  # states.MATURE_DAYS
FORECAST_DAYS, CALENDAR_WEEKS, HARDEST_LIMIT = 30, 26, 10  # as stats.py
DECAY = 0.1542  # stats.DEFAULT_DECAY
FIRST_CARD_MARK = "ANKI-FIRST-CARD"


def version() -> str:
    from importlib.metadata import version as installed

    return installed("anki")


@dataclass(frozen=True)
class Built:
    path: Path
    today: int  # Anki's day number of our TODAY
    cutoff: int  # Anki's end of that day (epoch seconds)
    cards: int
    revlog: int


def _tag(topic: str) -> str:
    return "::".join("_".join(level.split()) for level in topic.split(" › ")) or "untagged"


def build_collection(db: Path, target: Path, today: date, *, new_per_day: int = 20) -> Built:
    """Our database as an Anki collection: notes through the batch API, then the schedule and
    the log with plain SQL on the closed collection, then reopened and checked."""
    from mlsflash.export.apkg import answer_html, inline_html

    source = sqlite3.connect(db)
    decks = dict(source.execute("SELECT id, name FROM decks"))
    cards = source.execute(
        "SELECT id, deck_id, front, back, topic, status, repetitions, easiness, interval, due, lapses, stability,"
        " difficulty FROM cards WHERE status != 'retired' ORDER BY deck_id, source_file, position"
    ).fetchall()
    answers = dict(source.execute("SELECT card_id, count(*) FROM reviews GROUP BY card_id"))
    target.unlink(missing_ok=True)
    col = Collection(str(target))
    try:
        col.crt = col.crt - DAYS_BEFORE * 86400
        anki_decks = {deck_id: col.decks.id(f"{PARENT}::{name}") for deck_id, name in decks.items()}
        parent = col.decks.id(PARENT)
        config = col.decks.config_dict_for_deck_id(parent)  # every deck shares the default options
        config["new"]["perDay"], config["rev"]["perDay"] = new_per_day, REVIEW_LIMIT
        col.decks.update_config(config)
        col.set_config("newCardsIgnoreReviewLimit", True)  # as ours: the review cap leaves new cards alone
        col.decks.select(parent)
        basic = col.models.by_name("Basic")
        requests = []
        for card in cards:
            note = col.new_note(basic)
            note["Front"], note["Back"] = inline_html(card[2]), answer_html(card[3])
            note.tags = [_tag(card[4])]
            requests.append(AddNoteRequest(note=note, deck_id=anki_decks[card[1]]))
        col.add_notes(requests)
        card_of_note = dict(col.db.all("SELECT nid, id FROM cards"))
    finally:
        col.close()
    anki_id = {card[0]: card_of_note[request.note.id] for card, request in zip(cards, requests, strict=True)}
    col = Collection(str(target))
    anki_today, cutoff = col.sched.today, col.sched.day_cutoff
    col.close()

    def day(iso: str) -> int:
        return anki_today + (date.fromisoformat(iso) - today).days

    updates = []
    for (card_id, _, _, _, _, status, repetitions, easiness, interval, due, lapses, stability, difficulty) in cards:
        if due is None:
            kind, queue, due_day, left = 0, 0, None, 0
        elif repetitions < 2:
            kind, queue, due_day, left = (3 if lapses else 1), 3, day(due), 1
        else:
            kind, queue, due_day, left = 2, 2, day(due), 0
        if status == "suspended":
            queue = -1
        data = json.dumps({"s": round(stability, 4), "d": round(difficulty, 4)}) if stability is not None else "{}"
        updates.append((kind, queue, due_day, interval, easiness * 10, answers.get(card_id, 0), lapses, left, data,
                        anki_id[card_id]))
    day_start = cutoff - 86400  # Anki's today began then
    log = []
    for index, (card_id, study_day, grade, kind, duration, due_before, interval_before, interval_after,
                easiness_after) in enumerate(source.execute(
        "SELECT card_id, study_day, grade, kind, duration_ms, due_before, interval_before, interval_after,"
        " easiness_after FROM reviews ORDER BY id"
    )):
        if card_id not in anki_id:
            continue
        days_ago = (today - date.fromisoformat(study_day)).days
        moment_ms = (day_start - days_ago * 86400 + 5 * 3600) * 1000 + index  # unique: one ms apart
        log_type = 3 if kind == "redrill" else (0 if due_before is None else 1)
        log.append((moment_ms, anki_id[card_id], EASE[grade], interval_after, interval_before,
                    easiness_after * 10, min(duration, 60_000), log_type))
    source.close()
    connection = sqlite3.connect(target)
    connection.executemany(
        "UPDATE cards SET type = ?, queue = ?, due = coalesce(?, due), ivl = ?, factor = ?, reps = ?, lapses = ?,"
        " left = ?, data = ? WHERE id = ?", updates,
    )
    connection.executemany("INSERT INTO revlog VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)", log)
    connection.commit()
    connection.execute("ANALYZE cards")  # Anki's own "check database" analyzes; its unicase collation is not here
    connection.execute("ANALYZE revlog")
    connection.commit()
    connection.close()
    col = Collection(str(target))
    try:
        assert col.db.scalar("PRAGMA integrity_check") == "ok"
        col.sched.counts()  # the scheduler reads the edited rows
    finally:
        col.close()
    return Built(target, anki_today, cutoff, len(cards), len(log))


def counts(path: Path) -> tuple[int, int]:
    """Anki's (new, due) of the parent deck today: due = interday learning + review."""
    col = Collection(str(path))
    try:
        new, learning, review = col.sched.counts()
    finally:
        col.close()
    return new, learning + review


def set_limits(path: Path, new_per_day: int) -> None:
    """The per-answer copy: new cards after the reviews, as our session orders them."""
    col = Collection(str(path))
    try:
        config = col.decks.config_dict_for_deck_id(col.decks.id(PARENT))
        config["new"]["perDay"] = new_per_day
        config["newMix"] = 1  # after reviews
        col.decks.update_config(config)
    finally:
        col.close()


# --- time to first card (a separate process, in a terminal) ---------------------------------

FIRST_CARD_SCRIPT = f"""
import sys
from anki.collection import Collection
from anki.cards import Card
col = Collection(sys.argv[1])
queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
card = Card(col, backend_card=queued.card)
card.start_timer()
print(card.question(), flush=True)
print({FIRST_CARD_MARK!r}, flush=True)
sys.stdin.read()
"""


# --- per answer (in-process) ------------------------------------------------------------------


def answer_latencies(path: Path, answers: int) -> list[float]:
    """Milliseconds from a grade to the next card ready, as Anki's reviewer does it: answer
    the card with the states the queue gave, fetch the next queued card (its counts come with
    it) and build its Card. The question's HTML is not rendered (ours renders nothing either)."""
    col = Collection(str(path))
    try:
        queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
        card = Card(col, backend_card=queued.card)
        card.start_timer()
        latencies = []
        for index in range(answers):
            rating = CardAnswer.GOOD if index % 5 else CardAnswer.EASY
            start = time.perf_counter()
            col.sched.answer_card(col.sched.build_answer(card=card, states=queued.states, rating=rating))
            queued = col.sched.get_queued_cards(fetch_limit=1).cards[0]
            card = Card(col, backend_card=queued.card)
            card.start_timer()
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        col.close()
    return latencies


# --- stats --json on Anki's schema --------------------------------------------------------------
#
# Every figure of stats.collect that Anki's schema can express, in SQL through col.db, then
# json.dumps. No Anki equivalent: `retired` (Anki deletes), the exam figures (`confusions`,
# `mock_exams`, `exam`: mlsflash's exam practice), a hardest card's `source` file and line
# (notes are not files in Anki), `leech` is read from the note's tag. Anki's SQLite has no pow(),
# so today's predicted recall (`recall`, `mean_recall`) is fetched as stability and elapsed days
# and computed in Python with the same formula.


def _recall(stability: float, elapsed: float) -> float:
    factor = 0.9 ** (-1 / DECAY) - 1
    return math.pow(1 + factor * max(0.0, elapsed) / stability, -DECAY)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def stats_figures(col: Collection, today: date) -> dict[str, Any]:
    """stats.collect's figures for the whole collection, from Anki's tables."""
    anki_today, cutoff = col.sched.today, col.sched.day_cutoff
    base = cutoff - (anki_today + 1) * 86400  # the collection's day 0 began then

    def iso(day: int) -> str:
        return (today + timedelta(days=day - anki_today)).isoformat()

    def since_ms(days: int) -> int:  # the start of the day `days` days before today, in ms
        return (cutoff - (days + 1) * 86400) * 1000

    db = col.db
    seen = "c.type != 0 AND c.queue != -1"
    groups = db.all(
        f"""
        SELECT c.did, d.name, n.tags, count(*),
          count(*) FILTER (WHERE c.type = 0 AND c.queue != -1),
          count(*) FILTER (WHERE {seen}),
          count(*) FILTER (WHERE {seen} AND c.type IN (1, 3)),
          count(*) FILTER (WHERE {seen} AND c.type = 2 AND c.ivl < {MATURE_DAYS}),
          count(*) FILTER (WHERE {seen} AND c.type = 2 AND c.ivl >= {MATURE_DAYS}),
          count(*) FILTER (WHERE c.queue = -1),
          count(*) FILTER (WHERE c.queue IN (2, 3) AND c.due <= {anki_today}),
          coalesce(sum(c.factor) FILTER (WHERE {seen}), 0),
          min(c.id)
        FROM cards c JOIN notes n ON n.id = c.nid JOIN decks d ON d.id = c.did
        GROUP BY c.did, n.tags
        """
    )
    keys = ("total", "new", "seen", "learning", "young", "mature", "suspended", "due", "factor_sum")
    group_rows = [
        (did, name.replace("\x1f", "::").split("::", 1)[-1], tags.strip(), dict(zip(keys, rest[:-1], strict=True)),
         rest[-1])
        for did, name, tags, *rest in groups
    ]
    totals = {key: sum(row[3][key] for row in group_rows) for key in ("total", "new", "learning", "young", "mature",
                                                                       "suspended")}
    due_today, overdue, tomorrow = db.first(
        f"SELECT count(*) FILTER (WHERE due <= {anki_today}), count(*) FILTER (WHERE due < {anki_today}),"
        f" count(*) FILTER (WHERE due = {anki_today + 1}) FROM cards WHERE queue IN (2, 3) AND due <= {anki_today + 1}"
    )
    by_day = dict(db.all(
        f"SELECT max(due, {anki_today}) AS day, count(*) FROM cards WHERE queue IN (2, 3)"
        f" AND due <= {anki_today + FORECAST_DAYS - 1} GROUP BY day"
    ))
    row = db.first(
        f"""
        SELECT count(*) FILTER (WHERE id >= {since_ms(0)}), count(*) FILTER (WHERE id >= {since_ms(6)}), count(*),
          coalesce(sum(time) FILTER (WHERE id >= {since_ms(0)}), 0),
          coalesce(sum(time) FILTER (WHERE id >= {since_ms(6)}), 0), coalesce(sum(time), 0),
          count(*) FILTER (WHERE type < 3 AND id >= {since_ms(6)}),
          count(*) FILTER (WHERE type < 3 AND id >= {since_ms(6)} AND ease > 1),
          count(*) FILTER (WHERE type < 3), count(*) FILTER (WHERE type < 3 AND ease > 1),
          count(*) FILTER (WHERE type < 3 AND id >= {since_ms(6)} AND lastIvl >= {MATURE_DAYS}),
          count(*) FILTER (WHERE type < 3 AND id >= {since_ms(6)} AND lastIvl >= {MATURE_DAYS} AND ease > 1),
          count(*) FILTER (WHERE type < 3 AND lastIvl >= {MATURE_DAYS}),
          count(*) FILTER (WHERE type < 3 AND lastIvl >= {MATURE_DAYS} AND ease > 1)
        FROM revlog WHERE id >= {since_ms(29)} AND id < {cutoff * 1000}
        """
    )
    runs = db.all(
        f"""
        WITH days AS (SELECT DISTINCT (id / 1000 - {base}) / 86400 AS day FROM revlog WHERE id < {cutoff * 1000}),
        runs AS (SELECT day, day - row_number() OVER (ORDER BY day) AS run FROM days)
        SELECT max(day), count(*) FROM runs GROUP BY run
        """
    )
    calendar = db.all(
        f"SELECT (id / 1000 - {base}) / 86400 AS day, count(*) FROM revlog"
        f" WHERE id >= {since_ms(CALENDAR_WEEKS * 7 - 1)} AND id < {cutoff * 1000} GROUP BY day ORDER BY day"
    )
    retention = {
        (did, tags.strip()): (answers, passed)
        for did, tags, answers, passed in db.all(
            f"""
            SELECT c.did, n.tags, count(*), count(*) FILTER (WHERE r.ease > 1)
            FROM revlog r JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid
            WHERE r.id >= {since_ms(29)} AND r.id < {cutoff * 1000} AND r.type < 3
            GROUP BY c.did, n.tags
            """
        )
    }
    recall: dict[tuple[int, str], list[float]] = {}
    for did, tags, stability, elapsed in db.all(
        f"""
        SELECT c.did, n.tags, json_extract(c.data, '$.s'), {anki_today} - c.due + c.ivl
        FROM cards c JOIN notes n ON n.id = c.nid
        WHERE c.type != 0 AND c.queue IN (-1, 2, 3) AND json_extract(c.data, '$.s') IS NOT NULL
        """
    ):
        recall.setdefault((did, tags.strip()), []).append(_recall(stability, elapsed))
    hardest = db.all(
        f"""
        SELECT c.id, n.flds, n.tags, c.factor, c.lapses, json_extract(c.data, '$.s'), {anki_today} - c.due + c.ivl
        FROM cards c JOIN notes n ON n.id = c.nid
        WHERE c.type != 0 AND (c.factor < 2500 OR c.lapses > 0)
        ORDER BY c.factor, c.lapses DESC, c.id LIMIT {HARDEST_LIMIT}
        """
    )
    longest = max((length for _, length in runs), default=0)
    current = next((length for last, length in runs if last in (anki_today, anki_today - 1)), 0)
    return {
        "today": today.isoformat(),
        "deck": None,
        "cards": {**totals, "retired": None},
        "due": {"today": due_today or 0, "overdue": overdue or 0, "tomorrow": tomorrow or 0},
        "forecast": [{"date": iso(anki_today + offset), "due": by_day.get(anki_today + offset, 0)}
                     for offset in range(FORECAST_DAYS)],
        "reviews": {
            "today": row[0], "last_7_days": row[1], "last_30_days": row[2], "seconds_today": round(row[3] / 1000),
            "seconds_last_7_days": round(row[4] / 1000), "seconds_last_30_days": round(row[5] / 1000),
        },
        "retention": {
            "last_7_days": _share(row[7], row[6]), "last_30_days": _share(row[9], row[8]),
            "mature_last_7_days": _share(row[11], row[10]), "mature_last_30_days": _share(row[13], row[12]),
        },
        "streak": {"current": current, "longest": longest},
        "calendar": [{"date": iso(day), "reviews": count} for day, count in calendar],
        "decks": _per_deck(group_rows, retention, recall),
        "topics": _per_topic(group_rows, retention, recall),
        "hardest": [
            {"id": card_id, "front": fields.split("\x1f", 1)[0], "context": tags.split(), "easiness": factor / 1000,
             "lapses": lapses, "leech": " leech " in f" {tags.lower()} ", "source": None,
             "recall": None if stability is None else round(_recall(stability, elapsed), 4)}
            for card_id, fields, tags, factor, lapses, stability, elapsed in hardest
        ],
        "confusions": None, "mock_exams": None, "exam": None,  # exam practice: no Anki equivalent
    }


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _per_topic(groups: list[Any], retention: dict[Any, tuple[int, int]], recall: dict[Any, list[float]]) -> list[Any]:
    topics = []
    for did, deck, tags, figures, _ in sorted(groups, key=lambda group: (group[1], group[4])):
        answers, passed = retention.get((did, tags), (0, 0))
        topics.append({
            "deck": deck, "topic": tags, "total": figures["total"], "seen": figures["seen"],
            "mature": figures["mature"], "due": figures["due"], "retention_30d": _share(passed, answers),
            "mean_easiness": round(figures["factor_sum"] / figures["seen"] / 1000, 2) if figures["seen"] else None,
            "mean_recall": _mean(recall.get((did, tags), [])),
        })
    return topics


def _per_deck(groups: list[Any], retention: dict[Any, tuple[int, int]], recall: dict[Any, list[float]]) -> list[Any]:
    decks: dict[int, dict[str, Any]] = {}
    for did, deck, tags, figures, _ in sorted(groups, key=lambda group: group[1]):
        entry = decks.setdefault(did, {"deck": deck, "total": 0, "new": 0, "seen": 0, "due": 0, "mature": 0,
                                       "answers": 0, "passed": 0, "factor_sum": 0, "recall": []})
        for key in ("total", "new", "seen", "due", "mature", "factor_sum"):
            entry[key] += figures[key]
        answers, passed = retention.get((did, tags), (0, 0))
        entry["answers"] += answers
        entry["passed"] += passed
        entry["recall"] += recall.get((did, tags), [])
    return [
        {"deck": entry["deck"], "total": entry["total"], "new": entry["new"], "seen": entry["seen"],
         "due": entry["due"], "mature": entry["mature"], "retention_30d": _share(entry["passed"], entry["answers"]),
         "mean_easiness": round(entry["factor_sum"] / entry["seen"] / 1000, 2) if entry["seen"] else None,
         "mean_recall": _mean(entry["recall"])}
        for entry in decks.values()
    ]


def open_collection(path: Path) -> Collection:
    return Collection(str(path))


def stats_json(col: Collection, today: date) -> str:
    """What `stats --json` prints, from Anki's tables (the collection opened beforehand)."""
    return json.dumps(stats_figures(col, today))


SAME_FIGURES = ("cards", "due", "forecast", "reviews", "retention", "streak", "calendar")


def compare_figures(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """The figures of both sides that must agree (retired has no Anki value): the names that differ."""
    differ = []
    for key in SAME_FIGURES:
        mine = {**ours[key], "retired": None} if key == "cards" else ours[key]
        if mine != theirs[key]:
            differ.append(key)
    for key in ("decks", "topics"):
        strip = ("deck", "topic")
        mine = [{k: v for k, v in entry.items() if k not in strip} for entry in ours[key]]
        other = [{k: v for k, v in entry.items() if k not in strip} for entry in theirs[key]]
        if sorted(map(json.dumps, mine)) != sorted(map(json.dumps, other)):
            differ.append(key)
    return differ


# --- import (a separate process) -----------------------------------------------------------------

IMPORT_SCRIPT = """
import json, sys
from anki.collection import AddNoteRequest, Collection
notes = json.load(open(sys.argv[1], encoding="utf-8"))
col = Collection(sys.argv[2])
basic = col.models.by_name("Basic")
decks = {}
requests = []
for deck, front, back in notes:
    if deck not in decks:
        decks[deck] = col.decks.id(deck)
    note = col.new_note(basic)
    note["Front"], note["Back"] = front, back
    requests.append(AddNoteRequest(note=note, deck_id=decks[deck]))
col.add_notes(requests)
col.close()
"""


def export_notes(db: Path, target: Path) -> int:
    """Deck, front and back of every card of a mlsflash import, as the .apkg export writes them."""
    from mlsflash.export.apkg import answer_html, inline_html

    connection = sqlite3.connect(db)
    rows = connection.execute(
        "SELECT d.name, c.front, c.back FROM cards c JOIN decks d ON d.id = c.deck_id"
        " WHERE c.status != 'retired' ORDER BY c.deck_id, c.source_file, c.position"
    ).fetchall()
    connection.close()
    target.write_text(json.dumps([[deck, inline_html(front), answer_html(back)] for deck, front, back in rows]),
                      encoding="utf-8")
    return len(rows)


