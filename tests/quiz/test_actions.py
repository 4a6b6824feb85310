"""Button and modal ids: what every adapter packs and parses."""

import pytest

from bot.quiz import actions

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)


def test_define_button_for_the_longest_deck_and_card_ids_fits_discords_limit_and_parses_back() -> None:
    action = actions.DefineAction("d" * 40, "c" * 50)
    packed = action.pack()
    assert len(packed) <= 100
    assert actions.parse(packed) == action


def test_define_ids_longer_than_the_deck_limits_are_not_ours() -> None:
    assert actions.parse(f"define:{'d' * 41}:card") is None
    assert actions.parse(f"define:deck:{'c' * 51}") is None


def test_report_button_for_the_longest_deck_and_card_ids_fits_discords_limit_and_parses_back() -> None:
    action = actions.ReportAction("d" * 40, "c" * 50)
    packed = action.pack()
    assert len(packed) <= 100
    assert actions.parse(packed) == action


def test_hint_button_parses_back_and_forged_hint_or_report_ids_are_not_ours() -> None:
    assert actions.parse(actions.HintAction(42).pack()) == actions.HintAction(42)
    for forged in ("quiz:hint:x", "quiz:hint:1:2", "report:Deck:card", "report:deck", f"report:{'d' * 41}:c"):
        assert actions.parse(forged) is None


def test_review_ids_parse_back_with_the_review_kind_and_never_as_a_round_id() -> None:
    for action in (actions.AnswerAction(7, 2, review=True), actions.TypeAnswerAction(7, review=True),
                   actions.HintAction(7, review=True), actions.ReviewStopAction()):
        assert actions.parse(action.pack()) == action
    assert actions.AnswerAction(7, 2, review=True).pack() == "review:answer:7:2"
    assert actions.parse("review:answer:7:2") != actions.AnswerAction(7, 2)
    for forged in ("review:stop:1", "reviews:answer:7:2", "review:answer:x:1", "quiz:stop"):
        assert actions.parse(forged) is None
