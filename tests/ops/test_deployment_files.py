"""Dockerfile, docker-compose.yml and .env.example, checked without a Docker engine.

What can be checked here: the compose file parses and has what a deployment
needs, every file the image copies exists, the image starts ``quizbot run``
(the command the other tests run), the healthcheck command really passes
against a running bot, and every variable the settings read is documented.
"""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.helpers import SMALL_DECK
from tests.process import clean_env, free_port, start_quizbot, write_deck

pytestmark = pytest.mark.sqlite_only  # the real CLI on a SQLite file (tests/engines.py)

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service() -> dict:  # type: ignore[type-arg]
    return compose()["services"]["quizbot"]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def exec_form(args: str) -> list[str]:
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def test_compose_runs_the_bot_with_restart_env_file_volume_read_only_decks_and_healthcheck():
    spec = compose()
    bot = spec["services"]["quizbot"]
    assert bot["restart"] == "unless-stopped"
    assert bot["env_file"] == ".env"
    assert bot["build"] == "."
    volumes = {v.split(":")[1]: v for v in bot["volumes"]}
    data_source = volumes["/data"].split(":")[0]
    assert data_source in spec["volumes"]  # a named volume, not a host path
    assert bot["environment"]["QUIZBOT_DB"].startswith("/data/")
    assert volumes["/app/decks"] == "./decks:/app/decks:ro"
    assert (ROOT / "decks").is_dir()
    assert bot["healthcheck"]["test"][0] == "CMD"


def test_every_file_the_dockerfile_copies_exists_and_is_not_docker_ignored():
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    copies = [exec_form(rest)[:-1] for keyword, rest in dockerfile_instructions() if keyword == "COPY"]
    sources = [src for srcs in copies for src in srcs]
    assert "decks" in sources and "bot" in sources
    for src in sources:
        assert (ROOT / src).exists(), src
        assert f"!{src.rstrip('/')}" in ignore or f"!{src.rstrip('/')}/" in ignore, src


def test_the_image_runs_quizbot_run_as_a_non_root_user_with_the_data_volume():
    instructions = dockerfile_instructions()
    keywords = dict(instructions)
    assert keywords["FROM"].startswith("python:3.11.")
    assert exec_form(keywords["CMD"]) == ["quizbot", "run"]
    assert "ENTRYPOINT" not in keywords
    assert keywords["USER"] not in {"root", "0"}
    assert "QUIZBOT_DB=/data/quizbot.db" in keywords["ENV"].split()
    assert "/data" in keywords["VOLUME"]
    assert any(k == "RUN" and "pip install --no-deps --no-build-isolation ." in rest for k, rest in instructions)


def test_the_image_installs_exactly_the_runtime_lock_before_the_package():
    runs = [rest for keyword, rest in dockerfile_instructions() if keyword == "RUN" and "pip install" in rest]
    assert "--require-hashes --no-deps -r requirements/runtime.lock" in runs[0]
    assert all("--no-deps" in run for run in runs)


def test_the_dockerfile_and_compose_healthchecks_are_the_same_command():
    healthcheck = dict(dockerfile_instructions())["HEALTHCHECK"]
    dockerfile_cmd = exec_form(healthcheck.split(" CMD ", 1)[1].strip())
    assert ["CMD", *dockerfile_cmd] == service()["healthcheck"]["test"]


def test_the_healthcheck_passes_against_a_running_bot_and_fails_without_one(tmp_path):
    command = service()["healthcheck"]["test"][1:]
    assert command[0] == "python"
    port = free_port()
    env = clean_env(QUIZBOT_HTTP_ADDR=f"127.0.0.1:{port}")
    check = [sys.executable, *command[1:]]
    assert subprocess.run(check, check=False, env=env, capture_output=True, timeout=20).returncode != 0
    write_deck(tmp_path / "decks", SMALL_DECK)
    proc = start_quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path, env=env)
    try:
        passed = False
        for _ in range(100):  # poll until the bot is up
            if subprocess.run(check, check=False, env=env, capture_output=True, timeout=20).returncode == 0:
                passed = True
                break
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        assert passed, (tmp_path / "stderr.log").read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdin is not None
        proc.stdin.close()


