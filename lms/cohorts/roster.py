"""Learner lists uploaded as CSV or XLSX: every row read, normalised and checked.

Problems are plain strings in the interface language of the request that reads the list, and
English outside a request. None is stored: the preview reads the kept file again each time.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Generator, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime, time
from itertools import islice
from types import MappingProxyType

from lms.cohorts.countries import country_code, name_key
from lms.i18n import gettext as _
from lms.i18n import ngettext
from lms.input_limits import column_length
from lms.models import Invitation

DEFAULT_LIMIT = 5_000
# Line number of problems about the file as a whole rather than one of its rows.
WHOLE_FILE = 0
# Coordinators put titles above the column names; the header is looked for this far down.
HEADER_SEARCH_ROWS = 10
LANGUAGES: tuple[str, ...] = ("es", "en", "pt")

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"
# Tab first: when counts tie, the rarer character inside cells is the likelier separator.
_SEPARATORS = ("\t", ";", ",")
# No spreadsheet writes these in text; finding one means the bytes are not a text list.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Pasted from web pages and mail: invisible, yet enough to make two addresses differ.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Same rule as the sign-up form: catches typos; only mail reaching it proves an address works.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_LOCALE_TAG = re.compile(r"^([a-z]{2})[-_][a-z0-9]{2,4}$")

_HEADERS: Mapping[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "nombre completo", "nombre y apellido", "nombre y apellidos",
        "nombres y apellidos", "apellido y nombre", "apellidos y nombres", "apellido, nombre",
        "apellidos, nombre", "nome completo", "nome e sobrenome",
    ),
    # A full name alone, or the first name beside a last-name column.
    "name_or_first": ("nombre", "nombres", "nome"),
    "first_name": (
        "first name", "first names", "given name", "given names", "forename", "primer nombre",
        "primeiro nome", "prenome",
    ),
    "last_name": (
        "last name", "surname", "family name", "apellido", "apellidos", "primer apellido",
        "apellido paterno", "sobrenome", "apelido", "apelidos", "último nome",
    ),
    "second_last_name": ("segundo apellido", "apellido materno"),
    "email": (
        "email", "e-mail", "mail", "email address", "e-mail address", "correo", "correo-e",
        "correo electrónico", "dirección de correo", "dirección de correo electrónico",
        "endereço de e-mail", "endereço de email", "endereço eletrônico", "endereço electrónico",
    ),
    "country": (
        "country", "country of residence", "país", "país de residencia", "país de residência",
    ),
    "institution": (
        "institution", "organization", "organisation", "agency", "institución", "organismo",
        "organización", "entidad", "instituição", "órgão", "organização", "entidade",
    ),
    "language": (
        "language", "preferred language", "idioma", "lengua", "idioma preferido",
        "lengua preferida", "língua", "idioma de preferência",
    ),
}  # fmt: skip

_LANGUAGE_NAMES: Mapping[str, tuple[str, ...]] = {
    "es": ("es", "spa", "esp", "español", "castellano", "spanish", "espanhol"),
    "en": ("en", "eng", "inglés", "english", "inglês"),
    "pt": ("pt", "por", "portugués", "português", "portuguese"),
}

# The order of `Roster.columns`.
_COLUMN_ORDER = (
    "name", "first_name", "last_name", "second_last_name", "email", "country", "institution",
    "language",
)  # fmt: skip


@dataclass(frozen=True)
class RosterProblem:
    """Something wrong with the file or its header; blocking problems stop the whole import."""

    line: int
    message: str
    blocking: bool = True


@dataclass(frozen=True)
class RosterRow:
    """One learner as read from the list, with what is wrong with that row."""

    line: int
    name: str
    email: str
    country: str
    institution: str
    language: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the row can be invited as it is."""
        return not self.problems


@dataclass(frozen=True)
class Roster:
    """A learner list: its rows, the problems of the file, and which header gave each field."""

    rows: tuple[RosterRow, ...]
    problems: tuple[RosterProblem, ...]
    columns: Mapping[str, str]

    @property
    def blocked(self) -> bool:
        """Whether a problem of the file stops the whole import."""
        return any(problem.blocking for problem in self.problems)

    @property
    def importable(self) -> tuple[RosterRow, ...]:
        """The rows that can be invited: none while the file is blocked."""
        return () if self.blocked else tuple(row for row in self.rows if row.ok)


