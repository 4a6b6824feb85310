"""Buttons and the answer modal. Their state lives in their custom_id, so they work after a restart.

Each button is a :class:`discord.ui.DynamicItem` whose template is the shared pattern from
``bot.quiz.actions`` (the encoder Slack uses too). The client registers these classes at start
(``add_dynamic_items``), so a click on a question posted before a restart is still routed here:
discord.py rebuilds the item from the custom_id, nothing is kept in memory per message.

The answer modal is deliberately *not* tracked by discord.py's view store: that store keys
modals by custom_id alone, so two members typing in ``quiz:type:7`` at once would overwrite each
other, and a restart between opening and submitting would lose the answer. Submissions are
routed from the client's ``on_interaction`` instead (see :func:`modal_answer`).

What a click *does* is decided by the :class:`ComponentHandler` the client carries; this module
only knows the shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Protocol

import discord

from bot.quiz import actions
from bot.quiz.messages import LABELS

ANSWER_INPUT = "answer"
"""custom_id of the text input in the answer modal."""
MAX_LABEL = 80
MAX_MODAL_TITLE = 45
MAX_LABEL_DESCRIPTION = 100
TEXT_INPUT_TYPE = 4


class ComponentHandler(Protocol):
    """What the client does when a member uses a component (see ``handlers.Handlers``)."""

    async def on_answer(self, interaction: discord.Interaction, round_id: int, choice: int,
                        review: bool = False) -> None: ...

    async def on_type_answer(self, interaction: discord.Interaction, round_id: int, review: bool = False) -> None: ...

    async def on_define(self, interaction: discord.Interaction, deck_id: str, card_id: str) -> None: ...

    async def on_hint(self, interaction: discord.Interaction, round_id: int, review: bool = False) -> None: ...

    async def on_review_stop(self, interaction: discord.Interaction) -> None: ...

    async def on_report(self, interaction: discord.Interaction, deck_id: str, card_id: str) -> None: ...


def handler_of(interaction: discord.Interaction) -> ComponentHandler:
    """The handler of the client that received ``interaction`` (set by ``client.QuizClient``)."""
    handler = getattr(interaction.client, "quiz", None)
    if handler is None:
        raise RuntimeError("the client has no quiz handler attached")
    return handler


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


Button = discord.ui.Button[discord.ui.View]


class AnswerButton(discord.ui.DynamicItem[Button], template=actions.ANSWER_PATTERN):
    """One option of a multiple-choice question: ``quiz:answer:<round>:<choice>`` (a private
    review question's: ``review:answer:<question>:<choice>``)."""

    def __init__(self, round_id: int, choice: int, label: str | None = None, row: int | None = None,
                 review: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label or LABELS[choice], MAX_LABEL),
                style=discord.ButtonStyle.primary,
                custom_id=actions.AnswerAction(round_id, choice, review).pack(),
            ),
            row=row,
        )
        self.round_id = round_id
        self.choice = choice
        self.review = review

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        label = getattr(item, "label", None)
        return cls(int(match["round"]), int(match["choice"]), label, review=match["kind"] == "review")

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_answer(interaction, self.round_id, self.choice, self.review)


class TypeAnswerButton(discord.ui.DynamicItem[Button], template=actions.TYPE_PATTERN):
    """"Type answer": opens the answer modal for the round (``quiz:type:<round>``)."""

    def __init__(self, round_id: int, row: int | None = None, review: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Type answer",
                style=discord.ButtonStyle.secondary,
                custom_id=actions.TypeAnswerAction(round_id, review).pack(),
            ),
            row=row,
        )
        self.round_id = round_id
        self.review = review

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> TypeAnswerButton:
        return cls(int(match["round"]), review=match["kind"] == "review")

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_type_answer(interaction, self.round_id, self.review)


