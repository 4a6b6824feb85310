"""What the fake Slack workspace answers to each Web API method, and when it refuses.

Kept apart from the transport (tests/fakes/slack.py) so the rules read in one place.
Validation is a subset of Slack's: enough to catch an adapter that forgets a channel or
text, or outgrows Block Kit's limits (50 blocks, 3,000-char section text, 2,000-char
button value, 255-char action_id).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TEAM_ID = "T0FAKE"
TEAM_NAME = "Fake Team"
TEAM_URL = "https://fake-team.slack.com/"
APP_ID = "A0FAKE"
BOT_ID = "B0BOT"
BOT_USER_ID = "U0BOT"
BOT_USER_NAME = "quizbot"
MEMBER_ID = "U0MEMBER"
CHANNEL_ID = "C0QUIZ"

_MAX_BLOCKS = 50
_MAX_SECTION_TEXT = 3000
_MAX_BUTTON_VALUE = 2000
_MAX_ACTION_ID = 255

Args = dict[str, Any]


class SlackError(Exception):
    """Slack refused the call with ``error`` (answered as ``{"ok": false, "error": ...}``)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class SharedFile:
    """A file uploaded through the external upload flow and completed into a channel."""

    file_id: str
    filename: str
    title: str
    channel_id: str | None
    data: bytes


@dataclass
class _PendingUpload:
    filename: str
    length: int
    data: bytes | None = None


