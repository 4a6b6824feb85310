"""The weekly digest's chart: each member's points per day as a PNG (a group of bars per
day, one bar per member in the board's order, so tied members stay visible side by side).

matplotlib is imported inside :func:`render_chart`, never at module level, so commands that
never draw a chart (``quizbot define``, the console's start) do not pay for it; it runs with
the Agg backend (no display, thread-safe enough for one figure per call, which is how it is
used: the digest renders in a worker thread).

Display names are data: each legend entry is drawn with math parsing off, so a name such as
``$x$`` shows as typed and cannot switch on matplotlib's mathtext.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

MAX_MEMBERS = 10
"""Lines drawn at most: tab10's ten colours stay distinct."""
MAX_NAME_CHARS = 24
"""A longer display name is cut (with an ellipsis) so the legend stays readable."""


def _label(name: str) -> str:
    name = " ".join(name.split()) or "?"
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def render_chart(title: str, days: Sequence[str], members: Sequence[tuple[str, Sequence[int]]]) -> bytes:
    """A PNG with a bar per member (their points) on each of ``days``, members in the order
    given (best first), at most :data:`MAX_MEMBERS`. Raises ValueError when a member's points
    do not match ``days``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    members = list(members)[:MAX_MEMBERS]
    for name, daily in members:
        if len(daily) != len(days):
            raise ValueError(f"{len(daily)} daily points for {len(days)} days ({name!r})")
    figure = Figure(figsize=(9, 4.5), dpi=100, layout="constrained")
    axes = figure.subplots()
    colours = matplotlib.color_sequences["tab10"]
    width = 0.8 / max(1, len(members))
    for i, (name, daily) in enumerate(members):
        offsets = [day - 0.4 + width * (i + 0.5) for day in range(len(days))]
        axes.bar(offsets, list(daily), width=width, color=colours[i % len(colours)], label=_label(name))
    axes.set_xticks(list(range(len(days))), list(days))
    axes.set_ylabel("points")
    top = max((max(daily, default=0) for _, daily in members), default=0)
    axes.set_ylim(0, max(10, top * 1.1))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    title_text = axes.set_title(title)
    title_text.set_parse_math(False)
    if members:
        legend = axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        for text in legend.get_texts():
            text.set_parse_math(False)
    else:
        axes.text(0.5, 0.5, "No answers this week", ha="center", va="center", transform=axes.transAxes)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
