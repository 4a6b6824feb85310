"""Deck loading: errors name file:line:column and the field; bad decks never stop the others."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.deck.load import (
    MAX_DEPTH,
    DeckError,
    deck_files,
    load_deck_file,
    load_deck_text,
    load_decks,
)
from bot.deck.model import ChoiceQuestion, Source, TextQuestion
from tests.deck.samples import PETS as GOOD

WriteDeck = Callable[[str, str], Path]


def errors_of(text: str, path: str = "x.yaml") -> list[str]:
    """Every error of a deck that must not load, as ``file:line:column field: message``."""
    with pytest.raises(DeckError) as caught:
        load_deck_text(textwrap.dedent(text).lstrip("\n"), path)
    assert all(p.severity == "error" for p in caught.value.problems)
    return [str(p) for p in caught.value.problems]


def warnings_of(text: str) -> list[str]:
    _, warnings = load_deck_text(textwrap.dedent(text).lstrip("\n"), "x.yaml")
    assert all(w.severity == "warning" for w in warnings)
    return [str(w) for w in warnings]


# --- a good deck ------------------------------------------------------------------


def test_good_deck_loads_every_field() -> None:
    deck, warnings = load_deck_text(textwrap.dedent("""
        deck: pets
        title: Pets
        description: Animals at home.
        source: notes/pets.md
        tags: [animals]
        cards:
          - id: cat
            term: Cat
            aliases: [house cat, Felis catus]
            definition: A small furry animal that purrs and hunts mice.
            source: {note: notes/pets.md, heading: Cats}
            links: [https://example.org/cat]
            tags: [mammal]
            distractors: [Lynx]
            from_notes: false
            questions:
              - ask: What does a cat do when content?
                choices: [barks, purrs, moos]
                answer: purrs
                explain: Purring.
              - ask: Name the animal that purrs.
                accept: [cat, kitty]
    """).lstrip("\n"), "decks/pets.yaml")
    assert warnings == []
    assert (deck.id, deck.title, deck.description, deck.source, deck.tags, deck.path, deck.line) == (
        "pets", "Pets", "Animals at home.", "notes/pets.md", ("animals",), "decks/pets.yaml", 1)
    (cat,) = deck.cards
    assert cat.aliases == ("house cat", "Felis catus")
    assert cat.source == Source("notes/pets.md", "Cats")
    assert cat.line == 7
    assert not cat.from_notes
    assert cat.questions == (
        ChoiceQuestion("What does a cat do when content?", ("barks", "purrs", "moos"), 1, "Purring."),
        TextQuestion("Name the animal that purrs.", ("cat", "kitty")),
    )


# --- every error names file:line:column and the field path -------------------------


def test_aliases_that_are_not_a_list_name_line_column_and_field() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            aliases: 3
            definition: A small furry animal that purrs and hunts mice.
    """, "decks/x.yaml") == ["decks/x.yaml:6:14 cards[0].aliases: expected a list of strings, got 3"]


def test_duplicate_card_id_points_at_the_second_id() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            definition: A small furry animal that purrs and hunts mice.
          - term: Dog
            id: cat
            definition: A loyal animal that barks at the mail carrier.
    """) == ["x.yaml:8:9 cards[1].id: duplicate card id 'cat' (first used by cards[0])"]


def test_alias_claimed_by_two_cards_is_a_define_clash() -> None:
    # "Cats" is "Cat" to /define (case and plural ignored), so the alias clashes.
    assert errors_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            definition: A small furry animal that purrs and hunts mice.
          - id: lion
            term: Lion
            aliases: [big cat, CATS]
            definition: A large wild cat that lives in prides.
    """) == [("x.yaml:9:24 cards[1].aliases[1]: 'CATS' is already the term or an alias of card 'cat' "
             "(cards[0]); /define could not tell them apart")]


