"""Baseline: the schema as it stood at version 8, on either engine.

SQLite: apply the numbered SQL files (``bot/store/migrations``) the file still lacks; a
file made by an older release keeps its data. PostgreSQL: create the same schema from
``bot/store/schema/postgresql.sql``.

Revision ID: 0008
Revises:
"""

from alembic import op

from bot.store import migrate

revision = "0008"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        done = int(bind.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        for version, sql in migrate.legacy_steps():
            if version > done:
                for statement in migrate.statements(sql):
                    bind.exec_driver_sql(statement)
        bind.exec_driver_sql(f"PRAGMA user_version = {migrate.BASELINE}")
    else:
        for statement in migrate.statements(migrate.postgresql_baseline()):
            bind.exec_driver_sql(statement)
