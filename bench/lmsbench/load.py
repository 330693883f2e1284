"""Load runs: wrk against one server, with what the server spent on them read around the run."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from lmsbench.servers import BENCH, Server

WRK = "/usr/bin/wrk"
SCRIPTS = BENCH / "wrk"
MARK = "BENCH-JSON "


@dataclass(frozen=True)
class Load:
    """One kind of traffic: a Lua script of bench/wrk and its arguments."""

    script: str
    args: Mapping[str, str]

    def with_args(self, **more: str) -> Load:
        """The same traffic with some arguments added or changed."""
        return Load(self.script, {**self.args, **more})


@dataclass(frozen=True)
class Measurement:
    """What one load run gave: throughput, latency, and the server's cost per request."""

    name: str
    server: str
    connections: int
    seconds: float
    requests: int
    per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    cpu_ms_per_request: float
    statements_per_request: float
    bytes_per_request: float
    unexpected: int
    errors: int

    def as_dict(self) -> dict[str, Any]:
        """For the JSON results."""
        return asdict(self)


def run_wrk(base: str, load: Load, connections: int, seconds: float) -> dict[str, Any]:
    """Run wrk once; returns the numbers session.lua's done() prints."""
    # `run` makes the submission keys of this run differ from every other run's.
    args = [f"{key}={value}" for key, value in load.args.items()]
    args.append(f"run={os.getpid()}x{time.monotonic_ns()}")
    command = [
        WRK,
        f"--threads={connections}",  # one connection per thread: one browser per Lua state
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        "--latency",
        f"--script={SCRIPTS / load.script}",
        base,
        "--",
        *args,
    ]
    env = {**os.environ, "LMS_BENCH_WRK": str(SCRIPTS)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            numbers: dict[str, Any] = json.loads(line[len(MARK) :])
            return numbers
    raise RuntimeError(f"wrk printed no results:\n{done.stdout}\n{done.stderr}")


def measure(name: str, server: Server, load: Load, connections: int, seconds: float) -> Measurement:
    """Run `load` against `server` and read its CPU time and SQL statements around the run."""
    cpu_before = server.cpu()
    requests_before, statements_before = server.counted()
    numbers = run_wrk(server.base, load, connections, seconds)
    cpu = server.cpu() - cpu_before
    requests_after, statements_after = server.counted()
    answered = numbers["requests"] - numbers["sign_in_requests"]
    counted = max(1, requests_after - requests_before)
    duration = numbers["duration_us"] / 1e6
    return Measurement(
        name=name,
        server=server.name,
        connections=connections,
        seconds=round(duration, 2),
        requests=answered,
        per_second=answered / duration,
        p50_ms=numbers["p50_us"] / 1000,
        p90_ms=numbers["p90_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
        max_ms=numbers["max_us"] / 1000,
        cpu_ms_per_request=1000 * cpu / max(1, numbers["requests"]),
        statements_per_request=(statements_after - statements_before) / counted,
        bytes_per_request=numbers["bytes"] / max(1, numbers["requests"]),
        unexpected=numbers["unexpected"],
        errors=numbers["socket_errors"] + numbers["timeouts"] + numbers["status_errors"],
    )
