"""Which bot token speaks to which workspace.

Every Web API call goes out as the bot of the workspace it concerns: :class:`TeamChats` gives
the :class:`SlackChat` for a team id. With one token (``SLACK_BOT_TOKEN``) that is always the
same chat (:class:`OneTeam`); with the OAuth install flow it is built per call from the team's
installation (:class:`InstalledTeams`), after rotating a token that expires soon, so a question
posted on the clock never goes out with a stale token or another team's token.

:class:`RoutedChat` is the core's :class:`~bot.quiz.ports.Chat` port in that mode: it reads the
team from the channel's workspace (``slack:T123``) and posts through that team's chat. A team
that is not installed (any more) is a :class:`SlackCallError` ``not_installed``, which the core
logs like any failed post.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import aiohttp

from bot.chat.slack.identity import team_of
from bot.chat.slack.installations import Installations
from bot.chat.slack.web import SlackCallError, SlackChat, make_client, member_reason
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, MessageRef

NOT_INSTALLED = "not_installed"


class TeamChats(Protocol):
    async def for_team(self, team_id: str, method: str = "") -> SlackChat:
        """The chat speaking as ``team_id``'s bot. Raises :class:`SlackCallError`
        (``not_installed``, naming ``method``) when there is no bot for that team."""
        ...


class OneTeam:
    """One workspace, one token: the same chat for every team id."""

    def __init__(self, chat: SlackChat) -> None:
        self.chat = chat

    async def for_team(self, team_id: str, method: str = "") -> SlackChat:
        return self.chat


class InstalledTeams:
    """A chat per installed team, from its installation (rotated first when it expires soon).

    The bot comes from :meth:`Installations.bot_for` (kept there for seconds, dropped on any
    install, rotation or uninstall here). The clients share the adapter's one aiohttp session."""

    def __init__(self, installations: Installations, api_url: str,
                 session: Callable[[], aiohttp.ClientSession | None]) -> None:
        self.installations = installations
        self.api_url = api_url
        self._session = session

    async def for_team(self, team_id: str, method: str = "") -> SlackChat:
        bot = await self.installations.bot_for(team_id)
        if bot is None or not bot.bot_token:
            error = SlackCallError(method or "installation", NOT_INSTALLED)
            error.member_reason = member_reason(NOT_INSTALLED, "quizbot")
            raise error
        client = make_client(bot.bot_token, self.api_url)
        client.session = self._session()
        return SlackChat(client)


class RoutedChat:
    """The :class:`~bot.quiz.ports.Chat` port over many workspaces: each post as its team's bot."""

    platform = "slack"

    def __init__(self, teams: TeamChats) -> None:
        self.teams = teams

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        chat = await self.teams.for_team(team_of(channel.workspace), "chat.postMessage")
        return await chat.post(channel, message)

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        chat = await self.teams.for_team(team_of(ref.channel.workspace), "chat.update")
        await chat.update(ref, message)
