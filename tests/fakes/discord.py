"""A small fake Discord (gateway websocket + REST v10) that the real discord.py client talks to.

Start it, point `discord.http.Route.BASE` at `api_base` and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` at `gateway_url` (the `fake_discord` fixture
does both), then drive the bot as a member would: `slash_command`, `click`, `submit_modal`,
`autocomplete`. Every REST call is recorded; `wait_for` and `wait_for_callback` return the
record once it exists, so tests never sleep blindly.

What it guarantees, beyond answering with Discord's shapes:
- every JSON answer has Content-Type exactly `application/json` (discord.py parses nothing else);
- interaction callbacks answer with the `with_response=1` body, including the created message;
- Discord's refusals: a second callback for one interaction (400, 40060), a callback after
  `interaction_deadline` (404, 10062), a callback type the interaction cannot take, bodies over
  Discord's size limits (400, 50035), unknown channels (404, 10003) and messages (404, 10008),
  a wrong bot token (401 on REST, close 4004 on the gateway);
- `fail_next` makes the next N matching calls answer 403/404/429/5xx exactly as Discord would
  (429 carries `retry_after` and the `Via` header discord.py needs to retry instead of raising).
It does not enforce privileged intents or rate limits of its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .discord_checks import (
    EPHEMERAL,
    LOADING,
    choices_problems,
    invalid_form_body,
    message_problems,
    walk_components,
)
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
    FakeChannel,
    FakeMember,
    FakeUser,
    FakeWorld,
    default_world,
    iso_now,
    snowflake,
)

if TYPE_CHECKING:
    import discord  # the real library: this module is imported as fakes.discord

JSON = dict[str, Any]

API_PREFIX = "/api/v10"
HEARTBEAT_INTERVAL_MS = 41_250
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | MANAGE_MESSAGES

# Interaction types and the callback types Discord accepts for each.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
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

ERRORS: dict[int, JSON] = {
    400: {"message": "Invalid Form Body", "code": 50035},
    401: {"message": "401: Unauthorized", "code": 0},
    403: {"message": "Missing Permissions", "code": 50013},
    404: {"message": "Unknown Channel", "code": 10003},
    500: {"message": "500: Internal Server Error", "code": 0},
}
UNKNOWN_MESSAGE: JSON = {"message": "Unknown Message", "code": 10008}
UNKNOWN_INTERACTION: JSON = {"message": "Unknown interaction", "code": 10062}
ALREADY_ACKNOWLEDGED: JSON = {
    "message": "Interaction has already been acknowledged.",
    "code": 40060,
}


@dataclass(frozen=True)
class RecordedRequest:
    """One REST call as the fake saw it. `path` is relative to /api/v10, without the query;
    `json` is the JSON body (for multipart, the `payload_json` part), or None; `response` is
    the fake's JSON answer (None for 204)."""

    method: str
    path: str
    query: Mapping[str, str]
    json: Any
    status: int
    response: Any = None


@dataclass(frozen=True)
class FakeInteraction:
    """An interaction the fake pushed; `id` and `token` are what the bot answers to."""

    id: int
    token: str
    type: int
    user: FakeUser
    channel_id: int
    message_id: int | None = None


@dataclass(frozen=True)
class InteractionCallback:
    """The bot's first answer to an interaction (POST .../callback), as sent."""

    interaction_id: int
    type: int
    data: JSON
    message_id: int | None
    """The message the callback created or updated (types 4, 5, 6, 7), else None."""

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
class _Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    body: JSON
    headers: dict[str, str]


@dataclass
class _InteractionState:
    sent: FakeInteraction
    payload: JSON
    created: float
    callback: asyncio.Future[InteractionCallback]
    original_message_id: int | None = None


@dataclass
class _Request:
    method: str
    path: str
    query: Mapping[str, str]
    json: Any
    authorization: str | None


