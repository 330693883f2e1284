"""Safe redirect targets and the home page address."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for

FALLBACK_HOME_ENDPOINT = "auth.account"


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a same-site relative path, else None.

    Rejects absolute URLs, scheme-relative "//host" and backslash tricks that browsers
    treat as "//host", so a crafted sign-in link cannot send people to another site.
    """
    if not target:
        return None
    if any(ord(char) < 32 for char in target) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def home_endpoint() -> str:
    """Return LMS_HOME_ENDPOINT, or the account page while that endpoint is not registered."""
    endpoint: str = current_app.config["LMS_HOME_ENDPOINT"]
    if endpoint in current_app.view_functions:
        return endpoint
    return FALLBACK_HOME_ENDPOINT


def home_url() -> str:
    """Return the address of the course home."""
    return url_for(home_endpoint())


def next_or_home(target: str | None) -> str:
    """Return `target` when it is safe, else the course home."""
    return safe_next(target) or home_url()


def current_path() -> str:
    """Return the current address as a path that includes the mount prefix, for `next`."""
    path = request.script_root + request.path
    if request.query_string:
        path += "?" + request.query_string.decode("latin-1")
    return path
