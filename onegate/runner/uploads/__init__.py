"""Checks on an uploaded file before it is kept: what it really is, viruses, and its insides.

Pure functions over the file's bytes (no database, no storage): ``file_check`` runs them in order
and returns what to keep, or raises ``FileProblem`` with a code the service turns into words:

1. not empty ("empty");
2. sniffed from its bytes, and of a kind the field accepts ("wrong_type": ``sniff``);
3. scanned for viruses as the person gave it, before any parser reads it, so a file made to
   exploit an image or PDF library is caught first ("virus", "scan_failed": ``antivirus``);
4. opened for real: a PDF checked for active content, encryption, pages and bombs and kept as
   it is (``pdf``); an image decoded and re-encoded without its metadata (``images``).

Size and count limits depend on the field and the application, so the service checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

from onegate.runner.uploads import antivirus
from onegate.runner.uploads.images import image_clean
from onegate.runner.uploads.pdf import pdf_check
from onegate.runner.uploads.sniff import (
    CONTENT_TYPES,
    FileProblem,
    Kind,
    name_clean,
    sniff_accepted,
)

__all__ = ["CheckedFile", "FileProblem", "Kind", "file_check", "name_clean"]


@dataclass(frozen=True)
class CheckedFile:
    """A file that may be kept: its kind, its real content type, the bytes to store, the scan."""

    kind: Kind
    content_type: str
    data: bytes
    scan: antivirus.ScanOutcome


def file_check(data: bytes, *, accept: tuple[str, ...]) -> CheckedFile:
    """What to keep of ``data`` for a field accepting ``accept``; ``FileProblem`` when nothing."""
    if not data:
        raise FileProblem("empty")
    kind = sniff_accepted(data, accept)
    outcome = antivirus.scan(data)
    if outcome.verdict == "infected":
        raise FileProblem("virus")
    if outcome.verdict == "failed":
        raise FileProblem("scan_failed")
    if kind == "pdf":
        pdf_check(data)
        kept = data
    else:
        kept = image_clean(data, kind)
    return CheckedFile(kind=kind, content_type=CONTENT_TYPES[kind], data=kept, scan=outcome)
