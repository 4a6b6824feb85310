"""Reading deck files: links leaving the folder are refused unread; a changing file is not read;
problems quote at most the offending token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.deck.files import FileState
from bot.deck.load import load_decks
from bot.deck.problems import Problem, capped_by_file
from tests.deck.samples import PETS

WriteDeck = Callable[[str, str], Path]


def test_a_symlink_leaving_the_folder_is_refused_naming_the_link_only(tmp_path: Path, write_deck: WriteDeck) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(PETS.replace("Pets", "Secret-title-marker"), encoding="utf-8")
    write_deck("birds.yaml", PETS.replace("pets", "birds"))
    link = tmp_path / "decks" / "pets.yaml"
    link.symlink_to(outside)
    result = load_decks([tmp_path / "decks"])
    assert [d.id for d in result.decks] == ["birds"]
    assert [str(p) for p in result.problems] == [
        (f"{link}:1:1 is a symbolic link that leads outside the decks folder; it is not read "
         "(copy the file into the folder instead)")]
    assert "outside.yaml" not in str(result.problems[0])


def test_a_dangling_symlink_is_refused(tmp_path: Path, write_deck: WriteDeck) -> None:
    write_deck("birds.yaml", PETS)
    (tmp_path / "decks" / "gone.yaml").symlink_to(tmp_path / "decks" / "nothing-here.yaml")
    result = load_decks([tmp_path / "decks"])
    assert [d.id for d in result.decks] == ["pets"]


def test_a_file_named_directly_may_be_a_symlink_anywhere(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "pets.yaml"
    target.parent.mkdir()
    target.write_text(PETS, encoding="utf-8")
    link = tmp_path / "pets.yaml"
    link.symlink_to(target)
    assert [d.id for d in load_decks([link]).decks] == ["pets"]


def test_a_file_not_in_its_settled_state_is_listed_as_unsettled_not_loaded(
    tmp_path: Path, write_deck: WriteDeck
) -> None:
    path = write_deck("pets.yaml", PETS)
    before = FileState.of(path.stat())
    write_deck("pets.yaml", PETS + "  - id: half-writ")
    result = load_decks([tmp_path / "decks"], settled={str(path): before})
    assert result.decks == [] and result.problems == [] and result.unsettled == [str(path)]


def test_a_file_in_its_settled_state_is_loaded(tmp_path: Path, write_deck: WriteDeck) -> None:
    path = write_deck("pets.yaml", PETS)
    result = load_decks([tmp_path / "decks"], settled={str(path): FileState.of(path.stat())})
    assert [d.id for d in result.decks] == ["pets"] and result.unsettled == []


def test_an_unknown_key_is_quoted_at_most_40_characters(tmp_path: Path, write_deck: WriteDeck) -> None:
    secret = "x" * 30 + "-beyond-the-token-limit" * 20
    write_deck("pets.yaml", PETS.replace("    term: Cat", f"    term: Cat\n    {secret}: 1"))
    [problem] = load_decks([tmp_path / "decks"]).problems
    assert "beyond-the-token-limit-beyond" not in str(problem)
    assert "unknown key 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-beyond..." in problem.message


def test_a_whole_file_read_as_one_scalar_is_quoted_only_briefly(tmp_path: Path, write_deck: WriteDeck) -> None:
    lines = [f"user{i}:x:{i}:{i}:secret-gecos-{i}:/home/user{i}:/bin/sh" for i in range(50)]
    write_deck("passwd.yaml", "\n".join(lines) + "\n")
    [problem] = load_decks([tmp_path / "decks"]).problems
    assert len(problem.message) < 100 and "secret-gecos-1" not in problem.message


def test_a_yaml_error_message_is_one_short_line(tmp_path: Path, write_deck: WriteDeck) -> None:
    write_deck("pets.yaml", PETS + "  - id: *" + "a" * 500 + "\n")
    [problem] = load_decks([tmp_path / "decks"]).problems
    assert "not valid YAML" in problem.message and "a" * 41 not in problem.message
    assert "\n" not in problem.message


def test_problems_are_capped_per_file_with_a_count_of_the_rest() -> None:
    problems = [Problem("a.yaml", i, 1, "", "bad") for i in range(25)] + [Problem("b.yaml", 1, 1, "", "bad")]
    capped = list(capped_by_file(problems, limit=20))
    assert [(path, len(shown), more) for path, shown, more in capped] == [("a.yaml", 20, 5), ("b.yaml", 1, 0)]
