"""The app as gunicorn serves it in the benchmark: the production app, sign-in limits off.

Every connection signs in from 127.0.0.1, so the per-address limit would stop the run; this is
the one setting the environment cannot give (bench/lesson_page.py sets it the same way). Sign-in
is not what is measured: passwords are checked at the seeded accounts' low scrypt cost. With
LMS_BENCH_STATS_DIR set, requests and SQL statements are counted (lmsbench.counting).
"""

from __future__ import annotations

from flask import Flask

from lms import create_app
from lms.auth import services as accounts
from lms.db import get_engine
from lmsbench import counting
from lmsbench.seed import CHEAP_PASSWORD_METHOD


def create_bench_app() -> Flask:
    """The app of `lms serve`, from the same environment, without sign-in limits."""
    # The seeded accounts' hashes are cheap; at today's cost a first sign-in would rehash them.
    accounts.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD
    app = create_app({"RATELIMIT_ENABLED": False})
    counting.install(app, get_engine(app))
    return app
