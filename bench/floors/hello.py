"""The hello-world floor: a Flask app answering GET / with a short text, nothing else."""

from __future__ import annotations

from flask import Flask
from lmsbench import counting


def create_hello_app() -> Flask:
    """Flask's smallest app (counted like the platform when LMS_BENCH_STATS_DIR is set)."""
    app = Flask(__name__)

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    counting.install(app, None)
    return app
