"""HTTP mode's front door: ``POST /slack/events`` in front of bolt's dispatch.

Bolt's own aiohttp server hands every request straight to the app; this endpoint adds
what a service needs around it:

* **Stopping**: once :meth:`EventsEndpoint.refuse_new` is called (SIGTERM), new requests
  get ``503`` with ``Retry-After``, so Slack delivers them again later (or to another
  replica) instead of to a process that is going away. Requests already inside keep
  running; :meth:`EventsEndpoint.wait_idle` waits for them.
* **Malformed requests**: a correctly signed request whose body is not what Slack sends
  (``payload=`` that is not a JSON object, a slash command or an interaction without the
  fields every one carries) gets ``400`` and one warning line; it never reaches a listener
  and changes nothing. A request with a bad or stale signature gets bolt's ``401`` as before
  (checked first, so forged junk is not logged as a malformed Slack request).
* **One parse, in C**: the body is decoded once, here, and bolt gets the result
  (:func:`parsed_request`) instead of decoding it again. A click's form body carries the whole
  clicked message percent-encoded (a few hundred escapes); the standard library's ``parse_qsl``
  decodes those in Python (about 0.2-0.5 ms a click, a large share of an ack's CPU), yarl's C
  unquoter (aiohttp's own URL library) about 100 times faster, with the same result
  (:func:`form_fields`). Bolt still checks the signature on the raw body.
* **Installs** (many workspaces, ``SLACK_CLIENT_ID``): ``GET /slack/install`` and
  ``GET /slack/oauth_redirect`` go to bolt's OAuth flow, which issues and checks the one-time
  state itself (browsers sign nothing, so there is no signature to check there).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from yarl import URL

log = logging.getLogger("bot.chat.slack")

RETRY_AFTER_S = 5
MAX_BODY_BYTES = 1024 * 1024
"""Slack's interaction payloads are at most a few hundred KB (a modal's full view)."""


class Malformed(ValueError):
    """A signed request whose body is not one Slack sends; the message says what is wrong."""


class EventsEndpoint:
    """The aiohttp application serving bolt's dispatch at ``path``."""

    def __init__(self, app: AsyncApp, signing_secret: str, path: str) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret)
        self.path = path
        self._refusing = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def web_app(self) -> web.Application:
        application = web.Application(client_max_size=MAX_BODY_BYTES)
        application.add_routes([web.post(self.path, self.handle)])
        flow = self.app.oauth_flow
        if flow is not None:
            application.add_routes([web.get(flow.install_path, self.handle),
                                    web.get(flow.redirect_uri_path, self.handle)])
        return application

    def refuse_new(self) -> None:
        """From now on every new request gets 503: the platform retries it later."""
        self._refusing = True

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def wait_idle(self) -> None:
        """Return once no request is being handled (each answers after its work is stored)."""
        while self._in_flight:
            await self._idle.wait()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self._refusing:
            return web.Response(status=503, text="stopping", headers={"Retry-After": str(RETRY_AFTER_S)})
        self._in_flight += 1
        self._idle.clear()
        try:
            return await self._dispatch(request)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.method == "GET":
            return await self._install(request)
        body = await request.text()
        headers = dict(request.headers)
        if not self.verifier.is_valid_request(body, headers):
            return web.Response(status=401)  # bolt's answer to a bad signature, without its parsing
        try:
            parsed = check(body, request.content_type)
        except Malformed as exc:
            log.warning("event=slack_malformed_request reason=%r retry=%s", str(exc),
                        headers.get("X-Slack-Retry-Num", "0"))
            return web.Response(status=400, text=f"malformed request: {exc}")
        bolt_request = parsed_request(body, parsed, request.query_string, headers)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))


    async def _install(self, request: web.Request) -> web.StreamResponse:
        """A browser on the install link or coming back from Slack's consent page."""
        flow = self.app.oauth_flow
        assert flow is not None  # the routes exist only with a flow
        bolt_request = AsyncBoltRequest(body="", query=request.query_string,
                                        headers=dict(request.headers))
        if request.path == flow.install_path:
            return await to_aiohttp_response(await flow.handle_installation(bolt_request))
        return await to_aiohttp_response(await flow.handle_callback(bolt_request))


def check(body: str, content_type: str | None) -> dict[str, Any]:
    """The body as bolt reads it (an event's JSON, an interaction's ``payload`` JSON, a slash
    command's form fields), once checked to be what Slack sends; else :class:`Malformed`."""
    if content_type == "application/json" or body.startswith("{"):
        event = _json_object(body, "body")
        _check_event(event)
        return event
    form = form_fields(body)
    if "payload" in form:
        payload = _json_object(form["payload"], "payload")
        _check_interaction(payload)
        return payload
    for name in ("command", "team_id", "user_id"):
        if not form.get(name):
            raise Malformed(f"slash command without {name}")
    if not form["command"].startswith("/"):
        raise Malformed("command does not start with /")
    return form


def form_fields(body: str) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body's fields, exactly as
    ``dict(urllib.parse.parse_qsl(body, keep_blank_values=True))`` reads them (``+`` is a space,
    a bad escape stays as written, the last of a repeated name wins), decoded by yarl in C."""
    return dict(URL.build(query_string=body, encoded=True).query.items())


def parsed_request(raw_body: str, body: dict[str, Any], query: str, headers: dict[str, str]) -> AsyncBoltRequest:
    """An HTTP-mode bolt request carrying ``body`` already parsed, so bolt does not decode it again.

    Bolt's constructor takes a parsed body only in Socket Mode; the HTTP-mode request it would
    build from ``raw_body`` differs from this one only in having parsed it itself. ``raw_body``
    stays for bolt's signature check (``request_verification_enabled``), which runs in HTTP mode."""
    request = AsyncBoltRequest(body=body, query=query, headers=headers,  # type: ignore[arg-type]
                               mode="socket_mode")
    request.raw_body = raw_body
    request.mode = "http"
    return request


def _json_object(raw: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        raise Malformed(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Malformed(f"{what} is JSON but not an object (got {type(value).__name__})")
    return value


def _check_event(event: Mapping[str, Any]) -> None:
    if not isinstance(event.get("type"), str):
        raise Malformed("body without a type")


def _check_interaction(payload: Mapping[str, Any]) -> None:
    kind = payload.get("type")
    if not isinstance(kind, str):
        raise Malformed("payload without a type")
    user = payload.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise Malformed("payload without user.id")
    if kind == "block_actions":
        acts = payload.get("actions")
        if not isinstance(acts, list) or not acts or not all(
                isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in acts):
            raise Malformed("block_actions without actions[].action_id")
    elif kind in ("view_submission", "view_closed") and not isinstance(payload.get("view"), dict):
        raise Malformed(f"{kind} without a view")
