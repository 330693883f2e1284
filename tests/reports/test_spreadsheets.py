"""CSV and XLSX exports: values survive a round trip, formulas never run, memory stays flat."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import tracemalloc
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest

from lms.reports.spreadsheets import (
    CHUNK_SIZE,
    SPOOL_MAX_SIZE,
    NaiveDatetime,
    content_disposition,
    csv_stream,
    neutralise,
    xlsx_stream,
)

HEADER = ["Id", "Nombre", "País", "Nota", "Enviado", "Respuesta"]
SENT = datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
ROWS: list[list[object]] = [
    [1, "José Núñez", "São Tomé", 87.5, SENT, "Conceição"],
    [2, "Inês Conceição", "Perú", 0.1 + 0.2, SENT + timedelta(minutes=1), 'coma, "comillas"\ny'],
    [3, "Zoë Ñandú", None, -2.5, None, "=1+1"],
]
INJECTIONS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")']


def read_csv(data: bytes) -> list[list[str]]:
    """Parse an exported CSV the way a reader of UTF-8 with BOM does."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export_csv(rows: Iterable[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    """Return the whole CSV export."""
    return b"".join(csv_stream(header, rows))


def read_xlsx(data: bytes) -> Any:
    """Return the only sheet of an exported workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def export_xlsx(
    rows: Iterable[Sequence[object]], header: Sequence[str] = HEADER, title: str = "Notas"
) -> bytes:
    """Return the whole XLSX export."""
    return b"".join(xlsx_stream(header, rows, sheet_title=title))


def csv_cell(value: object) -> str:
    """Return how one value comes back from a CSV export."""
    return read_csv(export_csv([[value]], header=["A"]))[1][0]


def xlsx_cell(value: object) -> Any:
    """Return the cell one value becomes in an XLSX export."""
    return read_xlsx(export_xlsx([[value]], header=["A"]))["A2"]


# neutralise


@pytest.mark.parametrize("text", [*INJECTIONS, "\0=x"])
def test_formula_triggers_get_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["José Núñez", "", "a=b", "1+1", "'=1+1", " =1", "São Tomé"])
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [-2.5, -3, 0, Decimal("-1.5"), None, SENT, date(2026, 3, 1)])
def test_non_text_is_unchanged(value: object) -> None:
    result = neutralise(value)
    assert result is value


@pytest.mark.parametrize("text", INJECTIONS)
def test_neutralise_is_idempotent(text: str) -> None:
    once = neutralise(text)
    assert neutralise(once) == once


# CSV


def test_csv_round_trip_keeps_accents_and_values() -> None:
    parsed = read_csv(export_csv(ROWS))
    assert parsed == [
        HEADER,
        ["1", "José Núñez", "São Tomé", "87.5", "2026-03-01 14:05:00", "Conceição"],
        ["2", "Inês Conceição", "Perú", "0.3", "2026-03-01 14:06:00", 'coma, "comillas"\ny'],
        ["3", "Zoë Ñandú", "", "-2.5", "", "'=1+1"],
    ]


def test_csv_starts_with_bom_and_ends_lines_with_crlf() -> None:
    data = export_csv(ROWS[:1])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        "Id,Nombre,País,Nota,Enviado,Respuesta\r\n"
        "1,José Núñez,São Tomé,87.5,2026-03-01 14:05:00,Conceição\r\n"
    )


def test_csv_quotes_only_cells_that_need_it() -> None:
    data = export_csv([["a,b", 'say "hi"', "two\nlines", "plain"]], header=["A", "B", "C", "D"])
    assert data.decode("utf-8-sig").splitlines()[1:] == ['"a,b","say ""hi""","two', 'lines",plain']


@pytest.mark.parametrize("text", INJECTIONS)
def test_csv_neutralises_formulas(text: str) -> None:
    assert csv_cell(text) == "'" + text


def test_csv_neutralises_the_header() -> None:
    assert read_csv(export_csv([], header=["=cmd", "Nombre"]))[0] == ["'=cmd", "Nombre"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (42, "42"),
        (-3, "-3"),
        (-2.5, "-2.5"),
        (87.5, "87.5"),
        (0.1 + 0.2, "0.3"),
        (2 / 3, "0.6667"),
        (Decimal("87.50"), "87.5"),
        (float("nan"), ""),
        (float("inf"), ""),
        (True, "True"),
        (SENT, "2026-03-01 14:05:00"),
        (SENT.replace(microsecond=999_999), "2026-03-01 14:05:00"),
        (SENT.astimezone(timezone(timedelta(hours=-3))), "2026-03-01 14:05:00"),
        (date(2026, 3, 1), "2026-03-01"),
    ],
)
def test_csv_cell_text(value: object, text: str) -> None:
    assert csv_cell(value) == text


def test_csv_negative_number_is_written_bare() -> None:
    line = export_csv([[-2.5, "-2.5"]], header=["Número", "Texto"]).decode("utf-8-sig")
    assert line.splitlines()[1] == "-2.5,'-2.5"


