"""usage_records.requests: a row sums the model calls of one (org, key, model) in one flush.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows written before this revision stand for one call each.
    with op.batch_alter_table("usage_records") as batch:
        batch.add_column(sa.Column("requests", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("usage_records") as batch:
        batch.drop_column("requests")
