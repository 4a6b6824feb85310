"""Button and modal ids: what every adapter packs and parses."""

from bot.quiz import actions


def test_define_button_for_the_longest_deck_and_card_ids_fits_discords_limit_and_parses_back() -> None:
    action = actions.DefineAction("d" * 40, "c" * 50)
    packed = action.pack()
    assert len(packed) <= 100
    assert actions.parse(packed) == action


def test_define_ids_longer_than_the_deck_limits_are_not_ours() -> None:
    assert actions.parse(f"define:{'d' * 41}:card") is None
    assert actions.parse(f"define:deck:{'c' * 51}") is None
