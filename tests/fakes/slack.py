"""A fake Slack on 127.0.0.1 for end-to-end tests through the real slack-sdk / slack-bolt.

It serves three things on one free port:

* the Web API under ``/api/<method>`` (what ``AsyncWebClient(base_url=fake.api_url)`` calls),
* ``response_url`` endpoints under ``/response/<n>`` (what bolt's ``respond()`` posts to),
* a Socket Mode websocket at ``/socket`` (what ``apps.connections.open`` hands out).

Every request is recorded in the order it was answered, so tests wait for a record
(``await fake.wait_for("chat.postMessage")``) instead of sleeping. Failures, rate limits
and latency are opt-in per method; by default every call succeeds at once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import WSMsgType, web

from .slack_oauth import Installs
from .slack_workspace import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    BOT_USER_NAME,
    CHANNEL_ID,
    MEMBER_ID,
    TEAM_ID,
    TEAM_NAME,
    TEAM_URL,
    Args,
    SharedFile,
    SlackError,
    Workspace,
)

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "BOT_USER_NAME",
    "CHANNEL_ID",
    "MEMBER_ID",
    "RESPONSE_URL_METHOD",
    "TEAM_ID",
    "TEAM_NAME",
    "TEAM_URL",
    "ApiCall",
    "FakeSlack",
    "SharedFile",
]

RESPONSE_URL_METHOD = "response_url"
"""The method name under which posts to a ``fake.response_url()`` are recorded."""

DEFAULT_TIMEOUT = 5.0

# Slack accepts these arguments as JSON strings in form bodies; the fake decodes them so
# that tests see the same structure whichever encoding the client chose.
_JSON_ARGS = frozenset({"attachments", "blocks", "files", "metadata", "view"})
Predicate = Callable[[Args], bool]
_T = TypeVar("_T")


@dataclass(frozen=True)
class ApiCall:
    """One request the fake answered.

    ``args`` merges query string, form fields and JSON body, minus the token;
    ``error`` is the Slack error the fake replied with, or None when it replied ``ok``;
    ``response_id`` the ``<id>`` of a post to ``/response/<id>`` (a ``response_url``).
    """

    method: str
    args: Args
    token: str | None
    error: str | None
    response_id: str | None = None


@dataclass(frozen=True)
class _Ack:
    message: Args  # wrapped: an empty dict would read as "not yet" to Condition.wait_for


@dataclass
class _Fault:
    error: str
    status: int
    retry_after: int | None
    remaining: int | None  # None: until clear_faults()


class FakeSlack:
    """A Slack workspace with one bot, served over real HTTP and websockets.

    Use as ``async with FakeSlack() as fake:`` (or the ``fake_slack`` fixture). The bot is
    ``BOT_USER_ID``/``BOT_ID`` in team ``TEAM_ID``. Calls without a token are answered
    ``not_authed``; ``apps.connections.open`` wants an ``xapp-`` token and answers
    ``not_allowed_token_type`` otherwise, as Slack does. Messages are validated against a
    subset of Slack's rules (channel, text or blocks, 50 blocks, 3,000-char section
    text, 2,000-char button value); a breach is answered ``invalid_blocks`` etc.
    """

    def __init__(self, *, latency: float = 0.0) -> None:
        """``latency`` delays every answer by that many seconds (see ``set_latency``)."""
        self._latency: dict[str | None, float] = {None: latency}
        self._faults: dict[str, list[_Fault]] = {}
        self._api_calls: list[ApiCall] = []
        self._workspace = Workspace()
        self._response_urls = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, Args] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self.socket_connections = 0
        """How many websocket connections clients have opened so far."""

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1; returns once requests are accepted."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._handle_api)
        app.router.add_get("/api/{method}", self._handle_api)
        app.router.add_post("/response/{id}", self._handle_response_url)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket", self._handle_socket)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._workspace.socket_url = self.socket_url
        self._workspace.upload_base = f"{self.base_url}/upload"

    async def stop(self) -> None:
        """Close open websockets (code 1001) and stop serving. Safe to call twice."""
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"fake slack stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeSlack is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The ``base_url`` for ``AsyncWebClient``, trailing slash included (slack-sdk needs it)."""
        return f"{self.base_url}/api/"

    @property
    def socket_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/socket"

    def response_url(self, owner: str | None = None) -> str:
        """A fresh ``response_url``; posts to it are recorded as ``RESPONSE_URL_METHOD``. With
        ``owner`` (e.g. a user id) every post to it is recorded with that ``response_id``."""
        return f"{self.base_url}/response/{owner or next(self._response_urls)}"

    def ephemerals_to(self, user_id: str) -> list[Args]:
        """What ``user_id`` alone was shown: ``chat.postEphemeral`` to them, and posts to
        ``response_url(user_id)``, in order."""
        return [c.args for c in self._api_calls if c.error is None and (
            (c.method == "chat.postEphemeral" and c.args.get("user") == user_id)
            or (c.method == RESPONSE_URL_METHOD and c.response_id == user_id))]

    async def wait_for_ephemeral(self, user_id: str, predicate: Predicate | None = None,
                                 timeout: float = DEFAULT_TIMEOUT) -> Args:
        """The first of :meth:`ephemerals_to` ``user_id`` that ``predicate`` accepts (waits for it)."""
        def find() -> Args | None:
            return next((a for a in self.ephemerals_to(user_id) if predicate is None or predicate(a)), None)

        return await self._until(find, timeout, f"no ephemeral to {user_id}")

    # -- configuration -----------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str = "internal_error",
        *,
        times: int | None = 1,
        status: int = 200,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``.

        ``times=None`` fails every call until ``clear_faults()``. Slack reports most errors
        with HTTP 200; pass ``status`` for the others. Faults queue up in order, so
        ``fail(m, "a"); fail(m, "b")`` fails the next call with ``a`` and the one after
        with ``b``. Example: ``fail("auth.test", "invalid_auth", times=None)``.
        """
        self._add_fault(method, _Fault(error, status, None, times))

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int | None = 1) -> None:
        """Answer the next ``times`` calls of ``method`` as Slack does when rate limited:
        HTTP 429, a ``Retry-After`` header in seconds, ``{"ok": false, "error": "ratelimited"}``.
        """
        self._add_fault(method, _Fault("ratelimited", 429, retry_after, times))

    def clear_faults(self) -> None:
        self._faults.clear()

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay answers to ``method`` (or to every method without its own setting).

        Tests of error paths need a few tens of milliseconds: bolt 1.30 can lose an
        ``ack()`` when the handler raises within ~10 ms of it.
        """
        self._latency[method] = seconds

    def add_user(self, user_id: str, **fields: Any) -> None:
        """Override what ``users.info`` answers for ``user_id`` (merged into the default)."""
        self._workspace.add_user(user_id, fields)

    @property
    def installs(self) -> Installs:
        """Workspaces installing the app through OAuth (codes, per-team tokens, rotation)."""
        return self._workspace.installs

    def add_channel(self, channel_id: str, **fields: Any) -> None:
        """Override what ``conversations.info`` answers for ``channel_id``."""
        self._workspace.add_channel(channel_id, fields)

    # -- inspection --------------------------------------------------------------------

    @property
    def shared_files(self) -> list[SharedFile]:
        """Files completed by ``files.completeUploadExternal`` (the external upload flow), in order."""
        return list(self._workspace.shared_files)

    @property
    def api_calls(self) -> list[ApiCall]:
        """Every call so far, in the order answered (a copy)."""
        return list(self._api_calls)

    def calls(self, method: str) -> list[Args]:
        """The args of every call of ``method`` so far, failed ones included, in order."""
        return [call.args for call in self._api_calls if call.method == method]

    async def wait_for(
        self,
        method: str,
        predicate: Predicate | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Args:
        """The args of the first call of ``method`` (matching ``predicate``, if given).

        Calls answered before this was awaited count, so there is no race between
        triggering a call and waiting for it. Failed calls count too. Raises
        AssertionError listing the calls seen if none arrives within ``timeout`` seconds.
        """

        def find() -> ApiCall | None:
            for call in self._api_calls:
                if call.method == method and (predicate is None or predicate(call.args)):
                    return call
            return None

        found = await self._until(find, timeout, f"no {method} call matched")
        return found.args

    # -- Socket Mode -------------------------------------------------------------------

    async def wait_for_socket(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Return once a client holds an open websocket (``hello`` already sent to it)."""
        await self._until(
            lambda: True if self._sockets else None, timeout, "no Socket Mode client connected"
        )

    async def socket_send(self, envelope: Mapping[str, Any], timeout: float = DEFAULT_TIMEOUT) -> str:
        """Push ``envelope`` as JSON to the newest connected client; returns its envelope_id.

        Waits up to ``timeout`` for a client to connect first. Any dict is sent as is, so
        ``{"type": "disconnect", "reason": "refresh_requested"}`` works too.
        """
        await self.wait_for_socket(timeout)
        await self._sockets[-1].send_str(json.dumps(envelope))
        return str(envelope.get("envelope_id", ""))

    async def wait_for_ack(self, envelope_id: str, timeout: float = DEFAULT_TIMEOUT) -> Args:
        """The client's ack ``{"envelope_id": ..., "payload"?: ...}`` for ``envelope_id``.

        Bolt acks only when the listener called ``ack()`` and dispatch answered 200; an
        unhandled envelope (bolt's 404) is never acked, and this raises AssertionError.
        """

        def find() -> _Ack | None:
            ack = self._acks.get(envelope_id)
            return None if ack is None else _Ack(ack)

        found = await self._until(find, timeout, f"no ack for envelope {envelope_id}")
        return found.message

    # -- internals ---------------------------------------------------------------------

    async def _until(self, check: Callable[[], _T | None], timeout: float, failure: str) -> _T:
        """The first non-None result of ``check``, re-run whenever the fake records something."""
        async with self._changed:
            try:
                found = await asyncio.wait_for(self._changed.wait_for(check), timeout)
            except TimeoutError:
                seen = [(call.method, call.error or "ok") for call in self._api_calls]
                raise AssertionError(f"{failure} within {timeout}s; calls seen: {seen}") from None
        assert found is not None
        return found

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _add_fault(self, method: str, fault: _Fault) -> None:
        self._faults.setdefault(method, []).append(fault)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.pop(0)
        return fault

    async def _record(self, method: str, args: Args, token: str | None, error: str | None,
                      response_id: str | None = None) -> None:
        self._api_calls.append(ApiCall(method, args, token, error, response_id))
        await self._notify()

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        token = _bearer(request) or args.pop("token", None)
        basic = _basic(request)
        delay = self._latency.get(method, self._latency[None])
        if delay > 0:
            await asyncio.sleep(delay)
        fault = self._take_fault(method)
        if fault is not None:
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            await self._record(method, args, token, fault.error)
            return web.json_response(
                {"ok": False, "error": fault.error}, status=fault.status, headers=headers
            )
        try:
            body = self._workspace.answer(method, args, token, basic)
        except SlackError as e:
            await self._record(method, args, token, e.error)
            return web.json_response({"ok": False, "error": e.error})
        await self._record(method, args, token, None)
        return web.json_response({"ok": True, **body})

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        """A ``response_url`` post; ``set_latency`` and ``fail`` apply under ``RESPONSE_URL_METHOD``
        (a fault answers its HTTP ``status``, 404 when that is 200, with the error as text, as
        Slack answers an expired or overused URL)."""
        args = await _read_args(request)
        delay = self._latency.get(RESPONSE_URL_METHOD, self._latency[None])
        if delay > 0:
            await asyncio.sleep(delay)
        response_id = request.match_info["id"]
        fault = self._take_fault(RESPONSE_URL_METHOD)
        if fault is not None:
            await self._record(RESPONSE_URL_METHOD, args, None, fault.error, response_id)
            return web.Response(status=fault.status if fault.status != 200 else 404, text=fault.error)
        await self._record(RESPONSE_URL_METHOD, args, None, None, response_id)
        return web.Response(text="ok")

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """Step 2 of the external upload: the raw bytes of a file, recorded as method ``upload``."""
        file_id = request.match_info["file_id"]
        data = await request.read()
        accepted = self._workspace.receive_upload(file_id, data)
        await self._record("upload", {"file_id": file_id, "length": len(data)}, None,
                           None if accepted else "not_found")
        return web.Response(text="OK - 200" if accepted else "not found", status=200 if accepted else 404)

    def home_view(self, user_id: str) -> Args | None:
        """The App Home view last published for ``user_id``."""
        return self._workspace.home_views.get(user_id)

    def files(self) -> list[Args]:
        """Files shared through the external upload flow, as dicts (their bytes as ``content``)."""
        return [{"id": f.file_id, "title": f.title, "channel_id": f.channel_id, "content": f.data}
                for f in self._workspace.shared_files]

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=1.0)
        await ws.prepare(request)
        await ws.send_str(json.dumps(_hello()))
        self._sockets.append(ws)
        self.socket_connections += 1
        await self._notify()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                if isinstance(data, dict) and "envelope_id" in data:
                    self._acks[str(data["envelope_id"])] = data
                    await self._notify()
        finally:
            self._sockets.remove(ws)
            await self._notify()
        return ws


def _basic(request: web.Request) -> str | None:
    """The base64 credentials of an HTTP Basic ``Authorization`` (``oauth.v2.access``)."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() or None if scheme == "Basic" else None


def _bearer(request: web.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer":
        return None
    return token.strip() or None


async def _read_args(request: web.Request) -> Args:
    args: Args = dict(request.query)
    if request.content_type == "application/json":
        if request.can_read_body:
            body = await request.json()
            if isinstance(body, dict):
                args.update(body)
        return args
    form = await request.post()
    for key in form:
        value = form[key]
        args[key] = value.filename if isinstance(value, web.FileField) else value
    for key in _JSON_ARGS & args.keys():
        if isinstance(args[key], str):
            try:
                args[key] = json.loads(args[key])
            except json.JSONDecodeError:
                pass
    return args


def _hello() -> Args:
    return {
        "type": "hello",
        "num_connections": 1,
        "debug_info": {"host": "fake-slack", "approximate_connection_time": 18060},
        "connection_info": {"app_id": APP_ID},
    }
