"""Settings: built-in defaults < ``quizbot.yaml`` < ``.env`` < the environment < options.

An empty value counts as unset everywhere: ``QUIZBOT_DB=`` in the environment or
``.env`` (as ``.env.example`` ships every line) and ``db_path:`` or ``db_path: ""``
in ``quizbot.yaml`` all keep the default (or the value from a lower layer). A
settings file that exists but cannot be read (a directory, no permission, not
UTF-8) is a :class:`ConfigError` naming it, never a traceback.

This module imports no part of the quiz core beyond the game settings
(``bot.quiz.settings``): ``quizbot define`` and ``decks`` read their paths here
without loading the store, asyncio or a platform.

Secrets (tokens, signing secrets) are read only from the environment or
``.env``, never from ``quizbot.yaml``, and are wrapped in :class:`Secret` so
that printing or logging the settings never shows them.

The ``.env`` file (``./.env``, or the file named by ``QUIZBOT_ENV_FILE``) fills
in variables the real environment does not set; a real variable always wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from bot.quiz.scoring import ScoringRules
from bot.quiz.settings import QuizSettings
from bot.settings_sources import ConfigError, is_set, read_env, read_yaml, settings_file


class Secret:
    """A string that does not show itself in repr, str or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


NO_PLATFORM = ("nothing to run: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Slack) and/or DISCORD_TOKEN "
               "(Discord), or pass --console to use the console on standard input")
"""Why ``quizbot run`` refuses to start with no platform tokens, no terminal and no ``--console``:
reading an empty input and stopping with 0 would be a silent restart loop under Docker."""


DEFAULT_SLACK_SCOPES = ("commands", "chat:write", "users:read", "im:write", "files:write")
"""The bot scopes of ``bot/chat/slack/manifest.yaml``: what an install asks for by default."""


