"""The slash commands: ``/define``, ``/quiz ...``, ``/quizadmin ...`` and ``/leaderboard``, as
discord.py app commands.

The subcommands and their wording follow the text parser Slack and the console use
(``bot/quiz/commands.py``), with typed options instead of words. Each callback only gathers
its options and hands over to the client's :class:`~bot.chat.discord.handlers.Handlers`;
every rule (admins only, which deck, is a round open) is the service's.

Admin rights: Discord's ``default_member_permissions`` applies only to a whole top-level
command, so the admin actions live in their own command, ``/quizadmin`` (``close``,
``answers``, ``schedule add|pause|resume|remove``, ``season new``, ``group delete``), which carries
Manage Server: Discord shows it only to members who have it. A server can override that per
role or channel (Server Settings → Integrations), so the service still checks: Manage Server
in the channel becomes ``Member.is_admin`` and everyone else gets an ephemeral refusal.
``/quiz`` keeps the member actions and no default permissions.

``/quiz``, ``/quizadmin`` and ``/leaderboard`` are guild-only (Discord hides them in DMs);
``/define`` works anywhere. Commands are registered with Discord by ``quizbot discord sync``,
never at start.
"""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands

from bot.chat.discord.handlers import FAILED, SERVER_ONLY, Handlers
from bot.chat.discord.render import NO_MENTIONS, notice_text
from bot.quiz import messages as m

log = logging.getLogger("bot.chat.discord")

Period = Literal["week", "month", "season", "all"]
Scope = Literal["channel", "server"]

ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)
"""Who Discord shows ``/quizadmin`` to by default (a server may grant it to other roles)."""

HELP = m.Notice("quizbot commands:", lines=(
    "/quiz now [deck]: post a question now",
    "/quiz start count [deck] [seconds]: questions back to back; /quiz stop ends it",
    "/quiz schedule list: the schedules of this channel",
    "/quiz group create|join|leave|list name: study groups",
    "/quiz stats: your answers, accuracy, streak and weakest cards",
    "/quiz misses [format]: the cards you last answered wrong, as a file for you alone",
    "/quiz hint: the first letters of a free-text answer (that answer then scores half)",
    "/quiz review [stop]: your due cards, privately, most overdue first",
    "/quiz report [reason]: report the card of the last revealed question as wrong",
    "/quiz season list: the seasons so far",
    "/quiz web [link|hide-me|show-me]: the web pages' link; hide or show you on them",
    "/quiz decks: the loaded decks",
    "/leaderboard [period] [scope] [group] [season]",
    "/define term: look a term up in every deck",
    "/quizadmin close: reveal the open question now (admins, as all of /quizadmin)",
    "/quizadmin answers final|changeable: whether members may change their answer",
    "/quizadmin schedule add when [timezone] [decks] [window] | /quizadmin schedule remove id",
    "/quizadmin schedule pause id | /quizadmin schedule resume id: nothing is posted while paused",
    "/quizadmin digest add when [timezone] | /quizadmin digest now | /quizadmin digest remove id: weekly digests",
    "/quizadmin season new [confirm] | /quizadmin group delete name",
    "/quizadmin reports [resolve]: open card reports; resolve:ID closes that card's reports",
    "/quizadmin web on|off|rotate: the web pages of boards, decks and rounds",
))
"""``/quiz help`` on Discord: its own commands and options (the shared ``bot.quiz.commands.HELP``
describes the text syntax of Slack and the console, where admin actions are ``/quiz`` words)."""


def quiz(interaction: discord.Interaction) -> Handlers:
    """The handlers of the client that received ``interaction`` (see ``client.QuizClient``)."""
    handlers = getattr(interaction.client, "quiz", None)
    if not isinstance(handlers, Handlers):
        raise TypeError("this client has no quiz handlers attached")
    return handlers


