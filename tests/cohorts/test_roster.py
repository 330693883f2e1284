"""Learner lists as spreadsheet programs really write them: encodings, separators, workbooks."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable, Sequence

import pytest
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from lms.cohorts.countries import ALPHA3, COUNTRIES, OTHER_NAMES, country_code
from lms.cohorts.roster import (
    _HEADERS,
    DEFAULT_LIMIT,
    WHOLE_FILE,
    Roster,
    RosterRow,
    header_key,
    language_code,
    read_roster,
)

Cell = str | int | float | None
Table = Sequence[Sequence[Cell]]


# --- Writing lists the way spreadsheet programs do ---------------------------------------------


def csv_bytes(table: Table, *, separator: str = ",", encoding: str = "utf-8") -> bytes:
    """Return `table` as a CSV file: CRLF line ends, quotes only where needed, like Excel."""
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(table)
    return out.getvalue().encode(encoding)


def xlsx_bytes(table: Table) -> bytes:
    """Return `table` as a one-sheet workbook; an empty row stays an empty row of the sheet."""
    workbook = Workbook()
    for row in table:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_csv(table: Table, **options: str) -> Roster:
    return read_roster(csv_bytes(table, **options), "learners.csv")


def only_row(roster: Roster) -> RosterRow:
    assert not roster.blocked, roster.problems
    (row,) = roster.rows
    return row


def values(row: RosterRow) -> tuple[str, str, str, str, str]:
    return (row.name, row.email, row.country, row.institution, row.language)


# --- One list, four files ----------------------------------------------------------------------

EXPECTED = [
    (
        "José Núñez",
        "jose.nunez@example.org",
        "MX",
        "Secretaría de Gobernación, Unidad de Política Migratoria",
        "es",
    ),
    ("Maria da Conceição", "conceicao@example.org.br", "BR", "Ministério da Justiça", "pt"),
    ("Ana O'Neil", "ana.oneil@example.org", "CA", "4711", "en"),
    ("Zoë Pérez", "zoe@example.org", "ES", "", ""),
]
SEGOB = "Secretaría de Gobernación, Unidad de Política Migratoria"

ENGLISH: Table = [
    ["Full name", "E-mail", "Country", "Institution", "Preferred language"],
    ["  José   Núñez ", "Jose.Nunez@Example.org", "Mexico", SEGOB, "Spanish"],
    ["Maria da Conceição", " conceicao@example.org.br", "Brazil", "Ministério da Justiça", "pt"],
    ["Ana O'Neil", "ana.oneil@example.org", "CA", "4711", "English"],
    ["Zoë Pérez", "zoe@example.org", "Spain", "", ""],
]
SPANISH: Table = [
    ["Nombre completo", "Correo electrónico", "País", "Institución", "Idioma preferido"],
    ["José Núñez", "jose.nunez@example.org", "México", SEGOB, "español"],
    ["Maria da Conceição", "CONCEICAO@EXAMPLE.ORG.BR", "Brasil", "Ministério da Justiça",
     "portugués"],
    ["Ana O'Neil", "ana.oneil@example.org", "Canadá", "4711", "inglés"],
    ["Zoë Pérez", "zoe@example.org", "España", "", ""],
]  # fmt: skip
MIXED_CODES: Table = [
    ["NOMBRE", "EMAIL", "PAIS", "Organización", "Idioma"],
    ["José Núñez", "jose.nunez@example.org", "MEX", SEGOB, "es-MX"],
    ["Maria da Conceição", "conceicao@example.org.br", "bra", "Ministério da Justiça", "pt_BR"],
    ["Ana O'Neil", "ana.oneil@example.org", "CAN", "4711", "EN"],
    ["Zoë Pérez", "zoe@example.org", "ESP", "", ""],
]
PORTUGUESE: Table = [
    ["Nome completo", "E-mail", "País", "Instituição", "Idioma"],
    ["José Núñez", "jose.nunez@example.org", "México", SEGOB, "espanhol"],
    [],  # an empty row of the sheet: skipped, yet counted in line numbers
    ["Maria da Conceição", "conceicao@example.org.br", "Brasil", "Ministério da Justiça",
     "português"],
    ["Ana O'Neil", "ana.oneil@example.org", "Canadá", 4711, "inglês"],  # a number-typed cell
    ["Zoë Pérez", "zoe@example.org", "Espanha", None, None],
]  # fmt: skip

FORMATS: dict[str, tuple[Callable[[], bytes], list[int], dict[str, str]]] = {
    "utf-8 with BOM, comma": (
        lambda: csv_bytes(ENGLISH, encoding="utf-8-sig"),
        [2, 3, 4, 5],
        {"name": "Full name", "email": "E-mail", "language": "Preferred language"},
    ),
    "windows-1252, semicolon": (
        lambda: csv_bytes(SPANISH, separator=";", encoding="cp1252"),
        [2, 3, 4, 5],
        {"name": "Nombre completo", "email": "Correo electrónico", "country": "País"},
    ),
    "utf-16 unicode text, tab": (
        lambda: csv_bytes(MIXED_CODES, separator="\t", encoding="utf-16"),
        [2, 3, 4, 5],
        {"name": "NOMBRE", "email": "EMAIL", "institution": "Organización"},
    ),
    "xlsx": (
        lambda: xlsx_bytes(PORTUGUESE),
        [2, 4, 5, 6],
        {"name": "Nome completo", "email": "E-mail", "institution": "Instituição"},
    ),
}


@pytest.mark.parametrize("file_format", FORMATS)
def test_the_same_list_reads_the_same_in_every_format(file_format: str) -> None:
    make, lines, some_columns = FORMATS[file_format]
    roster = read_roster(make(), "learners")
    assert roster.problems == ()
    assert [values(row) for row in roster.rows] == EXPECTED
    assert [row.line for row in roster.rows] == lines
    assert all(row.ok for row in roster.rows)
    assert roster.importable == roster.rows
    assert some_columns.items() <= roster.columns.items()


def test_the_windows_1252_file_really_is_not_utf8() -> None:
    data = FORMATS["windows-1252, semicolon"][0]()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "Conceição".encode("cp1252") in data


def test_decomposed_accents_come_out_composed() -> None:
    # macOS writes "é" as "e" and a combining accent; equal names must compare equal.
    data = "name,email\nJose\u0301 Nu\u0301n\u0303ez,j@example.org\n".encode()
    assert only_row(read_roster(data, "mac.csv")).name == "José Núñez"


# --- Separators, quotes and line ends --------------------------------------------------------


@pytest.mark.parametrize(
    ("separator", "name"),
    [(";", "Núñez, José"), (",", "Núñez; José"), ("\t", "Núñez, José")],
    ids=["semicolon", "comma", "tab"],
)
def test_separators_inside_quotes_do_not_count(separator: str, name: str) -> None:
    # Written by hand: the quoted header cell holds more of the other separators than the
    # header has separators, so only counting outside quotes finds the right one.
    others = "".join(candidate for candidate in ",;\t" if candidate != separator)
    header = f'"Nombre ({others * 3})"'
    text = f'{header}{separator}Correo\n"{name}"{separator}jose@example.org\n'
    row = only_row(read_roster(text.encode(), "list.csv"))
    assert (row.name, row.email) == (name, "jose@example.org")


def test_a_line_break_inside_a_cell_is_one_row() -> None:
    roster = read_csv(
        [
            ["name", "email", "institution"],
            ["Ana", "ana@example.org", "Ministerio de\nRelaciones Exteriores"],
            ["Luis", "luis@example.org", "OIM"],
        ]
    )
    assert [(row.line, row.institution) for row in roster.rows] == [
        (2, "Ministerio de Relaciones Exteriores"),
        (3, "OIM"),
    ]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_any_line_end(line_end: str) -> None:
    text = line_end.join(["name;email", "Ana;ana@example.org", "Luis;luis@example.org", ""])
    roster = read_roster(text.encode(), "list.csv")
    assert [(row.line, row.email) for row in roster.rows] == [
        (2, "ana@example.org"),
        (3, "luis@example.org"),
    ]


def test_a_single_column_list() -> None:
    roster = read_roster(b"email\nana@example.org\n", "list.csv")
    assert [row.email for row in roster.rows] == ["ana@example.org"]
    assert roster.rows[0].problems == ("missing name: add the learner's full name",)


def test_title_rows_above_the_header_are_passed_over() -> None:
    roster = read_csv(
        [
            ["Curso Interamericano, edición 2025", "", ""],
            ["", "", ""],
            ["Nombre", "Correo", "País"],
            ["Ana", "ana@example.org", "Chile"],
        ],
        separator=";",
    )
    assert [(row.line, row.country) for row in roster.rows] == [(4, "CL")]


def test_blank_rows_are_skipped_and_cells_beyond_the_header_are_fine() -> None:
    roster = read_csv(
        [
            ["name", "email"],
            ["", "  "],
            ["Ana", "ana@example.org", "", "a note past the last column"],
            [],
            ["Luis", "luis@example.org"],
        ]
    )
    assert roster.problems == ()
    assert [(row.line, row.name, row.ok) for row in roster.rows] == [
        (3, "Ana", True),
        (5, "Luis", True),
    ]


def test_rows_shorter_than_the_header_read_as_blank_cells() -> None:
    row = only_row(read_csv([["name", "email", "country", "language"], ["Ana", "ana@example.org"]]))
    assert (row.country, row.language, row.problems) == ("", "", ())


# --- Headers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("name", "name"),
        ("Full Name", "name"),
        ("NOMBRE Y APELLIDO", "name"),
        ("Nombre completo", "name"),
        ("nome completo", "name"),
        ("Nome", "name"),
        ("Email", "email"),
        (" E-mail ", "email"),
        ("e-mail address", "email"),
        ("Mail", "email"),
        ("correo", "email"),
        ("Correo Electrónico", "email"),
        ("CORREO ELECTRONICO", "email"),
        ("correo  electrónico*", "email"),
        ("Country", "country"),
        ("País", "country"),
        ("pais", "country"),
        ("País (código ISO)", "country"),
        ("Organisation", "institution"),
        ("organization", "institution"),
        ("Institución", "institution"),
        ("Organismo", "institution"),
        ("Organización", "institution"),
        ("Instituição", "institution"),
        ("Órgão", "institution"),
        ("Language", "language"),
        ("preferred language", "language"),
        ("Idioma", "language"),
        ("Lengua", "language"),
        ("Idioma preferido", "language"),
    ],
)
def test_header_names_in_three_languages(header: str, field: str) -> None:
    email_header = "email" if field != "email" else "name"
    roster = read_csv([[header, email_header], ["x", "y"]])
    assert roster.columns[field] == " ".join(header.split())


def test_no_header_name_belongs_to_two_fields() -> None:
    roles: dict[str, set[str]] = {}
    for role, names in _HEADERS.items():
        for name in names:
            roles.setdefault(header_key(name), set()).add(role)
    assert {key: found for key, found in roles.items() if len(found) > 1} == {}


@pytest.mark.parametrize(
    ("header", "cells", "name", "columns"),
    [
        (["First name", "Last name"], ["Ana", "Pérez"], "Ana Pérez", ("first_name", "last_name")),
        (["Nombre", "Apellidos"], ["José", "Núñez  Ortiz"], "José Núñez Ortiz", None),
        (["nome", "sobrenome"], ["Maria", "da Conceição"], "Maria da Conceição", None),
        (["Apellido", "Nombres"], ["Núñez", "José María"], "José María Núñez", None),
        (
            ["Nombre", "Primer apellido", "Segundo apellido"],
            ["José", "Núñez", "Ortiz"],
            "José Núñez Ortiz",
            ("first_name", "last_name", "second_last_name"),
        ),
        (["First name", "Last name"], ["", "Pérez"], "Pérez", None),
        (["Full name", "First name", "Last name"], ["Ana P.", "Ana", "Pérez"], "Ana P.", None),
        (["Full name", "First name", "Last name"], ["", "Ana", "Pérez"], "Ana Pérez", None),
        (["First name"], ["Ana"], "Ana", ("name",)),
    ],
)
def test_first_and_last_names_are_joined(
    header: list[str], cells: list[str], name: str, columns: tuple[str, ...] | None
) -> None:
    roster = read_csv([[*header, "email"], [*cells, "ana@example.org"]])
    assert only_row(roster).name == name
    if columns is not None:
        assert tuple(field for field in roster.columns if field != "email") == columns


def test_unknown_and_repeated_columns_are_warnings() -> None:
    roster = read_csv(
        [
            ["Name", "Email", "Teléfono", "", "Notas", "E-mail"],
            ["Ana", "ana@example.org", "555", "", "", "other@example.org"],
        ]
    )
    assert not roster.blocked
    assert [(p.line, p.blocking) for p in roster.problems] == [(1, False), (1, False)]
    assert "'Teléfono', 'Notas'" in roster.problems[0].message
    assert "'E-mail' repeats another column" in roster.problems[1].message
    assert only_row(roster).email == "ana@example.org"


def test_a_list_without_a_name_column_is_blocked() -> None:
    roster = read_csv([["email", "country"], ["ana@example.org", "MX"]])
    assert roster.blocked
    assert roster.problems[0].message.startswith("no name column")
    assert roster.importable == ()


# --- Values and row problems ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (["Ana", "", "", ""], "missing email: add the learner's email address"),
        (["Ana", "ana.example.org", "", ""], "bad email 'ana.example.org'"),
        (["Ana", "Ana@Example", "", ""], "bad email 'Ana@Example'"),
        (["Ana", "ana @example.org", "", ""], "bad email 'ana @example.org'"),
        (["Ana", "ana@@example.org", "", ""], "bad email 'ana@@example.org'"),
        (["Ana", "a@example.org; b@example.org", "", ""], "bad email 'a@example.org; b@"),
        (["Ana", "ana@example.org", "Francia", ""], "unknown country 'Francia'"),
        (["Ana", "ana@example.org", "XX", ""], "unknown country 'XX'"),
        (["Ana", "ana@example.org", "", "fr"], "unknown language 'fr'"),
        (["Ana", "ana@example.org", "", "Français"], "unknown language 'Français'"),
        (["", "ana@example.org", "", ""], "missing name: add the learner's full name"),
    ],
)
def test_row_problems(cells: list[str], problem: str) -> None:
    row = only_row(read_csv([["name", "email", "country", "language"], cells]))
    assert not row.ok
    (message,) = row.problems
    assert message.startswith(problem)
    assert ": " in message  # what is wrong, then what to do


def test_a_row_lists_every_problem_it_has() -> None:
    row = only_row(read_csv([["name", "email", "country", "language"], ["", "x", "Narnia", "xx"]]))
    assert [problem.split(" '")[0].split(":")[0] for problem in row.problems] == [
        "missing name",
        "bad email",
        "unknown country",
        "unknown language",
    ]
    assert (row.country, row.language) == ("", "")


def test_rows_with_problems_are_not_importable() -> None:
    roster = read_csv([["name", "email"], ["Ana", "ana@example.org"], ["Luis", "luis@"]])
    assert [row.line for row in roster.importable] == [2]


def test_duplicate_emails_name_the_first_line() -> None:
    roster = read_csv(
        [
            ["name", "email"],
            ["Ana", "ana@example.org"],
            ["Luis", "luis@example.org"],
            ["Ana Pérez", " ANA@example.org"],
            ["", ""],
            ["Ana P.", "mailto:Ana@Example.org"],
            ["Luis", "luis@example.org"],
        ]
    )
    assert [(row.line, row.problems) for row in roster.rows] == [
        (2, ()),
        (3, ()),
        (4, ("same email as line 2: keep one row per learner",)),
        (6, ("same email as line 2: keep one row per learner",)),
        (7, ("same email as line 3: keep one row per learner",)),
    ]


def test_the_same_bad_email_twice_is_reported_once_per_row_as_bad() -> None:
    roster = read_csv([["name", "email"], ["Ana", "ana@"], ["Luis", "ana@"]])
    assert [len(row.problems) for row in roster.rows] == [1, 1]
    assert all(row.problems[0].startswith("bad email") for row in roster.rows)


def test_values_are_trimmed_and_names_collapsed() -> None:
    row = only_row(
        read_csv(
            [
                ["name", "email", "institution"],
                ["\u200b Ana \t María\xa0 Pérez ", " \ufeffANA.Perez@Example.ORG \u200b", " OIM  "],
            ]
        )
    )
    assert (row.name, row.email, row.institution) == (
        "Ana María Pérez",
        "ana.perez@example.org",
        "OIM",
    )


def test_formula_looking_cells_are_kept_as_written() -> None:
    formula = '=HYPERLINK("https://example.org","Ana")'
    roster = read_csv(
        [
            ["name", "email", "institution"],
            [formula, "ana@example.org", "=1+1"],
            ["Luis", "=A1", ""],
        ]
    )
    assert [(row.name, row.institution) for row in roster.rows] == [(formula, "=1+1"), ("Luis", "")]
    assert roster.rows[1].problems == (
        "bad email '=A1': write one address, such as name@example.org",
    )


def _rewritten(workbook: bytes, member: str, old: bytes, new: bytes) -> bytes:
    """Return `workbook` with `old` replaced by `new` in one of its ZIP members."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    entries = {name: source.read(name) for name in source.namelist()}
    assert old in entries[member]
    entries[member] = entries[member].replace(old, new)
    return _zip(entries)


