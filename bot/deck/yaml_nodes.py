"""YAML text to a tree of nodes that remember their position, never to Python objects.

Composing (not constructing) is what makes decks safe: a ``!!python/object``
tag is only ever seen as a tag, reported by the walker and never executed. The
positions are what lets every error name file:line:column.
"""

from __future__ import annotations

import yaml

try:  # libyaml is several times faster; fall back quietly where it is missing.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
SAFE_SCALARS = {STR, INT, BOOL, NULL, "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

# --- composing -------------------------------------------------------------

MAX_DEPTH = 64
"""Deeper nesting is refused: a deck is a few levels deep, and libyaml's own
recursive composer crashes the process (not an exception) on very deep input."""

_IMPLICIT = yaml.SafeLoader.yaml_implicit_resolvers


class Refused(yaml.MarkedYAMLError):
    """Valid YAML that a deck file may not use (deep nesting, recursive aliases, ...)."""


def compose_nodes(text: str) -> tuple[yaml.Node | None, bool]:
    """YAML text to one node tree, never constructing Python objects from tags.

    An iterative replacement for ``yaml.compose`` over libyaml's event stream:
    the same nodes, tags and marks, but bounded nesting (:data:`MAX_DEPTH`; the
    C composer overflows the stack and kills the process) and no recursive
    aliases. Returns the root (None for an empty file) and whether any node
    carries a tag beyond plain YAML. Raises ``yaml.MarkedYAMLError``.
    """
    scalar_node, sequence_node, mapping_node = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
    scalar_event, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    implicit = _IMPLICIT
    safe_scalars = SAFE_SCALARS
    resolved: dict[str, str] = {}  # plain scalar -> its implicit tag; keys and short values repeat a lot
    loader = _Loader(text)
    get_event = loader.get_event
    try:
        anchors: dict[str, yaml.Node] = {}
        open_anchors: set[str] = set()
        # (node, its anchor, the list its children go to); the bottom entry collects the root.
        roots: list[yaml.Node] = []
        stack: list[tuple[yaml.Node | None, str | None, list[yaml.Node]]] = [(None, None, roots)]
        add = roots.append
        documents = 0
        foreign = False
        while True:
            event = get_event()
            kind = type(event)
            node: yaml.Node
            if kind is scalar_event:
                tag = event.tag
                value = event.value
                if tag is None or tag == "!":
                    if event.implicit[0]:
                        tag = resolved.get(value)
                        if tag is None:
                            tag = STR
                            for candidate, pattern in implicit.get(value[:1], ()):
                                if pattern.match(value):
                                    tag = candidate
                                    break
                            if len(value) <= 32:
                                resolved[value] = tag
                    else:
                        tag = STR
                if tag not in safe_scalars:  # an explicit tag, or an implicit one like << (merge)
                    foreign = True
                node = scalar_node(tag, value, event.start_mark, event.end_mark, event.style)
                if event.anchor is not None:
                    anchors[event.anchor] = node
            elif kind is mapping_start or kind is sequence_start:
                if len(stack) > MAX_DEPTH:
                    raise Refused(
                        None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
                is_map = kind is mapping_start
                tag = event.tag
                if tag is None or tag == "!":
                    tag = MAP if is_map else SEQ
                foreign = foreign or tag != (MAP if is_map else SEQ)
                started = (mapping_node if is_map else sequence_node)(
                    tag, [], event.start_mark, None, event.flow_style)
                if event.anchor is not None:
                    anchors[event.anchor] = started
                    open_anchors.add(event.anchor)
                children: list[yaml.Node] = [] if is_map else started.value
                stack.append((started, event.anchor, children))
                add = children.append
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                done, anchor, items = stack.pop()
                assert done is not None
                node = done
                node.end_mark = event.end_mark
                if kind is yaml.MappingEndEvent:
                    node.value = list(zip(items[::2], items[1::2], strict=True))
                if anchor is not None:
                    open_anchors.discard(anchor)
                add = stack[-1][2].append
            elif kind is yaml.AliasEvent:
                if event.anchor in open_anchors:
                    raise Refused(
                        None, None, f"alias *{event.anchor[:40]} refers to a node that contains it",
                        event.start_mark)
                if event.anchor not in anchors:
                    raise yaml.composer.ComposerError(
                        None, None, f"found undefined alias *{event.anchor[:40]}", event.start_mark)
                node = anchors[event.anchor]
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise Refused(
                        None, None, "a deck file holds one YAML document; found a second one",
                        event.start_mark)
                continue
            elif event is None or kind is yaml.StreamEndEvent:
                return (roots[0] if roots else None), foreign
            else:  # stream start, document end
                continue
            add(node)
    finally:
        loader.dispose()


