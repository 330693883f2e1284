"""A learner's certificate as a one-page PDF, with a QR code of its verification address."""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib.resources import as_file, files
from typing import TYPE_CHECKING

from babel.dates import format_date

if TYPE_CHECKING:
    from fpdf import FPDF

# fpdf2, Pillow under it, and segno (about 40 MB together) are imported by the first certificate
# drawn, in the functions below, rather than by every server process at start.

LANGUAGES: tuple[str, ...] = ("es", "en", "pt")

# DejaVu Serif covers Latin with every diacritic (Vietnamese included), Greek and Cyrillic:
# the PDF core fonts stop at Latin-1 and would drop letters such as Ł, ő or ễ from names.
FONT = "DejaVuSerif"
FONT_FILES = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf"}
_FONTS = files("lms") / "static" / "fonts"

# A4 landscape, in millimetres.
PAGE_WIDTH, PAGE_HEIGHT = 297.0, 210.0
TEXT_WIDTH = 230.0  # centred lines never come closer than this to the frame
QR_SIZE = 38.0
QR_RIGHT = 32.0  # from the right edge of the page to the right edge of the QR code
QR_TOP = 136.0
FOOT_LEFT = 32.0  # the date and code block, bottom left
POINT = 25.4 / 72  # millimetres in a typographic point

NAVY = (31, 58, 95)
GOLD = (176, 141, 87)
INK = (33, 33, 33)
GREY = (96, 96, 96)


class CertificateFactsInvalid(ValueError):
    """The facts cannot make a certificate; the message says which one and why."""


class UnprintableCharacters(CertificateFactsInvalid):
    """A fact has characters the certificate's font does not have: they would print as gaps."""

    def __init__(self, field: str, characters: str) -> None:
        listed = ", ".join(characters)
        super().__init__(
            f"the certificate's {field} has characters its font cannot print ({listed}); "
            "write it with Latin, Greek or Cyrillic letters"
        )
        self.field = field
        self.characters = characters


@dataclass(frozen=True)
class CertificateLabels:
    """The certificate's fixed words, already translated into its language."""

    title: str  # "Certificate of completion"
    certifies: str  # "This certifies that"
    completed: str  # "completed the online pre-course modules of the"
    issued_on: str  # "Issued on"
    code: str  # "Verification code"
    verify_at: str  # "Anyone can check it at"


@dataclass(frozen=True)
class CertificateFacts:
    """Everything printed on one learner's certificate."""

    name: str
    course_title: str
    completed_on: date
    code: str
    verify_url: str
    language: str
    labels: CertificateLabels

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise CertificateFactsInvalid(
                f"language {self.language!r} has no certificate; use one of {', '.join(LANGUAGES)}"
            )
        for name in ("name", "course_title", "code", "verify_url"):
            if not getattr(self, name).strip():
                raise CertificateFactsInvalid(f"the certificate's {name} is empty; give one")


def render_certificate_pdf(facts: CertificateFacts) -> bytes:
    """Lay out the certificate on one A4 landscape page and return the PDF's bytes."""
    pdf = _new_document(facts)
    _check_printable(pdf, facts)
    _frame(pdf)
    _body(pdf, facts)
    _footer(pdf, facts)
    _seal(pdf, facts.completed_on.year)
    _qr_code(pdf, facts)
    return bytes(pdf.output())


def _check_printable(pdf: FPDF, facts: CertificateFacts) -> None:
    """Refuse facts that would print with gaps, naming the first such fact."""
    from fpdf.fonts import TTFFont

    # What both weights can draw: the name is bold, the labels regular, the title both.
    drawn = [set(font.cmap) for font in pdf.fonts.values() if isinstance(font, TTFFont)]
    printable = set.intersection(*drawn)
    texts = {name: getattr(facts, name) for name in ("name", "course_title", "code", "verify_url")}
    texts.update({f"label {name}": value for name, value in vars(facts.labels).items()})
    for field, text in texts.items():
        missing = "".join(dict.fromkeys(c for c in _text(text) if ord(c) not in printable))
        if missing:
            raise UnprintableCharacters(field, missing)


