"""Schedule commands: add, list, pause, resume and remove a channel's schedules.

What a member typed is checked here (admin rights, the schedule's words, its zone, decks and
window) before anything is stored; the clock (:class:`~bot.quiz.scheduler.Scheduler`) is
poked after each change so a new or resumed slot is seen at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from croniter import CroniterError

from bot.quiz import messages as m
from bot.quiz.context import Context, log
from bot.quiz.ports import ChannelRef, Member
from bot.quiz.schedule_spec import (
    ScheduleError,
    describe,
    never_happens,
    next_slot,
    parse_spec,
    parse_tz,
    parse_window,
    slot_text,
    window_text,
)
from bot.quiz.scheduler import Scheduler
from bot.store.schedules import ScheduleRow

ADMIN_ONLY = m.ADMIN_ONLY
DeckParser = Callable[[str | None], tuple[list[str], m.Notice | None]]
DigestLines = Callable[[int], Awaitable[list[str]]]


class ScheduleDesk:
    """The schedule commands of :class:`~bot.quiz.service.QuizService` (which delegates here)."""

    def __init__(self, ctx: Context, scheduler: Scheduler, parse_decks: DeckParser,
                 digest_lines: DigestLines | None = None) -> None:
        self.ctx = ctx
        self.scheduler = scheduler
        self._parse_decks = parse_decks
        self._digest_lines = digest_lines
        """The channel's weekly digests, listed after its schedules."""

    async def add(self, channel: ChannelRef, member: Member, spec: str, tz: str | None = None,
                           decks: str | None = None, window: str | None = None) -> m.Notice:
        """Add a schedule; it keeps ``spec`` in the words it was given for the list."""
        if not member.is_admin:
            return m.error(ADMIN_ONLY.format(what="change schedules"))
        spec = " ".join(spec.split())
        try:
            cron = parse_spec(spec)
            zone_name = tz or self.ctx.settings.timezone
            zone = parse_tz(zone_name)
            window_s = parse_window(window) if window else self.ctx.settings.answer_window_s
        except ScheduleError as exc:
            return m.error(str(exc))
        deck_ids, problem = self._parse_decks(decks)
        if problem:
            return problem
        try:
            first = next_slot(cron, zone, self.ctx.clock())
        except CroniterError:  # any croniter failure is the schedule's fault, not a crash
            return m.error(never_happens(spec))
        channel_id = await self.ctx.channel_id(channel)
        member_id = await self.ctx.stores.directory.member_id(member.key, member.name)
        schedule_id = await self.ctx.stores.schedules.add(
            channel_id, cron, zone_name, tuple(deck_ids), window_s, first, member_id, spec)
        self.scheduler.poke()
        log.info("event=schedule_added schedule=%s channel=%s cron=%r tz=%s", schedule_id, channel.key,
                 cron, zone_name)
        return m.ok(f"Schedule #{schedule_id} added: {describe(spec, zone_name)}, answers open "
                    f"{window_text(window_s)}. Next question {slot_text(first, zone)}.")

    async def in_channel(self, channel: ChannelRef) -> m.Notice:
        """Each schedule in the words it was given, its zone, window and next slot (or paused),
        then the channel's weekly digests."""
        channel_id = await self.ctx.channel_id(channel)
        rows = await self.ctx.stores.schedules.in_channel(channel_id)
        digests = await self._digest_lines(channel_id) if self._digest_lines else []
        if not rows and not digests:
            return m.Notice("No schedules here. An admin can add one: `/quiz schedule add weekdays 09:30`.")
        lines = []
        for s in rows:
            decks = ", ".join(s.decks) or "all"
            when = (f"paused (`/quiz schedule resume {s.id}` starts it at its next slot)" if s.paused
                    else f"next {slot_text(s.next_run_at, parse_tz(s.tz))}")
            lines.append(f"#{s.id} {describe(s.spec, s.tz)}, decks: {decks}, window {window_text(s.window_s)}, "
                         f"{when}")
        return m.Notice("Schedules in this channel:", lines=(*lines, *digests))

    async def remove(self, channel: ChannelRef, member: Member, schedule_id: str) -> m.Notice:
        if not member.is_admin:
            return m.error(ADMIN_ONLY.format(what="change schedules"))
        ident = schedule_id.strip().lstrip("#")
        if not _is_id(ident):
            return m.error("Usage: `/quiz schedule remove ID` (see `/quiz schedule list`).")
        removed = await self.ctx.stores.schedules.remove(await self.ctx.channel_id(channel), int(ident))
        return m.ok(f"Schedule #{ident} removed.") if removed else m.error(f"No schedule #{ident} in this channel.")

    async def pause(self, channel: ChannelRef, member: Member, schedule_id: str) -> m.Notice:
        """Pause a schedule (admins): it posts nothing until resumed."""
        found = await self._own(channel, member, schedule_id, "pause")
        if isinstance(found, m.Notice):
            return found
        if not await self.ctx.stores.schedules.pause(found.id, self.ctx.clock()):
            return m.error(f"Schedule #{found.id} is already paused; `/quiz schedule resume {found.id}` restarts it.")
        self.scheduler.poke()
        log.info("event=schedule_paused schedule=%s channel=%s", found.id, channel.key)
        return m.ok(f"Schedule #{found.id} paused ({describe(found.spec, found.tz)}); nothing is posted until "
                    f"`/quiz schedule resume {found.id}`.")

    async def resume(self, channel: ChannelRef, member: Member, schedule_id: str) -> m.Notice:
        """Resume a paused schedule (admins) at its next future slot; slots missed while it was
        paused are not posted."""
        found = await self._own(channel, member, schedule_id, "resume")
        if isinstance(found, m.Notice):
            return found
        zone = parse_tz(found.tz)
        following = next_slot(found.cron, zone, self.ctx.clock())
        if not await self.ctx.stores.schedules.resume(found.id, following):
            return m.error(f"Schedule #{found.id} is not paused.")
        self.scheduler.poke()
        log.info("event=schedule_resumed schedule=%s channel=%s", found.id, channel.key)
        return m.ok(f"Schedule #{found.id} resumed ({describe(found.spec, found.tz)}). "
                    f"Next question {slot_text(following, zone)}.")

    async def pause_workspace(self, workspace: str) -> int:
        """Pause every schedule of ``workspace`` (the platform says the bot is gone from it):
        nothing more is posted there, and each can be resumed by an admin after a reinstall."""
        paused = await self.ctx.stores.schedules.pause_workspace(workspace, self.ctx.clock())
        self.scheduler.poke()
        log.info("event=workspace_schedules_paused workspace=%s schedules=%d", workspace, paused)
        return paused

    async def _own(self, channel: ChannelRef, member: Member, schedule_id: str,
                            action: str) -> ScheduleRow | m.Notice:
        """The channel's schedule ``schedule_id`` ("3" or "#3"), or the error to reply."""
        if not member.is_admin:
            return m.error(ADMIN_ONLY.format(what="change schedules"))
        ident = schedule_id.strip().lstrip("#")
        if not _is_id(ident):
            return m.error(f"Usage: `/quiz schedule {action} ID` (see `/quiz schedule list`).")
        row = await self.ctx.stores.schedules.get(await self.ctx.channel_id(channel), int(ident))
        return row if row is not None else m.error(f"No schedule #{ident} in this channel.")


def _is_id(text: str) -> bool:
    """A stored row id as typed: ASCII digits that fit SQLite's integers (``²`` or 20 digits are not)."""
    return text.isascii() and text.isdigit() and len(text) <= 18
