"""The ids carried by buttons and modals, shared by every adapter.

A click must still find its round after a restart, so everything needed is in
the id itself: ``quiz:answer:<round>:<choice>``, ``quiz:type:<round>``,
``define:<deck>:<card>``, ``quiz:hint:<round>``, ``report:<deck>:<card>``,
``quiz:review:start`` (the Slack App Home's Review button). A private
review question (``/quiz review``) has the same answer, text box and hint ids with the kind
``review`` in place of ``quiz`` (``review:answer:<question>:<choice>``; the number is the review
question's id), plus ``review:stop``: a review click can never reach a channel round.
:func:`parse` is strict: anything that is not one of
these forms (a forged or stale id) gives None, never an exception. Every id fits
Discord's 100-character custom_id limit: deck ids are at most 40 characters and
card ids at most 50 (:data:`bot.deck.model.DECK_ID_MAX`, ``CARD_ID_MAX``, which
deck loading enforces), so ``define:<deck>:<card>`` is at most 98 and
``report:<deck>:<card>`` at most 98.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.deck.model import CARD_ID_MAX, DECK_ID_MAX

_DECK_ID = rf"[a-z0-9][a-z0-9-]{{0,{DECK_ID_MAX - 1}}}"
_CARD_ID = rf"[a-z0-9][a-z0-9-]{{0,{CARD_ID_MAX - 1}}}"
_KIND = r"(quiz|review)"
_ANSWER = re.compile(rf"^{_KIND}:answer:(\d{{1,18}}):(\d{{1,2}})$")
_TYPE = re.compile(rf"^{_KIND}:type:(\d{{1,18}})$")
_DEFINE = re.compile(rf"^define:({_DECK_ID}):({_CARD_ID})$")
_HINT = re.compile(rf"^{_KIND}:hint:(\d{{1,18}})$")
REVIEW_STOP = "review:stop"
_REPORT = re.compile(rf"^report:({_DECK_ID}):({_CARD_ID})$")


def _kind(review: bool) -> str:
    return "review" if review else "quiz"


@dataclass(frozen=True)
class AnswerAction:
    round_id: int
    choice: int
    review: bool = False
    """True: ``round_id`` is a private review question's id (``review:answer:...``)."""

    def pack(self) -> str:
        return f"{_kind(self.review)}:answer:{self.round_id}:{self.choice}"


@dataclass(frozen=True)
class TypeAnswerAction:
    """Opens the free-text box (a modal) for a round."""

    round_id: int
    review: bool = False

    def pack(self) -> str:
        return f"{_kind(self.review)}:type:{self.round_id}"


@dataclass(frozen=True)
class DefineAction:
    """A "did you mean" button: look this card up."""

    deck_id: str
    card_id: str

    def pack(self) -> str:
        return f"define:{self.deck_id}:{self.card_id}"


@dataclass(frozen=True)
class HintAction:
    """Show the member a hint for a free-text round (their answer then scores half)."""

    round_id: int
    review: bool = False

    def pack(self) -> str:
        return f"{_kind(self.review)}:hint:{self.round_id}"


@dataclass(frozen=True)
class ReportAction:
    """Report a card as wrong (on reveals and /define answers)."""

    deck_id: str
    card_id: str

    def pack(self) -> str:
        return f"report:{self.deck_id}:{self.card_id}"


@dataclass(frozen=True)
class StartReviewAction:
    """Start a private review of the member's due cards (the App Home's Review button)."""

    def pack(self) -> str:
        return START_REVIEW_ID


START_REVIEW_ID = "quiz:review:start"


@dataclass(frozen=True)
class ReviewStopAction:
    """The Stop button of a private review question."""

    def pack(self) -> str:
        return REVIEW_STOP


Action = (AnswerAction | TypeAnswerAction | DefineAction | HintAction | ReportAction | StartReviewAction
          | ReviewStopAction)

ANSWER_PATTERN = r"(?P<kind>quiz|review):answer:(?P<round>\d{1,18}):(?P<choice>\d{1,2})"
TYPE_PATTERN = r"(?P<kind>quiz|review):type:(?P<round>\d{1,18})"
DEFINE_PATTERN = rf"define:(?P<deck>{_DECK_ID}):(?P<card>{_CARD_ID})"
HINT_PATTERN = r"(?P<kind>quiz|review):hint:(?P<round>\d{1,18})"
REPORT_PATTERN = rf"report:(?P<deck>{_DECK_ID}):(?P<card>{_CARD_ID})"


def parse(custom_id: str) -> Action | None:
    """The action an id stands for, or None when it is not one of ours."""
    if m := _ANSWER.match(custom_id):
        return AnswerAction(int(m.group(2)), int(m.group(3)), m.group(1) == "review")
    if m := _TYPE.match(custom_id):
        return TypeAnswerAction(int(m.group(2)), m.group(1) == "review")
    if m := _DEFINE.match(custom_id):
        return DefineAction(m.group(1), m.group(2))
    if m := _HINT.match(custom_id):
        return HintAction(int(m.group(2)), m.group(1) == "review")
    if custom_id == REVIEW_STOP:
        return ReviewStopAction()
    if m := _REPORT.match(custom_id):
        return ReportAction(m.group(1), m.group(2))
    if custom_id == START_REVIEW_ID:
        return StartReviewAction()
    return None
