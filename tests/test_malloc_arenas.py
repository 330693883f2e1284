"""A worker caps its C heap arenas, so that its threads share freed memory."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# Four threads each allocate from the C heap; glibc's malloc_stats() then lists one "Arena n:"
# per arena on standard error.
PROBE = textwrap.dedent(
    """
    import ctypes, ctypes.util, sys, threading
    from lms.malloc_arenas import limit_malloc_arenas

    if sys.argv[1] == "limited":
        assert limit_malloc_arenas(2)
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = (ctypes.c_void_p,)
    started = threading.Barrier(4)

    def allocate():
        started.wait()
        blocks = [libc.malloc(4096) for _ in range(1000)]
        for block in blocks:
            libc.free(block)

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    libc.malloc_stats()
    """
)


def arenas(mode: str) -> int:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return run.stderr.count("Arena ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc is Linux's")
def test_threads_share_two_arenas_once_limited() -> None:
    assert arenas("unlimited") > 2  # the probe can tell: four threads, more than two arenas
    assert arenas("limited") == 2
