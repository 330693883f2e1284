"""`lms backup` of a large database while learners keep submitting quizzes, then a restore.

Seeds --learners learners with --attempts attempts at every quiz of the shipped course (as
dashboard.py does), starts a thread that keeps creating learners who each submit module 1's
quiz through the services (one commit each), backs the database up, stops the thread, restores
the file into a new database and checks it: row counts equal the backup's snapshot, which lies
between the counts before and after the backup, and no foreign key points nowhere. SQLite in a
temporary folder by default; with DATABASE_URL=postgresql+psycopg://.../NAME it creates
NAME_bench_src and NAME_bench_dst on that server and drops them afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import _seed
from editor import CHEAP_PASSWORD_METHOD, PASSWORD
from flask import Flask
from sqlalchemy import make_url, text

from lms import backup as backups
from lms import create_app, migrate
from lms.auth import services as accounts
from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session, get_engine, make_engine
from lms.learning import services as learning
from lms.models import Role
from tests.operations.activity import dangling_references, row_counts


@contextmanager
def _databases(folder: Path) -> Iterator[tuple[str, str]]:
    """URLs of the source and the restore target, made for this run."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield f"sqlite:///{folder / 'source.sqlite3'}", f"sqlite:///{folder / 'target.sqlite3'}"
        return
    server = make_url(url)
    admin = make_engine(server.set(database="postgres").render_as_string(hide_password=False))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    names = [f"{server.database}_bench_src", f"{server.database}_bench_dst"]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield tuple(  # type: ignore[misc]
            server.set(database=name).render_as_string(hide_password=False) for name in names
        )
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _app(url: str, folder: Path) -> Flask:
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "INSTANCE_PATH": str(folder)})


class Writer(threading.Thread):
    """New learners submitting module 1's quiz, one commit each, until stopped."""

    def __init__(self, app: Flask) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.committed = 0
        self.stop = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            session = db_session()
            version = current_version(session)
            assert version is not None
            module = course_cache().get(session, version.id).modules[0]
            assert module.quiz is not None
            right = {q.id: q.correct_response() for q in module.quiz.text("es").questions}
        while not self.stop.is_set():
            with self.app.app_context():
                session = db_session()
                number = self.committed
                user = accounts.create_user(
                    session,
                    email=f"writer{number}@example.org",
                    name=f"Writer {number}",
                    password=PASSWORD,
                    role=Role.LEARNER,
                )
                session.flush()
                submission = learning.Submission(f"writer-{number}", version.id, "es", right)
                learning.submit_quiz(session, user.id, module, submission)
                session.commit()
            self.committed += 1


def _counts(app: Flask) -> dict[str, int]:
    with get_engine(app).connect() as connection:
        return row_counts(connection)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its numbers."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--attempts", type=int, default=10)
    options = parser.parse_args(argv)
    accounts.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as name:
        folder = Path(name)
        with _databases(folder) as (source_url, target_url):
            source = _app(source_url, folder / "source")
            migrate.upgrade(source)
            _seed(source, options.learners, options.attempts, seed=7)
            writer = Writer(source)
            writer.start()
            while writer.committed < 5:  # the writer is up to speed before the backup starts
                time.sleep(0.01)
            before = _counts(source)
            at_snapshot: list[int] = []
            try:
                report = backups.backup(
                    source,
                    folder / "backup.file",
                    on_snapshot=lambda _: at_snapshot.append(writer.committed),
                )
                written = writer.committed - at_snapshot[0]
                after = _counts(source)
            finally:
                writer.stop.set()
                writer.join()
            target = _app(target_url, folder / "target")
            started = time.perf_counter()
            restored = backups.restore(target, report.path)
            restore_seconds = time.perf_counter() - started
            with get_engine(target).connect() as connection:
                counts = row_counts(connection)
                dangling = dangling_references(connection)
            for app in (source, target):
                get_engine(app).dispose()
    taken = report.snapshot.counts["quiz_attempts"]
    print(f"database: {source_url.split(':', 1)[0]}; {report.snapshot.summary()}")
    print(
        f"backup: {report.seconds:.2f} s, {report.size / 2**20:.1f} MiB; "
        f"{written} learners committed (quiz attempt each) while it ran"
    )
    print(
        f"quiz attempts: {before['quiz_attempts']} before <= {taken} in the backup "
        f"<= {after['quiz_attempts']} after"
    )
    print(f"restore: {restore_seconds:.2f} s; {restored.snapshot.summary()}")
    consistent = counts == report.snapshot.counts and not dangling
    print(f"restored rows equal the snapshot and every foreign key resolves: {consistent}")
    if not consistent or not before["quiz_attempts"] <= taken <= after["quiz_attempts"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
