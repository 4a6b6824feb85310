"""A small fake Discord (gateway websocket + REST v10) that the real discord.py client talks to.

Start it, point `discord.http.Route.BASE` at `api_base` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` at `gateway_url` (the `fake_discord` fixture
does both), then act as a member would: `slash_command`, `click`, `submit_modal`,
`autocomplete`. Every REST call is recorded; `wait_for` and `wait_for_callback` return the
record once it exists, so tests never sleep blindly.

Beyond Discord's shapes it guarantees Discord's refusals: a second callback for one interaction
(400, 40060), a callback after `interaction_deadline` (404, 10062), a callback type the
interaction cannot take, bodies over Discord's size limits (400, 50035), unknown channels
(404, 10003) and messages (404, 10008), a wrong bot token (401 on REST, close 4004 on the
gateway), and clicks only on components that exist and are enabled. `fail_next` injects
403/404/429/5xx answers. It does not enforce privileged intents or rate limits of its own.

This module is imported as `fakes.discord`; its `import discord` is the real library.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import discord
from aiohttp import web

from .discord_gateway import FakeGateway
from .discord_interactions import (
    OptionValue,
    command_data,
    find_component,
    interaction_payload,
    modal_submit_components,
)
from .discord_payloads import (
    EVERYONE_PERMISSIONS,
    MANAGE_MESSAGES,
    FakeMember,
    FakeUser,
    FakeWorld,
    default_world,
    snowflake,
)
from .discord_rest import API_PREFIX, FakeRest, RecordedRequest
from .discord_state import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    DiscordState,
    FakeInteraction,
    InteractionCallback,
    InteractionState,
)

__all__ = [
    "DiscordErrorLog",
    "FakeDiscord",
    "FakeInteraction",
    "InteractionCallback",
    "RecordedRequest",
    "connected",
]

JSON = dict[str, Any]
ClientT = TypeVar("ClientT", bound=discord.Client)

BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES


class FakeDiscord:
    """The fake server for one bot in one guild (`world`). Construct, `await start()`, use,
    `await stop()`.

    `latency` delays every REST answer; `interaction_deadline` is Discord's 3 s window for the
    first callback; `app_permissions` is what the bot may do in the channel of an interaction.
    """

    def __init__(
        self,
        world: FakeWorld | None = None,
        *,
        token: str = "fake-bot-token",
        application_flags: int = 0,
        latency: float = 0.0,
        interaction_deadline: float = 3.0,
        app_permissions: int = BOT_PERMISSIONS,
    ) -> None:
        self.world = world or default_world()
        self.token = token
        self.app_permissions = app_permissions
        self.application_flags = application_flags
        self.state = DiscordState(self.world)
        self.rest = FakeRest(
            self.state,
            token,
            gateway_url="",
            application_flags=application_flags,
            latency=latency,
            interaction_deadline=interaction_deadline,
        )
        self.gateway = FakeGateway(self.state, token, application_flags=application_flags)
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._payloads: dict[int, JSON] = {}

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self.rest.gateway_url = self.gateway.gateway_url = self.gateway_url

    async def stop(self) -> None:
        """Close open gateway sessions and the server. Safe to call twice."""
        await self.gateway.close_all(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_base(self) -> str:
        """What `discord.http.Route.BASE` must be."""
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What `DiscordWebSocket.DEFAULT_GATEWAY` must be (as a yarl.URL)."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    # ----------------------------------------------------------------- what the bot did

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST call so far, in arrival order."""
        return self.rest.requests

    @property
    def messages(self) -> dict[int, JSON]:
        """Every message that exists now, by id (ephemeral ones included)."""
        return self.state.messages

    def message(self, message_id: int) -> JSON:
        """A message as Discord stores it now; KeyError if it does not exist (or was deleted)."""
        return self.state.messages[message_id]

    def messages_in(self, channel_id: int) -> list[JSON]:
        """Messages in a channel, oldest first (interaction replies included)."""
        return self.state.messages_in(channel_id)

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        """Application commands as last synced (global when `guild_id` is None)."""
        return list(self.state.commands.get(guild_id, []))

    async def wait_for(
        self,
        method: str,
        path_regex: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: int = 0,
    ) -> RecordedRequest:
        """The first recorded request from index `after` on (see `requests`) with `method`,
        a path (relative to /api/v10, no query) that fullmatches `path_regex`, and satisfying
        `predicate`; waits up to `timeout` s for it. Raises TimeoutError listing what came."""
        return await self.rest.wait_for(method, path_regex, predicate, timeout=timeout, after=after)

    async def wait_for_callback(
        self, interaction: FakeInteraction | int, *, timeout: float = 5.0
    ) -> InteractionCallback:
        """The bot's callback to `interaction`, once it arrives (at once if it has). Raises
        TimeoutError listing the recorded requests if none comes within `timeout`."""
        interaction_id = interaction.id if isinstance(interaction, FakeInteraction) else interaction
        state = self.state.interactions[interaction_id]
        try:
            return await asyncio.wait_for(asyncio.shield(state.callback), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no callback for interaction {interaction_id} within {timeout}s; "
                f"saw:\n{self.rest.summary()}"
            ) from None

    async def wait_for_reply(self, interaction: FakeInteraction, *, timeout: float = 10.0) -> str | None:
        """The text the member finally sees for ``interaction``: the callback's content, or, when
        the bot deferred (type 5, "thinking", as it does for work slower than 1.5 s on a busy
        machine), the content of the original response once the bot has edited it."""
        callback = await self.wait_for_callback(interaction, timeout=timeout)
        if callback.type != 5:
            return callback.content
        await self.wait_for("PATCH", rf"/webhooks/\d+/{interaction.token}/messages/@original", timeout=timeout)
        return self.message(callback.message_id or 0)["content"]

    @property
    def identify_payloads(self) -> list[JSON]:
        """The `d` of every IDENTIFY received (token, intents, shard, properties...)."""
        return self.gateway.identify_payloads

    # ----------------------------------------------------------------- test controls

    async def dispatch(
        self, event: str, data: JSON, *, timeout: float = 5.0, shard: int | None = None
    ) -> None:
        """Push any gateway event (op 0) to the bot, e.g. MESSAGE_CREATE or GUILD_MEMBER_ADD:
        to the sessions of the shard of `data["guild_id"]` (shard 0 without one), or of
        `shard`; waits up to `timeout` for such a session to have identified."""
        await self.gateway.dispatch(event, data, timeout=timeout, shard=shard)

    async def disconnect(self, code: int = 4000) -> None:
        """Close the bot's gateway session from the server side; a client with reconnect=True
        resumes at READY's resume_gateway_url (see `gateway.resume_payloads`)."""
        await self.gateway.close_all(code)

    @property
    def latency(self) -> float:
        return self.rest.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.rest.latency = seconds

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float = 0.01,
        is_global: bool = False,
        body: JSON | None = None,
    ) -> None:
        """Answer the next `times` calls with `method` whose path fullmatches `path_regex` with
        `status` instead of serving them (recorded with that status).

        Bodies are Discord's: 403 Missing Permissions (50013), 404 Unknown Channel (10003),
        429 `{retry_after, global}` with the `Via` header discord.py needs to retry rather than
        raise; `body` overrides. Faults are consumed in the order they were added.
        """
        self.rest.fail_next(
            method,
            path_regex,
            status,
            times=times,
            retry_after=retry_after,
            is_global=is_global,
            body=body,
        )

    def add_message(
        self,
        channel_id: int,
        content: str = "",
        *,
        components: list[JSON] | None = None,
        author: FakeUser | None = None,
    ) -> JSON:
        """Seed a message as if sent earlier (default author: the bot), e.g. a question posted
        before a restart whose buttons must still work."""
        body = {"content": content, "components": components or []}
        return self.state.store_message(channel_id, body, author=author or self.world.bot)

    # ----------------------------------------------------------------- member actions

    async def slash_command(
        self,
        name: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        user: FakeMember | None = None,
        member_permissions: int | None = None,
        group: str | None = None,
        subcommand: str | None = None,
        channel_id: int | None = None,
        shard: int | None = None,
    ) -> FakeInteraction:
        """`user` (default: alice) runs /name [group] [subcommand] with `options`.

        A command synced to the guild arrives with `data.guild_id`, as Discord sends it; option
        types follow the synced declaration. `member_permissions` overrides the permissions
        computed from the member's roles. `shard` delivers it to that shard's gateway session
        instead of the guild's own. Returns once the dispatch is sent.
        """
        data = command_data(
            self.world,
            name,
            options or {},
            synced=self.state.synced_command(name),
            group=group,
            subcommand=subcommand,
        )
        return await self._push(APPLICATION_COMMAND, data, user, member_permissions, channel_id, shard=shard)

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, OptionValue],
        *,
        focused: str,
        user: FakeMember | None = None,
        group: str | None = None,
        subcommand: str | None = None,
        channel_id: int | None = None,
    ) -> FakeInteraction:
        """`user` is typing option `focused` of /name; `options[focused]` is the text so far.
        The bot's answer is callback type 8 with `choices`."""
        if focused not in options:
            raise KeyError(f"focused option {focused!r} is not among the options")
        data = command_data(
            self.world,
            name,
            options,
            synced=self.state.synced_command(name),
            group=group,
            subcommand=subcommand,
            focused=focused,
        )
        return await self._push(AUTOCOMPLETE, data, user, None, channel_id)

    async def click(
        self,
        message_id: int,
        custom_id: str,
        *,
        user: FakeMember | None = None,
        values: list[str] | None = None,
        member_permissions: int | None = None,
        shard: int | None = None,
    ) -> FakeInteraction:
        """`user` clicks the button (or picks `values` in the select) `custom_id` on a stored
        message. The interaction carries the message as it is now. `shard` delivers it to
        that shard's gateway session instead of the one of the message's guild.

        Raises KeyError for an unknown message, LookupError when the message has no such
        component and ValueError when it is disabled: a member could not have done it.
        """
        message = self.state.messages[message_id]
        component = find_component(message, custom_id)
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        return await self._push(
            MESSAGE_COMPONENT,
            data,
            user,
            member_permissions,
            int(message["channel_id"]),
            message=message,
            shard=shard,
        )

    async def submit_modal(
        self,
        custom_id: str,
        values: Mapping[str, str],
        *,
        user: FakeMember | None = None,
        member_permissions: int | None = None,
        shard: int | None = None,
    ) -> FakeInteraction:
        """`user` submits the modal `custom_id` the bot last showed them, with `values` per
        text input custom_id (to the session of `shard`, when given).

        Raises LookupError when the bot never showed that modal to that user, and KeyError
        for a value naming no field of the modal.
        """
        member = user or self.world.alice
        opener = self.state.modal_opener(custom_id, member.user.id)
        if opener is None:
            raise LookupError(f"no modal {custom_id!r} was shown to {member.user.username}")
        modal = opener.callback.result().data
        data: JSON = {
            "custom_id": custom_id,
            "components": modal_submit_components(modal, values),
        }
        message_id = opener.sent.message_id
        return await self._push(
            MODAL_SUBMIT,
            data,
            member,
            member_permissions,
            opener.sent.channel_id,
            message=self.state.messages.get(message_id) if message_id is not None else None,
            shard=shard,
        )

    async def _push(
        self,
        interaction_type: int,
        data: JSON,
        user: FakeMember | None,
        member_permissions: int | None,
        channel_id: int | None,
        *,
        message: JSON | None = None,
        shard: int | None = None,
    ) -> FakeInteraction:
        member = user or self.world.alice
        guild = self.world.guild if channel_id is None else self.world.guild_of(channel_id)
        if guild is None:
            raise LookupError(f"channel {channel_id} is in no guild")
        channel = guild.text_channel if channel_id is None else guild.channel(channel_id)
        assert channel is not None
        permissions = (
            guild.permissions_of(member)
            if member_permissions is None
            else member_permissions
        )
        sent = FakeInteraction(
            id=snowflake(),
            token=f"itok-{secrets.token_urlsafe(24)}",
            type=interaction_type,
            user=member.user,
            channel_id=channel.id,
            message_id=int(message["id"]) if message is not None else None,
        )
        payload = interaction_payload(
            self.world,
            interaction_id=sent.id,
            token=sent.token,
            interaction_type=interaction_type,
            data=data,
            member=member,
            permissions=permissions,
            channel=channel,
            app_permissions=self.app_permissions,
            message=message,
        )
        self.state.interactions[sent.id] = InteractionState(
            sent, time.monotonic(), asyncio.get_running_loop().create_future()
        )
        self._payloads[sent.id] = payload
        await self.gateway.dispatch("INTERACTION_CREATE", payload, shard=shard)
        return sent

    async def replay(self, interaction: FakeInteraction) -> None:
        """Dispatch `interaction`'s INTERACTION_CREATE again, same id and token, as a gateway
        resume can. Its first callback stays the one recorded (Discord accepts one)."""
        await self.gateway.dispatch("INTERACTION_CREATE", self._payloads[interaction.id])


