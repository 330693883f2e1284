"""A large cohort's reports: the progress page, one quiz's item analysis, the responses export.

Seeds a cohort of --learners learners (default 2,000) who each have --attempts attempts (10) at
every module quiz of the shipped course, then times GET of the cohort's progress page, of the
item analysis of module 1's quiz, and of the full responses export (CSV, read to the end), and
measures the export's peak memory (tracemalloc) at half and full size. SQLite in a temporary
folder by default; DATABASE_URL selects another database (its tables are emptied first).
Prints a table and, last, the progress page's median in seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editor import CHEAP_PASSWORD_METHOD, PASSWORD, ROOT, row
from preview_content import timed
from sqlalchemy import insert, text

from lms import create_app, migrate
from lms.auth import services as accounts
from lms.content import read_tree
from lms.courses.cache import course_cache
from lms.courses.services import publish
from lms.db import Base, db_session, get_engine
from lms.models import Cohort, CohortInstructor, Enrollment, QuizAttempt, Role, User
from lms.models.types import utcnow


def _seed(app: object, learners: int, attempts: int, seed: int) -> list[int]:
    """Publish the course and fill a cohort; returns its id and those of two sub-cohorts."""
    from flask import Flask

    assert isinstance(app, Flask)
    rng = random.Random(seed)
    with app.app_context():
        session = db_session()
        version = publish(session, read_tree(ROOT / "modules")).version
        course = course_cache().get(session, version.id)
        runner = accounts.create_user(
            session,
            email="runner@example.org",
            name="Runner",
            password=PASSWORD,
            role=Role.INSTRUCTOR,
        )
        cohort = Cohort(name="Bench cohort", invite_token="bench")
        session.add(cohort)
        session.flush()
        session.add(CohortInstructor(cohort_id=cohort.id, user_id=runner.id))
        now = utcnow()
        users = [
            {
                "email": f"l{n}@example.org",
                "name": f"Learner {n}",
                "password_hash": "x",
                "role": Role.LEARNER,
                "created_at": now,
            }
            for n in range(learners)
        ]
        session.execute(insert(User), users)
        ids = list(session.scalars(text("SELECT id FROM users WHERE role = 'learner'")))
        session.execute(
            insert(Enrollment),
            [{"user_id": i, "cohort_id": cohort.id, "enrolled_at": now} for i in ids],
        )
        small = []
        for share in (20, 10):  # every 20th learner (5 %), every 10th (10 %)
            part = Cohort(name=f"One in {share}", invite_token=f"bench-{share}")
            session.add(part)
            session.flush()
            session.add(CohortInstructor(cohort_id=part.id, user_id=runner.id))
            session.execute(
                insert(Enrollment),
                [{"user_id": i, "cohort_id": part.id, "enrolled_at": now} for i in ids[::share]],
            )
            small.append(part.id)
        for module in course.modules:
            assert module.quiz is not None
            questions = module.quiz.text("es").questions
            batch = []
            for user_id in ids:
                ability = rng.random()
                for number in range(1, attempts + 1):
                    right = {q.id: rng.random() < ability for q in questions}
                    responses = {
                        q.id: q.correct_response() if right[q.id] else None for q in questions
                    }
                    scores = {q.id: q.points if right[q.id] else 0.0 for q in questions}
                    total = sum(scores.values())
                    best = sum(q.points for q in questions)
                    batch.append(
                        {
                            "user_id": user_id,
                            "module_slug": module.slug,
                            "number": number,
                            "submission_token": f"{user_id}-{module.slug}-{number}",
                            "version_id": version.id,
                            "lang": "es",
                            "responses": responses,
                            "scores": scores,
                            "score": total,
                            "max_score": best,
                            "percent": 100 * total / best,
                            "passed": total / best >= 0.7,
                            "submitted_at": now,
                        }
                    )
            session.execute(insert(QuizAttempt), batch)
        session.commit()
        return [cohort.id, *small]


def _export_peak(client: object, url: str) -> tuple[int, int]:
    """Bytes of the whole export and the peak memory (tracemalloc) while reading it."""
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    tracemalloc.start()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)  # type: ignore[union-attr]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return size, peak


def _drain(client: object, url: str) -> int:
    """Read a streamed download to its end; returns its size in bytes."""
    from flask.testing import FlaskClient

    assert isinstance(client, FlaskClient)
    response = client.get(url, buffered=False)
    return sum(len(chunk) for chunk in response.response)  # type: ignore[union-attr]


def main(argv: Sequence[str] | None = None) -> float:
    """Run the benchmark; returns the progress page's median in seconds."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    accounts.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": folder,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        if url.startswith("sqlite"):
            migrate.upgrade(app)
        else:
            with get_engine(app).begin() as connection:
                Base.metadata.drop_all(connection)
                Base.metadata.create_all(connection)
        cohort_id, five, ten = _seed(app, options.learners, options.attempts, seed=7)
        client = app.test_client()
        signed_in = client.post(
            "/login", data={"email": "runner@example.org", "password": PASSWORD}
        )
        assert signed_in.status_code == 302
        base = f"/manage/cohorts/{cohort_id}"
        first = client.get(f"{base}/progress")
        assert first.status_code == 200
        dashboard = timed(options.runs, lambda _: client.get(f"{base}/progress"))
        first_only = timed(
            options.runs, lambda _: client.get(f"{base}/items/understanding-migration")
        )
        items = timed(
            options.runs, lambda _: client.get(f"{base}/items/understanding-migration?attempts=all")
        )
        export = timed(1, lambda _: _drain(client, f"{base}/responses.csv"))
        peaks = [
            _export_peak(client, f"/manage/cohorts/{part}/responses.csv") for part in (five, ten)
        ]
        get_engine(app).dispose()
    rows = options.learners * options.attempts * 6 * 14
    print(
        f"{options.learners} learners × 6 modules × {options.attempts} attempts on "
        f"{url.split(':', 1)[0]}; responses export {rows:,} rows"
    )
    for share, (size, peak) in zip((5, 10), peaks, strict=True):
        print(
            f"export of {share} % of them: {size / 2**20:.1f} MiB streamed, "
            f"peak Python memory {peak / 2**20:.2f} MiB"
        )
    print("| page | runs | median s | max s |")
    print("| --- | ---: | ---: | ---: |")
    print(row("cohort progress", dashboard, "s"))
    print(row("item analysis, module 1, first attempts (the default)", first_only, "s"))
    print(row("item analysis, module 1, all attempts", items, "s"))
    print(row("responses export (CSV, whole)", export, "s"))
    median = statistics.median(dashboard)
    print(f"{median:.3f}")
    return median


if __name__ == "__main__":
    main(sys.argv[1:])