_Handler = Callable[[_Request, re.Match[str]], Awaitable[web.Response]]


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    # aiohttp's json_response appends "; charset=utf-8"; discord.py then treats the body as text.
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def _no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class FakeDiscord:
    """The fake server. Construct, `await start()`, use, `await stop()`.

    `world` describes the bot, its application and the one guild it is in.
    `latency` delays every REST answer by that many seconds.
    `interaction_deadline` is Discord's 3 s window for the first callback.
    """

    world: FakeWorld = field(default_factory=default_world)
    token: str = "fake-bot-token"
    application_flags: int = 0
    latency: float = 0.0
    interaction_deadline: float = 3.0
    app_permissions: int = BOT_PERMISSIONS

    requests: list[RecordedRequest] = field(default_factory=list, init=False)
    messages: dict[int, JSON] = field(default_factory=dict, init=False)
    identify_payloads: list[JSON] = field(default_factory=list, init=False)
    resume_payloads: list[JSON] = field(default_factory=list, init=False)
    gateway_received: list[JSON] = field(default_factory=list, init=False)
    session_id: str = field(default_factory=lambda: secrets.token_hex(16), init=False)

    _commands: dict[int | None, list[JSON]] = field(default_factory=dict, init=False)
    _faults: list[_Fault] = field(default_factory=list, init=False)
    _interactions: dict[int, _InteractionState] = field(default_factory=dict, init=False)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list, init=False)
    _sequence: int = field(default=0, init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)
    _port: int = field(default=0, init=False)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition, init=False)
    _routes: list[tuple[str, re.Pattern[str], _Handler]] = field(default_factory=list, init=False)

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        self._routes = self._route_table()
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close open gateway sockets and the server. Safe to call twice."""
        for ws in list(self._sockets):
            await ws.close(code=1001)
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

    # ----------------------------------------------------------------- test controls

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
        """Answer the next `times` calls matching `method` and `path_regex` (fullmatch on the
        path relative to /api/v10) with `status` instead of serving them.

        Bodies are Discord's: 403 Missing Permissions (50013), 404 Unknown Channel (10003),
        429 with `retry_after`/`global` and the Via header, 400/401/5xx generic; `body`
        overrides. Faults are consumed in the order they were added.
        """
        headers: dict[str, str] = {}
        if status == 429:
            default = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            }
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Scope": "global" if is_global else "user",
            }
            if is_global:
                headers["X-RateLimit-Global"] = "true"
        else:
            default = ERRORS.get(status, {"message": f"{status}", "code": 0})
        self._faults.append(
            _Fault(method.upper(), re.compile(path_regex), status, times, body or default, headers)
        )

    async def wait_for(
        self,
        method: str,
        path_regex: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        timeout: float = 5.0,
        after: int = 0,
    ) -> RecordedRequest:
        """The first recorded request from index `after` on with this method whose path
        fullmatches `path_regex` and satisfies `predicate`, waiting up to `timeout` seconds for
        it. Raises TimeoutError listing what was recorded instead."""
        pattern = re.compile(path_regex)

        def find() -> RecordedRequest | None:
            for request in self.requests[after:]:
                if (
                    request.method == method.upper()
                    and pattern.fullmatch(request.path)
                    and (predicate is None or predicate(request))
                ):
                    return request
            return None

        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(lambda: find() is not None), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no {method} {path_regex} within {timeout}s; saw:\n{self._summary()}"
            ) from None
        found = find()
        assert found is not None
        return found

    async def wait_for_callback(
        self, interaction: FakeInteraction | int, *, timeout: float = 5.0
    ) -> InteractionCallback:
        """The bot's callback to `interaction`, once it arrives (returns at once if it has).
        Raises TimeoutError listing the recorded requests if none comes within `timeout`."""
        interaction_id = interaction.id if isinstance(interaction, FakeInteraction) else interaction
        state = self._interactions[interaction_id]
        try:
            return await asyncio.wait_for(asyncio.shield(state.callback), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"no callback for interaction {interaction_id} within {timeout}s; "
                f"saw:\n{self._summary()}"
            ) from None

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        """Application commands as last synced (global when `guild_id` is None)."""
        return list(self._commands.get(guild_id, []))

    def message(self, message_id: int) -> JSON:
        """A message the bot sent (or `add_message` seeded), as Discord stores it now."""
        return self.messages[message_id]

    def messages_in(self, channel_id: int) -> list[JSON]:
        """Messages in a channel, oldest first."""
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

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
        return self._store_message(
            channel_id,
            {"content": content, "components": components or []},
            author=author or self.world.bot,
        )

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
    ) -> FakeInteraction:
        """`user` (default: alice) runs /name [group] [subcommand] with `options`.

        A command synced to the guild arrives with `data.guild_id`, as Discord sends it; option
        types follow the synced declaration. `member_permissions` overrides the permissions
        computed from the member's roles. Returns once the dispatch is sent.
        """
        data = command_data(
            self.world,
            name,
            options or {},
            synced=self._synced(name),
            group=group,
            subcommand=subcommand,
        )
        return await self._push(APPLICATION_COMMAND, data, user, member_permissions, channel_id)

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
            synced=self._synced(name),
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
    ) -> FakeInteraction:
        """`user` clicks the button (or picks `values` in the select) `custom_id` on a stored
        message. The interaction carries the message as it is now.

        Raises KeyError for an unknown message, LookupError when the message has no such
        component and ValueError when it is disabled: a member could not have done it.
        """
        message = self.messages[message_id]
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
        )

    async def submit_modal(
        self,
        custom_id: str,
        values: Mapping[str, str],
        *,
        user: FakeMember | None = None,
        member_permissions: int | None = None,
    ) -> FakeInteraction:
        """`user` submits the modal `custom_id` the bot last showed them, with `values` per
        text input custom_id.

        Raises LookupError when the bot never showed that modal to that user, and KeyError
        for a value naming no field of the modal.
        """
        member = user or self.world.alice
        opener = next(
            (
                s
                for s in reversed(self._interactions.values())
                if s.callback.done()
                and s.callback.result().type == MODAL
                and s.callback.result().data.get("custom_id") == custom_id
                and s.sent.user.id == member.user.id
            ),
            None,
        )
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
            message=self.messages.get(message_id) if message_id is not None else None,
        )

    def _synced(self, name: str) -> JSON | None:
        for key in (self.world.guild.id, None):
            for command in self._commands.get(key, []):
                if command["name"] == name:
                    return command
        return None

    async def _push(
        self,
        interaction_type: int,
        data: JSON,
        user: FakeMember | None,
        member_permissions: int | None,
        channel_id: int | None,
        *,
        message: JSON | None = None,
    ) -> FakeInteraction:
        member = user or self.world.alice
        channel = (
            self.world.guild.text_channel if channel_id is None else self._channel(str(channel_id))
        )
        if channel is None:
            raise LookupError(f"channel {channel_id} is not in the guild")
        permissions = (
            self.world.guild.permissions_of(member)
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
        self._interactions[sent.id] = _InteractionState(
            sent, payload, time.monotonic(), asyncio.get_running_loop().create_future()
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return sent

    # ----------------------------------------------------------------- gateway

    async def dispatch(self, event: str, data: JSON, *, timeout: float = 5.0) -> None:
        """Send an op 0 dispatch with the next sequence number to every identified session,
        waiting up to `timeout` for a client to identify first."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._sockets)), timeout)
        for ws in list(self._sockets):
            await self._send_dispatch(ws, event, data)

    async def disconnect(self, code: int = 4000) -> None:
        """Close every gateway session from the server side (a client with reconnect=True
        then resumes at READY's resume_gateway_url)."""
        for ws in list(self._sockets):
            await ws.close(code=code)

    async def _send_dispatch(self, ws: web.WebSocketResponse, event: str, data: JSON) -> None:
        self._sequence += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                self.gateway_received.append(message)
                await self._on_gateway_message(ws, message)
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
        return ws

    async def _on_gateway_message(self, ws: web.WebSocketResponse, message: JSON) -> None:
        op, data = message.get("op"), message.get("d")
        if op == 1:
            await ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            self.identify_payloads.append(data)
            if data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            await self._send_dispatch(ws, "READY", self._ready_payload(data))
            await self._send_dispatch(
                ws, "GUILD_CREATE", self.world.guild.create_payload(FakeMember(self.world.bot))
            )
            await self._identified(ws)
        elif op == 6:
            self.resume_payloads.append(data)
            await self._send_dispatch(ws, "RESUMED", {})
            await self._identified(ws)
        elif op == 8:
            guild = self.world.guild
            chunk = {
                "guild_id": str(guild.id),
                "members": [m.payload() for m in guild.all_members()],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": data.get("nonce"),
            }
            await self._send_dispatch(ws, "GUILD_MEMBERS_CHUNK", chunk)

    async def _identified(self, ws: web.WebSocketResponse) -> None:
        async with self._changed:
            self._sockets.append(ws)
            self._changed.notify_all()

    def _ready_payload(self, identify: JSON) -> JSON:
        return {
            "v": 10,
            "user": self.world.bot.payload() | {"verified": True, "mfa_enabled": False},
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": str(self.world.guild.id), "unavailable": True}],
            "application": {"id": str(self.world.application_id), "flags": self.application_flags},
            "shard": identify.get("shard", [0, 1]),
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }

    # ----------------------------------------------------------------- REST plumbing

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.content_type == "application/json" and request.can_read_body:
            body = await request.json()
        elif request.content_type == "multipart/form-data":
            form = await request.post()
            raw = form.get("payload_json")
            body = json.loads(raw) if isinstance(raw, str) else None
        parsed = _Request(
            request.method, path, dict(request.query), body, request.headers.get("Authorization")
        )
        if self.latency:
            await asyncio.sleep(self.latency)
        response = await self._serve(parsed)
        async with self._changed:
            answer = json.loads(response.body) if isinstance(response.body, bytes) else None
            self.requests.append(
                RecordedRequest(parsed.method, path, parsed.query, body, response.status, answer)
            )
            self._changed.notify_all()
        return response

    async def _serve(self, request: _Request) -> web.Response:
        for fault in self._faults:
            if fault.method == request.method and fault.pattern.fullmatch(request.path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return _json(fault.body, fault.status, fault.headers)
        token_free = request.path.startswith(("/webhooks/", "/interactions/"))
        if not token_free and request.authorization != f"Bot {self.token}":
            return _json(ERRORS[401], 401)
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return await handler(request, match)
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _route_table(self) -> list[tuple[str, re.Pattern[str], _Handler]]:
        app = r"/applications/(?P<app>\d+)"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        table: list[tuple[str, str, _Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("GET", r"/oauth2/applications/@me", self._get_application),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway),
            ("GET", r"/channels/(?P<channel>\d+)", self._get_channel),
            ("GET", r"/channels/(?P<channel>\d+)/messages", self._list_messages),
            ("POST", r"/channels/(?P<channel>\d+)/messages", self._create_message),
            ("GET", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._get_message),
            ("PATCH", r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)", self._edit_message),
            (
                "DELETE",
                r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)",
                self._delete_message,
            ),
            ("POST", r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback", self._callback),
            ("POST", hook, self._followup),
            ("GET", hook + r"/messages/(?P<message>@original|\d+)", self._get_hook_message),
            ("PATCH", hook + r"/messages/(?P<message>@original|\d+)", self._edit_hook_message),
            ("DELETE", hook + r"/messages/(?P<message>@original|\d+)", self._delete_hook_message),
            ("GET", app + r"(?:/guilds/(?P<guild>\d+))?/commands", self._get_commands),
            ("PUT", app + r"(?:/guilds/(?P<guild>\d+))?/commands", self._put_commands),
            ("POST", app + r"(?:/guilds/(?P<guild>\d+))?/commands", self._post_command),
        ]
        return [(method, re.compile(regex), handler) for method, regex, handler in table]

    def _summary(self) -> str:
        lines = [f"  {r.method} {r.path} -> {r.status}" for r in self.requests[-20:]]
        return "\n".join(lines) or "  (no requests)"

    # ----------------------------------------------------------------- REST: identity

    async def _get_me(self, request: _Request, match: re.Match[str]) -> web.Response:
        return _json(self.world.bot.payload() | {"verified": True, "mfa_enabled": False})

    async def _get_application(self, request: _Request, match: re.Match[str]) -> web.Response:
        return _json(
            {
                "id": str(self.world.application_id),
                "name": self.world.bot.username,
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.world.guild.owner.user.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": self.application_flags,
                "interactions_endpoint_url": None,
                "bot": self.world.bot.payload(),
            }
        )

    async def _get_gateway(self, request: _Request, match: re.Match[str]) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    # ----------------------------------------------------------------- REST: messages

    def _channel(self, channel_id: str) -> FakeChannel | None:
        return self.world.guild.channel(int(channel_id))

    def _store_message(
        self,
        channel_id: int,
        body: JSON,
        *,
        author: FakeUser,
        interaction: FakeInteraction | None = None,
        extra_flags: int = 0,
    ) -> JSON:
        message: JSON = {
            "id": str(snowflake()),
            "channel_id": str(channel_id),
            "guild_id": str(self.world.guild.id),
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
            message["webhook_id"] = str(self.world.application_id)
            message["application_id"] = str(self.world.application_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": {"0": str(self.world.guild.id)},
            }
        self.messages[int(message["id"])] = message
        return message

    def _apply_edit(self, message: JSON, body: JSON) -> JSON:
        for key in ("content", "embeds", "components", "attachments"):
            if key in body and body[key] is not None:
                message[key] = body[key]
        if "flags" in body and body["flags"] is not None:
            message["flags"] = int(body["flags"]) | (int(message["flags"]) & EPHEMERAL)
        message["flags"] = int(message["flags"]) & ~LOADING
        message["edited_timestamp"] = iso_now()
        return message

    async def _get_channel(self, request: _Request, match: re.Match[str]) -> web.Response:
        channel = self._channel(match["channel"])
        if channel is None:
            return _json(ERRORS[404], 404)
        return _json(channel.payload(self.world.guild.id))

    async def _list_messages(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        limit = int(request.query.get("limit", "50"))
        newest_first = list(reversed(self.messages_in(int(match["channel"]))))
        return _json(newest_first[:limit])

    async def _create_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        body = request.json or {}
        if problems := message_problems(body):
            return _json(invalid_form_body(problems), 400)
        return _json(self._store_message(int(match["channel"]), body, author=self.world.bot))

    def _find_message(self, channel_id: str, message_id: str) -> JSON | None:
        message = self.messages.get(int(message_id))
        if message is None or message["channel_id"] != channel_id:
            return None
        return message

    async def _get_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        message = self._find_message(match["channel"], match["message"])
        return _json(message) if message else _json(UNKNOWN_MESSAGE, 404)

    async def _edit_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        message = self._find_message(match["channel"], match["message"])
        if message is None:
            return _json(UNKNOWN_MESSAGE, 404)
        body = request.json or {}
        if problems := message_problems(body):
            return _json(invalid_form_body(problems), 400)
        return _json(self._apply_edit(message, body))

    async def _delete_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        if self._find_message(match["channel"], match["message"]) is None:
            return _json(UNKNOWN_MESSAGE, 404)
        del self.messages[int(match["message"])]
        return _no_content()

    # ----------------------------------------------------------------- REST: interactions

    async def _callback(self, request: _Request, match: re.Match[str]) -> web.Response:
        state = self._interactions.get(int(match["id"]))
        if state is None or state.sent.token != match["token"]:
            return _json(UNKNOWN_INTERACTION, 404)
        if time.monotonic() - state.created > self.interaction_deadline:
            return _json(UNKNOWN_INTERACTION, 404)
        if state.callback.done():
            return _json(ALREADY_ACKNOWLEDGED, 400)
        body = request.json or {}
        callback_type = int(body.get("type", 0))
        data: JSON = body.get("data") or {}
        if callback_type not in ALLOWED_CALLBACKS.get(state.sent.type, frozenset()):
            return _json(
                {"message": "Interaction response type is not allowed here", "code": 50035}, 400
            )
        checks = choices_problems if callback_type == AUTOCOMPLETE_RESULT else message_problems
        if problems := checks(data):
            return _json(invalid_form_body(problems), 400)

        sent = state.sent
        message: JSON | None = None
        if callback_type in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            loading = LOADING if callback_type == DEFERRED_CHANNEL_MESSAGE else 0
            message = self._store_message(
                sent.channel_id, data, author=self.world.bot, interaction=sent, extra_flags=loading
            )
        elif callback_type in (DEFERRED_UPDATE, UPDATE_MESSAGE) and sent.message_id is not None:
            message = self.messages.get(sent.message_id)
            if message is not None and callback_type == UPDATE_MESSAGE:
                self._apply_edit(message, data)
        if message is not None:
            state.original_message_id = int(message["id"])
        state.callback.set_result(
            InteractionCallback(sent.id, callback_type, data, state.original_message_id)
        )

        answer: JSON = {
            "interaction": {
                "id": str(sent.id),
                "type": sent.type,
                "response_message_loading": callback_type == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if message is not None:
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": callback_type, "message": message}
        return _json(answer)

    def _state_for_token(self, app_id: str, token: str) -> _InteractionState | None:
        if int(app_id) != self.world.application_id:
            return None
        return next((s for s in self._interactions.values() if s.sent.token == token), None)

    def _hook_message(self, match: re.Match[str]) -> JSON | None:
        state = self._state_for_token(match["app"], match["token"])
        if state is None:
            return None
        if match["message"] == "@original":
            if state.original_message_id is None:
                return None
            return self.messages.get(state.original_message_id)
        return self.messages.get(int(match["message"]))

    async def _followup(self, request: _Request, match: re.Match[str]) -> web.Response:
        state = self._state_for_token(match["app"], match["token"])
        if state is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        if not state.callback.done():
            return _json(UNKNOWN_INTERACTION, 404)
        body = request.json or {}
        if problems := message_problems(body):
            return _json(invalid_form_body(problems), 400)
        message = self._store_message(
            state.sent.channel_id, body, author=self.world.bot, interaction=state.sent
        )
        return _json(message) if request.query.get("wait") in ("1", "true") else _no_content()

    async def _get_hook_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        message = self._hook_message(match)
        return _json(message) if message else _json(UNKNOWN_MESSAGE, 404)

    async def _edit_hook_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        message = self._hook_message(match)
        if message is None:
            return _json(UNKNOWN_MESSAGE, 404)
        body = request.json or {}
        if problems := message_problems(body):
            return _json(invalid_form_body(problems), 400)
        return _json(self._apply_edit(message, body))

    async def _delete_hook_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        message = self._hook_message(match)
        if message is None:
            return _json(UNKNOWN_MESSAGE, 404)
        del self.messages[int(message["id"])]
        return _no_content()

    # ----------------------------------------------------------------- REST: commands

    def _stored_command(self, body: JSON, guild: str | None, existing: JSON | None) -> JSON:
        command = {
            "type": 1,
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **body,
            "id": existing["id"] if existing else str(snowflake()),
            "application_id": str(self.world.application_id),
            "version": str(snowflake()),
        }
        if guild is not None:
            command["guild_id"] = guild
        return command

    async def _get_commands(self, request: _Request, match: re.Match[str]) -> web.Response:
        guild = match["guild"]
        return _json(self.commands(int(guild) if guild else None))

    async def _put_commands(self, request: _Request, match: re.Match[str]) -> web.Response:
        guild = match["guild"]
        key = int(guild) if guild else None
        old = {c["name"]: c for c in self._commands.get(key, [])}
        bodies: list[JSON] = request.json or []
        self._commands[key] = [self._stored_command(b, guild, old.get(b["name"])) for b in bodies]
        return _json(self._commands[key])

    async def _post_command(self, request: _Request, match: re.Match[str]) -> web.Response:
        guild = match["guild"]
        key = int(guild) if guild else None
        body: JSON = request.json or {}
        commands = self._commands.setdefault(key, [])
        old = next((c for c in commands if c["name"] == body.get("name")), None)
        command = self._stored_command(body, guild, old)
        if old is not None:
            commands.remove(old)
        commands.append(command)
        return _json(command, 200 if old else 201)


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
    client: discord.Client, fake: FakeDiscord, *, timeout: float = 5.0
) -> AsyncIterator[discord.Client]:
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
