"""The one way to get an uploaded file back: a permission-checked download.

Only ``selectors.upload_for`` finds the file (the person, someone they act for who is the
applicant, or the centre officer assisting with a draft; anyone else a 404 on the audit log).
The response always downloads, never displays: ``attachment`` with the cleaned name (RFC 6266,
an ASCII ``filename`` and the exact ``filename*``), the type sniffed when it was uploaded,
``nosniff`` so no browser guesses another, a sandboxing Content-Security-Policy should it be
opened anyway, and nothing kept in any cache (``private, no-store``).
"""

from __future__ import annotations

import unicodedata
import uuid
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from onegate.runner.selectors import upload_for
from onegate.runner.services.uploads import upload_download_record

_FALLBACK_STEM = "file"


def content_disposition(name: str) -> str:
    """``attachment`` with ``name`` as RFC 6266 asks: an ASCII fallback, then the UTF-8 name."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = "".join(ch if ch.isprintable() and ch not in '"\\;' else "_" for ch in ascii_stem)
    ascii_stem = ascii_stem.strip(" ._") or _FALLBACK_STEM
    fallback = f"{ascii_stem}.{extension}" if extension else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_safe
@login_required
def file_download(
    request: HttpRequest, application_id: uuid.UUID, upload_id: uuid.UUID
) -> FileResponse:
    """The file, for someone who may see the application; a 404 for anyone else."""
    upload = upload_for(user=request.user, application_id=application_id, upload_id=upload_id)
    try:
        handle = upload.file.open("rb")
    except FileNotFoundError as missing:  # removed from storage behind the database's back
        raise Http404("no such file") from missing
    upload_download_record(actor=request.user, upload=upload)
    response = FileResponse(handle, content_type=upload.content_type)
    response["Content-Disposition"] = content_disposition(upload.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
