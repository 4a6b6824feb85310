"""The gateway half of the fake Discord: one websocket endpoint speaking Discord's gateway
protocol v10 in plain JSON text frames (discord.py inflates only binary frames).

HELLO on connect; heartbeat ACK for each heartbeat; READY then GUILD_CREATE after IDENTIFY
(close 4004 on a wrong token); RESUMED after RESUME; one GUILD_MEMBERS_CHUNK per member request.
Dispatches carry one rising sequence number across sessions.

Shards as Discord runs them: IDENTIFY's `shard: [id, count]` (`[0, 1]` without one) makes the
session that shard's; it is sent only the guilds with `(guild_id >> 22) % count == id`, and a
dispatch goes to the sessions of its guild's shard (shard 0 without a guild), unless the test
names another shard. A RESUME keeps the shard of the session it resumes.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .discord_payloads import FakeGuild, FakeMember, shard_of
from .discord_state import DiscordState

JSON = dict[str, Any]

HEARTBEAT_INTERVAL_MS = 41_250


@dataclass
class FakeGateway:
    """Serves the gateway websocket (mount `handle`). Records what clients sent: IDENTIFY and
    RESUME payloads (`identify_payloads`, `resume_payloads`) and every frame
    (`gateway_received`). `gateway_url` is READY's resume_gateway_url."""

    state: DiscordState
    token: str
    gateway_url: str = ""
    application_flags: int = 0
    session_id: str = field(default_factory=lambda: secrets.token_hex(16))
    identify_payloads: list[JSON] = field(default_factory=list)
    resume_payloads: list[JSON] = field(default_factory=list)
    gateway_received: list[JSON] = field(default_factory=list)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _sequence: int = 0
    _shard_of_socket: dict[int, tuple[int, int]] = field(default_factory=dict)
    """`[id, count]` of each identified session, by `id()` of its websocket."""
    _shard_of_session: dict[str, tuple[int, int]] = field(default_factory=dict)

    def _targets(self, data: JSON, shard: int | None) -> list[web.WebSocketResponse]:
        guild_id = data.get("guild_id") if isinstance(data, dict) else None
        found = []
        for ws in self._sockets:
            shard_id, count = self._shard_of_socket.get(id(ws), (0, 1))
            wanted = shard if shard is not None else (
                shard_of(int(guild_id), count) if guild_id else 0
            )
            if shard_id == wanted:
                found.append(ws)
        return found

    async def dispatch(
        self, event: str, data: JSON, *, timeout: float = 5.0, shard: int | None = None
    ) -> None:
        """Send an op 0 dispatch with the next sequence number to every identified session of
        its guild's shard (of `shard` when given), waiting up to `timeout` for one to identify."""
        async with self.state.changed:
            await asyncio.wait_for(
                self.state.changed.wait_for(lambda: bool(self._targets(data, shard))), timeout
            )
        for ws in self._targets(data, shard):
            await self._send_dispatch(ws, event, data)

    def sessions(self) -> list[tuple[int, int]]:
        """`[id, count]` of every identified session, in the order they identified."""
        return [self._shard_of_socket.get(id(ws), (0, 1)) for ws in self._sockets]

    def guilds_of(self, shard: tuple[int, int]) -> list[FakeGuild]:
        shard_id, count = shard
        return [g for g in self.state.world.guilds if shard_of(g.id, count) == shard_id]

    async def close_all(self, code: int = 4000) -> None:
        """Close every gateway session from the server side (a client with reconnect=True
        then resumes at READY's resume_gateway_url)."""
        for ws in list(self._sockets):
            await ws.close(code=code)

    async def _send_dispatch(self, ws: web.WebSocketResponse, event: str, data: JSON) -> None:
        self._sequence += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
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
            self._shard_of_socket.pop(id(ws), None)
        return ws

    async def _on_gateway_message(self, ws: web.WebSocketResponse, message: JSON) -> None:
        op, raw = message.get("op"), message.get("d")
        data: JSON = raw if isinstance(raw, dict) else {}
        if op == 1:
            await ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            self.identify_payloads.append(data)
            if data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            raw_shard = data.get("shard") or [0, 1]
            shard = (int(raw_shard[0]), int(raw_shard[1]))
            session_id = self.session_id if shard[0] == 0 else f"{self.session_id}-{shard[0]}"
            self._shard_of_session[session_id] = shard
            await self._send_dispatch(ws, "READY", self._ready_payload(data, session_id, shard))
            for guild in self.guilds_of(shard):
                await self._send_dispatch(
                    ws, "GUILD_CREATE", guild.create_payload(FakeMember(self.state.world.bot))
                )
            await self._identified(ws, shard)
        elif op == 6:
            self.resume_payloads.append(data)
            await self._send_dispatch(ws, "RESUMED", {})
            await self._identified(
                ws, self._shard_of_session.get(str(data.get("session_id")), (0, 1))
            )
        elif op == 8:
            guild = self.state.world.guild
            chunk = {
                "guild_id": str(guild.id),
                "members": [m.payload() for m in guild.all_members()],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": data.get("nonce"),
            }
            await self._send_dispatch(ws, "GUILD_MEMBERS_CHUNK", chunk)

    async def _identified(self, ws: web.WebSocketResponse, shard: tuple[int, int]) -> None:
        async with self.state.changed:
            self._sockets.append(ws)
            self._shard_of_socket[id(ws)] = shard
            self.state.changed.notify_all()

    def _ready_payload(self, identify: JSON, session_id: str, shard: tuple[int, int]) -> JSON:
        return {
            "v": 10,
            "user": self.state.world.bot.payload() | {"verified": True, "mfa_enabled": False},
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.guilds_of(shard)],
            "application": {
                "id": str(self.state.world.application_id),
                "flags": self.application_flags,
            },
            "shard": identify.get("shard", [0, 1]),
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
