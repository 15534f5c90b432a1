"""The forms a person fills in about their case: answering a request for information (text and
files), withdrawing (only the version of the case the page showed), asking for a review.

They check what the page can say at once (too long, nothing given, too many files); the
services check everything again, the files' contents too, and say what else is wrong.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from onegate.cases.constants import (
    ANSWER_FILE_MAX_BYTES,
    ANSWER_MAX_CHARS,
    ANSWER_MAX_FILES,
    REASON_MAX_CHARS,
)

__all__ = ["ANSWER_ACCEPT", "AnswerForm", "ReviewForm", "WithdrawForm"]

# What the file input offers (the service sniffs the contents whatever the name says).
ANSWER_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (``<input type="file" multiple>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        given = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(one, initial) for one in given if one]


class VersionedForm(forms.Form):
    """A form about a case carries the version of the case it was drawn from."""

    lock_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def version(self) -> int:
        """The version sent, or 0 (never a case's: the service then says it is out of date)."""
        value = self.cleaned_data.get("lock_version") if hasattr(self, "cleaned_data") else None
        return int(value) if value is not None else 0


class WithdrawForm(VersionedForm):
    """Withdraw the application for this person: nothing to fill in but the version."""


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you think the decision is wrong?"),
        max_length=REASON_MAX_CHARS,
        error_messages={
            "required": _("Enter why you think the decision is wrong"),
            "max_length": _("Your reasons must be %(limit_value)s characters or fewer"),
        },
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=ANSWER_MAX_CHARS,
        error_messages={"max_length": _("Your answer must be %(limit_value)s characters or fewer")},
    )
    attachments = MultipleFileField(label=_("Upload files (optional)"), required=False)

    def clean_answer(self) -> str:
        return str(self.cleaned_data.get("answer") or "").replace("\r\n", "\n").strip()

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = list(self.cleaned_data.get("attachments") or [])
        if len(files) > ANSWER_MAX_FILES:
            raise forms.ValidationError(
                _("Select %(count)s files or fewer"), params={"count": ANSWER_MAX_FILES}
            )
        for one in files:
            if (one.size or 0) > ANSWER_FILE_MAX_BYTES:
                raise forms.ValidationError(
                    _("%(name)s must be smaller than %(size)s"),
                    params={"name": one.name, "size": filesizeformat(ANSWER_FILE_MAX_BYTES)},
                )
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("answer") and not cleaned.get("attachments"):
            self.add_error("answer", _("Enter your answer or upload a file"))
        return cleaned
