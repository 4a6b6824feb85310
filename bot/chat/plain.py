"""Messages as plain text: the console's renderer and the notification fallback
that Slack shows in previews. Layout only; no game logic."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.quiz import messages as m


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%H:%M:%S UTC")


def render(message: m.Message) -> str:
    """The whole message as lines of text."""
    if isinstance(message, m.QuestionCard):
        head = f"Question {message.position[0]} of {message.position[1]}" if message.position else "Question"
        lines = [f"{head} (round {message.round_id}, {message.deck_title})", message.prompt]
        lines += [f"  {label}) {option}" for label, option in zip(message.labels, message.options, strict=True)]
        how = (f"Answer with a letter ({'/'.join(message.labels)})" if message.kind == "choice"
               else "Type your answer")
        lines.append(f"{how}; closes at {_when(message.closes_at)}.")
        if message.answered:
            lines.append(f"{message.answered} answered so far.")
        return "\n".join(lines)
    if isinstance(message, m.Reveal):
        if message.correct is not None:
            answer = f"{message.labels[message.correct]}) {message.answer}"
        else:
            answer = message.answer
        lines = [f"Round {message.round_id} closed. {message.prompt}", f"Answer: {answer}"]
        if message.tally and message.answered:
            shares = ", ".join(f"{label} {100 * n // message.answered}%"
                               for label, n in zip(message.labels, message.tally, strict=True))
            lines.append(f"Picked: {shares}")
        lines.append(f"Why: {message.explanation}")
        if message.source:
            lines.append(f"Source: {message.source}")
        lines.append(f"Right ({message.right} of {message.answered}): {message.winners_text}")
        if message.leaderboard and message.leaderboard.rows:
            lines.append(render(message.leaderboard))
        return "\n".join(lines)
    if isinstance(message, m.Leaderboard):
        lines = [message.title]
        if not message.rows:
            lines.append("  nobody has scored yet")
        for row in message.rows:
            lines.append(_row(row))
        if message.you:
            lines.append("  ...")
            lines.append(_row(message.you) + "  (you)")
        return "\n".join(lines)
    if isinstance(message, m.Definition):
        names = f" ({', '.join(message.aliases)})" if message.aliases else ""
        deck = f"Deck: {message.deck_title}" + (f"; source: {message.source}" if message.source else "")
        lines = [f"{message.term}{names}", message.definition, deck]
        if message.see_also:
            lines.append("See also: " + ", ".join(ref.term for ref in message.see_also))
        return "\n".join(lines)
    if isinstance(message, m.DidYouMean):
        if message.suggestions:
            return f"No card for {message.query!r}. Did you mean: " + ", ".join(
                s.term for s in message.suggestions) + "?"
        return f"No card for {message.query!r}, and nothing close. Try a shorter term or an acronym."
    if isinstance(message, m.Stats):
        summary = (f"Stats for {message.name}: {message.answered} answered, {message.correct} right "
                   f"({message.accuracy:.0%}), {message.points} points, streak {message.streak} "
                   f"(best {message.best_streak})")
        lines = [summary]
        if message.weakest_tags:
            lines.append("Weakest tags: " + ", ".join(f"{t} {c}/{n}" for t, c, n in message.weakest_tags))
        if message.weakest_cards:
            lines.append("Weakest cards: " + ", ".join(f"{t} {c}/{n}" for t, c, n in message.weakest_cards))
        return "\n".join(lines)
    if isinstance(message, m.SlotSkipped):
        return message.text
    prefix = "Error: " if message.tone == "error" else ""
    return "\n".join([prefix + message.text, *(f"  {line}" for line in message.lines)])


def _row(row: m.LeaderboardRow) -> str:
    return f"  {row.rank:>2}. {row.name}: {row.points} pts ({row.correct}/{row.answered}, {row.accuracy:.0%})"
