"""A notes file remembers the deck `--deck` put it in: `mlsflash import a.md` after
`mlsflash import a.md b.md --deck Shared` kept a.md's cards in Shared only if `--deck` was
given again; without it they went to the deck of a.md's heading (and b.md's, read with it,
to its own). The flag stays set until another `--deck` or `--deck-from-heading`.

Files imported with `--deck` before this revision are recognised where that can be proved:
the file is unchanged on disk, and its stored hash (of its bytes, the `--deck` given, the
deck's options and parser version 6, as revisions 0011 and 0012 computed it) equals the one
made with its deck's name as the `--deck`. A file edited since, or last imported by an older
version, is not flagged: it goes back to its heading's deck at its next import, as before,
until `--deck` is given once more.

Revision ID: 0015_remembered_deck
Revises: 0014_retired_suspended
"""

import hashlib
import os

import sqlalchemy as sa
from alembic import op

revision = "0015_remembered_deck"
down_revision = "0014_retired_suspended"
branch_labels = None
depends_on = None

_PARSER_VERSION = "6"  # the one every release at revision 0012 wrote: kept here, not imported


def _imported_with_deck(path, content_hash, deck, reverse, prose, tables):
    if not os.path.isfile(path):  # gone, bundled (`<bundled>/...`) or not a regular file
        return False
    try:
        with open(path, "rb") as notes:
            digest = hashlib.sha256(notes.read()).hexdigest()
    except OSError:
        return False
    options = f"{bool(reverse)}|{bool(prose)}|{bool(tables)}|{_PARSER_VERSION}"
    return hashlib.sha256(f"{digest}|{deck}|{options}".encode()).hexdigest() == content_hash


def upgrade() -> None:
    op.add_column("source_files", sa.Column("deck_from_option", sa.Boolean, nullable=False, server_default=sa.false()))
    bind = op.get_bind()
    pinned = [
        {"path": path}
        for path, *stored in bind.exec_driver_sql(
            "SELECT f.path, f.content_hash, d.name, d.reverse, d.prose, d.tables FROM source_files f "
            "JOIN decks d ON d.id = f.deck_id"
        ).all()
        if _imported_with_deck(path, *stored)
    ]
    if pinned:
        bind.exec_driver_sql("UPDATE source_files SET deck_from_option = 1 WHERE path = :path", pinned)


def downgrade() -> None:
    with op.batch_alter_table("source_files") as batch:
        batch.drop_column("deck_from_option")
