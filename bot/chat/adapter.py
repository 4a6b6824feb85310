"""The lifecycle every platform adapter offers to ``bot/app.py``."""

from __future__ import annotations

from typing import Protocol


class Adapter(Protocol):
    name: str

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
