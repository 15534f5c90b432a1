"""PDFs people upload: a real document of pages, with nothing in it that runs, opens or unpacks.

A PDF is kept byte for byte (rewriting it would break a digital signature on a certificate), so
it is refused rather than cleaned when it carries anything active. ``pdf_check`` refuses:

* a file pypdf cannot read as a PDF, with no pages, or not ending with ``%%EOF`` in its last
  1,024 bytes ("damaged");
* an encrypted file ("encrypted": even one that opens without a password, since its streams
  cannot be checked and a case worker's tools may not open it);
* more than ``constants.MAX_PDF_PAGES`` pages ("too_many_pages");
* a stream that inflates past ``STREAM_MAX_INFLATED`` bytes, or all of them past
  ``FILE_MAX_INFLATED`` (a "deflate bomb"), or more objects than ``MAX_NODES`` to look through
  ("unpacks_too_large");
* active content ("active_content"): any of the PDF names in ``ACTIVE_NAMES`` (JavaScript, an
  action run on opening or on an event, launching a program, an embedded or attached file, rich
  media, sound and movies, an XFA form, a form that submits or imports data, a link to another
  file). An ``/OpenAction`` that only opens at
  a page is fine; one that runs JavaScript names ``/JavaScript`` or ``/JS`` and is refused.

Where active names are looked for, and why in two ways:

1. The raw bytes, outside the streams' data, with ``#xx`` escapes in names decoded
   (``/J#61vaScript`` is ``/JavaScript``), and inside every object stream (``/Type /ObjStm``,
   where PDF 1.5 files keep their dictionaries compressed) after inflating it ourselves. This
   sees objects the cross-reference table does not list, which a viewer that rebuilds a broken
   table would still find and run.
2. pypdf's parsed objects: every object in the cross-reference table and in its object streams
   (pypdf decompresses those itself, under the limits set in ``PYPDF_LIMITS``), each dictionary's
   keys and every name value, nested arrays and dictionaries included.

Not looked into: page content streams, fonts and images (their names are drawing resources, and
nothing in them can run), and the literal strings of text. Our own inflating reads only
``/FlateDecode`` data (the filter PDFs use for nearly all compressed data); pypdf's limits cap
the other filters. A stream whose data has no ``endstream`` hides the bytes up to the next one
from the raw scan; the parsed scan still sees those objects. The raw scan reads the file in one
pass, with at most ``MAX_STREAMS`` streams and a budget of bytes read ("unpacks_too_large"
past either), so no file can make it slow.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pypdf
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from onegate.runner.constants import MAX_PDF_PAGES
from onegate.runner.uploads.sniff import FileProblem

# The names of active content, without their slash.
ACTIVE_NAMES = frozenset(
    {
        "JavaScript",  # a JavaScript action, or the document's JavaScript name tree
        "JS",  # the script of an action
        "AA",  # additional actions: run on opening a page, on a field's events, on closing
        "Launch",  # start a program or open another file
        "EmbeddedFile",  # a file inside the PDF
        "EmbeddedFiles",  # the document's list of files inside it
        "EF",  # a file specification carrying its embedded file (attachment annotations)
        "RichMedia",  # Flash and other rich media annotations
        "RichMediaExecute",
        "XFA",  # an XML Forms Architecture form (scripts, network access)
        "SubmitForm",  # send form data somewhere
        "ImportData",  # load form data from a file
        "GoToE",  # go to an embedded document
        "GoToR",  # open another file, which may be remote
        "Rendition",  # play a media clip (and may run a rendition's JavaScript)
        "Sound",  # play a sound kept in the file
        "Movie",  # play a movie, possibly from another file
        "Hide",  # show or hide annotations and fields (used to dress up spoofed forms)
    }
)

STREAM_MAX_INFLATED = 128 * 1024 * 1024  # one A4 page scanned at 600 dpi in colour is ~100 MiB
FILE_MAX_INFLATED = 512 * 1024 * 1024
OBJECT_STREAM_MAX_INFLATED = 16 * 1024 * 1024  # dictionaries only: far smaller in real files
MAX_NODES = 2_000_000  # dictionary entries, array items and names walked in the parsed objects
MAX_STREAMS = 100_000  # streams in one file (a 10 MB file of real pages has a few thousand)
# Bytes the raw scan may read around the streams' dictionaries, as a multiple of the file's size
# plus a fixed allowance: the one-pass scan needs about 2x; more means a file built to waste time.
SCAN_BUDGET_FACTOR = 4
SCAN_BUDGET_EXTRA = 4 * 1024 * 1024
_CHUNK = 1024 * 1024

# pypdf decodes only object and cross-reference streams for us (we never ask for page
# contents), so its per-stream limits can be tight. Applied per call (a context variable), so
# other users of pypdf in the process keep pypdf's defaults. No external JBIG2 decoder is ever run.
PYPDF_LIMITS: dict[str, Any] = {
    "zlib_maximum_output_length": OBJECT_STREAM_MAX_INFLATED,
    "lzw_maximum_output_length": OBJECT_STREAM_MAX_INFLATED,
    "run_length_maximum_output_length": OBJECT_STREAM_MAX_INFLATED,
    "brotli_maximum_output_length": OBJECT_STREAM_MAX_INFLATED,
    "jbig2_maximum_output_length": OBJECT_STREAM_MAX_INFLATED,
    "array_based_stream_maximum_output_length": OBJECT_STREAM_MAX_INFLATED,
    "stream_decoding_work_maximum_length": 4 * OBJECT_STREAM_MAX_INFLATED,
    "jbig2dec_binary": None,
}

# Everything pypdf (and the zlib, struct and codecs under it) may raise on a malformed file.
_PARSE_ERRORS = (
    PyPdfError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
    zlib.error,
    struct.error,
)

_WHITESPACE = rb"[\x00\t\n\x0c\r ]"
# A stream's header: its dictionary's ">>" and the keyword; the data runs from there to the
# first "endstream" (found with ``bytes.find``, so a header with no end is not rescanned).
_STREAM_HEADER = re.compile(rb">>" + _WHITESPACE + rb"*stream(?:\r\n|\n|\r)")
# A name: a slash and the regular characters after it (PDF 32000-1, 7.2.2 and 7.3.5).
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Where a PDF's end marker must be: within its last 1,024 bytes, as the PDF reference lets
# viewers require. Past it, pypdf would look for the marker one line at a time, back to the start.
_EOF_MARKER = b"%%EOF"
_EOF_WITHIN = 1024
_DICTIONARY_LOOKBACK = 64 * 1024  # how far before "stream" its object's "obj" keyword may be


def _names(text: bytes) -> set[str]:
    """The names written in ``text``, escapes decoded, without their slash."""
    found = set()
    for match in _NAME.finditer(text):
        raw = match.group(1)
        if b"#" in raw:
            raw = _NAME_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), raw)
        found.add(raw.decode("latin-1"))
    return found


class _ScanBudget:
    """The bytes the raw scan has read, refusing the file ("unpacks_too_large") past its budget."""

    def __init__(self, size: int) -> None:
        self.left = SCAN_BUDGET_FACTOR * size + SCAN_BUDGET_EXTRA

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise FileProblem("unpacks_too_large")


class _Inflation:
    """Counts what the file's Flate streams inflate to, refusing past the ceilings."""

    def __init__(self) -> None:
        self.total = 0

    def inflate(self, raw: bytes, *, keep_up_to: int = 0) -> bytes:
        """Inflate ``raw`` (when it is zlib data) counting every byte; return at most
        ``keep_up_to`` bytes of the output (the rest is counted, not kept)."""
        inflater = zlib.decompressobj()
        kept: list[bytes] = []
        kept_size = produced = 0
        pending = raw
        try:
            while True:
                chunk = inflater.decompress(pending, _CHUNK)
                produced += len(chunk)
                self.total += len(chunk)
                if produced > STREAM_MAX_INFLATED or self.total > FILE_MAX_INFLATED:
                    raise FileProblem("unpacks_too_large")
                if kept_size < keep_up_to:
                    kept.append(chunk[: keep_up_to - kept_size])
                    kept_size += len(kept[-1])
                pending = inflater.unconsumed_tail
                if inflater.eof or not (pending or chunk):
                    break
        except zlib.error:
            pass  # not Flate data (a JPEG image, an encrypted or other filter): nothing to count
        return b"".join(kept)


