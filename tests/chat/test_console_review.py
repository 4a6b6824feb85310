"""``/quiz review`` in the console: plain lines, a typed line answers the speaker's review first."""

from __future__ import annotations

import io

from bot.chat.console import ConsoleChat
from bot.quiz.review import review
from bot.store.reviews import save_states
from tests.helpers import Clock, make_service


async def test_console_review_shows_the_question_and_a_typed_line_answers_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    service, db = await make_service(tmp_path / "q.db", clock)
    out = io.StringIO()
    console = ConsoleChat(service, out=out, stdin=io.StringIO(""), member="alice")
    try:
        member_id = await service.ctx.stores.directory.member_id(console.member.key, console.member.name)
        async with db.transaction() as conn:
            await save_states(conn, "demo/nms", [(member_id, *review(None, False, clock() - 86400))])
        await console.handle("/quiz review")
        row = await service.ctx.stores.review_questions.open_for(member_id)
        assert row is not None
        answer = "A" if row.question.kind == "choice" else "wrong answer"
        if row.question.kind == "choice" and row.question.correct == 0:
            answer = "B"
        await console.handle(answer)
        await console.handle("/quiz review")
    finally:
        await service.shutdown()
        await db.close()
    text = out.getvalue()
    assert "Review (1 due, Demo Deck)" in text and "`/quiz review stop` ends it" in text
    assert "Not quite: the answer is" in text and "Rated Again" in text
    assert "Review done: nothing else is due." in text
    assert "Nothing is due for review right now." in text
    assert "round" not in text.lower()  # nothing of a channel round was touched
