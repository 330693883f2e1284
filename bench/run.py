"""The benchmark suite: the production server under wrk, on SQLite and PostgreSQL, against floors.

Builds a realistic database (10,000 learners, a cohort of 2,000, the six modules, 100,000 quiz
attempts) in bulk, serves it on 127.0.0.1 with `lms serve` (gunicorn) beside two floors under
the same settings (a hello-world Flask app; a one-row insert on the same database), and drives
them with wrk and the Lua scripts of bench/wrk, each connection signed in as its own account.
Every scenario runs right after its floor, three rounds in rotated order; the report gives the
median of the pair ratios (with min and max), p50/p99 latency, CPU milliseconds, SQL statements
and bytes per request, the mixed profile below its maximum, memory per worker, whole-course SCORM
exports against a zip-only floor, `lms check` and a cold start. See bench/README.md.

`--quick` (SQLite, a smaller seed, shorter runs) ends with the line
`lesson/hello=R1 submit/insert=R2`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floors.insert import create_table
from lmsbench import offline, report, scenarios
from lmsbench.load import Load, Measurement, measure
from lmsbench.report import Pair
from lmsbench.seed import Seeded, SeedSize, database, platform_app, prepare, seed
from lmsbench.servers import (
    ROOT,
    Server,
    ServerSettings,
    floor_command,
    lms_command,
    memory_mib,
    running,
    start,
)
from sqlalchemy import text

from lms.db import get_engine
from lms.production_server import DEFAULT_THREADS, default_workers

BENCH_APP = "lmsbench.wsgi:create_bench_app"  # `lms serve` runs it (see lmsbench/wsgi.py)
SCENARIOS = ("lesson", "home", "check", "submit", "dashboard", "mixed", scenarios.SIGNED_IN_FLOOR)
# The server each run goes to, when not the platform's.
SERVED_BY = {name: name for name in ("hello", "insert", scenarios.SIGNED_IN_FLOOR)}
# A few instructors read the cohort's progress at once, not a crowd: each page sums up the
# whole cohort, and 32 of them at once would wait longer than wrk's timeout.
CONNECTIONS = {"dashboard": 4}
SHARES = (0.3, 0.6)  # of the mixed profile's maximum, for latency below saturation


@dataclass(frozen=True)
class Profile:
    """How big and how long: the full run or --quick."""

    size: SeedSize
    rounds: int
    seconds: float
    warm_up: float
    think_seconds: float
    offline_runs: int


FULL = Profile(SeedSize(10_000, 2_000, 100_000), 3, 10, 3, 40, 5)
QUICK = Profile(SeedSize(1_000, 200, 10_000), 2, 2, 1, 3, 1)


def parse_options(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="SQLite, small seed, short runs")
    parser.add_argument(
        "--databases", nargs="+", choices=("sqlite", "postgresql"), help="default: both"
    )
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="worker processes (lms serve's)"
    )
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="threads per worker (lms serve's)"
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--seconds", type=float, help="length of each timed run")
    parser.add_argument("--rounds", type=int, help="rounds of every scenario and its floor")
    parser.add_argument("--content", type=Path, default=ROOT / "modules", help="course folder")
    return parser.parse_args(argv)


class Bench:
    """One database's servers and the runs against them."""

    def __init__(
        self, servers: dict[str, Server], loads: dict[str, Load], options: argparse.Namespace
    ) -> None:
        self.servers = servers
        self.loads = loads
        self.connections: int = options.connections

    def run(
        self,
        name: str,
        server: str,
        seconds: float,
        load: Load | None = None,
        connections: int | None = None,
    ) -> Measurement:
        """One timed wrk run of `name` (a scenario or a floor) against `server`."""
        target = self.servers[server]
        width = connections or CONNECTIONS.get(name, self.connections)
        return measure(name, target, load or self.loads[name], width, seconds)

    def warm_up(self, seconds: float) -> None:
        """Sign every account in (sessions are kept for the timed runs), fill workers' caches.

        The lesson runs first of the platform's scenarios, and longest: each worker parses the
        course on its first request.
        """
        for name, load in self.loads.items():
            server = SERVED_BY.get(name, "lms")
            self.run(name, server, 3 * seconds if name == "lesson" else seconds, load)


def rounds(bench: Bench, profile: Profile, floors: dict[str, str]) -> list[Pair]:
    """Each scenario right after its floor; each round starts one scenario later."""
    pairs = []
    for number in range(profile.rounds):
        shift = number % len(SCENARIOS)
        for name in SCENARIOS[shift:] + SCENARIOS[:shift]:
            # The floor runs with as many connections as its scenario.
            width = CONNECTIONS.get(name, bench.connections)
            floor = bench.run(floors[name], floors[name], profile.seconds, connections=width)
            scenario = bench.run(name, SERVED_BY.get(name, "lms"), profile.seconds)
            pairs.append(Pair(number + 1, floor, scenario))
            print(
                f"  round {number + 1} {name}: {scenario.per_second:.0f}/s vs {floor.name} "
                f"{floor.per_second:.0f}/s, p99 {scenario.p99_ms:.1f} ms",
                flush=True,
            )
    return pairs


def below_maximum(
    bench: Bench, profile: Profile, seeded: Seeded, sessions: Path, mixed: dict[str, Any]
) -> list[dict[str, Any]]:
    """The mixed profile at a share of its maximum: think time chosen for that request rate."""
    runs = []
    for share in SHARES:
        rate = share * mixed["per_second"]
        # Each connection sends one request per (think time + time to answer).
        think_ms = max(0.0, 1000 * bench.connections / rate - mixed["cpu_ms_per_request"])
        load = scenarios.mixed_load(seeded, sessions, think_ms)
        result = bench.run("mixed", "lms", profile.think_seconds, load)
        runs.append(
            {
                **result.as_dict(),
                "target_share": share,
                "think_ms": think_ms,
                "reached_share": result.per_second / mixed["per_second"],
            }
        )
    return runs


