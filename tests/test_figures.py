"""One definition of each count: `stats`, `decks`, `cards` and export agree, card for card.

A suspended card counts only as suspended (docs/reviewing.md, "Stats"), so new + learning + young +
mature + suspended = total, and retired cards come on top.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from conftest import write_notes

BULLETS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]


def notes_text(bullets: list[str]) -> str:
    return "# Deck\n## Letters\n" + "".join(f"* **{name}** - the word {name.lower()}\n" for name in bullets)


def deck_rows(output: str) -> dict[str, list[int]]:
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│|┃]", line)]
        if len(cells) == 6 and all(cell.isdigit() for cell in cells[1:]):
            rows[cells[0]] = [int(cell) for cell in cells[1:]]
    return rows


def test_stats_decks_cards_and_export_reconcile(run, tmp_path, monkeypatch, export):
    def on(day: str) -> None:
        monkeypatch.setenv("MLSFLASH_NOW", f"2026-11-{day}T09:00")

    notes = write_notes(tmp_path, "notes.md", notes_text(BULLETS))
    other = write_notes(tmp_path, "other.md", "# Other\n* **Omega** - the last one\n* **Psi** - near the end\n")
    on("01")
    run("import", notes, "--reverse")
    run("import", other)
    run("config", "leech_lapses", "1")
    run("review", input="5\n5\n5\n5\nq\n")  # four new cards seen
    on("02")
    run("review", input="5\n5\n5\n0\nq\n")  # three go on, one lapses: a leech, suspended
    on("08")
    run("review", input="5\n5\n5\nq\n")  # three young (interval 17)
    on("25")
    run("review", input="5\ns\ns\n5\nq\n")  # one mature (48 days), two young left due, one learning
    by_status = {card["front"]: card for card in export() if card["status"] == "new"}
    run("suspend", next(iter(by_status.values()))["id"])  # a new card suspended by hand
    write_notes(tmp_path, "notes.md", notes_text(BULLETS[:-1]))
    run("import", notes)  # Foxtrot's two cards retire

    cards = json.loads(run("stats", "--json").stdout)["cards"]
    figures = json.loads(run("stats", "--json").stdout)
    exported = export()
    statuses = Counter(card["status"] for card in exported)
    listed = {status: len(json.loads(run("cards", "--status", status, "--json").stdout)) for status in statuses}
    decks = deck_rows(run("decks").stdout)  # total, new, due, suspended, retired

    assert all(statuses[status] > 0 for status in ("new", "learning", "review", "suspended", "retired")), statuses
    assert any(card["leech"] for card in exported) and any(card["direction"] == "reverse" for card in exported)
    assert cards["new"] + cards["learning"] + cards["young"] + cards["mature"] + cards["suspended"] == cards["total"]
    assert cards["young"] > 0 and cards["mature"] > 0
    assert cards["new"] == statuses["new"] == listed["new"] == sum(row[1] for row in decks.values())
    assert cards["new"] == sum(deck["new"] for deck in figures["decks"])
    assert cards["learning"] == statuses["learning"] == listed["learning"]
    assert cards["young"] + cards["mature"] == statuses["review"] == listed["review"]
    assert cards["suspended"] == statuses["suspended"] == listed["suspended"] == sum(row[3] for row in decks.values())
    assert cards["retired"] == statuses["retired"] == listed["retired"] == sum(row[4] for row in decks.values())
    assert cards["total"] == len(exported) - statuses["retired"] == len(json.loads(run("cards", "--json").stdout))
    assert cards["total"] == sum(row[0] for row in decks.values()) == sum(deck["total"] for deck in figures["decks"])
    due_today = [
        card for card in exported
        if card["status"] in ("learning", "review") and card["due"] is not None and card["due"] <= "2026-11-25"
    ]
    assert figures["due"]["today"] == len(due_today) == sum(row[2] for row in decks.values()) > 0
    assert figures["due"]["today"] == sum(deck["due"] for deck in figures["decks"])
    for deck in figures["decks"]:
        assert [deck["total"], deck["new"], deck["due"]] == decks[deck["deck"]][:3]