def test_a_workbook_with_a_wrong_sheet_size_is_read_to_its_last_row() -> None:
    # Some exporters write "A1" as the size of every sheet.
    table = [["name", "email"], ["Ana", "ana@example.org"], ["Luis", "luis@example.org"]]
    data = _rewritten(xlsx_bytes(table), "xl/worksheets/sheet1.xml", b'"A1:B3"', b'"A1"')
    assert [row.name for row in read_roster(data, "list.xlsx").rows] == ["Ana", "Luis"]


def test_the_first_sheet_is_read_whichever_sheet_was_open() -> None:
    workbook = Workbook()
    workbook.active.append(["name", "email"])
    workbook.active.append(["Ana", "ana@example.org"])
    notes = workbook.create_sheet("Notas")
    notes.append(["email"])
    notes.append(["other@example.org"])
    workbook.active = notes
    out = io.BytesIO()
    workbook.save(out)
    assert only_row(read_roster(out.getvalue(), "list.xlsx")).email == "ana@example.org"


def test_a_workbook_text_cell_that_looks_like_a_formula_stays_text() -> None:
    workbook = Workbook()
    workbook.active.append(["name", "email"])
    workbook.active.append(["=1+1", "ana@example.org"])
    workbook.active["A2"].data_type = "s"  # typed into the sheet as text, e.g. after a quote mark
    out = io.BytesIO()
    workbook.save(out)
    assert only_row(read_roster(out.getvalue(), "list.xlsx")).name == "=1+1"


