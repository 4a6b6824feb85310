"""One LaTeX formula as readable Unicode text, by pylatexenc: ``\\frac{tp}{tp+fp}`` -> ``tp/(tp+fp)``.

pylatexenc parses the formula and knows the symbols (``\\alpha`` -> ``α``); this
module adds what it leaves as ASCII or drops: sub- and superscripts as Unicode
where every character has one (``x²``, ``Wᵢ₋₁``), fractions with the brackets
that keep their meaning, and the space written after a symbol. It is imported
only when a text holds a formula (see :mod:`bot.deck.mathtext`), so start-up and
texts without math never pay for loading pylatexenc.
"""

from __future__ import annotations

import re
from typing import Any

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, SpecialsTextSpec, get_default_latex_context_db

_SUPERSCRIPTS = dict(zip(
    "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡ", strict=True))
_SUBSCRIPTS = dict(zip(
    "0123456789+-=()aehijklmnoprstuvxβγρφχ",
    "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))


def _arguments(node: Any, l2tobj: LatexNodes2Text) -> list[str]:
    """The text of each argument of a macro or special (``{...}`` or one token)."""
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    return [l2tobj.nodelist_to_text(arg.nodelist) if arg.isNodeType(latexwalker.LatexGroupNode)
            else l2tobj.node_to_text(arg) for arg in args if arg is not None]


def _script(marker: str, table: dict[str, str]) -> Any:
    """The text form of ``^{...}`` or ``_{...}``: Unicode scripts if every character
    has one (``x²``, ``Wᵢ₋₁``), else the marker with brackets when they matter
    (``y_(o,c)``, ``x^(1/p)``)."""

    def repl(node: Any, l2tobj: LatexNodes2Text) -> str:
        inner = "".join(_arguments(node, l2tobj)).strip()
        if not inner:
            return ""
        if all(ch in table for ch in inner):
            return "".join(table[ch] for ch in inner)
        return f"{marker}{inner}" if len(inner) == 1 else f"{marker}({inner})"

    return repl


def _bracketed(text: str) -> str:
    """``tp+fp`` -> ``(tp+fp)``: a numerator or denominator of more than one term keeps its meaning."""
    text = text.strip()
    if re.fullmatch(r"[\w.|∞·]+|\(.*\)", text):
        return text
    return f"({text})"


def _fraction(node: Any, l2tobj: LatexNodes2Text) -> str:
    parts = _arguments(node, l2tobj)
    if len(parts) != 2:
        return "/".join(parts)
    return f"{_bracketed(parts[0])}/{_bracketed(parts[1])}"


def _walker_context() -> macrospec.LatexContextDb:
    """pylatexenc's LaTeX with ``^`` and ``_`` taking one argument, as in math mode."""
    db = latexwalker.get_default_latex_context_db()
    db.add_context_category("quizbot-scripts", prepend=True, specials=[
        macrospec.SpecialsSpec("^", args_parser=macrospec.MacroStandardArgsParser("{")),
        macrospec.SpecialsSpec("_", args_parser=macrospec.MacroStandardArgsParser("{")),
    ])
    return db


def _text_context() -> macrospec.LatexContextDb:
    db = get_default_latex_context_db()
    db.add_context_category("quizbot-math", prepend=True, macros=[
        MacroTextSpec("frac", simplify_repl=_fraction),
        MacroTextSpec("dfrac", simplify_repl=_fraction),
        MacroTextSpec("tfrac", simplify_repl=_fraction),
    ], specials=[
        SpecialsTextSpec("^", simplify_repl=_script("^", _SUPERSCRIPTS)),
        SpecialsTextSpec("_", simplify_repl=_script("_", _SUBSCRIPTS)),
    ])
    return db


def _is_bare_symbol(node: Any) -> bool:
    """A macro without arguments followed by a space in the source (``\\alpha x``)."""
    return (node is not None and node.isNodeType(latexwalker.LatexMacroNode) and bool(node.macro_post_space)
            and not (node.nodeargd is not None and node.nodeargd.argnlist))


class _MathText(LatexNodes2Text):
    """Keeps the space written after a symbol (``\\alpha \\frac{d}{dW}`` -> ``α d/dW``, not ``αd/dW``)."""

    def nodelist_to_text(self, nodelist: list[Any]) -> str:
        text = ""
        previous = None
        for node in nodelist:
            if _is_bare_symbol(previous) and text and not text.endswith(" "):
                text += " "
            text += self.node_to_text(node)
            previous = node
        return text


_WALKER_CONTEXT = _walker_context()
_CONVERTER = _MathText(latex_context=_text_context(), math_mode="text", strict_latex_spaces=True)


def formula_to_text(latex: str) -> str:
    """One formula (without its delimiters) as text; the LaTeX itself if it cannot be read."""
    try:
        nodes, _, _ = latexwalker.LatexWalker(latex, latex_context=_WALKER_CONTEXT,
                                              tolerant_parsing=True).get_latex_nodes()
        text = _CONVERTER.nodelist_to_text(nodes)
    except Exception:  # pylatexenc is tolerant, but a formula must never break a message
        return latex
    return " ".join(text.split()) or latex
