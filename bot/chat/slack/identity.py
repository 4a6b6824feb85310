"""Who is asking, in the core's terms: Slack ids to :class:`Member` and :class:`ChannelRef`.

Keys are platform-qualified so Slack and Discord share one database:
member ``slack:{team}:{user}``, channel ``slack:{team}:{channel}`` in workspace
``slack:{team}``. Rights come from Slack itself: a workspace admin or owner
(``users.info`` ``is_admin``/``is_owner``) is an admin; the core decides what
needs one. Lookups are cached briefly, so a round's worth of clicks costs one
``users.info`` per member, and a failed lookup falls back to the last one known
(or the name in the payload, without rights).

Answers need no rights, so they never ask ``users.info`` (rate limits can hold it for a
minute, and a burst of first answers would be a burst of lookups):
:meth:`Identities.known` names the member from the last lookup, else from the payload
(every interaction carries ``user.name``/``user.username``, the member's Slack handle).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.chat.slack.web import SlackCallError

if TYPE_CHECKING:
    from bot.chat.slack.teams import TeamChats
from bot.quiz.ports import ChannelRef, Member

PLATFORM = "slack"
CACHE_SECONDS = 120.0
MAX_NAME = 80


def workspace_of(team_id: str) -> str:
    return f"{PLATFORM}:{team_id}"


def team_of(workspace: str) -> str:
    """The team id in a workspace key (``slack:T123`` -> ``T123``); empty for another platform's."""
    platform, _, team = workspace.partition(":")
    return team if platform == PLATFORM else ""


def channel_ref(team_id: str, channel_id: str) -> ChannelRef:
    return ChannelRef(PLATFORM, workspace_of(team_id), channel_id)


def member_key(team_id: str, user_id: str) -> str:
    return f"{PLATFORM}:{team_id}:{user_id}"


@dataclass(frozen=True)
class Caller:
    """Who and where, read from any payload (slash command, click, modal submit)."""

    team_id: str
    user_id: str
    user_name: str
    channel_id: str | None


def caller_of(body: Mapping[str, Any]) -> Caller:
    """The caller of a slash command (flat form fields) or an interaction (nested JSON)."""
    if "command" in body:
        return Caller(str(body.get("team_id") or ""), str(body.get("user_id") or ""),
                      str(body.get("user_name") or ""), body.get("channel_id"))
    user = body.get("user") or {}
    team = body.get("team") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return Caller(str(team.get("id") or user.get("team_id") or ""), str(user.get("id") or ""),
                  str(user.get("name") or user.get("username") or ""), channel)


def _display_name(user: Mapping[str, Any], fallback: str) -> str:
    profile = user.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), user.get("real_name"),
                 user.get("name"), fallback):
        if isinstance(name, str) and name.strip():
            return " ".join(name.split())[:MAX_NAME]
    return "someone"


class Identities:
    """``users.info`` with a short cache; never raises."""

    def __init__(self, teams: TeamChats, clock: Callable[[], float] = time.monotonic,
                 ttl: float = CACHE_SECONDS) -> None:
        self.teams = teams
        """Lookups go to the caller's own workspace, as its bot."""
        self.clock = clock
        self.ttl = ttl
        self._known: dict[str, tuple[float, Member]] = {}

    def known(self, caller: Caller) -> Member:
        """The caller without asking Slack: the last looked-up name (however old), else the
        payload's; never admin rights. For answers, which need none."""
        key = member_key(caller.team_id, caller.user_id)
        cached = self._known.get(key)
        return Member(key, cached[1].name if cached else _display_name({}, caller.user_name))

    async def member(self, caller: Caller) -> Member:
        key = member_key(caller.team_id, caller.user_id)
        now = self.clock()
        cached = self._known.get(key)
        if cached and now - cached[0] < self.ttl:
            return cached[1]
        try:
            chat = await self.teams.for_team(caller.team_id, "users.info")
            user = await chat.user_info(caller.user_id)
        except SlackCallError:  # logged by the call; answers still count, rights wait
            return cached[1] if cached else Member(key, _display_name({}, caller.user_name))
        is_admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        member = Member(key, _display_name(user, caller.user_name), is_admin=is_admin)
        self._known[key] = (now, member)
        return member