# --- Countries and languages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("MX", "MX"),
        ("mx", "MX"),
        ("MEX", "MX"),
        ("México", "MX"),
        ("Mexico", "MX"),
        (" MÉXICO ", "MX"),
        ("Brazil", "BR"),
        ("Brasil", "BR"),
        ("bra", "BR"),
        ("Estados Unidos", "US"),
        ("United States", "US"),
        ("USA", "US"),
        ("EE. UU.", "US"),
        ("EEUU", "US"),
        ("EUA", "US"),
        ("Trinidad y Tobago", "TT"),
        ("Trinidad and Tobago", "TT"),
        ("Trinidad e Tobago", "TT"),
        ("Trinidad & Tobago", "TT"),
        ("San Cristóbal y Nieves", "KN"),
        ("Saint Kitts and Nevis", "KN"),
        ("São Cristóvão e Névis", "KN"),
        ("St. Kitts and Nevis", "KN"),
        ("San Vicente y las Granadinas", "VC"),
        ("Haití", "HT"),
        ("Perú", "PE"),
        ("Paraguai", "PY"),
        ("Guiana", "GY"),
        ("República Dominicana", "DO"),
        ("Dominican Republic", "DO"),
        ("Dominica", "DM"),
        ("Venezuela (República Bolivariana de)", "VE"),
        ("Bolivia, Plurinational State of", "BO"),
        ("The Bahamas", "BS"),
        ("España", "ES"),
        ("Spain", "ES"),
        ("Espanha", "ES"),
        ("PRT", "PT"),
    ],
)
def test_countries_by_code_or_name_in_three_languages(written: str, code: str) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize("written", ["Francia", "FR", "FRA", "XX", "Narnia", "Mexicali", "Guayana"])
def test_countries_outside_the_table(written: str) -> None:
    assert country_code(written) is None


