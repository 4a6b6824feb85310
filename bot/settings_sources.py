"""Where settings come from: the environment, a ``.env`` file under it, and ``quizbot.yaml``;
each read into a plain mapping, an empty value counting as unset. :mod:`bot.config` turns
the mapping into :class:`~bot.config.Settings` and checks it.

Every problem with a source (a directory where a file should be, text that is not UTF-8,
YAML that is not a mapping, an unknown key) is one :class:`ConfigError` naming it."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it."""


def is_set(value: object) -> bool:
    """Whether a value says anything: None, "" and blanks mean "not set" (as in ``.env.example``)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def settings_file(path: Path, what: str) -> Path | None:
    """``path`` if it is a readable file, None if nothing is there. Raises :class:`ConfigError`
    for anything else there (a directory, a socket), so a wrong path is named, not a traceback."""
    if not path.exists():
        return None
    if not path.is_file():
        kind = "a directory" if path.is_dir() else "not a regular file"
        raise ConfigError(f"{what} {path} is {kind}; name a file")
    return path


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{what} {path} is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{what} {path} cannot be read: {exc.strerror or exc}") from None


def read_env(env: Mapping[str, str] | None = None, env_file: Path | None = None) -> dict[str, str]:
    """The environment with a ``.env`` file filled in underneath it (real variables win).

    With ``env`` None this is ``os.environ`` plus ``./.env`` (or ``QUIZBOT_ENV_FILE``). With an
    explicit ``env`` (tests), only ``env_file`` or the ``QUIZBOT_ENV_FILE`` inside ``env`` is
    read, so a developer's own ``.env`` cannot leak into a test. Variables with an empty value
    are left out of the result, wherever they come from: an empty real variable does not hide
    a value in ``.env``. Raises :class:`ConfigError` when a named env file does not exist, or
    when the env file is a directory or unreadable."""
    real = {k: v for k, v in (os.environ if env is None else env).items() if is_set(v)}
    named = env_file or (Path(real["QUIZBOT_ENV_FILE"]) if "QUIZBOT_ENV_FILE" in real else None)
    if named is not None and not named.exists():
        raise ConfigError(f"env file {named} (QUIZBOT_ENV_FILE) does not exist")
    path = named or (Path(".env") if env is None else None)
    if path is None or settings_file(path, "env file") is None:
        return real
    from dotenv import dotenv_values  # only when there is a file to parse

    text = _read_text(path, "env file")
    from_file = {k: v for k, v in dotenv_values(stream=io.StringIO(text)).items() if is_set(v)}
    return {**from_file, **real}  # type: ignore[dict-item]


def read_yaml(path: Path, allowed: set[str]) -> dict[str, Any]:
    """The settings in ``quizbot.yaml``, without keys left empty; a key not in ``allowed`` is
    refused. Raises :class:`ConfigError`."""
    try:
        data = yaml.safe_load(_read_text(path, "settings file")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    unknown = set(map(str, data)) - allowed
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))} "
                          "(tokens belong in the environment or .env, not in quizbot.yaml)")
    return {k: v for k, v in data.items() if is_set(v)}
