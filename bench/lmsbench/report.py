"""The results: pairs of runs summed up, the Markdown table, the targets, the JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lmsbench.load import Measurement

RESULTS = Path(__file__).resolve().parents[1] / "results"
# What is given as the median over the rounds, for each scenario and its floor.
MEDIANS = (
    "per_second",
    "p50_ms",
    "p99_ms",
    "cpu_ms_per_request",
    "statements_per_request",
    "bytes_per_request",
)


@dataclass(frozen=True)
class Pair:
    """A scenario run right after its floor, in one round."""

    round: int
    floor: Measurement
    scenario: Measurement

    @property
    def ratio(self) -> float:
        """The scenario's throughput as a share of its floor's."""
        return self.scenario.per_second / self.floor.per_second if self.floor.per_second else 0


@dataclass(frozen=True)
class Summary:
    """One scenario over every round: medians, and the ratio's median, min and max."""

    name: str
    floor: str
    pairs: list[Pair]

    def _median(self, field: str, of_floor: bool = False) -> float:
        runs = [p.floor if of_floor else p.scenario for p in self.pairs]
        return statistics.median(float(getattr(run, field)) for run in runs)

    @property
    def ratio(self) -> float:
        """Median of the pair ratios."""
        return statistics.median(p.ratio for p in self.pairs)

    def as_dict(self) -> dict[str, Any]:
        """Medians over the rounds, for the table and the JSON."""
        ratios = [p.ratio for p in self.pairs]
        return {
            "scenario": self.name,
            "floor": self.floor,
            "connections": self.pairs[0].scenario.connections,
            "ratio_median": self.ratio,
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            **{field: self._median(field) for field in MEDIANS},
            **{f"floor_{field}": self._median(field, of_floor=True) for field in MEDIANS},
            "unexpected": sum(p.scenario.unexpected for p in self.pairs),
            "errors": sum(p.scenario.errors + p.floor.errors for p in self.pairs),
            "runs": [
                {"round": p.round, "floor": p.floor.as_dict(), "scenario": p.scenario.as_dict()}
                for p in self.pairs
            ],
        }


def summarize(pairs: Sequence[Pair], floors: dict[str, str]) -> list[Summary]:
    """One summary per scenario, in the order the scenarios were first run."""
    names = list(dict.fromkeys(p.scenario.name for p in pairs))
    return [Summary(n, floors[n], [p for p in pairs if p.scenario.name == n]) for n in names]


