"""Files given for a file question: accepted (checked, cleaned, stored privately) or refused.

``upload_accept`` checks what depends on the question and the application (a draft the actor may
fill in; how many files the question takes; how big one may be), then what depends on the file
alone (``runner.uploads.file_check``: its real type, viruses, active content, pixels, pages), and
stores what may be kept through the private ``uploads`` storage. The answer itself (the list of
``{"id", "name", "size", "content_type"}`` of the question) is saved with the page by
``application_page_save``; ``upload_remove`` takes a file out of the stored answer as well.

Every refusal says why in the person's language (``UploadRefused.message``) and is on the audit
log (``FILE_REFUSED``) in a transaction of its own, with its reason and never the file's name or
contents. Who may act is checked again here: another person's application is a 404, audited.
"""

from __future__ import annotations

import hashlib
import uuid
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import RunnerAction
from onegate.audit.services import audit_record
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.language.model import FileField, GroupField
from onegate.identity.acting import Relationship
from onegate.identity.selectors_acting import account_of
from onegate.runner.constants import (
    FILES_PER_APPLICATION_MARGIN,
    MAX_IMAGE_PIXELS,
    MAX_PDF_PAGES,
    ScanResult,
)
from onegate.runner.models import Application, Upload, uploads_storage
from onegate.runner.selectors import (
    SUBJECT_TYPE,
    application_compiled,
    application_for,
    may_fill_in,
)
from onegate.runner.uploads import CheckedFile, FileProblem, file_check, name_clean

__all__ = [
    "UploadRefused",
    "upload_accept",
    "upload_download_record",
    "upload_remove",
    "uploads_orphaned_delete",
]

MEGABYTE = 1024 * 1024

REFUSALS = {
    "closed": _("This application has been sent or has expired, so its files cannot be changed"),
    "empty": _("The selected file is empty"),
    "too_big": _("The selected file must be smaller than %(size)s MB"),
    "too_many_one": _("You can upload only one file here. Remove it before you upload another"),
    "too_many": _(
        "You can upload up to %(count)s files here. Remove one before you upload another"
    ),
    "too_many_application": _(
        "This application already has as many files as it can take. Remove one before you "
        "upload another"
    ),
    "active_content": _(
        "The selected file contains scripts, attached files or actions. Save it again as a plain "
        'PDF, for example with "Print to PDF", and upload that'
    ),
    "encrypted": _(
        "The selected file is protected with a password. Remove the password and upload it again"
    ),
    "virus": _("The selected file contains a virus"),
    "scan_failed": _("We could not check the selected file for viruses. Try again later"),
    "too_many_pixels": _(
        "The selected image is too large in pixels. Upload an image of up to %(megapixels)s "
        "megapixels"
    ),
    "too_many_pages": _("The selected file must have %(pages)s pages or fewer"),
    "unpacks_too_large": _("The selected file is too large to open. Upload a smaller file"),
    "damaged": _("The selected file is damaged and cannot be opened. Upload another copy"),
}
# Whole sentences for each set of accepted types, so no language has to join a list.
WRONG_TYPE = {
    ("jpeg", "pdf", "png"): _("The selected file must be a PDF, JPG or PNG"),
    ("jpeg", "png"): _("The selected file must be a JPG or PNG"),
    ("jpeg", "pdf"): _("The selected file must be a PDF or JPG"),
    ("pdf", "png"): _("The selected file must be a PDF or PNG"),
    ("pdf",): _("The selected file must be a PDF"),
    ("jpeg",): _("The selected file must be a JPG"),
    ("png",): _("The selected file must be a PNG"),
}


class UploadRefused(Exception):
    """A file that is not kept; ``code`` says why for the log, ``message`` for the person."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def _refusal(code: str, field: FileField | None = None) -> UploadRefused:
    """The refusal ``code`` worded for ``field`` (its limits and accepted types)."""
    if code == "wrong_type" and field is not None:
        return UploadRefused(code, str(WRONG_TYPE[tuple(sorted(set(field.accept)))]))
    if code == "too_many" and field is not None and field.max_files == 1:
        return UploadRefused(code, str(REFUSALS["too_many_one"]))
    values = {
        "size": field.max_size_mb if field is not None else "",
        "count": field.max_files if field is not None else "",
        "megapixels": MAX_IMAGE_PIXELS // 1_000_000,
        "pages": MAX_PDF_PAGES,
    }
    return UploadRefused(code, str(REFUSALS[code]) % values)


def _on_behalf_of(actor: Any, application: Application) -> Any:
    """The account a file is given, refused, removed or opened for: the person's, when the
    officer assisting them acts; the one person applied for, when someone applies for another
    (as ``services.drafts`` records it). Kept here, not imported, so the drafts service may call
    this module without an import cycle."""
    if application.assisted_by_id is not None and application.assisted_by_id == actor.pk:
        return application.user
    others = [s for s in application.subjects or [] if s.get("relationship") != Relationship.SELF]
    return account_of(others[0]["person_id"]) if len(others) == 1 else None


def _may_fill_in_or_404(actor: Any, application: Application) -> None:
    """Another person's application is a 404, audited by the selector in its own transaction."""
    if not may_fill_in(actor, application):
        application_for(user=actor, application_id=application.pk)  # raises Http404


