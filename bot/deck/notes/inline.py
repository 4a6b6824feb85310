"""Small text rules shared by every importer: readable sub/superscripts, list items kept apart.

``x<sub>i</sub>`` and ``x<sup>2</sup>`` are how notes exported from HTML or
written for GitHub write indices and powers; stripping the tags would turn
``w<sub>i</sub>x<sub>i</sub>`` into ``wixi``. They become Unicode (``xᵢ``,
``x²``) when every character has a sub/superscript form, else ``x_i`` /
``x^(n+1)``. And a list's items, once joined into one definition, keep a
separator (``a; b; c``) so they do not run together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ", strict=True))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx",
                "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SUB_SUP = re.compile(r"<(sub|sup)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
_END_PUNCTUATION = (".", ";", ":", "!", "?", ",")


def script(text: str, kind: str) -> str:
    """``text`` as a subscript (``kind`` ``sub``) or superscript (``sup``) that reads in plain text."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return ""
    table = _SUB if kind.lower() == "sub" else _SUP
    if all(c in table for c in text):
        return "".join(table[c] for c in text)
    mark = "_" if kind.lower() == "sub" else "^"
    return f"{mark}{text}" if re.fullmatch(r"\w", text) else f"{mark}({text})"


def render_scripts(text: str) -> str:
    """Every ``<sub>…</sub>`` and ``<sup>…</sup>`` in ``text`` replaced by :func:`script`."""
    return _SUB_SUP.sub(lambda m: script(_TAG.sub("", m.group(2)), m.group(1)), text)


def join_items(parts: Iterable[str]) -> str:
    """Texts joined into one definition: ``"; "`` between two when the first has no closing
    punctuation, a space otherwise, so list items never run together."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith(_END_PUNCTUATION):
            out = f"{out} {part}"
        else:
            out = f"{out}; {part}"
    return out
