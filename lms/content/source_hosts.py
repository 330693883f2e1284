"""Links to hosts that are not a primary source (mirrors, document-sharing and notes sites)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

# Addresses as lessons write them: link targets, autolinks and bare addresses. A target stops at
# white space or a parenthesis (as in links.py), so every character is read from one start only.
_ADDRESS = re.compile(r"(?:https?://|(?<![\w./])www\.)[^\s()<>\]\"'`]+", re.IGNORECASE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")  # an address shown as code is not a link
ADVICE = "cite the primary source (treaty collection, UN document, publisher) instead"


def host_of(address: str) -> str:
    """The lower-case host of an address ('' when it has none)."""
    if address.lower().startswith("www."):
        address = "http://" + address
    try:
        return (urlsplit(address).hostname or "").rstrip(".")
    except ValueError:  # a malformed port or bracket: not an address a reader can follow
        return ""


def matching_host(host: str, hosts: Sequence[str]) -> str | None:
    """The listed host that `host` is, or is a subdomain of."""
    return next((h for h in hosts if host == h or host.endswith("." + h)), None)


def non_primary_links(text: str, hosts: Sequence[str]) -> Iterator[tuple[int, str, str]]:
    """Each address in `text` on a listed host, as (1-based line, address, listed host)."""
    if not hosts:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        for match in _ADDRESS.finditer(_INLINE_CODE.sub(" ", line)):
            address = match.group().rstrip(".,;:")
            listed = matching_host(host_of(address), hosts)
            if listed:
                yield number, address, listed


def host_warning(address: str, listed: str) -> str:
    """The warning `lms check` prints for one link."""
    return f"link to {listed} ({address}), not a primary source: {ADVICE}"
