"""QUIZBOT_DATABASE_URL: which engine, where, and messages that never show the password."""

from __future__ import annotations

import pytest

from bot.store.urls import BadDatabaseUrl, parse_url

pytestmark = pytest.mark.sqlite_only  # parsing only, no database (tests/engines.py)


def test_a_bare_path_is_a_sqlite_file() -> None:
    url = parse_url("data/quiz.db")
    assert (url.engine, url.path, url.display) == ("sqlite", "data/quiz.db", "data/quiz.db")


def test_sqlite_url_with_three_slashes_is_a_relative_path_and_four_an_absolute_one() -> None:
    assert parse_url("sqlite:///quiz.db").path == "quiz.db"
    assert parse_url("sqlite:////srv/quiz.db").path == "/srv/quiz.db"


def test_postgresql_url_uses_asyncpg_and_hides_the_password_when_shown() -> None:
    url = parse_url("postgresql://quiz:s3cret@db.internal:5432/quizbot")
    assert url.engine == "postgresql" and url.path is None
    assert url.driver_url.drivername == "postgresql+asyncpg"
    assert "s3cret" not in url.display and url.display.startswith("postgresql://quiz:***@db.internal:5432/quizbot")


def test_postgres_scheme_and_explicit_asyncpg_driver_are_accepted() -> None:
    assert parse_url("postgres://u@h/db").engine == "postgresql"
    assert parse_url("postgresql+asyncpg://u@h/db").engine == "postgresql"


@pytest.mark.parametrize("text, says", [
    ("mysql://u:pw@h/db", "not supported"),
    ("postgresql://u:pw@h", "names no database"),
    ("sqlite://", "names no file"),
    ("postgresql+psycopg2://u:pw@h/db", "not supported"),
])
def test_an_unusable_url_is_refused_in_one_line_without_its_password(text: str, says: str) -> None:
    with pytest.raises(BadDatabaseUrl) as refused:
        parse_url(text)
    message = str(refused.value)
    assert says in message and "pw" not in message.replace("postgresql", "") and "\n" not in message