def test_csv_header_only_when_there_are_no_rows() -> None:
    assert read_csv(export_csv([])) == [HEADER]


def test_csv_refuses_naive_datetime_and_names_the_cell() -> None:
    rows = [ROWS[0], [4, "Ana", "Chile", 70.0, datetime(2026, 3, 1, 14, 5), ""]]
    with pytest.raises(NaiveDatetime, match=r"row 2, column 'Enviado': 2026-03-01T14:05:00"):
        export_csv(rows)


def test_csv_streams_in_chunks_while_reading_rows() -> None:
    consumed = 0

    def rows() -> Iterator[list[object]]:
        nonlocal consumed
        for consumed in range(1, 20_001):
            yield [consumed, "José Núñez", "Conceição", SENT]

    chunks = csv_stream(["Id", "Nombre", "Respuesta", "Enviado"], rows())
    first = next(chunks)
    assert CHUNK_SIZE <= len(first) < 2 * CHUNK_SIZE
    assert consumed < 20_000, "the first chunk came only after every row was read"
    rest = list(chunks)
    assert consumed == 20_000
    assert all(len(chunk) < 2 * CHUNK_SIZE for chunk in rest)
    assert len(read_csv(first + b"".join(rest))) == 20_001


# XLSX


def test_xlsx_round_trip_keeps_accents_and_types() -> None:
    sheet = read_xlsx(export_xlsx(ROWS))
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADER,
        [1, "José Núñez", "São Tomé", 87.5, datetime(2026, 3, 1, 14, 5), "Conceição"],
        [2, "Inês Conceição", "Perú", 0.3, datetime(2026, 3, 1, 14, 6), 'coma, "comillas"\ny'],
        [3, "Zoë Ñandú", None, -2.5, None, "'=1+1"],
    ]
    assert sheet["D4"].data_type == "n" and sheet["E2"].is_date


@pytest.mark.parametrize("text", INJECTIONS)
def test_xlsx_stores_formulas_as_text(text: str) -> None:
    cell = xlsx_cell(text)
    assert cell.data_type == "s"
    assert cell.value == "'" + text


def test_xlsx_has_no_formula_cells() -> None:
    sheet = read_xlsx(export_xlsx([INJECTIONS], header=INJECTIONS))
    types = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert types == {"s"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-2.5, -2.5),
        (-3, -3),
        (0.1 + 0.2, 0.3),
        (2 / 3, 0.6667),
        (Decimal("87.50"), 87.5),
        (float("nan"), None),
        (True, True),
        (None, None),
        (SENT.replace(microsecond=999_999), datetime(2026, 3, 1, 14, 5)),
        (SENT.astimezone(timezone(timedelta(hours=-3))), datetime(2026, 3, 1, 14, 5)),
        (date(2026, 3, 1), datetime(2026, 3, 1)),
    ],
)
def test_xlsx_cell_value(value: object, expected: object) -> None:
    cell = xlsx_cell(value)
    assert cell.value == expected
    assert type(cell.value) is type(expected)


def test_xlsx_dates_are_date_cells() -> None:
    assert xlsx_cell(SENT).is_date
    assert xlsx_cell(date(2026, 3, 1)).is_date


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("a\x00b\x0bc\x1fd", "abcd"),
        ("línea\ttab\nnueva\r", "línea\ttab\nnueva\r"),
        ("no\ufffecharacter\uffff", "nocharacter"),
        ("\x01=cmd", "'=cmd"),
    ],
)
def test_xlsx_removes_characters_xml_cannot_hold(text: str, kept: str) -> None:
    assert xlsx_cell(text).value == kept


def test_xlsx_header_is_bold_frozen_and_sized() -> None:
    sheet = read_xlsx(export_xlsx([[1, "Ana", "x"]], header=["Id", "Nombre y apellido", "=x"]))
    assert sheet.freeze_panes == "A2"
    assert [cell.font.b for cell in sheet[1]] == [True, True, True]
    assert not any(cell.font.b for cell in sheet[2])
    assert sheet["C1"].value == "'=x"
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths == [10, len("Nombre y apellido") + 2, 10]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Cohorte Mar del Plata", "Cohorte Mar del Plata"),
        ("Cohorte 2026/1: [A]?", "Cohorte 2026-1- -A--"),
        ("Conceição – respostas de março de 2026", "Conceição – respostas de março"),
        ("'Notas'", "Notas"),
        ("", "Sheet1"),
        ("\x00", "Sheet1"),
    ],
)
def test_xlsx_sheet_title_is_one_excel_accepts(title: str, name: str) -> None:
    assert read_xlsx(export_xlsx([], title=title)).title == name


def test_xlsx_header_only_when_there_are_no_rows() -> None:
    sheet = read_xlsx(export_xlsx([]))
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [HEADER]


def test_xlsx_comes_in_chunks() -> None:
    chunks = list(
        xlsx_stream(["Id", "Nombre"], ([n, f"José {n}"] for n in range(5_000)), sheet_title="Notas")
    )
    assert len(chunks) > 1
    assert all(len(chunk) <= CHUNK_SIZE for chunk in chunks)
    assert read_xlsx(b"".join(chunks)).max_row == 5_001


