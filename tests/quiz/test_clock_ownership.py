"""Two processes over one database, each running the clock only for the channels it owns
(Discord shards 0 and 1 of 2): every timed step happens once, in the owner; commands and
answers work in either process."""

from __future__ import annotations

import pytest

from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, Ownership, WorkspaceShards
from tests.helpers import ADMIN, Clock, FakeChat, make_service, member

GUILD_ON_0 = 81_384_788_765_712_384
GUILD_ON_1 = 1_000_000_000_000_000_000
ON_0 = ChannelRef("discord", f"discord:{GUILD_ON_0}", "10")
ON_1 = ChannelRef("discord", f"discord:{GUILD_ON_1}", "11")


def shard(mine: int) -> Ownership:
    return Ownership((WorkspaceShards("discord", 2, frozenset({mine}), shift=22),))


class Process:
    def __init__(self, service, db, chat: FakeChat) -> None:
        self.service, self.db, self.chat = service, db, chat

    async def tick(self) -> float | None:
        return await self.service.scheduler.tick()

    def questions_in(self, channel: ChannelRef) -> list[m.QuestionCard]:
        return [msg for ch, msg in self.chat.posts if ch == channel and isinstance(msg, m.QuestionCard)]


@pytest.fixture
async def pair(tmp_path):
    """Process 0 and process 1 (shards 0 and 1 of 2) over one SQLite file, one clock."""
    clock = Clock()
    made = []
    for mine in (0, 1):
        chat = FakeChat(platform="discord")
        service, db = await make_service(tmp_path / "shared.db", clock, chat)
        service.ctx.owned = shard(mine)
        made.append(Process(service, db, chat))
    yield clock, made[0], made[1]
    for process in made:
        await process.service.shutdown()
        await process.db.close()


async def test_each_process_opens_only_the_slots_of_its_own_guilds(pair):
    clock, zero, one = pair
    for channel in (ON_0, ON_1):  # both added through process 0: a command works anywhere
        reply = await zero.service.schedule_add(channel, ADMIN, "hourly", "UTC")
        assert reply.tone == "ok", reply.text
    clock.now = await zero.service.ctx.stores.schedules.next_run() or 0
    await zero.tick()
    await one.tick()
    await zero.tick()
    assert (len(zero.questions_in(ON_0)), len(zero.questions_in(ON_1))) == (1, 0)
    assert (len(one.questions_in(ON_0)), len(one.questions_in(ON_1))) == (0, 1)


async def test_round_opened_in_one_process_is_closed_at_its_deadline_by_its_owner(pair):
    clock, zero, one = pair
    assert await zero.service.ask(ON_1, ADMIN) is None  # /quiz now reached process 0
    [card] = zero.questions_in(ON_1)
    clock.now = card.closes_at + 1
    assert (await zero.tick() or clock.now + 1) > clock.now, "process 0 never wakes for shard 1's deadline"
    assert zero.chat.of_type(m.Reveal) == []
    await one.tick()
    assert [r.round_id for r in one.chat.of_type(m.Reveal)] == [card.round_id]


async def test_answer_given_to_the_process_that_did_not_open_the_round_counts_once(pair):
    clock, zero, one = pair
    assert await one.service.ask(ON_1, ADMIN) is None
    [card] = one.questions_in(ON_1)
    first = await zero.service.answer_choice(card.round_id, member("alice"), 0)
    again = await one.service.answer_choice(card.round_id, member("alice"), 1)
    assert first.tone == "ok" and "recorded" in first.text
    assert "already answered" in again.text
    clock.now = card.closes_at + 1
    await one.tick()
    [reveal] = one.chat.of_type(m.Reveal)
    assert reveal.answered == 1 and reveal.tally[0] == 1


async def test_reveal_that_did_not_get_through_is_retried_by_the_owner_only(pair):
    clock, zero, one = pair
    assert await zero.service.ask(ON_1, ADMIN) is None
    zero.chat.fail_updates = zero.chat.fail_posts = True
    assert await zero.service.close(ON_1, ADMIN) is None  # /quiz close in process 0; its reveal fails
    zero.chat.fail_updates = zero.chat.fail_posts = False
    clock.advance(3600)
    await zero.tick()
    assert zero.chat.of_type(m.Reveal) == []
    await one.tick()
    assert len(one.chat.of_type(m.Reveal)) == 1


async def test_session_started_anywhere_is_paced_by_its_owner(pair):
    _, zero, one = pair
    reply = await zero.service.start_session(ON_1, member("alice"), 2, window_s=60)
    assert reply.tone == "ok", reply.text
    await zero.tick()
    assert zero.questions_in(ON_1) == []
    await one.tick()
    assert len(one.questions_in(ON_1)) == 1


async def test_round_left_unposted_is_posted_by_its_owner_only(pair):
    from bot.quiz.selection import next_question

    clock, zero, one = pair
    channel_id = await zero.service.ctx.channel_id(ON_1)
    question = await next_question(zero.service.ctx, channel_id)
    assert question is not None
    async with zero.service.ctx.stores.transaction() as tx:  # a process stopped between insert and post
        await tx.rounds.insert(channel_id=channel_id, question=question, opened_at=clock.now,
                               closes_at=clock.now + 600, season_id=None)
    clock.advance(60)
    await zero.tick()
    assert zero.chat.posts == []
    await one.tick()
    assert len(one.questions_in(ON_1)) == 1


async def test_channels_of_other_platforms_keep_their_clock_in_every_process(pair):
    clock, zero, one = pair
    slack_like = ChannelRef("test", "test:W1", "C1")
    chats = [FakeChat(), FakeChat()]
    zero.service.attach(chats[0])
    one.service.attach(chats[1])
    assert await zero.service.ask(slack_like, ADMIN) is None
    clock.advance(3600)
    await one.tick()  # process 1 runs shard 1 only, but that says nothing about other platforms
    assert len(chats[1].of_type(m.Reveal)) == 1
