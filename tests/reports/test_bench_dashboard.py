"""The reports benchmark keeps working: a tiny cohort, a couple of runs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_dashboard_benchmark_runs_and_ends_with_its_median(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    spec = importlib.util.spec_from_file_location("bench_dashboard", BENCH / "dashboard.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    median = module.main(["--learners", "40", "--attempts", "1", "--runs", "1"])
    out = capsys.readouterr().out.strip().splitlines()
    assert float(out[-1]) == pytest.approx(median, abs=0.001)
    assert any("peak Python memory" in line for line in out)
