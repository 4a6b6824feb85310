"""/quiz subcommands through the real client: admin rights, REST failures, stale buttons, DMs."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any

import pytest

from bot.chat.discord.commands import sync_commands
from bot.quiz.ports import ChannelRef
from bot.quiz.service import ADMIN_ONLY
from tests.chat.discord.conftest import Quiz
from tests.chat.discord.test_round import open_question
from tests.fakes.discord import FakeInteraction, InteractionCallback
from tests.fakes.discord_payloads import MANAGE_GUILD, snowflake
from tests.fakes.discord_state import APPLICATION_COMMAND, InteractionState


async def test_quizadmin_is_shown_by_default_only_to_manage_server_and_quiz_to_everyone(quiz: Quiz) -> None:
    await sync_commands(quiz.fake.token)  # global too, as `quizbot discord sync` does

    for guild in (quiz.fake.world.guild.id, None):
        commands = {c["name"]: c for c in quiz.fake.commands(guild)}
        admin, member = commands["quizadmin"], commands["quiz"]
        # discord.py sends the bit field as a number; Discord stores and returns it as a string
        assert str(admin["default_member_permissions"]) == str(1 << 5)  # MANAGE_GUILD
        assert member["default_member_permissions"] is None
        assert commands["leaderboard"]["default_member_permissions"] is None
        assert admin["dm_permission"] is member["dm_permission"] is False  # guild only
        assert subcommands(admin) == {"close", "answers", "schedule add", "schedule remove", "schedule pause",
                                      "schedule resume", "season new", "group delete", "reports", "digest add",
                                      "digest now", "digest remove", "web"}
        assert subcommands(member) == {"now", "start", "stop", "stats", "decks", "help", "schedule list",
                                       "season list", "group create", "group join", "group leave", "group list",
                                       "hint", "review", "report", "misses", "web"}


async def test_member_without_manage_server_calling_quizadmin_is_refused_and_nothing_changes(quiz: Quiz) -> None:
    # A server can grant /quizadmin to other roles; the bot still checks Manage Server.
    message_id, round_id, _ = await open_question(quiz)
    alice = quiz.fake.world.alice

    close = await quiz.command("quizadmin", subcommand="close", user=alice)
    schedule = await quiz.command("quizadmin", {"when": "weekdays 09:30"}, group="schedule", subcommand="add",
                                  user=alice)
    season = await quiz.command("quizadmin", group="season", subcommand="new", user=alice)

    assert close.ephemeral and close.content == "⚠️ " + ADMIN_ONLY.format(what="close a round early")
    assert schedule.ephemeral and schedule.content == "⚠️ " + ADMIN_ONLY.format(what="change schedules")
    assert season.ephemeral and season.content == "⚠️ Only admins can start a new season."
    assert await quiz.service.open_round_id(quiz_channel(quiz)) == round_id
    assert await quiz.db.fetchall("SELECT id FROM schedules") == []
    assert "components" in quiz.fake.message(message_id) and quiz.fake.message(message_id)["components"]


async def test_manage_server_from_a_role_makes_an_admin(quiz: Quiz) -> None:
    sent = await quiz.fake.slash_command("quizadmin", {"when": "weekdays 09:30", "timezone": "Europe/Berlin"},
                                         group="schedule", subcommand="add", user=quiz.fake.world.bob,
                                         member_permissions=MANAGE_GUILD)
    added = await quiz.fake.wait_for_callback(sent)
    listed = await quiz.command("quiz", group="schedule", subcommand="list", user=quiz.fake.world.alice)
    removed = await quiz.command("quizadmin", {"id": 1}, group="schedule", subcommand="remove", user=quiz.owner)

    assert added.content and added.content.startswith("✅ Schedule #1 added")
    assert listed.content and "Europe/Berlin" in listed.content
    assert removed.content and removed.content.startswith("✅")
    assert await quiz.db.fetchall("SELECT id FROM schedules") == []


async def test_empty_schedule_list_points_admins_to_quizadmin(quiz: Quiz) -> None:
    listed = await quiz.command("quiz", group="schedule", subcommand="list")

    assert listed.content and "`/quizadmin schedule add" in listed.content
    assert "/quiz schedule add" not in listed.content


async def test_group_create_join_and_delete_need_admin_only_to_delete(quiz: Quiz) -> None:
    world = quiz.fake.world
    created = await quiz.command("quiz", {"name": "Vision"}, group="group", subcommand="create", user=world.alice)
    joined = await quiz.command("quiz", {"name": "Vision"}, group="group", subcommand="join", user=world.bob)
    refused = await quiz.command("quizadmin", {"name": "Vision"}, group="group", subcommand="delete",
                                 user=world.bob)
    board = await quiz.command("leaderboard", {"group": "Vision", "period": "all"}, user=world.bob)
    deleted = await quiz.command("quizadmin", {"name": "Vision"}, group="group", subcommand="delete",
                                 user=quiz.owner)

    assert created.content == "✅ Created study group 'Vision'; you are its first member."
    assert joined.content == "✅ You joined 'Vision'."
    assert refused.content == "⚠️ Only admins can delete a study group."
    assert board.embeds[0]["title"] == "Leaderboard: all time in group Vision"
    assert deleted.content == "✅ Deleted study group 'Vision'."


async def test_refused_question_post_is_answered_clearly_and_leaves_no_round(
        quiz: Quiz, caplog: pytest.LogCaptureFixture) -> None:
    quiz.fake.fail_next("POST", rf"/channels/{quiz.channel_id}/messages", 403)

    reply = await quiz.command("quiz", subcommand="now", user=quiz.owner)

    assert reply.ephemeral
    assert reply.content == ("⚠️ The question could not be posted here. Is the bot a member of this channel?\n"
                             "• Discord says I lack permission here: give me View Channel, Send Messages and "
                             "Embed Links in this channel and try again.")
    assert await quiz.service.open_round_id(quiz_channel(quiz)) is None
    assert any("event=discord_post_failed reason=forbidden" in r.getMessage() for r in caplog.records)


async def test_reveal_of_a_deleted_question_is_posted_anew(quiz: Quiz) -> None:
    message_id, round_id, _ = await open_question(quiz)
    quiz.fake.fail_next("PATCH", rf"/channels/{quiz.channel_id}/messages/{message_id}", 404)
    posts = len(quiz.fake.requests)

    await quiz.command("quizadmin", subcommand="close", user=quiz.owner)

    reveal = await quiz.fake.wait_for("POST", rf"/channels/{quiz.channel_id}/messages", after=posts)
    assert reveal.json["embeds"][0]["title"].startswith(f"Round {round_id} closed")
    assert reveal.json["allowed_mentions"] == {"parse": []}


async def test_failed_interaction_reply_is_logged_and_the_bot_keeps_answering(
        quiz: Quiz, caplog: pytest.LogCaptureFixture) -> None:
    quiz.fake.fail_next("POST", r"/interactions/\d+/[^/]+/callback", 404,
                        body={"message": "Unknown interaction", "code": 10062})

    lost = await quiz.fake.slash_command("define", {"term": "NMS"})
    await quiz.fake.wait_for("POST", rf"/interactions/{lost.id}/[^/]+/callback")
    again = await quiz.command("define", {"term": "NMS"})

    assert again.embeds[0]["title"] == "Non-maximum suppression"
    assert any("event=discord_reply_failed" in r.getMessage() and "code=10062" in r.getMessage()
               for r in caplog.records)


async def test_button_that_is_not_ours_gets_a_clear_message(quiz: Quiz) -> None:
    row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "Old", "custom_id": "poll:vote:3"}]}
    old = quiz.fake.add_message(quiz.channel_id, "An old message", components=[row])

    reply = await quiz.click(int(old["id"]), "poll:vote:3")

    assert reply.ephemeral and reply.content and "no longer works" in reply.content


async def test_answer_for_an_unknown_round_is_refused(quiz: Quiz) -> None:
    row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "A", "custom_id": "quiz:answer:999:0"}]}
    old = quiz.fake.add_message(quiz.channel_id, "", components=[row])

    reply = await quiz.click(int(old["id"]), "quiz:answer:999:0")

    assert reply.content == "⚠️ That question does not exist (any more)."
    assert await quiz.answers() == []


async def test_quiz_in_a_dm_is_refused_but_define_works(quiz: Quiz) -> None:
    quiz_reply = await dm_command(quiz, "quiz", [{"name": "now", "type": 1, "options": []}])
    define_reply = await dm_command(quiz, "define", [{"name": "term", "type": 3, "value": "NMS"}])

    assert quiz_reply.ephemeral and quiz_reply.content and "server channel" in quiz_reply.content
    assert define_reply.embeds[0]["title"] == "Non-maximum suppression"


async def test_stats_decks_and_help_answer_privately(quiz: Quiz) -> None:
    stats = await quiz.command("quiz", subcommand="stats")
    decks = await quiz.command("quiz", subcommand="decks")
    helped = await quiz.command("quiz", subcommand="help")

    assert stats.ephemeral and stats.embeds[0]["title"] == "Stats for Alice"
    assert decks.content == "1 deck(s) loaded:\n• demo: Demo Deck (5 cards)"
    assert helped.content and "/quiz now [deck]" in helped.content


async def test_help_on_discord_sends_admins_to_quizadmin(quiz: Quiz) -> None:
    helped = await quiz.command("quiz", subcommand="help")

    assert helped.content
    admin = "\n".join(line for line in helped.content.splitlines() if line.startswith("• /quizadmin"))
    member_commands = [line.split(":")[0] for line in helped.content.splitlines() if "/quizadmin" not in line]
    for action in ("close", "answers", "schedule add", "schedule remove", "schedule pause", "schedule resume",
                   "season new", "group delete", "reports", "digest add", "digest now", "digest remove"):
        assert f"/quizadmin {action}" in admin
        assert not any(action in command for command in member_commands), action


async def test_client_asks_only_for_the_guilds_intent(quiz: Quiz) -> None:
    assert quiz.fake.identify_payloads[-1]["intents"] == 1  # GUILDS; nothing privileged


# -- helpers ---------------------------------------------------------------------------


def subcommands(command: dict[str, Any]) -> set[str]:
    """"sub" and "group sub" names of a synced command."""
    names = set()
    for option in command["options"]:
        if option["type"] == 1:
            names.add(option["name"])
        elif option["type"] == 2:
            names.update(f"{option['name']} {sub['name']}" for sub in option["options"])
    return names


def quiz_channel(quiz: Quiz) -> ChannelRef:
    guild = quiz.fake.world.guild.id
    return ChannelRef("discord", f"discord:{guild}", str(quiz.channel_id))


async def dm_command(quiz: Quiz, name: str, options: list[dict[str, object]]) -> InteractionCallback:
    """Alice runs /name in a DM with the bot (the fake only plays guild channels, so the
    payload is built here, as Discord sends it for a DM)."""
    fake = quiz.fake
    alice = fake.world.alice.user
    synced = fake.state.synced_command(name) or {}
    dm_channel = snowflake()
    sent = FakeInteraction(id=snowflake(), token=f"itok-{secrets.token_urlsafe(16)}", type=APPLICATION_COMMAND,
                           user=alice, channel_id=dm_channel)
    payload = {
        "id": str(sent.id), "application_id": str(fake.world.application_id), "type": APPLICATION_COMMAND,
        "data": {"id": synced.get("id", "0"), "name": name, "type": 1, "options": options},
        "channel_id": str(dm_channel), "channel": {"id": str(dm_channel), "type": 1},
        "user": alice.payload(), "token": sent.token, "version": 1, "app_permissions": "0",
        "locale": "en-US", "entitlements": [], "authorizing_integration_owners": {"0": str(alice.id)},
        "context": 1, "attachment_size_limit": 10 * 1024 * 1024,
    }
    fake.state.interactions[sent.id] = InteractionState(sent, time.monotonic(),
                                                        asyncio.get_running_loop().create_future())
    await fake.dispatch("INTERACTION_CREATE", payload)
    return await fake.wait_for_callback(sent)


@pytest.fixture(autouse=True)
def _info_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot")


async def test_service_failure_is_logged_and_the_member_told(
        quiz: Quiz, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(quiz.service, "stats", broken)

    reply = await quiz.command("quiz", subcommand="stats")

    assert reply.ephemeral and reply.content and reply.content.startswith("⚠️ Something went wrong")
    assert any("event=discord_interaction_failed" in r.getMessage() for r in caplog.records)


async def test_answer_mode_needs_manage_server_and_session_takes_seconds(quiz: Quiz) -> None:
    world = quiz.fake.world
    refused = await quiz.command("quizadmin", {"mode": "changeable"}, subcommand="answers", user=world.alice)
    allowed = await quiz.command("quizadmin", {"mode": "changeable"}, subcommand="answers", user=quiz.owner)
    started = await quiz.command("quiz", {"count": 2, "seconds": 30}, subcommand="start", user=world.alice)

    assert refused.content == "⚠️ " + ADMIN_ONLY.format(what="change how answers count")
    assert allowed.content and allowed.content.startswith("✅ From the next question, members can change")
    assert started.content and "30s each" in started.content
    assert await quiz.db.fetchall("SELECT answer_mode FROM channels WHERE answer_mode = 'changeable'")


async def test_quizadmin_season_new_asks_to_confirm_and_only_confirm_ends_the_season(quiz: Quiz) -> None:
    asked = await quiz.command("quizadmin", group="season", subcommand="new", user=quiz.owner)

    assert asked.ephemeral and "`/quizadmin season new confirm:True`" in (asked.content or "")
    assert await quiz.db.fetchall("SELECT number FROM seasons WHERE ended_at IS NOT NULL") == []

    done = await quiz.command("quizadmin", {"confirm": True}, group="season", subcommand="new", user=quiz.owner)

    assert "Season 2 has started" in (done.content or "")
    assert [tuple(r) for r in await quiz.db.fetchall("SELECT number FROM seasons WHERE ended_at IS NULL")] == [(2,)]


async def test_quizadmin_schedule_pause_and_resume_reach_the_schedule(quiz: Quiz) -> None:
    await quiz.command("quizadmin", {"when": "weekdays 09:30", "timezone": "Europe/Berlin"},
                       group="schedule", subcommand="add", user=quiz.owner)
    paused = await quiz.command("quizadmin", {"id": 1}, group="schedule", subcommand="pause", user=quiz.owner)
    listed = await quiz.command("quiz", group="schedule", subcommand="list", user=quiz.fake.world.alice)
    resumed = await quiz.command("quizadmin", {"id": 1}, group="schedule", subcommand="resume", user=quiz.owner)

    assert paused.ephemeral and paused.content and paused.content.startswith("✅ Schedule #1 paused")
    assert listed.content and "weekdays 09:30 (Europe/Berlin)" in listed.content
    assert "paused (`/quizadmin schedule resume 1`" in listed.content
    assert resumed.content and resumed.content.startswith("✅ Schedule #1 resumed")
    assert await quiz.db.fetchall("SELECT id FROM schedules WHERE paused_at IS NOT NULL") == []