def _database_url(value: object) -> str:
    """A usable database URL or empty; raises :class:`ConfigError` (without the password)."""
    text = str(value or "").strip()
    if not text:
        return ""
    from bot.store.urls import BadDatabaseUrl, parse_url

    try:
        parse_url(text if "://" in text else f"{text}://")
    except BadDatabaseUrl as exc:
        raise ConfigError(f"QUIZBOT_DATABASE_URL: {exc}") from None
    return text


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("quizbot.db")
    database_url: Secret = field(default_factory=lambda: Secret(""))
    """``QUIZBOT_DATABASE_URL``: PostgreSQL (or an explicit ``sqlite:///``) instead of the file at
    ``db_path``; a secret, since it usually carries a password."""
    decks_dir: Path = Path("decks")
    seed: int | None = None
    force_console: bool = False
    log_level: str = "INFO"
    log_level_set: bool = False
    """Whether the level was chosen (environment, .env or quizbot.yaml) rather than defaulted."""
    log_format: str = "text"
    http_addr: str = ""
    """host:port of /healthz and /metrics; empty disables the endpoint."""
    reload_interval_s: float = 2.0
    """Seconds between checks of the decks directory for edits; 0 disables hot reload."""
    stop_timeout_s: float = 25.0
    """At SIGTERM: the longest wait for work already accepted (stored and confirmed) before
    the process exits anyway; below compose's ``stop_grace_period`` (30 s)."""
    quiz: QuizSettings = field(default_factory=QuizSettings)
    slack_bot_token: Secret = field(default_factory=lambda: Secret(""))
    slack_app_token: Secret = field(default_factory=lambda: Secret(""))
    slack_signing_secret: Secret = field(default_factory=lambda: Secret(""))
    slack_http_port: int | None = None
    slack_http_host: str = "0.0.0.0"
    slack_api_url: str = "https://slack.com/api/"
    slack_client_id: str = ""
    """With :attr:`slack_client_secret`: install in many workspaces (OAuth v2, HTTP mode)."""
    slack_client_secret: Secret = field(default_factory=lambda: Secret(""))
    slack_scopes: tuple[str, ...] = DEFAULT_SLACK_SCOPES
    slack_install_redirect_url: str = ""
    """The redirect URL registered in the Slack app; empty: Slack uses the app's only one."""
    discord_token: Secret = field(default_factory=lambda: Secret(""))
    discord_api_url: str = ""
    discord_gateway_url: str = ""
    discord_shard_count: int | None = None
    discord_shard_ids: tuple[int, ...] = ()

    @property
    def database(self) -> str:
        """What :meth:`Database.open` takes: ``QUIZBOT_DATABASE_URL`` when set, else the SQLite file."""
        return self.database_url.get() or str(self.db_path)

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces: the OAuth install flow, a token per installed team (HTTP mode)."""
        return bool(self.slack_client_id) and bool(self.slack_client_secret)

    @property
    def slack_enabled(self) -> bool:
        http = bool(self.slack_signing_secret) and self.slack_http_port is not None
        if self.slack_oauth:
            return http
        return bool(self.slack_bot_token) and (bool(self.slack_app_token) or http)

    @property
    def discord_enabled(self) -> bool:
        return bool(self.discord_token)

    @property
    def uses_console(self) -> bool:
        """The console runs when asked for, or when no platform has its tokens."""
        return self.force_console or not (self.slack_enabled or self.discord_enabled)

    def secrets(self) -> list[str]:
        """Every secret value set (tests check none reaches the logs)."""
        return [s.get() for s in (self.slack_bot_token, self.slack_app_token, self.slack_signing_secret,
                                  self.slack_client_secret, self.discord_token) if s]


def _public_url(public_url: str, http_addr: str) -> str:
    """Where the web pages are opened: ``QUIZBOT_PUBLIC_URL`` (``https://quiz.example.com``),
    else the HTTP server's own address; empty when there is no HTTP server."""
    if not http_addr:
        return ""
    url = public_url.strip().rstrip("/")
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError(f"QUIZBOT_PUBLIC_URL must start with http:// or https://, got {url!r}")
    return url or f"http://{http_addr}"


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_QUIZ_KEYS = {f.name for f in fields(QuizSettings)} - {"scoring"}
_YAML_KEYS = {"db_path", "database_url", "decks_dir", "seed", "log_level", "log_format", "http_addr",
              "reload_interval_s", "stop_timeout_s", "points", "speed_bonus", *_QUIZ_KEYS}


_RANGES = {
    "answer_window_s": (10, 24 * 3600),
    "session_window_s": (10, 3600),
    "session_gap_s": (0, 600),
    "max_session_questions": (1, 500),
    "leaderboard_size": (1, 25),
    "reveal_leaderboard_size": (0, 25),
    "max_answer_chars": (1, 3000),
    "review_easy_s": (0, 600),
}
"""Game settings outside these bounds would break a platform limit or the game itself
(Slack and Discord text boxes take at most 3,000 and 4,000 characters)."""


def _int(name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from None


def _float(name: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}") from None


def parse_addr(value: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:8080`` for IPv6) as ``(host, port)``. Raises :class:`ConfigError`."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"QUIZBOT_HTTP_ADDR must be host:port, e.g. 0.0.0.0:8080, got {value!r}")
    return host.strip("[]") or "0.0.0.0", int(port)


def load_settings(env: Mapping[str, str] | None = None, config_file: Path | None = None,
                  env_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings from ``quizbot.yaml`` (optional), the environment (over ``.env``) and
    explicit overrides (command-line options), later ones winning; None or empty values count as
    unset at every layer. ``config_file`` (``--config``) or ``QUIZBOT_CONFIG`` names the YAML file;
    one that does not exist is skipped like a missing ``./quizbot.yaml`` (the command line
    refuses a missing ``--config`` itself). Raises :class:`ConfigError`."""
    env = read_env(env, env_file)
    values: dict[str, Any] = {}
    path = config_file or Path(env.get("QUIZBOT_CONFIG", "quizbot.yaml"))
    if settings_file(path, "settings file") is not None:
        values.update(read_yaml(path, _YAML_KEYS))
    mapping = {
        "QUIZBOT_DB": "db_path", "QUIZBOT_DATABASE_URL": "database_url", "QUIZBOT_DECKS": "decks_dir",
        "QUIZBOT_SEED": "seed",
        "QUIZBOT_LOG_LEVEL": "log_level", "QUIZBOT_LOG_FORMAT": "log_format", "QUIZBOT_HTTP_ADDR": "http_addr",
        "QUIZBOT_TIMEZONE": "timezone", "QUIZBOT_ANSWER_WINDOW": "answer_window_s",
        "QUIZBOT_POINTS": "points", "QUIZBOT_SPEED_BONUS": "speed_bonus",
        "QUIZBOT_ALLOW_CHANGE": "allow_change", "QUIZBOT_RELOAD_INTERVAL": "reload_interval_s",
        "QUIZBOT_STOP_TIMEOUT": "stop_timeout_s", "QUIZBOT_PUBLIC_URL": "public_url",
        "QUIZBOT_REVIEW_EASY": "review_easy_s",
    }
    for var, key in mapping.items():
        if var in env:
            values[key] = env[var]
    given = {k: v for k, v in overrides.items() if is_set(v)}
    if "db_path" in given and "database_url" not in given:
        values.pop("database_url", None)  # a file named on the command line is the database, whatever the URL says
    values.update(given)
    quiz_values = {k: values.pop(k) for k in list(values) if k in _QUIZ_KEYS}
    scoring = ScoringRules(points=_int("points", values.pop("points", 10)),
                           speed_bonus=_int("speed_bonus", values.pop("speed_bonus", 0)))
    for key in ("answer_window_s", "session_window_s", "session_gap_s", "max_session_questions",
                "leaderboard_size", "reveal_leaderboard_size", "max_answer_chars"):
        if key in quiz_values:
            quiz_values[key] = _int(key, quiz_values[key])
    if "review_easy_s" in quiz_values:
        quiz_values["review_easy_s"] = _float("review_easy_s", quiz_values["review_easy_s"])
    if "allow_change" in quiz_values:
        quiz_values["allow_change"] = str(quiz_values["allow_change"]).lower() in {"1", "true", "yes", "on"}
    if "timezone" in quiz_values and not isinstance(quiz_values["timezone"], str):
        raise ConfigError(f"timezone must be an IANA name like Europe/Berlin, got {quiz_values['timezone']!r}")
    for key, (low, high) in _RANGES.items():
        if key in quiz_values and not low <= quiz_values[key] <= high:
            raise ConfigError(f"{key} must be between {low} and {high}, got {quiz_values[key]}")
    quiz_values["public_url"] = _public_url(str(quiz_values.get("public_url") or ""), str(values.get("http_addr", "")))
    quiz = replace(QuizSettings(), scoring=scoring, **quiz_values)
    try:
        quiz.tz  # noqa: B018 - validate the time zone now, not at the first question
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {quiz.timezone!r}") from None
    shard_ids = env.get("DISCORD_SHARD_IDS", "")
    settings = Settings(
        db_path=Path(values.get("db_path", "quizbot.db")),
        database_url=Secret(_database_url(values.get("database_url", ""))),
        decks_dir=Path(values.get("decks_dir", "decks")),
        seed=_int("seed", values["seed"]) if values.get("seed") is not None else None,
        force_console=bool(values.get("force_console", False)),
        log_level=str(values.get("log_level", "INFO")).upper(),
        log_level_set="log_level" in values,
        log_format=str(values.get("log_format", "text")).lower(),
        http_addr=str(values.get("http_addr", "")),
        reload_interval_s=_float("reload_interval_s", values.get("reload_interval_s", 2.0)),
        stop_timeout_s=_float("QUIZBOT_STOP_TIMEOUT", values.get("stop_timeout_s", 25.0)),
        quiz=quiz,
        slack_bot_token=Secret(env.get("SLACK_BOT_TOKEN", "")),
        slack_app_token=Secret(env.get("SLACK_APP_TOKEN", "")),
        slack_signing_secret=Secret(env.get("SLACK_SIGNING_SECRET", "")),
        slack_http_port=_int("SLACK_HTTP_PORT", env["SLACK_HTTP_PORT"]) if env.get("SLACK_HTTP_PORT") else None,
        slack_http_host=env.get("SLACK_HTTP_HOST") or "0.0.0.0",
        slack_api_url=env.get("SLACK_API_URL") or "https://slack.com/api/",
        slack_client_id=env.get("SLACK_CLIENT_ID", "").strip(),
        slack_client_secret=Secret(env.get("SLACK_CLIENT_SECRET", "")),
        slack_scopes=_scopes(env.get("SLACK_SCOPES", "")),
        slack_install_redirect_url=env.get("SLACK_INSTALL_REDIRECT_URL", "").strip(),
        discord_token=Secret(env.get("DISCORD_TOKEN", "")),
        discord_api_url=env.get("DISCORD_API_URL") or "",
        discord_gateway_url=env.get("DISCORD_GATEWAY_URL") or "",
        discord_shard_count=(_int("DISCORD_SHARD_COUNT", env["DISCORD_SHARD_COUNT"])
                             if env.get("DISCORD_SHARD_COUNT") else None),
        discord_shard_ids=tuple(_int("DISCORD_SHARD_IDS", s) for s in shard_ids.split(",") if s.strip()),
    )
    if settings.log_format not in {"text", "json"}:
        raise ConfigError(f"QUIZBOT_LOG_FORMAT must be text or json, got {settings.log_format!r}")
    if settings.log_level not in LOG_LEVELS:
        raise ConfigError(f"QUIZBOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
                          f"got {settings.log_level!r}")
    if settings.http_addr:
        parse_addr(settings.http_addr)
    if settings.reload_interval_s < 0:
        raise ConfigError("reload_interval_s must be 0 (no hot reload) or more seconds")
    if not 0 < settings.stop_timeout_s <= 300:
        raise ConfigError(f"QUIZBOT_STOP_TIMEOUT must be more than 0 and at most 300 seconds, "
                          f"got {settings.stop_timeout_s:g}")
    _check_platforms(settings)
    return settings


def _scopes(raw: str) -> tuple[str, ...]:
    """``SLACK_SCOPES`` (comma separated) or the manifest's bot scopes when unset."""
    scopes = tuple(dict.fromkeys(s.strip() for s in raw.split(",") if s.strip()))
    for scope in scopes:
        if not all(c.isalnum() or c in ":._-" for c in scope):
            raise ConfigError(f"SLACK_SCOPES must be scope names separated by commas, got {scope!r}")
    return scopes or DEFAULT_SLACK_SCOPES


def _check_slack_oauth(settings: Settings) -> None:
    """Many workspaces need the client id and secret together, HTTP mode, and no fixed token."""
    has_id, has_secret = bool(settings.slack_client_id), bool(settings.slack_client_secret)
    if has_id != has_secret:
        missing = "SLACK_CLIENT_SECRET" if has_id else "SLACK_CLIENT_ID"
        raise ConfigError(f"Slack OAuth is half configured: {missing} is missing (installing in many workspaces "
                          "needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, from Basic Information)")
    if not settings.slack_oauth:
        if settings.slack_install_redirect_url:
            raise ConfigError("SLACK_INSTALL_REDIRECT_URL needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
        return
    if settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN (Socket Mode) cannot serve installs in many workspaces: unset it and use "
                          "HTTP mode (SLACK_SIGNING_SECRET and SLACK_HTTP_PORT) with SLACK_CLIENT_ID")
    if settings.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN and SLACK_CLIENT_ID exclude each other: one token serves one workspace, "
                          "OAuth stores a token per installed workspace; unset one of them")
    if not (settings.slack_signing_secret and settings.slack_http_port is not None):
        raise ConfigError("Slack OAuth needs HTTP mode: set SLACK_SIGNING_SECRET and SLACK_HTTP_PORT")
    url = settings.slack_install_redirect_url
    if url and not url.startswith(("https://", "http://")):
        raise ConfigError(f"SLACK_INSTALL_REDIRECT_URL must be an https:// URL, got {url!r}")


def _check_platforms(settings: Settings) -> None:
    """A platform that is half set up is an error, not a silent fall-back to the console."""
    port = settings.slack_http_port
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError(f"SLACK_HTTP_PORT must be a port number from 1 to 65535, got {port}")
    _check_slack_oauth(settings)
    slack_parts = {"SLACK_BOT_TOKEN": bool(settings.slack_bot_token), "SLACK_APP_TOKEN": bool(settings.slack_app_token),
                   "SLACK_SIGNING_SECRET": bool(settings.slack_signing_secret), "SLACK_HTTP_PORT": port is not None}
    if any(slack_parts.values()) and not settings.slack_enabled:
        if not settings.slack_bot_token:
            raise ConfigError("Slack is half configured: SLACK_BOT_TOKEN is missing (it is needed in both modes)")
        raise ConfigError("Slack is half configured: set SLACK_APP_TOKEN (Socket Mode), or SLACK_SIGNING_SECRET "
                          "and SLACK_HTTP_PORT (HTTP mode)")
    count, ids = settings.discord_shard_count, settings.discord_shard_ids
    if count is not None and count < 1:
        raise ConfigError(f"DISCORD_SHARD_COUNT must be 1 or more, got {count}")
    if ids and count is None:
        raise ConfigError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total number of shards)")
    bad = [i for i in ids if count is not None and not 0 <= i < count]
    if bad:
        raise ConfigError(f"DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT ({count}), got {bad}")
    if len(set(ids)) != len(ids):
        raise ConfigError("DISCORD_SHARD_IDS lists a shard twice")