async def _decks(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return quiz(interaction).complete_deck(current)


# -- /define ---------------------------------------------------------------------------


@app_commands.command(name="define", description="Look a term up in every deck")
@app_commands.describe(term="A term, an alias or a few words of a definition")
async def define(interaction: discord.Interaction, term: str) -> None:
    await quiz(interaction).define(interaction, term)


@define.autocomplete("term")
async def _define_terms(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return quiz(interaction).complete_term(current)


# -- /leaderboard ----------------------------------------------------------------------


@app_commands.command(name="leaderboard", description="Who leads: this week, month, season or all time")
@app_commands.guild_only()
@app_commands.describe(period="Which period (default: this week)",
                       scope="This channel (default) or the whole server",
                       group="Only the members of this study group",
                       season="A season number, with period season (default: the current one)")
async def leaderboard(interaction: discord.Interaction, period: Period = "week", scope: Scope = "channel",
                      group: str | None = None,
                      season: app_commands.Range[int, 1, 10_000] | None = None) -> None:
    await quiz(interaction).in_channel(
        interaction, lambda c, mem: quiz(interaction).service.leaderboard(c, mem, period, scope, group, season))


# -- /quiz -----------------------------------------------------------------------------


def quiz_group() -> app_commands.Group:
    """``/quiz`` and its subcommands; a new group per tree (a group belongs to one tree)."""
    root = app_commands.Group(name="quiz", description="The team quiz: questions, schedules, groups, stats",
                              guild_only=True)  # no default permissions: members use it
    schedule = app_commands.Group(name="schedule", description="Daily questions in this channel", parent=root)
    group = app_commands.Group(name="group", description="Study groups and their leaderboards", parent=root)
    season = app_commands.Group(name="season", description="Seasons of the leaderboard", parent=root)

    @root.command(name="now", description="Post a question now")
    @app_commands.describe(deck="Only from this deck (default: every deck)")
    @app_commands.autocomplete(deck=_decks)
    async def now(interaction: discord.Interaction, deck: str | None = None) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.ask(c, mem, deck), done="Question posted.")

    @root.command(name="start", description="Ask N questions back to back")
    @app_commands.describe(count="How many questions", deck="Only from this deck (default: every deck)",
                           seconds="Seconds to answer each question (default from the settings)")
    @app_commands.autocomplete(deck=_decks)
    async def start(interaction: discord.Interaction, count: app_commands.Range[int, 1, 100],
                    deck: str | None = None, seconds: app_commands.Range[int, 10, 3600] | None = None) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.start_session(c, mem, count, deck, seconds))

    @root.command(name="stop", description="End the running session")
    async def stop(interaction: discord.Interaction) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.stop_session(c, mem))

    @schedule.command(name="list", description="The schedules of this channel")
    async def schedule_list(interaction: discord.Interaction) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.schedule_list(c))

    def group_action(action: str, description: str, with_name: bool = True) -> None:
        if with_name:
            @group.command(name=action, description=description)
            @app_commands.describe(name="The group's name")
            async def named(interaction: discord.Interaction, name: app_commands.Range[str, 1, 40]) -> None:
                await quiz(interaction).in_channel(
                    interaction, lambda c, mem: quiz(interaction).service.group(c, mem, action, name))
        else:
            @group.command(name=action, description=description)
            async def unnamed(interaction: discord.Interaction) -> None:
                await quiz(interaction).in_channel(
                    interaction, lambda c, mem: quiz(interaction).service.group(c, mem, action))

    group_action("create", "Start a study group; you are its first member")
    group_action("join", "Join a study group")
    group_action("leave", "Leave a study group")
    group_action("list", "The study groups of this server", with_name=False)

    @root.command(name="stats", description="Your answers, accuracy, streak and weakest cards")
    async def stats(interaction: discord.Interaction) -> None:
        await quiz(interaction).in_channel(interaction, lambda c, mem: quiz(interaction).service.stats(c, mem))

    @root.command(name="misses", description="The cards you last answered wrong, as a file for you alone")
    @app_commands.rename(file_format="format")
    @app_commands.describe(file_format="csv: for Anki and Quizlet (default); yaml: a deck of ours")
    async def misses(interaction: discord.Interaction, file_format: Literal["csv", "yaml"] = "csv") -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.misses(mem, file_format))

    @root.command(name="web", description="The web pages: their link, or hide or show you on them")
    @app_commands.describe(action="link: the pages' address; hide-me: show you as (hidden); show-me: your name again")
    async def web(interaction: discord.Interaction, action: Literal["link", "hide-me", "show-me"] = "link") -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.web(c, mem, action))

    @season.command(name="list", description="The seasons so far")
    async def season_list(interaction: discord.Interaction) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.season(c, mem, "list"))

    @root.command(name="review", description="Your due cards, privately, most overdue first")
    @app_commands.describe(stop="End your review (your due cards stay due)")
    async def review(interaction: discord.Interaction, stop: bool = False) -> None:
        service = quiz(interaction).service
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: service.review_stop(mem) if stop else service.review(mem))

    @root.command(name="hint", description="The first letters of the answer (your answer then scores half)")
    async def hint(interaction: discord.Interaction) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.hint_in_channel(c, mem))

    @root.command(name="report", description="Report the card of the last revealed question as wrong")
    @app_commands.describe(reason="What is wrong with it (optional)")
    async def report(interaction: discord.Interaction,
                     reason: app_commands.Range[str, 0, 500] | None = None) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.report_last(c, mem, reason or ""))

    @root.command(name="decks", description="The decks questions come from")
    async def decks_(interaction: discord.Interaction) -> None:
        await quiz(interaction).reply(interaction, quiz(interaction).service.decks())

    @root.command(name="help", description="What the quiz commands do")
    async def help_(interaction: discord.Interaction) -> None:
        await quiz(interaction).reply(interaction, HELP)

    return root


