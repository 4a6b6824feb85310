"""Every Slack listener, registered in one place: :func:`register`.

**An ack means stored.** Slack never redelivers a request it saw acknowledged, so a
listener acknowledges a state change only once it is committed: an answer click or modal
submit acks after the answer writer's group commit returns (well inside Slack's 3 s), a
slash command after the command has run (its replies then follow through
``response_url``). Requests that change nothing (a "did you mean" button, the Answer
button that opens a modal, a forged id) ack at once. A request that is never acked in 3 s
is retried by Slack; :mod:`bot.store.deliveries` makes sure it is applied once.

**Applied once.** A slash command is claimed by its ``trigger_id`` (the same on every
retry) before it runs; a repeat changes nothing and is acked with the first delivery's
reply text, or empty while the first is still running. Answers need no claim: the core
stores one per member per round, so a retried click is told it was already answered.

Bolt runs each listener before it answers the HTTP request (``process_before_response``), so
the HTTP 200 leaves as soon as the listener acks, with no polling for the ack; what follows
the ack (replies, "Answer recorded") runs in :meth:`Listeners.later`. Both parts are counted,
log any failure in one line, tell the waiting member, and are waited for by
:meth:`Listeners.drain` at shutdown.

**Cheap per answer.** An answer costs one commit (shared with the burst) and one reply: no
``users.info`` (the payload names the member; rights are not needed to answer), and the
confirmation goes to the click's ``response_url`` over a pooled connection
(:mod:`bot.chat.slack.replies`), not through a rate-limited Web API method.

Replies the caller alone needs are ephemeral: a slash command's and a click's through its
``response_url`` (it works even where the bot is not a member), falling back to
``chat.postEphemeral`` in the channel when that fails; a modal submit (which has none)
through ``chat.postEphemeral``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.chat.slack.direct import MemberPages
from bot.chat.slack.followups import Ack, FollowUps, Tell
from bot.chat.slack.identity import Caller, Identities, caller_of, channel_ref, member_key
from bot.chat.slack.render import ANSWER_BLOCK, ANSWER_INPUT, Rendered, _inert, answer_modal, render
from bot.chat.slack.replies import ResponseUrls
from bot.chat.slack.teams import TeamChats
from bot.chat.slack.web import SlackCallError
from bot.quiz import commands
from bot.quiz import messages as m
from bot.quiz.actions import (
    AnswerAction,
    DefineAction,
    HintAction,
    ReportAction,
    ReviewStopAction,
    StartReviewAction,
    TypeAnswerAction,
    parse,
)
from bot.quiz.ports import Member
from bot.quiz.review_session import STALE as REVIEW_STALE
from bot.quiz.service import QuizService
from bot.store.deliveries import Deliveries

log = logging.getLogger("bot.chat.slack")

COMMANDS = ("/quiz", "/leaderboard", "/define")
OUR_ACTIONS = re.compile(r"^(quiz|review|define|report):")
OUR_VIEWS = re.compile(r"^(quiz|review):type:")
PLATFORM = "slack"
SHOWN_FILE_CHARS = 2800
"""A file reply up to this long (escaped) is shown in the ephemeral reply as a code block
(a section holds 3,000 characters); a longer one is uploaded to the member's DM with the bot."""

STALE_BUTTON = m.error("That button is out of date or not one of mine. Use the buttons on the latest question.")


def register(app: AsyncApp, listeners: Listeners) -> None:
    """Attach every listener: our buttons, three slash commands, the answer modal.

    Bolt tries listeners in this order for every request, so the buttons (a burst of answers)
    come first and match at the first try."""
    app.action(OUR_ACTIONS)(listeners.on_action)
    for name in COMMANDS:
        app.command(name)(listeners.on_command)
    app.view_submission(OUR_VIEWS)(listeners.on_answer_submit)
    app.event("app_home_opened")(listeners.on_home_opened)
    app.error(listeners.on_error)


