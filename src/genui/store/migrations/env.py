"""Alembic environment: always driven programmatically by `Database.migrate()` with a live connection."""

from __future__ import annotations

from alembic import context

from genui.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("genui migrations run through genui.store.Database.migrate(), not the alembic CLI")

# One transaction for the whole upgrade on SQLite too (Alembic commits each migration there by default):
# the write lock Database takes at BEGIN then serializes concurrent migrating processes up to the commit.
context.configure(
    connection=connection, target_metadata=Base.metadata, render_as_batch=True, transactional_ddl=True
)
with context.begin_transaction():
    context.run_migrations()