# -- /quizadmin ------------------------------------------------------------------------


def quizadmin_group() -> app_commands.Group:
    """``/quizadmin``: the admin actions, shown by Discord only to members with Manage Server
    (``default_member_permissions``); the service checks again whatever a server overrides."""
    root = app_commands.Group(name="quizadmin", description="Quiz admin: close, answer mode, schedules, seasons",
                              guild_only=True, default_permissions=ADMIN_PERMISSIONS)
    schedule = app_commands.Group(name="schedule", description="Add or remove daily questions in this channel",
                                  parent=root)
    group = app_commands.Group(name="group", description="Study groups", parent=root)
    season = app_commands.Group(name="season", description="Seasons of the leaderboard", parent=root)
    digest = app_commands.Group(name="digest", description="The weekly digest of this channel (board and chart)",
                                parent=root)

    @digest.command(name="add", description="Post the week's digest on a schedule")
    @app_commands.describe(when='When, e.g. "fri 16:00" or a cron line',
                           timezone="Time zone, e.g. Europe/Berlin (default: the bot's)")
    async def digest_add(interaction: discord.Interaction, when: str, timezone: str | None = None) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.digest_add(c, mem, when, timezone))

    @digest.command(name="now", description="Post this week's digest now")
    async def digest_now(interaction: discord.Interaction) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.digest_now(c, mem), done="Digest posted.")

    @digest.command(name="remove", description="Remove a digest schedule")
    @app_commands.describe(id="The digest's number, from /quiz schedule list")
    async def digest_remove(interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.digest_remove(c, mem, str(id)))

    @root.command(name="close", description="Reveal the open question now")
    async def close(interaction: discord.Interaction) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.close(c, mem), done="Revealed.")

    @root.command(name="answers", description="Whether members may change their answer")
    @app_commands.describe(mode="final: the first answer counts; changeable: the last before the close counts")
    async def answers(interaction: discord.Interaction, mode: Literal["final", "changeable"]) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.answer_mode(c, mem, mode))

    @schedule.command(name="add", description="Post a question on a schedule")
    @app_commands.describe(when='When, e.g. "weekdays 09:30" or a cron line',
                           timezone="Time zone, e.g. Europe/Berlin (default: the bot's)",
                           decks="Deck ids, comma separated (default: every deck)",
                           window="How long answers stay open, e.g. 10m (default: the bot's)")
    @app_commands.autocomplete(decks=_decks)
    async def schedule_add(interaction: discord.Interaction, when: str, timezone: str | None = None,
                           decks: str | None = None, window: str | None = None) -> None:
        await quiz(interaction).in_channel(
            interaction,
            lambda c, mem: quiz(interaction).service.schedule_add(c, mem, when, timezone, decks, window))

    @schedule.command(name="remove", description="Remove a schedule")
    @app_commands.describe(id="The schedule's number, from /quiz schedule list")
    async def schedule_remove(interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.schedule_remove(c, mem, str(id)))

    @schedule.command(name="pause", description="Pause a schedule: nothing is posted until it is resumed")
    @app_commands.describe(id="The schedule's number, from /quiz schedule list")
    async def schedule_pause(interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.schedule_pause(c, mem, str(id)))

    @schedule.command(name="resume", description="Resume a paused schedule at its next slot")
    @app_commands.describe(id="The schedule's number, from /quiz schedule list")
    async def schedule_resume(interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.schedule_resume(c, mem, str(id)))

    @group.command(name="delete", description="Delete a study group")
    @app_commands.describe(name="The group's name")
    async def group_delete(interaction: discord.Interaction, name: app_commands.Range[str, 1, 40]) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.group(c, mem, "delete", name))

    @root.command(name="reports", description="Open reports of wrong cards, or resolve one card's reports")
    @app_commands.describe(resolve="A report number from the list: resolves every open report of its card")
    async def reports(interaction: discord.Interaction, resolve: app_commands.Range[int, 1] | None = None) -> None:
        service = quiz(interaction).service
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: service.reports(mem) if resolve is None
            else service.resolve_report(mem, str(resolve)))

    @root.command(name="web", description="Web pages of boards, decks and rounds: on, off or a new link")
    @app_commands.describe(action="on: give a link; off: every page gone; rotate: a new link, the old one stops")
    async def web(interaction: discord.Interaction, action: Literal["on", "off", "rotate"]) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.web(c, mem, action))

    @season.command(name="new", description="End the season and start a new one (asks to confirm)")
    @app_commands.describe(confirm="True ends the current season now; without it you are told what would happen")
    async def season_new(interaction: discord.Interaction, confirm: bool = False) -> None:
        await quiz(interaction).in_channel(
            interaction, lambda c, mem: quiz(interaction).service.season(c, mem, "new", confirm))

    return root