class Workspace:
    """One team with one bot: users, channels and the message ``ts`` clock.

    ``ts`` values handed out by ``chat.postMessage``/``chat.postEphemeral`` rise strictly.
    Any user or channel id is known; ``add_user``/``add_channel`` override the defaults.
    """

    def __init__(self) -> None:
        from .slack_oauth import Installs

        self.installs = Installs()
        """Workspaces that install the app through OAuth, and their tokens."""
        self.socket_url = ""
        """What ``apps.connections.open`` hands out; set by the server once it listens."""
        self.home_views: dict[str, Args] = {}
        """The last view ``views.publish`` published, per user id."""
        self._users: dict[str, Args] = {}
        self._channels: dict[str, Args] = {}
        self._ts = itertools.count(1)
        self._ts_base = int(time.time())
        self._ids = itertools.count(1)
        self.upload_base = ""
        """Where ``files.getUploadURLExternal`` sends the bytes; set by the server once it listens."""
        self._uploads: dict[str, _PendingUpload] = {}
        self.shared_files: list[SharedFile] = []
        """Files completed by ``files.completeUploadExternal``, in order."""

    def add_user(self, user_id: str, fields: Args) -> None:
        self._users[user_id] = fields

    def add_channel(self, channel_id: str, fields: Args) -> None:
        self._channels[channel_id] = fields

    def answer(self, method: str, args: Args, token: str | None, basic_auth: str | None = None) -> Args:
        """The body of a successful reply to ``method`` (without ``ok``).

        Raises SlackError with Slack's error code when Slack would refuse the call:
        ``not_authed`` without a token, ``not_allowed_token_type`` when
        ``apps.connections.open`` gets anything but an ``xapp-`` token; ``token_revoked`` or
        ``token_expired`` for a token issued by :attr:`installs` that no longer works.
        ``oauth.v2.access`` takes the app's client id and secret instead of a token. Unknown
        methods succeed with an empty body.
        """
        if method == "oauth.v2.access":
            return self.installs.access(args, basic_auth)
        if not token:
            raise SlackError("not_authed")
        team = self.installs.team_of(token)
        if method == "auth.test" and team is not None:
            return {"url": f"https://{team.team_id.lower()}.slack.com/", "team": team.name, "user": BOT_USER_NAME,
                    "team_id": team.team_id, "user_id": team.bot_user_id, "bot_id": team.bot_id,
                    "enterprise_id": team.enterprise_id, "is_enterprise_install": False}
        if method == "apps.connections.open":
            if not token.startswith("xapp-"):
                raise SlackError("not_allowed_token_type")
            return {"url": self.socket_url}
        handlers: dict[str, Callable[[Args], Args]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "chat.delete": self._delete,
            "views.open": self._open_view,
            "views.push": self._open_view,
            "views.update": self._update_view,
            "users.info": self._user_info,
            "conversations.info": self._conversation_info,
            "conversations.open": self._open_conversation,
            "views.publish": self._publish_view,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
        }
        handler = handlers.get(method)
        return {} if handler is None else handler(args)

    def _auth_test(self, args: Args) -> Args:
        return {
            "url": TEAM_URL,
            "team": TEAM_NAME,
            "user": BOT_USER_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, args: Args) -> Args:
        channel = _require(args, "channel", "channel_not_found")
        _check_message(args)
        ts = self._next_ts()
        return {"channel": channel, "ts": ts, "message": self._message(args, ts)}

    def _post_ephemeral(self, args: Args) -> Args:
        _require(args, "channel", "channel_not_found")
        _require(args, "user", "user_not_in_channel")
        _check_message(args)
        return {"message_ts": self._next_ts()}

    def _update(self, args: Args) -> Args:
        channel = _require(args, "channel", "channel_not_found")
        ts = _require(args, "ts", "message_not_found")
        _check_message(args)
        message = self._message(args, ts)
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _delete(self, args: Args) -> Args:
        channel = _require(args, "channel", "channel_not_found")
        return {"channel": channel, "ts": _require(args, "ts", "message_not_found")}

    def _open_view(self, args: Args) -> Args:
        _require(args, "trigger_id", "invalid_arguments")
        return self._update_view(args)

    def _update_view(self, args: Args) -> Args:
        view = args.get("view")
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        _check_blocks(view.get("blocks", []))
        return {"view": self._view(view)}

    def _publish_view(self, args: Args) -> Args:
        user_id = _require(args, "user_id", "invalid_arguments")
        view = args.get("view")
        if not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        _check_blocks(view.get("blocks", []))
        self.home_views[user_id] = view
        return {"view": self._view(view)}

    def _open_conversation(self, args: Args) -> Args:
        users = _require(args, "users", "users_list_not_supplied")
        if "," in users:
            raise SlackError("not_implemented")
        return {"channel": {"id": f"D{users}"}}

    def _user_info(self, args: Args) -> Args:
        user_id = _require(args, "user", "user_not_found")
        return {"user": {**_default_user(user_id), **self._users.get(user_id, {})}}

    def _conversation_info(self, args: Args) -> Args:
        channel_id = _require(args, "channel", "channel_not_found")
        return {"channel": {**_default_channel(channel_id), **self._channels.get(channel_id, {})}}

    def _upload_url(self, args: Args) -> Args:
        """Step 1 of the external upload: a file id and the URL its bytes go to."""
        filename = _require(args, "filename", "invalid_arguments")
        try:
            length = int(_require(args, "length", "invalid_arguments"))
        except ValueError:
            raise SlackError("invalid_arguments") from None
        if length <= 0:
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):08d}"
        self._uploads[file_id] = _PendingUpload(filename, length)
        return {"upload_url": f"{self.upload_base}/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, data: bytes) -> bool:
        """Step 2: the bytes POSTed to an upload URL; False (HTTP 404 there) for an unknown id
        or a length other than the one announced in step 1."""
        pending = self._uploads.get(file_id)
        if pending is None or len(data) != pending.length:
            return False
        pending.data = data
        return True

    def _complete_upload(self, args: Args) -> Args:
        """Step 3: share the uploaded files (to ``channel_id`` when given). A file whose bytes
        never arrived is ``file_not_found``; completing one twice is ``file_not_found`` too."""
        files = args.get("files")  # a form post's JSON text is already decoded (_JSON_ARGS)
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        channel_id = args.get("channel_id") or None
        done = []
        for item in files:
            file_id = str(item.get("id", "")) if isinstance(item, dict) else ""
            pending = self._uploads.get(file_id)
            if pending is None or pending.data is None:
                raise SlackError("file_not_found")
            done.append((file_id, pending, str(item.get("title") or pending.filename)))
        shared = []
        for file_id, pending, title in done:
            del self._uploads[file_id]
            assert pending.data is not None
            self.shared_files.append(SharedFile(file_id, pending.filename, title, channel_id, pending.data))
            shared.append({"id": file_id, "name": pending.filename, "title": title, "size": len(pending.data),
                           "channels": [channel_id] if channel_id else []})
        return {"files": shared}

    def _next_ts(self) -> str:
        return f"{self._ts_base}.{next(self._ts):06d}"

    def _message(self, args: Args, ts: str) -> Args:
        return {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": args.get("blocks", []),
        }

    def _view(self, view: Args) -> Args:
        return {
            "id": f"V{next(self._ids):08d}",
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "callback_id": "",
            "private_metadata": "",
            "hash": f"{time.time():.6f}",
            **view,
            "state": {"values": {}},
        }


def _require(args: Args, key: str, error: str) -> str:
    value = args.get(key)
    if not value:
        raise SlackError(error)
    return str(value)


def _check_message(args: Args) -> None:
    if not (args.get("text") or args.get("blocks") or args.get("attachments")):
        raise SlackError("no_text")
    blocks = args.get("blocks") or []
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format")
    _check_blocks(blocks)


def _check_blocks(blocks: list[Any]) -> None:
    if len(blocks) > _MAX_BLOCKS:
        raise SlackError("invalid_blocks")
    for block in blocks:
        if not isinstance(block, dict):
            raise SlackError("invalid_blocks_format")
        text = block.get("text") if block.get("type") == "section" else None
        if isinstance(text, dict) and len(str(text.get("text", ""))) > _MAX_SECTION_TEXT:
            raise SlackError("invalid_blocks")
        elements = block.get("elements") if block.get("type") == "actions" else None
        for element in elements or []:
            if not isinstance(element, dict):
                raise SlackError("invalid_blocks_format")
            if len(str(element.get("value", ""))) > _MAX_BUTTON_VALUE:
                raise SlackError("invalid_blocks")
            if len(str(element.get("action_id", ""))) > _MAX_ACTION_ID:
                raise SlackError("invalid_blocks")


def _default_user(user_id: str) -> Args:
    name = f"member-{user_id.lower()}"
    return {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": name,
        "real_name": name.title(),
        "tz": "UTC",
        "tz_offset": 0,
        "is_bot": user_id == BOT_USER_ID,
        "deleted": False,
        "profile": {"display_name": name, "real_name": name.title()},
    }


def _default_channel(channel_id: str) -> Args:
    return {
        "id": channel_id,
        "name": f"channel-{channel_id.lower()}",
        "is_channel": True,
        "is_private": False,
        "is_im": False,
        "is_member": True,
        "is_archived": False,
    }