def worker_memory(server: Server) -> list[dict[str, float]]:
    """RSS and PSS of each worker, in MiB."""
    return [
        dict(zip(("rss_mib", "pss_mib"), memory_mib(pid), strict=True)) for pid in server.workers()
    ]


def run_database(kind: str, options: argparse.Namespace, profile: Profile) -> dict[str, Any]:
    """Seed a database of `kind`, serve it, and run every scenario against its floor."""
    print(f"== {kind}", flush=True)
    settings = ServerSettings(options.workers, options.threads)
    with (
        tempfile.TemporaryDirectory(prefix="lms-bench-") as temporary,
        database(kind, Path(temporary)) as url,
    ):
        folder = Path(temporary)
        app = platform_app(url, folder / "instance", options.content)
        started = time.perf_counter()
        prepare(app)
        bootstrap_seconds = time.perf_counter() - started
        seeded = seed(app, profile.size, options.connections)
        with get_engine(app).connect() as connection:
            server_version = connection.execute(
                text("SELECT sqlite_version()" if kind == "sqlite" else "SHOW server_version")
            ).scalar()
        get_engine(app).dispose()
        print(
            f"  bootstrap {bootstrap_seconds:.1f} s; seeded {seeded.rows} in "
            f"{seeded.seconds:.1f} s",
            flush=True,
        )
        create_table(url)
        environment = {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "LMS_INSTANCE_PATH": str(folder / "instance"),
            "LMS_CONTENT_PATH": str(options.content),
        }
        sessions = folder / "sessions"
        sessions.mkdir()
        loads: dict[str, Load] = {"hello": scenarios.HELLO, "insert": scenarios.INSERT}
        for name, request in scenarios.page_requests(seeded).items():
            loads[name] = scenarios.page_load(request, sessions)
        loads["mixed"] = scenarios.mixed_load(seeded, sessions)
        floor_sessions = folder / "floor-sessions"
        floor_sessions.mkdir()
        loads[scenarios.SIGNED_IN_FLOOR] = scenarios.signed_in_floor_load(floor_sessions)
        floors = scenarios.floors_of(SCENARIOS)
        served = (environment, folder)
        lms = start("lms", partial(lms_command, BENCH_APP, settings=settings), *served, "/login")
        hello = start("hello", partial(floor_command, "hello", settings=settings), *served, "/")
        insert = start("insert", partial(floor_command, "insert", settings=settings), *served, "/")
        signed_in_floor = start(
            scenarios.SIGNED_IN_FLOOR,
            partial(floor_command, scenarios.SIGNED_IN_FLOOR, settings=settings),
            *served,
            "/",
        )
        servers = {
            "lms": lms,
            "hello": hello,
            "insert": insert,
            scenarios.SIGNED_IN_FLOOR: signed_in_floor,
        }
        with running(list(servers.values())):
            bench = Bench(servers, loads, options)
            bench.warm_up(profile.warm_up)
            pairs = rounds(bench, profile, floors)
            summaries = [s.as_dict() for s in report.summarize(pairs, floors)]
            mixed = next(s for s in summaries if s["scenario"] == "mixed")
            # Too short to mean anything in --quick: think times are seconds long.
            think = [] if options.quick else below_maximum(bench, profile, seeded, sessions, mixed)
            memory = worker_memory(lms)
        cold = offline.cold_start(settings, environment, 1 if options.quick else 3, folder)
    return {
        "database": kind,
        "server_version": server_version,
        "settings": {"workers": settings.workers, "threads": settings.threads},
        "connections": options.connections,
        "seconds_per_run": profile.seconds,
        "rounds": profile.rounds,
        "seed": {"rows": seeded.rows, "seconds": seeded.seconds},
        "bootstrap_seconds": bootstrap_seconds,
        "scenarios": summaries,
        "below_maximum": think,
        "worker_memory_after_mixed": memory,
        "cold_start": cold.as_dict(),
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the suite; prints the tables and, with --quick, the two ratios last."""
    options = parse_options(argv)
    profile = QUICK if options.quick else FULL
    if options.seconds or options.rounds:
        profile = Profile(
            profile.size,
            options.rounds or profile.rounds,
            options.seconds or profile.seconds,
            profile.warm_up,
            max(profile.think_seconds, options.seconds or 0),
            profile.offline_runs,
        )
    kinds = options.databases or (["sqlite"] if options.quick else ["sqlite", "postgresql"])
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": report.machine(), "quick": options.quick}
    exports = offline.scorm_exports(options.content, profile.offline_runs)
    results["exports"] = [timing.as_dict() for timing in exports]
    check_env = {"SECRET_KEY": "bench", "LMS_INSTANCE_PATH": tempfile.gettempdir()}
    checks = offline.lms_check(
        options.content, profile.offline_runs // 2 + 1, check_env, body=not options.quick
    )
    results["lms_check"] = [timing.as_dict() for timing in checks]
    results["databases"] = [run_database(kind, options, profile) for kind in kinds]
    results["wall_seconds"] = time.perf_counter() - started
    print("\n".join(report.full_report(results)))
    saved = report.write_json(results, options.quick).relative_to(ROOT)
    print(f"\nresults: {saved}; {results['wall_seconds']:.0f} s")
    first = {s["scenario"]: s for s in results["databases"][0]["scenarios"]}
    lesson, submit = first["lesson"]["ratio_median"], first["submit"]["ratio_median"]
    print(f"lesson/hello={lesson:.2f} submit/insert={submit:.2f}")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
