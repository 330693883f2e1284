"""Grade and response exports as CSV and XLSX streams. Pure Python: no Flask, no database."""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from tempfile import SpooledTemporaryFile
from typing import IO, Any
from urllib.parse import quote

CHUNK_SIZE = 64 * 1024
"""Bytes handed to the web server at a time: large enough to keep per-chunk overhead low."""

SPOOL_MAX_SIZE = 8 * 1024 * 1024
"""An XLSX file up to this size is assembled in memory; a larger one rolls over to disk."""

# OWASP "CSV Injection": a cell whose text starts with one of these is read as a formula by
# Excel, LibreOffice Calc and Google Sheets (=HYPERLINK(...), @SUM(...), -2+3, DDE calls);
# prefixing a single quote makes them show it as text. ASVS 5.0 (V1.2.10) adds NUL.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

# Everything outside XML 1.0's Char production (control characters other than tab, line feed
# and carriage return; lone surrogates; U+FFFE and U+FFFF): an XLSX cannot hold it.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Characters Excel forbids in a sheet name; it also caps the name at 31 characters.
_NOT_IN_SHEET_TITLE = re.compile(r"[\\*?:/\[\]]")
_SHEET_TITLE_MAX = 31

# RFC 5987 attr-char beyond what urllib.parse.quote always keeps (letters, digits, "_.-~").
_ATTR_CHARS = "!#$&+^`|"

# Typographic punctuation with a close ASCII look-alike, for the fallback download name.
_TYPOGRAPHIC = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": "'", "”": "'", "«": "'", "»": "'"}
)

_MIN_WIDTH, _MAX_WIDTH = 8, 60


class NaiveDatetime(ValueError):
    """A datetime without a time zone reached an export, so its UTC time would be a guess."""


def neutralise(value: object) -> object:
    """Prefix an apostrophe to text a spreadsheet would run as a formula (OWASP CSV Injection).

    Only text is touched: numbers, dates and None come back unchanged, so -2.5 stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_stream(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """Yield a UTF-8 CSV (with BOM, CRLF line ends) in chunks of about CHUNK_SIZE bytes."""
    # The BOM is what makes Excel read the file as UTF-8 rather than the system code page.
    buffer = io.StringIO("\ufeff")
    buffer.seek(0, io.SEEK_END)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_csv_text(name) for name in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow(_converted(header, row, number, _csv_text))
        if buffer.tell() >= CHUNK_SIZE:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_stream(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, sheet_title: str
) -> Iterator[bytes]:
    """Yield an XLSX workbook of one sheet (bold, frozen header row) in CHUNK_SIZE pieces.

    Memory stays bounded whatever the number of rows: openpyxl's write-only worksheet writes
    each row to a temporary XML file as it comes, with strings inline rather than in a shared
    table, and the finished file is assembled in a SpooledTemporaryFile that moves to disk past
    SPOOL_MAX_SIZE. Nothing is yielded until the last row is in, because the ZIP container is
    only written at save time.
    """
    with SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE) as spool:
        _write_workbook(spool, header, rows, sheet_title)
        spool.seek(0)
        while chunk := spool.read(CHUNK_SIZE):
            yield chunk


def content_disposition(filename: str) -> str:
    """Return an RFC 6266 attachment header value: an ASCII filename plus filename* in UTF-8."""
    name = "".join(c for c in filename if unicodedata.category(c) != "Cc")
    # Path separators would be dropped or refused by browsers; keep the name readable instead.
    name = name.replace("/", "-").replace("\\", "-").strip()
    if not name:
        raise ValueError(f"no usable download name in {filename!r}; give a non-empty filename")
    fallback = _ascii_fallback(name)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
    return value


def _converted(
    header: Sequence[str], row: Sequence[object], number: int, convert: Callable[[object], Any]
) -> list[Any]:
    """Convert one row's cells, naming the row and column if a value cannot be exported."""
    cells = []
    for column, value in enumerate(row):
        try:
            cells.append(convert(value))
        except NaiveDatetime as error:
            name = header[column] if column < len(header) else f"#{column + 1}"
            raise NaiveDatetime(f"row {number}, column {name!r}: {error}") from None
    return cells


