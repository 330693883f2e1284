"""`lms serve` (or any server command) started as an operator would, in a process of its own."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

REPOSITORY = Path(__file__).parents[2]
LMS_COMMAND = str(Path(sys.executable).with_name("lms"))
GUNICORN_COMMAND = str(Path(sys.executable).with_name("gunicorn"))
# Long enough for the first start on PostgreSQL (migrations, then the six modules published) on
# a loaded machine; the wait ends as soon as the server answers.
START_TIMEOUT = 120.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServerProcess:
    """A running server: its address, and everything it printed so far (stdout and stderr)."""

    def __init__(self, process: subprocess.Popen[str], base_url: str) -> None:
        self.process = process
        self.base_url = base_url
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        """What the server printed so far."""
        return "".join(self._lines)

    def wait_until_answering(self, path: str = "/login") -> None:
        """Return once `path` answers 200; fail with the output if the server stopped first."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                raise AssertionError(f"the server stopped:\n{self.output}")
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"no answer after {START_TIMEOUT} s:\n{self.output}")

    def wait_for_output(self, text: str, timeout: float = 10.0) -> None:
        """Return once the server printed `text` (log lines are written after the answer)."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never printed:\n{self.output}")
            time.sleep(0.05)

    def stop(self) -> int:
        """Stop the server and every worker it started, as SIGTERM does; return its exit code."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        return self.process.returncode


def server_environment(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a server on `database_url` with its own instance folder."""
    return {
        **os.environ,
        "LMS_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "LMS_CONTENT_PATH": str(REPOSITORY / "modules"),
        **extra,
    }


@contextmanager
def running(
    command: Sequence[str], environment: Mapping[str, str], port: int, cwd: Path | None = None
) -> Iterator[ServerProcess]:
    """Start `command` in a process group of its own; stop it (and its workers) afterwards."""
    process = subprocess.Popen(
        list(command),
        env=dict(environment),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    server = ServerProcess(process, f"http://127.0.0.1:{port}")
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def lms_serve(
    environment: Mapping[str, str], *options: str, port: int | None = None
) -> Iterator[ServerProcess]:
    """`lms serve --port PORT OPTIONS`, answering when this returns."""
    port = port or free_port()
    command = [LMS_COMMAND, "serve", "--port", str(port), *options]
    with running(command, environment, port) as server:
        server.wait_until_answering()
        yield server
