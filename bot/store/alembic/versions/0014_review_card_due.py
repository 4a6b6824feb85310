"""The channel pick's due counts read card by card: partial index ``reviews_card_due`` over the
weak rows (last answer wrong, or in long-term review) by card and due date, holding the member
(and the flag, so the index alone answers the query). It replaces ``reviews_weak_due``
(revision 0013), which was ordered by member: counting a channel's due cards from it read every
due row of every member, cards of removed decks included, and sorted them all to group them by
card (``bench/bench_review.py``).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("reviews_weak_due", table_name="reviews")
    op.create_index("reviews_card_due", "reviews", ["card_key", "due_at", "member_id", "weak"],
                    sqlite_where=sa.text("weak = 1"), postgresql_where=sa.text("weak = 1"))


def downgrade() -> None:
    op.drop_index("reviews_card_due", table_name="reviews")
    op.create_index("reviews_weak_due", "reviews", ["member_id", "due_at", "card_key", "weak"],
                    sqlite_where=sa.text("weak = 1"), postgresql_where=sa.text("weak = 1"))
