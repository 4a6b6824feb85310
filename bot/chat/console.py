"""The console: a local terminal adapter that needs no account.

It reads lines (typed, or piped so a round can be scripted) and prints plain
text. ``/...`` lines are commands, ``:as NAME`` switches who is speaking, any
other line answers the open question. Every console member is an admin, so one
person can demo a whole team. Lines are handled one at a time, in order.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot.chat.plain import render
from bot.quiz import commands
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, Member, MessageRef
from bot.quiz.service import QuizService

CHANNEL = ChannelRef("console", "console:local", "quiz")
MAX_NAME = 32
HELP = ":as NAME switches the member speaking; :quit leaves. Commands: /quiz help"


class ConsoleChat:
    """Adapter and :class:`Chat` port in one: the terminal is both."""

    platform = "console"
    name = "console"

    def __init__(self, service: QuizService, out: TextIO = sys.stdout, member: str = "you",
                 on_eof: Callable[[], None] = lambda: None, stdin: TextIO = sys.stdin) -> None:
        self.service = service
        self.out = out
        self.stdin = stdin
        self.member = Member(f"console:{member}", member, is_admin=True)
        self.on_eof = on_eof
        self._ids = 0
        self._task: asyncio.Task[None] | None = None

    # -- Chat port ----------------------------------------------------------------

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        self._ids += 1
        self.say(render(message))
        return MessageRef(channel, str(self._ids))

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        if isinstance(message, m.Reveal):  # counter refreshes would only be noise here
            self.say(render(message))

    # -- adapter ------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        self.service.attach(self)
        self._task = asyncio.create_task(self._read_loop(), name="console")

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def _read_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self.stdin.isatty():
            self.say(f"quizbot console. {HELP}")
        while True:
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                break
            if await self.handle(line.rstrip("\n")) is False:
                break
        self.on_eof()

    async def handle(self, line: str) -> bool:
        """Handle one input line; False means "leave"."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        try:
            if text in {":quit", ":q", ":exit"}:
                return False
            if text == ":help":
                self.say(HELP)
            elif text.startswith(":as"):
                self._switch(text[3:].strip())
            elif text.startswith("/"):
                command, _, rest = text[1:].partition(" ")
                for reply in await commands.handle(self.service, CHANNEL, self.member, command, rest):
                    self.say(render(reply))
            else:
                self.say(render(await self.service.answer_in_channel(CHANNEL, self.member, text)))
        except Exception as exc:  # the console keeps running whatever one line does
            self.say(f"Error: {exc}")
        return True

    def _switch(self, name: str) -> None:
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME or not all(ch.isalnum() or ch in "-_. " for ch in name):
            self.say(f"Error: a name is 1 to {MAX_NAME} letters, digits, spaces or -_.")
            return
        self.member = Member(f"console:{name.lower()}", name, is_admin=True)
        self.say(f"Now speaking as {name}.")
