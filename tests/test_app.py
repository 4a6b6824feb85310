"""Lifecycle: the clock runs only while the adapters can post."""

import asyncio
from pathlib import Path

from bot import app
from bot.config import load_settings
from bot.quiz import messages as m
from bot.quiz.metrics import NoMetrics
from bot.quiz.ports import ChannelRef, MessageRef
from bot.store.db import Database

ROOT = Path(__file__).resolve().parents[1]
CHANNEL = ChannelRef("late", "late:W", "C")


class LateAdapter:
    """An adapter that connects in the background, like Discord's."""

    name = platform = "late"

    def __init__(self, service):
        self.service = service
        self.ready = asyncio.Event()
        self.posts: list[m.Message] = []
        self.updates: list[m.Message] = []

    @property
    def connected(self) -> bool:
        return self.ready.is_set()

    @property
    def chat(self):
        return self

    async def start(self) -> None:
        pass

    async def wait_ready(self, timeout: float) -> None:
        await self.ready.wait()

    async def stop(self) -> None:
        pass

    async def post(self, channel, message):
        if not self.ready.is_set():
            raise AttributeError("client not logged in yet")
        self.posts.append(message)
        return MessageRef(channel, str(len(self.posts)))

    async def update(self, ref, message):
        if not self.ready.is_set():
            raise AttributeError("client not logged in yet")
        self.updates.append(message)


async def test_overdue_round_is_revealed_only_once_the_adapter_is_ready(tmp_path, monkeypatch):
    db_path = tmp_path / "q.db"
    db = await Database.open(db_path)  # a round whose deadline passed while the bot was down
    await db.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                     "VALUES ('late:W:C', 'late:W', 'late', 'C', 0)")
    await db.execute("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at, "
                     "message_id) VALUES (1, 'k', 'dl-basics/x', ?, 0, 1, 'm1')",
                     (('{"key": "k", "deck_id": "dl-basics", "card_id": "x", "kind": "text", "prompt": "p", '
                      '"options": [], "correct": null, "accept": ["a"], "answer": "a", "explanation": "e", '
                      '"source": "s"}'),))
    await db.close()
    settings = load_settings(env={}, config_file=tmp_path / "none.yaml", db_path=db_path,
                             decks_dir=ROOT / "decks", reload_interval_s=0)
    made: list[LateAdapter] = []

    def build(settings, service, stop, slack_engine=None):
        made.append(LateAdapter(service))
        return made

    monkeypatch.setattr(app, "build_adapters", build)
    runner = asyncio.create_task(app.run(settings))
    for _ in range(100):
        if made:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)
    assert made[0].updates == []  # not revealed into an adapter that cannot post yet
    made[0].ready.set()
    for _ in range(200):
        if made[0].updates:
            break
        await asyncio.sleep(0.01)
    assert isinstance(made[0].updates[0], m.Reveal)
    runner.cancel()
    try:
        await runner
    except asyncio.CancelledError:
        pass


def test_slack_and_discord_run_side_by_side_and_the_console_stays_off(tmp_path):
    from bot.chat.discord.adapter import DiscordAdapter
    from bot.chat.slack.adapter import SlackAdapter

    settings = load_settings(env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "DISCORD_TOKEN": "d"},
                             config_file=tmp_path / "none.yaml")

    async def build():
        here = load_settings(env={}, config_file=tmp_path / "none.yaml", db_path=tmp_path / "q.db",
                             decks_dir=ROOT / "decks")
        db = await Database.open(here.db_path)
        service = app.build_service(here, db, NoMetrics())
        try:
            return [type(a) for a in app.build_adapters(settings, service, lambda: None)]
        finally:
            await db.close()

    assert asyncio.run(build()) == [SlackAdapter, DiscordAdapter]