class DiscordErrorLog(logging.Handler):
    """Collects ERROR records of the `discord` logger: discord.py only logs exceptions raised
    in commands, views, modals and event handlers, so without this a broken handler shows up
    as a timeout. A test that expects an error waits for it and takes it with `take()`.
    Records are expected from the event loop's thread (where discord.py logs)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._logged = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self._logged.set()

    async def wait(self, timeout: float = 5.0) -> None:
        """Return once at least one error is recorded; TimeoutError after `timeout`."""
        await asyncio.wait_for(self._logged.wait(), timeout)

    def take(self) -> list[logging.LogRecord]:
        """The records so far, which then no longer fail the test."""
        taken, self.records = self.records, []
        self._logged.clear()
        return taken


@asynccontextmanager
async def connected(
    client: ClientT, fake: FakeDiscord, *, timeout: float = 5.0
) -> AsyncIterator[ClientT]:
    """Log `client` in to `fake`, run its gateway connection (no reconnects) and yield once it
    is ready; close it and wait for the connection task on exit.

    Raises whatever the connection raised if it ends before ready (e.g. discord.LoginFailure,
    discord.ConnectionClosed), and TimeoutError if ready takes longer than `timeout`. Give the
    client a small `guild_ready_timeout`, or ready waits 2 s for more guilds.
    """
    await client.login(fake.token)
    connection = asyncio.create_task(client.connect(reconnect=False), name="fake-discord-client")
    ready = asyncio.create_task(client.wait_until_ready())
    try:
        done, _ = await asyncio.wait(
            {connection, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if connection in done:
            connection.result()
            raise RuntimeError("the client's connection ended before it was ready")
        if ready not in done:
            raise TimeoutError(f"client not ready within {timeout}s")
        yield client
    finally:
        ready.cancel()
        await client.close()
        await connection
