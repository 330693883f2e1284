"""Compressed responses: brotli where the browser accepts it, else gzip.

Whole responses go through Flask-Compress: it is maintained, negotiates Accept-Encoding with
quality values, tags a strong ETag with the coding and answers conditional requests after
compressing. Static files are sent whole (see static_files), so they are among them.

Streamed responses (the spreadsheet exports) are compressed here instead, one chunk at a time
with a flush after each, so every chunk the export yields leaves at once. Flask-Compress does
not flush: brotli then holds everything back until its window is full (about 8 MB of CSV) and
gzip until its buffer is, so a download would show nothing for seconds. The flush costs under
half a per cent of size with 64 kB chunks.

Every setting below is a default: a COMPRESS_* value passed to create_app wins.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import brotli  # type: ignore[import-untyped]
from flask import Flask, current_app, request
from flask_compress import Compress
from werkzeug.wrappers import Response

# Text only. Images, PDF, ZIP (SCORM packages) and XLSX are compressed already: compressing
# them again costs time and saves nothing.
COMPRESSIBLE_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "text/csv",
    "text/plain",
    "text/xml",
    "application/xml",
]
CODINGS = ["br", "gzip"]

DEFAULTS: dict[str, Any] = {
    "COMPRESS_MIMETYPES": COMPRESSIBLE_TYPES,
    # Brotli makes long lesson pages 7 to 9 % smaller than gzip; zstd (level 3) is larger than both.
    "COMPRESS_ALGORITHM": CODINGS,
    # Streamed responses are compressed by compress_stream below, with a flush per chunk.
    "COMPRESS_STREAMS": False,
    # Brotli quality 5: a long lesson page in under a millisecond, 5 % smaller than with the
    # library's default of 4 (quality 11 would take 25 to 50 ms).
    "COMPRESS_BR_LEVEL": 5,
    # A 256 KiB window instead of the library's 4 MiB: pages are smaller than that, so they come
    # out byte for byte as small, and each thread's encoder stops leaving megabytes of buffers in
    # the worker (4 threads compressing lesson pages: 1.3 MiB kept instead of 7.4 MiB).
    "COMPRESS_BR_WINDOW": 18,
    "COMPRESS_LEVEL": 6,
    # A body this small fits in the packet that carries the headers anyway.
    "COMPRESS_MIN_SIZE": 500,
}


def brotli_chunks(chunks: Iterable[bytes], quality: int, window: int) -> Iterator[bytes]:
    """Brotli of `chunks`, each one flushed so that it can be sent at once."""
    compressor = brotli.Compressor(quality=quality, lgwin=window)
    for chunk in chunks:
        yield compressor.process(chunk) + compressor.flush()
    yield compressor.finish()


def gzip_chunks(chunks: Iterable[bytes], level: int) -> Iterator[bytes]:
    """Gzip of `chunks`, each one flushed so that it can be sent at once."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    for chunk in chunks:
        yield compressor.compress(chunk) + compressor.flush(zlib.Z_SYNC_FLUSH)
    yield compressor.flush()


def compress_stream(response: Response) -> Response:
    """Compress a streamed text response chunk by chunk, when the browser accepts it."""
    config = current_app.config
    if not (
        response.is_streamed
        and 200 <= response.status_code < 300
        and response.status_code != 204
        and response.mimetype in config["COMPRESS_MIMETYPES"]
        and "Content-Encoding" not in response.headers
    ):
        return response
    response.vary.add("Accept-Encoding")
    coding = request.accept_encodings.best_match(CODINGS)
    if coding is None:
        return response
    # Settings are read now: the body is produced after this request's context has ended.
    source = response.response
    if coding == "br":
        response.response = brotli_chunks(
            response.iter_encoded(), config["COMPRESS_BR_LEVEL"], config["COMPRESS_BR_WINDOW"]
        )
    else:
        response.response = gzip_chunks(response.iter_encoded(), config["COMPRESS_LEVEL"])
    close = getattr(source, "close", None)
    if close is not None:
        response.call_on_close(close)  # closing the original body ends its request
    response.direct_passthrough = False
    response.headers["Content-Encoding"] = coding
    response.headers.pop("Content-Length", None)
    _tag_etag(response, coding)
    return response


def _tag_etag(response: Response, coding: str) -> None:
    """A strong ETag names one coding (as Flask-Compress does); answer a browser holding it.

    A file sent by send_file (the offline worker's script) was compared with the plain ETag
    in its view; a browser holding the compressed copy sends the tagged one.
    """
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:{coding}")
        if request.method in ("GET", "HEAD"):
            response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Compress the responses of `app` (COMPRESS_REGISTER=False leaves it to a proxy)."""
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    Compress(app)
    if app.config["COMPRESS_REGISTER"]:
        app.after_request(compress_stream)
