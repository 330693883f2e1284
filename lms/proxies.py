"""Behind a reverse proxy: believe its X-Forwarded-* headers, and only as many as configured.

Without this, every request seems to come from the proxy: one sign-in limit per address would
then count the whole country's officials together, and HSTS would never be sent because the
app only sees the proxy's plain HTTP. Trusting more proxies than there are would let a visitor
choose their own address by sending the header themselves, so the count is explicit.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Wrap the app in ProxyFix when LMS_TRUSTED_PROXIES is above zero."""
    count = app.config["LMS_TRUSTED_PROXIES"]
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count
        )