def test_term_that_differs_only_by_spaces_and_hyphens_is_a_clash() -> None:
    problems = errors_of("""
        deck: nets
        title: Nets
        cards:
          - id: batch-norm
            term: Batch Norm
            definition: Normalizes the activations with the statistics of the mini-batch.
          - id: batchnorm-layer
            term: BatchNorm
            definition: The layer that applies batch normalization in a network.
    """)
    assert problems == [("x.yaml:8:11 cards[1].term: 'BatchNorm' is already the term or an alias of "
                        "card 'batch-norm' (cards[0]); /define could not tell them apart")]


def test_empty_definition_is_an_error() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            definition: "  "
    """) == ["x.yaml:6:17 cards[0].definition: must not be empty"]


def test_missing_definition_value_is_an_error() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            definition:
    """) == ["x.yaml:6:16 cards[0].definition: expected a string, got nothing"]


def test_missing_definition_key_is_an_error() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
    """) == ["x.yaml:4:5 cards[0].definition: is required"]


QUESTION_HEAD = """
deck: pets
title: Pets
cards:
  - id: cat
    term: Cat
    definition: A small furry animal that purrs and hunts mice.
    questions:
      - ask: What does a cat do?
"""


@pytest.mark.parametrize(("question", "expected"), [
    pytest.param(
        "        choices: [barks, purrs]\n",
        "x.yaml:8:9 cards[0].questions[0].answer: is required with 'choices' "
        "(the index of the one right choice)",
        id="choices-without-answer"),
    pytest.param(
        "        choices: [barks, purrs]\n        answer: [0, 1]\n",
        "x.yaml:10:17 cards[0].questions[0].answer: expected the index of exactly one right choice, "
        "got a list",
        id="two-answers"),
    pytest.param(
        "        choices: [barks, purrs]\n        answer: meows\n",
        "x.yaml:10:17 cards[0].questions[0].answer: must name exactly one of the choices",
        id="answer-not-a-choice"),
    pytest.param(
        "        choices: [barks, purrs, moos]\n        answer: 3\n",
        "x.yaml:10:17 cards[0].questions[0].answer: index 3 is out of range for 3 choices (0 to 2)",
        id="index-out-of-range"),
    pytest.param(
        "        choices: [barks, purrs, moos]\n        answer: -1\n",
        "x.yaml:10:17 cards[0].questions[0].answer: index -1 is out of range for 3 choices (0 to 2)",
        id="negative-index"),
    pytest.param(
        "        choices: [purrs]\n        answer: 0\n",
        "x.yaml:9:18 cards[0].questions[0].choices: needs at least 2 choices, got 1",
        id="one-choice"),
    pytest.param(
        "        choices: [Purrs, purrs!]\n        answer: 0\n",
        "x.yaml:9:18 cards[0].questions[0].choices: has two identical choices",
        id="identical-choices"),
    pytest.param(
        "        accept: [purr]\n        choices: [a, b]\n        answer: 0\n",
        "x.yaml:8:9 cards[0].questions[0]: needs either 'choices' with 'answer' (multiple choice) "
        "or 'accept' (free text)",
        id="choices-and-accept"),
    pytest.param(
        "        accept: []\n",
        "x.yaml:9:17 cards[0].questions[0].accept: needs at least one accepted answer",
        id="empty-accept"),
])
def test_question_errors_name_the_question_field(question: str, expected: str) -> None:
    assert errors_of(QUESTION_HEAD + question) == [expected]


def test_unknown_keys_are_errors_at_their_position() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        colour: blue
        cards:
          - id: cat
            term: Cat
            definition: A small furry animal that purrs and hunts mice.
            synonyms: [kitty]
    """) == [
        ("x.yaml:3:1 colour: unknown key 'colour' (expected one of: cards, deck, description, "
        "source, tags, title)"),
        ("x.yaml:8:5 cards[0].synonyms: unknown key 'synonyms' (expected one of: aliases, definition, "
        "distractors, from_notes, id, links, questions, source, tags, term)"),
    ]


