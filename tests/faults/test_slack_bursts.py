"""Slack HTTP mode, the real ``quizbot run``, a burst of answer clicks from distinct members
with the process stopped mid-burst.

SIGTERM: every click that got HTTP 200 is stored and its member told "Answer recorded"; the
rest were refused (503, or no connection once the process is gone), so Slack delivers them
again. kill -9: every click that got 200 is stored (the 200 follows the commit); "Answer
recorded" is a separate post after the ack, so a member acked just before the kill may not
have been told.
"""

from __future__ import annotations

from tests.fakes.slack import TEAM_ID, FakeSlack
from tests.faults.conftest import Counts, SlackBotProcess, slack_burst, start_slack_bot, stored_members

BURST = 250
FAULT_AFTER = 60
"""Answers acknowledged before the process is stopped: the burst is well under way, far from done."""


async def burst_with_stop(fake_slack: FakeSlack, tmp_path, slack_bots: list[SlackBotProcess], *,  # type: ignore[no-untyped-def]
                          kill: bool) -> tuple[Counts, dict[str, int | None], int]:
    fake_slack.set_latency(0.01, "chat.postEphemeral")  # confirmations take a little while, as Slack's do
    bot = await start_slack_bot(fake_slack, tmp_path)
    slack_bots.append(bot)
    first = await bot.ask()
    users = [f"U{i:04d}" for i in range(BURST)]
    statuses = await slack_burst(bot, first, users, fault_after=FAULT_AFTER,
                                 fault=bot.kill if kill else bot.terminate)
    code = await bot.exited()
    counts = Counts("slack kill -9" if kill else "slack SIGTERM", len(statuses),
                    {u for u, s in statuses.items() if s == 200},
                    stored_members(bot.db_path, f"slack:{TEAM_ID}:"), bot.confirmed())
    print(counts.report())
    assert len(counts.acknowledged) >= FAULT_AFTER
    assert len(counts.acknowledged) < BURST  # the stop came mid-burst: later clicks were refused
    return counts, statuses, code


async def test_sigterm_mid_burst_loses_no_acknowledged_answer_and_confirms_every_one(
        fake_slack: FakeSlack, tmp_path, slack_bots) -> None:  # type: ignore[no-untyped-def]
    counts, statuses, code = await burst_with_stop(fake_slack, tmp_path, slack_bots, kill=False)

    assert code == 0
    assert set(statuses.values()) - {200} <= {503, None}
    assert counts.lost == set()
    assert counts.unconfirmed == set()
    logs = slack_bots[0].log()
    assert "Traceback" not in logs and "event=slack_drain_timeout" not in logs


async def test_kill_9_mid_burst_loses_no_acknowledged_answer(fake_slack: FakeSlack, tmp_path, slack_bots) -> None:  # type: ignore[no-untyped-def]
    counts, statuses, code = await burst_with_stop(fake_slack, tmp_path, slack_bots, kill=True)

    assert code == -9
    assert set(statuses.values()) - {200} <= {None}  # no time for a 503: the socket just closes
    assert counts.lost == set()
    assert counts.confirmed <= counts.stored  # nobody was told "recorded" about an answer that is not there
