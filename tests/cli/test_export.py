"""``quizbot export answers --csv``: every recorded answer with its member, channel and round."""

from __future__ import annotations

import csv
import io

from bot.cli import main
from tests.helpers import ADMIN, CHANNEL, Clock, make_service, member
from tests.process import quizbot

HEADER = ["answered_at", "member_key", "member_name", "channel_key", "round_id", "question_key",
          "choice", "text", "correct", "points"]


async def play_one_round(path, kind: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    clock = Clock(1_795_000_000.0)
    service, db = await make_service(path, clock)
    try:
        assert await service.ask(CHANNEL, ADMIN, kind=kind) is None
        round_id = await service.open_round_id(CHANNEL)
        assert round_id is not None
        row = await service.ctx.stores.rounds.get(round_id)
        assert row is not None
        clock.advance(3.5)
        if kind == "choice":
            await service.answer_choice(round_id, member("ann"), row.question.correct)
            clock.advance(1)
            await service.answer_choice(round_id, member("bob"), (row.question.correct + 1) % 4)
        else:
            await service.answer_text(round_id, member("ann"), "definitely wrong, with, commas")
        await service.close(CHANNEL, ADMIN)
        return round_id, row.question.key
    finally:
        await service.shutdown()
        await db.close()


async def test_export_writes_every_answer_as_csv(tmp_path):
    round_id, question_key = await play_one_round(tmp_path / "q.db", "choice")
    result = quizbot("export", "answers", "--csv", "--db", "q.db", "-o", "answers.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Exported 2 answer(s)" in result.stderr
    rows = list(csv.reader((tmp_path / "answers.csv").open(encoding="utf-8")))
    assert rows[0] == HEADER
    ann, bob = rows[1:]
    assert ann[:6] == ["2026-11-18T11:06:43.500Z", "test:W1:ann", "ann", "test:W1:C1", str(round_id),
                       question_key]
    assert ann[6] in "ABCD" and ann[7] == "" and ann[8] == "true" and int(ann[9]) > 0
    assert bob[1] == "test:W1:bob" and bob[8] == "false" and bob[9] == "0"
    assert bob[0] == "2026-11-18T11:06:44.500Z"


async def test_export_to_stdout_quotes_typed_answers(tmp_path):
    await play_one_round(tmp_path / "q.db", "text")
    result = quizbot("export", "answers", "--csv", "--db", "q.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == HEADER
    assert rows[1][6] == "" and rows[1][7] == "definitely wrong, with, commas" and rows[1][8] == "false"


def test_export_of_a_missing_database_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "answers", "--csv", "--db", "nope.db"]) == 2
    assert "no database at nope.db" in capsys.readouterr().err
    assert not (tmp_path / "nope.db").exists()


async def test_export_to_stdout_in_process_matches_the_header(tmp_path, monkeypatch, capsys):
    await play_one_round(tmp_path / "q.db", "choice")
    monkeypatch.chdir(tmp_path)
    assert main(["export", "answers", "--csv", "--db", "q.db"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == HEADER and len(rows) == 3


async def test_export_answers_writes_csv_without_the_csv_option(tmp_path):
    await play_one_round(tmp_path / "q.db", "choice")
    result = quizbot("export", "answers", "--db", "q.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == HEADER and len(rows) == 3


async def test_export_to_a_file_that_cannot_be_written_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    await play_one_round(tmp_path / "q.db", "choice")
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["export", "answers", "--csv", "--db", "q.db", "-o", "a-file/answers.csv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("quizbot export: cannot write a-file/answers.csv: ") and err.count("\n") == 1
