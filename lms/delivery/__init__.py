"""How responses travel on slow links: compressed, cached for long, revalidated cheaply.

- `compression`: gzip or brotli for text (HTML, CSS, JavaScript, JSON, SVG, CSV), streamed
  responses compressed chunk by chunk so exports keep streaming;
- `static_files`: files of lms/static under content-hashed names, cached for a year;
- `revalidation`: HTML pages carry an ETag of their exact bytes, so a revisit of an unchanged
  page is a 304; `form_tokens` keeps the pages' form token stable long enough for that.
"""

from __future__ import annotations

from flask import Flask

from lms.delivery import compression, form_tokens, revalidation, static_files


def init_app(app: Flask) -> None:
    """Install compression, hashed static files and page validators on `app`."""
    static_files.init_app(app)
    form_tokens.init_app(app)
    compression.init_app(app)
    # Registered after compression on purpose: Flask runs after_request hooks in reverse order,
    # so the ETag is computed on the page's own bytes before they are compressed.
    revalidation.init_app(app)