def test_the_country_table_covers_the_oas_and_the_iberian_peninsula() -> None:
    assert len(COUNTRIES) == 35 + 2
    assert sorted(ALPHA3.values()) == sorted(COUNTRIES)
    assert OTHER_NAMES.keys() <= COUNTRIES.keys()
    assert all(len(names) == 3 and all(names) for names in COUNTRIES.values())
    for code, names in COUNTRIES.items():
        assert {country_code(name) for name in names} == {code}


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("es", "es"),
        ("ES", "es"),
        ("Español", "es"),
        ("espanol", "es"),
        ("Castellano", "es"),
        ("Spanish", "es"),
        ("espanhol", "es"),
        ("es-419", "es"),
        ("en", "en"),
        ("English", "en"),
        ("Inglés", "en"),
        ("inglês", "en"),
        ("en_US", "en"),
        ("pt", "pt"),
        ("Portugués", "pt"),
        ("Português", "pt"),
        ("portuguese", "pt"),
        ("pt-BR", "pt"),
        ("Português (Brasil)", "pt"),
        ("", ""),
        ("  ", ""),
        ("fr", None),
        ("Français", None),
        ("es-es-es", None),
    ],
)
def test_languages(written: str, code: str | None) -> None:
    assert language_code(written) == code


# --- Files that are not a list we can read -------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _damaged_workbook() -> bytes:
    """A workbook whose sheet is no longer XML, as after a broken download."""
    data = xlsx_bytes([["name", "email"], ["Ana", "a@b.org"]])
    return _rewritten(data, "xl/worksheets/sheet1.xml", b"</sheetData>", b"<row r='3'><c")


