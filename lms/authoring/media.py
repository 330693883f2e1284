"""Uploaded images: type from content, size limits, re-encoding without metadata, safe names.

Only PNG, JPEG, GIF and WebP are accepted. Other formats Pillow can read (BMP, TIFF, ICO...) are
refused with a message naming the accepted ones rather than converted: a conversion would have
to guess at pages, layers and colour spaces that the instructor settles better in an editor.
Animated GIF, WebP and PNG keep every frame, their timing and their loop count.

Refusals are written in the interface language of the request that uploads the image, and in
English outside a request.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import math
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

from lms.authoring.paths import MEDIA_TYPES
from lms.content.media import MEDIA_TYPES as ALLOWED
from lms.content.media import media_problem, media_type
from lms.i18n import gettext as _
from lms.i18n import ngettext

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Decoded pixels, every frame of an animation counted; 40 megapixels take 160 MB as RGBA.
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 85
SLUG_LENGTH = 40

# Pillow's name of each accepted format -> (stored extension, name in messages), from the
# course's one allow-list. Of an MPO (a phone camera's JPEG with a preview) only the photo is kept.
_FORMATS = {fmt: (kind.extension, kind.name) for kind in ALLOWED for fmt in kind.pillow_formats}
_ANIMATED = {"PNG", "GIF", "WEBP"}
_PNG_MODES = {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}
# The table of ImageOps.exif_transpose, kept here so that every frame turns alike.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Errors Pillow's decoders raise on damaged data.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)
_BOMB_ERRORS = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_HTML = re.compile(rb"<(!doctype html|html|head|body|script|meta|div|p|a|table|form)[\s>]")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class MediaRejected(Exception):
    """An upload that cannot become a course image; its text tells the instructor what to do."""


class ImageTooLarge(MediaRejected):
    """Too many bytes or too many pixels."""


class NotAnImage(MediaRejected):
    """Empty, damaged, or something other than an image whatever its name says."""


class UnsupportedImage(MediaRejected):
    """An image in a format the course does not serve (SVG, HEIC, BMP, TIFF...)."""


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image ready to store: its bytes, extension, size and content type."""

    data: bytes
    extension: str
    width: int
    height: int
    mimetype: str


def clean_image(data: bytes, filename: str, *, max_bytes: int) -> CleanImage:
    """Check an uploaded image and re-encode it upright, in sRGB and without metadata."""
    called = _called(filename)
    if not data:
        raise NotAnImage(
            _("%(file)s is empty. Choose the image file again and upload it.", file=called)
        )
    if len(data) > max_bytes:
        raise ImageTooLarge(
            _(
                "%(file)s is %(size)s; images can be at most %(limit)s. Export it smaller "
                "(fewer pixels or stronger compression) and upload it again.",
                file=called,
                size=_amount(len(data), up=True),
                limit=_amount(max_bytes, up=False),
            )
        )
    try:
        # Only the accepted decoders ever read the data; other formats are named further on.
        image = Image.open(io.BytesIO(data), formats=[k.pillow_formats[0] for k in ALLOWED])
    except _BOMB_ERRORS as error:
        # Pillow's own limits lie far above MAX_PIXELS; its warning arrives here only where
        # warnings are made errors, and is caught so that it never passes for damage.
        raise _too_many_pixels(called, None) from error
    except UnidentifiedImageError as error:
        raise _not_accepted(called, data) from error
    with image:
        fmt = str(image.format)
        frames, durations = _decode(image, fmt, called)
    extension = _FORMATS[fmt][0]
    first = frames[0]
    orientation = first.getexif().get(ExifTags.Base.Orientation)
    turn = _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    # A GIF's first frame is a palette image and the others are not: leave its colours alone.
    icc = None if fmt == "GIF" else first.info.get("icc_profile")
    loop = first.info.get("loop")
    frames = [_bare(_to_srgb(frame, icc), turn) for frame in frames]
    # A lossless WebP (a "VP8L" image chunk) holds drawings and screenshots: keep it exact.
    out = _encode(frames, durations, extension, loop, lossless=b"VP8L" in data)
    stored = media_type(out)
    # What is stored must pass the same check as serving and `lms check` (markup included:
    # re-encoding keeps pixels only, so this holds unless the pixels themselves spell it).
    if stored is None or media_problem(f"image.{extension}", out) is not None:
        raise NotAnImage(_damaged(called, _FORMATS[fmt][1]))
    return CleanImage(out, extension, frames[0].width, frames[0].height, stored.mimetype)