class UnreadableRoster(Exception):
    """A file that cannot be read as a learner list; the message says what to do."""


def header_key(text: str) -> str:
    """Return a column name without case, accents, spaces, punctuation or a note in brackets."""
    return name_key(re.sub(r"\([^)]*\)", " ", text)).replace(" ", "")


_ROLE_BY_HEADER: Mapping[str, str] = MappingProxyType(
    {header_key(header): role for role, headers in _HEADERS.items() for header in headers}
)
_LANGUAGE_BY_NAME: Mapping[str, str] = MappingProxyType(
    {header_key(name): code for code, names in _LANGUAGE_NAMES.items() for name in names}
)


def language_code(value: str) -> str | None:
    """Return "es", "en" or "pt" for a code, locale tag or name, "" for blank, else None."""
    text = value.strip().lower()
    if not text:
        return ""
    tag = _LOCALE_TAG.match(text)
    if tag:
        text = tag.group(1)
    return _LANGUAGE_BY_NAME.get(header_key(text))


def read_roster(data: bytes, filename: str, *, limit: int = DEFAULT_LIMIT) -> Roster:
    """Read a learner list from the bytes of a CSV or XLSX file; never raises for bad input."""
    try:
        if data.startswith(_ZIP_SIGNATURE):
            with closing(_xlsx_rows(data, filename)) as sheet_rows:
                return _read_rows(
                    sheet_rows,
                    limit,
                    _(
                        "the first sheet of the workbook is empty: put the list "
                        "on the first sheet, one learner per row"
                    ),
                )
        if data.startswith(_OLE2_SIGNATURE):
            raise UnreadableRoster(
                _(
                    "'%(file)s' is an old Excel file (.xls) or a workbook protected by a "
                    "password: save it as .xlsx or .csv, without a password",
                    file=filename,
                )
            )
        return _read_rows(
            _csv_rows(_decode(data, filename)),
            limit,
            _("the file is empty: save the list again from your spreadsheet program"),
        )
    except UnreadableRoster as error:
        problem = RosterProblem(WHOLE_FILE, str(error))
        return Roster(rows=(), problems=(problem,), columns=MappingProxyType({}))


# --- Text files -------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> str:
    """Return the text of a CSV file in the encodings spreadsheet programs write, as NFC."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # Excel's "Unicode text"
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                # Excel's plain "CSV" on Windows; as a superset of Latin-1's printable
                # characters it also reads lists from older systems.
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = "\x00"  # reported just below as not a spreadsheet
    if _CONTROL.search(text):
        raise UnreadableRoster(
            _(
                "'%(file)s' is not a CSV or XLSX spreadsheet: save the list as .xlsx or .csv",
                file=filename,
            )
        )
    if text.lstrip().startswith("<"):
        raise UnreadableRoster(
            _(
                "'%(file)s' is a web page or XML file, not a spreadsheet list: open it in your "
                "spreadsheet program and save it as .xlsx or .csv",
                file=filename,
            )
        )
    return unicodedata.normalize("NFC", text)


def _separator(text: str) -> str:
    """Return the separator of the header line: comma, semicolon or tab."""
    first_seen = ""
    lines = (line for line in io.StringIO(text, newline="") if line.strip())
    for line in islice(lines, HEADER_SEARCH_ROWS):
        counts = _count_outside_quotes(line)
        best = max(_SEPARATORS, key=lambda separator: counts[separator])
        if counts[best] == 0:
            continue
        first_seen = first_seen or best
        cells = next(csv.reader([line], delimiter=best))
        if any(_ROLE_BY_HEADER.get(header_key(cell)) == "email" for cell in cells):
            return best
    return first_seen or ","


def _count_outside_quotes(line: str) -> dict[str, int]:
    """Count each candidate separator outside quoted cells."""
    counts = dict.fromkeys(_SEPARATORS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted  # a doubled quote toggles twice: still inside
        elif not quoted and char in counts:
            counts[char] += 1
    return counts


def _csv_rows(text: str) -> Iterator[list[str]]:
    """Yield the cells of each record; one record is one spreadsheet row, line breaks or not."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    try:
        yield from reader
    except csv.Error as error:
        raise UnreadableRoster(
            _(
                "the file cannot be read as CSV near line %(line)s (%(error)s): save it "
                "again from your spreadsheet program",
                line=reader.line_num,
                error=error,
            )
        ) from error


# --- Workbooks --------------------------------------------------------------------------------


