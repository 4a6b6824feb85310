"""``reviews.weak``: whether a member's card counts for the channel's pick once due (their last
answer to it was wrong, or it is in fsrs's long-term review), kept beside the json state, and
a partial index over those rows by member and due date that also holds the card (and the flag,
so the index alone answers the query). The pick
counts a channel's due cards from that index alone, instead of reading every due row's json
state from the table (``bench/bench_review.py``).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

REVIEW_STATE = 2
"""fsrs's ``State.Review`` as stored in the json (``bot.store.reviews.REVIEW_STATE``)."""


def upgrade() -> None:
    op.add_column("reviews", sa.Column("weak", sa.Integer, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        stage = "json_extract(state, '$.state')"
    else:
        stage = "CAST((state)::json ->> 'state' AS BIGINT)"
    op.execute(f"UPDATE reviews SET weak = CASE WHEN last_correct = 0 OR {stage} = {REVIEW_STATE} "
               "THEN 1 ELSE 0 END")
    op.create_index("reviews_weak_due", "reviews", ["member_id", "due_at", "card_key", "weak"],
                    sqlite_where=sa.text("weak = 1"), postgresql_where=sa.text("weak = 1"))


def downgrade() -> None:
    op.drop_index("reviews_weak_due", table_name="reviews")
    op.drop_column("reviews", "weak")