def media_name(original_filename: str, extension: str, data: bytes) -> str:
    """The stored name: a slug of the original name, a hash of the content and the extension."""
    if extension not in MEDIA_TYPES:
        raise ValueError(f"'{extension}' is not an image extension ({', '.join(MEDIA_TYPES)})")
    stem, dot, last = _base_name(original_filename).rpartition(".")
    # casefold turns "ß" into "ss" before NFKD splits accents off their letters.
    folded = unicodedata.normalize("NFKD", (stem if dot else last).casefold())
    ascii_only = folded.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:SLUG_LENGTH].strip("-")
    return f"{slug or 'image'}-{hashlib.sha256(data).hexdigest()[:8]}.{extension}"


def _decode(image: Image.Image, fmt: str, called: str) -> tuple[list[Image.Image], list[int]]:
    """Every frame kept (a copy each) and its duration, within the pixel limit."""
    frames: list[Image.Image] = []
    durations: list[int] = []
    decoded = 0
    try:
        count = getattr(image, "n_frames", 1) if fmt in _ANIMATED else 1
        # Checked before any pixel is decoded: the header alone can claim gigapixels.
        if image.width * image.height * count > MAX_PIXELS:
            raise _too_many_pixels(called, image.size, count)
        for index in range(count):
            image.seek(index)
            image.load()
            # A GIF frame may widen the canvas, and an animation may hold more frames than it
            # declared; count what is decoded as well.
            decoded += image.width * image.height
            if decoded > MAX_PIXELS:
                raise _too_many_pixels(called, image.size, count)
            frames.append(image.copy())
            durations.append(round(image.info.get("duration", 0)))
    except _BOMB_ERRORS as error:
        raise _too_many_pixels(called, None) from error
    except _DECODE_ERRORS as error:
        raise NotAnImage(_damaged(called, _FORMATS[fmt][1])) from error
    return frames, durations