def _is_open(application: Application) -> bool:
    expires_at = application.expires_at
    return application.is_draft and (expires_at is None or expires_at > timezone.now())


def _file_fields(fields: Any, items: int = 1) -> Any:
    """Each file question among ``fields`` with how many times it may be asked (a question in a
    group once per item the group may have)."""
    for one in fields:
        if isinstance(one, FileField):
            yield one, items
        elif isinstance(one, GroupField):
            yield from _file_fields(one.fields, items * one.max_items)


def _ceilings(compiled: CompiledDefinition, field: FileField) -> tuple[int, int]:
    """How many files ``field`` may hold on one application (its ``max_files``, times the items
    of the groups it is in), and how many the whole application may hold (the same, summed over
    its file questions, plus a small margin)."""
    mine, everything = field.max_files, FILES_PER_APPLICATION_MARGIN
    for page in compiled.model.pages:
        for one, items in _file_fields(page.fields):
            everything += one.max_files * items
            if one.id == field.id:
                mine = one.max_files * items
    return mine, everything


def _room_check(application: Application, field: FileField) -> None:
    """ "closed", "too_many" or "too_many_application" unless one more file may be kept, counting
    the Upload rows (the files really kept, whatever a page posted or the answer says yet). Run
    with the application's row locked, so two requests cannot both take the last place."""
    if not _is_open(application):
        raise FileProblem("closed")
    mine, everything = _ceilings(application_compiled(application), field)
    rows = Upload.objects.filter(application_id=application.pk)
    if rows.filter(field_id=field.id).count() >= mine:
        raise FileProblem("too_many")
    if rows.count() >= everything:
        raise FileProblem("too_many_application")


def _room_checked(application: Application, field: FileField) -> None:
    """``_room_check`` under the application's row lock, in a transaction of its own."""
    with transaction.atomic():
        _room_check(Application.objects.select_for_update().get(pk=application.pk), field)


def _read(uploaded: UploadedFile, limit: int) -> bytes:
    """The file's bytes; "too_big" as soon as there are more than ``limit`` (whatever its
    declared size said)."""
    parts: list[bytes] = []
    total = 0
    for chunk in uploaded.chunks():
        total += len(chunk)
        if total > limit:
            raise FileProblem("too_big")
        parts.append(chunk)
    return b"".join(parts)


def _checked(*, application: Application, field: FileField, uploaded: UploadedFile) -> CheckedFile:
    """What to keep of ``uploaded``, or ``FileProblem`` (the "closed" and count codes too). The
    count is checked first, so a file that cannot be kept is not scanned; ``_store`` counts
    again under the lock."""
    _room_checked(application, field)
    limit = field.max_size_mb * MEGABYTE
    if uploaded.size is not None and uploaded.size > limit:
        raise FileProblem("too_big")
    return file_check(_read(uploaded, limit), accept=tuple(field.accept))


