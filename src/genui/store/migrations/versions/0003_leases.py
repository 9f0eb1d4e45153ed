"""Process leases and response owners, checkpointed output, usage batch ids, room for the NUL encoding.

- `workers`: one lease per live process (heartbeat); `responses.owner_id` names the lease of the process
  producing an `in_progress` response, so any live process can finish the orphans of a dead one.
- `responses.partial_output`: the output so far of an `in_progress` response, kept if its process dies.
- `ix_responses_in_progress`: a partial index on the few in-flight rows (the orphan sweep reads only those).
- `usage_batches`: ids of written usage batches, so a replayed journal segment is never counted twice.
- PostgreSQL only (SQLite does not enforce lengths): client-given item ids and key/organization names get
  twice their length, the most the NUL encoding of `store/nul.py` can take. The downgrade shrinks them back
  and refuses (PostgreSQL errors) if a stored value no longer fits, rather than truncating it.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TS = sa.DateTime(timezone=True)
IN_PROGRESS = sa.text("status = 'in_progress'")
# (table, column, length before, length after)
WIDENED = (
    ("response_items", "item_id", 64, 128),
    ("conversation_items", "item_id", 64, 128),
    ("api_keys", "name", 200, 400),
    ("organizations", "name", 200, 400),
)


def _resize(*, widen: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, old, new in WIDENED:
        before, after = (old, new) if widen else (new, old)
        op.alter_column(table, column, existing_type=sa.String(before), type_=sa.String(after))


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("heartbeat_at", TS, nullable=False),
    )
    op.create_table(
        "usage_batches",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("created_at", TS, nullable=False),
    )
    with op.batch_alter_table("responses") as batch:
        batch.add_column(sa.Column("owner_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("partial_output", JSON_DOC, nullable=True))
    op.create_index(
        "ix_responses_in_progress",
        "responses",
        ["owner_id"],
        sqlite_where=IN_PROGRESS,
        postgresql_where=IN_PROGRESS,
    )
    _resize(widen=True)


def downgrade() -> None:
    _resize(widen=False)
    op.drop_index("ix_responses_in_progress", table_name="responses")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("partial_output")
        batch.drop_column("owner_id")
    op.drop_table("usage_batches")
    op.drop_table("workers")
