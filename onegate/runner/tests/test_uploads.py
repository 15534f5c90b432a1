"""Files people upload: only real PDFs, JPEGs and PNGs are kept, images without their metadata,
PDFs without anything active; limits from the question; refusals said and audited.

Every file is made here, in code: Pillow images (one with a GPS position in its EXIF), PDFs
written by pypdf or by hand (JavaScript, an attached file, a password, object streams, a deflate
bomb), and files that lie about their type (a program, a web page, an SVG, a ZIP, a Word file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import struct
import tempfile
import time
import zipfile
import zlib
from functools import cache

import pypdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone
from PIL import ExifTags, Image
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from onegate.audit.constants import RunnerAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.selectors import catalogue_forget
from onegate.catalogue.services import DEMO_CATALOGUE, catalogue_load_file
from onegate.definitions.constants import VersionStatus
from onegate.definitions.demo import load_demo_definitions
from onegate.definitions.language.model import Page
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.selectors import definition_version_compiled
from onegate.identity.constants import StaffRole
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import make_household, strong_session
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member
from onegate.runner.constants import (
    MAX_REQUEST_FILE_BYTES,
    ApplicationStatus,
    AppliesAs,
    ScanResult,
)
from onegate.runner.models import Application, Upload, uploads_storage
from onegate.runner.selectors import upload_ids_referenced
from onegate.runner.services.uploads import (
    UploadRefused,
    upload_accept,
    upload_remove,
    uploads_orphaned_delete,
)
from onegate.runner.tests.journey_support import demo_services_load, page_url, pdf_bytes
from onegate.runner.tests.test_services import start_for
from onegate.runner.uploads import FileProblem, file_check
from onegate.runner.uploads.images import image_clean
from onegate.runner.uploads.limit import (
    MEGABYTE,
    page_upload_budget,
    upload_limit_install,
    upload_too_large,
    upload_too_large_message,
)
from onegate.runner.uploads.pdf import MAX_STREAMS, PYPDF_LIMITS, pdf_check
from onegate.runner.uploads.sniff import name_clean, sniff

SERVICE = "renew-driving-licence"
RED, BLUE = (255, 0, 0), (0, 0, 255)

# --- files made in code ------------------------------------------------------------------------


def jpeg_with_gps() -> bytes:
    """A 40x20 photo, red on the left and blue on the right, taken "on its side" (EXIF
    orientation 6), with a GPS position, the camera's make, a comment and XMP."""
    image = Image.new("RGB", (40, 20), RED)
    image.paste(BLUE, (20, 0, 40, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "SecretCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 45.0, 7.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (100.0, 31.0, 2.25)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"home-address", xmp=b"<x:xmpmeta>xmp-secret</x>")
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Somchai Jaidee")
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 128, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header says ``width``x``height``, with one tiny data chunk."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )


def pdf_written(pages: int = 1, *, change=None) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if change is not None:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PAGES = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
}


def pdf_stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _xref_stream(out: bytearray, offsets: dict[int, int], packed: list[int], root: int) -> None:
    """Append a cross-reference stream listing ``offsets`` and the objects packed in object 99."""
    size = max([99, *offsets, *packed]) + 2
    xref_number, xref_offset = size - 1, len(out)
    rows = bytearray()
    for number in range(size):
        if number in packed:
            rows += b"\x02" + (99).to_bytes(4, "big") + packed.index(number).to_bytes(2, "big")
        elif number == xref_number:
            rows += b"\x01" + xref_offset.to_bytes(4, "big") + b"\0\0"
        elif number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\0\0"
        else:
            rows += b"\x00" + bytes(4) + b"\xff\xff"
    dictionary = b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R /Filter /FlateDecode" % (
        size,
        root,
    )
    out += b"%d 0 obj\n" % xref_number + pdf_stream(dictionary, zlib.compress(rows)) + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset


