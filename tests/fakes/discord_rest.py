"""The REST half of the fake Discord: /api/v10 routes discord.py calls, with Discord's answers,
refusals and injected faults, every call recorded.

Every JSON answer has Content-Type exactly `application/json`: discord.py parses nothing else
(aiohttp's `json_response` appends a charset, and login then fails with a confusing TypeError).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .discord_checks import (
    EPHEMERAL,
    LOADING,
    choices_problems,
    invalid_form_body,
    message_problems,
)
from .discord_payloads import FakeChannel, snowflake
from .discord_state import (
    ALLOWED_CALLBACKS,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    UPDATE_MESSAGE,
    DiscordState,
    InteractionCallback,
)

JSON = dict[str, Any]

API_PREFIX = "/api/v10"

ERRORS: dict[int, JSON] = {
    400: {"message": "Invalid Form Body", "code": 50035},
    401: {"message": "401: Unauthorized", "code": 0},
    403: {"message": "Missing Permissions", "code": 50013},
    404: {"message": "Unknown Channel", "code": 10003},
    500: {"message": "500: Internal Server Error", "code": 0},
}
UNKNOWN_MESSAGE: JSON = {"message": "Unknown Message", "code": 10008}
UNKNOWN_WEBHOOK: JSON = {"message": "Unknown Webhook", "code": 10015}
UNKNOWN_INTERACTION: JSON = {"message": "Unknown interaction", "code": 10062}
ALREADY_ACKNOWLEDGED: JSON = {
    "message": "Interaction has already been acknowledged.",
    "code": 40060,
}
WRONG_CALLBACK_TYPE: JSON = {
    "message": "Interaction response type is not allowed here",
    "code": 50035,
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
    files: tuple[UploadedFile, ...] = ()
    """The file parts of a multipart request (``files[n]``), in order."""


@dataclass(frozen=True)
class UploadedFile:
    """One ``files[n]`` part of a multipart request: what Discord stores as an attachment."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class _Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    remaining: int
    body: JSON
    headers: dict[str, str]


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: Mapping[str, str]
    json: Any
    authorization: str | None
    files: tuple[UploadedFile, ...] = ()


_Handler = Callable[[_Request, re.Match[str]], Awaitable[web.Response]]


def _attachments(body: JSON, files: tuple[UploadedFile, ...]) -> list[JSON] | str:
    """The attachments of a create-message request, as Discord returns them: each entry of the
    payload's ``attachments`` (``{"id": n, "filename", "description"}``) needs its ``files[n]``
    part, and every file part needs an entry. Returns the problem instead when one is missing."""
    parts = {f.field: f for f in files}
    listed = body.get("attachments") or []
    stored: list[JSON] = []
    for entry in listed:
        part = parts.pop(f"files[{entry.get('id')}]", None)
        if part is None:
            return f"no file part files[{entry.get('id')}] for attachment {entry!r}"
        attachment_id = str(snowflake())
        filename = str(entry.get("filename") or part.filename)
        stored.append({"id": attachment_id, "filename": filename, "size": len(part.data),
                       "content_type": part.content_type, "description": entry.get("description"),
                       "url": f"https://cdn.discordapp.com/attachments/{attachment_id}/{filename}",
                       "proxy_url": f"https://media.discordapp.net/attachments/{attachment_id}/{filename}"})
    if parts:
        return f"file parts without an attachment entry: {sorted(parts)}"
    return stored


