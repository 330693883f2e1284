"""Server processes of the platform, started as users start them and stopped without a trace.

Each instance is `lms serve` (gunicorn, several worker processes with several threads each) in
a process group of its own, so that stopping it ends every worker too.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lms import create_app
from lms.delivery.precompressed_static import build_static
from tests.serving.server_process import free_port

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
WORKERS, THREADS = 2, 4
READY_SECONDS = 30.0
STOP_SECONDS = 10.0


@dataclass
class Instance:
    """One running server: its name in messages, port, process and log file."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output, for failure messages."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def server_command(port: int) -> list[str]:
    """`lms serve` with WORKERS processes of THREADS threads each."""
    return [
        str(BIN / "lms"), "serve", "--host", HOST, "--port", str(port),
        "--workers", str(WORKERS), "--threads", str(THREADS),
    ]  # fmt: skip


def build_static_once(cache: Path) -> Path:
    """The server's compressed static files, built in `cache` (kept between runs) if needed.

    A server builds them into its instance folder when it finds none there: seconds of brotli
    that two instances starting at once would each spend.
    """
    return build_static(create_app({"INSTANCE_PATH": str(cache), "SECRET_KEY": "unused"}))


def give_static_build(instance_folder: Path, build: Path) -> None:
    """Put a copy of the static build where an instance with this folder looks for it."""
    shutil.copytree(build, instance_folder / build.parent.name / build.name)


def start(name: str, environment: Mapping[str, str], log_folder: Path) -> Instance:
    """Start an instance in a new process group; call wait_until_ready, then stop."""
    port = free_port()
    log = log_folder / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            server_command(port),
            cwd=ROOT,
            env=dict(environment),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Instance(name, port, process, log)


def wait_until_ready(instance: Instance) -> float:
    """Poll GET /login until the instance answers 200; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < READY_SECONDS:
        if instance.process.poll() is not None:
            raise RuntimeError(
                f"instance {instance.name} exited with {instance.process.returncode}:\n"
                + instance.log_tail()
            )
        if _answers(instance.port):
            return time.monotonic() - started
        time.sleep(0.05)
    raise RuntimeError(
        f"instance {instance.name} did not answer within {READY_SECONDS} s:\n" + instance.log_tail()
    )


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/login")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def stop(instances: list[Instance]) -> None:
    """End each instance's whole process group: politely first (all at once), then for sure."""
    # start_new_session made each server the leader of a group numbered with its pid.
    for instance in instances:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(instance.process.pid, signal.SIGTERM)
    for instance in instances:
        try:
            instance.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait()
        # Workers that outlived their master (none should) go with the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(instance.process.pid, signal.SIGKILL)
