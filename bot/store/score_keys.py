"""How a leaderboard's period and scope are stored: small integers, not text.

A score row is one per (period, scope, member), so its key is repeated millions of times
(in the table and again in the ranking index). Period keys (``all``, ``season:<id>``,
``month:YYYY-MM``, ``week:YYYY-Www``, as :mod:`bot.quiz.scoring` names them) are stored as
``(kind, number)``; scope names (``channel:<id>``, ``workspace:<key>``) as the id of their row
in ``score_scopes``. Numbers keep the order of the periods they stand for (``202552 <
202601``), so "every week before W" is one range of the primary key.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.store.sql import Connection

ALL, SEASON, MONTH, WEEK = 0, 1, 2, 3
"""The ``kind`` column of ``scores``."""

_PERIOD = re.compile(r"^(?:(all)|season:(\d+)|month:(\d{4})-(\d{2})|week:(\d{4})-W(\d{2}))$")


class PeriodCode(NamedTuple):
    """A period as stored: ``kind`` and ``number`` (0, the season's id, YYYYMM or ISO YYYYWW)."""

    kind: int
    number: int


def period_code(key: str) -> PeriodCode:
    """The stored form of a period key. Raises ValueError for anything else (nothing is
    stored or looked up under a key that no command produces)."""
    match = _PERIOD.match(key)
    if match is None:
        raise ValueError(f"not a leaderboard period: {key!r}")
    every, season, month_year, month, week_year, week = match.groups()
    if every:
        return PeriodCode(ALL, 0)
    if season:
        return PeriodCode(SEASON, int(season))
    if month_year:
        return PeriodCode(MONTH, int(month_year) * 100 + int(month))
    return PeriodCode(WEEK, int(week_year) * 100 + int(week))


async def scope_ids(conn: Connection, names: list[str]) -> list[int]:
    """The ids of scope names, created on first use; in the order given. Call inside a
    write transaction (the insert is part of it)."""
    ids = []
    for name in names:
        await conn.execute("INSERT INTO score_scopes(name) VALUES (?) ON CONFLICT DO NOTHING", (name,))
        async with conn.execute("SELECT id FROM score_scopes WHERE name = ?", (name,)) as cur:
            row = await cur.fetchone()
        assert row is not None  # inserted just above if it was missing
        ids.append(int(row[0]))
    return ids


SCOPE_ID = "(SELECT id FROM score_scopes WHERE name = ?)"
"""SQL for a scope name's id in a read: NULL (so no rows) for a scope with no score yet."""
