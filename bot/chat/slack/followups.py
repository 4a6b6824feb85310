"""A Slack listener's work around its HTTP answer: the part before the ack (counted, never
raising, always acked) and the follow-ups after it (replies, confirmations: limited lanes,
failures logged and apologised for), all waited for by :meth:`FollowUps.drain` at stop.

Split from :mod:`bot.chat.slack.listeners`, which holds what each listener does; this is
the one mechanism they all run in."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.chat.slack.identity import Caller
from bot.quiz import messages as m

log = logging.getLogger("bot.chat.slack")

DRAIN_SECONDS = 25.0
FOLLOWUP_LANES = 16
"""Follow-ups (replies, confirmations) running at once. Under a burst the rest
wait their turn, so the acks, which Slack needs within 3 s, keep the event loop; a
confirmation may lag, an ack may not."""

Tell = Callable[[m.Message], Awaitable[None]]
SOMETHING_WRONG = m.error("Something went wrong on my side; it has been logged. Please try again.")


class Ack:
    """Bolt's ``ack``, callable once: the first call answers Slack, later calls do nothing.

    Lets :meth:`FollowUps.work` guarantee an ack on every path (a failure included) without
    a listener acking twice."""

    def __init__(self, ack: Any) -> None:
        self._ack = ack
        self.done = False

    async def __call__(self, **response: Any) -> None:
        if not self.done:
            self.done = True
            await self._ack(**response)


@dataclass
class FollowUps:
    """The counting and lanes every listener's work goes through (a dataclass base of
    :class:`~bot.chat.slack.listeners.Listeners`)."""

    _running: int = field(default=0, init=False)
    _followups: set[asyncio.Task[None]] = field(default_factory=set, init=False)
    _idle: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _lanes: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(FOLLOWUP_LANES), init=False)

    def __post_init__(self) -> None:
        self._idle.set()

    @asynccontextmanager
    async def work(self, kind: str, caller: Caller, tell: Tell, ack: Ack) -> AsyncIterator[None]:
        """A listener's part before its HTTP answer: counted (for :meth:`drain`), never raising,
        always acked.

        Bolt runs listeners before it answers Slack (``process_before_response``), so what
        follows the ack goes to :meth:`later`. If the body fails, or ends without acking, Slack
        is acked here (after the failure is logged, before the member is told).
        """
        self._enter()
        try:
            yield
        except Exception:  # a bug or an outage must not cost more than this one reply
            log.exception("event=slack_listener_failed kind=%s user=%s channel=%s", kind, caller.user_id,
                          caller.channel_id)
            await ack()
            await tell(SOMETHING_WRONG)  # the reply helpers never raise
        finally:
            try:
                await ack()
            finally:
                self._exit()

    def later(self, kind: str, caller: Caller, tell: Tell, step: Callable[[], Awaitable[object]]) -> None:
        """Run ``step`` (replies, confirmations) after the HTTP answer has gone back to Slack.

        Counted from this call (so :meth:`drain` never sees a gap between a listener and its
        follow-up), logged and answered with an apology if it fails."""
        self._enter()

        async def run() -> None:
            try:
                async with self._lanes:
                    await step()
            except Exception:
                log.exception("event=slack_listener_failed kind=%s user=%s channel=%s", kind, caller.user_id,
                              caller.channel_id)
                await tell(SOMETHING_WRONG)
            finally:
                self._exit()

        task = asyncio.create_task(run(), name=f"slack-{kind}")
        self._followups.add(task)
        task.add_done_callback(self._followups.discard)

    def _enter(self) -> None:
        self._running += 1
        self._idle.clear()

    def _exit(self) -> None:
        self._running -= 1
        if self._running == 0:
            self._idle.set()

    @property
    def running(self) -> int:
        """Listeners still working (before or after their ack)."""
        return self._running

    async def drain(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait, at most ``timeout`` seconds, for every listener to finish (its answer stored,
        its confirmation sent). True when all did; False (and one warning) otherwise."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning("event=slack_drain_timeout running=%d timeout_s=%g", self._running, timeout)
            return False
        return True
