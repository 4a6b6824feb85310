"""Fakes for the ops tests: an adapter whose connection state the test sets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FakeAdapter:
    """Satisfies :class:`bot.chat.adapter.Adapter`; ``connected`` is whatever the test says."""

    name: str = "console"
    connected: bool = True
    started: bool = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False
