"""Weekly digests: ``digests`` holds each channel's digest schedule (its words, zone, cron
and next slot, like ``schedules``); ``digest_slots`` records each slot posted, its primary
key the unique claim that lets one process, and only one, post a slot.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("channel_id", sa.BigInteger(), sa.ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("cron", sa.Text(), nullable=False),
        sa.Column("tz", sa.Text(), nullable=False),
        sa.Column("next_run_at", sa.Float(precision=53), nullable=False),
        sa.Column("created_by", sa.BigInteger(), sa.ForeignKey("members.id"), nullable=True),
        sa.Column("created_at", sa.Float(precision=53), nullable=False),
    )
    op.create_index("digests_due", "digests", ["next_run_at"])
    op.create_index("digests_channel", "digests", ["channel_id"])
    op.create_table(
        "digest_slots",
        sa.Column("digest_id", sa.BigInteger(), sa.ForeignKey("digests.id", ondelete="CASCADE"), nullable=False),
        sa.Column("slot_at", sa.Float(precision=53), nullable=False),
        sa.Column("posted_at", sa.Float(precision=53), nullable=False),
        sa.PrimaryKeyConstraint("digest_id", "slot_at"),
    )


def downgrade() -> None:
    op.drop_table("digest_slots")
    op.drop_table("digests")
