"""Repair what revision 0006 did to collections upgraded before it was fixed (issue 27): it merged
cards of a deck that came to share a key into the first one in note order whatever their
history, so a card never answered (often suspended) could stay live while the card answered
for weeks retired. This revision swaps such a pair back.

A pair is a live card and a retired card of the same deck and key where the retired card
- was retired by that merge: its `updated_at` is older than its own last answer (every
  retirement by the importer stamps `updated_at`, so a card the importer retired was never
  answered after it; 0006 stamped nothing). Cards the importer retired are left alone, such
  as the second of two same-term bullets deleted under the old release, and so is a merged
  card whose text was edited after its last answer (nothing tells it apart);
- has more history than the live card: more scheduled answers, or as many and a later last
  answer (the order 0006 now keeps).
Of several such retired cards, the one with the most history. It becomes the live card: the
live card's text and place (the bullets are the same), its own schedule, memory state and
review log; `active` again, or `suspended` if it is a leech (answered, it was in review when
the merge retired it). The live card retires (stamped, as the importer does) with its own
reviews. Reviews that move to another topic move in `review_days` through its triggers.
Each swap is listed on stderr.

Revision ID: 0013_same_key_repair
Revises: 0012_review_days
"""

import json
import sys

from alembic import op

from mlsflash import clock  # the importer's clock for the retirement stamp (MLSFLASH_NOW too)

revision = "0013_same_key_repair"
down_revision = "0012_review_days"
branch_labels = None
depends_on = None

# Live card, retired card, and each one's (scheduled answers, last answer): the log is read only
# for cards that have a same-key partner, through the reviews' card index.
_PAIRS = """
WITH pairs AS (
  SELECT live.id AS live_id, old.id AS old_id FROM cards AS old
  JOIN cards AS live ON live.deck_id = old.deck_id AND live.identity = old.identity AND live.status != 'retired'
  WHERE old.status = 'retired'
), history AS (
  SELECT card_id, count(*) FILTER (WHERE kind = 'scheduled') AS scheduled, max(reviewed_at) AS latest
  FROM reviews WHERE card_id IN (SELECT live_id FROM pairs UNION SELECT old_id FROM pairs) GROUP BY card_id
)
SELECT live.id AS live_id, live.status AS live_status, coalesce(lh.scheduled, 0) AS live_scheduled,
       coalesce(lh.latest, '') AS live_latest, old.id AS old_id, old.leech AS old_leech,
       oh.scheduled AS old_scheduled, oh.latest AS old_latest, decks.name AS deck, live.context, live.front_plain
FROM pairs
JOIN cards AS live ON live.id = pairs.live_id
JOIN cards AS old ON old.id = pairs.old_id
JOIN history AS oh ON oh.card_id = old.id
LEFT JOIN history AS lh ON lh.card_id = live.id
JOIN decks ON decks.id = live.deck_id
WHERE old.updated_at < oh.latest
  AND (oh.scheduled > coalesce(lh.scheduled, 0)
       OR (oh.scheduled = coalesce(lh.scheduled, 0) AND oh.latest > coalesce(lh.latest, '')))
ORDER BY live.deck_id, live.source_file, live.position, oh.scheduled DESC, oh.latest DESC
"""
# The card with the history takes the live card's text and place.
_REVIVE = """
UPDATE cards SET (status, source_file, source_line, position, context, topic, front, back, front_plain, back_plain,
                  definition_key, updated_at) =
  (SELECT CASE WHEN cards.leech THEN 'suspended' ELSE 'active' END, live.source_file, live.source_line,
          live.position, live.context, live.topic, live.front, live.back, live.front_plain, live.back_plain,
          live.definition_key, :now
   FROM cards AS live WHERE live.id = :live_id)
WHERE id = :old_id
"""


def upgrade() -> None:
    bind = op.get_bind()
    swaps = {}
    for pair in bind.exec_driver_sql(_PAIRS).all():
        swaps.setdefault(pair.live_id, pair)  # the retired card with the most history
    if not swaps:
        return
    now = clock.timestamp()
    changes = [{"live_id": pair.live_id, "old_id": pair.old_id, "now": now} for pair in swaps.values()]
    bind.exec_driver_sql("UPDATE cards SET status = 'retired', updated_at = :now WHERE id = :live_id", changes)
    bind.exec_driver_sql(_REVIVE, changes)
    bind.exec_driver_sql(
        "UPDATE reviews SET topic = (SELECT topic FROM cards WHERE cards.id = reviews.card_id) "
        "WHERE card_id = :old_id AND topic != (SELECT topic FROM cards WHERE cards.id = reviews.card_id)",
        changes,
    )
    _report(list(swaps.values()))


def _report(pairs) -> None:
    write = sys.stderr.write
    write(
        "An earlier upgrade merged cards sharing a key into the one with fewer answers "
        f"({len(pairs):,} key{'s' if len(pairs) != 1 else ''}); swapped back, the card with the answers "
        "is live again with its reviews:\n"
    )
    for pair in pairs:
        place = " › ".join([pair.deck, *json.loads(pair.context), pair.front_plain])
        kept = _described(pair.old_scheduled, pair.old_latest, "suspended" if pair.old_leech else "")
        retired = _described(pair.live_scheduled, pair.live_latest, pair.live_status)
        write(f"  {place}: live {pair.old_id} ({kept}), retired {pair.live_id} ({retired})\n")
    sys.stderr.flush()


def _described(scheduled, latest, status):
    answers = f"{scheduled} answer{'s' if scheduled != 1 else ''}, last {latest[:10]}" if latest else "never answered"
    return f"{answers}, suspended" if status == "suspended" else answers


def downgrade() -> None:
    # The swap is kept: undoing it would retire the history again.
    pass
