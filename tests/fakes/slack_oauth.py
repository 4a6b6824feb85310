"""The OAuth side of the fake Slack: workspaces that install the app, and their bot tokens.

A test lets a workspace "approve" an install with :meth:`Installs.approve` (what Slack does when
an admin clicks Allow on the consent page) and gets the ``code`` Slack would send to the app's
redirect URL. ``oauth.v2.access`` then exchanges that code (once) for the team's bot token, as
Slack does: team, bot user id, scopes, and with token rotation on a refresh token and
``expires_in``. ``oauth.v2.access`` with ``grant_type=refresh_token`` rotates: a new token and
a new refresh token; the old refresh token is spent.

Every token handed out here is tied to its team: ``auth.test`` answers that team, and a call
with a token that was revoked (:meth:`Installs.revoke`, an uninstall) or has expired is refused
(``token_revoked``, ``token_expired``), as Slack refuses it. Tokens the fake never issued
(``xoxb-test``) keep the default workspace, so single-token tests are unchanged.
"""

from __future__ import annotations

import base64
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from .slack_workspace import APP_ID, Args, SlackError

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"
TOKEN_LIFETIME_S = 12 * 3600
"""What Slack gives a rotating bot token (12 hours)."""


@dataclass(frozen=True)
class Team:
    """A workspace that can install the app, and the bot user it gets there."""

    team_id: str
    name: str
    bot_user_id: str
    bot_id: str
    enterprise_id: str | None = None


@dataclass
class _Token:
    team: Team
    expires_at: float | None
    revoked: bool = False


@dataclass
class _Grant:
    team: Team
    scopes: str
    rotating: bool
    expires_in: int


class Installs:
    """Codes, tokens and refresh tokens of the app ``CLIENT_ID`` across workspaces."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, _Token] = {}
        self._refresh: dict[str, _Grant] = {}
        self._ids = itertools.count(1)

    def approve(self, team: Team, *, scopes: str = "commands,chat:write,users:read,files:write", rotating: bool = False,
                expires_in: int = TOKEN_LIFETIME_S) -> str:
        """A workspace allows the install: the one-time ``code`` for the redirect URL.
        ``rotating``: the token expires after ``expires_in`` seconds and comes with a refresh token;
        the tokens it is rotated into live :data:`TOKEN_LIFETIME_S`, as Slack's do."""
        code = f"code-{team.team_id}-{next(self._ids)}"
        self._codes[code] = _Grant(team, scopes, rotating, expires_in)
        return code

    def revoke(self, team_id: str) -> None:
        """Every token of ``team_id`` stops working (an uninstall, a revocation)."""
        for token in self._tokens.values():
            if token.team.team_id == team_id:
                token.revoked = True

    def expire(self, token: str, in_s: float) -> None:
        """Make ``token`` expire ``in_s`` seconds from now (it is refused once past)."""
        self._tokens[token].expires_at = self.clock() + in_s

    def tokens_of(self, team_id: str) -> list[str]:
        """Every token issued to ``team_id``, oldest first."""
        return [t for t, info in self._tokens.items() if info.team.team_id == team_id]

    def team_of(self, token: str) -> Team | None:
        """The team a token speaks for; None for a token the fake never issued. Raises
        SlackError for a revoked or expired one, as Slack refuses them on every method."""
        info = self._tokens.get(token)
        if info is None:
            return None
        if info.revoked:
            raise SlackError("token_revoked")
        if info.expires_at is not None and info.expires_at <= self.clock():
            raise SlackError("token_expired")
        return info.team

    def access(self, args: Args, basic_auth: str | None) -> Args:
        """``oauth.v2.access``: a code or a refresh token for a bot token. Raises SlackError."""
        client_id, client_secret = _client(args, basic_auth)
        if client_id != CLIENT_ID:
            raise SlackError("invalid_client_id")
        if client_secret != CLIENT_SECRET:
            raise SlackError("bad_client_secret")
        if args.get("grant_type") == "refresh_token":
            grant = self._refresh.pop(str(args.get("refresh_token") or ""), None)
            if grant is None:
                raise SlackError("invalid_refresh_token")
            return self._issue(_Grant(grant.team, grant.scopes, True, TOKEN_LIFETIME_S))
        grant = self._codes.pop(str(args.get("code") or ""), None)
        if grant is None:
            raise SlackError("invalid_code")
        return self._issue(grant)

    def _issue(self, grant: _Grant) -> Args:
        n = next(self._ids)
        team = grant.team
        token = f"xoxe.xoxb-{team.team_id}-{n}" if grant.rotating else f"xoxb-{team.team_id}-{n}"
        self._tokens[token] = _Token(team, self.clock() + grant.expires_in if grant.rotating else None)
        body: Args = {
            "app_id": APP_ID,
            "authed_user": {"id": "U0INSTALLER"},
            "scope": grant.scopes,
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": team.bot_user_id,
            "team": {"id": team.team_id, "name": team.name},
            "enterprise": {"id": team.enterprise_id, "name": "Grid"} if team.enterprise_id else None,
            "is_enterprise_install": False,
        }
        if grant.rotating:
            refresh = f"xoxe-1-refresh-{team.team_id}-{n}"
            self._refresh[refresh] = grant
            body |= {"refresh_token": refresh, "expires_in": grant.expires_in}
        return body


def _client(args: Args, basic_auth: str | None) -> tuple[str, str]:
    """The client id and secret, from HTTP Basic auth (what slack-sdk sends) or the form."""
    if basic_auth:
        user, _, password = base64.b64decode(basic_auth).decode().partition(":")
        return user, password
    return str(args.get("client_id") or ""), str(args.get("client_secret") or "")
