"""articles.extract_seconds: how long the stored extraction took

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

The extraction-time metric is derived from the database at scrape time (correct across any
number of prefork worker processes and restarts), so the time has to be stored with the results.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extract_seconds", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("extract_seconds")
