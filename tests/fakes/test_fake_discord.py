"""The fake Discord drives the real discord.py client: commands, buttons, modals, autocomplete,
REST failures and command sync behave as they would against Discord, so adapter tests built
on it can be trusted."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands

from tests.fakes.discord import DiscordErrorLog, FakeDiscord, connected
from tests.fakes.discord_payloads import MANAGE_GUILD, shard_of, sharded_world

TOPICS = ["backprop", "batch norm", "dropout", "embeddings"]
ANSWER_TEMPLATE = r"quiz:answer:(?P<round>\d+):(?P<choice>\d+)"


class WhyModal(discord.ui.Modal):
    """Asks a member why they chose an answer; replies privately with what it received."""

    reason: discord.ui.TextInput[WhyModal] = discord.ui.TextInput(label="Why?", custom_id="reason")

    def __init__(self, round_id: int, choice: int) -> None:
        super().__init__(title="Why?", custom_id=f"quiz:why:{round_id}:{choice}")
        self.round_id = round_id
        self.choice = choice

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"round {self.round_id} choice {self.choice}: {self.reason.value}", ephemeral=True
        )


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=ANSWER_TEMPLATE
):
    """A button whose state lives in its custom_id, so clicks work after a restart."""

    def __init__(self, round_id: int, choice: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Choice {choice}", custom_id=f"quiz:answer:{round_id}:{choice}"
            )
        )
        self.round_id = round_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[discord.ui.View],
        match: re.Match[str],
    ) -> AnswerButton:
        return cls(int(match["round"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(WhyModal(self.round_id, self.choice))


class ToyClient(discord.Client):
    """The smallest bot exercising what the quiz adapter needs from discord.py."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.01)
        self.tree = app_commands.CommandTree(self)
        self._add_commands()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton)

    def _add_commands(self) -> None:
        @self.tree.command(description="Who am I to the bot?")
        async def whoami(interaction: discord.Interaction) -> None:
            manage = interaction.permissions.manage_guild
            await interaction.response.send_message(f"manage_guild={manage}", ephemeral=True)

        @self.tree.command(description="Post a question with answer buttons")
        async def ask(interaction: discord.Interaction) -> None:
            assert isinstance(interaction.channel, discord.TextChannel)
            view = discord.ui.View(timeout=None)
            view.add_item(AnswerButton(7, 1))
            view.add_item(AnswerButton(7, 2))
            try:
                await interaction.channel.send(
                    "What does dropout do?",
                    view=view,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            except (discord.Forbidden, discord.NotFound) as exc:
                reply = f"cannot post: {type(exc).__name__} {exc.code}"
            else:
                reply = "posted"
            await interaction.response.send_message(reply, ephemeral=True)

        @self.tree.command(description="Pick a topic")
        async def topic(interaction: discord.Interaction, name: str) -> None:
            await interaction.response.send_message(f"topic {name}", ephemeral=True)

        @topic.autocomplete("name")
        async def topic_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in TOPICS if current in t]

        @self.tree.command(description="Answer late, after a defer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send("details", ephemeral=True)
            await interaction.edit_original_response(content="finished")

        @self.tree.command(description="Always fails")
        async def boom(interaction: discord.Interaction) -> None:
            raise RuntimeError("broken handler")


@pytest.fixture
async def bot(fake_discord: FakeDiscord) -> AsyncIterator[ToyClient]:
    async with connected(ToyClient(), fake_discord) as client:
        yield client


async def test_client_identifies_with_its_intents_and_sees_the_guild(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    identify = fake_discord.identify_payloads[-1]
    assert identify["token"] == fake_discord.token
    assert identify["intents"] == bot.intents.value
    world = fake_discord.world
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Study Group"
    assert guild.get_channel(world.guild.text_channel.id) is not None
    assert bot.application_id == world.application_id


async def test_slash_command_answer_is_ephemeral_and_sees_member_permissions(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    plain = await fake_discord.slash_command("whoami", user=fake_discord.world.alice)
    manager = await fake_discord.slash_command(
        "whoami", user=fake_discord.world.bob, member_permissions=MANAGE_GUILD
    )

    plain_reply = await fake_discord.wait_for_callback(plain)
    manager_reply = await fake_discord.wait_for_callback(manager)
    assert (plain_reply.type, plain_reply.ephemeral) == (4, True)
    assert plain_reply.content == "manage_guild=False"
    assert manager_reply.content == "manage_guild=True"
    assert fake_discord.message(plain_reply.message_id or 0)["flags"] & 64


async def test_button_click_reaches_dynamic_item_and_its_modal_submit_is_answered(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    world = fake_discord.world
    ask = await fake_discord.slash_command("ask")
    assert (await fake_discord.wait_for_callback(ask)).content == "posted"
    post = await fake_discord.wait_for("POST", r"/channels/\d+/messages")
    assert post.json["allowed_mentions"]["parse"] == []

    click = await fake_discord.click(int(post.response["id"]), "quiz:answer:7:2", user=world.bob)
    modal = await fake_discord.wait_for_callback(click)
    assert modal.type == 9
    assert modal.data["custom_id"] == "quiz:why:7:2"
    assert modal.custom_ids == ["reason"]

    submit = await fake_discord.submit_modal(
        "quiz:why:7:2", {"reason": "less overfit"}, user=world.bob
    )
    reply = await fake_discord.wait_for_callback(submit)
    assert reply.ephemeral
    assert reply.content == "round 7 choice 2: less overfit"


async def test_button_on_a_message_posted_before_a_restart_still_answers(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    row = {
        "type": 1,
        "components": [{"type": 2, "style": 1, "label": "B", "custom_id": "quiz:answer:3:1"}],
    }
    old = fake_discord.add_message(fake_discord.world.guild.text_channel.id, "Q", components=[row])

    click = await fake_discord.click(int(old["id"]), "quiz:answer:3:1")

    assert (await fake_discord.wait_for_callback(click)).data["custom_id"] == "quiz:why:3:1"


async def test_autocomplete_answers_with_matching_choices(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    typing = await fake_discord.autocomplete("topic", {"name": "b"}, focused="name")

    reply = await fake_discord.wait_for_callback(typing)
    assert reply.type == 8
    assert [c["value"] for c in reply.choices] == ["backprop", "batch norm", "embeddings"]


@pytest.mark.parametrize(
    ("status", "expected"), [(403, "Forbidden 50013"), (404, "NotFound 10003")]
)
async def test_refused_channel_send_raises_in_the_handler(
    fake_discord: FakeDiscord, bot: ToyClient, status: int, expected: str
) -> None:
    fake_discord.fail_next("POST", r"/channels/\d+/messages", status)

    ask = await fake_discord.slash_command("ask")

    assert (await fake_discord.wait_for_callback(ask)).content == f"cannot post: {expected}"
    posted = fake_discord.messages_in(fake_discord.world.guild.text_channel.id)
    assert [m["content"] for m in posted] == [f"cannot post: {expected}"]


async def test_rate_limited_send_is_retried_after_retry_after(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    fake_discord.fail_next("POST", r"/channels/\d+/messages", 429, retry_after=0.01)

    ask = await fake_discord.slash_command("ask")

    assert (await fake_discord.wait_for_callback(ask)).content == "posted"
    sends = [r.status for r in fake_discord.requests if r.path.endswith("/messages")]
    assert sends == [429, 200]


async def test_deferred_command_answers_through_followup_and_original_edit(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    slow = await fake_discord.slash_command("slow")

    deferred = await fake_discord.wait_for_callback(slow)
    assert (deferred.type, deferred.ephemeral) == (5, True)
    followup = await fake_discord.wait_for("POST", rf"/webhooks/\d+/{slow.token}")
    assert followup.json["flags"] & 64
    await fake_discord.wait_for("PATCH", rf"/webhooks/\d+/{slow.token}/messages/@original")
    assert fake_discord.message(deferred.message_id or 0)["content"] == "finished"


async def test_tree_sync_puts_commands_and_guild_commands_then_carry_the_guild(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    guild = discord.Object(fake_discord.world.guild.id)
    bot.tree.copy_global_to(guild=guild)

    synced = await bot.tree.sync(guild=guild)

    put = await fake_discord.wait_for("PUT", rf"/applications/\d+/guilds/{guild.id}/commands")
    assert {c["name"] for c in put.json} == {"whoami", "ask", "topic", "slow", "boom"}
    assert {c.name for c in synced} == {c["name"] for c in fake_discord.commands(guild.id)}
    whoami = await fake_discord.slash_command("whoami")
    assert (await fake_discord.wait_for_callback(whoami)).content == "manage_guild=False"


async def test_error_in_a_command_reaches_the_discord_error_log(
    fake_discord: FakeDiscord, bot: ToyClient, discord_errors: DiscordErrorLog
) -> None:
    await fake_discord.slash_command("boom")

    await discord_errors.wait()
    (record,) = discord_errors.take()
    assert record.exc_info is not None
    assert "broken handler" in str(record.exc_info[1])


class ShardClient(discord.Client):
    """One shard of two: answers every interaction with its shard id."""

    def __init__(self, shard_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.01,
                         shard_id=shard_id, shard_count=2)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"shard {self.shard_id}", ephemeral=True)


async def test_two_shard_sessions_each_get_their_own_guilds_and_their_clicks(
    monkeypatch: pytest.MonkeyPatch, discord_errors: DiscordErrorLog
) -> None:
    fake = FakeDiscord(sharded_world(2))
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    first, second = fake.world.guild, fake.world.more_guilds[0]
    assert (shard_of(first.id, 2), shard_of(second.id, 2)) == (0, 1)
    button = {"type": 1, "components": [{"type": 2, "style": 1, "label": "A", "custom_id": "quiz:answer:1:0"}]}
    try:
        async with connected(ShardClient(0), fake) as zero, connected(ShardClient(1), fake) as one:
            assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
            assert [g.id for g in zero.guilds] == [first.id]
            assert [g.id for g in one.guilds] == [second.id]
            on_second = fake.add_message(second.text_channel.id, "Q", components=[button])

            routed = await fake.click(int(on_second["id"]), "quiz:answer:1:0")
            redirected = await fake.click(int(on_second["id"]), "quiz:answer:1:0", shard=0)

            assert (await fake.wait_for_callback(routed)).content == "shard 1"
            assert (await fake.wait_for_callback(redirected)).content == "shard 0"
            assert on_second["guild_id"] == str(second.id)
    finally:
        await fake.stop()


async def test_send_with_a_file_is_multipart_and_the_message_carries_the_attachment(
    fake_discord: FakeDiscord, bot: ToyClient
) -> None:
    channel = bot.get_channel(fake_discord.world.guild.text_channel.id)
    assert isinstance(channel, discord.TextChannel)

    sent = await channel.send(file=discord.File(io.BytesIO(b"\x89PNG chart"), filename="chart.png",
                                                description="a chart"))

    [attachment] = sent.attachments
    assert (attachment.filename, attachment.size, attachment.description) == ("chart.png", 10, "a chart")
    [post] = [r for r in fake_discord.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert [(f.field, f.filename, f.data) for f in post.files] == [("files[0]", "chart.png", b"\x89PNG chart")]


async def test_attachment_listed_without_its_file_part_is_an_invalid_form_body(fake_discord: FakeDiscord) -> None:
    channel_id = fake_discord.world.guild.text_channel.id
    form = aiohttp.FormData(default_to_multipart=True)
    form.add_field("payload_json", '{"content": "x", "attachments": [{"id": 0, "filename": "chart.png"}]}')
    async with aiohttp.ClientSession() as session, session.post(
            f"{fake_discord.api_base}/channels/{channel_id}/messages", data=form,
            headers={"Authorization": f"Bot {fake_discord.token}"}) as reply:
        assert reply.status == 400
        assert (await reply.json())["code"] == 50035
    assert fake_discord.messages_in(channel_id) == []
