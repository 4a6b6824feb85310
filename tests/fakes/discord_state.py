"""What the fake Discord remembers: messages, interactions and their callbacks, synced commands.

Shared by the REST side (which the bot changes) and the gateway side (which tests drive).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .discord_checks import EPHEMERAL, LOADING, walk_components
from .discord_payloads import FakeUser, FakeWorld, iso_now, snowflake

JSON = dict[str, Any]

# Interaction types and the callback types Discord accepts for each.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL}),
    MESSAGE_COMPONENT: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL}
    ),
    AUTOCOMPLETE: frozenset({AUTOCOMPLETE_RESULT}),
    MODAL_SUBMIT: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE}
    ),
}


@dataclass(frozen=True)
class FakeInteraction:
    """An interaction the fake pushed; `id` and `token` are what the bot answers to.
    `message_id` is the message a component (or a modal opened from one) came from."""

    id: int
    token: str
    type: int
    user: FakeUser
    channel_id: int
    message_id: int | None = None


@dataclass(frozen=True)
class InteractionCallback:
    """The bot's first answer to an interaction (POST .../callback), as sent.
    `message_id` is the message it created or updated (types 4, 5, 6, 7), else None."""

    interaction_id: int
    type: int
    data: JSON
    message_id: int | None

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def content(self) -> str | None:
        return self.data.get("content")

    @property
    def components(self) -> list[JSON]:
        return list(self.data.get("components") or [])

    @property
    def embeds(self) -> list[JSON]:
        return list(self.data.get("embeds") or [])

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.data.get("allowed_mentions")

    @property
    def choices(self) -> list[JSON]:
        return list(self.data.get("choices") or [])

    @property
    def custom_ids(self) -> list[str]:
        """Every custom_id in the answer's components (for a modal: the modal's fields)."""
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]


@dataclass
class InteractionState:
    """An interaction's life: when it was sent, its callback once answered, and the message
    `@original` refers to."""

    sent: FakeInteraction
    created: float
    callback: asyncio.Future[InteractionCallback]
    original_message_id: int | None = None

    def answer(self) -> InteractionCallback | None:
        return self.callback.result() if self.callback.done() else None


@dataclass
class DiscordState:
    """The fake's memory. `changed` is notified whenever a request is recorded or a gateway
    session is identified, so waits need no polling."""

    world: FakeWorld
    messages: dict[int, JSON] = field(default_factory=dict)
    interactions: dict[int, InteractionState] = field(default_factory=dict)
    commands: dict[int | None, list[JSON]] = field(default_factory=dict)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    def messages_in(self, channel_id: int) -> list[JSON]:
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    def store_message(
        self,
        channel_id: int,
        body: JSON,
        *,
        author: FakeUser,
        interaction: FakeInteraction | None = None,
        extra_flags: int = 0,
    ) -> JSON:
        """Create a message from a create-message body, as Discord returns it."""
        app_id = str(self.world.application_id)
        guild = self.world.guild_of(channel_id) or self.world.guild
        message: JSON = {
            "id": str(snowflake()),
            "channel_id": str(channel_id),
            "guild_id": str(guild.id),
            "author": author.payload(),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": bool(body.get("tts", False)),
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "type": 0,
            "flags": int(body.get("flags") or 0) | extra_flags,
        }
        if interaction is not None:
            message["type"] = 20 if interaction.type == APPLICATION_COMMAND else 0
            message["webhook_id"] = app_id
            message["application_id"] = app_id
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": {"0": str(guild.id)},
            }
        self.messages[int(message["id"])] = message
        return message

    @staticmethod
    def apply_edit(message: JSON, body: JSON) -> JSON:
        """Apply an edit-message body; the ephemeral flag stays and the loading flag goes."""
        for key in ("content", "embeds", "components", "attachments"):
            if body.get(key) is not None:
                message[key] = body[key]
        flags = int(message["flags"])
        if body.get("flags") is not None:
            flags = int(body["flags"]) | (flags & EPHEMERAL)
        message["flags"] = flags & ~LOADING
        message["edited_timestamp"] = iso_now()
        return message

    def synced_command(self, name: str) -> JSON | None:
        """The synced command a member would pick: the guild's first, then the global one."""
        for key in (self.world.guild.id, None):
            for command in self.commands.get(key, []):
                if command["name"] == name:
                    return command
        return None

    def modal_opener(self, custom_id: str, user_id: int) -> InteractionState | None:
        """The latest interaction of `user_id` the bot answered with modal `custom_id`."""
        for state in reversed(self.interactions.values()):
            answer = state.answer()
            if (
                answer is not None
                and answer.type == MODAL
                and answer.data.get("custom_id") == custom_id
                and state.sent.user.id == user_id
            ):
                return state
        return None

    def interaction_by_token(self, app_id: str, token: str) -> InteractionState | None:
        if int(app_id) != self.world.application_id:
            return None
        return next((s for s in self.interactions.values() if s.sent.token == token), None)
