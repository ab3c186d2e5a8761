"""Card identity belongs to the deck, not to a file, and bullets with one key are one card.

Before: the key was (file, context, term, direction, occurrence), so two bullets with the same
term under the same parents were two cards told apart only by their order, and deleting the
first handed its history to the second. Now the key is (deck, context, term, direction):
- the occurrence number leaves every key; cards of a deck that now share a key merge into the
  one with the most history (most scheduled answers, then the latest answer, then note
  order), whose answer lists the distinct answers in note order; the others retire with
  their reviews kept, and each merge is listed on stderr;
- zero-width spaces, word joiners and byte-order marks pasted from the web leave the text
  columns (ids unchanged);
- uniqueness moves from (source_file, identity) to (deck_id, identity) among live cards.

Changed after release: the merge first kept the first card in note order whatever its history,
so a suspended card never answered could take the place of one answered for weeks, which
retired (issue 27). Only databases not yet upgraded see the change; 0013 repairs the others.

Revision ID: 0006_deck_identity
Revises: 0005_review_topic
"""

import json
import re
import sys

import sqlalchemy as sa
from alembic import op

revision = "0006_deck_identity"
down_revision = "0005_review_topic"
branch_labels = None
depends_on = None

# Kept here, not imported: a migration must not change when the program does.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u180e]")
_WHITESPACE = re.compile(r"\s+")
_CONTEXT_SEPARATOR = " › "


def _strip(text):
    return _INVISIBLE.sub("", text)


def _normalize(text):
    return _WHITESPACE.sub(" ", text).strip().casefold()


def _identity(context, front_plain, back_plain, direction):
    term = front_plain if direction == "forward" else back_plain
    return f"{_CONTEXT_SEPARATOR.join(_normalize(part) for part in context)}\x1f{_normalize(term)}\x1f{direction}"


def upgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_cards_identity", table_name="cards")
    rows = bind.exec_driver_sql(
        "SELECT id, deck_id, status, context, topic, front, back, front_plain, back_plain, definition_key, "
        "direction FROM cards ORDER BY deck_id, source_file, position"
    ).all()
    updates = []
    live_by_key = {}
    for row in rows:
        context = [_strip(part) for part in json.loads(row.context)]
        values = {
            "id": row.id,
            "context": json.dumps(context, ensure_ascii=False),
            "topic": _strip(row.topic),
            "front": _strip(row.front),
            "back": _strip(row.back),
            "front_plain": _strip(row.front_plain),
            "back_plain": _strip(row.back_plain),
            "definition_key": _normalize(_strip(row.definition_key)),
            "status": row.status,
        }
        values["identity"] = _identity(context, values["front_plain"], values["back_plain"], row.direction)
        updates.append(values)
        if row.status != "retired":
            live_by_key.setdefault((row.deck_id, values["identity"]), []).append(values)
    groups = {key: group for key, group in live_by_key.items() if len(group) > 1}
    history = _history(bind, [card["id"] for group in groups.values() for card in group])
    merges = []
    for (deck_id, _), group in groups.items():
        backs = {}
        for card in group:
            backs.setdefault(_normalize(card["back_plain"]), (card["back"], card["back_plain"]))
        kept = _most_history(group, history)
        kept["back"] = "\n".join(markup for markup, _ in backs.values())
        kept["back_plain"] = "\n".join(plain for _, plain in backs.values())
        retired = [card for card in group if card is not kept]
        merges.append((deck_id, kept, [(card, card["status"]) for card in retired]))
        for card in retired:
            card["status"] = "retired"
    if updates:
        bind.exec_driver_sql(
            "UPDATE cards SET context = :context, topic = :topic, front = :front, back = :back, "
            "front_plain = :front_plain, back_plain = :back_plain, definition_key = :definition_key, "
            "identity = :identity, status = :status WHERE id = :id",
            updates,
        )
    op.execute("UPDATE reviews SET topic = (SELECT topic FROM cards WHERE cards.id = reviews.card_id)")
    _report(bind, merges, history)
    op.create_index("ix_cards_source", "cards", ["source_file"])
    op.create_index(
        "ix_cards_deck_identity", "cards", ["deck_id", "identity"], unique=True,
        sqlite_where=sa.text("status != 'retired'"),
    )


def _history(bind, card_ids):
    """Each card's (scheduled answers, latest answer time or '') from the log."""
    history = {}
    for card_id in card_ids:
        scheduled, latest = bind.exec_driver_sql(
            "SELECT count(*) FILTER (WHERE kind = 'scheduled'), coalesce(max(reviewed_at), '') FROM reviews "
            "WHERE card_id = ?",
            (card_id,),
        ).one()
        history[card_id] = (scheduled, latest)
    return history


def _most_history(group, history):
    """The card to keep: most scheduled answers, then the latest answer; the first in note order
    among equals (max keeps the first of equal keys)."""
    return max(group, key=lambda card: history[card["id"]])


_SHOWN = 20  # merges listed one per line; more are counted


def _report(bind, merges, history):
    if not merges:
        return
    decks = dict(bind.exec_driver_sql("SELECT id, name FROM decks").all())
    write = sys.stderr.write
    write(
        "Cards that share a key (deck, context, term) are now one card, the one with the most answers; "
        f"the others retire with their reviews ({len(merges):,} key{'s' if len(merges) != 1 else ''}):\n"
    )
    for deck_id, kept, retired in merges[:_SHOWN]:
        place = " › ".join([decks.get(deck_id, "?"), *json.loads(kept["context"]), kept["front_plain"]])
        others = ", ".join(f"{card['id']} ({_described(history[card['id']], status)})" for card, status in retired)
        write(
            f"  {place}: kept {kept['id']} "
            f"({_described(history[kept['id']], kept['status'])}), retired {others}\n"
        )
    if len(merges) > _SHOWN:
        write(f"  ... and {len(merges) - _SHOWN:,} more (mlsflash cards --status retired lists retired cards)\n")
    sys.stderr.flush()


def _described(card_history, status):
    scheduled, latest = card_history
    answers = f"{scheduled} answer{'s' if scheduled != 1 else ''}, last {latest[:10]}" if latest else "never answered"
    return f"{answers}, suspended" if status == "suspended" else answers


def downgrade() -> None:
    # Merged cards stay merged; only the indexes go back.
    op.drop_index("ix_cards_deck_identity", table_name="cards")
    op.drop_index("ix_cards_source", table_name="cards")
    op.create_index("ix_cards_identity", "cards", ["source_file", "identity"], unique=False)
