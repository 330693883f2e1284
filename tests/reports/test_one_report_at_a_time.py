"""A worker computes one cohort report at a time: concurrent ones would only add their peaks."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from lms.reports import progress


def test_concurrent_reports_in_one_process_run_one_after_the_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running = 0
    most = 0
    finished: list[int] = []
    count = threading.Lock()

    def slow_report(*args: Any) -> Any:
        nonlocal running, most
        with count:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # long enough for every thread to have arrived
        with count:
            running -= 1
            finished.append(len(finished))
        return args

    monkeypatch.setattr(progress, "_cohort_progress", slow_report)
    threads = [
        threading.Thread(target=progress.cohort_progress, args=(None, None, None)) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(finished) == 4
    assert most == 1, f"{most} reports were computed at once"
