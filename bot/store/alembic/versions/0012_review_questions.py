"""Private reviews (``/quiz review``): each member's open review question, and an index
that finds a member's most overdue cards without reading all of them.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.BigInteger, sa.ForeignKey("members.id"), nullable=False, unique=True),
        sa.Column("card_key", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("asked_at", sa.Float(precision=53), nullable=False),
        sa.Column("hinted", sa.Integer, nullable=False, server_default="0"),
        sqlite_autoincrement=True,  # ids are never reused: a button of a replaced question finds nothing
    )
    op.create_index("reviews_member_due", "reviews", ["member_id", "due_at"])


def downgrade() -> None:
    op.drop_index("reviews_member_due", table_name="reviews")
    op.drop_table("review_questions")
