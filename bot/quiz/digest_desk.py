"""Weekly digest commands (``/quiz digest add|now|remove|list``) and the clock's digest step.

A digest schedule is read as a round schedule is (:mod:`bot.quiz.schedule_spec`: ``fri 16:00``,
``daily 18:00``, cron) in a zone; it has no decks and no answer window. Admins only, like
schedules; a refusal or a bad schedule changes nothing.

Each slot is posted at most once, whichever process's clock sees it first
(:meth:`~bot.store.digests.Digests.claim`). A slot missed by more than :data:`LATE_LIMIT_S`
(the bot was down) is skipped, not posted late; a week nobody answered in posts nothing.
A post that fails is logged and not retried: the next slot brings the next digest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from croniter import CroniterError

from bot.quiz import messages as m
from bot.quiz.context import Context, log
from bot.quiz.digest import weekly_digest
from bot.quiz.ports import ChannelRef, ChatError, Member
from bot.quiz.schedule_spec import (
    QUOTED_EXAMPLE,
    ScheduleError,
    describe,
    latest_slot,
    never_happens,
    next_slot,
    parse_spec,
    parse_tz,
    read_add_words,
    slot_text,
)
from bot.store.digests import DigestRow

LATE_LIMIT_S = 6 * 3600
"""How late a missed slot may still be posted (a digest a day late is old news)."""
USAGE = ('Usage: `/quiz digest add "fri 16:00" [Time/Zone]`, `/quiz digest now`, '
         "`/quiz digest remove ID`, `/quiz digest list`.")
EXAMPLE = '/quiz digest add "fri 16:00" Europe/Berlin'
NOTHING_YET = "No digest: nobody has answered a question in this channel this week."


class DigestDesk:
    """The digest commands of :class:`~bot.quiz.service.QuizService` (which delegates here)."""

    def __init__(self, ctx: Context, poke: Callable[[], None]) -> None:
        self.ctx = ctx
        self._poke = poke

    async def command(self, channel: ChannelRef, member: Member, words: Sequence[str]) -> m.Notice | None:
        """``/quiz digest ...`` as words; None when a digest was posted (``now``)."""
        action, rest = (words[0].lower(), list(words[1:])) if words else ("list", [])
        if action == "list" and not rest:
            return await self.in_channel(channel)
        if action == "now" and not rest:
            return await self.now(channel, member)
        if action == "remove" and len(rest) == 1:
            return await self.remove(channel, member, rest[0])
        if action == "add" and rest:
            if not member.is_admin:
                return m.error(m.ADMIN_ONLY.format(what="change digests"))
            try:
                added = read_add_words(rest)
            except ScheduleError as exc:
                return m.error(str(exc).replace(QUOTED_EXAMPLE, EXAMPLE))
            if added.decks or added.window:
                return m.error(f"A digest takes a schedule and a time zone only, for example `{EXAMPLE}`.")
            return await self.add(channel, member, added.spec, added.tz)
        return m.error(USAGE)

    async def add(self, channel: ChannelRef, member: Member, spec: str, tz: str | None = None) -> m.Notice:
        """Add a digest schedule to the channel (admins)."""
        if not member.is_admin:
            return m.error(m.ADMIN_ONLY.format(what="change digests"))
        spec = " ".join(spec.split())
        try:
            cron = parse_spec(spec)
            zone_name = tz or self.ctx.settings.timezone
            zone = parse_tz(zone_name)
            first = next_slot(cron, zone, self.ctx.clock())
        except ScheduleError as exc:
            return m.error(str(exc))
        except CroniterError:
            return m.error(never_happens(spec))
        channel_id = await self.ctx.channel_id(channel)
        member_id = await self.ctx.stores.directory.member_id(member.key, member.name)
        digest_id = await self.ctx.stores.digests.add(channel_id, spec, cron, zone_name, first, member_id)
        self._poke()
        log.info("event=digest_added digest=%s channel=%s cron=%r tz=%s", digest_id, channel.key, cron, zone_name)
        return m.ok(f"Digest #{digest_id} added: {describe(spec, zone_name)}. "
                    f"First digest {slot_text(first, zone)}.")

    async def remove(self, channel: ChannelRef, member: Member, digest_id: str) -> m.Notice:
        if not member.is_admin:
            return m.error(m.ADMIN_ONLY.format(what="change digests"))
        ident = digest_id.strip().lstrip("#")
        if not (ident.isascii() and ident.isdigit() and len(ident) <= 18):
            return m.error("Usage: `/quiz digest remove ID` (see `/quiz schedule list`).")
        removed = await self.ctx.stores.digests.remove(await self.ctx.channel_id(channel), int(ident))
        return m.ok(f"Digest #{ident} removed.") if removed else m.error(f"No digest #{ident} in this channel.")

    async def now(self, channel: ChannelRef, member: Member) -> m.Notice | None:
        """Post this week's digest now (admins); None when posted. The week is the one the
        channel's scheduled digest would post (its zone; the first one's, if several), or the
        bot's zone (``QUIZBOT_TIMEZONE``) when it has none."""
        if not member.is_admin:
            return m.error(m.ADMIN_ONLY.format(what="post a digest"))
        channel_id = await self.ctx.channel_id(channel)
        scheduled = await self.ctx.stores.digests.in_channel(channel_id)
        zone = parse_tz(scheduled[0].tz) if scheduled else self.ctx.settings.tz
        digest = await weekly_digest(self.ctx, channel_id, zone)
        if digest.empty:
            return m.error(NOTHING_YET)
        try:
            await self.ctx.send(channel, digest)
        except ChatError as exc:
            return m.Notice("The digest could not be posted here.", "error",
                            lines=(exc.member_reason,) if exc.member_reason else ())
        return None

    async def in_channel(self, channel: ChannelRef) -> m.Notice:
        lines = await self.lines(await self.ctx.channel_id(channel))
        if not lines:
            return m.Notice('No digests here. An admin can add one: `/quiz digest add "fri 16:00"`.')
        return m.Notice("Digests in this channel:", lines=tuple(lines))

    async def lines(self, channel_id: int) -> list[str]:
        """One line per digest of the channel (also shown by ``/quiz schedule list``)."""
        return [f"Digest #{d.id} {describe(d.spec, d.tz)}, next {slot_text(d.next_run_at, parse_tz(d.tz))}"
                for d in await self.ctx.stores.digests.in_channel(channel_id)]


async def post_due_digest(ctx: Context, digest: DigestRow) -> None:
    """The clock's step for a due digest: claim its latest slot (once across processes),
    move it to the next, and post the week unless the slot is too old or the week empty."""
    now = ctx.clock()
    zone = parse_tz(digest.tz)
    slot = max(latest_slot(digest.cron, zone, now), digest.next_run_at)
    following = next_slot(digest.cron, zone, now)
    if not await ctx.stores.digests.claim(digest.id, digest.next_run_at, slot, following, now):
        log.info("event=digest_slot_already_taken digest=%s slot=%.0f", digest.id, slot)
        return
    if now - slot > LATE_LIMIT_S:
        log.warning("event=digest_skipped digest=%s slot=%.0f reason=bot_was_down", digest.id, slot)
        return
    ctx.stores.channels.know(digest.channel, digest.channel_id)
    week = await weekly_digest(ctx, digest.channel_id, zone)
    if week.empty:
        log.info("event=digest_skipped digest=%s reason=no_answers_this_week", digest.id)
        return
    try:
        await ctx.send(digest.channel, week)
    except ChatError:  # already logged by send; the slot stays claimed (no late duplicate)
        return
    log.info("event=digest_posted digest=%s channel=%s", digest.id, digest.channel.key)
