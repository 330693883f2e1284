"""scripts/audit_dependencies.py: pip-audit's results, PyPI's project pages and the review file."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import audit_dependencies as audits

# Shapes as pip-audit 2.x (--format=json) and PyPI's /pypi/<name>/json write them.
NOT_FOUND = "Dependency not found on PyPI and could not be audited: ecdsa (0.19.2)"
PIP_AUDIT = {
    "dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {
            "name": "jinja2",
            "version": "3.1.2",
            "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": []}],
        },
        {"name": "ecdsa", "skip_reason": NOT_FOUND},
        {"name": "iacim-lms", "skip_reason": "distribution marked as editable"},
    ],
    "fixes": [],
}
ECDSA_PAGE = {
    "info": {"version": "0.19.2"},
    "vulnerabilities": [
        {
            "id": "PYSEC-2026-1325",
            "aliases": ["CVE-2024-23342", "GHSA-wj6h-64fc-37mp"],
            "fixed_in": [],
            "withdrawn": None,
        },
        {"id": "OLD-1", "aliases": [], "fixed_in": [], "withdrawn": "2025-01-01T00:00:00"},
    ],
}


def _run(review: Mapping[str, Any], page: Mapping[str, Any] = ECDSA_PAGE) -> tuple[int, str]:
    def pip_audit(_ignored: Iterable[str]) -> tuple[Mapping[str, Any] | None, str]:
        return PIP_AUDIT, ""

    audit = audits.audit_environment(review, pip_audit, lambda _name: page)
    status, lines = audits.verdict(audit, review)
    return status, "\n".join(lines)


def test_findings_from_pip_audit_and_from_the_newest_release_fail() -> None:
    status, text = _run({})
    assert status == 1
    assert "Audited 3 installed packages" in text
    assert "VULNERABLE jinja2 3.1.2: GHSA-h5c8-rqwp-cp95, fixed in 3.1.3" in text
    assert "VULNERABLE ecdsa 0.19.2: PYSEC-2026-1325 (CVE-2024-23342" in text
    assert "OLD-1" not in text, "withdrawn advisories do not count"


def test_reviewed_findings_pass_with_their_reason() -> None:
    review = {
        "vulnerabilities": {
            "GHSA-h5c8-rqwp-cp95": "templates are ours",
            "CVE-2024-23342": "no signing with ecdsa",
        }
    }
    status, text = _run(review)
    assert status == 0, text
    assert "reviewed ecdsa 0.19.2: PYSEC-2026-1325" in text and "no signing with ecdsa" in text


def test_an_older_release_than_the_newest_is_not_audited_unless_reviewed() -> None:
    older = {"info": {"version": "0.20.0"}, "vulnerabilities": []}
    quiet = {"vulnerabilities": {"GHSA-h5c8-rqwp-cp95": "templates are ours"}}
    status, text = _run(quiet, older)
    assert status == 1
    assert "NOT AUDITED ecdsa (0.19.2 installed, 0.20.0 newest)" in text
    status, text = _run({**quiet, "unaudited": {"ecdsa": "pinned by a dependency"}}, older)
    assert status == 0 and "not audited (reviewed) ecdsa" in text


def test_no_answer_at_all_is_not_a_pass() -> None:
    def unreachable(_ignored: Iterable[str]) -> tuple[Mapping[str, Any] | None, str]:
        return None, "ConnectionError: Could not resolve host: pypi.org"

    audit = audits.audit_environment({}, unreachable, lambda _name: ECDSA_PAGE)
    status, lines = audits.verdict(audit, {})
    assert status == 2
    assert "NOT audited" in lines[0] and "Could not resolve host" in lines[1]


def test_every_reviewed_entry_says_why() -> None:
    review = tomllib.loads(audits.REVIEW.read_text())
    for section in ("vulnerabilities", "unaudited"):
        for key, reason in review.get(section, {}).items():
            assert len(reason.split()) >= 5, f"say why {key} is accepted"


@pytest.mark.parametrize(
    ("reason", "version"),
    [(NOT_FOUND, "0.19.2"), ("Dependency not found on PyPI and could not be audited: a (1)", "1")],
)
def test_the_installed_version_is_read_from_pip_audits_reason(reason: str, version: str) -> None:
    report = {"dependencies": [{"name": "a", "skip_reason": reason}]}
    assert audits.from_pip_audit(report, audits.Audit()) == [("a", version)]
