"""What every part of the quiz core shares: settings, stores, decks, chats, time.

One :class:`Context` is built in ``bot/app.py`` and handed to the parts of
``QuizService``; nothing here is global.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.deck.library import DeckLibrary
from bot.quiz.messages import Message
from bot.quiz.metrics import Metrics, NoMetrics
from bot.quiz.ports import ChannelRef, Chat, ChatError, MessageRef
from bot.quiz.settings import QuizSettings
from bot.store.ownership import EVERY_CHANNEL, Ownership
from bot.store.stores import Stores  # built in bot/app.py beside the Context

log = logging.getLogger("bot.quiz")

__all__ = ["Context", "QuizSettings", "Stores", "log"]


@dataclass
class Context:
    stores: Stores
    library: DeckLibrary
    settings: QuizSettings = field(default_factory=QuizSettings)
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)
    chats: dict[str, Chat] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=NoMetrics)
    on_change: Callable[[], None] = lambda: None
    """Called when a deadline or schedule may have moved (wakes the clock loop)."""
    owned: Ownership = EVERY_CHANNEL
    """The channels whose clock runs in this process (deadlines, schedules, sessions, reveals,
    unposted questions); the root sets it from the adapters (Discord shards). Commands and
    clicks work for every channel, whichever process receives them."""

    async def channel_id(self, channel: ChannelRef) -> int:
        return await self.stores.channels.id_of(channel)

    async def post(self, channel: ChannelRef, message: Message) -> MessageRef | None:
        """Post through the channel's adapter; a failure is logged and gives None."""
        try:
            return await self.send(channel, message)
        except ChatError:
            return None

    async def send(self, channel: ChannelRef, message: Message) -> MessageRef:
        """Post through the channel's adapter, for a caller that tells a member when it fails.

        Raises :class:`ChatError`, already logged (one line) and counted, carrying the adapter's
        ``member_reason`` when it gave one; an unexpected adapter failure (a bug, a client not
        ready) becomes a ChatError too, so it never stops the clock."""
        chat = self.chats.get(channel.platform)
        if chat is None:
            log.warning("event=post_skipped reason=no_adapter platform=%s channel=%s",
                        channel.platform, channel.key)
            raise ChatError(f"no adapter for {channel.platform}")
        try:
            return await chat.post(channel, message)
        except ChatError as exc:
            log.warning("event=post_failed channel=%s error=%r", channel.key, str(exc))
            failure = exc
        except Exception as exc:
            log.exception("event=post_failed channel=%s error=unexpected", channel.key)
            failure = ChatError(f"unexpected {type(exc).__name__}")
        self.metrics.adapter_error(channel.platform, "post")
        raise failure

    async def update(self, ref: MessageRef, message: Message) -> bool:
        chat = self.chats.get(ref.channel.platform)
        if chat is None:
            return False
        try:
            await chat.update(ref, message)
            return True
        except ChatError as exc:
            log.warning("event=update_failed channel=%s message=%s error=%r",
                        ref.channel.key, ref.message_id, str(exc))
        except Exception:
            log.exception("event=update_failed channel=%s message=%s error=unexpected",
                          ref.channel.key, ref.message_id)
        self.metrics.adapter_error(ref.channel.platform, "update")
        return False
