"""A local LMS for the SCO's browser tests: static files on 127.0.0.1 and scorm-again host pages.

The host pages set scorm-again up the way Moodle behaves (see the SCORM guide, section 5), load
the learner's stored data before the SCO starts, and record every API call the SCO makes with its
result and error code. They can also make SetValue or Commit fail, as an LMS that refuses a value
or loses its connection would.
"""

from __future__ import annotations

import json
import mimetypes
import os
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import watched_page

REPOSITORY = Path(__file__).resolve().parents[2]
SCORM_AGAIN = REPOSITORY / "node_modules" / "scorm-again" / "dist"
API_CALLS = {
    "1.2": {
        "object": "API",
        "class": "Scorm12API",
        "script": "scorm12.js",
        "calls": ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"],
        "set": "LMSSetValue",
        "commit": "LMSCommit",
        "error": "LMSGetLastError",
    },
    "2004": {
        "object": "API_1484_11",
        "class": "Scorm2004API",
        "script": "scorm2004.js",
        "calls": ["Initialize", "GetValue", "SetValue", "Commit", "Terminate"],
        "set": "SetValue",
        "commit": "Commit",
        "error": "GetLastError",
    },
}

# Moodle's defaults: commits only when the SCO commits, status promoted at finish (1.2) and
# passed/failed recomputed from the mastery score (Moodle's "mastery score overrides status").
SETTINGS = {
    "1.2": {
        "autocommit": False,
        "lmsCommitUrl": False,
        "logLevel": 5,
        "mastery_override": True,
        "autoCompleteLessonStatus": True,
    },
    "2004": {"autocommit": False, "lmsCommitUrl": False, "logLevel": 5},
}

HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>LMS</title>
<script src="/scorm-again/{script}"></script>
<script>
  const api = new {klass}({settings});
  api.loadFromJSON({launch});
  window.{name} = api;
  window.calls = [];
  window.failSet = null;      // a data model element whose SetValue the LMS refuses
  window.failCommit = false;  // every Commit fails
  let forced = null;
  const lastError = api.{error}.bind(api);
  api.{error} = () => (forced !== null ? forced : lastError());
  for (const call of {calls}) {{
    const original = api[call].bind(api);
    api[call] = (...args) => {{
      forced = null;
      let result;
      if (call === '{set}' && window.failSet === args[0]) {{ result = 'false'; forced = '405'; }}
      else if (call === '{commit}' && window.failCommit) {{ result = 'false'; forced = '101'; }}
      else result = original(...args);
      window.calls.push({{call, args, result: String(result), error: String(api.{error}())}});
      return result;
    }};
  }}
</script>
</head>
<body style="margin:0">
<iframe id="sco" title="SCO" src="{sco}" style="border:0;width:100%;height:100vh"></iframe>
</body>
</html>
"""


def first_launch(version: str, pass_mark: int | None) -> dict[str, Any]:
    """What an LMS gives a SCO on a learner's first launch."""
    if version == "1.2":
        launch: dict[str, Any] = {
            "core": {
                "student_id": "u42",
                "student_name": "Doe, Jane",
                "lesson_mode": "normal",
                "credit": "credit",
                "entry": "ab-initio",
            }
        }
        if pass_mark is not None:
            launch["student_data"] = {"mastery_score": str(pass_mark)}
        return launch
    launch = {
        "learner_id": "u42",
        "learner_name": "Jane Doe",
        "mode": "normal",
        "credit": "credit",
        "entry": "ab-initio",
    }
    if pass_mark is not None:
        launch["scaled_passing_score"] = str(pass_mark / 100)
    return launch


def resume_launch(version: str, stored: dict[str, Any]) -> dict[str, Any]:
    """What Moodle gives back on the next launch after a session that ended with exit=suspend."""
    cmi = json.loads(json.dumps(stored))
    if version == "1.2":
        cmi["core"].pop("session_time", None)
        cmi["core"].pop("exit", None)
        cmi["core"]["entry"] = "resume"
    else:
        cmi.pop("session_time", None)
        cmi.pop("exit", None)
        cmi["entry"] = "resume"
    return dict(cmi)


def next_launch(version: str, stored: dict[str, Any], pass_mark: int | None) -> dict[str, Any]:
    """What Moodle gives a SCO on its next launch in the same attempt, whatever the exit.

    SCORM 2004 (datamodels/scorm_13lib.php get_scorm_default()) hands the stored data back only
    after exit=suspend and otherwise launches the SCO as new (entry ab-initio); SCORM 1.2
    (scorm_12lib.php) hands everything back, with entry "resume" only after exit=suspend.
    """
    ended = stored["core"]["exit"] if version == "1.2" else stored["exit"]
    if ended == "suspend":
        return resume_launch(version, stored)
    if version == "2004":
        return first_launch(version, pass_mark)
    launch = resume_launch(version, stored)
    launch["core"]["entry"] = ""
    return launch


def host_page(version: str, launch: Mapping[str, Any], sco: str) -> bytes:
    """An LMS page holding the SCO at `sco` in a frame, with scorm-again as its API."""
    calls = API_CALLS[version]
    return HOST_PAGE.format(
        script=calls["script"],
        klass=calls["class"],
        name=calls["object"],
        settings=json.dumps(SETTINGS[version]),
        launch=json.dumps(launch),
        calls=json.dumps(calls["calls"]),
        set=calls["set"],
        commit=calls["commit"],
        error=calls["error"],
        sco=sco,
    ).encode()


class Site:
    """Files served by path; tests add SCOs and host pages as they go."""

    def __init__(self, base: str, files: dict[str, bytes]) -> None:
        self.base = base
        self.files = files

    def add(self, path: str, data: bytes) -> str:
        """Serve `data` at `path`; return its URL."""
        self.files[path] = data
        return self.base + path

    def add_sco(self, folder: str, sco: Mapping[str, bytes]) -> None:
        """Serve the files of a SCO under /folder/."""
        for name, data in sco.items():
            self.files[f"/{folder}/{name}"] = data


def _handler(files: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            data = files.get(path)
            if data is None:
                self.send_error(404)
                return
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith("javascript"):
                kind += "; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def require(path: Path, what: str) -> None:
    """Skip (fail when LMS_REQUIRE_BROWSER is set) if a tool the tests need is missing."""
    if path.exists():
        return
    message = f"{path} not found: {what}"
    if os.environ.get("LMS_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    """A static server on 127.0.0.1 with scorm-again at /scorm-again/."""
    require(SCORM_AGAIN / "scorm12.js", "run `npm ci` at the repository root for scorm-again")
    files = {
        f"/scorm-again/{name}": (SCORM_AGAIN / name).read_bytes()
        for name in ("scorm12.js", "scorm2004.js")
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(files))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.server_port}", files)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium: Any) -> Any:
    """Debian's Chromium, shared with every other browser test of the run."""
    return chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; JavaScript errors inside it fail the test."""
    with watched_page(browser, locale="en-US") as new_page:
        yield new_page