def _csv_text(value: object) -> str:
    """Return the text of one CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = _number(value)
        return "" if number is None else repr(number)
    if isinstance(value, datetime):
        return _utc(value).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralise(value if isinstance(value, str) else str(value)))


def _xlsx_value(value: object) -> object:
    """Return the value of one XLSX cell: numbers and dates keep their type, text is made safe."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float | Decimal):
        return _number(value)
    if isinstance(value, datetime):
        # Excel has no time zones; the value is UTC, as in the CSV export.
        return _utc(value).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return _xlsx_text(value if isinstance(value, str) else str(value))


def _xlsx_text(text: str) -> object:
    """Return text an XLSX can hold and a spreadsheet will not run."""
    # Stripping first: removing a leading control character may expose a formula trigger.
    return neutralise(_NOT_XML.sub("", text))


def _number(value: float | Decimal) -> float | None:
    """Return the value rounded to 4 decimals, or None when it is not a finite number."""
    number = float(value)
    # Spreadsheets have no NaN or infinity: Excel reports a file holding them as damaged.
    if not math.isfinite(number):
        return None
    return round(number, 4)


def _utc(value: datetime) -> datetime:
    """Return an aware datetime in UTC to the second, without its time zone."""
    if value.tzinfo is None:
        raise NaiveDatetime(
            f"{value.isoformat()} has no time zone; export aware UTC datetimes "
            "(lms.models.types.utcnow() gives one)"
        )
    return value.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def _write_workbook(
    out: IO[bytes], header: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str
) -> None:
    """Write a write-only workbook with one sheet to out."""
    # openpyxl (about 12 MB) is imported by the first XLSX export, not by every server process.
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_title))
    # A write-only sheet writes its layout before the first row, so set it up front.
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = min(max(len(name), _MIN_WIDTH), _MAX_WIDTH) + 2
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    try:
        sheet.append([_header_cell(sheet, name, bold) for name in header])
        for number, row in enumerate(rows, start=1):
            sheet.append(_converted(header, row, number, _xlsx_value))
        workbook.save(out)
    except BaseException:
        _discard_sheet_file(sheet)
        raise


def _header_cell(sheet: Any, name: str, font: Any) -> Any:
    """Return a bold header cell."""
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    cell = WriteOnlyCell(sheet, value=_xlsx_text(name))
    cell.font = font
    return cell


def _discard_sheet_file(sheet: Any) -> None:
    """Remove the temporary XML file of a sheet whose workbook was never saved."""
    # openpyxl deletes it when saving and otherwise only at interpreter exit: a failed export
    # in a long-running server would leave one file behind each time.
    writer: Any = getattr(sheet, "_writer", None)
    path = getattr(writer, "out", None)
    if not isinstance(path, str):
        return
    # Closing ends the XML and its file handle now rather than at garbage collection, where
    # the half-written document raises errors nobody can catch.
    with contextlib.suppress(Exception):
        sheet.close()
    if os.path.exists(path):
        writer.cleanup()


def _sheet_title(title: str) -> str:
    """Return title as a sheet name Excel accepts."""
    cleaned = _NOT_IN_SHEET_TITLE.sub("-", _NOT_XML.sub("", title))
    # Excel also refuses a name that starts or ends with an apostrophe.
    cleaned = cleaned[:_SHEET_TITLE_MAX].strip().strip("'").strip()
    return cleaned or "Sheet1"


def _ascii_fallback(name: str) -> str:
    """Return name in printable ASCII for clients that ignore filename* (RFC 6266 appendix D)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_TYPOGRAPHIC))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    # '"' and '\\' would need escaping in the quoted string, and some clients decode "%xx".
    return "".join(c if " " <= c <= "~" and c not in '"\\%' else "_" for c in kept)
