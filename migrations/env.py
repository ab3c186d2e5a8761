"""Alembic environment for mlsflash.

mlsflash opens the connection itself (see mlsflash.storage.db._upgrade) and passes it in
`config.attributes["connection"]`, already inside one transaction: every pending revision
runs in that transaction, so a crash mid-upgrade leaves the previous schema intact.
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("mlsflash migrations run through mlsflash.storage.open_store")

context.configure(
    connection=connection,
    target_metadata=None,
    transactional_ddl=True,
    transaction_per_migration=False,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
