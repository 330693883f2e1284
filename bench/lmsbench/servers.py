"""Server processes on 127.0.0.1: started, waited for, measured through /proc, stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lmsbench import counting

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
BIN = Path(sys.executable).parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class ServerSettings:
    """What every server of a run shares: gunicorn's worker processes and their threads."""

    workers: int
    threads: int


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_ready(url: str, timeout: float, process: subprocess.Popen[bytes] | None) -> float:
    """Poll `url` until it answers 200; returns the seconds it took."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server stopped before answering {url} ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: fields follow the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU time of `pids` so far (every thread of each)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def memory_mib(pid: int) -> tuple[float, float]:
    """Resident (RSS) and proportional (PSS: shared pages split among sharers) MiB of `pid`."""
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1]) * 1024
    return rss / 2**20, pss / 2**20


@dataclass
class Server:
    """A gunicorn master and its workers."""

    name: str
    process: subprocess.Popen[bytes]
    base: str
    stats: Path
    ready_path: str

    @property
    def pids(self) -> list[int]:
        """The master and its workers."""
        return [self.process.pid, *children(self.process.pid)]

    def workers(self) -> list[int]:
        """The worker processes."""
        return children(self.process.pid)

    def cpu(self) -> float:
        """CPU seconds of master and workers so far."""
        return cpu_seconds(self.pids)

    def counted(self) -> tuple[int, int]:
        """Requests and SQL statements counted by the workers so far."""
        return counting.read_totals(self.stats)


def _width(port: int, settings: ServerSettings) -> list[str]:
    """The options every server of a run shares: its port, workers and threads."""
    return [
        *("--port", str(port)),
        *("--workers", str(settings.workers), "--threads", str(settings.threads)),
    ]


def lms_command(app: str, port: int, settings: ServerSettings) -> list[str]:
    """`lms serve` for the app factory `app` (`flask --app` runs the same command for it)."""
    return [
        str(BIN / "flask"),
        "--app",
        app,
        "serve",
        "--host",
        "127.0.0.1",
        *_width(port, settings),
    ]


def floor_command(floor: str, port: int, settings: ServerSettings) -> list[str]:
    """A floor app under the production server's settings (floors/serve.py)."""
    return [sys.executable, "-m", "floors.serve", floor, *_width(port, settings)]


def start(
    name: str,
    command: Callable[[int], list[str]],
    environment: Mapping[str, str],
    folder: Path,
    ready_path: str,
) -> Server:
    """Start `command(port)`, counting requests into a folder of its own; see running()."""
    port = free_port()
    stats = folder / f"stats-{name}"
    stats.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **environment, counting.STATS_ENV: str(stats), "PYTHONPATH": str(BENCH)}
    # The access log (a line a request, as in production) goes to the file.
    with (folder / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(command(port), cwd=ROOT, env=env, stdout=log, stderr=log)
    return Server(name, process, f"http://127.0.0.1:{port}", stats, ready_path)


@contextmanager
def running(servers: Sequence[Server]) -> Iterator[None]:
    """Wait until every server answers; stop them all when the block ends."""
    try:
        for server in servers:
            wait_until_ready(server.base + server.ready_path, 120, server.process)
        yield
    finally:
        for server in servers:
            stop(server.process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server (gunicorn stops its workers on SIGTERM) and wait for it."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
