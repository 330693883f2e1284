"""How many processors this process may run on: its CPU affinity where the system has one."""

from __future__ import annotations

import os


def usable_processors() -> int:
    """Processors this process may run on (a container or `taskset` may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
