"""The media files a course may hold: one allow-list, recognised by content, never by name.

`lms check`, the pages that serve media and the editor's upload all use this list. A file is
what its first bytes say it is; a name only has to agree. SVG is not on the list: a drawing can
carry scripts, and served from the platform's origin it would run with a learner's session.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# How many leading bytes `media_type` reads.
SNIFF_BYTES = 16


@dataclass(frozen=True)
class MediaType:
    """One accepted kind of media file: how it is recognised, named and served."""

    name: str  # as messages call it
    mimetype: str
    extensions: tuple[str, ...]  # the first is the one generated names get
    pillow_formats: tuple[str, ...]  # Pillow's names of the formats that decode it
    inline: bool  # shown in the page (image, audio, video) rather than downloaded
    signature: Callable[[bytes], bool]

    @property
    def extension(self) -> str:
        """The extension given to files of this type."""
        return self.extensions[0]


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


MEDIA_TYPES: tuple[MediaType, ...] = (
    MediaType(
        "PNG", "image/png", ("png",), ("PNG",), True, lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")
    ),
    # MPO is the JPEG variant many phone cameras write (a photo plus a preview).
    MediaType(
        "JPEG",
        "image/jpeg",
        ("jpg", "jpeg"),
        ("JPEG", "MPO"),
        True,
        lambda h: h.startswith(b"\xff\xd8\xff"),
    ),
    MediaType(
        "GIF", "image/gif", ("gif",), ("GIF",), True, lambda h: h.startswith((b"GIF87a", b"GIF89a"))
    ),
    MediaType("WebP", "image/webp", ("webp",), ("WEBP",), True, _riff(b"WEBP")),
)
ALLOWED_NAMES = ", ".join(t.name for t in MEDIA_TYPES)
# A sandbox for whatever a media response holds: nothing runs, nothing loads but itself.
MEDIA_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
# Markup that makes an image a web page as well (a polyglot): a GIF header followed by
# `<script>` passes the check of its first bytes. Served here it stays an image (typed, nosniff,
# sandboxed), but a copy served elsewhere, or saved and opened, would run as a page. Only long
# enough pieces are looked for that compressed pixels hold one by chance rarely (a 5 MB photo
# about once in 20,000); the XML of photo metadata (XMP) uses none of these names.
_MARKUP = re.compile(
    rb"<(?:script|html|body|iframe|object|embed|frameset|style|meta|form|!doctype)[\s/>]"
    rb"|<svg(?:[\s/]+\w+=|>)|<\?xml-stylesheet|javascript:",
    re.IGNORECASE,
)


def media_type(data: bytes) -> MediaType | None:
    """The accepted type `data` starts like, or None."""
    head = data[:SNIFF_BYTES]
    return next((kind for kind in MEDIA_TYPES if kind.signature(head)), None)


def media_headers(kind: MediaType, file_name: str) -> dict[str, str]:
    """The headers a media response needs besides its content type."""
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": MEDIA_CSP}
    if not kind.inline:
        safe = "".join(c for c in file_name if c.isalnum() or c in "._-") or "download"
        headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    return headers


def media_problem(name: str, data: bytes) -> str | None:
    """Why the media file `name` cannot be served, as `lms check` reports it; None if it can."""
    kind = media_type(data)
    base = name.rpartition("/")[2]
    extension = base.rpartition(".")[2].lower() if "." in base else ""
    if kind is None:
        return (
            f"not a media file the course serves: its content is {_looks_like(data)}, whatever "
            f"its name says. Media files must be {ALLOWED_NAMES}: export it in one of these "
            "formats or remove it from media/"
        )
    if extension not in kind.extensions:
        written = f"'.{extension}'" if extension else "no extension"
        return (
            f"holds a {kind.name} file but its name has {written}: rename it to end in "
            f".{kind.extension} so that every copy of the course serves it as {kind.name}"
        )
    markup = _MARKUP.search(data)
    if markup:
        found = markup[0].decode("ascii", "replace").strip()
        return (
            f"starts as a {kind.name} image but also holds web page markup ('{found}' at byte "
            f"{markup.start()}), so that it could run as a page: open the picture in an image "
            f"editor and export it again as {kind.name}"
        )
    return None


def servable_type(name: str, data: bytes) -> MediaType | None:
    """The type to serve media file `name` as; None for a file `lms check` refuses."""
    return media_type(data) if media_problem(name, data) is None else None


def _looks_like(data: bytes) -> str:
    """What a refused file seems to be, for the checker's message."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data:
        return "empty"
    if head.startswith(b"<") and b"<svg" in head:
        return "an SVG drawing (SVG can carry scripts, so the course does not serve it)"
    if head.startswith(b"<"):
        return "HTML or XML markup"
    if data.startswith(b"%PDF-"):
        return "a PDF document"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a ZIP archive"
    return "of an unknown type"
