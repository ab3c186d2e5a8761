"""Card identity belongs to the deck, not to a file, and bullets with one key are one card.

Before: the key was (file, context, term, direction, occurrence), so two bullets with the same
term under the same parents were two cards told apart only by their order, and deleting the
first handed its history to the second. Now the key is (deck, context, term, direction):
- the occurrence number leaves every key; cards of a deck that now share a key merge into the
  first one (note order), whose answer lists the distinct answers; the others retire with
  their reviews kept;
- zero-width spaces, word joiners and byte-order marks pasted from the web leave the text
  columns (ids unchanged);
- uniqueness moves from (source_file, identity) to (deck_id, identity) among live cards.

Revision ID: 0006_deck_identity
Revises: 0005_review_topic
"""

import json
import re

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
    for group in live_by_key.values():
        if len(group) < 2:
            continue
        first = group[0]
        backs = {}
        for card in group:
            backs.setdefault(_normalize(card["back_plain"]), (card["back"], card["back_plain"]))
        first["back"] = "\n".join(markup for markup, _ in backs.values())
        first["back_plain"] = "\n".join(plain for _, plain in backs.values())
        for card in group[1:]:
            card["status"] = "retired"
    if updates:
        bind.exec_driver_sql(
            "UPDATE cards SET context = :context, topic = :topic, front = :front, back = :back, "
            "front_plain = :front_plain, back_plain = :back_plain, definition_key = :definition_key, "
            "identity = :identity, status = :status WHERE id = :id",
            updates,
        )
    op.execute("UPDATE reviews SET topic = (SELECT topic FROM cards WHERE cards.id = reviews.card_id)")
    op.create_index("ix_cards_source", "cards", ["source_file"])
    op.create_index(
        "ix_cards_deck_identity", "cards", ["deck_id", "identity"], unique=True,
        sqlite_where=sa.text("status != 'retired'"),
    )


def downgrade() -> None:
    # Merged cards stay merged; only the indexes go back.
    op.drop_index("ix_cards_deck_identity", table_name="cards")
    op.drop_index("ix_cards_source", table_name="cards")
    op.create_index("ix_cards_identity", "cards", ["source_file", "identity"], unique=False)
