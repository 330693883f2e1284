"""Known vulnerabilities of the installed Python packages: pip-audit, then PyPI's project pages.

Run with the environment's Python: `.venv/bin/python scripts/audit_dependencies.py`. pip-audit
asks PyPI about each installed release. Where PyPI answers only for projects, not releases (some
mirrors and proxies: pip-audit then reports "not found" and passes), each such package is
checked against the advisories PyPI lists for its newest release, which apply when the
installed release is the newest; older releases cannot be audited that way and are listed.

Exit status: 0 when every finding and every package that could not be audited is reviewed in
scripts/dependency-review.toml (each with its reason); 1 for anything else; 2 when no
vulnerability service answered, so nothing was audited.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404  # runs pip-audit with an argument list, no shell
import sys
import tempfile
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REVIEW = Path(__file__).with_name("dependency-review.toml")
PROJECT_PAGE = "https://pypi.org/pypi/{name}/json"
NOT_FOUND = "Dependency not found on PyPI"


@dataclass(frozen=True)
class Finding:
    """A published vulnerability of an installed release."""

    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    def ids(self) -> set[str]:
        """The advisory's id and its aliases (CVE, GHSA, PYSEC)."""
        return {self.id, *self.aliases}

    def __str__(self) -> str:
        fix = f"fixed in {', '.join(self.fixed_in)}" if self.fixed_in else "no fixed release"
        aliases = f" ({', '.join(self.aliases)})" if self.aliases else ""
        return f"{self.package} {self.version}: {self.id}{aliases}, {fix}"


@dataclass
class Audit:
    """What was audited, what was found and what could not be audited."""

    audited: int = 0
    findings: list[Finding] = field(default_factory=list)
    unaudited: dict[str, str] = field(default_factory=dict)  # package: why
    unreachable: list[str] = field(default_factory=list)


def from_pip_audit(report: Mapping[str, Any], audit: Audit) -> list[tuple[str, str]]:
    """Add pip-audit's results; return the (name, version) pairs it could not find."""
    missing = []
    for dependency in report.get("dependencies", []):
        reason = dependency.get("skip_reason")
        if reason is None:
            audit.audited += 1
            for vuln in dependency.get("vulns", []):
                audit.findings.append(
                    Finding(
                        dependency["name"],
                        dependency["version"],
                        vuln["id"],
                        tuple(vuln.get("aliases", [])),
                        tuple(vuln.get("fix_versions", [])),
                    )
                )
        elif reason.startswith(NOT_FOUND):
            missing.append((dependency["name"], reason.rsplit("(", 1)[-1].rstrip(")")))
    return missing


def from_project_page(name: str, version: str, page: Mapping[str, Any], audit: Audit) -> None:
    """Add what PyPI's project page says: its advisories cover its newest release only."""
    newest = page["info"]["version"]
    if newest != version:
        audit.unaudited[name] = f"{version} installed, {newest} newest"
        return
    audit.audited += 1
    for vuln in page.get("vulnerabilities") or []:
        if vuln.get("withdrawn"):
            continue
        audit.findings.append(
            Finding(
                name,
                version,
                vuln["id"],
                tuple(vuln.get("aliases") or []),
                tuple(vuln.get("fixed_in") or []),
            )
        )


def project_page(name: str) -> Mapping[str, Any]:
    """PyPI's JSON page of a project."""
    url = PROJECT_PAGE.format(name=name)
    with urllib.request.urlopen(url, timeout=30) as response:  # nosec B310  # a fixed https URL
        page: Mapping[str, Any] = json.load(response)
    return page


def run_pip_audit(ignored: Iterable[str]) -> tuple[Mapping[str, Any] | None, str]:
    """pip-audit's JSON report of this environment, or None and its error output."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        arguments = [sys.executable, "-m", "pip_audit", "--skip-editable", "--format=json"]
        arguments += [f"--output={output}", "--progress-spinner=off"]
        arguments += [f"--ignore-vuln={vuln}" for vuln in sorted(ignored)]
        done = subprocess.run(  # nosec B603  # our own argument list, no shell
            arguments, capture_output=True, text=True, check=False
        )
        if not output.exists() or output.stat().st_size == 0:
            return None, done.stderr.strip()
        report: Mapping[str, Any] = json.loads(output.read_text())
        return report, done.stderr.strip()


def _read(page: Callable[[str], Mapping[str, Any]], name: str) -> Mapping[str, Any] | Exception:
    """A project's page, or the error that stopped reading it."""
    try:
        return page(name)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        return error


def audit_environment(
    review: Mapping[str, Any],
    pip_audit: Callable[[Iterable[str]], tuple[Mapping[str, Any] | None, str]] = run_pip_audit,
    page: Callable[[str], Mapping[str, Any]] = project_page,
) -> Audit:
    """Audit the installed packages, pip-audit first, PyPI's project pages for the rest."""
    audit = Audit()
    report, errors = pip_audit(review.get("vulnerabilities", {}))
    if report is None:
        audit.unreachable.append(f"pip-audit: {errors.splitlines()[-1] if errors else 'failed'}")
        return audit
    missing = from_pip_audit(report, audit)
    with ThreadPoolExecutor(max_workers=16) as pool:
        pages = list(pool.map(lambda pair: _read(page, pair[0]), missing))
    for (name, version), read in zip(missing, pages, strict=True):
        if isinstance(read, Exception):
            audit.unaudited[name] = f"{version} installed; PyPI's page could not be read: {read}"
            audit.unreachable.append(f"{name}: {read}")
        else:
            from_project_page(name, version, read, audit)
    if audit.audited == 0 and audit.unreachable:
        return audit
    audit.unreachable.clear()  # some answers came: the rest are listed as not audited
    return audit


def verdict(audit: Audit, review: Mapping[str, Any]) -> tuple[int, list[str]]:
    """The exit status and the lines to print."""
    if audit.audited == 0:
        return 2, [
            "No vulnerability service answered: the installed packages were NOT audited.",
            *audit.unreachable[:5],
            "pip-audit needs https://pypi.org/pypi/<name>/<version>/json (or --vulnerability-"
            "service osv and https://api.osv.dev); check the network or proxy.",
        ]
    accepted: Mapping[str, str] = review.get("vulnerabilities", {})
    excused: Mapping[str, str] = review.get("unaudited", {})
    lines = [f"Audited {audit.audited} installed packages for known vulnerabilities."]
    status = 0
    for finding in audit.findings:
        reason = next((accepted[i] for i in sorted(finding.ids()) if i in accepted), None)
        if reason is None:
            status = 1
            lines.append(f"VULNERABLE {finding}: upgrade, or review it in {REVIEW.name}.")
        else:
            lines.append(f"reviewed {finding}: {reason}")
    for name, why in sorted(audit.unaudited.items()):
        if name in excused:
            lines.append(f"not audited (reviewed) {name} ({why}): {excused[name]}")
        else:
            status = 1
            lines.append(
                f"NOT AUDITED {name} ({why}): the service here answers only for the newest "
                f"release; upgrade it, or review it in {REVIEW.name}."
            )
    return status, lines


def main() -> int:
    """Audit this environment and print the verdict."""
    review = tomllib.loads(REVIEW.read_text())
    status, lines = verdict(audit_environment(review), review)
    print("\n".join(lines), file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
