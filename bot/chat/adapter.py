"""The lifecycle every platform adapter offers to ``bot/app.py``."""

from __future__ import annotations

from typing import Protocol

from bot.quiz.ports import Chat


class Adapter(Protocol):
    name: str

    @property
    def chat(self) -> Chat:
        """The outbound port for this platform's channels. The root attaches it to the service
        before :meth:`start`; an adapter never attaches itself."""
        ...

    async def start(self) -> None:
        """Connect and begin taking events. Returns once started."""
        ...

    async def stop(self) -> None:
        """Stop taking events and disconnect. Safe to call twice."""
        ...

    @property
    def connected(self) -> bool:
        """True while the platform connection is up (for /healthz)."""
        ...