def load_table(summaries: Sequence[dict[str, Any]]) -> list[str]:
    """The Markdown table of the load scenarios."""
    lines = [
        "| scenario | conns | vs floor (min–max) | req/s | floor req/s | p50 ms | p99 ms "
        "| floor p99 ms | CPU ms/req | floor CPU ms/req | SQL/req | bytes/req |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in summaries:
        lines.append(
            f"| {s['scenario']} | {s['connections']} | {s['ratio_median']:.2f} × {s['floor']} "
            f"({s['ratio_min']:.2f}–{s['ratio_max']:.2f}) | {s['per_second']:.0f} "
            f"| {s['floor_per_second']:.0f} | {s['p50_ms']:.1f} | {s['p99_ms']:.1f} "
            f"| {s['floor_p99_ms']:.1f} | {s['cpu_ms_per_request']:.1f} "
            f"| {s['floor_cpu_ms_per_request']:.2f} | {s['statements_per_request']:.1f} "
            f"| {s['bytes_per_request']:,.0f} |"
        )
    return lines


def think_table(runs: Sequence[dict[str, Any]]) -> list[str]:
    """The mixed profile below its maximum: offered share, what it reached, latency."""
    lines = [
        "| mixed profile at | think ms (mean) | req/s | share of max | p50 ms | p99 ms "
        "| CPU ms/req |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| {run['target_share']:.0%} of max | {run['think_ms']:.0f} "
            f"| {run['per_second']:.0f} | {run['reached_share']:.0%} | {run['p50_ms']:.1f} "
            f"| {run['p99_ms']:.1f} | {run['cpu_ms_per_request']:.1f} |"
        )
    return lines


def targets(results: dict[str, Any]) -> list[str]:
    """The project's targets, each with its measured value and whether it is met."""
    lines = ["| target | measured | met |", "| --- | --- | --- |"]

    def add(name: str, value: str, met: bool) -> None:
        lines.append(f"| {name} | {value} | {'yes' if met else 'no'} |")

    for run in results["databases"]:
        by_name = {s["scenario"]: s for s in run["scenarios"]}
        lesson, submit = by_name["lesson"], by_name["submit"]
        db = run["database"]
        ratio = lesson["ratio_median"]
        add(f"{db}: lesson view ≥ 0.60 × hello", f"{ratio:.2f}", ratio >= 0.6)
        limit = 2 * lesson["floor_p99_ms"]
        p99 = lesson["p99_ms"]
        add(f"{db}: lesson p99 ≤ 2 × hello p99", f"{p99:.1f} ms (≤ {limit:.1f})", p99 <= limit)
        ratio = submit["ratio_median"]
        add(f"{db}: quiz submission ≥ 0.8 × insert", f"{ratio:.2f}", ratio >= 0.8)
        p99 = submit["p99_ms"]
        connections = run["connections"]
        add(
            f"{db}: quiz submission p99 ≤ 100 ms, {connections} connections",
            f"{p99:.1f} ms",
            p99 <= 100,
        )
        largest = max(m["rss_mib"] for m in run["worker_memory_after_mixed"])
        add(
            f"{db}: worker memory < 120 MB after the mixed profile",
            f"{largest:.0f} MiB RSS",
            largest * 2**20 < 120e6,
        )
    for export in results["exports"]:
        median = export["median_s"]
        add(f"{export['name']} < 2 s", f"{median:.2f} s", median < 2)
    for check in results["lms_check"]:
        median = check["median_s"]
        add(f"{check['name']} < 1 s", f"{median:.2f} s", median < 1)
    return lines


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def offline_table(results: dict[str, Any]) -> list[str]:
    """Exports against their zip floor, and `lms check`."""
    lines = [
        "| job | median s | CPU s | floor s | ratio | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for timing in [*results["exports"], *results["lms_check"]]:
        cpu, floor, ratio = timing["cpu_median_s"], timing["floor_median_s"], timing["ratio"]
        lines.append(
            f"| {timing['name']} | {timing['median_s']:.3f} | {_number(cpu, 3)} "
            f"| {_number(floor, 3)} | {_number(ratio, 2)} | {timing['bytes'] or ''} |"
        )
    return lines


def full_report(results: dict[str, Any]) -> list[str]:
    """Every table, as Markdown, with the machine and the settings above each."""
    info = results["machine"]
    lines = [
        "",
        f"{info['nproc']} × {info['cpu']}, Python {info['python']}, gunicorn "
        f"{info['gunicorn']}, {info['wrk']}, load average at start {info['load_average'][0]:.1f}",
    ]
    for run in results["databases"]:
        settings = run["settings"]
        lines += [
            "",
            f"### {run['database']} {run['server_version']}: {settings['workers']} workers × "
            f"{settings['threads']} threads, {run['connections']} connections, "
            f"{run['rounds']} rounds of {run['seconds_per_run']:.0f} s; seeded in "
            f"{run['seed']['seconds']:.1f} s",
            "",
            *load_table(run["scenarios"]),
            "",
            *([*think_table(run["below_maximum"]), ""] if run["below_maximum"] else []),
            "Workers after the mixed profile: "
            + ", ".join(
                f"{m['rss_mib']:.0f} MiB RSS ({m['pss_mib']:.0f} PSS)"
                for m in run["worker_memory_after_mixed"]
            )
            + f"; cold start to the first 200: {run['cold_start']['median_s']:.2f} s.",
        ]
    return [*lines, "", *offline_table(results), "", *targets(results)]


def _command_output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def machine() -> dict[str, Any]:
    """The machine and the versions that the numbers depend on."""
    import sqlite3
    from importlib.metadata import version

    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "gunicorn": version("gunicorn"),
        "sqlite": sqlite3.sqlite_version,
        "wrk": _command_output(["/usr/bin/wrk", "-v"]).split(" [")[0],
        "kernel": platform.release(),
    }


def write_json(results: dict[str, Any], quick: bool) -> Path:
    """bench/results/<UTC time>[-quick].json (the folder is not committed)."""
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}{'-quick' if quick else ''}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return path
