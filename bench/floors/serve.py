"""Serve a floor app the way `lms serve` serves the platform: lms.production_server's gunicorn.

    python -m floors.serve hello|insert|signed-in --port P --workers N --threads T

Same settings (worker class, keep-alive, access log, the app loaded before the workers fork),
so a floor differs from the platform only in what the app does.
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from typing import Any

from flask import Flask

from floors.hello import create_hello_app
from floors.insert import ENGINE, create_insert_app
from floors.signed_in import create_signed_in_app
from lms.production_server import ProductionServer, ServerSettings

FLOORS: dict[str, Callable[[], Flask]] = {
    "hello": create_hello_app,
    "insert": create_insert_app,
    "signed-in": create_signed_in_app,
}


class FloorServer(ProductionServer):
    """The production server; after a fork, a floor's database engine is the one to renew."""

    def load_config(self) -> None:
        """The production settings, with a post-fork hook that knows the floor apps."""
        super().load_config()
        self.cfg.set("post_fork", _after_fork)


def _after_fork(_arbiter: Any, worker: Any) -> None:
    engine = worker.app.application.extensions.get(ENGINE)
    if engine is not None:
        engine.dispose(close=False)  # connections must not be shared across a fork


def main() -> None:
    """Build the floor app and serve it until stopped."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("app", choices=tuple(FLOORS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    options = parser.parse_args()
    app: Flask = FLOORS[options.app]()
    gc.freeze()  # as `lms serve` does before the workers fork
    settings = ServerSettings(options.host, options.port, options.workers, options.threads)
    FloorServer(app, settings).run()


if __name__ == "__main__":
    main()
