"""The page-weight benchmark keeps working, on the small course."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.content.helpers import small_course

BENCH = Path(__file__).resolve().parents[2] / "bench"


SENT_AGAIN = {"quiz form", "quiz review", "cohort progress", "course editor"}

def test_the_benchmark_measures_every_page_type_in_every_coding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, data in small_course().items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_page_weight", BENCH / "page_weight.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)
    spec.loader.exec_module(bench)

    results = bench.main(["--content", str(tmp_path), "--codings", "br", "none"])

    assert len(results) == 8
    for page, sizes in results.items():
        (first_br, again_br), (first_plain, again_plain) = sizes["br"], sizes["none"]
        assert 0 < first_br < first_plain, page
        assert again_br < first_br, page
        # Sent again, compressed: the quiz form is new each time, and attempt reviews, reports
        # and the editor are `no-store` (personal data, see lms/security.py).
        if page not in SENT_AGAIN:
            assert again_br < 1000 and again_plain < 1000, (page, sizes)
    assert "| course editor |" in capsys.readouterr().out
