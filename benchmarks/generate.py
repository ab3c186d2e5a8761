"""Inputs for the benchmarks, made here so nothing is downloaded: notes files of a given
size with distinct terms, and large databases built in bulk (not through the CLI)."""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
from datetime import date, timedelta
from pathlib import Path

TYPICAL_NOTES_BYTES = 75_000
WORDS = (
    "stream shard record batch latency throughput partition schema catalog crawler bucket object "
    "encryption endpoint model training inference feature label metric gradient tensor cluster node "
    "replica index query table column storage archive retention policy role network subnet gateway"
).split()


def notes_text(scale: float, seed: int = 7, umbrella: str | None = None) -> str:
    """Markdown notes of about scale x 75 KB in the learner's style; every term is distinct.
    With `umbrella`, one `##` heading of that name holds every section (then `###`)."""
    rng = random.Random(seed)
    target = int(TYPICAL_NOTES_BYTES * scale)
    parts = ["# Benchmark Notes\n\n" + (f"## {umbrella}\n\n" if umbrella else "")]
    section_mark = "###" if umbrella else "##"
    size = len(parts[0])
    section = 0
    term = 0
    while size < target:
        section += 1
        lines = [f"{section_mark} Section {section}\n"]
        for _ in range(rng.randint(3, 6)):
            term += 1
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
            lines.append(f"* **Concept {term}** - {words}\n")
            for child in range(rng.randint(0, 3)):
                term += 1
                if child == 0:
                    lines.append(f"    * `option {term}`: {' '.join(rng.choice(WORDS) for _ in range(5))}\n")
                else:
                    lines.append(f"    * note {' '.join(rng.choice(WORDS) for _ in range(8))}\n")
            if rng.random() < 0.2:
                term += 1
                lines.append(f"* Short {term} -> {' '.join(rng.choice(WORDS) for _ in range(4))}\n")
        lines.append("\n")
        chunk = "".join(lines)
        parts.append(chunk)
        size += len(chunk.encode())
    return "".join(parts)


def write_notes(path: Path, scale: float, umbrella: str | None = None) -> Path:
    path.write_text(notes_text(scale, umbrella=umbrella), encoding="utf-8")
    return path


def build_database(path: Path, cards: int, reviews: int, today: date, seed: int = 11) -> Path:
    """A current-schema database with `cards` cards in 10 decks and `reviews` answers over a year."""
    from mlsflash.model import topic_of
    from mlsflash.storage import open_store

    store = open_store(path)  # creates the schema through the normal path
    store.close()
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    now = f"{today.isoformat()}T08:00:00"
    decks = 10
    connection.executemany(
        "INSERT INTO decks (id, name, reverse, created_at) VALUES (?, ?, 0, ?)",
        [(deck, f"Deck {deck}", now) for deck in range(1, decks + 1)],
    )
    card_rows = []
    for index in range(cards):
        card_id = secrets.token_hex(6)
        deck = index % decks + 1
        seen = rng.random() < 0.7
        repetitions = rng.randint(0, 8) if seen else 0
        interval = 0 if not seen else (1 if repetitions < 2 else rng.randint(6, 200))
        due = (today + timedelta(days=rng.randint(-5, interval or 1))).isoformat() if seen else None
        context_list = [f"Topic {index % 40}", f"Sub {index % 7}"]
        topic, context = topic_of(context_list), json.dumps(context_list)
        card_rows.append((
            card_id, deck, f"/notes/deck{deck}.md", index // decks + 1, index // decks,
            f"topic {index % 40} › sub {index % 7}\x1fterm {index}\x1fforward\x1f0", f"definition {index}",
            "forward", context, topic, f"**Term {index}**", f"definition {index}", f"Term {index}",
            f"definition {index}", "active", 0, repetitions, rng.randint(130, 300), interval, due,
            rng.randint(0, 3) if seen else 0, None, now, now,
            round(rng.uniform(0.5, 300), 4) if seen else None, round(rng.uniform(1, 10), 4) if seen else None,
        ))
    connection.executemany(
        "INSERT INTO cards (id, deck_id, source_file, source_line, position, identity, definition_key, direction,"
        " context, topic, front, back, front_plain, back_plain, status, leech, repetitions, easiness, interval, due,"
        " lapses, buried_on, created_at, updated_at, stability, difficulty)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        card_rows,
    )
    seen = [(row[0], row[1], row[9]) for row in card_rows if row[19] is not None]  # id, deck, topic

    def review_rows():
        for _ in range(reviews):
            day = today - timedelta(days=rng.randint(1, 365))
            grade = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 5))
            card_id, deck_id, topic = rng.choice(seen)
            yield (
                card_id, f"{day.isoformat()}T09:00:00", day.isoformat(), grade,
                "scheduled" if rng.random() < 0.9 else "redrill", rng.randint(800, 9000),
                2, 250, 6, day.isoformat(), 0, "active", 0, 3, 250, 15, (day + timedelta(days=15)).isoformat(), 0,
                deck_id, topic,
            )

    connection.executemany(
        "INSERT INTO reviews (card_id, reviewed_at, study_day, grade, kind, duration_ms, repetitions_before,"
        " easiness_before, interval_before, due_before, lapses_before, status_before, leech_before,"
        " repetitions_after, easiness_after, interval_after, due_after, lapses_after, deck_id, topic)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        review_rows(),
    )
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()
    return path


def write_notes_folder(folder: Path, files: int, seed: int = 13) -> Path:
    """A folder of `files` small notes files in subfolders of 100, three to five bullets each;
    every 50 files share a deck (`#` heading), so a deck spans several files."""
    rng = random.Random(seed)
    term = 0
    for index in range(files):
        lines = [f"# Folder Deck {index // 50}\n\n## Page {index}\n\n"]
        for _ in range(rng.randint(3, 5)):
            term += 1
            lines.append(f"* **Item {term}** - {' '.join(rng.choice(WORDS) for _ in range(rng.randint(5, 12)))}\n")
        path = folder / f"part-{index // 100:03d}" / f"page-{index:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(lines), encoding="utf-8")
    return folder
