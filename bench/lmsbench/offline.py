"""Timings without load: whole-course SCORM exports, `lms check`, and a cold start."""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from lms.content import build_course
from lms.content.check_command import content_files
from lmsbench.servers import (
    BIN,
    ROOT,
    ServerSettings,
    free_port,
    stop,
    wait_until_ready,
)
from scorm_export.package import course_package, zip_bytes
from scorm_export.versions import ScormVersion

LANG = "es"


@dataclass(frozen=True)
class Timing:
    """Seconds of repeated runs of one job, with what it is compared against."""

    name: str
    seconds: list[float]
    floor_seconds: list[float]
    size: int = 0
    # CPU time of this process and its children: steadier than wall time on a busy machine.
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median run."""
        return statistics.median(self.seconds)

    def as_dict(self) -> dict[str, Any]:
        """For the JSON results."""
        floor = statistics.median(self.floor_seconds) if self.floor_seconds else None
        return {
            "name": self.name,
            "seconds": self.seconds,
            "median_s": self.median,
            "cpu_seconds": self.cpu_seconds,
            "cpu_median_s": statistics.median(self.cpu_seconds) if self.cpu_seconds else None,
            "floor_seconds": self.floor_seconds,
            "floor_median_s": floor,
            "ratio": self.median / floor if floor else None,
            "bytes": self.size,
        }


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(runs: int, job: Callable[[], object], cpu: list[float] | None = None) -> list[float]:
    """Wall seconds of each run of `job` (and CPU seconds into `cpu`)."""
    seconds = []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), _cpu()
        job()
        seconds.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(_cpu() - cpu_started)
    return seconds


def scorm_exports(content: Path, runs: int) -> list[Timing]:
    """The whole-course package of each SCORM version, from the parsed course as the server
    keeps it, against the floor: zipping the very same files the same way."""
    files, label = content_files(content)
    course, problems = build_course(files, label=label)
    assert not problems, problems
    timings = []
    versions: tuple[ScormVersion, ...] = ("1.2", "2004")
    for version in versions:
        package = course_package(files, course, version=version, lang=LANG)
        with zipfile.ZipFile(io.BytesIO(package.data)) as archive:
            entries = {name: archive.read(name) for name in archive.namelist()}
        assert zip_bytes(entries) == package.data  # the floor writes exactly the same bytes
        cpu: list[float] = []
        build = partial(course_package, files, course, version=version, lang=LANG)
        seconds = _timed(runs, build, cpu)
        floor = _timed(runs, partial(zip_bytes, entries))
        name = f"SCORM {version} whole course"
        timings.append(Timing(name, seconds, floor, len(package.data), cpu))
    return timings


# `lms check` in a new interpreter, timed from after its imports to the end of the command.
CHECK_BODY = """
import sys, time
from lms.content.check_command import check_command
started = time.perf_counter()
try:
    check_command.main([sys.argv[1]], prog_name="lms check")
except SystemExit as end:
    assert not end.code, end.code
print(time.perf_counter() - started, file=sys.stderr)
"""


def lms_check(
    content: Path, runs: int, environment: Mapping[str, str], body: bool = True
) -> list[Timing]:
    """`lms check` of the whole course: the command as typed (interpreter start and imports
    included), and with `body` the command alone (every file read, parsed and checked, cold)."""
    env = {**os.environ, **environment}
    command = [str(BIN / "lms"), "check", str(content)]
    after_imports: list[float] = []

    def check() -> None:
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)

    def check_body() -> None:
        done = subprocess.run(
            [sys.executable, "-c", CHECK_BODY, str(content)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        after_imports.append(float(done.stderr.strip().splitlines()[-1]))

    cpu: list[float] = []
    seconds = _timed(runs, check, cpu)
    timings = [Timing("`lms check`, all modules (command)", seconds, [], cpu_seconds=cpu)]
    if body:
        _timed(runs, check_body)
        timings.append(Timing("`lms check`, all modules (after imports)", after_imports, []))
    return timings


def cold_start(
    settings: ServerSettings, environment: Mapping[str, str], runs: int, folder: Path
) -> Timing:
    """Seconds from starting `lms serve` on the seeded database (migration check, bootstrap,
    gunicorn and its workers) to its first 200 on /login."""
    env = {**os.environ, **environment}
    seconds = []
    for _ in range(runs):
        port = free_port()
        command = [str(BIN / "lms"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(settings.workers), "--threads", str(settings.threads)]
        with (folder / "cold-start.log").open("ab") as log:
            started = time.perf_counter()
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
        try:
            wait_until_ready(f"http://127.0.0.1:{port}/login", 120, process)
            seconds.append(time.perf_counter() - started)
        finally:
            stop(process)
    return Timing("cold start to first 200", seconds, [])