def _refusal_record(*, actor: Any, application: Application, field: FileField, code: str) -> None:
    """The refusal on the audit log, committed whatever happens to the request."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=RunnerAction.FILE_REFUSED,
            subject_type=SUBJECT_TYPE,
            subject_id=application.pk,
            on_behalf_of=_on_behalf_of(actor, application),
            purpose="Refuse a file given with an application",
            payload={"field": field.id, "code": code},
        )


def _store(
    *, actor: Any, application: Application, field: FileField, name: str, checked: CheckedFile
) -> Upload:
    scanned = checked.scan.verdict == "clean"
    upload = Upload(
        application=application,
        field_id=field.id,
        name=name,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        scan=ScanResult.CLEAN if scanned else ScanResult.NOT_SCANNED,
        uploaded_by=actor,
    )
    upload.file.save("upload", ContentFile(checked.data), save=False)  # named by upload_path
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            _room_check(locked, field)  # again: another request may have kept one meanwhile
            upload.save(force_insert=True)
            audit_record(
                actor=actor,
                action=RunnerAction.FILE_UPLOADED,
                subject_type=SUBJECT_TYPE,
                subject_id=application.pk,
                on_behalf_of=_on_behalf_of(actor, locked),
                purpose="Keep a file given with an application",
                payload={
                    "upload": str(upload.pk),
                    "field": field.id,
                    "content_type": upload.content_type,
                    "size": upload.size,
                    "scan": upload.scan,
                },
            )
    except BaseException:
        if upload.file.name:
            upload.file.storage.delete(upload.file.name)
        raise
    return upload


def upload_accept(
    *,
    application: Application,
    field: FileField,
    uploaded: UploadedFile,
    actor: Any,
    pending: int = 0,
) -> Upload:
    """Check ``uploaded`` for ``field`` of ``application`` and keep it, or ``UploadRefused``.

    How many files the question (and the application) already holds is counted from the
    Upload rows, under a lock on the application's row, so neither a tampered form nor a second
    tab can pass ``max_files``. ``pending`` is no longer used (the rows count the files accepted
    earlier in the same request); it is kept so older callers still work.
    """
    del pending
    _may_fill_in_or_404(actor, application)
    try:
        checked = _checked(application=application, field=field, uploaded=uploaded)
        name = name_clean(uploaded.name or "", checked.kind)
        return _store(actor=actor, application=application, field=field, name=name, checked=checked)
    except FileProblem as problem:
        _refusal_record(actor=actor, application=application, field=field, code=problem.code)
        raise _refusal(problem.code, field) from problem


def _files_delete(names: list[str]) -> None:
    storage = uploads_storage()
    for name in names:
        storage.delete(name)


def _answer_without(answers: dict[str, Any], field_id: str, upload_id: str) -> dict[str, Any]:
    """``answers`` with the file taken out of its question's list (the question unanswered when
    it was the last one)."""
    files = answers.get(field_id)
    if not isinstance(files, list):
        return answers
    kept = [one for one in files if not (isinstance(one, dict) and one.get("id") == upload_id)]
    changed = dict(answers)
    if kept:
        changed[field_id] = kept
    else:
        changed.pop(field_id, None)
    return changed


def upload_remove(*, actor: Any, application: Application, upload_id: uuid.UUID | str) -> None:
    """Remove a file from a draft: its row, its place in the stored answer and (once the
    transaction commits) the stored file. A file already removed is not an error."""
    _may_fill_in_or_404(actor, application)
    try:
        key = uuid.UUID(str(upload_id))
    except ValueError:
        return
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not _is_open(locked):
            raise _refusal("closed")
        upload = Upload.objects.filter(application=locked, pk=key).first()
        if upload is None:
            return
        field_id, stored_name = upload.field_id, upload.file.name
        upload.delete()
        answers = _answer_without(locked.answers or {}, field_id, str(key))
        if answers != locked.answers:
            locked.answers = answers
            locked.save(update_fields=["answers", "updated_at"])
        audit_record(
            actor=actor,
            action=RunnerAction.FILE_REMOVED,
            subject_type=SUBJECT_TYPE,
            subject_id=locked.pk,
            on_behalf_of=_on_behalf_of(actor, locked),
            purpose="Remove a file from an application not sent yet",
            payload={"upload": str(key), "field": field_id},
        )
        if stored_name:
            transaction.on_commit(partial(_files_delete, [stored_name]))
    application.answers = locked.answers


def upload_download_record(*, actor: Any, upload: Upload) -> None:
    """A file opened by someone other than the person who gave it (the applicant looking at a
    file their centre officer gave, the officer looking at the person's), on the audit log."""
    if actor is None or actor.pk == upload.uploaded_by_id:
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=RunnerAction.FILE_DOWNLOADED,
            subject_type=SUBJECT_TYPE,
            subject_id=upload.application_id,
            on_behalf_of=_on_behalf_of(actor, upload.application),
            purpose="Open a file given with an application",
            payload={"upload": str(upload.pk), "field": upload.field_id},
        )


def uploads_orphaned_delete(*, actor: Any, application: Application, keep_ids: set[str]) -> int:
    """Delete the application's files whose id is not in ``keep_ids`` (the files its visible
    answers list, ``upload_ids_referenced``): a file given for a question now hidden, or given
    on a page that was then not saved. Each one is audited (``FILE_REMOVED``, reason
    "not_in_answers"); the stored files go once the transaction commits. Returns how many.

    Runs in the caller's transaction when there is one (``application_page_save``,
    ``application_submit``), with the application's row locked."""
    _may_fill_in_or_404(actor, application)
    keep = {str(one) for one in keep_ids}
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        dropped = [
            row for row in Upload.objects.filter(application=locked) if str(row.pk) not in keep
        ]
        if not dropped:
            return 0
        on_behalf_of = _on_behalf_of(actor, locked)
        Upload.objects.filter(pk__in=[row.pk for row in dropped]).delete()
        for row in dropped:
            audit_record(
                actor=actor,
                action=RunnerAction.FILE_REMOVED,
                subject_type=SUBJECT_TYPE,
                subject_id=locked.pk,
                on_behalf_of=on_behalf_of,
                purpose="Remove a file no answer of an application lists",
                payload={"upload": str(row.pk), "field": row.field_id, "reason": "not_in_answers"},
            )
        names = [row.file.name for row in dropped if row.file.name]
        if names:
            transaction.on_commit(partial(_files_delete, names))
    return len(dropped)