def test_env_example_documents_every_variable_the_settings_and_the_compose_file_read():
    source = (ROOT / "bot" / "config.py").read_text()
    read = set(re.findall(r"\b((?:QUIZBOT|SLACK|DISCORD)_[A-Z0-9_]+)\b", source))
    # docker compose fills ${NAME} in docker-compose.yml from the same .env.
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (ROOT / "docker-compose.yml").read_text()))
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {}
    for i, line in enumerate(lines):
        match = re.match(r"^([A-Z][A-Z0-9_]*)=", line)
        if match:
            documented[match.group(1)] = lines[i - 1] if i else ""
    assert read, "no variables found in bot/config.py"
    assert read <= documented.keys(), sorted(read - documented.keys())
    assert documented.keys() <= read, sorted(documented.keys() - read)  # nothing stale either
    for name, explanation in documented.items():
        assert explanation.startswith("# ") and len(explanation) > 10, name


# --------------------------------------------------------------------------- postgres profile

# The default (SQLite) bot exactly as it was before the postgres profile existed.
DEFAULT_BOT = {
    "build": ".",
    "image": "quizbot:latest",
    "restart": "unless-stopped",
    "env_file": ".env",
    "environment": {"QUIZBOT_DB": "/data/quizbot.db", "QUIZBOT_DECKS": "/app/decks",
                    "QUIZBOT_HTTP_ADDR": "0.0.0.0:8080"},
    "volumes": ["quizbot-data:/data", "./decks:/app/decks:ro"],
    "ports": ["127.0.0.1:8080:8080"],
    "healthcheck": {
        "test": ["CMD", "python", "-c", ("import os, urllib.request; port = os.environ.get('QUIZBOT_HTTP_ADDR', "
                 "':8080').rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)")],
        "interval": "30s", "timeout": "5s", "start_period": "20s", "retries": 3,
    },
    "stop_grace_period": "30s",
}


def services_without_a_profile() -> dict:  # type: ignore[type-arg]
    return {name: spec for name, spec in compose()["services"].items() if "profiles" not in spec}


def test_plain_compose_up_starts_only_the_sqlite_bot_unchanged():
    assert services_without_a_profile() == {"quizbot": DEFAULT_BOT}
    assert "QUIZBOT_DATABASE_URL" not in DEFAULT_BOT["environment"]


def test_the_postgres_profile_runs_the_official_postgres_15_image_with_a_healthcheck_and_a_named_volume():
    spec = compose()
    database = spec["services"]["postgres"]
    assert database["profiles"] == ["postgres"]
    assert database["image"].startswith("postgres:15.")
    test = database["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL" and test[1].startswith("pg_isready ")
    volume, _, target = database["volumes"][0].partition(":")
    assert target == "/var/lib/postgresql/data"
    assert volume in spec["volumes"]  # a named volume, not a host path
    assert "ports" not in database  # reachable from the bot only, over the compose network
    assert database["environment"] == {"POSTGRES_USER": "${POSTGRES_USER:-quizbot}",
                                       "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:-quizbot}",
                                       "POSTGRES_DB": "${POSTGRES_DB:-quizbot}"}


def test_the_postgres_profile_bot_gets_the_database_url_and_waits_for_a_healthy_database():
    bot = compose()["services"]["quizbot-postgres"]
    assert bot["profiles"] == ["postgres"]
    assert bot["environment"]["QUIZBOT_DATABASE_URL"] == (
        "postgresql://${POSTGRES_USER:-quizbot}:${POSTGRES_PASSWORD:-quizbot}@postgres:5432/${POSTGRES_DB:-quizbot}"
    )
    assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    # Otherwise the very same bot: image, volumes, ports, healthcheck, container layout.
    same = {key: value for key, value in bot.items() if key not in {"profiles", "depends_on", "environment"}}
    assert same == {key: value for key, value in DEFAULT_BOT.items() if key != "environment"}
    assert bot["environment"].items() >= DEFAULT_BOT["environment"].items()
