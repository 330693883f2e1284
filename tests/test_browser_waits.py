"""Every `wait_for_function` predicate in the browser tests is written as a function.

Playwright evaluates a bare expression with `eval` on every poll. The first poll runs inside
DevTools' evaluation, which the page's Content-Security-Policy does not govern; later polls run
from the page's animation frames, where `script-src 'self'` refuses `eval`. So a bare expression
passes whenever its condition is already true and fails as soon as the machine is slow enough
for it to be polled twice. A function (`() => ...`) is evaluated once and then only called.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FUNCTION = re.compile(r"^\s*(\(.*?\)|[A-Za-z_$][\w$]*)\s*=>|^\s*(async\s+)?function\b", re.S)


def test_every_wait_for_function_predicate_is_a_function() -> None:
    bare = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "wait_for_function"
                and node.args
            ):
                continue
            predicate = _literal(node.args[0], path)
            if predicate is not None and not FUNCTION.match(predicate):
                bare.append(f"{path.relative_to(TESTS.parent)}:{node.lineno}: {predicate}")
    assert bare == [], "write these as `() => ...`:\n" + "\n".join(bare)


def test_the_check_tells_a_function_from_a_bare_expression() -> None:
    assert FUNCTION.match("() => window.ready")
    assert FUNCTION.match("img => img.complete")
    assert FUNCTION.match("(a, b) => a === b")
    assert not FUNCTION.match("document.readyState === 'complete'")
    assert not FUNCTION.match("window.calls.some((c) => c.done)")


def _literal(node: ast.expr, path: Path) -> str | None:
    """The predicate's text where it is a literal or a name given a literal in the file."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.Name):
        for statement in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.id for t in statement.targets)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                return statement.value.value
    return None
