"""What reaches a member outside any channel: their App Home tab and their direct messages
with the bot (the Home tab's Review button, a ``/quiz misses`` file too long for a reply).

Split from :mod:`bot.chat.slack.listeners`, which decides *when* (acks, follow-ups); this
module only says *where*, each call as the bot of the member's own workspace."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.slack.home import home_view
from bot.chat.slack.identity import Caller, Identities, workspace_of
from bot.chat.slack.teams import TeamChats
from bot.chat.slack.web import SlackCallError
from bot.quiz import messages as m
from bot.quiz.ports import Member
from bot.quiz.service import QuizService


@dataclass
class MemberPages:
    service: QuizService
    teams: TeamChats
    identities: Identities

    async def start_review(self, caller: Caller) -> None:
        """The Home tab's Review button: the member's private review starts in their direct
        messages with the bot (a tab has no channel to answer in); nothing due is said on the tab."""
        member = await self.identities.member(caller)
        reply = await self.service.review(member)
        if isinstance(reply, m.Notice):  # nothing due: said on the tab itself
            await self.publish_home(caller, member, reply)
            return
        try:
            chat = await self.teams.for_team(caller.team_id, "chat.postMessage")
            await chat.post_direct(caller.user_id, reply)
        except SlackCallError:  # logged by the call
            await self.publish_home(caller, member, m.error("I could not open our direct messages; "
                                                            "try `/quiz review` in a channel."))

    async def publish_home(self, caller: Caller, member: Member, notice: m.Notice | None = None) -> None:
        """Publish the member's Home tab (with ``notice`` on top when given)."""
        home = await self.service.home(workspace_of(caller.team_id), member)
        try:
            chat = await self.teams.for_team(caller.team_id, "views.publish")
            await chat.publish_home(caller.user_id, home_view(home, notice))
        except SlackCallError:  # logged by the call
            return

    async def send_file(self, caller: Caller, reply: m.FileReply) -> m.Notice:
        """Upload a file reply to the member's DM with the bot; what to tell them about it."""
        try:
            chat = await self.teams.for_team(caller.team_id, "files.upload")
            await chat.send_file(caller.user_id, reply.filename, reply.content, reply.caption)
        except SlackCallError:  # logged by the call
            return m.error("I could not send you the file (the bot may lack the `files:write` scope); "
                           "please tell an admin.")
        return m.ok(f"{reply.caption} Sent to your direct messages with me: {reply.filename}")
