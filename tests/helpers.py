"""Helpers shared by tests: an in-memory Chat, a settable clock, a small deck, a service on a real SQLite file."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.deck.library import DeckLibrary
from bot.deck.load import load_deck_text
from bot.quiz import messages as m
from bot.quiz.context import Context, QuizSettings, Stores
from bot.quiz.metrics import Metrics, NoMetrics
from bot.quiz.ports import ChannelRef, ChatError, Member, MessageRef
from bot.quiz.service import QuizService
from bot.store.db import Database

SMALL_DECK = """\
deck: demo
title: Demo Deck
source: notes/demo.md
cards:
  - id: nms
    term: Non-maximum suppression
    aliases: [NMS]
    definition: >-
      Removes duplicate boxes in object detection by keeping the most confident proposal
      and dropping overlapping ones.
    tags: [detection, basics]
    source: {note: notes/demo.md, heading: NMS}
  - id: mean-pooling
    term: Mean pooling
    definition: Averages the pooled region; not so sensitive to distractors but suffers from scale change.
    tags: [pooling, basics]
  - id: max-pooling
    term: Max pooling
    aliases: [MAC]
    definition: Takes the maximum of the region; more invariant to scale change but more affected by distractors.
    tags: [pooling, basics]
  - id: dropout
    term: Dropout
    definition: Randomly zeroes activations during training so the network cannot rely on any single unit.
    tags: [regularization, basics]
  - id: adam
    term: Adam
    definition: An optimizer combining momentum with RMSprop, an adaptive moment estimation of gradients.
    tags: [optimization, basics]
"""

CHANNEL = ChannelRef("test", "test:W1", "C1")
OTHER_CHANNEL = ChannelRef("test", "test:W1", "C2")
ADMIN = Member("test:W1:admin", "Ada", is_admin=True)


def member(name: str, admin: bool = False) -> Member:
    return Member(f"test:W1:{name}", name, is_admin=admin)


@dataclass
class FakeChat:
    """Records what the core posts and edits; can be told to fail."""

    platform: str = "test"
    posts: list[tuple[ChannelRef, m.Message]] = field(default_factory=list)
    updates: list[tuple[MessageRef, m.Message]] = field(default_factory=list)
    shown: list[m.Message] = field(default_factory=list)
    """Every posted or edited message, in the order the platform got them."""
    fail_posts: bool = False
    fail_reason: str | None = None
    """The member-facing reason a failed post carries (``ChatError.member_reason``)."""
    fail_updates: bool = False
    update_delay: float = 0.0
    """Seconds an edit takes (a slow platform)."""
    hold_posts: asyncio.Event | None = None
    """When set to an (unset) event, posts wait for it: a post that takes as long as the test wants."""

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        if self.hold_posts is not None:
            await self.hold_posts.wait()
        if self.fail_posts:
            raise ChatError("channel_not_found", self.fail_reason)
        self.posts.append((channel, message))
        self.shown.append(message)
        return MessageRef(channel, f"msg-{len(self.posts)}")

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        if self.update_delay:
            await asyncio.sleep(self.update_delay)
        if self.fail_updates:
            raise ChatError("message_not_found")
        self.updates.append((ref, message))
        self.shown.append(message)

    def of_type(self, kind: type) -> list:  # type: ignore[type-arg]
        """Posted and edited messages of ``kind`` in the order they were shown (the last is the newest),
        so a late edit of an earlier message (a counter refresh) never hides a newer post."""
        return [msg for msg in self.shown if isinstance(msg, kind)]


class Clock:
    """A clock the test moves by hand (epoch seconds)."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:  # Wednesday 2026-11-18, 11:06:40 UTC
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def small_library() -> DeckLibrary:
    deck, _ = load_deck_text(SMALL_DECK, "decks/demo.yaml")
    return DeckLibrary.from_decks([deck])


async def make_service(db_path: Path, clock: Clock, chat: FakeChat | None = None,
                       settings: QuizSettings | None = None, library: DeckLibrary | None = None,
                       seed: int = 7, metrics: Metrics | None = None) -> tuple[QuizService, Database]:
    db = await Database.open(db_path)
    ctx = Context(Stores(db), library or small_library(), settings or QuizSettings(counter_interval_s=0.05),
                  clock=clock, rng=random.Random(seed), metrics=metrics or NoMetrics())
    service = QuizService(ctx)
    service.attach(chat or FakeChat())
    return service, db


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every ``mrkdwn`` text in Slack blocks (where Slack parses mentions, links and formatting)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def review_questions_of_kind(monkeypatch: Any, kind: str) -> None:
    """Make ``/quiz review`` ask its cards as ``kind`` questions ("choice" or "text"): the real
    generator, narrowed to one variant, so a test runs that kind's buttons or answer box."""
    from bot.quiz import review_session, selection

    def pick(deck: Any, card: Any, rng: Any, _kind: str | None, others: Any) -> Any:
        return selection.pick_question(deck, card, rng, kind, others)
    monkeypatch.setattr(review_session, "pick_question", pick)