def _xlsx_rows(data: bytes, filename: str) -> Generator[list[str], None, None]:
    """Yield the cells of each row of the first sheet; row n of the sheet is the nth yield."""
    # Imported by the first workbook uploaded, not by every server process (about 12 MB).
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    _check_workbook_archive(data, filename)
    damaged = _(
        "'%(file)s' looks like an Excel workbook but cannot be read: open it, save it again "
        "as .xlsx or .csv, and upload that file",
        file=filename,
    )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl reports damaged workbooks through many exception types
        raise UnreadableRoster(damaged) from error
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read every row that is there instead.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as error:  # as above: the sheet is parsed as it is read
                raise UnreadableRoster(damaged) from error
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _check_workbook_archive(data: bytes, filename: str) -> None:
    """Raise UnreadableRoster for a ZIP file that is not an Excel workbook."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error) as error:
        raise UnreadableRoster(
            _(
                "'%(file)s' is a damaged ZIP or Excel file: save the list again as .xlsx or .csv",
                file=filename,
            )
        ) from error
    if b"opendocument" in mimetype:
        raise UnreadableRoster(
            _(
                "'%(file)s' is an OpenDocument spreadsheet (.ods): save it as .xlsx or .csv",
                file=filename,
            )
        )
    if "xl/workbook.bin" in names:
        raise UnreadableRoster(
            _(
                "'%(file)s' is an Excel binary workbook (.xlsb): save it as .xlsx or .csv",
                file=filename,
            )
        )
    if "[Content_Types].xml" not in names:
        raise UnreadableRoster(
            _(
                "'%(file)s' is a ZIP archive, not an Excel workbook: upload the .xlsx or .csv "
                "file itself",
                file=filename,
            )
        )


def _cell_text(value: object) -> str:
    """Return a cell's value as a person sees it in the sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number: 4711, not 4711.0
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    return unicodedata.normalize("NFC", str(value))


# --- Rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Which column holds each field, and what the header itself gets wrong."""

    index: Mapping[str, int]
    columns: Mapping[str, str]
    problems: tuple[RosterProblem, ...]

    def cell(self, cells: Sequence[str], field: str) -> str:
        """Return the field's cell of a row, "" when the row stops short of it."""
        column = self.index.get(field)
        return cells[column] if column is not None and column < len(cells) else ""


def _read_rows(rows: Iterator[list[str]], limit: int, empty_message: str) -> Roster:
    """Find the header among the first rows, then read one learner from each later row."""
    numbered = enumerate(rows, start=1)
    header_line, layout = _find_header(numbered, empty_message)
    problems = list(layout.problems)
    learners: list[RosterRow] = []
    first_line_of: dict[str, int] = {}
    for line, cells in numbered:
        if _is_blank(cells):
            continue
        if len(learners) == limit:
            return Roster(
                rows=(),
                problems=(
                    RosterProblem(
                        line,
                        ngettext(
                            "the list has more than %(limit)s learner: split it into files of "
                            "at most %(limit)s row",
                            "the list has more than %(limit)s learners: split it into files of "
                            "at most %(limit)s rows",
                            limit,
                            limit=f"{limit:,}",  # written 5,000 in every language
                        ),
                    ),
                ),
                columns=layout.columns,
            )
        row = _row(line, cells, layout)
        if row.email and _EMAIL.match(row.email):
            first = first_line_of.setdefault(row.email, line)
            if first != line:
                row = replace(
                    row,
                    problems=(
                        *row.problems,
                        _("same email as line %(line)s: keep one row per learner", line=first),
                    ),
                )
        learners.append(row)
    if not learners:
        problems.append(
            RosterProblem(header_line, _("no learners below the header: add one row per learner"))
        )
    return Roster(rows=tuple(learners), problems=tuple(problems), columns=layout.columns)


def _find_header(numbered: Iterator[tuple[int, list[str]]], empty: str) -> tuple[int, _Layout]:
    """Return the line and layout of the first row that names an email column."""
    seen = 0
    for line, cells in numbered:
        if _is_blank(cells):
            continue
        roles = [_ROLE_BY_HEADER.get(header_key(cell)) for cell in cells]
        if "email" in roles:
            return line, _layout(line, cells)
        seen += 1
        if seen == HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise UnreadableRoster(empty)
    raise UnreadableRoster(
        _(
            "no email column in the first rows: the first row should name the columns, such as "
            "name, email, country, institution, language"
        )
    )


