"""The quiz core speaks to the store, never to the database: no module under ``bot/quiz``
imports a database library, runs statements on a connection, or holds SQL in a string.
Checked on the source (an AST walk), so a new module is covered the day it is added."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

QUIZ = Path(__file__).resolve().parents[2] / "bot" / "quiz"
DATABASE_LIBRARIES = {"aiosqlite", "sqlite3", "asyncpg", "psycopg", "psycopg2", "sqlalchemy"}
CONNECTION_CALLS = {"execute", "executemany", "executescript", "execute_fetchall", "execute_insert",
                    "fetchone", "fetchall", "fetchmany"}
SQL = re.compile(
    r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|WHERE|JOIN)\b"
    r"|(?i:\bselect\s+[\w.*, ()]+\s+from\s+\w+|\binsert\s+into\b|\bupdate\s+\w+\s+set\b"
    r"|\bdelete\s+from\b|\bwhere\s+\w+\s*=\s*\?)")


def leaks(source: str) -> list[str]:
    """What in ``source`` reaches past the store: database imports, connection calls, SQL text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] in DATABASE_LIBRARIES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in DATABASE_LIBRARIES:
            found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in CONNECTION_CALLS:
            found.append(f"line {node.lineno}: .{node.func.attr}(...)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"line {node.lineno}: SQL in {node.value[:60]!r}")
    return found


def quiz_modules() -> list[Path]:
    return sorted(QUIZ.rglob("*.py"))


def test_every_quiz_module_is_checked():
    names = {p.name for p in quiz_modules()}
    assert {"rounds.py", "reveals.py", "scheduler.py", "service.py", "standings.py"} <= names


def test_no_quiz_module_imports_a_database_library_runs_statements_or_holds_sql():
    found = {str(p.relative_to(QUIZ)): leaks(p.read_text(encoding="utf-8")) for p in quiz_modules()}
    assert {name: what for name, what in found.items() if what} == {}


def test_layering_check_finds_each_kind_of_leak():
    source = '''
import aiosqlite
from sqlite3 import IntegrityError
async def f(conn):
    await conn.execute_fetchall(f"SELECT answer_mode FROM channels WHERE id = {1}")
    await db.execute("update channels set answer_mode = ? where id = ?")
'''
    assert sorted(leaks(source)) == [
        "from sqlite3 import ...", "import aiosqlite", "line 5: .execute_fetchall(...)",
        "line 5: SQL in 'SELECT answer_mode FROM channels WHERE id = '", "line 6: .execute(...)",
        "line 6: SQL in 'update channels set answer_mode = ? where id = ?'"]


def test_layering_check_lets_plain_words_through():
    source = '''
log.info("event=update_failed round=%s")
NOTE = "Select an option; the counter is updated from time to time."
'''
    assert leaks(source) == []
