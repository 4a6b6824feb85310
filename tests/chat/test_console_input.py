"""The console adapter's input: lines in order, end of input, stopping while a read is blocked."""

from __future__ import annotations

import asyncio
import io
import os

from bot.app import start_adapter
from bot.chat.console import ConsoleChat
from tests.helpers import Clock, make_service


async def wait_until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


async def test_piped_lines_are_handled_in_order_then_end_of_input_is_reported(tmp_path):
    service, db = await make_service(tmp_path / "q.db", Clock())
    out, ended = io.StringIO(), asyncio.Event()
    console = ConsoleChat(service, out=out, stdin=io.StringIO(":as ann\n:as bob\n"), on_eof=ended.set)
    try:
        await start_adapter(service, console)
        await asyncio.wait_for(ended.wait(), 5)
        assert out.getvalue().splitlines() == ["Now speaking as ann.", "Now speaking as bob."]
        assert not console.connected
    finally:
        await console.stop()
        await service.shutdown()
        await db.close()


async def test_stop_returns_while_the_reader_waits_on_an_open_pipe(tmp_path):
    service, db = await make_service(tmp_path / "q.db", Clock())
    read_fd, write_fd = os.pipe()
    stdin = os.fdopen(read_fd, "r")
    out, ended = io.StringIO(), asyncio.Event()
    console = ConsoleChat(service, out=out, stdin=stdin, on_eof=ended.set)
    try:
        await start_adapter(service, console)
        os.write(write_fd, b":as ann\n")
        await wait_until(lambda: "Now speaking as ann." in out.getvalue())
        assert console.connected
        await asyncio.wait_for(console.stop(), 5)
        assert not console.connected
        assert not ended.is_set()  # a stop is not the end of input
    finally:
        os.close(write_fd)
        stdin.close()
        await service.shutdown()
        await db.close()
