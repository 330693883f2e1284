"""The benchmark script keeps working: a few requests of each scenario on the small course."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.content.helpers import small_course

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "lesson_page.py"


def load_bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_lesson_page", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    return module


def test_benchmark_times_lesson_pages_and_quiz_submissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, data in small_course().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    bench = load_bench(monkeypatch)
    results = bench.main(["--requests", "4", "--threads", "2", "--content", str(tmp_path)])
    assert [r.name for r in results] == ["lesson page", "quiz submission", "lesson page, 2 clients"]
    assert all(len(r.seconds) == 4 and r.wall > 0 for r in results)
    table = capsys.readouterr().out
    assert "| lesson page | 4 |" in table and "| quiz submission | 4 |" in table
