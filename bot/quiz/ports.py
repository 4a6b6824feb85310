"""What the core needs from a chat platform, in neutral terms.

Adapters (``bot/chat/*``) turn platform events into calls on ``QuizService``
with these values, and implement :class:`Chat` so the core can post and edit
messages without knowing which platform it talks to. The core imports nothing
from ``bot/chat``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.quiz.messages import Message
from bot.store.channels import ChannelRef  # the stored value; adapters use it from here
from bot.store.ownership import Ownership, WorkspaceShards  # which channels this process's clock runs

__all__ = ["ChannelRef", "Chat", "ChatError", "Member", "MessageRef", "Ownership", "WorkspaceShards"]


@dataclass(frozen=True)
class Member:
    """Someone who can answer. ``key`` is platform-qualified (``slack:T1:U1``)."""

    key: str
    name: str
    is_admin: bool = False
    """Set by the adapter from the platform's own rights (Manage Server, workspace admin)."""


@dataclass(frozen=True)
class MessageRef:
    """A posted message: enough to edit it later, even after a restart."""

    channel: ChannelRef
    message_id: str


class ChatError(Exception):
    """A platform call failed in a way the core should log and live with
    (channel gone, bot removed, rate limited past retries). Adapters raise it;
    the core never sees platform exception types.

    ``member_reason`` is what a member waiting on the call should be told, in the
    platform's own terms ("invite me to this channel"), or None when the adapter has
    nothing better than a generic apology. It travels with the error, so every
    platform's members get their explanation the same way."""

    def __init__(self, message: str, member_reason: str | None = None) -> None:
        super().__init__(message)
        self.member_reason = member_reason


class Chat(Protocol):
    """The outbound port one adapter implements."""

    platform: str

    async def post(self, channel: ChannelRef, message: Message) -> MessageRef:
        """Post a message to a channel. Raises :class:`ChatError`."""
        ...

    async def update(self, ref: MessageRef, message: Message) -> None:
        """Replace a posted message in place. Raises :class:`ChatError`."""
        ...