def _raw_scan(data: bytes) -> set[str]:
    """The names written in the file outside the streams' data and inside its object streams;
    every stream's inflated size counted on the way (``FileProblem`` past the ceilings).

    One pass from start to end: each stream's data runs from its header to the first
    ``endstream`` after it, and its dictionary is looked for only between the previous stream's
    end and its header, so no byte is read more than a fixed number of times whatever the file
    holds (a file with many streams and no ``obj`` made the old lookback rescan it from the start).
    """
    inflation = _Inflation()
    budget = _ScanBudget(len(data))
    outside: list[bytes] = []
    names: set[str] = set()
    position = 0  # the end of the previous stream's data: nothing before it is looked at again
    streams = 0
    while True:
        header = _STREAM_HEADER.search(data, position)
        if header is None:
            break
        end = data.find(b"endstream", header.end())
        if end < 0:  # no data ends: what follows is read as outside the streams
            break
        streams += 1
        if streams > MAX_STREAMS:
            raise FileProblem("unpacks_too_large")
        floor = max(position, header.start() - _DICTIONARY_LOOKBACK)
        opening = data.rfind(b"obj", floor, header.start())
        dictionary = data[opening if opening >= 0 else floor : header.end()]
        budget.spend(header.end() - floor + len(dictionary))
        outside.append(data[position : header.end()])
        is_object_stream = "ObjStm" in _names(dictionary)
        keep = OBJECT_STREAM_MAX_INFLATED if is_object_stream else 0
        inflated = inflation.inflate(data[header.end() : end], keep_up_to=keep)
        if is_object_stream:
            names |= _names(inflated)
        position = end
    outside.append(data[position:])
    return names | _names(b"".join(outside))


