"""Discord, the real ``quizbot run`` against the fake gateway and REST API, a burst of answer
clicks from distinct members with the process stopped mid-burst.

On Discord the ack and the confirmation are one thing: an answer's interaction response
("Answer recorded") is sent only after the answer's commit. So for SIGTERM and kill -9
alike, every member told "recorded" has a stored answer. After SIGTERM, later clicks are
told "restarting" (or, once the gateway is closed, not delivered) and change nothing; after
kill -9 they get no response at all. Clicks stop once the process has ended.
"""

from __future__ import annotations

from tests.fakes.discord import FakeDiscord
from tests.faults.conftest import Counts, DiscordBotProcess, discord_burst, start_discord_bot, stored_members

BURST = 200
FAULT_AFTER = 40


async def burst_with_stop(fake: FakeDiscord, tmp_path, discord_bots: list[DiscordBotProcess], *,  # type: ignore[no-untyped-def]
                          kill: bool) -> tuple[Counts, dict[str, str | None], int]:
    bot = await start_discord_bot(fake, tmp_path)
    discord_bots.append(bot)
    message_id, first = await bot.ask()
    responses = await discord_burst(bot, message_id, first, BURST, fault_after=FAULT_AFTER,
                                    fault=bot.kill if kill else bot.terminate)
    code = await bot.exited()
    recorded = {u for u, text in responses.items() if text is not None and "Answer recorded" in text}
    restarting = {u for u, text in responses.items() if text is not None and "restarting" in text}
    counts = Counts("discord kill -9" if kill else "discord SIGTERM", len(responses), recorded,
                    stored_members(bot.db_path, bot.key_prefix()), recorded)
    print(counts.report(), f"told restarting: {len(restarting)}, no response: {list(responses.values()).count(None)}")
    assert len(counts.acknowledged) >= FAULT_AFTER
    assert len(counts.acknowledged) < BURST  # the stop came before every member was recorded
    return counts, responses, code


async def test_sigterm_mid_burst_stores_every_recorded_answer_and_the_refused_change_nothing(
        synced_discord: FakeDiscord, tmp_path, discord_bots) -> None:  # type: ignore[no-untyped-def]
    counts, responses, code = await burst_with_stop(synced_discord, tmp_path, discord_bots, kill=False)

    assert code == 0
    assert counts.lost == set()
    restarting = {u for u, text in responses.items() if text is not None and "restarting" in text}
    assert restarting & counts.stored == set()  # told "nothing was changed", and nothing was
    others = {text for text in responses.values() if text is not None and "Answer recorded" not in text}
    assert all("restarting" in text for text in others), others
    assert "Traceback" not in discord_bots[0].log()


async def test_kill_9_mid_burst_stores_every_recorded_answer(
        synced_discord: FakeDiscord, tmp_path, discord_bots) -> None:  # type: ignore[no-untyped-def]
    counts, responses, code = await burst_with_stop(synced_discord, tmp_path, discord_bots, kill=True)

    assert code == -9
    assert counts.lost == set()
    assert {text for text in responses.values() if text is not None and "Answer recorded" not in text} == set()
