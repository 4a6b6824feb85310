"""Typed reads out of YAML nodes, collecting every problem instead of stopping at the first."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from bot.deck.model import ID_PATTERN
from bot.deck.problems import QUOTE_MAX, Problem, quote
from bot.deck.yaml_nodes import BOOL, INT, MAP, NULL, SAFE_SCALARS, SEQ

# --- node walking ---------------------------------------------------------


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "nothing"
    value = str(node.value)
    return value if len(value) <= QUOTE_MAX else value[:QUOTE_MAX - 3] + "..."


class Walker:
    """Reads typed values out of YAML nodes, collecting problems as it goes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._checked: set[int] = set()

    def error(self, node: yaml.Node | None, where: str, message: str, severity: str = "error") -> None:
        line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
        self.problems.append(Problem(self.path, line, column, where, message, severity))

    def check_tags(self, node: yaml.Node, where: str = "") -> bool:
        """Refuse any tag beyond plain YAML (``!!python/object`` and friends).

        A node reached again through an alias is checked once, so a "billion
        laughs" file costs no more than its size.
        """
        if id(node) in self._checked:
            return True
        self._checked.add(id(node))
        ok = True
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in SAFE_SCALARS:
                self.error(node, where, f"unsupported YAML tag {quote(node.tag, 80)}; decks hold plain data only")
                return False
        elif isinstance(node, yaml.SequenceNode):
            if node.tag != SEQ:
                self.error(node, where, f"unsupported YAML tag {quote(node.tag, 80)}; decks hold plain data only")
                return False
            for i, item in enumerate(node.value):
                ok = self.check_tags(item, f"{where}[{i}]") and ok
        elif isinstance(node, yaml.MappingNode):
            if node.tag != MAP:
                self.error(node, where, f"unsupported YAML tag {quote(node.tag, 80)}; decks hold plain data only")
                return False
            for key, value in node.value:
                name = str(key.value)[:QUOTE_MAX] if isinstance(key, yaml.ScalarNode) else "?"
                sub = f"{where}.{name}" if where else name
                ok = self.check_tags(key, sub) and ok
                ok = self.check_tags(value, sub) and ok
        return ok

    def mapping(
        self, node: yaml.Node, where: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, where, f"expected a mapping, got {describe(node)}")
            return None
        allowed_set = allowed if isinstance(allowed, frozenset) else frozenset(allowed)
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            if name not in allowed_set and len(name) > QUOTE_MAX:
                name = name[:QUOTE_MAX - 3] + "..."
            sub = f"{where}.{name}" if where else name
            if name not in allowed_set:
                hint = ", ".join(sorted(allowed_set))
                self.error(key, sub, f"unknown key {quote(name)} (expected one of: {hint})")
                continue
            if name in out:
                self.error(key, sub, f"duplicate key {quote(name)}")
                continue
            out[name] = value
        for name in required:
            if name not in out:
                sub = f"{where}.{name}" if where else name
                self.error(node, sub, "is required")
        return out

    def string(self, node: yaml.Node, where: str, *, required: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL:
            self.error(node, where, f"expected a string, got {describe(node)}")
            return None
        text = str(node.value).strip()
        if required and not text:
            self.error(node, where, "must not be empty")
            return None
        return text

    def slug(self, node: yaml.Node, where: str, max_len: int | None = None) -> str | None:
        text = self.string(node, where, required=True)
        if text is not None and not ID_PATTERN.match(text):
            self.error(node, where, f"expected a lowercase slug like 'batch-norm', got {quote(text)}")
            return None
        if text is not None and max_len is not None and len(text) > max_len:
            self.error(node, where, f"at most {max_len} characters, got {len(text)}")
            return None
        return text

    def strings(self, node: yaml.Node, where: str) -> tuple[str, ...] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, where, f"expected a list of strings, got {describe(node)}")
            return None
        out: list[str] = []
        for i, item in enumerate(node.value):
            text = self.string(item, f"{where}[{i}]", required=True)
            if text is not None:
                out.append(text)
        return tuple(out)

    def integer(self, node: yaml.Node, where: str) -> int | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != INT:
            self.error(node, where, f"expected a whole number, got {describe(node)}")
            return None
        return int(node.value)

    def boolean(self, node: yaml.Node, where: str) -> bool | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != BOOL:
            self.error(node, where, f"expected true or false, got {describe(node)}")
            return None
        return str(node.value).lower() in {"true", "yes", "on", "y"}