def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def _no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class FakeRest:
    """Serves /api/v10/{tail} (mount `handle`). `gateway_url` is what GET /gateway answers;
    `latency` delays every answer; `interaction_deadline` is Discord's 3 s window for the first
    callback."""

    state: DiscordState
    token: str
    gateway_url: str
    application_flags: int = 0
    latency: float = 0.0
    interaction_deadline: float = 3.0
    requests: list[RecordedRequest] = field(default_factory=list)
    uploads: list[tuple[str, str, bytes]] = field(default_factory=list)
    """(path, filename, bytes) of every file part of a multipart request, in order."""
    _faults: list[_Fault] = field(default_factory=list)
    _routes: list[tuple[str, re.Pattern[str], _Handler]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._routes = self._route_table()

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
            async with self.state.changed:
                await asyncio.wait_for(
                    self.state.changed.wait_for(lambda: find() is not None), timeout
                )
        except TimeoutError:
            raise TimeoutError(
                f"no {method} {path_regex} within {timeout}s; saw:\n{self.summary()}"
            ) from None
        found = find()
        assert found is not None
        return found

    async def handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[UploadedFile] = []
        if request.content_type == "application/json" and request.can_read_body:
            body = await request.json()
        elif request.content_type == "multipart/form-data":
            form = await request.post()
            raw = form.get("payload_json")
            body = json.loads(raw) if isinstance(raw, str) else None
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    files.append(UploadedFile(key, value.filename, value.content_type, data))
                    self.uploads.append((path, value.filename, data))
        parsed = _Request(
            request.method, path, dict(request.query), body, request.headers.get("Authorization"), tuple(files)
        )
        if self.latency:
            await asyncio.sleep(self.latency)
        response = await self._serve(parsed)
        async with self.state.changed:
            answer = json.loads(response.body) if isinstance(response.body, bytes) else None
            self.requests.append(
                RecordedRequest(parsed.method, path, parsed.query, body, response.status, answer, parsed.files)
            )
            self.state.changed.notify_all()
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

    def summary(self) -> str:
        lines = [f"  {r.method} {r.path} -> {r.status}" for r in self.requests[-20:]]
        return "\n".join(lines) or "  (no requests)"

    # ----------------------------------------------------------------- REST: identity

    async def _get_me(self, request: _Request, match: re.Match[str]) -> web.Response:
        return _json(self.state.world.bot.payload() | {"verified": True, "mfa_enabled": False})

    async def _get_application(self, request: _Request, match: re.Match[str]) -> web.Response:
        return _json(
            {
                "id": str(self.state.world.application_id),
                "name": self.state.world.bot.username,
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.state.world.guild.owner.user.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": self.application_flags,
                "interactions_endpoint_url": None,
                "bot": self.state.world.bot.payload(),
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
        guild = self.state.world.guild_of(int(channel_id))
        return guild.channel(int(channel_id)) if guild is not None else None

    async def _get_channel(self, request: _Request, match: re.Match[str]) -> web.Response:
        channel = self._channel(match["channel"])
        if channel is None:
            return _json(ERRORS[404], 404)
        guild = self.state.world.guild_of(channel.id) or self.state.world.guild
        return _json(channel.payload(guild.id))

    async def _list_messages(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        limit = int(request.query.get("limit", "50"))
        newest_first = list(reversed(self.state.messages_in(int(match["channel"]))))
        return _json(newest_first[:limit])

    async def _create_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        body = request.json or {}
        if problems := message_problems(body):
            return _json(invalid_form_body(problems), 400)
        attachments = _attachments(body, request.files)
        if isinstance(attachments, str):
            return _json(invalid_form_body({"attachments": attachments}), 400)
        message = self.state.store_message(int(match["channel"]), body, author=self.state.world.bot)
        message["attachments"] = attachments
        return _json(message)

    def _find_message(self, channel_id: str, message_id: str) -> JSON | None:
        message = self.state.messages.get(int(message_id))
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
        return _json(self.state.apply_edit(message, body))

    async def _delete_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        if self._channel(match["channel"]) is None:
            return _json(ERRORS[404], 404)
        if self._find_message(match["channel"], match["message"]) is None:
            return _json(UNKNOWN_MESSAGE, 404)
        del self.state.messages[int(match["message"])]
        return _no_content()

    # ----------------------------------------------------------------- REST: interactions

    async def _callback(self, request: _Request, match: re.Match[str]) -> web.Response:
        state = self.state.interactions.get(int(match["id"]))
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
            return _json(WRONG_CALLBACK_TYPE, 400)
        checks = choices_problems if callback_type == AUTOCOMPLETE_RESULT else message_problems
        if problems := checks(data):
            return _json(invalid_form_body(problems), 400)

        sent = state.sent
        message: JSON | None = None
        if callback_type in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            loading = LOADING if callback_type == DEFERRED_CHANNEL_MESSAGE else 0
            message = self.state.store_message(
                sent.channel_id,
                data,
                author=self.state.world.bot,
                interaction=sent,
                extra_flags=loading,
            )
        elif callback_type in (DEFERRED_UPDATE, UPDATE_MESSAGE) and sent.message_id is not None:
            message = self.state.messages.get(sent.message_id)
            if message is not None and callback_type == UPDATE_MESSAGE:
                self.state.apply_edit(message, data)
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

    def _hook_message(self, match: re.Match[str]) -> JSON | None:
        state = self.state.interaction_by_token(match["app"], match["token"])
        if state is None:
            return None
        if match["message"] == "@original":
            if state.original_message_id is None:
                return None
            return self.state.messages.get(state.original_message_id)
        return self.state.messages.get(int(match["message"]))

    async def _followup(self, request: _Request, match: re.Match[str]) -> web.Response:
        state = self.state.interaction_by_token(match["app"], match["token"])
        if state is None:
            return _json(UNKNOWN_WEBHOOK, 404)
        if not state.callback.done():
            return _json(UNKNOWN_INTERACTION, 404)
        body = request.json or {}
        if problems := message_problems(body):
            return _json(invalid_form_body(problems), 400)
        message = self.state.store_message(
            state.sent.channel_id, body, author=self.state.world.bot, interaction=state.sent
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
        return _json(self.state.apply_edit(message, body))

    async def _delete_hook_message(self, request: _Request, match: re.Match[str]) -> web.Response:
        message = self._hook_message(match)
        if message is None:
            return _json(UNKNOWN_MESSAGE, 404)
        del self.state.messages[int(message["id"])]
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
            "application_id": str(self.state.world.application_id),
            "version": str(snowflake()),
        }
        if guild is not None:
            command["guild_id"] = guild
        return command

    async def _get_commands(self, request: _Request, match: re.Match[str]) -> web.Response:
        guild = match["guild"]
        return _json(self.state.commands.get(int(guild) if guild else None, []))

    async def _put_commands(self, request: _Request, match: re.Match[str]) -> web.Response:
        guild = match["guild"]
        key = int(guild) if guild else None
        old = {c["name"]: c for c in self.state.commands.get(key, [])}
        bodies: list[JSON] = request.json or []
        self.state.commands[key] = [
            self._stored_command(b, guild, old.get(b["name"])) for b in bodies
        ]
        return _json(self.state.commands[key])

    async def _post_command(self, request: _Request, match: re.Match[str]) -> web.Response:
        guild = match["guild"]
        key = int(guild) if guild else None
        body: JSON = request.json or {}
        commands = self.state.commands.setdefault(key, [])
        old = next((c for c in commands if c["name"] == body.get("name")), None)
        command = self._stored_command(body, guild, old)
        if old is not None:
            commands.remove(old)
        commands.append(command)
        return _json(command, 200 if old else 201)
