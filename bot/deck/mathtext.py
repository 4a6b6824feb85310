"""LaTeX math in card text as readable Unicode: ``$\\max(0, x)$`` -> ``max(0, x)``.

The notes write formulas in LaTeX (``$\\alpha$``, ``$x^2$``, ``$\\frac{tp}{tp+fp}$``);
no chat platform renders it, so every message shows the text form instead:
``α``, ``x²``, ``tp/(tp+fp)``. This module finds the math in ordinary text;
:mod:`bot.deck.latex_text` (pylatexenc) turns each formula into text.

Only the math is converted: ``$...$``, ``$$...$$``, ``\\(...\\)`` and ``\\[...\\]``.
The text around it is left exactly as it was (a ``%`` or ``_`` in prose is not
LaTeX), and so is a dollar that cannot open math (``5$ and 6$``: an opening
``$`` is followed, and a closing one preceded, by a non-space; a closing one
is not followed by a digit, as in pandoc). Text with neither ``$`` nor a
backslash is returned as it is without any parsing; results are cached, since
the same cards are rendered again and again.
"""

from __future__ import annotations

import functools
import re

_MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$"
    r"|(?<![\\$\w])\$(?=[^\s$])(?P<inline>.+?)(?<=[^\s\\])\$(?!\d)"
    r"|\\\((?P<paren>.+?)\\\)"
    r"|\\\[(?P<bracket>.+?)\\\]",
    re.DOTALL,
)


@functools.lru_cache(maxsize=8192)
def _convert(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        latex = next(group for group in match.groups() if group is not None)
        from bot.deck.latex_text import formula_to_text  # pylatexenc: loaded on the first formula

        return formula_to_text(latex)

    return _MATH.sub(repl, text)


def math_to_text(text: str) -> str:
    """``text`` with every LaTeX formula in it written as readable Unicode text.

    Guaranteed: text without ``$`` or a backslash comes back unchanged (the same
    object, without parsing); prose around a formula is never altered; a formula pylatexenc cannot
    read is left as written. Idempotent for the text it produces.
    """
    if "$" not in text and "\\" not in text:  # two one-character scans: the common case, kept cheap
        return text
    return _convert(text)
