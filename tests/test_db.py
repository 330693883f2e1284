"""The database layer: SQLite settings, sessions per context, race-free inserts, UTC times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from lms.db import db_session, get_engine, insert_or_ignore, lock_for_write, make_engine
from lms.models import Cohort, Enrollment, User
from tests.conftest import is_postgres

sqlite_only = pytest.mark.skipif(is_postgres(), reason="SQLite connection settings")


@sqlite_only
def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app: Flask) -> None:
    with get_engine(app).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_engine_creation_does_not_touch_the_database(tmp_path: Path) -> None:
    make_engine(f"sqlite:///{tmp_path / 'never.sqlite3'}")
    assert not (tmp_path / "never.sqlite3").exists()


def test_one_session_per_app_context_closed_at_teardown(app: Flask) -> None:
    with app.app_context():
        session = db_session()
        assert db_session() is session
        session.add(Cohort(name="Uncommitted", invite_token="t1"))
        session.flush()
    with app.app_context():
        assert db_session() is not session
        assert db_session().scalar(select(func.count()).select_from(Cohort)) == 0


def test_insert_or_ignore_keeps_one_row(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user()
    with app.app_context():
        session = db_session()
        cohort = Cohort(name="C", invite_token="tok")
        session.add(cohort)
        session.flush()
        values = {"user_id": user.id, "cohort_id": cohort.id}
        first = session.scalar(
            insert_or_ignore(session, Enrollment, values, ["user_id", "cohort_id"]).returning(
                Enrollment.id
            )
        )
        second = session.scalar(
            insert_or_ignore(session, Enrollment, values, ["user_id", "cohort_id"]).returning(
                Enrollment.id
            )
        )
        assert first is not None
        assert second is None
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 1


def test_timestamps_come_back_as_aware_utc(app: Flask) -> None:
    moment = datetime(2017, 3, 6, 9, 30, tzinfo=timezone(timedelta(hours=-3)))
    with app.app_context():
        db_session().add(Cohort(name="C", invite_token="t", created_at=moment))
        db_session().commit()
    with app.app_context():
        cohort = db_session().scalars(select(Cohort)).one()
        assert cohort.created_at == moment
        assert cohort.created_at.tzinfo == UTC
        assert cohort.created_at.hour == 12


def test_naive_timestamps_are_refused(app: Flask) -> None:
    with app.app_context():
        db_session().add(Cohort(name="C", invite_token="t", created_at=datetime(2017, 3, 6)))
        with pytest.raises(Exception, match="naive datetime"):
            db_session().flush()


def test_emails_are_stored_lower_case(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(email="  Ana.Perez@Example.ORG ")
    assert user.email == "ana.perez@example.org"
    with app.app_context():
        assert db_session().scalar(select(User.email)) == "ana.perez@example.org"


def test_lock_for_write_then_update(app: Flask) -> None:
    with app.app_context():
        session = db_session()
        lock_for_write(session)
        session.add(Cohort(name="C", invite_token="t"))
        session.commit()
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(Cohort)) == 1


@sqlite_only
def test_lock_for_write_after_a_write_is_a_programming_error(app: Flask) -> None:
    with app.app_context():
        session = db_session()
        session.execute(text("UPDATE users SET name = name"))
        with pytest.raises(RuntimeError, match="before the transaction"):
            lock_for_write(session)
