"""Web pages: one secret link per workspace, and the members who asked to be left off them.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_links",
        sa.Column("workspace", sa.Text, primary_key=True),
        sa.Column("token", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "web_hidden",
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                  sa.ForeignKey("members.id"), primary_key=True),
        sa.Column("hidden_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_hidden")
    op.drop_table("web_links")
