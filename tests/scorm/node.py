"""Runs JavaScript of the SCO under Node, the way the browser would run its pure parts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from scorm_export.sco.build import runtime_file

NODE = os.environ.get("LMS_NODE", "node")


def run_node(script: str, payload: Any) -> Any:
    """Run `script` with grade.js as `G`, review.js as `R` and `payload` as `input`.

    Returns what the script returns, through JSON.
    """
    if not shutil.which(NODE):
        message = f"Node.js not found ({NODE}): install Debian's nodejs package or set LMS_NODE"
        if os.environ.get("LMS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    grade_js = runtime_file("grade.js").decode()
    review_js = runtime_file("review.js").decode()
    program = (
        "const module = {exports: {}};\n"
        f"{grade_js}\n"
        "const G = module.exports;\n"
        "module.exports = {};\n"
        f"{review_js}\n"
        "const R = module.exports;\n"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        f"process.stdout.write(JSON.stringify((() => {{ {script} }})()));\n"
    )
    done = subprocess.run(
        [NODE, "-e", program],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
