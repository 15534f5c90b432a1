"""What a file really is, read from its bytes: never from its name or the browser's content type.

A file is one of the kinds a file field may accept (``pdf``, ``jpeg``, ``png``) only when both
agree: our own exact checks of the format's opening bytes (and, for JPEG, its end-of-image
marker; for PNG, a well-formed IHDR chunk with its checksum), and the ``filetype`` package's
guess from its table of magic numbers. Anything else (an executable, HTML, SVG, a ZIP or an
Office file, whatever its name says) is "not an accepted type". The parse that follows
(``images``, ``pdf``) is the real proof; sniffing only decides which parser may look at it.

This module also holds what every check raises, ``FileProblem``, and how a file's name is
cleaned for showing and downloading.
"""

from __future__ import annotations

import struct
import unicodedata
import zlib
from typing import Literal

import filetype

Kind = Literal["pdf", "jpeg", "png"]
KINDS: tuple[Kind, ...] = ("pdf", "jpeg", "png")

CONTENT_TYPES: dict[Kind, str] = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS: dict[Kind, str] = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}

NAME_MAX_LENGTH = 200  # Upload.name
_NAME_FALLBACK = "file"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MAX_SIDE = 2**31 - 1  # the PNG specification's limit for width and height
_JPEG_SOI = b"\xff\xd8\xff"  # start of image, then the first marker's 0xFF
_JPEG_EOI = b"\xff\xd9"


class FileProblem(Exception):
    """A file that cannot be accepted; ``code`` says why (the service turns it into words)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


def _looks_like_pdf(data: bytes) -> bool:
    # "%PDF-1.7" / "%PDF-2.0" at the very start. Readers tolerate the header anywhere in the first
    # kilobyte; we do not, so nothing (an HTML page, a script) can come before it.
    return len(data) >= 8 and data.startswith(b"%PDF-") and data[5:8].replace(b".", b"").isdigit()


def _looks_like_jpeg(data: bytes) -> bool:
    # Start of image first; an end-of-image marker after it. Some phones write data after the
    # end-of-image marker (a trailer of their own), so it need not be the very last bytes; the
    # image is re-encoded anyway, which drops whatever follows it.
    return data.startswith(_JPEG_SOI) and data.rfind(_JPEG_EOI) > len(_JPEG_SOI)


def _looks_like_png(data: bytes) -> bool:
    # The signature, then the IHDR chunk first: 13 bytes, its CRC right, width and height in range.
    if len(data) < 33 or not data.startswith(_PNG_SIGNATURE):
        return False
    length, chunk_type = struct.unpack(">I4s", data[8:16])
    if length != 13 or chunk_type != b"IHDR":
        return False
    body = data[16:29]
    (crc,) = struct.unpack(">I", data[29:33])
    if zlib.crc32(chunk_type + body) != crc:
        return False
    width, height = struct.unpack(">II", body[:8])
    return 0 < width <= _PNG_MAX_SIDE and 0 < height <= _PNG_MAX_SIDE


# What ``filetype`` may call each kind (an animated PNG is still a PNG: its first frame is kept).
_GUESSES = {"pdf": {"application/pdf"}, "jpeg": {"image/jpeg"}, "png": {"image/png", "image/apng"}}
_EXACT = {"pdf": _looks_like_pdf, "jpeg": _looks_like_jpeg, "png": _looks_like_png}


def sniff(data: bytes) -> Kind | None:
    """The accepted kind these bytes are, or ``None`` when they are none of them (or the two
    checks disagree)."""
    guessed = filetype.guess(data)
    guessed_type = guessed.mime if guessed is not None else None
    for kind in KINDS:
        if _EXACT[kind](data):
            return kind if guessed_type in _GUESSES[kind] else None
    return None


def sniff_accepted(data: bytes, accept: tuple[str, ...]) -> Kind:
    """The kind of ``data`` if the field accepts it; else ``FileProblem("wrong_type")``."""
    kind = sniff(data)
    if kind is None or kind not in accept:
        raise FileProblem("wrong_type")
    return kind


def _printable(character: str) -> bool:
    # Controls (Cc), format characters such as the right-to-left override that makes
    # "photo\u202egpj.exe" look like "photoexe.jpg" (Cf), separators of lines and paragraphs,
    # surrogates and unassigned code points all go.
    return unicodedata.category(character) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def name_clean(name: str, kind: Kind) -> str:
    """The person's file name fit to show and to offer as a download: no folders, no control
    characters, one line, at most ``NAME_MAX_LENGTH`` characters, ending with the extension of
    the kind the file really is."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch if _printable(ch) else " " for ch in base)
    base = " ".join(base.split())
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip(" .") or _NAME_FALLBACK
    extension = EXTENSIONS[kind]
    stem = stem[: NAME_MAX_LENGTH - len(extension)].rstrip(" .") or _NAME_FALLBACK
    return stem + extension
