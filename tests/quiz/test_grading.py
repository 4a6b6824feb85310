"""Free-text grading rules."""

import pytest

from bot.quiz.grading import is_correct_choice, is_correct_text, typo_budget

NMS = ("Non-maximum suppression", "NMS")


@pytest.mark.parametrize("given", ["non-maximum suppression", "NON MAXIMUM SUPPRESSION!", "Non maximum suppression."])
def test_case_punctuation_and_hyphens_are_ignored(given):
    assert is_correct_text(given, NMS)


def test_accents_are_ignored():
    assert is_correct_text("réseau", ("reseau",))


def test_leading_article_is_ignored():
    assert is_correct_text("the softmax function", ("softmax function",))


def test_alias_or_acronym_is_accepted():
    assert is_correct_text("nms", NMS)


def test_small_typo_in_long_answer_is_accepted():
    assert is_correct_text("non maximum supression", NMS)


def test_typo_in_answer_of_four_characters_or_fewer_is_refused():
    assert not is_correct_text("adma", ("Adam",))
    assert is_correct_text("adam", ("Adam",))


def test_one_word_never_matches_inside_another_word():
    assert not is_correct_text("air", ("chair",))
    assert not is_correct_text("chair", ("air",))


def test_short_wrong_word_never_matches_long_answer():
    assert not is_correct_text("suppression", NMS)
    assert not is_correct_text("max", ("Max pooling",))


def test_spaces_inside_a_term_do_not_matter():
    assert is_correct_text("batchnorm", ("Batch norm",))


def test_empty_answer_is_wrong():
    assert not is_correct_text("  ", NMS)


def test_typo_budget_grows_with_length():
    assert [typo_budget(n) for n in (4, 5, 8, 9, 14, 15)] == [0, 1, 1, 2, 2, 3]


def test_choice_is_right_only_for_the_correct_index():
    assert is_correct_choice(2, 2)
    assert not is_correct_choice(1, 2)
    assert not is_correct_choice(0, None)
