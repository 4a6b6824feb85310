"""Every Slack listener, registered in one place: :func:`register`.

Each listener calls ``ack()`` first (Slack wants it within 3 s; bolt answers the
HTTP request or the Socket Mode envelope right then) and does the slow work
after it, inside :meth:`Listeners.work`, which logs any failure in one line,
tells the waiting member, and lets ``stop()`` wait for work in flight.

Replies the caller alone needs are ephemeral: a slash command's through its
``response_url`` (it works even where the bot is not a member), a click on a
question or a modal submit through ``chat.postEphemeral`` in the question's
channel. A retried or repeated delivery is harmless: an answer is stored once
per member per round by the core, and a second ``/quiz now`` finds the question
already open.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp

from bot.chat.slack.identity import Caller, Identities, caller_of, channel_ref, member_key
from bot.chat.slack.render import ANSWER_BLOCK, ANSWER_INPUT, Rendered, answer_modal, render
from bot.chat.slack.web import AUTH_ERRORS, SlackCallError, SlackChat, failures
from bot.quiz import commands
from bot.quiz import messages as m
from bot.quiz.actions import AnswerAction, DefineAction, TypeAnswerAction, parse
from bot.quiz.ports import Member
from bot.quiz.service import QuizService

log = logging.getLogger("bot.chat.slack")

COMMANDS = ("/quiz", "/leaderboard", "/define")
OUR_ACTIONS = re.compile(r"^(quiz|define):")
OUR_VIEWS = re.compile(r"^quiz:type:")
DRAIN_SECONDS = 5.0

Tell = Callable[[m.Message], Awaitable[None]]

SOMETHING_WRONG = m.error("Something went wrong on my side; it has been logged. Please try again.")
STALE_BUTTON = m.error("That button is out of date or not one of mine. Use the buttons on the latest question.")


def register(app: AsyncApp, listeners: Listeners) -> None:
    """Attach every listener: three slash commands, our buttons, the answer modal."""
    for name in COMMANDS:
        app.command(name)(listeners.on_command)
    app.action(OUR_ACTIONS)(listeners.on_action)
    app.view_submission(OUR_VIEWS)(listeners.on_answer_submit)
    app.error(listeners.on_error)


@dataclass
class Listeners:
    service: QuizService
    chat: SlackChat
    identities: Identities
    bot_name: str = "quizbot"
    """Set from ``auth.test`` at start; used in "invite me" hints."""
    _running: int = field(default=0, init=False)
    _idle: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    def __post_init__(self) -> None:
        self._idle.set()

    # -- slash commands -----------------------------------------------------------------

    async def on_command(self, ack: Any, body: dict[str, Any], respond: Any) -> None:
        await ack()
        caller = caller_of(body)
        command = str(body.get("command", ""))

        async def tell(message: m.Message) -> None:
            await self._respond(respond, caller, message, replace_original=False)

        async with self.work(command, caller, tell) as failed:
            if caller.channel_id is None:
                await tell(m.error("Use this command in a channel."))
                return
            channel = channel_ref(caller.team_id, caller.channel_id)
            member = (Member(member_key(caller.team_id, caller.user_id), caller.user_name)
                      if command == "/define" else await self.identities.member(caller))
            replies = await commands.handle(self.service, channel, member, command, str(body.get("text", "")))
            for reply in self._explain(replies, failed):
                await tell(reply)

    # -- buttons ------------------------------------------------------------------------

    async def on_action(self, ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any) -> None:
        await ack()
        caller = caller_of(body)
        parsed = parse(str(action.get("action_id", "")))

        async def tell(message: m.Message) -> None:
            await self._tell_clicker(respond, caller, message)

        async with self.work("action", caller, tell):
            if isinstance(parsed, TypeAnswerAction):
                await self._open_answer_box(parsed, caller, str(body.get("trigger_id", "")), tell)
            elif isinstance(parsed, AnswerAction):
                member = self.identities.known(caller)
                notice = await self.service.answer_choice(parsed.round_id, member, parsed.choice)
                await asyncio.gather(tell(notice), self._learn_name(caller, member))
            elif isinstance(parsed, DefineAction):
                found = self.service.define_card(parsed.deck_id, parsed.card_id)
                await self._respond(respond, caller, found, replace_original=True)
            else:
                log.warning("event=slack_forged_action action_id=%r user=%s", str(action.get("action_id"))[:100],
                            caller.user_id)
                await tell(STALE_BUTTON)

    async def _open_answer_box(self, action: TypeAnswerAction, caller: Caller, trigger_id: str, tell: Tell) -> None:
        card = await self.service.open_question(action.round_id)
        if card is None:
            await tell(m.error("This round is closed; the answer has been revealed."))
            return
        view = answer_modal(card, caller.channel_id or "", self.service.max_answer_chars)
        try:
            await self.chat.open_view(trigger_id, view, caller.user_id)
        except SlackCallError as exc:
            await tell(m.error(f"I could not open the answer box ({exc.code}); please click Answer again."))

    # -- the answer modal ---------------------------------------------------------------

    async def on_answer_submit(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        caller = caller_of(body)
        parsed = parse(str(view.get("callback_id", "")))
        channel_id = _metadata_channel(view.get("private_metadata"))
        value = (((view.get("state") or {}).get("values") or {}).get(ANSWER_BLOCK) or {}).get(ANSWER_INPUT) or {}
        text = str(value.get("value") or "").strip()
        limit = self.service.max_answer_chars
        if not isinstance(parsed, TypeAnswerAction) or channel_id is None:
            await ack(response_action="errors",
                      errors={ANSWER_BLOCK: "This answer box is out of date; open it again from the question."})
            return
        problem = None
        if not text:
            problem = "Type an answer first."
        elif len(text) > limit:
            problem = f"An answer is at most {limit} characters."
        if problem is not None:
            await ack(response_action="errors", errors={ANSWER_BLOCK: problem})
            return
        await ack()
        caller = Caller(caller.team_id, caller.user_id, caller.user_name, channel_id)

        async def tell(message: m.Message) -> None:
            await self._tell_clicker(None, caller, message)

        async with self.work("view_submission", caller, tell):
            member = self.identities.known(caller)
            notice = await self.service.answer_text(parsed.round_id, member, text)
            await asyncio.gather(tell(notice), self._learn_name(caller, member))

    async def _learn_name(self, caller: Caller, used: Member) -> None:
        """After an answer was stored under ``used`` (no ``users.info`` wait): look the member
        up, if not done recently, and rename them when Slack knows a better name. Never raises:
        the answer is safe whatever happens here (shutdown may cut it short)."""
        if self.identities.fresh(caller):
            return
        named = await self.identities.member(caller)  # never raises; logs a failed call
        if named.name == used.name:
            return
        try:
            await self.service.rename_member(named)
        except Exception as exc:  # e.g. the database closing at shutdown: the next answer renames
            log.info("event=slack_rename_skipped user=%s error=%r", caller.user_id, exc)

    # -- errors bolt itself caught ------------------------------------------------------

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("event=slack_listener_error type=%s error=%r", body.get("type") or body.get("command"), error)

    # -- plumbing -----------------------------------------------------------------------

    @asynccontextmanager
    async def work(self, kind: str, caller: Caller, tell: Tell) -> AsyncIterator[list[SlackCallError]]:
        """The slow part of a listener: counted (for :meth:`drain`), and never raising.

        Yields the list of Web API failures made while it runs (see ``web.failures``).
        """
        self._running += 1
        self._idle.clear()
        seen: list[SlackCallError] = []
        token = failures.set(seen)
        try:
            yield seen
        except Exception:  # a bug or an outage must not cost more than this one reply
            log.exception("event=slack_listener_failed kind=%s user=%s channel=%s", kind, caller.user_id,
                          caller.channel_id)
            await tell(SOMETHING_WRONG)  # the reply helpers never raise
        finally:
            failures.reset(token)
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait (bounded) for listeners still working after their ack."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("event=slack_drain_timeout running=%d", self._running)

    def _explain(self, replies: list[m.Message], failed: list[SlackCallError]) -> list[m.Message]:
        """The replies, with Slack's reason added when a channel post failed during the command
        (the core only knows that it failed): as a line of the core's error, or on its own."""
        posts = [f for f in failed if f.method == "chat.postMessage"]
        if not posts:
            return replies
        reason = self._reason(posts[-1].code)
        for i in range(len(replies) - 1, -1, -1):
            reply = replies[i]
            if isinstance(reply, m.Notice) and reply.tone == "error":
                return [*replies[:i], replace(reply, lines=(*reply.lines, reason)), *replies[i + 1:]]
        return [*replies, m.error(reason)]

    def _reason(self, code: str) -> str:
        if code == "not_in_channel":
            return f"Slack says I am not in this channel: invite me (`/invite @{self.bot_name}`) and try again."
        if code == "channel_not_found":
            return "Slack says I cannot see this channel: in a private channel or a DM, invite me first."
        if code in AUTH_ERRORS:
            return "Slack refused my credentials: ask an admin to check the app's installation."
        if code == "ratelimited":
            return "Slack is rate limiting me: please try again in a minute."
        if code == "connection_error":
            return "I could not reach Slack: please try again in a moment."
        return f"Slack answered {code}."

    async def _respond(self, respond: Any, caller: Caller, message: m.Message, *, replace_original: bool) -> None:
        """Reply through ``response_url``; ``chat.postEphemeral`` when that fails."""
        body = render(message)
        if not await self._via_response_url(respond, caller, body, replace_original):
            await self._ephemeral(caller, body)

    async def _tell_clicker(self, respond: Any, caller: Caller, message: m.Message) -> None:
        """Reply with ``chat.postEphemeral``; through ``response_url`` when that fails."""
        body = render(message)
        if not await self._ephemeral(caller, body) and respond is not None:
            await self._via_response_url(respond, caller, body, False)

    async def _ephemeral(self, caller: Caller, body: Rendered) -> bool:
        if caller.channel_id is None:
            return False
        try:
            await self.chat.ephemeral(caller.channel_id, caller.user_id, body)
        except SlackCallError:  # logged by the call
            return False
        return True

    async def _via_response_url(self, respond: Any, caller: Caller, body: Rendered, replace_original: bool) -> bool:
        try:
            reply = await respond(text=body.text, blocks=body.blocks, response_type="ephemeral",
                                  replace_original=replace_original)
        except (ValueError, aiohttp.ClientError, TimeoutError) as exc:  # no response_url, or unreachable
            log.warning("event=slack_call_failed method=response_url error=%r user=%s", exc, caller.user_id)
            return False
        if reply.status_code != 200:
            log.warning("event=slack_call_failed method=response_url status=%s body=%r user=%s",
                        reply.status_code, str(reply.body)[:100], caller.user_id)
            return False
        return True


def _metadata_channel(raw: object) -> str | None:
    try:
        data = json.loads(str(raw or ""))
    except ValueError:
        return None
    channel = data.get("channel") if isinstance(data, dict) else None
    return channel if isinstance(channel, str) and re.fullmatch(r"[A-Z0-9]{1,30}", channel) else None