def _to_srgb(frame: Image.Image, icc: bytes | None) -> Image.Image:
    """The frame with its colours moved from its embedded profile to sRGB, so the profile can go."""
    if not icc or frame.mode not in ("RGB", "RGBA", "CMYK"):
        return frame
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if frame.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(frame, source, _srgb(), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return frame  # a broken profile is dropped and the colours stay as stored
    return converted if converted is not None else frame


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    """The sRGB profile, built on first use."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _bare(frame: Image.Image, turn: Image.Transpose | None) -> Image.Image:
    """The frame turned upright, keeping of the file's information only its transparency."""
    if turn is not None:
        frame = frame.transpose(turn)
    # The encoders write comments, profiles and EXIF found here; only pixels may go through.
    frame.info = {key: value for key, value in frame.info.items() if key == "transparency"}
    return frame


def _encode(
    frames: list[Image.Image], durations: list[int], extension: str, loop: Any, *, lossless: bool
) -> bytes:
    """The frames written afresh in the format they came in."""
    out = io.BytesIO()
    first = frames[0]
    options: dict[str, Any] = {}
    if len(frames) > 1:
        options = {"save_all": True, "append_images": frames[1:], "duration": durations}
        if loop is not None:  # no loop count means "play once"
            options["loop"] = loop
    if extension == "jpg":
        # JPEG holds grey or RGB; a CMYK photo is turned into RGB.
        first = first if first.mode in ("L", "RGB") else first.convert("RGB")
        first.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif extension == "png":
        first = first if first.mode in _PNG_MODES else first.convert("RGBA")
        first.save(out, "PNG", optimize=True, **options)
    elif extension == "gif":
        if len(frames) > 1:
            # Each frame is the whole picture as shown, so it must replace the one before:
            # where it is transparent, the earlier frame must not show through.
            options["disposal"] = 2
        first.save(out, "GIF", **options)
    else:
        quality: dict[str, Any] = {"lossless": True} if lossless else {"quality": JPEG_QUALITY}
        first.save(out, "WEBP", **options, **quality)
    return out.getvalue()


def _not_accepted(called: str, data: bytes) -> MediaRejected:
    """The refusal for data none of the accepted decoders recognised."""
    head = data[:4096]
    markup = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if markup.startswith(b"<") and b"<svg" in markup:
        return UnsupportedImage(
            _(
                "%(file)s is an SVG drawing. SVG files can carry scripts, so the course does not "
                "take them: export the drawing as PNG and upload that.",
                file=called,
            )
        )
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return UnsupportedImage(
            _(
                "%(file)s is a HEIC photo, the format iPhones save by default. Export it as JPEG "
                "and upload that.",
                file=called,
            )
        )
    damaged = _damaged_format(head)
    if damaged:
        return NotAnImage(_damaged(called, damaged))
    looks = _looks_like(head, markup)
    other = None if looks else _other_format(data)
    if other:
        return UnsupportedImage(
            _(
                "%(file)s is a %(format)s image; the course takes PNG, JPEG, GIF or WebP only. "
                "Save it as PNG (or JPEG for a photo) and upload that.",
                file=called,
                format=other,
            )
        )
    if looks:
        return NotAnImage(
            _(
                "%(file)s is not an image (PNG, JPEG, GIF or WebP) whatever its name says; it "
                "looks like %(kind)s. Export the picture as PNG or JPEG and upload that.",
                file=called,
                kind=looks,
            )
        )
    return NotAnImage(
        _(
            "%(file)s is not an image (PNG, JPEG, GIF or WebP) whatever its name says. Export "
            "the picture as PNG or JPEG and upload that.",
            file=called,
        )
    )


def _damaged_format(head: bytes) -> str | None:
    """The accepted format whose signature the data starts with, if any."""
    kind = media_type(head)
    return kind.name if kind else None


def _looks_like(head: bytes, markup: bytes) -> str | None:
    """What a file that is not an image seems to be, for the message."""
    if head.startswith(b"%PDF-"):
        return _("a PDF document")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _("a ZIP archive (Word, PowerPoint and other office files are ZIP archives)")
    if markup.startswith(b"<") and _HTML.search(markup):
        return _("a web page (HTML)")
    if markup.startswith(b"<?xml"):
        return _("an XML document")
    try:
        # Incremental, so that a character cut at the end of `head` is no error.
        text = codecs.getincrementaldecoder("utf-8")().decode(head)
    except UnicodeDecodeError:
        return None
    if all(c.isprintable() or c in "\t\n\r\f" for c in text):
        return _("a text file")
    return None


def _other_format(data: bytes) -> str | None:
    """The name of an image format the course does not take, if Pillow knows the data."""
    try:
        # Opening reads the header only: nothing of these formats is decoded.
        with Image.open(io.BytesIO(data)) as other:
            return str(other.format)
    except (*_DECODE_ERRORS, *_BOMB_ERRORS):
        return None


def _too_many_pixels(called: str, size: tuple[int, int] | None, frames: int = 1) -> ImageTooLarge:
    """The refusal for an image over MAX_PIXELS, with its size when known."""
    limit = _decimal(MAX_PIXELS / 1e6, up=False)
    if size is None:
        return ImageTooLarge(
            _(
                "%(file)s has far more than %(limit)s megapixels. Export it at a smaller size "
                "and upload it again.",
                file=called,
                limit=limit,
            )
        )
    width, height = size
    details = {
        "file": called,
        "width": width,
        "height": height,
        "megapixels": _decimal(width * height * frames / 1e6, up=True),
        "limit": limit,
    }
    if frames == 1:
        return ImageTooLarge(
            _(
                "%(file)s is %(width)s × %(height)s pixels (%(megapixels)s megapixels); images "
                "can have at most %(limit)s megapixels. Export it at a smaller size and upload "
                "it again.",
                **details,
            )
        )
    # Only animations get here; the singular is there for languages that use it above one.
    return ImageTooLarge(
        ngettext(
            "%(file)s is %(width)s × %(height)s pixels in %(num)s frame (%(megapixels)s "
            "megapixels); images can have at most %(limit)s megapixels. Export it at a smaller "
            "size and upload it again.",
            "%(file)s is %(width)s × %(height)s pixels in each of %(num)s frames "
            "(%(megapixels)s megapixels); images can have at most %(limit)s megapixels. Export "
            "it at a smaller size and upload it again.",
            frames,
            **details,
        )
    )


def _damaged(called: str, fmt: str) -> str:
    """The message for a file that starts like an image but cannot be read to its end."""
    return _(
        "%(file)s looks like a %(format)s image but is damaged or incomplete. Open it in an "
        "image editor, save it again and upload the new file.",
        file=called,
        format=fmt,
    )


def _called(filename: str) -> str:
    """How messages name the upload: its base name in quotes, or "The file"."""
    name = "".join(c for c in _base_name(filename) if c.isprintable()).strip()
    if not name:
        return _("The file")
    return f"“{name[:60]}…”" if len(name) > 60 else f"“{name}”"


def _base_name(filename: str) -> str:
    """The last part of a name some browsers send with its folders."""
    return re.split(r"[/\\]", filename)[-1]


def _amount(size: int, *, up: bool) -> str:
    """A number of bytes in MB, or in kB below one MB."""
    if size >= 2**20:
        return f"{_decimal(size / 2**20, up=up)} MB"
    return f"{_decimal(size / 2**10, up=up)} kB"


def _decimal(value: float, *, up: bool) -> str:
    """`value` to one decimal, rounded up or down so that a limit is never misstated."""
    tenths = math.ceil(value * 10) if up else math.floor(value * 10)
    return f"{tenths / 10:.1f}".removesuffix(".0")