# -- the tree --------------------------------------------------------------------------


def build_tree(client: discord.Client) -> app_commands.CommandTree[discord.Client]:
    """The command tree of ``client``: every command, global (``sync`` may copy them to one guild)."""
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    tree.add_command(define)
    tree.add_command(quiz_group())
    tree.add_command(quizadmin_group())
    tree.add_command(leaderboard)
    tree.error(_on_tree_error)
    return tree


async def _on_tree_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
    """Errors discord.py raises around a command (its own checks, option conversion): a clear
    private reply, never a crash. Errors inside the service are handled in ``Handlers``."""
    if isinstance(error, app_commands.NoPrivateMessage):
        text = notice_text(SERVER_ONLY)
    elif isinstance(error, app_commands.CheckFailure | app_commands.TransformerError):
        text = notice_text(m.error(str(error)))
    else:
        log.error("event=discord_command_failed command=%r user=%s", getattr(interaction.command, "name", "?"),
                  interaction.user.id, exc_info=error)
        text = notice_text(FAILED)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("event=discord_reply_failed interaction=%s status=%s code=%s", interaction.id,
                    exc.status, exc.code)


async def sync_commands(token: str, guild_id: int | None = None, *, clear: bool = False) -> list[str]:
    """Log in over REST only and register the commands, globally or in one guild (copies of the
    global ones, which show at once); ``clear`` removes them instead. Returns the synced names.
    Raises discord.LoginFailure or discord.HTTPException."""
    client = discord.Client(intents=discord.Intents(guilds=True))  # no gateway; guilds avoids a warning
    tree = build_tree(client)
    target = discord.Object(guild_id) if guild_id else None
    async with client:
        await client.login(token)
        if clear:
            tree.clear_commands(guild=target)
        elif target is not None:
            tree.copy_global_to(guild=target)
        synced = await tree.sync(guild=target)
    return [command.name for command in synced]