def pdf_by_hand(
    objects: dict[int, bytes], *, packed: list[int] | None = None, listed: set[int] | None = None
) -> bytes:
    """A PDF written byte by byte: ``objects`` by number; those in ``packed`` inside an object
    stream (number 99, PDF 1.5), the others in the file; ``listed`` (default: all) are the ones
    the cross-reference table lists."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    packed = sorted(packed or [])
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        if number not in packed:
            offsets[number] = len(out)
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets = {n: at for n, at in offsets.items() if listed is None or n in listed}
    if packed:
        bodies, places = b"", []
        for number in packed:
            places.append(b"%d %d" % (number, len(bodies)))
            bodies += objects[number] + b"\n"
        head = b" ".join(places) + b"\n"
        dictionary = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (
            len(packed),
            len(head),
        )
        offsets[99] = len(out)
        out += b"99 0 obj\n" + pdf_stream(dictionary, zlib.compress(head + bodies)) + b"\nendobj\n"
        _xref_stream(out, offsets, packed, root=1)
        return bytes(out)
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else FREE
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


FREE = b"0000000000 65535 f \n"


@cache
def deflate_bomb(megabytes: int) -> bytes:
    """``megabytes`` MiB of zeros, deflated to well under 1 MiB."""
    deflater = zlib.compressobj(1)
    zeros = bytes(1024 * 1024)
    return b"".join([deflater.compress(zeros) for _ in range(megabytes)] + [deflater.flush()])


def problem(check, *args, **kwargs) -> str | None:
    try:
        check(*args, **kwargs)
    except FileProblem as refused:
        return refused.code
    return None


# --- what a file is: its bytes, not its name -----------------------------------------------------


def office_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as document:
        document.writestr("[Content_Types].xml", "<Types/>")
        document.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


LIARS = {
    "a Windows program": b"MZ\x90\x00\x03\x00\x00\x00" + b"This program cannot be run in DOS mode",
    "a Linux program": b"\x7fELF\x02\x01\x01\x00" + bytes(56),
    "a web page": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "an SVG drawing": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "a ZIP": b"PK\x03\x04" + bytes(26) + b"hello.txt",
    "a Word file": office_file(),
    "an old Office file": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "a web page before a PDF": b"<html><body>" + pdf_written(),
    "a JPEG start with no end": b"\xff\xd8\xff\xe0" + bytes(100),
    "a PNG whose header checksum is wrong": png_declaring(10, 10)[:29] + b"\0\0\0\0",
}


@pytest.mark.parametrize("what", LIARS)
def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_whatever_its_name(what):
    assert sniff(LIARS[what]) is None
    assert problem(file_check, LIARS[what], accept=("pdf", "jpeg", "png")) == "wrong_type"


def test_real_pdfs_jpegs_and_pngs_are_known_by_their_bytes():
    assert sniff(pdf_written()) == "pdf"
    assert sniff(jpeg_with_gps()) == "jpeg"
    assert sniff(png_with_text()) == "png"


def test_a_kind_the_question_does_not_accept_is_refused():
    assert problem(file_check, pdf_written(), accept=("jpeg", "png")) == "wrong_type"


def test_an_empty_file_is_refused():
    assert problem(file_check, b"", accept=("pdf",)) == "empty"


@pytest.mark.parametrize(
    ("given", "kind", "kept"),
    [
        ("C:\\fakepath\\IMG_0001.JPEG", "jpeg", "IMG_0001.jpg"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("report.exe", "pdf", "report.pdf"),
        ("photo\u202egpj.exe", "jpeg", "photo gpj.jpg"),  # the right-to-left override is gone
        ("line\r\nbreak\x00.png", "png", "line break.png"),
        ("ใบรับรองแพทย์.pdf", "pdf", "ใบรับรองแพทย์.pdf"),
        ("...", "png", "file.png"),
        ("", "pdf", "file.pdf"),
    ],
)
def test_the_file_name_is_cleaned_and_ends_as_the_file_really_is(given, kind, kept):
    assert name_clean(given, kind) == kept


def test_a_long_file_name_is_cut_to_200_characters_keeping_the_extension():
    kept = name_clean("a" * 300 + ".pdf", "pdf")

    assert len(kept) == 200
    assert kept.endswith("a.pdf")


# --- images: re-encoded, upright, without metadata ---------------------------------------------


def test_a_photo_loses_its_gps_position_and_every_other_metadata():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    cleaned = image_clean(original, "jpeg")

    kept = Image.open(io.BytesIO(cleaned))
    assert kept.format == "JPEG"
    assert not kept.getexif()
    assert not {"exif", "xmp", "comment"} & set(kept.info)
    for secret in (b"SecretCam", b"home-address", b"xmp-secret", b"Exif"):
        assert secret not in cleaned


def test_a_photo_taken_on_its_side_is_turned_upright_before_its_exif_goes():
    cleaned = Image.open(io.BytesIO(image_clean(jpeg_with_gps(), "jpeg"))).convert("RGB")

    assert cleaned.size == (20, 40)  # turned a quarter clockwise: the left half is now on top
    top, bottom = cleaned.getpixel((10, 5)), cleaned.getpixel((10, 35))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_a_png_loses_its_text_but_keeps_its_transparency():
    cleaned = image_clean(png_with_text(), "png")

    kept = Image.open(io.BytesIO(cleaned))
    assert b"Somchai" not in cleaned
    assert kept.mode == "RGBA"
    assert kept.getpixel((5, 5)) == (0, 128, 0, 128)


def test_an_image_declaring_100000_by_100000_pixels_is_refused_before_it_is_decoded():
    assert problem(image_clean, png_declaring(100_000, 100_000), "png") == "too_many_pixels"


def test_an_image_over_the_pixel_ceiling_is_refused_even_below_pillows_own():
    assert problem(image_clean, png_declaring(8000, 8000), "png") == "too_many_pixels"


def test_an_image_whose_data_is_broken_is_damaged():
    broken = png_declaring(10, 10)
    assert problem(image_clean, broken, "png") == "damaged"  # the data is 64 bytes, not 10x10x3
    jpeg = jpeg_with_gps()
    assert problem(image_clean, jpeg[:200] + bytes(400) + b"\xff\xd9", "jpeg") == "damaged"


# --- PDFs: nothing that runs, opens or unpacks ------------------------------------------------


def _open_action_script(writer: pypdf.PdfWriter) -> None:
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello')"),
        }
    )


def test_a_plain_pdf_is_kept_and_its_pages_counted():
    assert pdf_check(pdf_written(3)) == 3


def test_scanned_pages_saved_as_a_pdf_are_kept():
    out = io.BytesIO()
    pages = [Image.new("L", (1240, 1754), 230) for _ in range(3)]  # A4 at 150 dpi, grey
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])

    assert problem(file_check, out.getvalue(), accept=("pdf",)) is None
    assert pdf_check(out.getvalue()) == 3


def test_a_pdf_opening_at_a_page_is_fine():
    objects = dict(PAGES)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"

    assert pdf_check(pdf_by_hand(objects)) == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_open_action_script, id="JavaScript run on opening"),
        pytest.param(
            lambda w: w.add_open_action(JavaScript("this.print({bUI: true});")),
            id="pypdf's open action",
        ),
        pytest.param(lambda w: w.add_attachment("notes.txt", b"hello"), id="an attached file"),
    ],
)
def test_a_pdf_with_active_content_is_refused(change):
    assert problem(pdf_check, pdf_written(change=change)) == "active_content"


@pytest.mark.parametrize(
    "catalogue",
    [
        pytest.param(b"/AA << /O << /S /Launch /F (calc.exe) >> >>", id="launch a program"),
        pytest.param(b"/AcroForm << /Fields [] /XFA 4 0 R >>", id="an XFA form"),
        pytest.param(b"/OpenAction << /S /SubmitForm /F (https://x.test) >>", id="submit"),
        pytest.param(b"/OpenAction << /S /ImportData /F (data.fdf) >>", id="import data"),
        pytest.param(b"/OpenAction << /S /J#61vaScript /J#53 (x) >>", id="escaped names"),
        pytest.param(
            b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>",
            id="document JavaScript",
        ),
    ],
)
def test_active_content_written_by_hand_is_refused(catalogue):
    objects = dict(PAGES)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R " + catalogue + b" >>"
    objects[4] = b"<< >>"

    assert problem(pdf_check, pdf_by_hand(objects)) == "active_content"


def test_javascript_inside_a_compressed_object_stream_is_refused():
    objects = dict(PAGES)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>"
    packed = pdf_by_hand(objects, packed=[1, 2, 3])
    assert b"JavaScript" not in packed  # only inflating the object stream shows it

    assert problem(pdf_check, packed) == "active_content"
    assert pdf_check(pdf_by_hand(PAGES, packed=[1, 2, 3])) == 1  # the same without it is fine


def test_javascript_in_an_object_the_table_does_not_list_is_refused():
    # A viewer rebuilding a broken table would find object 4; the raw scan does too.
    objects = {**PAGES, 4: b"<< /S /JavaScript /JS (app.alert(1)) >>"}

    assert problem(pdf_check, pdf_by_hand(objects, listed={1, 2, 3})) == "active_content"


def test_javascript_the_raw_scan_mistakes_for_stream_data_is_found_in_the_parsed_objects():
    # Object 4's title holds ">> stream": read naively, object 5 looks like the data of a
    # stream running to object 6's "endstream". pypdf reads the objects as they are.
    objects = {
        **PAGES,
        4: b"<< /Title (a >> stream\n) >>",
        5: b"<< /S /JavaScript /JS (app.alert(1)) >>",
        6: pdf_stream(b"", b"q Q"),
    }

    assert problem(pdf_check, pdf_by_hand(objects)) == "active_content"


def test_a_pdf_with_a_password_is_refused():
    def lock(writer):
        writer.encrypt("secret", algorithm="AES-128")

    assert problem(pdf_check, pdf_written(change=lock)) == "encrypted"


def test_a_pdf_with_more_pages_than_the_ceiling_is_refused():
    assert problem(pdf_check, pdf_written(501)) == "too_many_pages"


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param(b"%PDF-1.7\nthis is not a PDF at all\n", id="not a PDF after its header"),
        pytest.param(pdf_written(2)[:300], id="cut short"),
        pytest.param(pdf_by_hand({1: b"<< /Type /Catalog >>"}), id="no pages"),
    ],
)
def test_a_malformed_pdf_is_damaged(broken):
    assert problem(pdf_check, broken) == "damaged"


def test_a_deflate_bomb_in_a_page_is_refused_without_inflating_it_all():
    bomb = deflate_bomb(140)  # 140 MiB of zeros in well under a megabyte
    objects = {
        **PAGES,
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: pdf_stream(b"/Filter /FlateDecode", bomb),
    }
    data = pdf_by_hand(objects)
    assert len(data) < 1024 * 1024

    assert problem(pdf_check, data) == "unpacks_too_large"


def test_a_deflate_bomb_in_an_object_stream_stops_at_pypdfs_limit_as_we_set_it():
    objects = dict(PAGES)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>" + b" " * (20 * 1024 * 1024)

    assert problem(pdf_check, pdf_by_hand(objects, packed=[1, 2, 3])) == "unpacks_too_large"
    # Our limits hold for our reading only; pypdf's defaults are left for everyone else.
    assert pypdf.get_configuration().zlib_maximum_output_length > 16 * 1024 * 1024
    assert PYPDF_LIMITS["zlib_maximum_output_length"] == 16 * 1024 * 1024
    assert PYPDF_LIMITS["jbig2dec_binary"] is None


@pytest.mark.parametrize(
    "action",
    [
        pytest.param(b"<< /S /GoToR /F (http://x.test/a.pdf) /D [0 /Fit] >>", id="another file"),
        pytest.param(b"<< /S /GoToE /T << /R /C /N (a) >> >>", id="an embedded document"),
        pytest.param(b"<< /S /Rendition /OP 0 >>", id="a media clip"),
        pytest.param(b"<< /S /Sound /Sound 4 0 R >>", id="a sound"),
        pytest.param(b"<< /S /Movie /T (clip) >>", id="a movie"),
        pytest.param(b"<< /S /Hide /T (field) >>", id="hiding fields"),
    ],
)
def test_an_action_opening_another_file_or_playing_media_is_refused(action):
    objects = {**PAGES, 4: b"<< >>"}
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + action + b" >>"

    assert problem(pdf_check, pdf_by_hand(objects)) == "active_content"


def _timed_check(data: bytes) -> tuple[str | None, float]:
    started = time.perf_counter()
    outcome = problem(file_check, data, accept=("pdf",))
    return outcome, time.perf_counter() - started


def test_many_streams_after_the_end_marker_are_checked_quickly_and_refused():
    # The reviewer's file: 50,000 streams whose dictionaries have no "obj" within 64 KiB took
    # minutes when each one rescanned the file from its start.
    tail = b"%" + b" " * 70_000 + b"\n" + b"/A >>\nstream\nx\nendstream\n" * 50_000
    data = pdf_written() + tail

    outcome, seconds = _timed_check(data)

    assert seconds < 5
    assert outcome == "damaged"  # no %%EOF in its last 1,024 bytes
    assert _timed_check(data)[0] == outcome  # the same answer every time


def test_many_streams_inside_the_file_are_checked_in_one_pass():
    plain = pdf_written()
    body = b"%" + b" " * 70_000 + b"\n" + b"/A >>\nstream\nx\nendstream\n" * 50_000
    at = plain.rindex(b"startxref")  # after the table, before the pointer to it
    data = plain[:at] + body + plain[at:]

    outcome, seconds = _timed_check(data)

    assert seconds < 5
    assert outcome is None  # a real page, nothing active: kept
    assert _timed_check(data)[0] is None


def test_more_streams_than_the_ceiling_are_refused_as_too_large_to_open():
    plain = pdf_written()
    body = b"<< >>\nstream\n\nendstream\n" * (MAX_STREAMS + 1)
    at = plain.rindex(b"startxref")
    data = plain[:at] + body + plain[at:]

    outcome, seconds = _timed_check(data)

    assert outcome == "unpacks_too_large"
    assert seconds < 5


def test_a_stream_header_with_no_end_is_not_read_again_for_each_header():
    plain = pdf_written()
    at = plain.rindex(b"startxref")
    data = plain[:at] + b">>\nstream\n" * 200_000 + plain[at:]

    outcome, seconds = _timed_check(data)

    assert seconds < 5
    assert outcome is None


# --- the service: limits, storage, audit --------------------------------------------------------


def draft_application(
    *, status: str = ApplicationStatus.DRAFT, answers: dict | None = None, owner=None
):
    """A driving licence renewal the household's parent (or ``owner``, for themselves) is
    filling in, made directly."""
    catalogue_load_file(path=DEMO_CATALOGUE)
    catalogue_forget()
    load_demo_definitions()
    version = DefinitionVersion.objects.get(
        definition__slug=SERVICE, status=VersionStatus.PUBLISHED
    )
    if owner is None:
        household = make_household()
        owner, person_id = household.parent_user, str(household.parent.pk)
    else:
        person_id = f"person-of-{owner.pk}"
    submitted = status == ApplicationStatus.SUBMITTED
    application = Application.objects.create(
        service_slug=SERVICE,
        agency_slug="land-transport",
        definition_version=version,
        user=owner,
        applicant_person_id=person_id,
        applies_as=AppliesAs.SELF,
        subjects=[{"person_id": person_id, "relationship": "self"}],
        answers=answers or {},
        status=status,
        expires_at=timezone.now() + dt.timedelta(days=30),
        reference="7KQ2-M9XD-4TR8" if submitted else None,
        submitted_at=timezone.now() if submitted else None,
    )
    return application, owner


def file_field(application: Application, field_id: str = "medical_certificate"):
    compiled = definition_version_compiled(version_id=application.definition_version_id)
    return next(one for _page, one in compiled.model.all_fields() if one.id == field_id)


def given(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def accept(application, user, name, data, field_id="medical_certificate", **extra):
    return upload_accept(
        application=application,
        field=file_field(application, field_id),
        uploaded=given(name, data, extra.pop("content_type", "image/jpeg")),
        actor=user,
        **extra,
    )


def refusal(
    application, user, name, data, field_id="medical_certificate", **extra
) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        accept(application, user, name, data, field_id, **extra)
    return refused.value


def events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=str(action)).order_by("created_at"))


def test_a_photo_is_kept_cleaned_under_its_cleaned_name(db):
    application, user = draft_application()

    upload = accept(application, user, "C:\\fakepath\\IMG_0001.JPEG", jpeg_with_gps())

    stored = upload.file.open("rb").read()
    upload.file.close()
    assert upload.name == "IMG_0001.jpg"
    assert upload.content_type == "image/jpeg"
    assert upload.size == len(stored)
    assert upload.scan == ScanResult.NOT_SCANNED  # no antivirus configured in the tests
    assert upload.uploaded_by == user
    assert b"SecretCam" not in stored and not Image.open(io.BytesIO(stored)).getexif()
    assert upload.sha256 == hashlib.sha256(stored).hexdigest()
    assert "IMG_0001" not in upload.file.name  # stored under a random name, not the person's
    [event] = events(RunnerAction.FILE_UPLOADED)
    assert event.subject_id == str(application.pk)
    assert event.payload["upload"] == str(upload.pk)
    assert "IMG_0001" not in str(event.payload)


def test_a_pdf_named_like_a_photo_is_kept_as_the_pdf_it_is(db):
    application, user = draft_application()
    data = pdf_written(2)

    upload = accept(application, user, "scan.png", data, content_type="image/png")

    assert (upload.name, upload.content_type) == ("scan.pdf", "application/pdf")
    assert upload.file.open("rb").read() == data  # a PDF is kept byte for byte
    upload.file.close()


def test_a_program_named_pdf_is_refused_saying_which_types_are_allowed(db):
    application, user = draft_application()

    refused = refusal(application, user, "invoice.pdf", LIARS["a Windows program"])

    assert refused.code == "wrong_type"
    assert refused.message == "The selected file must be a PDF, JPG or PNG"
    assert not Upload.objects.exists()
    [event] = events(RunnerAction.FILE_REFUSED)
    assert event.payload == {"field": "medical_certificate", "code": "wrong_type"}
    assert "invoice" not in str(event.payload)


def test_the_message_names_only_the_types_the_question_takes(db):
    application, user = draft_application()

    refused = refusal(application, user, "me.pdf", pdf_written(), "new_photo")

    assert refused.message == "The selected file must be a JPG or PNG"


def test_a_file_over_the_questions_size_is_refused(db):
    application, user = draft_application()
    too_big = b"%PDF-1.7\n" + bytes(10 * 1024 * 1024)

    refused = refusal(application, user, "big.pdf", too_big)

    assert refused.code == "too_big"
    assert refused.message == "The selected file must be smaller than 10 MB"
    assert "5 MB" in refusal(application, user, "big.png", too_big, "new_photo").message


def test_an_empty_file_is_refused_by_the_service(db):
    application, user = draft_application()

    assert refusal(application, user, "empty.pdf", b"").message == "The selected file is empty"


def test_a_second_file_for_a_one_file_question_is_refused(db):
    application, user = draft_application()
    accept(application, user, "a.pdf", pdf_written())

    refused = refusal(application, user, "b.pdf", pdf_written())  # whatever the answer says yet

    assert refused.code == "too_many"
    assert refused.message == (
        "You can upload only one file here. Remove it before you upload another"
    )
    assert Upload.objects.filter(application=application).count() == 1


def test_the_files_kept_are_counted_not_what_the_page_or_the_answer_says(db):
    # A page posted again after an error, a tampered form or a second tab lists fewer files
    # than are kept: the rows decide, so the question never holds more than it takes.
    application, user = draft_application(answers={})
    accept(application, user, "a.pdf", pdf_written(), pending=0)

    for _again in range(5):
        assert refusal(application, user, "b.pdf", pdf_written()).code == "too_many"

    assert Upload.objects.filter(application=application).count() == 1
    assert len(events(RunnerAction.FILE_REFUSED)) == 5


def test_an_application_holds_no_more_files_than_its_questions_take_together(db):
    application, user = draft_application()
    compiled = definition_version_compiled(version_id=application.definition_version_id)
    takes = sum(one.max_files for _page, one in compiled.model.all_fields() if one.type == "file")
    assert takes == 2  # its two file questions take one file each; then the margin of five
    for number in range(takes + 5):
        Upload.objects.create(
            application=application,
            field_id=f"elsewhere_{number}",
            name="a.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            file="uploads/none",
        )

    refused = refusal(application, user, "b.pdf", pdf_written())

    assert refused.code == "too_many_application"
    assert refused.message.startswith("This application already has as many files as it can")
    assert Upload.objects.filter(application=application).count() == 7


def test_files_no_answer_lists_are_deleted_with_their_stored_files_and_audited(
    db, django_capture_on_commit_callbacks
):
    application, user = draft_application()
    kept = accept(application, user, "a.pdf", pdf_written())
    stored_name = kept.file.name
    assert uploads_storage().exists(stored_name)

    assert (
        uploads_orphaned_delete(actor=user, application=application, keep_ids={str(kept.pk)}) == 0
    )
    assert Upload.objects.filter(pk=kept.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        dropped = uploads_orphaned_delete(actor=user, application=application, keep_ids=set())

    assert dropped == 1
    assert not Upload.objects.filter(application=application).exists()
    assert not uploads_storage().exists(stored_name)
    removed = events(RunnerAction.FILE_REMOVED)
    assert [event.payload for event in removed] == [
        {"upload": str(kept.pk), "field": "medical_certificate", "reason": "not_in_answers"}
    ]


def test_the_files_an_answer_lists_are_found_in_groups_too(db):
    application, _user = draft_application()
    compiled = definition_version_compiled(version_id=application.definition_version_id)
    listed = [{"id": "f1", "name": "a.pdf", "size": 1, "content_type": "application/pdf"}]

    assert upload_ids_referenced(compiled, {"medical_certificate": listed}) == {"f1"}
    assert upload_ids_referenced(compiled, {"medical_certificate": "f1"}) == set()
    assert upload_ids_referenced(compiled, None) == set()


def test_an_officer_giving_or_removing_a_file_is_audited_as_acting_for_the_person(db):
    centre = service_centre("lak-si")
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    application, person_account = draft_application(owner=make_account("person@example.test"))
    application.assisted_by = officer
    application.assisted_centre_id = centre.pk
    application.save(update_fields=["assisted_by", "assisted_centre_id"])

    kept = accept(application, officer, "a.pdf", pdf_written())
    refusal(application, officer, "b.pdf", pdf_written())
    upload_remove(actor=officer, application=application, upload_id=kept.pk)

    for action in (
        RunnerAction.FILE_UPLOADED,
        RunnerAction.FILE_REFUSED,
        RunnerAction.FILE_REMOVED,
    ):
        (event,) = events(action)
        assert event.actor_id == str(officer.pk)
        assert event.on_behalf_of_id == str(person_account.pk)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        pytest.param(
            pdf_written(change=_open_action_script),
            "active_content",
            "The selected file contains scripts, attached files or actions.",
            id="active",
        ),
        pytest.param(
            pdf_written(change=lambda w: w.encrypt("secret", algorithm="AES-128")),
            "encrypted",
            "The selected file is protected with a password. Remove the password",
            id="encrypted",
        ),
        pytest.param(
            png_declaring(100_000, 100_000),
            "too_many_pixels",
            "The selected image is too large in pixels.",
            id="pixels",
        ),
        pytest.param(
            b"%PDF-1.7\nthis is not a PDF at all\n",
            "damaged",
            "The selected file is damaged",
            id="damaged",
        ),
    ],
)
def test_each_refusal_says_what_is_wrong(db, data, code, message):
    application, user = draft_application()

    refused = refusal(application, user, "file.pdf", data)

    assert refused.code == code
    assert refused.message.startswith(message)
    assert events(RunnerAction.FILE_REFUSED)[0].payload["code"] == code


def test_no_file_is_added_to_a_sent_application(db):
    application, user = draft_application(status=ApplicationStatus.SUBMITTED)

    assert refusal(application, user, "a.pdf", pdf_written()).code == "closed"


def test_another_persons_application_is_not_found(db):
    application, _owner = draft_application()
    stranger = make_account("stranger@example.test")

    with pytest.raises(Http404):
        accept(application, stranger, "a.pdf", pdf_written())

    assert not Upload.objects.exists()
    assert events(RunnerAction.ACCESS_REFUSED)


def test_removing_a_file_takes_it_out_of_the_answer_and_the_storage(
    db, django_capture_on_commit_callbacks
):
    application, user = draft_application()
    upload = accept(application, user, "a.pdf", pdf_written())
    entry = {"id": str(upload.pk), "name": upload.name, "size": upload.size}
    other = {"id": "kept", "name": "b.pdf", "size": 1}
    application.answers = {"medical_certificate": [entry, other], "has_conditions": True}
    application.save(update_fields=["answers"])
    stored_name = upload.file.name

    with django_capture_on_commit_callbacks(execute=True):
        upload_remove(actor=user, application=application, upload_id=upload.pk)

    application.refresh_from_db()
    assert not Upload.objects.filter(pk=upload.pk).exists()
    assert not uploads_storage().exists(stored_name)
    assert application.answers == {"medical_certificate": [other], "has_conditions": True}
    [event] = events(RunnerAction.FILE_REMOVED)
    assert event.payload == {"upload": str(upload.pk), "field": "medical_certificate"}


def test_removing_the_last_file_leaves_the_question_unanswered_and_twice_is_harmless(db):
    application, user = draft_application()
    upload = accept(application, user, "a.pdf", pdf_written())
    application.answers = {"medical_certificate": [{"id": str(upload.pk)}]}
    application.save(update_fields=["answers"])

    upload_remove(actor=user, application=application, upload_id=upload.pk)
    upload_remove(actor=user, application=application, upload_id=upload.pk)

    application.refresh_from_db()
    assert application.answers == {}
    assert len(events(RunnerAction.FILE_REMOVED)) == 1


def test_no_file_is_removed_from_a_sent_application(db):
    application, user = draft_application()
    upload = accept(application, user, "a.pdf", pdf_written())
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED, reference="7KQ2-M9XD-4TR8", submitted_at=timezone.now()
    )

    with pytest.raises(UploadRefused) as refused:
        upload_remove(actor=user, application=application, upload_id=upload.pk)

    assert refused.value.code == "closed"
    assert Upload.objects.filter(pk=upload.pk).exists()


# --- the request's ceiling: files past the page's budget are not read -------------------------


def _page(*fields: dict) -> Page:
    return Page.model_validate({"id": "files", "title": {"en": "Files"}, "fields": list(fields)})


def _file(field_id: str, **limits) -> dict:
    return {"id": field_id, "type": "file", "label": {"en": "A file"}, **limits}


def test_a_pages_budget_is_what_its_file_questions_take_and_never_over_the_ceiling():
    text = {"id": "name", "type": "text", "label": {"en": "Name"}}
    group = {
        "id": "trips",
        "type": "group",
        "label": {"en": "Trips"},
        "item_label": {"en": "Trip"},
        "max_items": 2,
        "fields": [_file("ticket", max_size_mb=2, max_files=1)],
    }
    revealed = _file("lease", max_size_mb=5, max_files=3, condition='answers.name == "x"')

    assert page_upload_budget(_page(text)) == 0
    assert page_upload_budget(None) == 0
    assert page_upload_budget(_page(_file("scan"))) == 10 * MEGABYTE  # 10 MB, one file
    assert page_upload_budget(_page(text, revealed, group)) == (15 + 4) * MEGABYTE
    assert page_upload_budget(_page(_file("many", max_size_mb=50, max_files=20))) == (
        MAX_REQUEST_FILE_BYTES
    )
    assert MAX_REQUEST_FILE_BYTES == 60 * MEGABYTE
    assert upload_too_large_message(_page(text, revealed, group)) == (
        "The selected file must be smaller than 5 MB"
    )
    assert upload_too_large_message(_page(text)) == "This page does not take files"


def _posted(size: int, **data):
    request = RequestFactory().post(
        "/apply/x/page/files/", {"scan": SimpleUploadedFile("scan.pdf", b"%" * size), **data}
    )
    request.upload_handlers  # noqa: B018  (made from the settings, as for a real request)
    return request


def _temporary_files() -> list[int]:
    folder = settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir()
    return [entry.stat().st_size for entry in os.scandir(folder) if entry.is_file()]


def test_a_request_carrying_more_than_the_pages_budget_is_stopped_before_it_is_kept():
    budget = page_upload_budget(_page(_file("scan")))  # 10 MB
    request = _posted(budget + 2 * MEGABYTE, name="Somchai")
    before = set(_temporary_files())

    upload_limit_install(request, budget_bytes=budget)
    files = request.FILES

    assert request._onegate_upload_too_large is True
    assert "scan" not in files
    assert not [size for size in _temporary_files() if size > budget and size not in before]


def test_a_file_passing_the_budget_while_it_is_read_is_stopped_too():
    # declared within the form's allowance, so only counting the bytes read stops it
    request = _posted(MEGABYTE + MEGABYTE // 2)

    upload_limit_install(request, budget_bytes=MEGABYTE)

    assert "scan" not in request.FILES
    assert request._onegate_upload_too_large is True


def test_files_within_the_budget_are_read_as_usual():
    request = _posted(2000, name="Somchai")

    upload_limit_install(request, budget_bytes=MEGABYTE)

    assert request.FILES["scan"].size == 2000
    assert request.POST["name"] == "Somchai"
    assert request._onegate_upload_too_large is False


def test_a_page_without_file_questions_takes_no_file_at_all():
    request = _posted(10)

    text = {"id": "name", "type": "text", "label": {"en": "Name"}}
    upload_limit_install(request, budget_bytes=page_upload_budget(_page(text)))

    assert upload_too_large(request) is True  # the body read for the answer
    assert "scan" not in request.FILES


def test_the_ceiling_cannot_be_installed_once_the_body_is_read():
    request = _posted(10)
    request.FILES  # noqa: B018

    with pytest.raises(RuntimeError):
        upload_limit_install(request, budget_bytes=MEGABYTE)


# --- through the page: the files kept decide, not what the page posts ---------------------------


def test_a_page_posted_again_and_again_with_a_file_keeps_no_more_than_the_question_takes(
    db, client
):
    demo_services_load()
    household = make_household()
    browser = strong_session(client, household.parent_user)
    application = start_for(household.parent_user, service="tell-us-you-have-moved")
    url = page_url(application, "new_address_page")

    for _again in range(6):  # the moving date is missing: the page is never saved
        posted = browser.post(
            url,
            {
                "home_status": "rent",
                "tenancy_agreement": SimpleUploadedFile(
                    "lease.pdf", pdf_bytes(), "application/pdf"
                ),
            },
        )
        assert posted.status_code == 200

    assert Upload.objects.filter(application=application).count() == 3
    assert "You can upload up to 3 files here" in posted.content.decode()
