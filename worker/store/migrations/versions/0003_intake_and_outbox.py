"""intake and outbox: submitted articles, commitment keys, the event outbox, rejections

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_events_article_id"), ["article_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_events_published_at"), ["published_at"], unique=False
        )

    op.create_table(
        "rejected_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rejected_submissions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rejected_submissions_received_at"), ["received_at"], unique=False
        )

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=128), nullable=True))
        batch_op.alter_column("feed_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint("uq_articles_source_entry", ["source", "entry_key"])
        batch_op.create_check_constraint(
            "ck_articles_one_origin", "(feed_id IS NULL) <> (source IS NULL)"
        )

    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_commitments_key"), ["key"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitments_key"))
        batch_op.drop_column("key")

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint("ck_articles_one_origin", type_="check")
        batch_op.drop_constraint("uq_articles_source_entry", type_="unique")
        batch_op.alter_column("feed_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("source")

    with op.batch_alter_table("rejected_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejected_submissions_received_at"))

    op.drop_table("rejected_submissions")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_events_published_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_events_article_id"))

    op.drop_table("outbox_events")
