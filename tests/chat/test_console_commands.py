"""The console's own commands (``:as``, ``:help``, ``:quit``) and its output going away."""

from __future__ import annotations

import asyncio
import io

from bot.app import start_adapter
from bot.chat.console import ConsoleChat
from tests.helpers import Clock, make_service


class ClosedPipe(io.StringIO):
    """An output whose reader has gone (``| head`` exited): every write fails."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


async def run_script(tmp_path, script: str, out: io.StringIO | None = None) -> tuple[str, int]:
    """Feed ``script`` to a console; return what it printed and how often it said it was done."""
    service, db = await make_service(tmp_path / "q.db", Clock())
    out = out if out is not None else io.StringIO()
    done: list[None] = []
    ended = asyncio.Event()

    def finished() -> None:
        done.append(None)
        ended.set()

    console = ConsoleChat(service, out=out, stdin=io.StringIO(script), on_eof=finished)
    try:
        await start_adapter(service, console)
        await asyncio.wait_for(ended.wait(), 10)
        await asyncio.sleep(0.05)  # anything after the first "done" would show up now
    finally:
        await console.stop()
        await service.shutdown()
        await db.close()
    return ("" if isinstance(out, ClosedPipe) else out.getvalue()), len(done)


async def test_quiz_help_in_the_console_lists_the_console_commands(tmp_path):
    out, _ = await run_script(tmp_path, "/quiz help\n")
    assert "/define TERM" in out
    assert ":as NAME" in out and ":help" in out and ":quit" in out


async def test_help_shows_the_quiz_and_console_commands(tmp_path):
    out, _ = await run_script(tmp_path, ":help\n")
    assert "/quiz now" in out and ":as NAME" in out


async def test_unknown_console_command_is_refused_and_the_speaker_stays(tmp_path):
    out, _ = await run_script(tmp_path, ":ass bob\n:as ann\n")
    assert out.splitlines() == ["Error: unknown console command ':ass'. Try :help.", "Now speaking as ann."]


async def test_quit_ends_the_console_once_and_reads_no_further(tmp_path):
    out, done = await run_script(tmp_path, ":quit\n:as ann\n")
    assert out == "" and done == 1


async def test_closed_output_ends_the_console_once_without_raising(tmp_path):
    _, done = await run_script(tmp_path, ":as ann\n:as bob\n/define nms\n", out=ClosedPipe())
    assert done == 1