class DefineButton(discord.ui.DynamicItem[Button], template=actions.DEFINE_PATTERN):
    """A "did you mean" or "see also" suggestion: ``define:<deck>:<card>``."""

    def __init__(self, deck_id: str, card_id: str, label: str, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(label, MAX_LABEL),
                style=discord.ButtonStyle.secondary,
                custom_id=actions.DefineAction(deck_id, card_id).pack(),
            ),
            row=row,
        )
        self.deck_id = deck_id
        self.card_id = card_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> DefineButton:
        return cls(match["deck"], match["card"], getattr(item, "label", None) or match["card"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_define(interaction, self.deck_id, self.card_id)


class HintButton(discord.ui.DynamicItem[Button], template=actions.HINT_PATTERN):
    """"Hint" on a free-text question: ``quiz:hint:<round>``."""

    def __init__(self, round_id: int, row: int | None = None, review: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Hint" if review else "Hint (half points)",
                style=discord.ButtonStyle.secondary,
                custom_id=actions.HintAction(round_id, review).pack(),
            ),
            row=row,
        )
        self.round_id = round_id
        self.review = review

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> HintButton:
        return cls(int(match["round"]), review=match["kind"] == "review")

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_hint(interaction, self.round_id, self.review)


class ReviewStopButton(discord.ui.DynamicItem[Button], template=actions.REVIEW_STOP):
    """"Stop" on a private review question: ``review:stop``."""

    def __init__(self, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(label="Stop", style=discord.ButtonStyle.danger,
                              custom_id=actions.ReviewStopAction().pack()),
            row=row,
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReviewStopButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_review_stop(interaction)


class ReportButton(discord.ui.DynamicItem[Button], template=actions.REPORT_PATTERN):
    """"Report a wrong card" on reveals and /define answers: ``report:<deck>:<card>``."""

    def __init__(self, deck_id: str, card_id: str, row: int | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label="Report a wrong card",
                style=discord.ButtonStyle.secondary,
                custom_id=actions.ReportAction(deck_id, card_id).pack(),
            ),
            row=row,
        )
        self.deck_id = deck_id
        self.card_id = card_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ReportButton:
        return cls(match["deck"], match["card"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction).on_report(interaction, self.deck_id, self.card_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton, TypeAnswerButton, DefineButton, HintButton, ReportButton, ReviewStopButton)


def answer_modal(round_id: int, prompt: str | None, max_chars: int, review: bool = False) -> discord.ui.Modal:
    """The free-text box for a round; its custom_id is ``quiz:type:<round>``.

    It is stopped before it is sent so discord.py does not track it (see the module doc); the
    submission comes back through ``on_interaction`` and :func:`modal_answer`.
    """
    title = "Your answer (review)" if review else f"Your answer (round {round_id})"
    modal = discord.ui.Modal(title=clip(title, MAX_MODAL_TITLE),
                             custom_id=actions.TypeAnswerAction(round_id, review).pack())
    field = discord.ui.TextInput[discord.ui.Modal](
        custom_id=ANSWER_INPUT, style=discord.TextStyle.short, max_length=max_chars, required=True,
        placeholder="Type your answer")
    label = discord.ui.Label[discord.ui.Modal](
        text="Answer", description=clip(prompt, MAX_LABEL_DESCRIPTION) if prompt else None, component=field)
    modal.add_item(label)
    modal.stop()
    return modal


def _walk(components: list[Any]) -> Iterator[dict[str, Any]]:
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk(component.get("components") or [])
        child = component.get("component")
        if isinstance(child, dict):
            yield from _walk([child])


def modal_answer(interaction: discord.Interaction) -> tuple[int, str] | None:
    """(round, typed text) when ``interaction`` submits an answer modal; None for anything else
    (another modal, a forged or malformed custom_id)."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return None
    action = actions.parse(str(interaction.data.get("custom_id", "")))
    if not isinstance(action, actions.TypeAnswerAction):
        return None
    raw = interaction.data.get("components")
    components: list[Any] = raw if isinstance(raw, list) else []
    for component in _walk(components):
        if component.get("type") == TEXT_INPUT_TYPE and component.get("custom_id") == ANSWER_INPUT:
            return action.round_id, str(component.get("value") or "")
    return action.round_id, ""


def is_review_modal(interaction: discord.Interaction) -> bool:
    """Whether a submitted answer modal belongs to a private review question (``review:type:<id>``)."""
    data: dict[str, Any] = dict(interaction.data or {})
    action = actions.parse(str(data.get("custom_id", "")))
    return isinstance(action, actions.TypeAnswerAction) and action.review
