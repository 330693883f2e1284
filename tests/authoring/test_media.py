"""Uploaded images: detection by content, limits, metadata removal, orientation and names."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import warnings
import zlib
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from lms.authoring.media import (
    DEFAULT_MAX_BYTES,
    MAX_PIXELS,
    CleanImage,
    ImageTooLarge,
    MediaRejected,
    NotAnImage,
    UnsupportedImage,
    clean_image,
    media_name,
)
from lms.authoring.paths import check_media_path

MAKE = "AcmeCam-Secret-9000"
RED, BLUE = (220, 20, 20), (20, 20, 220)


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    """`image` saved in `fmt` with Pillow's save options."""
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def halves(width: int, height: int) -> Image.Image:
    """An RGB image red on its left half and blue on its right half."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def camera_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF as a phone writes it: camera make and model, GPS position, maybe an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = "Model-X"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (34.0, 36.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (58.0, 22.0, 54.0),
    }
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    return exif


def chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def black_png(width: int, height: int) -> bytes:
    """A valid 1-bit black PNG of any size, written row by row so that no image is allocated."""
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    packer = zlib.compressobj(9)
    rows_per_piece = 1000
    pieces = [
        packer.compress(row * min(rows_per_piece, height - start))
        for start in range(0, height, rows_per_piece)
    ]
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = b"".join(pieces) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def gif_of_dots(width: int, height: int, frames: int) -> bytes:
    """A GIF whose canvas is width x height and whose every frame paints one pixel."""
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0)
    # Image descriptor at (0, 0), 1x1, with a 2-colour local table; LZW: clear, 0, end.
    frame = (
        b","
        + struct.pack("<HHHHB", 0, 0, 1, 1, 0x80)
        + b"\0\0\0\xff\xff\xff"
        + b"\x02\x02\x44\x01\x00"
    )
    return screen + frame * frames + b";"


def noise(width: int, height: int) -> Image.Image:
    """An RGB image of random pixels, which compresses badly (so truncation hits pixel data)."""
    return Image.frombytes("RGB", (width, height), random.Random(7).randbytes(width * height * 3))


def clean(data: bytes, filename: str = "picture.png") -> CleanImage:
    """`clean_image` with the default size limit."""
    return clean_image(data, filename, max_bytes=DEFAULT_MAX_BYTES)


def reopened(result: CleanImage) -> Image.Image:
    """The cleaned bytes opened again."""
    return Image.open(io.BytesIO(result.data))


# Metadata -------------------------------------------------------------------------------------


def test_jpeg_loses_exif_gps_camera_make_xmp_comment_and_profile() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encoded(
        halves(40, 30),
        "JPEG",
        exif=camera_exif(),
        icc_profile=srgb,
        xmp=b"<x:xmpmeta>xmp-secret</x:xmpmeta>",
        comment=b"comment-secret",
    )
    before = Image.open(io.BytesIO(source))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the GPS position is really there
    assert MAKE.encode() in source and b"xmp-secret" in source and b"comment-secret" in source

    result = clean(source, "holiday.jpeg")

    after = reopened(result)
    assert (result.extension, result.mimetype, after.format) == ("jpg", "image/jpeg", "JPEG")
    assert dict(after.getexif()) == {}
    assert not after.info.keys() & {"exif", "icc_profile", "xmp", "comment"}
    for secret in (b"Exif", b"GPS", MAKE.encode(), b"xmp-secret", b"comment-secret"):
        assert secret not in result.data


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_exif_goes_from_png_and_webp(fmt: str) -> None:
    result = clean(encoded(halves(16, 16), fmt, exif=camera_exif()))
    assert dict(reopened(result).getexif()) == {}
    assert MAKE.encode() not in result.data


def test_png_text_chunks_go() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "author-secret")
    text.add_itxt("Comment", "itxt-secret")
    text.add_text("Software", "zipped-secret", zip=True)
    source = encoded(halves(16, 16), "PNG", pnginfo=text)
    assert Image.open(io.BytesIO(source)).text  # type: ignore[attr-defined]

    result = clean(source)

    assert reopened(result).text == {}  # type: ignore[attr-defined]
    for secret in (b"tEXt", b"iTXt", b"zTXt", b"author-secret", b"itxt-secret"):
        assert secret not in result.data


@pytest.mark.parametrize(
    "profile",
    [ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(), b"not a profile"],
    ids=["srgb", "broken"],
)
def test_embedded_colour_profile_is_applied_then_dropped(profile: bytes) -> None:
    result = clean(encoded(halves(16, 16), "PNG", icc_profile=profile))
    after = reopened(result)
    assert "icc_profile" not in after.info
    assert after.convert("RGB").getpixel((0, 0)) == pytest.approx(RED, abs=2)


def test_colour_profile_conversion_keeps_alpha() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = encoded(Image.new("RGBA", (4, 4), (10, 200, 30, 77)), "PNG", icc_profile=srgb)
    assert reopened(clean(source)).getpixel((1, 1)) == pytest.approx((10, 200, 30, 77), abs=2)


# Orientation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_orientation_is_applied_before_exif_goes(fmt: str) -> None:
    # Orientation 6: the camera was turned a quarter clockwise; the left edge shows on top.
    result = clean(encoded(halves(20, 10), fmt, exif=camera_exif(orientation=6)))
    after = reopened(result).convert("RGB")
    assert (result.width, result.height) == (10, 20) == after.size
    top, bottom = after.getpixel((5, 2)), after.getpixel((5, 17))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_image_without_orientation_keeps_its_size() -> None:
    result = clean(encoded(halves(20, 10), "JPEG", exif=camera_exif()))
    assert (result.width, result.height) == (20, 10)


# Formats --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "filename", "extension", "mimetype"),
    [
        ("PNG", "diagram.jpg", "png", "image/png"),  # the name lies; the content decides
        ("JPEG", "photo.png", "jpg", "image/jpeg"),
        ("GIF", "icon.webp", "gif", "image/gif"),
        ("WEBP", "banner.gif", "webp", "image/webp"),
        ("PNG", "no-extension", "png", "image/png"),
    ],
)
def test_type_comes_from_content_not_name(
    fmt: str, filename: str, extension: str, mimetype: str
) -> None:
    result = clean(encoded(halves(12, 8), fmt), filename)
    assert (result.extension, result.mimetype) == (extension, mimetype)
    assert reopened(result).format == fmt
    assert (result.width, result.height) == (12, 8)


def test_png_keeps_palette_and_transparency() -> None:
    palette = Image.new("P", (8, 8), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    rgba = Image.new("RGBA", (8, 8), (10, 20, 30, 40))
    after_palette = reopened(clean(encoded(palette, "PNG", transparency=0)))
    after_rgba = reopened(clean(encoded(rgba, "PNG")))
    assert (after_palette.mode, after_palette.info.get("transparency")) == ("P", 0)
    assert after_rgba.mode == "RGBA" and after_rgba.getpixel((3, 3)) == (10, 20, 30, 40)


def test_cmyk_jpeg_becomes_rgb() -> None:
    result = clean(encoded(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))
    assert reopened(result).mode == "RGB"


def test_phone_mpo_keeps_only_the_photo() -> None:
    source = encoded(halves(16, 16), "MPO", save_all=True, append_images=[halves(8, 8)])
    assert Image.open(io.BytesIO(source)).format == "MPO"
    result = clean(source, "IMG_0001.JPG")
    after = reopened(result)
    assert (result.extension, after.format, getattr(after, "n_frames", 1)) == ("jpg", "JPEG", 1)


def shown(data: bytes) -> list[tuple[bytes, int]]:
    """Every frame of an animation as displayed (RGBA) with its duration."""
    image = Image.open(io.BytesIO(data))
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frames.append((image.convert("RGBA").tobytes(), round(image.info["duration"])))
    return frames


def moving_dot(index: int) -> Image.Image:
    """Frame `index` of a small animation: a red square moving over a transparent ground."""
    frame = Image.new("P", (12, 6), 0)
    frame.putpalette([0, 0, 0, 255, 0, 0, 0, 128, 0])
    frame.paste(1, (index * 4, 0, index * 4 + 4, 4))
    frame.paste(2, (0, 5, 12, 6))
    return frame


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("GIF", {"transparency": 0, "disposal": 0}),
        ("GIF", {"transparency": 0, "disposal": 2}),  # each frame clears the one before
        ("GIF", {"disposal": 1}),
        ("PNG", {"disposal": 1, "blend": 1}),
        ("WEBP", {"lossless": True}),
    ],
)
def test_animation_plays_as_before(fmt: str, options: dict[str, Any]) -> None:
    frames = [moving_dot(n) for n in range(3)]
    if fmt != "GIF":
        frames = [frame.convert("RGBA") for frame in frames]
    source = encoded(
        frames[0],
        fmt,
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        **options,
    )
    assert len(shown(source)) == 3

    result = clean(source, f"animation.{fmt.lower()}")

    assert result.extension == fmt.lower()
    assert shown(result.data) == shown(source)
    assert reopened(result).info.get("loop") == 0


def test_gif_comments_go() -> None:
    frames = [moving_dot(n) for n in range(2)]
    source = encoded(
        frames[0], "GIF", save_all=True, append_images=frames[1:], comment=b"gif-secret"
    )
    assert b"gif-secret" in source
    assert b"gif-secret" not in clean(source, "spinner.gif").data


def test_lossless_webp_stays_lossless() -> None:
    result = clean(encoded(noise(16, 16), "WEBP", lossless=True))
    assert b"VP8L" in result.data
    assert reopened(result).convert("RGB").tobytes() == noise(16, 16).tobytes()


# Refusals -------------------------------------------------------------------------------------


def test_empty_upload_is_not_an_image() -> None:
    with pytest.raises(NotAnImage, match=r"“empty\.png” is empty"):
        clean(b"", "empty.png")


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "web page"),
        (b"\n  <html lang='es'><head><title>x</title></head></html>", "web page"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "ZIP archive"),
        (b"<?xml version='1.0'?><note>hola</note>", "XML document"),
        ("Mapa de rutas: Ñandú\n".encode(), "text file"),
    ],
)
def test_other_files_are_refused_whatever_their_name(data: bytes, looks_like: str) -> None:
    with pytest.raises(NotAnImage) as refused:
        clean(data, "map.png")
    message = str(refused.value)
    assert "not an image (PNG, JPEG, GIF or WebP) whatever its name says" in message
    assert looks_like in message and "“map.png”" in message


def test_unknown_binary_is_refused_without_a_guess() -> None:
    with pytest.raises(NotAnImage, match=r"whatever its name says\. Export"):
        clean(bytes(range(256)) * 4, "map.png")


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- drawn by hand -->\n<svg width="10"/>',
        b"<!DOCTYPE svg PUBLIC '-//W3C//DTD SVG 1.1//EN' 'x'>\n<SVG></SVG>",
    ],
)
def test_svg_is_refused_with_advice_to_export_png(svg: bytes) -> None:
    with pytest.raises(UnsupportedImage, match=r"SVG drawing.*export the drawing as PNG"):
        clean(svg, "logo.png")


def test_heic_photo_is_refused_with_advice_to_export_jpeg() -> None:
    header = struct.pack(">I", 24) + b"ftypheic" + b"\0\0\0\0mif1heic"
    with pytest.raises(UnsupportedImage, match=r"HEIC photo.*Export it as JPEG"):
        clean(header + b"\0" * 64, "IMG_0002.HEIC")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO"])
def test_other_image_formats_are_refused_by_name(fmt: str) -> None:
    with pytest.raises(UnsupportedImage) as refused:
        clean(encoded(halves(16, 16), fmt), "scan.png")
    assert f"is a {fmt} image" in str(refused.value)
    assert "PNG, JPEG, GIF or WebP only" in str(refused.value)


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "PNG"), ("JPEG", "JPEG"), ("GIF", "GIF")])
def test_truncated_image_is_refused_as_damaged(fmt: str, name: str) -> None:
    whole = encoded(noise(64, 64), fmt)
    with pytest.raises(NotAnImage, match=f"looks like a {name} image but is damaged"):
        clean(whole[: len(whole) // 2], "cut.img")


def test_damaged_header_is_refused_as_damaged() -> None:
    with pytest.raises(NotAnImage, match="looks like a PNG image but is damaged"):
        clean(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "broken.png")


def test_oversize_upload_is_refused_with_the_limit_before_reading_it() -> None:
    with pytest.raises(ImageTooLarge) as refused:
        clean(b"\0" * (DEFAULT_MAX_BYTES + 1), "poster.png")
    message = str(refused.value)
    assert "“poster.png” is 5.1 MB" in message and "at most 5 MB" in message
    assert "Export it smaller" in message


def test_limit_is_the_callers() -> None:
    data = encoded(noise(64, 64), "PNG")
    with pytest.raises(ImageTooLarge, match=r"is \d+(\.\d)? kB; images can be at most 0.9 kB"):
        clean_image(data, "x.png", max_bytes=1000)
    assert clean_image(data, "x.png", max_bytes=len(data)).extension == "png"


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = black_png(20_000, 20_000)  # 400 megapixels in some 50 kB
    assert len(bomb) < 100_000
    with pytest.raises(ImageTooLarge, match="far more than 40 megapixels"):
        clean(bomb, "bomb.png")


@pytest.mark.parametrize("warnings_are_errors", [False, True])
def test_pillow_bomb_warning_reads_as_too_large(warnings_are_errors: bool) -> None:
    # 100 megapixels: above Pillow's warning threshold, below its error threshold.
    bomb = black_png(10_000, 10_000)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error" if warnings_are_errors else "ignore", Image.DecompressionBombWarning
        )
        with pytest.raises(ImageTooLarge, match="40 megapixels"):
            clean(bomb, "bomb.png")


def test_image_over_the_pixel_limit_is_refused_with_its_size() -> None:
    assert MAX_PIXELS < 8000 * 6000
    with pytest.raises(ImageTooLarge) as refused:
        clean(black_png(8000, 6000), "wall.png")
    assert "8000 × 6000 pixels (48 megapixels)" in str(refused.value)
    assert "at most 40 megapixels" in str(refused.value)


def test_animation_counts_the_pixels_of_every_frame() -> None:
    # 11 frames on a 2000x2000 canvas: 44 megapixels, though each frame paints one dot.
    source = gif_of_dots(2000, 2000, 11)
    assert getattr(Image.open(io.BytesIO(source)), "n_frames", 1) == 11
    with pytest.raises(ImageTooLarge, match="in each of 11 frames"):
        clean(source, "dots.gif")


def test_every_refusal_is_a_media_rejection() -> None:
    for error in (ImageTooLarge, NotAnImage, UnsupportedImage):
        assert issubclass(error, MediaRejected)


# Names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "stem"),
    [
        ("Mapa de Rutas Ñandú.PNG", "mapa-de-rutas-nandu"),
        ("../../etc/passwd", "passwd"),
        ("a/b\\c.png", "c"),
        ("C:\\Users\\Ana\\Desktop\\Foto 1.JPG", "foto-1"),
        ("", "image"),
        (".png", "image"),
        ("..", "image"),
        ("/", "image"),
        ("photo\0.png", "photo"),
        ("Straße_Großer Plan.jpg", "strasse-grosser-plan"),
        ("日本語.png", "image"),
        ("--Über  Grenzen!!--.webp", "uber-grenzen"),
        ("archive.tar.gz", "archive-tar"),
        ("x" * 100 + ".png", "x" * 40),
        ("a" * 39 + " b.png", "a" * 39),  # no hyphen left dangling by the cut
    ],
)
def test_media_name(original: str, stem: str) -> None:
    data = b"cleaned image bytes"
    name = media_name(original, "png", data)
    assert name == f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}.png"
    assert check_media_path(f"01-module/media/{name}")


def test_media_name_changes_with_content() -> None:
    assert media_name("a.png", "png", b"one") != media_name("a.png", "png", b"two")


@pytest.mark.parametrize("extension", ["exe", "png/../x", "", "PNG"])
def test_media_name_takes_only_image_extensions(extension: str) -> None:
    with pytest.raises(ValueError, match="not an image extension"):
        media_name("a.png", extension, b"")


def test_cleaned_upload_gets_a_storable_name() -> None:
    result = clean(encoded(halves(8, 8), "PNG"), "../Diagrama Ñ.jpg")
    name = media_name("../Diagrama Ñ.jpg", result.extension, result.data)
    assert name.startswith("diagrama-n-") and name.endswith(".png")
    assert check_media_path(f"01-module/media/{name}")
