"""A browser reduced to what the tests need: cookies, forms and status codes, over real HTTP.

Its cookies go to every instance, as a browser's go to every server behind one address: the
instances differ only in port, and cookies do not depend on ports. Redirects are not followed,
so a test sees each 302 and where it points.
"""

from __future__ import annotations

import html
import http.client
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from urllib.parse import urlencode

TIMEOUT_SECONDS = 20
_FIELD = re.compile(r"<input\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


@dataclass(frozen=True)
class Reply:
    """A response: status, headers and the body as text."""

    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        """Where a redirect points ("" for other answers)."""
        return self.headers.get("Location", "")


class Visitor:
    """One person's browser; its methods are safe to call from several threads at once."""

    def __init__(self, cookies: Mapping[str, str] | None = None) -> None:
        self.cookies: dict[str, str] = dict(cookies or {})
        self._lock = threading.Lock()

    def get(self, port: int, path: str, headers: Mapping[str, str] | None = None) -> Reply:
        """GET `path` from the instance on `port`."""
        return self.request(port, "GET", path, None, headers)

    def post(self, port: int, path: str, form: Mapping[str, str]) -> Reply:
        """POST a form (URL-encoded, as a browser sends it) to the instance on `port`."""
        return self.request(port, "POST", path, form)

    def request(
        self,
        port: int,
        method: str,
        path: str,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """Send one request with this visitor's cookies and keep the cookies it sets."""
        sent = dict(headers or {})
        with self._lock:
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Reply(response.status, response.headers, text)

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        with self._lock:
            for header in set_cookies:
                parsed: SimpleCookie = SimpleCookie()
                parsed.load(header)
                for name, morsel in parsed.items():
                    # Flask deletes a cookie by sending it empty, expired, with Max-Age=0.
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.coded_value  # as sent back


def hidden_fields(page: str) -> dict[str, str]:
    """The name and value of every hidden input of a page (the last one wins)."""
    fields: dict[str, str] = {}
    for tag in _FIELD.findall(page):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


def form_token(page: str) -> str:
    """The CSRF token of a page's forms."""
    token = hidden_fields(page).get("csrf_token")
    assert token, "no csrf_token field on the page"
    return token
