"""Discord's size limits on messages, components and choices, checked the way the API does.

The fake answers 400 "Invalid Form Body" (code 50035) when a body breaks one of these, so a
bot that would be refused by Discord is refused by the fake too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JSON = dict[str, Any]

IS_COMPONENTS_V2 = 1 << 15
EPHEMERAL = 1 << 6
LOADING = 1 << 7

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_ROWS = 5
MAX_ROW_ITEMS = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_CHOICES = 25


def walk_components(components: list[JSON]) -> Iterator[JSON]:
    """Every component, depth first, through rows, containers, sections and labels."""
    for component in components:
        yield component
        yield from walk_components(component.get("components") or [])
        for key in ("component", "accessory"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


def message_problems(body: JSON) -> dict[str, str]:
    """Field path -> what is wrong, for a message create/edit body; empty when Discord would
    accept it."""
    problems: dict[str, str] = {}
    content = body.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        problems["content"] = f"Must be {MAX_CONTENT} or fewer in length."
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        problems["embeds"] = f"Must be {MAX_EMBEDS} or fewer in length."
    for i, embed in enumerate(embeds):
        if len(embed.get("title") or "") > MAX_EMBED_TITLE:
            problems[f"embeds.{i}.title"] = f"Must be {MAX_EMBED_TITLE} or fewer in length."
        if len(embed.get("description") or "") > MAX_EMBED_DESCRIPTION:
            problems[f"embeds.{i}.description"] = (
                f"Must be {MAX_EMBED_DESCRIPTION} or fewer in length."
            )
    components = body.get("components") or []
    if not int(body.get("flags") or 0) & IS_COMPONENTS_V2:
        if len(components) > MAX_ROWS:
            problems["components"] = f"Must be {MAX_ROWS} or fewer in length."
        for i, row in enumerate(components):
            if len(row.get("components") or []) > MAX_ROW_ITEMS:
                problems[f"components.{i}.components"] = (
                    f"Must be {MAX_ROW_ITEMS} or fewer in length."
                )
    for component in walk_components(components):
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str) and len(custom_id) > MAX_CUSTOM_ID:
            problems[f"custom_id {custom_id[:20]}..."] = (
                f"Must be {MAX_CUSTOM_ID} or fewer in length."
            )
        label = component.get("label")
        if component.get("type") == 2 and isinstance(label, str) and len(label) > MAX_BUTTON_LABEL:
            problems[f"label {label[:20]}..."] = f"Must be {MAX_BUTTON_LABEL} or fewer in length."
    return problems


def choices_problems(body: JSON) -> dict[str, str]:
    """Problems with an autocomplete result (callback type 8)."""
    choices = body.get("choices") or []
    if len(choices) > MAX_CHOICES:
        return {"choices": f"Must be {MAX_CHOICES} or fewer in length."}
    return {}


def invalid_form_body(problems: dict[str, str]) -> JSON:
    """Discord's 400 body for `problems`."""
    return {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {
            field: {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": text}]}
            for field, text in problems.items()
        },
    }
