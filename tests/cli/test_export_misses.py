"""``quizbot export misses MEMBER``: the cards a member last answered wrong, as CSV or a deck."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from bot.deck.library import DeckLibrary
from bot.quiz.ports import Member
from tests.helpers import ADMIN, CHANNEL, Clock, make_service, member
from tests.process import clean_env, quizbot

DECKS = Path(__file__).resolve().parents[2] / "decks"
ANKI_HEADER = ["#separator:comma", "#html:false", "#columns:front,back,tags", "#tags column:3"]


async def play(path: Path | str, answers: list[dict[str, bool]]) -> list[tuple[str, str]]:
    """One closed choice round per entry, each member answering right (True) or wrong;
    returns the (deck, card) of each round, in order."""
    clock = Clock()
    library = DeckLibrary.load(DECKS)
    service, db = await make_service(path, clock, library=library)
    asked = []
    try:
        for who in answers:
            assert await service.ask(CHANNEL, ADMIN, kind="choice") is None
            round_id = await service.open_round_id(CHANNEL)
            assert round_id is not None
            row = await service.ctx.stores.rounds.get(round_id)
            assert row is not None and row.question.correct is not None
            for name, right in who.items():
                clock.advance(1)
                choice = row.question.correct if right else (row.question.correct + 1) % 4
                await service.answer_choice(round_id, member(name), choice)
            await service.close(CHANNEL, ADMIN)
            clock.advance(60)
            asked.append((row.question.deck_id, row.question.card_id))
    finally:
        await service.shutdown()
        await db.close()
    return asked


def card(deck_id: str, card_id: str):  # type: ignore[no-untyped-def]
    found = DeckLibrary.load(DECKS).card(deck_id, card_id)
    assert found is not None
    return found


async def test_csv_lists_the_cards_whose_latest_answer_was_wrong_newest_first(tmp_path):
    asked = await play(tmp_path / "q.db", [{"ann": False}, {"ann": True, "bob": False}, {"ann": False}])
    result = quizbot("export", "misses", "test:W1:ann", "--format", "csv", "--db", "q.db", "--decks", DECKS,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == ANKI_HEADER
    rows = list(csv.reader(io.StringIO("\n".join(lines[4:]))))
    expected = [asked[2], asked[0]] if asked[2] != asked[0] else [asked[2]]
    assert [r[0] for r in rows] == [card(*key).term for key in expected]
    newest = card(*asked[2])
    assert rows[0][2].split() == [asked[2][0], *[t.replace(" ", "_") for t in newest.tags]]
    assert all(len(r) == 3 for r in rows)


async def test_a_member_can_be_named_by_a_unique_display_name(tmp_path):
    asked = await play(tmp_path / "q.db", [{"bob": False}])
    result = quizbot("export", "misses", "bob", "--db", "q.db", "--decks", DECKS, "-o", "bob.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Exported 1 missed card(s) to bob.csv" in result.stderr
    rows = [r for r in csv.reader((tmp_path / "bob.csv").open(encoding="utf-8")) if not r[0].startswith("#")]
    assert rows[0][0] == card(*asked[0]).term


async def test_a_card_answered_right_after_a_miss_is_not_a_miss(tmp_path):
    await play(tmp_path / "q.db", [{"ann": True}])
    result = quizbot("export", "misses", "test:W1:ann", "--db", "q.db", "--decks", DECKS, "-o", "x.csv",
                     cwd=tmp_path)
    assert result.returncode == 1
    assert "has no missed cards" in result.stderr and "test:W1:ann" in result.stderr
    assert result.stdout == "" and not (tmp_path / "x.csv").exists()


async def test_an_unknown_member_is_one_line_and_exit_2(tmp_path):
    await play(tmp_path / "q.db", [{"ann": False}])
    result = quizbot("export", "misses", "slack:T1:NOBODY", "--db", "q.db", "--decks", DECKS, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no member 'slack:T1:NOBODY'" in result.stderr and result.stdout == ""


def test_a_missing_database_is_refused_and_not_created(tmp_path):
    result = quizbot("export", "misses", "ann", "--db", "nope.db", cwd=tmp_path)
    assert result.returncode == 2 and "no database at nope.db" in result.stderr
    assert not (tmp_path / "nope.db").exists()


async def test_yaml_export_is_a_deck_the_real_lint_passes_clean(tmp_path):
    await play(tmp_path / "q.db", [{"ann": False}, {"ann": False}, {"ann": False}, {"ann": False}])
    result = quizbot("export", "misses", "ann", "--format", "yaml", "--db", "q.db", "--decks", DECKS,
                     "-o", "ann.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    deck = yaml.safe_load((tmp_path / "ann.yaml").read_text(encoding="utf-8"))
    assert deck["deck"] == "misses-ann" and deck["cards"]
    lint = quizbot("decks", "lint", "ann.yaml", cwd=tmp_path)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "0 error(s), 0 warning(s)" in lint.stdout + lint.stderr


async def test_two_members_of_one_name_must_be_named_by_key(tmp_path):
    clock = Clock()
    service, db = await make_service(tmp_path / "q.db", clock)
    try:
        await service.rename_member(Member("slack:T1:U1", "sam"))
        await service.rename_member(Member("discord:G1:U2", "Sam"))
    finally:
        await service.shutdown()
        await db.close()
    result = quizbot("export", "misses", "sam", "--db", "q.db", "--decks", DECKS, cwd=tmp_path)
    assert result.returncode == 2
    assert "2 members are called 'sam'" in result.stderr and "slack:T1:U1" in result.stderr


async def test_export_reads_a_postgresql_database_named_by_the_url(tmp_path, postgres_url):
    asked = await play(postgres_url, [{"ann": False}])
    result = quizbot("export", "misses", "ann", "--decks", DECKS, cwd=tmp_path,
                     env=clean_env(QUIZBOT_DATABASE_URL=postgres_url))
    assert result.returncode == 0, result.stderr
    rows = [r for r in csv.reader(io.StringIO(result.stdout)) if not r[0].startswith("#")]
    assert [r[0] for r in rows] == [card(*asked[0]).term]
    assert not (tmp_path / "quizbot.db").exists()
