"""The 20,000 most common passwords, to refuse them as new passwords.

The list is Django's (common-passwords.txt.gz beside this file, BSD licence: see
NOTICE.common-passwords), lowercased; passwords are compared the way Django does.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

LIST_PATH = Path(__file__).with_name("common-passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """The list, read once on first use (not at import)."""
    with gzip.open(LIST_PATH, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def is_common(password: str) -> bool:
    """Whether `password`, ignoring case and surrounding spaces, is on the list."""
    return password.lower().strip() in common_passwords()
