"""Interactions in, service calls out: who is asking, where, and how the reply goes back.

**A response means stored.** An answer (button or modal) is responded to only after the
answer writer's group commit returns: no "thinking" placeholder first. A command runs at once
and is responded to when it returns; only if it has not finished after ``defer_after`` seconds
is the interaction deferred (ephemeral "thinking", which promises nothing) so that Discord's
3 s do not run out, and the reply replaces the placeholder when it is ready.

**Applied once.** A command is claimed by its interaction id in the deliveries table before it
runs (a gateway resume can replay an INTERACTION_CREATE); a replay changes nothing and gets no
response (Discord accepts one per interaction id, and the first one has it). Answers need no
claim: the core stores one per member per round.

**Stopping.** :meth:`Handlers.refuse_new` makes every later interaction get a short "restarting"
reply with no work done; :meth:`Handlers.drain` waits for the ones already accepted.

Replies are ephemeral: only the caller sees them. Questions and reveals go to the channel
through the :class:`~bot.quiz.ports.Chat` port instead (see ``adapter.py``).

Nothing raised here reaches discord.py: a failing service call is logged and answered with a
clear message; a failing reply (the interaction expired, Discord refused) is logged.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.chat.discord.render import Rendered, render, send_options
from bot.chat.discord.views import answer_modal, is_review_modal, modal_answer
from bot.quiz import actions
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, Member
from bot.quiz.service import QuizService

log = logging.getLogger("bot.chat.discord")

DEFER_AFTER = 1.5
"""Seconds a command may take before the interaction is deferred (Discord allows 3)."""
PLATFORM = "discord"
MAX_CHOICES = 25
MAX_CHOICE_CHARS = 100

SERVER_ONLY = m.error("Quizzes run in a server channel; use this command there. `/define` works anywhere.")
FAILED = m.error("Something went wrong on our side; it has been logged. Please try again.")
STALE = m.error("This button no longer works. Start a new question with `/quiz now`.")
RESTARTING = m.error("The quiz bot is restarting; nothing was changed. Please try again in a minute.")

Reply = m.Message | None
ChannelCall = Callable[[ChannelRef, Member], Awaitable[Reply]]


def channel_of(interaction: discord.Interaction) -> ChannelRef | None:
    """The quiz channel of a server interaction; None in DMs (quizzes need a server channel)."""
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    return ChannelRef("discord", f"discord:{interaction.guild_id}", str(interaction.channel_id))


def member_of(interaction: discord.Interaction) -> Member:
    """The member acting; admin means Manage Server in this channel (owners and
    administrators have it implicitly)."""
    user = interaction.user
    place = interaction.guild_id if interaction.guild_id is not None else "dm"
    return Member(f"discord:{place}:{user.id}", user.display_name,
                  is_admin=interaction.guild_id is not None and interaction.permissions.manage_guild)


async def _value(message: Reply) -> Reply:
    return message


class Handlers:
    """The quiz side of one Discord client. ``commands.py`` and ``views.py`` call in here."""

    def __init__(self, service: QuizService, *, defer_after: float = DEFER_AFTER) -> None:
        self.service = service
        self.defer_after = defer_after
        self._refusing = False
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    # -- stopping ---------------------------------------------------------------------

    def refuse_new(self) -> None:
        """From now on interactions get :data:`RESTARTING` and change nothing."""
        self._refusing = True

    async def drain(self, timeout: float) -> bool:
        """Wait, at most ``timeout`` seconds, until every accepted interaction has its response.
        True when all did; False (and one warning) otherwise."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("event=discord_drain_timeout running=%d timeout_s=%g", self._running, timeout)
            return False
        return True

    # -- commands ---------------------------------------------------------------------

    async def in_channel(self, interaction: discord.Interaction, call: ChannelCall,
                         done: str = "Done.") -> None:
        """Run ``call`` for the interaction's channel and member; refuse politely in DMs."""
        channel = channel_of(interaction)
        if channel is None:
            await self.reply(interaction, SERVER_ONLY)
            return
        if self._refusing:
            await self.reply(interaction, RESTARTING)
            return
        claim = await self.service.deliveries.claim(PLATFORM, str(interaction.id))
        if not claim.fresh:
            log.info("event=discord_repeat_ignored %s", _describe(interaction))
            return
        await self.reply(interaction, call(channel, member_of(interaction)), done=done, claimed=True)

    async def define(self, interaction: discord.Interaction, term: str) -> None:
        await self.reply(interaction, self.service.define(term))

    def complete_term(self, current: str) -> list[app_commands.Choice[str]]:
        try:
            terms = self.service.complete(current, MAX_CHOICES)
        except Exception:
            log.exception("event=discord_autocomplete_failed query=%r", current[:50])
            return []
        return [app_commands.Choice(name=t[:MAX_CHOICE_CHARS], value=t[:MAX_CHOICE_CHARS])
                for t in terms[:MAX_CHOICES]]

    def complete_deck(self, current: str) -> list[app_commands.Choice[str]]:
        needle = current.lower().strip()
        decks = [d for d in self.service.library.decks
                 if needle in d.id.lower() or needle in d.title.lower()]
        return [app_commands.Choice(name=f"{d.id}: {d.title}"[:MAX_CHOICE_CHARS], value=d.id)
                for d in decks[:MAX_CHOICES]]

    # -- components -------------------------------------------------------------------

    async def on_answer(self, interaction: discord.Interaction, round_id: int, choice: int,
                        review: bool = False) -> None:
        if review:
            await self.reply_all(interaction, self.service.review_choice(round_id, member_of(interaction), choice))
            return
        await self.reply(interaction, self.service.answer_choice(round_id, member_of(interaction), choice),
                         defer=False)

    async def on_type_answer(self, interaction: discord.Interaction, round_id: int, review: bool = False) -> None:
        """Open the answer box. A modal must be the first response, so this never defers."""
        prompt = None
        if interaction.message is not None and interaction.message.embeds:
            prompt = (interaction.message.embeds[0].description or "").split("\n", 1)[0] or None
        modal = answer_modal(round_id, prompt, self.service.max_answer_chars, review)
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException as exc:
            _log_reply_failure(interaction, exc)

    async def on_define(self, interaction: discord.Interaction, deck_id: str, card_id: str) -> None:
        await self.reply(interaction, self.service.define_card(deck_id, card_id))

    async def on_hint(self, interaction: discord.Interaction, round_id: int, review: bool = False) -> None:
        if review:
            await self.reply(interaction, self.service.review_hint(round_id, member_of(interaction)))
            return
        await self.reply(interaction, self.service.hint(round_id, member_of(interaction)))

    async def on_review_stop(self, interaction: discord.Interaction) -> None:
        await self.reply(interaction, self.service.review_stop(member_of(interaction)))

    async def on_report(self, interaction: discord.Interaction, deck_id: str, card_id: str) -> None:
        await self.reply(interaction, self.service.report_card(member_of(interaction), deck_id, card_id))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Every interaction passes here after discord.py's own routing: answer-modal
        submissions are handled, clicks on ids that are not ours (forged, or from an old
        version) get a clear message; everything else was routed already."""
        if interaction.type is discord.InteractionType.modal_submit:
            submitted = modal_answer(interaction)
            if submitted is not None:
                round_id, text = submitted
                if is_review_modal(interaction):
                    await self.reply_all(interaction, self.service.review_text(round_id, member_of(interaction), text))
                    return
                await self.reply(interaction, self.service.answer_text(round_id, member_of(interaction), text),
                                 defer=False)
        elif (interaction.type is discord.InteractionType.component and interaction.data
              and actions.parse(str(interaction.data.get("custom_id", ""))) is None):
            await self.reply(interaction, STALE)

    # -- replies ----------------------------------------------------------------------

    async def reply(self, interaction: discord.Interaction, work: Awaitable[Reply] | Reply,
                    done: str = "Done.", *, defer: bool = True, claimed: bool = False) -> None:
        """Answer the interaction, privately, with what ``work`` gives (``done`` for None).

        ``defer=False`` (answers): respond only once ``work`` has returned, i.e. committed.
        ``claimed``: ``work`` was claimed in the deliveries table; its reply text is recorded.
        Once :meth:`refuse_new` was called, ``work`` is dropped unrun and the member told so."""
        if self._refusing and not claimed:
            if inspect.iscoroutine(work):
                work.close()
            work = RESTARTING
        self._running += 1
        self._idle.clear()
        try:
            task = asyncio.ensure_future(work if isinstance(work, Awaitable) else _value(work))
            deferred = False
            if defer and not task.done():
                finished, _ = await asyncio.wait({task}, timeout=self.defer_after)
                if not finished:
                    deferred = await self._defer(interaction)
            try:
                message = await task
            except Exception:
                log.exception("event=discord_interaction_failed %s", _describe(interaction))
                message = FAILED
            rendered = render(message if message is not None else m.ok(done))
            if claimed:
                await self._settle(interaction, rendered)
            await self._send(interaction, rendered, deferred)
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def reply_all(self, interaction: discord.Interaction, work: Awaitable[tuple[m.Message, ...]]) -> None:
        """A private review step: the first message (the verdict) answers the interaction once
        ``work`` has committed, the rest (the next question) follow as ephemeral followups."""
        if self._refusing:
            if inspect.iscoroutine(work):
                work.close()
            await self.reply(interaction, RESTARTING)
            return
        self._running += 1
        self._idle.clear()
        try:
            try:
                messages = await work
            except Exception:
                log.exception("event=discord_interaction_failed %s", _describe(interaction))
                messages = (FAILED,)
            first, *rest = messages
            await self._send(interaction, render(first), False)
            for message in rest:
                try:
                    await interaction.followup.send(ephemeral=True, **send_options(render(message)))
                except discord.HTTPException as exc:
                    _log_reply_failure(interaction, exc)
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def _settle(self, interaction: discord.Interaction, rendered: Rendered) -> None:
        try:
            text = rendered.content or (rendered.embed.description if rendered.embed is not None else None)
            await self.service.deliveries.settle(PLATFORM, str(interaction.id), text or None)
        except Exception as exc:  # the work is done; only a late replay's lookup suffers
            log.warning("event=discord_settle_failed %s error=%r", _describe(interaction), exc)

    async def _defer(self, interaction: discord.Interaction) -> bool:
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
        except discord.HTTPException as exc:
            _log_reply_failure(interaction, exc)
            return False
        return True

    async def _send(self, interaction: discord.Interaction, rendered: Rendered, deferred: bool) -> None:
        options = send_options(rendered)
        file = rendered.file()
        try:
            if file is not None and deferred:  # the "thinking" reply is replaced by an ephemeral followup
                await interaction.followup.send(ephemeral=True, file=file, **options)
            elif file is not None:
                await interaction.response.send_message(ephemeral=True, file=file, **options)
            elif deferred:
                await interaction.edit_original_response(**options)
            else:
                await interaction.response.send_message(ephemeral=True, **options)
        except discord.HTTPException as exc:
            _log_reply_failure(interaction, exc)
        except discord.InteractionResponded:
            log.warning("event=discord_reply_skipped reason=already_responded %s", _describe(interaction))


def _describe(interaction: discord.Interaction) -> str:
    data: dict[str, Any] = dict(interaction.data or {})
    what = data.get("custom_id") or data.get("name") or "?"
    return (f"interaction={interaction.id} type={interaction.type.name} what={what!r} "
            f"guild={interaction.guild_id} channel={interaction.channel_id} user={interaction.user.id}")


def _log_reply_failure(interaction: discord.Interaction, exc: discord.HTTPException) -> None:
    log.warning("event=discord_reply_failed %s status=%s code=%s error=%r",
                _describe(interaction), exc.status, exc.code, exc.text)
