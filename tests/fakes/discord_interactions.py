"""INTERACTION_CREATE payloads as Discord builds them when a member uses the bot.

Pure functions: `FakeDiscord` supplies the world, the synced commands and the stored messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .discord_checks import walk_components
from .discord_payloads import FakeChannel, FakeMember, FakeRole, FakeUser, FakeWorld

JSON = dict[str, Any]
OptionValue = str | int | float | bool | FakeUser | FakeMember | FakeChannel | FakeRole

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, NUMBER = 3, 4, 5, 6, 7, 8, 10
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
TEXT_INPUT, LABEL, ACTION_ROW = 4, 18, 1
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def _inferred_type(value: OptionValue) -> int:
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, float):
        return NUMBER
    if isinstance(value, FakeUser | FakeMember):
        return USER
    if isinstance(value, FakeChannel):
        return CHANNEL
    if isinstance(value, FakeRole):
        return ROLE
    return STRING


def _declared_options(command: JSON | None, path: list[str]) -> list[JSON]:
    """The option declarations of the (sub)command at `path` below a synced command."""
    options: list[JSON] = list((command or {}).get("options") or [])
    for name in path:
        parent = next((o for o in options if o.get("name") == name), None)
        options = list((parent or {}).get("options") or [])
    return options


def command_data(
    world: FakeWorld,
    name: str,
    options: Mapping[str, OptionValue],
    *,
    synced: JSON | None,
    group: str | None,
    subcommand: str | None,
    focused: str | None = None,
) -> JSON:
    """`data` of a chat input command. Option types come from the synced declaration when the
    command was synced, else from the Python type (bool 5, int 4, float 10, str 3, user 6,
    channel 7, role 8). User, channel and role options are resolved as Discord resolves them."""
    path = [p for p in (group, subcommand) if p is not None]
    declared = {o["name"]: o for o in _declared_options(synced, path)}
    resolved: JSON = {}
    leaf: list[JSON] = []
    for option_name, value in options.items():
        option_type = declared.get(option_name, {}).get("type") or _inferred_type(value)
        raw: Any = value
        if isinstance(value, FakeMember):
            raw = str(value.user.id)
            resolved.setdefault("users", {})[raw] = value.user.payload()
            member = value.payload(permissions=world.guild.permissions_of(value))
            del member["user"]
            resolved.setdefault("members", {})[raw] = member
        elif isinstance(value, FakeUser):
            raw = str(value.id)
            resolved.setdefault("users", {})[raw] = value.payload()
        elif isinstance(value, FakeChannel):
            raw = str(value.id)
            channel = value.payload(world.guild.id) | {"permissions": str(1 << 40)}
            resolved.setdefault("channels", {})[raw] = channel
        elif isinstance(value, FakeRole):
            raw = str(value.id)
            resolved.setdefault("roles", {})[raw] = value.payload()
        option: JSON = {"name": option_name, "type": option_type, "value": raw}
        if option_name == focused:
            option["focused"] = True
        leaf.append(option)
    tree = leaf
    if subcommand is not None:
        tree = [{"name": subcommand, "type": SUB_COMMAND, "options": tree}]
    if group is not None:
        tree = [{"name": group, "type": SUB_COMMAND_GROUP, "options": tree}]
    data: JSON = {
        "id": (synced or {}).get("id", "0"),
        "name": name,
        "type": 1,
        "options": tree,
    }
    if synced is not None and "guild_id" in synced:
        data["guild_id"] = synced["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def find_component(message: JSON, custom_id: str) -> JSON:
    """The component with `custom_id` in `message`. Raises LookupError if the message has none
    (a member cannot click it) and ValueError if it is disabled (Discord greys it out)."""
    for component in walk_components(message.get("components") or []):
        if component.get("custom_id") == custom_id:
            if component.get("disabled"):
                raise ValueError(f"component {custom_id!r} is disabled")
            return component
    raise LookupError(f"message {message['id']} has no component {custom_id!r}")


def modal_submit_components(modal: JSON, values: Mapping[str, str]) -> list[JSON]:
    """The submitted `components` for a modal the bot showed (callback type 9 data), keeping
    its layout (action rows or labels). Fields left out of `values` come back empty, as
    Discord sends unfilled optional inputs. Raises KeyError for a value with no such field."""
    fields = {
        c["custom_id"]
        for c in walk_components(modal.get("components") or [])
        if c.get("type") == TEXT_INPUT
    }
    unknown = set(values) - fields
    if unknown:
        raise KeyError(f"modal {modal.get('custom_id')!r} has no fields {sorted(unknown)}")

    def submitted(component: JSON) -> JSON:
        return {
            "type": TEXT_INPUT,
            "id": component.get("id", 0),
            "custom_id": component["custom_id"],
            "value": values.get(component["custom_id"], ""),
        }

    out: list[JSON] = []
    for top in modal.get("components") or []:
        if top.get("type") == LABEL and (top.get("component") or {}).get("type") == TEXT_INPUT:
            out.append(
                {"type": LABEL, "id": top.get("id", 0), "component": submitted(top["component"])}
            )
        elif top.get("type") == ACTION_ROW:
            inputs = [
                submitted(c) for c in top.get("components") or [] if c.get("type") == TEXT_INPUT
            ]
            out.append({"type": ACTION_ROW, "id": top.get("id", 0), "components": inputs})
    return out


def interaction_payload(
    world: FakeWorld,
    *,
    interaction_id: int,
    token: str,
    interaction_type: int,
    data: JSON,
    member: FakeMember,
    permissions: int,
    channel: FakeChannel,
    app_permissions: int,
    message: JSON | None = None,
) -> JSON:
    """The INTERACTION_CREATE dispatch for a member acting in a guild text channel (of any
    guild of the world). `member.permissions` is `permissions` as a decimal string, as Discord
    sends it."""
    guild = world.guild_of(channel.id) or world.guild
    payload: JSON = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": interaction_type,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
        "channel_id": str(channel.id),
        "channel": channel.payload(guild.id),
        "member": member.payload(permissions=permissions),
        "token": token,
        "version": 1,
        "app_permissions": str(app_permissions),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        payload["message"] = message
    return payload
