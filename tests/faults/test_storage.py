"""Storage faults under the real ``quizbot run`` serving Slack in HTTP mode: the database file
deleted mid-burst, and a full disk (``RLIMIT_FSIZE`` set on the running process with
``prlimit``, which stops writes for root too) then lifted.

The console's version of both, with the /metrics figures: ``tests/ops/test_storage_faults.py``.
"""

from __future__ import annotations

import json
import os
import resource

import aiohttp

from tests.fakes.slack import TEAM_ID, FakeSlack
from tests.faults.conftest import (
    Counts,
    SlackBotProcess,
    eventually,
    slack_burst,
    start_slack_bot,
    stored_members,
)

NOT_SAVED = "Your answer could not be saved; please try again."


async def health(bot: SlackBotProcess) -> tuple[int, dict]:  # type: ignore[type-arg]
    async with aiohttp.ClientSession() as session, \
            session.get(f"http://127.0.0.1:{bot.health_port}/healthz") as response:
        return response.status, json.loads(await response.text())


async def until_health(bot: SlackBotProcess, status: int) -> dict:  # type: ignore[type-arg]
    seen: dict = {}  # type: ignore[type-arg]

    async def answered() -> bool:
        code, body = await health(bot)
        seen.update(body)
        return code == status

    await eventually(answered, f"/healthz {status}")
    return seen


async def until_told(bot: SlackBotProcess, users: list[str]) -> None:
    """Until each of ``users`` was shown a reply (the replies follow the acks)."""
    async def all_told() -> bool:
        return all(bot.told(u) for u in users)

    await eventually(all_told, f"a reply to each of {len(users)} members")


async def test_database_deleted_mid_burst_turns_health_503_and_no_later_answer_is_confirmed_recorded(
        fake_slack: FakeSlack, tmp_path, slack_bots) -> None:  # type: ignore[no-untyped-def]
    bot = await start_slack_bot(fake_slack, tmp_path, health=True)
    slack_bots.append(bot)
    first = await bot.ask()
    during = [f"UDEL{i:03d}" for i in range(120)]
    acked_at_delete: set[str] = set()
    statuses: dict[str, int | None] = {}

    def delete() -> None:
        acked_at_delete.update(u for u, s in statuses.items() if s == 200)
        os.unlink(bot.db_path)

    statuses.update(await slack_burst(bot, first, during, fault_after=30, fault=delete, statuses=statuses))
    body = await until_health(bot, 503)
    after = [f"UAFT{i:03d}" for i in range(30)]
    later = await slack_burst(bot, first, after)
    await until_told(bot, during + after)

    assert body["storage"]["reason"] == "deleted" and body["storage"]["restart_required"] is True
    assert set(later.values()) == {200}  # acknowledged, as a refusal: the member is told to try again
    assert bot.confirmed() & set(after) == set()
    assert all(bot.told(u) == [f"Error: {NOT_SAVED}"] for u in after), bot.told(after[0])
    assert acked_at_delete <= bot.confirmed()
    for user in during:  # each was told one clear thing: recorded (committed before the delete) or not saved
        told = bot.told(user)
        assert len(told) == 1 and (told[0].startswith("Answer recorded") or told[0] == f"Error: {NOT_SAVED}"), told
    print(json.dumps({"fault": "slack database deleted", "sent": len(during) + len(after),
                      "acknowledged": sum(s == 200 for s in (statuses | later).values()),
                      "confirmed_recorded": len(bot.confirmed()), "acknowledged_before_delete": len(acked_at_delete),
                      "confirmed_after_503": len(bot.confirmed() & set(after))}))


async def test_full_disk_refuses_answers_clearly_turns_health_503_and_recovers_when_lifted(
        fake_slack: FakeSlack, tmp_path, slack_bots) -> None:  # type: ignore[no-untyped-def]
    bot = await start_slack_bot(fake_slack, tmp_path, health=True)
    slack_bots.append(bot)
    first = await bot.ask()
    before = [f"UBEF{i:03d}" for i in range(10)]
    full = [f"UFUL{i:03d}" for i in range(40)]
    lifted = [f"ULIF{i:03d}" for i in range(10)]
    await slack_burst(bot, first, before)
    await until_told(bot, before)

    soft, hard = resource.prlimit(bot.process.pid, resource.RLIMIT_FSIZE)
    resource.prlimit(bot.process.pid, resource.RLIMIT_FSIZE, (1, hard))  # no file may grow past 1 byte
    try:
        refused = await slack_burst(bot, first, full)
        await until_told(bot, full)
        body = await until_health(bot, 503)
    finally:
        resource.prlimit(bot.process.pid, resource.RLIMIT_FSIZE, (soft, hard))
    await until_health(bot, 200)  # the storage watch's probe write commits again
    recovered = await slack_burst(bot, first, lifted)
    await until_told(bot, lifted)
    bot.terminate()
    assert await bot.exited() == 0

    stored = stored_members(bot.db_path, f"slack:{TEAM_ID}:")
    counts = Counts("slack disk full", len(before + full + lifted),
                    {u for u, s in (refused | recovered).items() if s == 200} | set(before), stored, bot.confirmed(),
                    refused={u for u in full if bot.told(u) == [f"Error: {NOT_SAVED}"]})
    print(counts.report())
    assert body["storage"]["reason"] == "io_error" and body["storage"]["restart_required"] is False
    assert counts.refused == set(full), bot.told(full[0])  # every answer during the fault: told clearly
    assert counts.lost == set()
    assert stored & set(full) == set()  # refused answers changed nothing
    assert set(before) | set(lifted) <= stored  # before the fault and after the lift: stored
    assert bot.confirmed() == stored  # "recorded" exactly for what is stored