@dataclass
class Listeners(FollowUps):
    service: QuizService
    teams: TeamChats
    """Calls about a request go out as the bot of the caller's workspace."""
    identities: Identities
    deliveries: Deliveries
    replies: ResponseUrls

    def __post_init__(self) -> None:
        super().__post_init__()
        self.direct = MemberPages(self.service, self.teams, self.identities)
        """What reaches a member outside any channel: the Home tab, their direct messages."""

    # -- slash commands -----------------------------------------------------------------

    async def on_command(self, ack: Any, body: dict[str, Any]) -> None:
        caller = caller_of(body)
        response_url = _response_url(body)
        command = str(body.get("command", ""))
        delivery = str(body.get("trigger_id") or "")
        once = Ack(ack)
        if delivery and not await self._first_delivery(once, delivery, command, caller):
            return

        async def tell(message: m.Message) -> None:
            if isinstance(message, m.FileReply) and len(_inert(message.content)) > SHOWN_FILE_CHARS:
                message = await self.direct.send_file(caller, message)
            await self._respond(response_url, caller, message, replace_original=False)

        async with self.work(command, caller, tell, once):
            if caller.channel_id is None:
                replies: list[m.Message] = [m.error("Use this command in a channel.")]
            else:
                channel = channel_ref(caller.team_id, caller.channel_id)
                member = (Member(member_key(caller.team_id, caller.user_id), caller.user_name)
                          if command == "/define" else await self.identities.member(caller))
                replies = await commands.handle(self.service, channel, member, command, str(body.get("text", "")))
            if delivery:
                await self.deliveries.settle(PLATFORM, delivery, "\n".join(render(r).text for r in replies) or None)
            await once()  # the command's changes are committed: now Slack may forget the request
            self.later(command, caller, tell, lambda: self._tell_all(tell, replies))

    @staticmethod
    async def _tell_all(tell: Tell, replies: list[m.Message]) -> None:
        for reply in replies:
            await tell(reply)

    async def _first_delivery(self, ack: Ack, delivery: str, kind: str, caller: Caller) -> bool:
        """Claim ``delivery``; for a repeat, ack it (with the first reply when known) and say False."""
        claim = await self.deliveries.claim(PLATFORM, delivery)
        if claim.fresh:
            return True
        log.info("event=slack_repeat_ignored kind=%s user=%s replied=%s", kind, caller.user_id,
                 claim.reply is not None)
        if claim.reply is not None:
            await ack(text=claim.reply, response_type="ephemeral")
        else:
            await ack()
        return False

    # -- buttons ------------------------------------------------------------------------

    async def on_action(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        caller = caller_of(body)
        response_url = _response_url(body)
        parsed = parse(str(action.get("action_id", "")))
        once = Ack(ack)
        if not isinstance(parsed, AnswerAction | HintAction | ReportAction | ReviewStopAction):
            await once()  # nothing to store: opening a box, looking a card up, refusing a forged id

        async def tell(message: m.Message) -> None:
            await self._respond(response_url, caller, message, replace_original=False)

        async with self.work("action", caller, tell, once):
            if isinstance(parsed, AnswerAction | HintAction | ReviewStopAction) and (
                    isinstance(parsed, ReviewStopAction) or parsed.review):
                replies = await self._review_click(parsed, self.identities.known(caller))
                await once()  # the rating is committed (or refused) before Slack hears "got it"
                self.later("action", caller, tell, lambda: self._tell_all(tell, list(replies)))
            elif isinstance(parsed, TypeAnswerAction):
                trigger = str(body.get("trigger_id", ""))
                self.later("action", caller, tell, lambda: self._open_answer_box(parsed, caller, trigger, tell))
            elif isinstance(parsed, AnswerAction | HintAction) and not await self._asked_here(parsed.round_id, caller):
                await once()  # nothing to store: the round is another channel's (or workspace's)
                log.warning("event=slack_foreign_round round=%s team=%s channel=%s user=%s", parsed.round_id,
                            caller.team_id, caller.channel_id, caller.user_id)
                self.later("action", caller, tell, lambda: tell(STALE_BUTTON))
            elif isinstance(parsed, AnswerAction):
                member = self.identities.known(caller)
                notice = await self.service.answer_choice(parsed.round_id, member, parsed.choice)
                await once()  # the answer is committed (or refused): only now does Slack hear "got it"
                self.later("action", caller, tell, lambda: tell(notice))
            elif isinstance(parsed, DefineAction):
                found = self.service.define_card(parsed.deck_id, parsed.card_id)
                self.later("action", caller, tell,
                           lambda: self._respond(response_url, caller, found, replace_original=True))
            elif isinstance(parsed, HintAction):
                notice = await self.service.hint(parsed.round_id, self.identities.known(caller))
                await once()  # the hint is stored (or refused) before Slack hears "got it"
                self.later("action", caller, tell, lambda: tell(notice))
            elif isinstance(parsed, StartReviewAction):
                self.later("action", caller, tell, lambda: self.direct.start_review(caller))
            elif isinstance(parsed, ReportAction):
                notice = await self.service.report_card(self.identities.known(caller), parsed.deck_id, parsed.card_id)
                await once()
                self.later("action", caller, tell, lambda: tell(notice))
            else:
                log.warning("event=slack_forged_action action_id=%r user=%s", str(action.get("action_id"))[:100],
                            caller.user_id)
                self.later("action", caller, tell, lambda: tell(STALE_BUTTON))

    # -- App Home -----------------------------------------------------------------------

    async def on_home_opened(self, ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        """``app_home_opened``: publish the member's page (their Messages tab is left alone)."""
        await ack()
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        caller = Caller(str(body.get("team_id") or event.get("view", {}).get("team_id") or ""),
                        str(event["user"]), "", None)

        async def nobody_to_tell(message: m.Message) -> None:  # no channel, no response_url
            return None

        async def publish() -> Any:  # after the ack: the member's name may take a users.info call
            return await self.direct.publish_home(caller, await self.identities.member(caller))

        self.later("app_home_opened", caller, nobody_to_tell, publish)

    async def _review_click(self, action: AnswerAction | HintAction | ReviewStopAction,
                            member: Member) -> tuple[m.Message, ...]:
        """A button of a private review question (never a channel round's: see bot/quiz/actions.py)."""
        if isinstance(action, ReviewStopAction):
            return (await self.service.review_stop(member),)
        if isinstance(action, HintAction):
            return (await self.service.review_hint(action.round_id, member),)
        return await self.service.review_choice(action.round_id, member, action.choice)

    async def _open_answer_box(self, action: TypeAnswerAction, caller: Caller, trigger_id: str, tell: Tell) -> None:
        if action.review:
            card = await self.service.reviews.open_question(action.round_id, self.identities.known(caller))
            if card is None:
                await tell(m.error(REVIEW_STALE))
                return
        else:
            card = await self.service.open_question(action.round_id)
        if card is None:
            await tell(m.error("This round is closed; the answer has been revealed."))
            return
        view = answer_modal(card, caller.channel_id or "", self.service.max_answer_chars)
        try:
            chat = await self.teams.for_team(caller.team_id, "views.open")
            await chat.open_view(trigger_id, view, caller.user_id)
        except SlackCallError as exc:
            await tell(m.error(f"I could not open the answer box ({exc.code}); please click Answer again."))

    async def _asked_here(self, round_id: int, caller: Caller) -> bool:
        """Whether round ``round_id`` was asked in the Slack channel the click came from.

        Channel ids are unique across Slack, so a member of one workspace can reach a round of
        another only from a channel both share (Slack Connect), never by a forged or stale id;
        an unknown round passes, for the core's own "does not exist" answer."""
        channel = await self.service.round_channel(round_id)
        return channel is None or (channel.platform == PLATFORM and channel.native_id == caller.channel_id)

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
        caller = Caller(caller.team_id, caller.user_id, caller.user_name, channel_id)
        once = Ack(ack)

        async def tell(message: m.Message) -> None:
            await self._ephemeral(caller, render(message))

        async with self.work("view_submission", caller, tell, once):
            if parsed.review:  # a private review's box: the core checks the question is this member's
                replies = await self.service.review_text(parsed.round_id, self.identities.known(caller), text)
                await once()
                self.later("view_submission", caller, tell, lambda: self._tell_all(tell, list(replies)))
                return
            if not await self._asked_here(parsed.round_id, caller):
                await once()
                log.warning("event=slack_foreign_round round=%s team=%s channel=%s user=%s", parsed.round_id,
                            caller.team_id, caller.channel_id, caller.user_id)
                self.later("view_submission", caller, tell, lambda: tell(STALE_BUTTON))
                return
            member = self.identities.known(caller)
            notice = await self.service.answer_text(parsed.round_id, member, text)
            await once()  # stored (or refused): the modal closes now
            self.later("view_submission", caller, tell, lambda: tell(notice))

    # -- errors bolt itself caught ------------------------------------------------------

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("event=slack_listener_error type=%s error=%r", body.get("type") or body.get("command"), error)

    # -- replies --------------------------------------------------------------------------

    async def _respond(self, response_url: str | None, caller: Caller, message: m.Message, *,
                       replace_original: bool) -> None:
        """Reply through ``response_url``; ``chat.postEphemeral`` when that fails."""
        body = render(message)
        if not await self.replies.send(response_url, body, user_id=caller.user_id,
                                       replace_original=replace_original):
            await self._ephemeral(caller, body)

    async def _ephemeral(self, caller: Caller, body: Rendered) -> bool:
        if caller.channel_id is None:
            return False
        try:
            chat = await self.teams.for_team(caller.team_id, "chat.postEphemeral")
            await chat.ephemeral(caller.channel_id, caller.user_id, body)
        except SlackCallError:  # logged by the call
            return False
        return True


def _response_url(body: dict[str, Any]) -> str | None:
    url = body.get("response_url")
    return url if isinstance(url, str) and url else None


def _metadata_channel(raw: object) -> str | None:
    try:
        data = json.loads(str(raw or ""))
    except ValueError:
        return None
    channel = data.get("channel") if isinstance(data, dict) else None
    return channel if isinstance(channel, str) and re.fullmatch(r"[A-Z0-9]{1,30}", channel) else None
