"""Drop ``processed_events``: Slack retries are claimed in ``deliveries`` since version 6,
and nothing has read or written this table since ``bot/store/events.py`` went.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("processed_events")