FILE_PROBLEMS: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "the file is empty"),
    "only a byte order mark": (b"\xef\xbb\xbf\r\n", "the file is empty"),
    "only separators": (b";;;\r\n;;;\r\n", "the file is empty"),
    "old excel": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "'upload.bin' is an old Excel file (.xls) or a workbook protected by a password: "
        "save it as .xlsx or .csv",
    ),
    "garbage": (random.Random(7).randbytes(2000), "'upload.bin' is not a CSV or XLSX spreadsheet"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "'upload.bin' is not a CSV or XLSX spreadsheet"),
    "web page": (
        b"<html><table><tr><td>email</td></tr></table></html>",
        "'upload.bin' is a web page or XML file",
    ),
    "zip of other files": (
        _zip({"learners.txt": b"email\nana@example.org\n"}),
        "'upload.bin' is a ZIP archive, not an Excel workbook",
    ),
    "opendocument": (
        _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        "'upload.bin' is an OpenDocument spreadsheet (.ods)",
    ),
    "truncated zip": (b"PK\x03\x04" + bytes(40), "'upload.bin' is a damaged ZIP or Excel file"),
    "damaged workbook": (_damaged_workbook(), "'upload.bin' looks like an Excel workbook but"),
    "empty workbook": (xlsx_bytes([]), "the first sheet of the workbook is empty"),
    "no email column": (
        b"name,country\nAna,MX\n",
        "no email column in the first rows: the first row should name the columns",
    ),
    "header only": (b"name,email\r\n", "no learners below the header"),
}


