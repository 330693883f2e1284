"""A browser's part over real HTTP: GET anything, sign in through the form and keep the cookie."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sign_in(base_url: str, email: str, password: str) -> urllib.request.OpenerDirector:
    """A browser-like opener signed in through the real form (CSRF token included)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(f"{base_url}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    assert token is not None
    body = urllib.parse.urlencode(
        {"csrf_token": token[1], "email": email, "password": password}
    ).encode()
    opener.open(f"{base_url}/login", data=body, timeout=30).close()
    return opener