def _new_document(facts: CertificateFacts) -> FPDF:
    """An empty page with the fonts and the metadata; dated by completion for identical bytes."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)  # one page, whatever the lengths: lines shrink instead
    pdf.set_margins(0, 0, 0)
    for style, filename in FONT_FILES.items():
        with as_file(_FONTS / filename) as path:
            pdf.add_font(FONT, style, path)
    pdf.set_creation_date(datetime.combine(facts.completed_on, time(), tzinfo=UTC))
    pdf.set_lang(facts.language)
    pdf.set_title(_text(f"{facts.labels.title}: {facts.name}"))
    pdf.set_subject(_text(facts.course_title))
    pdf.set_keywords(_text(facts.code))
    pdf.add_page()
    return pdf


def _frame(pdf: FPDF) -> None:
    """A navy outer border, a gold inner one and small gold diamonds in its corners."""
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, PAGE_WIDTH - 16, PAGE_HEIGHT - 16)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.5)
    pdf.rect(12, 12, PAGE_WIDTH - 24, PAGE_HEIGHT - 24)
    pdf.set_fill_color(*GOLD)
    for x in (12, PAGE_WIDTH - 12):
        for y in (12, PAGE_HEIGHT - 12):
            pdf.polygon([(x, y - 2.5), (x + 2.5, y), (x, y + 2.5), (x - 2.5, y)], style="F")


def _body(pdf: FPDF, facts: CertificateFacts) -> None:
    """The course, the title, and who completed what, centred."""
    labels = facts.labels
    pdf.set_char_spacing(1.2)  # spaced capitals, as engraved
    _centred(pdf, 30, facts.course_title.upper(), 11, "", NAVY)
    pdf.set_char_spacing(0)
    _centred(pdf, 43, labels.title, 34, "B", NAVY)
    _rule(pdf, 64, 70, GOLD, 0.6)
    _centred(pdf, 75, labels.certifies, 14, "", GREY)
    _centred(pdf, 88, facts.name, 30, "B", INK)
    _rule(pdf, 105, 150, GREY, 0.2)
    _centred(pdf, 111, labels.completed, 14, "", GREY)
    _centred(pdf, 121, facts.course_title, 18, "B", NAVY)


def _footer(pdf: FPDF, facts: CertificateFacts) -> None:
    """Bottom left: the date of completion and the verification code."""
    when = format_date(facts.completed_on, format="long", locale=facts.language)
    width = PAGE_WIDTH - FOOT_LEFT - QR_RIGHT - QR_SIZE - 40
    for top, label, value in (
        (146, facts.labels.issued_on, when),
        (164, facts.labels.code, facts.code),
    ):
        _line(pdf, FOOT_LEFT, top, width, label, 10, "", GREY, "L")
        _line(pdf, FOOT_LEFT, top + 5, width, value, 14, "B", INK, "L")


def _seal(pdf: FPDF, year: int) -> None:
    """Bottom centre: a gold seal ringed with dots, bearing the year of completion."""
    x, y = PAGE_WIDTH / 2, 166.0
    pdf.set_draw_color(*GOLD)
    pdf.set_fill_color(*GOLD)
    pdf.set_line_width(0.8)
    _circle(pdf, x, y, 15, "D")
    pdf.set_line_width(0.3)
    _circle(pdf, x, y, 12, "D")
    for step in range(24):
        angle = math.tau * step / 24
        _circle(pdf, x + 13.5 * math.cos(angle), y + 13.5 * math.sin(angle), 0.45, "F")
    _line(pdf, x - 10, y - 3.2, 20, str(year), 13, "B", GOLD, "C")


def _qr_code(pdf: FPDF, facts: CertificateFacts) -> None:
    """Bottom right: a QR code of the verification address, with the address printed under it."""
    import segno
    from fpdf.enums import WrapMode

    png = io.BytesIO()
    segno.make_qr(facts.verify_url, error="m").save(png, kind="png", scale=8, border=1)
    left = PAGE_WIDTH - QR_RIGHT - QR_SIZE
    pdf.image(png, x=left, y=QR_TOP, w=QR_SIZE, h=QR_SIZE, alt_text=facts.verify_url)
    # The caption may be wider than the code; it stays centred under it and inside the frame.
    caption = 78.0
    x = min(left + QR_SIZE / 2 - caption / 2, PAGE_WIDTH - 16 - caption)
    _line(pdf, x, QR_TOP + QR_SIZE + 1, caption, facts.labels.verify_at, 8, "", GREY, "C")
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*NAVY)
    pdf.set_xy(x, QR_TOP + QR_SIZE + 5)
    # A long address wraps (inside a word if need be) rather than running off the page.
    pdf.multi_cell(caption, 3.4, _text(facts.verify_url), align="C", wrapmode=WrapMode.CHAR)


def _centred(
    pdf: FPDF, top: float, text: str, size: float, style: str, colour: tuple[int, int, int]
) -> None:
    """One line centred across the page."""
    _line(pdf, (PAGE_WIDTH - TEXT_WIDTH) / 2, top, TEXT_WIDTH, text, size, style, colour, "C")


def _line(
    pdf: FPDF,
    x: float,
    top: float,
    width: float,
    text: str,
    size: float,
    style: str,
    colour: tuple[int, int, int],
    align: str,
) -> None:
    """One line of text at `size` points, smaller if that is what it takes to fit `width`."""
    text = _text(text)
    pdf.set_font(FONT, style, size)
    natural = pdf.get_string_width(text)
    if natural > width:
        pdf.set_font_size(size * width / natural * 0.98)
    pdf.set_text_color(*colour)
    pdf.set_xy(x, top)
    # The cell keeps the height of the full size: a shrunk line stays centred in its slot.
    pdf.cell(width, size * POINT * 1.25, text, align=align)


def _rule(pdf: FPDF, top: float, length: float, colour: tuple[int, int, int], width: float) -> None:
    """A horizontal line centred across the page."""
    pdf.set_draw_color(*colour)
    pdf.set_line_width(width)
    pdf.line((PAGE_WIDTH - length) / 2, top, (PAGE_WIDTH + length) / 2, top)


def _circle(pdf: FPDF, x: float, y: float, radius: float, style: str) -> None:
    """A circle around (x, y): drawn ("D") or filled ("F")."""
    # ellipse() takes the corner of the bounding box in every fpdf2 release; circle() changed.
    pdf.ellipse(x - radius, y - radius, 2 * radius, 2 * radius, style=style)


def _text(value: str) -> str:
    """Composed characters on one line: decomposed accents would print beside their letters."""
    return " ".join(unicodedata.normalize("NFC", value).split())
