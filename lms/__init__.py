"""The learning platform of the Inter-American Course on International Migration.

`create_app` is loaded on first use rather than with the package, so that the parts that need no
web application (the content parser behind `lms check`, the SCORM exporter) import without
Flask, SQLAlchemy and every blueprint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lms.app_factory import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from lms.app_factory import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
