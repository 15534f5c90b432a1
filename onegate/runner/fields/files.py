"""Files: the files already given are listed on the page (each checked to be this application's,
for this field), new ones go through the uploads service (which refuses the wrong ones with a
message), and "Remove" takes one away. A preview takes no file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from onegate.definitions.language.model import AnyField
from onegate.runner.fields.base import Answer, Form, field_kind

ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
}
_FILE_TYPES = {"pdf": "PDF", "jpeg": "JPG", "png": "PNG"}


def _files_shown(_one: AnyField, value: Any, _form: Form) -> list[dict[str, Any]]:
    return [dict(item) for item in value or []]


def _file_extra(one: Any, answer: Answer, _form: Form) -> dict[str, Any]:
    values = {
        "types": ", ".join(_FILE_TYPES[item] for item in one.accept),
        "size": one.max_size_mb,
        "count": one.max_files,
    }
    if one.max_files == 1:
        limits = _("%(types)s, up to %(size)s MB") % values
    else:
        limits = _("Up to %(count)s files: %(types)s, each up to %(size)s MB") % values
    return {
        "accept": ",".join(ACCEPT[item] for item in one.accept),
        "max_files": one.max_files,
        "can_add": len(answer.value or []) < one.max_files,
        "limits": limits,
    }


def _files_take(answer: Answer, form: Form) -> None:
    """Accept the files sent for a visible file field, up to its ``max_files``."""
    one: Any = answer.field
    sent = form.uploaded(answer.name)
    files = list(answer.value or [])
    if sent and form.application is None:
        answer.error = _("Files cannot be uploaded in a preview")
    elif sent:
        from onegate.runner.services.uploads import UploadRefused, upload_accept

        for uploaded in sent:
            if len(files) >= one.max_files:
                answer.error = _too_many_files(one)
                break
            try:
                upload = upload_accept(
                    application=form.application, field=one, uploaded=uploaded, actor=form.actor
                )
            except UploadRefused as refused:
                answer.error = str(refused.message)
                continue
            files.append(_file_entry(upload))
    answer.value = answer.raw = files
    if answer.error is None and not files and one.required:
        answer.error = _("Upload a file for “%(label)s”") % {"label": form.label(one)}


@field_kind("file", show=_files_shown, take=_files_take, extra=_file_extra)
def _read_files(one: Any, name: str, form: Form) -> Answer:
    if name == one.id:  # a question of the page itself: every file kept for it, in order
        files = _uploads_of(one, form, form.values(f"{name}-uploaded"))
    else:  # in a group's item: the files that item lists (a file row does not know its item)
        files = _uploads_kept(one, form, form.values(f"{name}-uploaded"))
    action, _sep, upload_id = form.action.rpartition(":")
    if action == f"remove-file:{name}" and any(item["id"] == upload_id for item in files):
        from onegate.runner.services.uploads import upload_remove

        upload_remove(actor=form.actor, application=form.application, upload_id=upload_id)
        files = [item for item in files if item["id"] != upload_id]
    return Answer(one, value=files, raw=files)


def _uploads_kept(one: AnyField, form: Form, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The files listed on the page that really are this application's, for this field."""
    wanted = list(dict.fromkeys(item for item in ids if _is_uuid(item)))
    if form.application is None or not wanted:
        return []
    from onegate.runner.models import Upload

    rows = Upload.objects.filter(application=form.application, field_id=one.id, pk__in=wanted)
    found = {str(row.pk): row for row in rows}
    return [_file_entry(found[item]) for item in wanted if item in found]


def _uploads_of(one: AnyField, form: Form, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Every file kept for this question of the application, those the page lists first, in its
    order: a file given in another tab, or on a POST whose page was not saved, is shown (and
    counted against ``max_files`` by the service) instead of being forgotten."""
    if form.application is None:
        return []
    from onegate.runner.models import Upload

    rows = Upload.objects.filter(application=form.application, field_id=one.id).order_by(
        "created_at", "pk"
    )
    found = {str(row.pk): row for row in rows}
    listed = [item for item in dict.fromkeys(ids) if item in found]
    order = listed + [key for key in found if key not in listed]
    return [_file_entry(found[key]) for key in order]


def _file_entry(upload: Any) -> dict[str, Any]:
    return {
        "id": str(upload.pk),
        "name": upload.name,
        "size": upload.size,
        "content_type": upload.content_type,
    }


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _too_many_files(one: Any) -> str:
    if one.max_files == 1:
        return _("You can upload only 1 file here: remove it first to give another")
    return _("You can upload up to %(count)s files here") % {"count": one.max_files}


def file_url(form: Form, upload_id: str) -> str:
    """Where a file given on this application is downloaded ("" in a preview)."""
    if form.application is None:
        return ""
    try:
        return reverse(
            "runner:file",
            kwargs={"application_id": form.application.pk, "upload_id": upload_id},
        )
    except NoReverseMatch:  # the download view is not wired yet
        return ""