def test_xlsx_refuses_naive_datetime_and_names_the_cell() -> None:
    with pytest.raises(NaiveDatetime, match=r"row 1, column 'Enviado'"):
        export_xlsx([[1, "Ana", "Chile", 70.0, datetime(2026, 3, 1, 14, 5), ""]])


def test_xlsx_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def failing() -> Iterator[list[object]]:
        yield ROWS[0]
        raise RuntimeError("database went away")

    export_xlsx(ROWS)
    with pytest.raises(RuntimeError, match="database went away"):
        export_xlsx(failing())
    with pytest.raises(NaiveDatetime):
        export_xlsx([[1, "Ana", "Chile", 70.0, datetime(2026, 3, 1), ""]])
    assert list(tmp_path.iterdir()) == []


# content_disposition


@pytest.mark.parametrize(
    ("filename", "value"),
    [
        ("notas.csv", 'attachment; filename="notas.csv"'),
        (
            "Cohorte Mar del Plata – 2026.xlsx",
            'attachment; filename="Cohorte Mar del Plata - 2026.xlsx"; '
            "filename*=UTF-8''Cohorte%20Mar%20del%20Plata%20%E2%80%93%202026.xlsx",
        ),
        (
            "Conceição São Tomé.csv",
            'attachment; filename="Conceicao Sao Tome.csv"; '
            "filename*=UTF-8''Concei%C3%A7%C3%A3o%20S%C3%A3o%20Tom%C3%A9.csv",
        ),
        (
            'Notas "finales" 100%.csv',
            'attachment; filename="Notas _finales_ 100_.csv"; '
            "filename*=UTF-8''Notas%20%22finales%22%20100%25.csv",
        ),
        ("Grupo A/B\\C.csv", 'attachment; filename="Grupo A-B-C.csv"'),
        ("notas\r\nSet-Cookie: x.csv", 'attachment; filename="notasSet-Cookie: x.csv"'),
    ],
)
def test_content_disposition(filename: str, value: str) -> None:
    assert content_disposition(filename) == value


@pytest.mark.parametrize(
    "filename", ["Cohorte Mar del Plata – 2026.xlsx", "José Núñez.csv", "Straße «B» ½.xlsx"]
)
def test_content_disposition_is_ascii_and_decodes_to_the_name(filename: str) -> None:
    value = content_disposition(filename)
    assert value.isascii()
    fallback = re.search(r'filename="([^"]*)"', value)
    encoded = re.search(r"filename\*=UTF-8''(\S+)$", value)
    assert fallback and encoded
    assert unquote(encoded.group(1), encoding="utf-8", errors="strict") == filename
    assert all(" " <= c <= "~" for c in fallback.group(1))


@pytest.mark.parametrize("filename", ["", "   ", "\r\n"])
def test_content_disposition_needs_a_name(filename: str) -> None:
    with pytest.raises(ValueError, match="non-empty filename"):
        content_disposition(filename)


# Memory: peak allocation must not follow the number of rows.


def many_rows(count: int) -> Iterator[list[object]]:
    """Yield distinct rows, as a responses export of a large cohort would."""
    for number in range(count):
        sent = SENT + timedelta(seconds=number)
        yield [number, f"José Núñez {number}", 70 + number % 300 / 10, sent]


def peak_memory(chunks: Iterator[bytes]) -> tuple[int, int]:
    """Return the peak bytes allocated while draining chunks, and the bytes they held."""
    size = 0
    tracemalloc.start()
    try:
        for chunk in chunks:
            size += len(chunk)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


MEMORY_HEADER = ["Id", "Nombre", "Nota", "Enviado"]


def test_csv_memory_does_not_grow_with_rows() -> None:
    small, _ = peak_memory(csv_stream(MEMORY_HEADER, many_rows(5_000)))
    large, size = peak_memory(csv_stream(MEMORY_HEADER, many_rows(50_000)))
    assert size > 30 * CHUNK_SIZE
    assert large < 2 * small, f"peak {small} bytes for 5,000 rows, {large} for 50,000"


def test_xlsx_memory_does_not_grow_with_rows() -> None:
    # The finished file sits in memory up to SPOOL_MAX_SIZE (then on disk); whatever else the
    # export holds must stay the same size for ten times the rows. Fewer rows than the CSV
    # test: openpyxl makes many small allocations and runs about five times slower traced.
    small, small_size = peak_memory(xlsx_stream(MEMORY_HEADER, many_rows(2_000), sheet_title="N"))
    large, large_size = peak_memory(xlsx_stream(MEMORY_HEADER, many_rows(20_000), sheet_title="N"))
    assert large_size > 8 * small_size
    small_rest = small - min(small_size, SPOOL_MAX_SIZE)
    large_rest = large - min(large_size, SPOOL_MAX_SIZE)
    assert large_rest < 2 * small_rest, (
        f"peak {small} bytes for 2,000 rows ({small_size} of file), "
        f"{large} for 20,000 ({large_size} of file)"
    )