def _layout(line: int, header: Sequence[str]) -> _Layout:
    """Map each field to its column, joining first and last names where the list splits them."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for column, cell in enumerate(header):
        text = _single_line(cell)
        if not text:
            continue
        role = _ROLE_BY_HEADER.get(header_key(text))
        if role is None:
            unknown.append(text)
        elif role in found:
            repeated.append(text)
        else:
            found[role] = column
    if "last_name" in found or "second_last_name" in found:
        if "first_name" not in found and "name_or_first" in found:
            found["first_name"] = found.pop("name_or_first")
    else:
        for role in ("name_or_first", "first_name"):
            if "name" not in found and role in found:
                found["name"] = found.pop(role)
    if "name_or_first" in found:
        repeated.append(_single_line(header[found.pop("name_or_first")]))

    problems: list[RosterProblem] = []
    if not {"name", "first_name", "last_name"} & found.keys():
        problems.append(
            RosterProblem(
                line,
                _("no name column: add a column headed 'name', or 'first name' and 'last name'"),
            )
        )
    if unknown:
        names = ", ".join(f"'{text}'" for text in unknown)
        problems.append(
            RosterProblem(
                line,
                _(
                    "columns not read: %(columns)s; only name, email, country, institution and "
                    "language are read",
                    columns=names,
                ),
                blocking=False,
            )
        )
    for text in repeated:
        problems.append(
            RosterProblem(
                line,
                _(
                    "column '%(column)s' repeats another column and is not read: keep one of them",
                    column=text,
                ),
                blocking=False,
            )
        )
    return _Layout(
        index=MappingProxyType(found),
        columns=MappingProxyType(
            {field: _single_line(header[found[field]]) for field in _COLUMN_ORDER if field in found}
        ),
        problems=tuple(problems),
    )


def _row(line: int, cells: Sequence[str], layout: _Layout) -> RosterRow:
    """Read and check one learner."""
    problems: list[str] = []
    name = _single_line(layout.cell(cells, "name")) or " ".join(
        part
        for part in (
            _single_line(layout.cell(cells, field))
            for field in ("first_name", "last_name", "second_last_name")
        )
        if part
    )
    if not name:
        problems.append(_("missing name: add the learner's full name"))

    written_email = layout.cell(cells, "email").translate(_INVISIBLE).strip()
    email = written_email.lower().removeprefix("mailto:")
    if not email:
        problems.append(_("missing email: add the learner's email address"))
    elif not _EMAIL.match(email):
        problems.append(
            _(
                "bad email '%(email)s': write one address, such as name@example.org",
                email=written_email,
            )
        )

    written_country = _single_line(layout.cell(cells, "country"))
    country = country_code(written_country) if written_country else ""
    if country is None:
        problems.append(
            _(
                "unknown country '%(country)s': write its name or ISO code, such as México, "
                "MX or MEX",
                country=written_country,
            )
        )

    written_language = _single_line(layout.cell(cells, "language"))
    language = language_code(written_language)
    if language is None:
        problems.append(
            _(
                "unknown language '%(language)s': write es, en or pt, or leave it blank for "
                "the cohort's language",
                language=written_language,
            )
        )

    institution = _single_line(layout.cell(cells, "institution"))
    problems.extend(_too_long(name=name, email=email, institution=institution))
    if any(_CONTROL.search(cell) for cell in cells):
        # A spreadsheet cell can hold them (Excel writes _x0000_); the database cannot.
        problems.append(_("a cell holds a control character: retype that cell"))
    return RosterRow(
        line=line,
        name=name,
        email=email,
        country=country or "",
        institution=institution,
        language=language or "",
        problems=tuple(problems),
    )


def _too_long(**values: str) -> Iterator[str]:
    """A problem for each value longer than its invitation column holds."""
    labels = {"name": _("name"), "email": _("email"), "institution": _("institution")}
    for field, value in values.items():
        most = column_length(getattr(Invitation, field))
        if len(value) > most:
            yield _(
                "%(field)s longer than %(num)s characters: shorten it",
                field=labels[field],
                num=most,
            )


def _single_line(value: str) -> str:
    """Return a cell trimmed, with runs of spaces and line breaks inside it made one space."""
    return " ".join(value.translate(_INVISIBLE).split())


def _is_blank(cells: Sequence[str]) -> bool:
    return not any(_single_line(cell) for cell in cells)
