"""Pausing one workspace's schedules (the app was uninstalled there) touches no other's."""

from __future__ import annotations

from pathlib import Path

from bot.store.channels import ChannelRef, Channels
from bot.store.db import Database
from bot.store.schedules import Schedules


async def test_pause_workspace_pauses_only_that_workspaces_running_schedules(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        channels, schedules = Channels(db), Schedules(db)
        ids = {}
        for workspace, native in (("slack:T1", "C1"), ("slack:T1", "C2"), ("slack:T2", "C1"), ("discord:T1", "C1")):
            channel_id = await channels.id_of(ChannelRef(workspace.split(":")[0], workspace, native))
            ids[(workspace, native)] = await schedules.add(channel_id, "0 * * * *", "UTC", (), 600, 100.0, None)
        already = ids[("slack:T1", "C2")]
        assert await schedules.pause(already, 50.0)

        assert await schedules.pause_workspace("slack:T1", 60.0) == 1
        assert await schedules.pause_workspace("slack:T1", 70.0) == 0  # twice changes nothing

        rows = {int(r[0]): r[1] for r in await db.fetchall("SELECT id, paused_at FROM schedules")}
        assert rows == {ids[("slack:T1", "C1")]: 60.0, already: 50.0, ids[("slack:T2", "C1")]: None,
                        ids[("discord:T1", "C1")]: None}
        assert sorted(s.id for s in await schedules.due(1000.0)) == sorted([ids[("slack:T2", "C1")],
                                                                      ids[("discord:T1", "C1")]])
    finally:
        await db.close()
