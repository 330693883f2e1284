"""Static files of the production server, answered by WhiteNoise before Flask is reached.

Flask's static view (static_files) compresses every answer again: editor.js (450 kB) costs
milliseconds of brotli per request. Here each file is written once under its hashed name, with
a brotli and a gzip copy at the highest levels, into the instance folder; WhiteNoise then sends
the right copy from memory-mapped files, with the year-long immutable caching the hashed names
allow. Plain names (old pages) are not in the build: they fall through to Flask's static view.

The build is named after the hashes of all files, so a deployment with new files builds anew
and a restart with the same files reuses it; it is written to a temporary folder and renamed,
so two servers starting at once never see half a build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise  # type: ignore[import-untyped]
from whitenoise.compress import Compressor  # type: ignore[import-untyped]

from lms.delivery.static_files import ONE_YEAR, manifest_of, static_folder, without_hash
from lms.security import HEADERS

BUILD_FOLDER = "static-build"
KEEP_PREVIOUS_BUILDS = 1
# The same types Flask-Compress compresses (fonts are woff2, compressed already).
COMPRESSED_SUFFIXES = (".css", ".js", ".svg", ".json", ".txt", ".map", ".html")


def build_static(app: Flask) -> Path:
    """Write the hashed and compressed copies of lms/static once; return their folder."""
    source = Path(static_folder(app))
    manifest = manifest_of(str(source))
    digest = hashlib.sha256("\n".join(sorted(manifest.plain)).encode()).hexdigest()[:16]
    target = Path(app.instance_path) / BUILD_FOLDER / digest
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    compressor = Compressor(quiet=True)
    for plain, hashed in manifest.hashed.items():
        copy = staging / hashed
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / plain, copy)
        if copy.suffix in COMPRESSED_SUFFIXES:
            # Keeps a compressed copy only when it is enough smaller to be worth sending.
            for _name in compressor.compress(str(copy)):
                pass
    try:
        os.rename(staging, target)
    except OSError:
        # Another server finished the same build first: its copy is identical.
        shutil.rmtree(staging, ignore_errors=True)
    _remove_old_builds(target)
    return target


def _remove_old_builds(current: Path) -> None:
    """Delete builds older than the previous one.

    The previous build stays: during a rolling restart, servers of the last deployment still
    send its files.
    """
    builds = [entry for entry in current.parent.iterdir() if entry != current]
    finished = [entry for entry in builds if not entry.name.startswith(".building-")]
    finished.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    for entry in finished[KEEP_PREVIOUS_BUILDS:]:
        shutil.rmtree(entry, ignore_errors=True)


def _static_headers(headers: dict[str, str], _path: str, _url: str) -> None:
    """The safety headers every response carries (static ones never reach Flask's hooks)."""
    for name, value in HEADERS.items():
        headers.setdefault(name, value)


def _is_hashed(_path: str, url: str) -> bool:
    return without_hash(url.rsplit("/", 1)[-1]) is not None


def serve_static_precompressed(app: Flask) -> None:
    """Answer the hashed static names from the build, in front of the app (production only)."""
    build = build_static(app)
    whitenoise = WhiteNoise(
        app.wsgi_app,
        max_age=ONE_YEAR,
        immutable_file_test=_is_hashed,
        add_headers_function=_static_headers,
        allow_all_origins=False,
    )
    prefix = (app.static_url_path or "/static").strip("/") + "/"
    whitenoise.add_files(str(build), prefix=prefix)
    app.wsgi_app = whitenoise  # type: ignore[method-assign]
