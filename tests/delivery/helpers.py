"""Reading compressed responses, for the delivery tests."""

from __future__ import annotations

import gzip
import re

import brotli
from werkzeug.test import TestResponse

BROTLI = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends
GZIP = {"Accept-Encoding": "gzip"}
LESSON = "/learn/understanding-migration/key-concepts"
HASHED_STATIC = re.compile(r"/static/([\w/.-]+)\.([0-9a-f]{12})(\.\w+)")


def decoded(response: TestResponse) -> bytes:
    """The body as the browser sees it after undoing the Content-Encoding."""
    data = response.get_data()
    coding = response.headers.get("Content-Encoding")
    if coding == "br":
        return bytes(brotli.decompress(data))
    if coding == "gzip":
        return gzip.decompress(data)
    assert coding is None, f"unexpected coding {coding}"
    return data
