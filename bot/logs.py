"""One line per event: ``key=value`` text or JSON, level from the settings.

Secret values handed to :func:`setup` are masked in every line, whatever logger
wrote it (a library that prints a URL or a request with a token in it included):
tokens must never reach the logs.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterable


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        line = f"time={stamp} level={record.levelname.lower()} logger={record.name} {record.getMessage()}"
        if record.exc_info:
            error = self.formatException(record.exc_info).splitlines()[-1]
            line += f" error={error!r}"
        return line


SLACK_TOKEN = re.compile(r"\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+")
"""Any Slack token (bot, user, rotating ``xoxe.xoxb-``, refresh ``xoxe-``): installed in many
workspaces the bot learns tokens while it runs (installs, rotations), which no setting names,
and slack-sdk logs Web API answers that carry them at DEBUG."""


class _Redacting(logging.Formatter):
    """Wraps a formatter and replaces each secret in its output, and any Slack token, with ``***``."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner
        # longest first, so a secret that contains another is masked whole
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        for secret in self.secrets:
            line = line.replace(secret, "***")
        return SLACK_TOKEN.sub("***", line) if "xox" in line else line


def setup(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    """Log to stderr (stdout belongs to the console adapter), masking ``secrets``."""
    handler = logging.StreamHandler(sys.stderr)
    inner: logging.Formatter = _JsonFormatter() if fmt == "json" else _TextFormatter()
    handler.setFormatter(_Redacting(inner, secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The platform libraries speak at INFO about every connection step: only their warnings,
    # unless the operator asked for DEBUG to troubleshoot (secrets are masked either way).
    library_level = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for noisy in ("discord", "slack_bolt", "slack_sdk", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(library_level)
    # The database drivers and migrations log every statement (aiosqlite: four lines each) or
    # every migration context at DEBUG/INFO: at DEBUG they would drown the bot's own lines.
    for chatty in ("aiosqlite", "sqlalchemy", "alembic", "asyncpg"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
