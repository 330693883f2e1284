"""bandit's exceptions stay justified: every skip and `# nosec` says why; asserts only narrow."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "lms").rglob("*.py")), *sorted((ROOT / "scorm_export").rglob("*.py"))]
# `# nosec B105  # why`: bandit reads test ids up to the second `#`; the reason follows it.
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)")
JUSTIFIED = re.compile(r"^ (B\d{3})(, B\d{3})*  # \S.{4,}$")


def test_every_nosec_names_its_test_and_says_why() -> None:
    unjustified = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if (found := NOSEC.search(line)) and not JUSTIFIED.match(found.group("rest"))
    ]
    assert unjustified == [], "write `# nosec BNNN  # why`:\n" + "\n".join(unjustified)


def test_every_skipped_bandit_test_says_why() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    skips = tomllib.loads(text)["tool"]["bandit"]["skips"]
    block = text[text.index("[tool.bandit]") :].split("\n[", 1)[0]
    for test_id in skips:
        [line] = [line for line in block.splitlines() if f'"{test_id}"' in line]
        assert re.search(r'",\s+#\s+\S.{10,}', line), f"say why {test_id} is skipped: {line}"


def _narrows(test: ast.expr) -> bool:
    """True for `x is not None`, isinstance(...), their negations and conjunctions."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return all(map(_narrows, test.values))
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _narrows(test.operand)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name):
        return test.func.id == "isinstance"
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def test_asserts_only_narrow_types() -> None:
    """bandit's B101 is skipped because no assert guards anything `python -O` would remove."""
    guards = [
        f"{path.relative_to(ROOT)}:{node.lineno}: assert {ast.unparse(node.test)}"
        for path in SOURCES
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assert) and not _narrows(node.test)
    ]
    assert guards == [], "check with `if ...: raise ...` instead:\n" + "\n".join(guards)
