"""The one place the engines' SQL differs (bot/store/sql.py): placeholders, plan hints, empty lists."""

from __future__ import annotations

import pytest

from bot.store.sql import POSTGRESQL, SQLITE, Dialect

pytestmark = pytest.mark.sqlite_only  # pure translation, no database (tests/engines.py)


def test_sqlite_takes_statements_as_written() -> None:
    sql = "SELECT id FROM schedules INDEXED BY schedules_due WHERE id IN () AND x = ?"
    assert Dialect(SQLITE).translate(sql) == sql


def test_postgresql_numbers_placeholders_in_order() -> None:
    assert Dialect(POSTGRESQL).translate("UPDATE t SET a = ?, b = ? WHERE id = ?") == \
        "UPDATE t SET a = $1, b = $2 WHERE id = $3"


def test_postgresql_keeps_explicit_placeholder_numbers() -> None:
    assert Dialect(POSTGRESQL).translate("VALUES (?1, ?2, ?1)") == "VALUES ($1, $2, $1)"


def test_a_question_mark_inside_a_string_literal_is_not_a_placeholder() -> None:
    assert Dialect(POSTGRESQL).translate("SELECT 'why?', 'it''s ?' WHERE a = ?") == \
        "SELECT 'why?', 'it''s ?' WHERE a = $1"


def test_postgresql_drops_sqlites_index_hint() -> None:
    assert Dialect(POSTGRESQL).translate("SELECT 1 FROM schedules s INDEXED BY schedules_due JOIN c") == \
        "SELECT 1 FROM schedules s JOIN c"


def test_an_empty_not_in_list_is_true_and_an_empty_in_list_false_on_postgresql() -> None:
    translated = Dialect(POSTGRESQL).translate("SELECT 1 FROM r WHERE r.id NOT IN () AND s.id IN ( ) AND x = ?")
    assert translated == "SELECT 1 FROM r WHERE TRUE AND FALSE AND x = $1"


def test_the_json_field_reads_an_integer_on_both_engines() -> None:
    assert Dialect(SQLITE).json_int("state", "state") == "json_extract(state, '$.state')"
    assert Dialect(POSTGRESQL).json_int("state", "state") == "CAST((state)::json ->> 'state' AS BIGINT)"


def test_sqlite_begins_with_the_write_lock_postgresql_plainly() -> None:
    assert (Dialect(SQLITE).begin, Dialect(POSTGRESQL).begin) == ("BEGIN IMMEDIATE", "BEGIN")
