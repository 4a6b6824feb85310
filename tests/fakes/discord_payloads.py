"""The Discord world a `FakeDiscord` serves, and the JSON shapes Discord uses to describe it.

Values are frozen dataclasses so a test can build a guild once and share it. The payload
functions return exactly the keys discord.py 2.7 reads (required keys included), with ids as
strings and permissions as decimal strings, as the real API sends them.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
"""What @everyone may do in a freshly created guild (roughly): no manage_* bits."""

TEXT_CHANNEL = 0
GUILD_CATEGORY = 4


_counter = itertools.count()


def snowflake() -> int:
    """A new id, unique in this process, whose timestamp part is now (like Discord's)."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (millis << 22) | (next(_counter) & 0x3FFFFF)


def snowflake_on_shard(shard_id: int, shard_count: int) -> int:
    """A new id of a guild Discord would deliver on ``shard_id`` of ``shard_count``
    (``(id >> 22) % shard_count``): a snowflake whose timestamp is a few ms from now."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
    millis += (shard_id - millis) % shard_count
    return (millis << 22) | (next(_counter) & 0x3FFFFF)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord delivers a guild's events on."""
    return (guild_id >> 22) % shard_count


def iso_now() -> str:
    """The current time in Discord's ISO 8601 form."""
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class FakeUser:
    """A Discord account. `bot` marks the application's own user."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(frozen=True)
class FakeRole:
    """A guild role; the @everyone role has the guild's id."""

    id: int
    name: str
    permissions: int
    position: int = 0

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass(frozen=True)
class FakeMember:
    """A user's membership of the guild; `roles` are role ids besides @everyone."""

    user: FakeUser
    roles: tuple[int, ...] = ()
    nick: str | None = None

    def payload(self, *, permissions: int | None = None) -> JSON:
        """The member object; with `permissions`, the interaction form (total permissions)."""
        data: JSON = {
            "user": self.user.payload(),
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(frozen=True)
class FakeChannel:
    """A guild channel; `type` 0 is a text channel."""

    id: int
    name: str
    type: int = TEXT_CHANNEL
    position: int = 0

    def payload(self, guild_id: int) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "parent_id": None,
            "nsfw": False,
        }
        if self.type == TEXT_CHANNEL:
            data |= {"topic": None, "last_message_id": None, "rate_limit_per_user": 0}
        return data


@dataclass(frozen=True)
class FakeGuild:
    """One guild as GUILD_CREATE describes it. The bot is added to `members` automatically."""

    id: int
    name: str
    owner: FakeMember
    members: tuple[FakeMember, ...]
    channels: tuple[FakeChannel, ...]
    roles: tuple[FakeRole, ...] = ()
    everyone_permissions: int = EVERYONE_PERMISSIONS

    @property
    def everyone(self) -> FakeRole:
        return FakeRole(id=self.id, name="@everyone", permissions=self.everyone_permissions)

    @property
    def text_channel(self) -> FakeChannel:
        """The first text channel; raises LookupError if the guild has none."""
        for channel in self.channels:
            if channel.type == TEXT_CHANNEL:
                return channel
        raise LookupError(f"guild {self.id} has no text channel")

    def channel(self, channel_id: int) -> FakeChannel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def all_members(self) -> tuple[FakeMember, ...]:
        others = tuple(m for m in self.members if m.user.id != self.owner.user.id)
        return (self.owner, *others)

    def permissions_of(self, member: FakeMember) -> int:
        """Guild-level permissions as Discord computes them (owner and ADMINISTRATOR get all)."""
        if member.user.id == self.owner.user.id:
            return ALL_PERMISSIONS
        total = self.everyone_permissions
        for role in self.roles:
            if role.id in member.roles:
                total |= role.permissions
        return ALL_PERMISSIONS if total & ADMINISTRATOR else total

    def create_payload(self, bot: FakeMember) -> JSON:
        """The GUILD_CREATE dispatch data."""
        members = [m.payload() for m in (*self.all_members(), bot)]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "owner_id": str(self.owner.user.id),
            "unavailable": False,
            "large": False,
            "member_count": len(members),
            "joined_at": "2024-01-01T00:00:00+00:00",
            "preferred_locale": "en-US",
            "features": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_id": None,
            "roles": [r.payload() for r in (self.everyone, *self.roles)],
            "emojis": [],
            "stickers": [],
            "members": members,
            "channels": [c.payload(self.id) for c in self.channels],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass(frozen=True)
class FakeWorld:
    """Everything the fake serves: the bot's application and user, and its guild (`guild`,
    where member actions happen unless a channel of another guild is named) and any
    `more_guilds` (see `sharded_world`)."""

    application_id: int
    bot: FakeUser
    guild: FakeGuild
    quizmaster_role: FakeRole
    alice: FakeMember
    bob: FakeMember
    more_guilds: tuple[FakeGuild, ...] = ()

    @property
    def guilds(self) -> tuple[FakeGuild, ...]:
        return (self.guild, *self.more_guilds)

    def guild_of(self, channel_id: int) -> FakeGuild | None:
        """The guild holding the channel, or None."""
        return next((g for g in self.guilds if g.channel(channel_id) is not None), None)


def default_world() -> FakeWorld:
    """A guild "Study Group" owned by `owner`, with members alice (plain) and bob (plain), a
    "Quizmaster" role with MANAGE_GUILD nobody holds, and text channels #quiz and #general.

    The application id equals the bot user's id, as it does for real bots.
    """
    app_id = snowflake()
    guild_id = snowflake()
    quizmaster = FakeRole(id=snowflake(), name="Quizmaster", permissions=MANAGE_GUILD, position=1)
    owner = FakeMember(FakeUser(snowflake(), "owner", "Guild Owner"))
    alice = FakeMember(FakeUser(snowflake(), "alice", "Alice"))
    bob = FakeMember(FakeUser(snowflake(), "bob", "Bob"))
    guild = FakeGuild(
        id=guild_id,
        name="Study Group",
        owner=owner,
        members=(owner, alice, bob),
        channels=(
            FakeChannel(snowflake(), "quiz", position=0),
            FakeChannel(snowflake(), "general", position=1),
        ),
        roles=(quizmaster,),
    )
    return FakeWorld(
        application_id=app_id,
        bot=FakeUser(app_id, "quizbot", bot=True),
        guild=guild,
        quizmaster_role=quizmaster,
        alice=alice,
        bob=bob,
    )


def sharded_world(shard_count: int) -> FakeWorld:
    """The default world with one guild per shard: `guild` ("Study Group") on shard 0, and
    "Study Group N" on shard N, each with the same owner and members and its own #quiz and
    #general channels. A gateway session of shard N sees only the guilds of shard N."""
    world = default_world()
    first = dataclasses.replace(world.guild, id=snowflake_on_shard(0, shard_count))
    others = tuple(
        dataclasses.replace(
            first,
            id=snowflake_on_shard(shard, shard_count),
            name=f"Study Group {shard}",
            channels=(
                FakeChannel(snowflake(), "quiz", position=0),
                FakeChannel(snowflake(), "general", position=1),
            ),
        )
        for shard in range(1, shard_count)
    )
    return dataclasses.replace(world, guild=first, more_guilds=others)