@pytest.mark.parametrize("case", FILE_PROBLEMS)
def test_file_problems_block_the_import(case: str) -> None:
    data, message = FILE_PROBLEMS[case]
    roster = read_roster(data, "upload.bin")
    assert roster.blocked
    assert roster.rows == ()
    assert roster.importable == ()
    (problem,) = roster.problems
    assert problem.message.startswith(message)
    assert problem.line == (1 if case == "header only" else WHOLE_FILE)


def test_the_workbook_the_damage_test_starts_from_is_sound() -> None:
    data = xlsx_bytes([["name", "email"], ["Ana", "a@b.org"]])
    assert load_workbook(io.BytesIO(data)).active["B2"].value == "a@b.org"
    assert only_row(read_roster(data, "list.xlsx")).email == "a@b.org"


def test_too_many_rows_says_the_limit() -> None:
    table = [["name", "email"], *[[f"L {n}", f"l{n}@example.org"] for n in range(4)], ["", ""]]
    assert len(read_csv(table[:-2]).rows) == 3
    roster = read_roster(csv_bytes(table), "list.csv", limit=3)
    assert roster.blocked and roster.rows == ()
    (problem,) = roster.problems
    assert (problem.line, problem.message) == (
        5,
        "the list has more than 3 learners: split it into files of at most 3 rows",
    )


def test_the_default_limit_is_5000_rows() -> None:
    header = "name,email\n"
    at_limit = header + "".join(f"L,l{n}@example.org\n" for n in range(DEFAULT_LIMIT))
    assert len(read_roster(at_limit.encode(), "list.csv").rows) == DEFAULT_LIMIT
    over = read_roster((at_limit + "M,m@example.org\n").encode(), "list.csv")
    assert over.problems[0].message.startswith("the list has more than 5,000 learners")
