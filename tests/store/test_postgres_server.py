"""The test run's PostgreSQL server (tests/postgres.py): reachable by both drivers the
store will use, one empty database per test, never running as root."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.postgres import URL_VARIABLE, drop_database, new_database_url, remove_leftovers, runs_root

pytestmark = pytest.mark.sqlite_only  # about the test server itself, not the store (tests/engines.py)

ROOT = Path(__file__).resolve().parents[2]

# The table each run of the two-turn test below makes in its own database.
MARKER_TABLE = "left_by_an_earlier_test"


# A run killed with its server up: start one under the root given, print its directory,
# die without cleaning up.
KILLED_RUN = """
import os, signal, sys
from pathlib import Path
from tests import postgres

server = postgres.start(Path(sys.argv[1]))
print(server.run_dir, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def user_tables(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        return [row["tablename"] for row in rows]
    finally:
        await conn.close()


async def test_server_accepts_an_asyncpg_connection(postgres_url: str):
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT current_database()") == postgres_url.rsplit("/", 1)[1]
        assert (await conn.fetchval("SHOW server_version")).startswith("15.")
    finally:
        await conn.close()


async def test_server_accepts_a_sqlalchemy_async_engine_over_asyncpg(postgres_url: str):
    engine = create_async_engine(postgres_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE decks (id text PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO decks (id) VALUES (:id)"), {"id": "dl-flashcards"})
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT id FROM decks"))).scalars().all() == ["dl-flashcards"]
    finally:
        await engine.dispose()


async def test_a_new_database_is_empty(postgres_url: str):
    assert await user_tables(postgres_url) == []


async def test_two_databases_asked_for_are_different_and_both_empty(postgres_url: str):
    other = new_database_url()
    try:
        assert other != postgres_url
        assert await user_tables(other) == []
        conn = await asyncpg.connect(other)
        try:
            await conn.execute("CREATE TABLE only_in_other (id int)")
        finally:
            await conn.close()
        assert await user_tables(postgres_url) == []
    finally:
        drop_database(other)


async def test_server_runs_as_a_non_root_user(postgres_url: str):
    conn = await asyncpg.connect(postgres_url)
    try:
        # This connection's backend process, forked from the postmaster with its user.
        status = Path(f"/proc/{await conn.fetchval('SELECT pg_backend_pid()')}/status").read_text()
    finally:
        await conn.close()
    real_uid = next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1]
    assert int(real_uid) != 0


@pytest.mark.parametrize("turn", ["first", "second"])
async def test_a_table_made_in_one_tests_database_is_absent_from_the_next(postgres_url: str, turn: str):
    """Run twice, in either order and on any worker: whichever runs second must not see the
    table the other one made."""
    assert MARKER_TABLE not in await user_tables(postgres_url)
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute(f"CREATE TABLE {MARKER_TABLE} (turn text)")
        await conn.execute(f"INSERT INTO {MARKER_TABLE} VALUES ($1)", turn)
    finally:
        await conn.close()
    assert await user_tables(postgres_url) == [MARKER_TABLE]


def test_a_run_without_postgresql_stops_with_one_line_naming_the_package(tmp_path: Path):
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    env = {**os.environ, "TESTS_POSTGRES_BIN": str(tmp_path / "no-postgres")}
    env.pop(URL_VARIABLE, None)
    command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "-p", "tests.postgres",
               "-p", "no:cacheprovider", str(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "install it with `apt-get install postgresql-15`" in errors[0], errors
    assert "passed" not in done.stdout


def test_a_server_left_by_a_killed_run_is_stopped_and_removed_by_the_next():
    # A root of its own (tmp_path is closed to the server user), so that runs starting
    # meanwhile elsewhere on the machine do not clean this leftover up first.
    root = Path(tempfile.mkdtemp(prefix="quizbot-tests-postgres-killed-", dir=runs_root().parent))
    try:
        root.chmod(0o755)
        killed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(root)], cwd=ROOT, capture_output=True,
                                text=True, timeout=120, check=False)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        run_dir = Path(killed.stdout.strip())
        postmaster = int((run_dir / "data" / "postmaster.pid").read_text().split()[0])
        assert process_alive(postmaster)
        remove_leftovers([root])
        assert not run_dir.exists()
        assert not process_alive(postmaster)
    finally:
        remove_leftovers([root])
        shutil.rmtree(root, ignore_errors=True)


async def test_dropping_a_database_not_made_for_a_test_is_refused_and_keeps_it(postgres_url: str):
    server_part = postgres_url.rpartition("/")[0]
    with pytest.raises(ValueError, match="not a test database"):
        drop_database(f"{server_part}/postgres")
    conn = await asyncpg.connect(f"{server_part}/postgres")
    try:
        assert await conn.fetchval("SELECT current_database()") == "postgres"
    finally:
        await conn.close()
