"""Photos and scans people upload, proved to be images and re-encoded so nothing else rides along.

A JPEG or PNG is opened by Pillow with only that format's decoder allowed, checked for its size in
pixels before any pixel is decoded (``constants.MAX_IMAGE_PIXELS``, and Pillow's own
decompression-bomb guard), verified, and decoded in full: an image that fails any of these is
"damaged". The pixels are then turned upright as the camera's EXIF orientation says and written
to a new file of the same kind, with none of the original's metadata: no EXIF (so no GPS
position, camera serial or date taken), no XMP, no comments, no text chunks. Only an ICC colour
profile is carried over, and only a small, well-formed display or colour-space profile that fits
the image's colours; the image would look wrong without it, and such a profile says nothing about
the person. Whatever followed the image data (a ZIP or HTML glued on to make a polyglot) is lost
in the re-encoding too.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageOps

from onegate.runner.constants import MAX_IMAGE_PIXELS
from onegate.runner.uploads.sniff import FileProblem, Kind

JPEG_QUALITY = 90
ICC_MAX_BYTES = 64 * 1024  # sRGB, Display P3 and Adobe RGB profiles are a few kilobytes
_ICC_CLASSES = {"mntr", "spac"}  # display and colour-space profiles; not a device's calibration
_ICC_SPACES = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK", "RGBA": "RGB", "LA": "GRAY", "P": "RGB"}
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG"}
_JPEG_MODES = {"L", "RGB", "CMYK"}
_PNG_MODES = {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}
# A hostile file can make a decoder fail in many ways (OSError for truncated or unidentified
# data, SyntaxError and ValueError for bad headers, EOFError, struct and zlib errors wrapped or
# not): every one of them means "this is not an image we can trust".
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, KeyError)


def _open(data: bytes, kind: Kind) -> Image.Image:
    """Open ``data`` with only the decoder of ``kind``; refuse it when it has too many pixels."""
    try:
        image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[kind]])
    except Image.DecompressionBombError as bomb:
        raise FileProblem("too_many_pixels") from bomb
    except _DECODE_ERRORS as error:
        raise FileProblem("damaged") from error
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise FileProblem("too_many_pixels")
    return image


def _decoded(data: bytes, kind: Kind) -> Image.Image:
    """The image's pixels, after Pillow's structural check (``verify``) and a full decode."""
    _open(data, kind).verify()  # a verified image cannot be used again: open it a second time
    image = _open(data, kind)
    try:
        image.load()
    except Image.DecompressionBombError as bomb:
        raise FileProblem("too_many_pixels") from bomb
    except _DECODE_ERRORS as error:
        raise FileProblem("damaged") from error
    return image


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says (unreadable EXIF: as it is)."""
    try:
        return ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        return image


def _safe_icc(image: Image.Image, mode: str) -> bytes | None:
    """The image's ICC profile when it is small, parses, and is a display or colour-space
    profile of the image's colours; else ``None`` (the profile is dropped)."""
    icc = image.info.get("icc_profile")
    if not isinstance(icc, bytes) or not icc or len(icc) > ICC_MAX_BYTES:
        return None
    try:
        from PIL import ImageCms
    except ImportError:  # Pillow built without Little CMS: no way to check it, so drop it
        return None
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return None
    fits = profile.xcolor_space.strip() == _ICC_SPACES.get(mode)
    return icc if fits and profile.device_class in _ICC_CLASSES else None


def _sane_dpi(image: Image.Image) -> tuple[float, float] | None:
    """The resolution the image says it was scanned at, kept so it prints at its real size."""
    dpi = image.info.get("dpi")
    if (
        isinstance(dpi, tuple)
        and len(dpi) == 2
        and all(isinstance(part, int | float) and 0 < part <= 10_000 for part in dpi)
    ):
        return (float(dpi[0]), float(dpi[1]))
    return None


def image_clean(data: bytes, kind: Kind) -> bytes:
    """``data`` (a JPEG or PNG, as sniffed) decoded, turned upright and written again without its
    metadata; ``FileProblem`` "too_many_pixels" or "damaged" when it cannot be."""
    original = _decoded(data, kind)
    image = _upright(original)
    allowed = _JPEG_MODES if kind == "jpeg" else _PNG_MODES
    if image.mode not in allowed:
        image = image.convert("RGBA" if kind == "png" and "A" in image.mode else "RGB")
    options: dict[str, Any] = {"optimize": True}
    if icc := _safe_icc(original, image.mode):
        options["icc_profile"] = icc
    if dpi := _sane_dpi(original):
        options["dpi"] = dpi
    # Savers fall back on ``info`` for comments, ICC profiles and transparency: keep only the
    # transparency of a PNG (its look), nothing else.
    transparency = image.info.get("transparency") if kind == "png" else None
    image.info = {} if transparency is None else {"transparency": transparency}
    out = io.BytesIO()
    try:
        if kind == "jpeg":
            image.save(out, "JPEG", quality=JPEG_QUALITY, **options)
        else:
            image.save(out, "PNG", **options)
    except _DECODE_ERRORS as error:
        raise FileProblem("damaged") from error
    return out.getvalue()
