"""The editor's benchmark scripts keep working: a few runs each on the small course."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.content.helpers import small_course, write_tree

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "arguments"),
    [("preview", ["--runs", "2", "--lines", "200"]), ("publish", ["--runs", "2"])],
)
def test_editor_benchmarks_run_and_end_with_their_median(
    name: str,
    arguments: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    content = write_tree(small_course(), tmp_path / "modules")
    median = load(name, monkeypatch).main([*arguments, "--content", str(content)])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert float(last) == pytest.approx(median, rel=0.01, abs=0.001)
