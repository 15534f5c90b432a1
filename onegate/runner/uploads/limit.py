"""A ceiling on the files one page's request may carry, enforced while Django reads the body.

``page_upload_budget`` says how many bytes of files a page may take (what its file questions
allow, never more than ``constants.MAX_REQUEST_FILE_BYTES``); ``upload_limit_install`` puts a
handler first in the request's upload handlers that stops the upload as soon as the files sent
pass that budget, before anything is spooled past it. The view then finds
``request._onegate_upload_too_large`` set and says so on the page.

It must be installed before ``request.POST`` or ``request.FILES`` is first read (so before the
CSRF check reads the form: the view is ``csrf_exempt`` and checks CSRF itself, after installing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext

from onegate.definitions.language.model import FileField, GroupField, Page
from onegate.runner.constants import MAX_REQUEST_FILE_BYTES

__all__ = [
    "TOO_LARGE_FLAG",
    "RequestFilesLimit",
    "page_upload_budget",
    "upload_limit_install",
    "upload_too_large",
    "upload_too_large_message",
]

MEGABYTE = 1024 * 1024
TOO_LARGE_FLAG = "_onegate_upload_too_large"
# The form's other parts and the multipart framing, allowed on top of the files' budget when the
# declared length of the body is compared with it.
FORM_ALLOWANCE = 1024 * 1024


def _file_bytes(fields: Iterable[Any], items: int = 1) -> int:
    """The bytes the file questions among ``fields`` may take, each group's items counted."""
    total = 0
    for one in fields:
        if isinstance(one, FileField):
            total += one.max_size_mb * MEGABYTE * one.max_files * items
        elif isinstance(one, GroupField):
            total += _file_bytes(one.fields, items * one.max_items)
    return total


def page_upload_budget(page: Page | None) -> int:
    """The bytes of files a POST of ``page`` may carry: ``max_size_mb`` times ``max_files`` of
    each of its file questions (those in groups for every item, those revealed by an answer too),
    0 when it has none, never more than ``MAX_REQUEST_FILE_BYTES``."""
    if page is None:
        return 0
    return min(_file_bytes(page.fields), MAX_REQUEST_FILE_BYTES)


class RequestFilesLimit(FileUploadHandler):
    """Stops the upload (``StopUpload(connection_reset=True)``) once the files sent in the
    request pass ``budget_bytes``, or at the first file when the body is declared longer than
    the budget and the form's allowance together. Passes every chunk on otherwise."""

    def __init__(self, request: Any, budget_bytes: int) -> None:
        super().__init__(request)
        self.budget_bytes = max(0, budget_bytes)
        self.received = 0
        self.declared = 0

    def _stop(self) -> None:
        if self.request is not None:
            setattr(self.request, TOO_LARGE_FLAG, True)
        raise StopUpload(connection_reset=True)

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.declared = content_length or 0
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared > self.budget_bytes + FORM_ALLOWANCE:
            self._stop()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.budget_bytes:
            self._stop()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def upload_limit_install(request: Any, *, budget_bytes: int) -> None:
    """Put the files ceiling first in ``request``'s upload handlers. ``RuntimeError`` when the
    body was already read (the ceiling could not apply any more)."""
    if hasattr(request, "_files"):
        raise RuntimeError("upload_limit_install must run before request.POST or FILES is read")
    setattr(request, TOO_LARGE_FLAG, False)
    request.upload_handlers.insert(0, RequestFilesLimit(request, budget_bytes))


def upload_too_large_message(page: Page | None) -> str:
    """What the page says when its request carried more than its budget: the largest file its
    questions take, or that it takes no file."""
    sizes = [one.max_size_mb for one in _file_fields(page.fields if page is not None else [])]
    if not sizes:
        return gettext("This page does not take files")
    return gettext("The selected file must be smaller than %(size)s MB") % {"size": max(sizes)}


def _file_fields(fields: Iterable[Any]) -> Iterable[FileField]:
    for one in fields:
        if isinstance(one, FileField):
            yield one
        elif isinstance(one, GroupField):
            yield from _file_fields(one.fields)


def upload_too_large(request: Any) -> bool:
    """Whether ``request`` carried more files than its budget. Reads the body first (the ceiling
    only knows once the body has been parsed), so it is safe to call before anything else has."""
    request.FILES  # noqa: B018 (parses the body through the handlers)
    return bool(getattr(request, TOO_LARGE_FLAG, False))