def test_misspelt_key_reports_the_unknown_key_and_the_missing_one() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            defintion: A small furry animal that purrs and hunts mice.
    """) == [
        ("x.yaml:6:5 cards[0].defintion: unknown key 'defintion' (expected one of: aliases, "
        "definition, distractors, from_notes, id, links, questions, source, tags, term)"),
        "x.yaml:4:5 cards[0].definition: is required",
    ]


def test_every_error_of_a_file_is_reported_at_once() -> None:
    problems = errors_of("""
        deck: Pets!
        title: Pets
        cards:
          - id: cat
            term: Cat
            aliases: [kitty, 7, ""]
            definition: A small furry animal that purrs and hunts mice.
    """)
    assert problems == [
        "x.yaml:1:7 deck: expected a lowercase slug like 'batch-norm', got 'Pets!'",
        "x.yaml:6:25 cards[0].aliases[2]: must not be empty",
    ]


def test_alias_number_is_read_as_text() -> None:
    deck, _ = load_deck_text(textwrap.dedent(GOOD).lstrip("\n").replace(
        "term: Cat", "term: Cat\n    aliases: [7]"), "x.yaml")
    assert deck.cards[0].aliases == ("7",)


def test_missing_top_level_keys_are_required() -> None:
    assert errors_of("""
        deck: pets
    """) == ["x.yaml:1:1 title: is required", "x.yaml:1:1 cards: is required"]


def test_deck_without_cards_is_an_error() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards: []
    """) == ["x.yaml:3:8 cards: a deck needs at least one card"]


def test_top_level_list_is_an_error() -> None:
    assert errors_of("- deck: pets\n") == ["x.yaml:1:1 expected a mapping, got a list"]


# --- only safe YAML -----------------------------------------------------------------


def test_python_object_tag_is_reported_and_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = GOOD.replace(
        "definition: A small furry animal that purrs and hunts mice.",
        f'definition: !!python/object/apply:os.system ["touch {marker}"]',
    )
    problems = errors_of(text)
    assert problems == [
        ("x.yaml:6:17 cards[0].definition: unsupported YAML tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'; decks hold plain data only")
    ]
    assert not marker.exists()


def test_python_object_tag_in_a_file_is_not_executed_by_load_decks(
    tmp_path: Path, write_deck: WriteDeck
) -> None:
    marker = tmp_path / "pwned-too"
    write_deck("evil.yaml", f"""
        !!python/object/apply:os.system
        - touch {marker}
    """)
    result = load_decks([tmp_path / "decks"])
    assert result.decks == []
    assert [p.field for p in result.errors] == [""]
    assert "python/object/apply:os.system" in result.errors[0].message
    assert not marker.exists()


def test_local_tag_is_refused() -> None:
    problems = errors_of(GOOD.replace("term: Cat", "term: !cat Cat"))
    assert problems == ["x.yaml:5:11 cards[0].term: unsupported YAML tag '!cat'; decks hold plain data only"]


def test_merge_key_is_refused() -> None:
    problems = errors_of("""
        deck: pets
        title: Pets
        base: &base {term: Cat}
        cards:
          - <<: *base
            id: cat
            definition: A small furry animal that purrs and hunts mice.
    """)
    assert "x.yaml:5:5 cards[0].<<: unsupported YAML tag 'tag:yaml.org,2002:merge'" in problems[0]


