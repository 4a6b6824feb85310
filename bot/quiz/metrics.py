"""What the core reports about itself. ``bot/ops`` backs this with
prometheus-client; tests and the console use the no-op default."""

from __future__ import annotations

from typing import Protocol


class Metrics(Protocol):
    def round_posted(self) -> None: ...

    def answer_recorded(self, seconds: float, outcome: str) -> None: ...

    def define_lookup(self, seconds: float, found: bool) -> None: ...

    def adapter_error(self, adapter: str, kind: str) -> None: ...


class NoMetrics:
    """Counts nothing."""

    def round_posted(self) -> None:
        pass

    def answer_recorded(self, seconds: float, outcome: str) -> None:
        pass

    def define_lookup(self, seconds: float, found: bool) -> None:
        pass

    def adapter_error(self, adapter: str, kind: str) -> None:
        pass
