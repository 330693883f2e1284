"""The committed editor script is exactly what its sources build to, and loads nothing remote."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
BUNDLE = REPOSITORY / "lms" / "static" / "editor" / "editor.js"
BUILD = REPOSITORY / "scripts" / "build-editor"
ESBUILD = REPOSITORY / "node_modules" / "esbuild"

# Ways a script can bring in code from elsewhere at run time.
CODE_LOADS = [
    re.compile(r"\bimport\s*\("),  # dynamic import()
    re.compile(r"\bimportScripts\s*\("),
    re.compile(r"<script", re.IGNORECASE),
    re.compile(r"""createElement\(\s*["']script["']"""),
    re.compile(r"\bnew\s+(?:Shared)?Worker\s*\("),
    re.compile(r"""\.src\s*=(?!=)"""),
]
# Addresses that name things rather than fetch them: SVG's XML namespace.
NAMESPACES = {"http://www.w3.org/2000/svg"}
URL = re.compile(r"https?://[A-Za-z0-9.-]+[^\s\"'`)]*")
# esbuild gathers licence comments at the end (--legal-comments=eof); they may cite web pages.
LEGAL_COMMENT = re.compile(r"/\*![\s\S]*?\*/|//![^\n]*|/\*\*?\s*@(?:license|preserve)[\s\S]*?\*/")


def code_of(bundle: str) -> str:
    """The bundle without its licence comments."""
    return LEGAL_COMMENT.sub("", bundle)


def remote_loads(bundle: str) -> list[str]:
    """What in `bundle`'s code, licence comments aside, loads code or names a remote address."""
    code = code_of(bundle)
    found = [p.pattern for p in CODE_LOADS if p.search(code)]
    return found + sorted(set(URL.findall(code)) - NAMESPACES)


def require_esbuild() -> None:
    """Skip (fail when LMS_REQUIRE_BROWSER is set) when esbuild is not installed."""
    if ESBUILD.is_dir():
        return
    message = "node_modules/esbuild not found: run `npm ci` in the repository to build the editor"
    if os.environ.get("LMS_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def test_the_committed_bundle_is_what_the_sources_build(tmp_path: Path) -> None:
    require_esbuild()
    rebuilt = tmp_path / "editor.js"
    done = subprocess.run(
        [str(BUILD), str(rebuilt)], cwd=REPOSITORY, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert rebuilt.read_bytes() == BUNDLE.read_bytes(), (
        "lms/static/editor/editor.js is out of date with lms/static/editor/src: "
        "run scripts/build-editor and commit the result"
    )


def test_the_bundle_is_one_self_contained_script() -> None:
    bundle = BUNDLE.read_text(encoding="utf-8")
    assert bundle.startswith("(()=>{"), "expected one immediately-invoked function (--format=iife)"
    assert remote_loads(bundle) == []


@pytest.mark.parametrize(
    ("bundle", "loads"),
    [
        ("(()=>{let a=1;})();\n/*! Bundled license information:\nhttps://example.org/ */", False),
        ("(()=>{import('https://cdn.example/x.js')})();", True),
        ('(()=>{let s=document.createElement("script");s.src=u})();', True),
        ('(()=>{fetch("https://cdn.example/lib.js")})();', True),
        ('(()=>{e.setAttributeNS("http://www.w3.org/2000/svg","x")})();', False),
    ],
)
def test_the_check_tells_loads_from_licence_comments(bundle: str, loads: bool) -> None:
    assert bool(remote_loads(bundle)) == loads