def test_shared_anchor_is_allowed() -> None:
    deck, _ = load_deck_text(textwrap.dedent("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            tags: &pets [pet, mammal]
            definition: A small furry animal that purrs and hunts mice.
          - id: dog
            term: Dog
            tags: *pets
            definition: A loyal animal that barks at the mail carrier.
    """).lstrip("\n"), "x.yaml")
    assert [c.tags for c in deck.cards] == [("pet", "mammal"), ("pet", "mammal")]


def test_recursive_alias_is_an_error_not_a_crash() -> None:
    assert errors_of("""
        deck: pets
        title: Pets
        cards: &loop [*loop]
    """) == ["x.yaml:3:15 alias *loop refers to a node that contains it"]


def test_undefined_alias_is_invalid_yaml() -> None:
    assert errors_of(GOOD.replace("term: Cat", "term: *nowhere")) == [
        "x.yaml:5:11 not valid YAML: found undefined alias *nowhere"]


def test_alias_bomb_is_walked_once_per_node() -> None:
    # Nine levels of ten aliases each: walking the expanded tree would take a billion steps.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    text = "deck: pets\ntitle: !odd Pets\nbomb:\n" + "\n".join("  " + lv for lv in levels) + "\n"
    problems = errors_of(text)
    assert problems[0] == "x.yaml:2:8 title: unsupported YAML tag '!odd'; decks hold plain data only"


def test_very_deep_nesting_is_an_error_not_a_crash() -> None:
    depth = 100_000  # libyaml's own composer overflows the C stack here and kills the process
    problems = errors_of("deck: " + "[" * depth + "]" * depth + "\n")
    # Which layer stops it first (libyaml's scanner limit or our composer) depends on the
    # PyYAML build; the promise is one error that names the file and line, and no crash.
    assert len(problems) == 1
    assert re.fullmatch(r"x\.yaml:1:\d+ \S.*", problems[0])


def test_nesting_past_the_limit_is_reported_at_the_bracket_that_crosses_it() -> None:
    depth = MAX_DEPTH + 10  # below any YAML library's own limit, so our composer speaks
    problems = errors_of("deck: " + "[" * depth + "]" * depth + "\n")
    # The root mapping is level 1, so the bracket at column 6 + n opens level n + 1.
    assert problems == [f"x.yaml:1:{6 + MAX_DEPTH} nested more than {MAX_DEPTH} levels deep"]


def test_two_documents_in_one_file_are_an_error() -> None:
    assert errors_of(GOOD + "---\ndeck: other\n") == [
        "x.yaml:7:1 a deck file holds one YAML document; found a second one"]


def test_yaml_syntax_error_names_line_and_column() -> None:
    problems = errors_of("""
        deck: pets
        title: [Pets
        cards: []
    """)
    assert len(problems) == 1
    assert problems[0].startswith("x.yaml:3:")
    assert "not valid YAML" in problems[0]


# --- files ------------------------------------------------------------------------


def test_empty_file_is_an_error(write_deck: WriteDeck) -> None:
    path = write_deck("empty.yaml", "")
    with pytest.raises(DeckError) as caught:
        load_deck_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1:1 the file is empty; a deck needs 'deck', 'title' and 'cards'"]


def test_comment_only_file_is_empty(write_deck: WriteDeck) -> None:
    path = write_deck("comments.yaml", "# nothing here yet\n")
    with pytest.raises(DeckError, match="the file is empty"):
        load_deck_file(path)


def test_non_utf8_file_names_the_line_and_column_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("deck: pets\ntitle: Café\n".encode("latin-1"))
    with pytest.raises(DeckError) as caught:
        load_deck_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2:11 not UTF-8 text (byte 0xe9 at offset 21); save the file as UTF-8"]


def test_utf8_with_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(GOOD).lstrip("\n").encode())
    deck, _ = load_deck_file(path)
    assert deck.id == "pets"


def test_unreadable_path_is_an_error(tmp_path: Path) -> None:
    result = load_decks([tmp_path / "missing.yaml"])
    assert result.decks == []
    assert [p.message for p in result.errors] == ["cannot read file: No such file or directory"]


def test_deck_files_expands_folders_sorted_and_yaml_only(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", "notes.md", "c.YAML.bak"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.yaml").mkdir()
    single = tmp_path / "notes.md"
    assert deck_files([tmp_path, single]) == [tmp_path / "a.yaml", tmp_path / "b.yml", single]


# --- many decks ---------------------------------------------------------------------


def test_broken_deck_is_skipped_and_the_others_load(tmp_path: Path, write_deck: WriteDeck) -> None:
    write_deck("a-pets.yaml", GOOD)
    broken = write_deck("b-broken.yaml", GOOD.replace("deck: pets", "deck: broken").replace(
        "term: Cat", "term: Cat\n    aliases: 3"))
    write_deck("c-birds.yaml", GOOD.replace("deck: pets", "deck: birds").replace(
        "term: Cat", "term: Robin"))
    result = load_decks([tmp_path / "decks"])
    assert [d.id for d in result.decks] == ["pets", "birds"]
    assert [str(p) for p in result.errors] == [
        f"{broken}:6:14 cards[0].aliases: expected a list of strings, got 3"]


def test_second_deck_with_the_same_id_is_skipped(tmp_path: Path, write_deck: WriteDeck) -> None:
    first = write_deck("a.yaml", GOOD)
    second = write_deck("b.yaml", "# the same deck id again\n" + textwrap.dedent(GOOD).lstrip("\n"))
    result = load_decks([tmp_path / "decks"])
    assert [d.path for d in result.decks] == [str(first)]
    assert [str(p) for p in result.errors] == [
        f"{second}:2:1 deck: deck id 'pets' is already used by {first}; this file is skipped"]


# --- warnings: weak cards load, but are flagged --------------------------------------


def test_good_card_has_no_warning() -> None:
    assert warnings_of(GOOD) == []


def test_acronym_term_without_expansion_is_a_warning() -> None:
    assert warnings_of("""
        deck: vision
        title: Vision
        cards:
          - id: nms
            term: NMS
            aliases: [N.M.S.]
            definition: Keeps only the best box among boxes that overlap too much.
    """) == ["x.yaml:4:5 cards[0]: acronym term 'NMS' has no expansion among its aliases"]


def test_acronym_term_with_expansion_has_no_warning() -> None:
    assert warnings_of("""
        deck: vision
        title: Vision
        cards:
          - id: nms
            term: NMS
            aliases: [non-maximum suppression]
            definition: Keeps only the best box among boxes that overlap too much.
    """) == []


def test_short_definition_is_a_warning() -> None:
    assert warnings_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            definition: A purring pet animal.
            questions:
              - ask: What purrs?
                accept: [cat]
    """) == [("x.yaml:4:5 cards[0].definition: definition is under 5 words; a question from it "
             "will be weak")]


def test_card_that_can_produce_no_question_is_a_warning() -> None:
    # Once the names are masked, only punctuation is left: nothing to ask from.
    assert warnings_of("""
        deck: pets
        title: Pets
        cards:
          - id: cat
            term: Cat
            aliases: [house cat, kitty]
            definition: Cat (house cat, kitty, cats).
    """) == ["x.yaml:4:5 cards[0]: this card can produce no question"]


def test_warnings_do_not_stop_a_deck_from_loading(write_deck: WriteDeck, tmp_path: Path) -> None:
    write_deck("v.yaml", """
        deck: vision
        title: Vision
        cards:
          - id: iou
            term: IOU
            definition: "IOU: overlap."
    """)
    result = load_decks([tmp_path / "decks"])
    assert [d.id for d in result.decks] == ["vision"]
    assert result.errors == []
    assert [(p.field, p.severity) for p in result.warnings] == [
        ("cards[0]", "warning"), ("cards[0].definition", "warning"), ("cards[0]", "warning")]


# --- id length limits (a "did you mean" button carries define:<deck>:<card> in 100 characters) ------------


def test_deck_id_longer_than_40_characters_is_an_error_naming_the_limit() -> None:
    assert errors_of(f"""
        deck: {"d" * 41}
        title: Pets
        cards:
          - id: cat
            term: Cat
            definition: A small furry animal that purrs and hunts mice.
    """) == ["x.yaml:1:7 deck: at most 40 characters, got 41"]


def test_card_id_longer_than_50_characters_is_an_error_naming_the_limit() -> None:
    assert errors_of(f"""
        deck: pets
        title: Pets
        cards:
          - id: {"c" * 51}
            term: Cat
            definition: A small furry animal that purrs and hunts mice.
    """) == ["x.yaml:4:9 cards[0].id: at most 50 characters, got 51"]


def test_ids_at_the_length_limits_load() -> None:
    deck, _ = load_deck_text(GOOD.replace("deck: pets", f"deck: {'d' * 40}").replace("id: cat", f"id: {'c' * 50}"),
                             "x.yaml")
    assert (len(deck.id), len(deck.cards[0].id)) == (40, 50)