def _objects(reader: pypdf.PdfReader) -> Iterator[IndirectObject]:
    """Every object the cross-reference table lists, in the file and in its object streams."""
    for generation, numbers in list(reader.xref.items()):
        for number in list(numbers):
            yield IndirectObject(number, generation, reader)
    for number in list(reader.xref_objStm):
        yield IndirectObject(number, 0, reader)


def _parsed_names(reader: pypdf.PdfReader) -> Iterator[str]:
    """Every name in the parsed objects (dictionary keys and values, inside arrays too)."""
    walked = 0
    for reference in _objects(reader):
        stack: list[Any] = [reader.get_object(reference)]
        while stack:
            item = stack.pop()
            walked += 1
            if walked > MAX_NODES:
                raise FileProblem("unpacks_too_large")
            if isinstance(item, NameObject):
                yield str(item)[1:]
            elif isinstance(item, DictionaryObject):  # a stream's dictionary too, not its data
                for key, value in item.items():
                    stack.append(NameObject(key))
                    if not isinstance(value, IndirectObject):
                        stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(value for value in item if not isinstance(value, IndirectObject))


def _opened(data: bytes) -> tuple[pypdf.PdfReader, int]:
    """The reader and the page count, refusing an unreadable, encrypted or too long PDF."""
    if _EOF_MARKER not in data[-_EOF_WITHIN:]:
        raise FileProblem("damaged")  # pypdf would read the file backwards line by line for it
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise FileProblem("encrypted")
    pages = len(reader.pages)
    if pages == 0:
        raise FileProblem("damaged")
    if pages > MAX_PDF_PAGES:
        raise FileProblem("too_many_pages")
    return reader, pages


def pdf_check(data: bytes) -> int:
    """The number of pages of ``data`` (a sniffed PDF) when it may be kept as it is; else
    ``FileProblem`` with the reason (see the module's docstring)."""
    with pypdf.apply_configuration(**PYPDF_LIMITS):
        try:
            reader, pages = _opened(data)
            if ACTIVE_NAMES & _raw_scan(data):
                raise FileProblem("active_content")
            if any(name in ACTIVE_NAMES for name in _parsed_names(reader)):
                raise FileProblem("active_content")
        except FileProblem:
            raise
        except LimitReachedError as limit:
            raise FileProblem("unpacks_too_large") from limit
        except _PARSE_ERRORS as error:
            raise FileProblem("damaged") from error
    return pages
