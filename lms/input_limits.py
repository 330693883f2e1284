"""What every request is held to before a view reads it: body size, characters, ids, lengths.

PostgreSQL refuses NUL in text and numbers beyond its column types, where SQLite stores them or
Python overflows; either way the view would fail with a server error. So the edge checks:
- every request body has a size limit (views that take files or whole lessons declare a larger
  one with `body_limit`), refused with the 413 page;
- no control character anywhere in the address, the query string, field names, file names or
  JSON keys; in form values and JSON strings only tab, line feed and carriage return (multi-line
  text), refused with a 400 page that names the field;
- ids in addresses (`<int:...>`) and in forms (`parse_id`) within the id columns' INTEGER range;
- text lengths taken from the model columns (`column_length`, `fits`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from flask import Flask, current_app, request
from sqlalchemy import String
from sqlalchemy.orm import QueryableAttribute
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map
from wtforms.validators import Length, ValidationError

from lms.i18n import gettext, lazy_gettext

# Every id column is an INTEGER: PostgreSQL's is 32-bit signed.
MAX_ID = 2**31 - 1
# Room for the multipart envelope and the other fields around a file or a lesson's text.
ENVELOPE_BYTES = 2**20

# Multi-line text keeps tab, line feed and carriage return; single-line text keeps none.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_CONTROL = re.compile("[\x00-\x1f\x7f]")

View = TypeVar("View", bound=Callable[..., Any])


class InvalidInput(BadRequest):
    """A request the edge refused; its description says what to change, in the reader's language."""


class IdConverter(IntegerConverter):
    """`<int:...>` for ids: ASCII digits within the id columns' range, otherwise 404."""

    regex = "[0-9]+"  # werkzeug's \d+ also takes other scripts' digits

    def __init__(
        self,
        url_map: Map,
        fixed_digits: int = 0,
        min: int | None = None,  # the names werkzeug passes
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)


def body_limit(limit: Callable[[Mapping[str, Any]], int]) -> Callable[[View], View]:
    """Let a view accept bodies up to `limit(app.config)` bytes instead of LMS_FORM_MAX_BYTES."""

    def mark(view: View) -> View:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


def media_body(config: Mapping[str, Any]) -> int:
    """An uploaded image at its largest, with the form around it."""
    return int(config["LMS_MEDIA_MAX_BYTES"]) + ENVELOPE_BYTES


def editor_body(config: Mapping[str, Any]) -> int:
    """A lesson at the editor's largest, sent as a form (percent-encoding can triple it)."""
    return 3 * int(config["LMS_EDITOR_MAX_FILE_BYTES"]) + ENVELOPE_BYTES


def roster_body(config: Mapping[str, Any]) -> int:
    """A learner list (CSV or XLSX) at its largest, with the form around it."""
    return int(config["LMS_ROSTER_MAX_BYTES"]) + ENVELOPE_BYTES


def column_length(column: QueryableAttribute[Any]) -> int:
    """The length of a String column, e.g. column_length(User.email) == 254."""
    kind = column.property.columns[0].type
    if not isinstance(kind, String) or kind.length is None:
        raise TypeError(f"{column} is not a String column with a length")
    return int(kind.length)


def fits(column: QueryableAttribute[Any]) -> Length:
    """A WTForms validator: at most as many characters as `column` holds."""
    return Length(
        max=column_length(column), message=lazy_gettext("Use at most %(max)d characters.")
    )


def single_line(_form: Any, field: Any) -> None:
    """A WTForms validator: no line breaks, tabs or other control characters."""
    if isinstance(field.data, str) and LINE_CONTROL.search(field.data):
        raise ValidationError(
            gettext("Write this on one line, without line breaks, tabs or control characters.")
        )


def parse_id(raw: object) -> int | None:
    """An id typed as ASCII digits within the id columns' range, else None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 0 <= raw <= MAX_ID else None
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    number = int(raw)
    return number if number <= MAX_ID else None


def parse_int(raw: object, minimum: int, maximum: int) -> int | None:
    """A whole number typed as optional sign and ASCII digits within [minimum, maximum]."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text[1:] if text[:1] in {"-", "+"} else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def _code(text: str | None, pattern: re.Pattern[str]) -> str | None:
    """The first forbidden character of `text` as U+XXXX, or None."""
    # A multipart part whose header a control character broke comes without a name (None).
    found = pattern.search(text or "")
    return f"U+{ord(found.group()):04X}" if found else None


def _json_strings(value: Any, key: str = "") -> Iterator[tuple[str, str, bool]]:
    """Every (where, text, is_key) in a JSON document."""
    if isinstance(value, str):
        yield key, value, False
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, key)
    elif isinstance(value, dict):
        for name, item in value.items():
            yield name, name, True
            yield from _json_strings(item, name)


def _refuse_field(field: str | None, code: str) -> InvalidInput:
    shown = field if field and not LINE_CONTROL.search(field) else "?"
    return InvalidInput(
        gettext(
            "The field “%(field)s” contains a control character (%(code)s), which the platform "
            "does not accept. Remove it (it often comes from pasting) and send the form again.",
            field=shown,
            code=code,
        )
    )


def _refuse_address(code: str) -> InvalidInput:
    return InvalidInput(
        gettext(
            "The address contains a control character (%(code)s), which no address of the "
            "platform has. Check the link, or copy it again from where you found it.",
            code=code,
        )
    )


def limit_body() -> None:
    """Give this request the body limit of its view, within MAX_CONTENT_LENGTH."""
    view = current_app.view_functions.get(request.endpoint or "")
    declared = getattr(view, "body_limit", None)
    config = current_app.config
    limit = declared(config) if declared else int(config["LMS_FORM_MAX_BYTES"])
    ceiling = config.get("MAX_CONTENT_LENGTH")
    if ceiling is not None:
        limit = min(limit, int(ceiling))
    request.max_content_length = limit
    # One field may take the whole body: a lesson's text is a single field of the editor form.
    request.max_form_memory_size = limit


def check_characters() -> None:
    """Refuse control characters in the address, query, form and JSON before any view reads them."""
    if code := _code(request.path, LINE_CONTROL):
        raise _refuse_address(code)
    for name, value in request.args.items(multi=True):
        if code := _code(name, LINE_CONTROL) or _code(value, LINE_CONTROL):
            raise _refuse_field(name, code)
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    for name, value in request.form.items(multi=True):
        if code := _code(name, LINE_CONTROL) or _code(value, CONTROL):
            raise _refuse_field(name, code)
    for name, upload in request.files.items(multi=True):
        if code := _code(name, LINE_CONTROL) or _code(upload.filename or "", LINE_CONTROL):
            raise _refuse_field(name, code)
    if request.is_json:
        for where, text, is_key in _json_strings(request.get_json(silent=True)):
            if code := _code(text, LINE_CONTROL if is_key else CONTROL):
                raise _refuse_field(where, code)


def check_request() -> None:
    """The edge checks, in the order a body must be read: its size first."""
    limit_body()
    check_characters()


def init_app(app: Flask) -> None:
    """Bound ids in every `<int:...>` route and check every request before the other hooks.

    Call before any blueprint is registered (rules bind their converters when added) and before
    CSRFProtect, whose hook reads the form.
    """
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request)
