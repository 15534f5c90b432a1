"""The designer's forms: the definition text (typed, pasted or uploaded), change notes, choosing
two versions to compare, and the form.io file to import. They check shape only; the services
check the definition itself and say what is wrong with it, line by line."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from onegate.definitions.constants import MAX_NOTE_CHARS, MAX_SOURCE_CHARS

MAX_UPLOAD_BYTES = 4 * MAX_SOURCE_CHARS  # UTF-8 takes up to four bytes a character


def read_upload(upload: UploadedFile | None) -> str:
    """An uploaded text file's content; ``ValidationError`` when it is too big, longer than a
    definition may be once decoded, or not UTF-8."""
    if upload is None:
        return ""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is too big."), code="too_big")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file must be text in UTF-8 (YAML or JSON)."), code="not_text"
        ) from error
    if len(text) > MAX_SOURCE_CHARS:  # an upload replaces the text box, so check it the same
        raise ValidationError(
            _("The file is too long: at most %(count)s characters."),
            code="too_long",
            params={"count": MAX_SOURCE_CHARS},
        )
    return text


class SourceForm(forms.Form):
    """A definition as text: typed or pasted in the box, or uploaded as a file (which wins)."""

    source = forms.CharField(
        label=_("Service definition"),
        required=False,
        strip=False,
        max_length=MAX_SOURCE_CHARS,
        widget=forms.Textarea,
    )
    upload = forms.FileField(label=_("Or upload a file"), required=False)
    note = forms.CharField(
        label=_("What you changed (optional)"), required=False, max_length=MAX_NOTE_CHARS
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            uploaded = read_upload(data.get("upload"))
        except ValidationError as error:
            self.add_error("upload", error)
            return data
        if uploaded:
            data["source"] = uploaded
        if not (data.get("source") or "").strip():
            self.add_error(
                "source", ValidationError(_("Enter the service definition."), code="required")
            )
        return data


class NoteForm(forms.Form):
    """The change note publishing, rolling back and retiring need: what and why."""

    note = forms.CharField(
        label=_("Change note"),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea,
        error_messages={"required": _("Say what changed and why.")},
    )


class DiffForm(forms.Form):
    """Two versions to compare: a number, or "draft"."""

    old = forms.ChoiceField(label=_("Compare"))
    new = forms.ChoiceField(label=_("With"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("old", "new"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices


class FormioForm(forms.Form):
    """A form.io form (JSON) to turn into a draft definition of a new service."""

    upload = forms.FileField(label=_("Upload the form.io JSON file"), required=False)
    json = forms.CharField(
        label=_("Or paste the JSON"),
        required=False,
        strip=False,
        max_length=MAX_SOURCE_CHARS,
        widget=forms.Textarea,
    )
    service = forms.SlugField(
        label=_("Web address name of the new service"),
        help_text=_("Lower-case letters, digits and hyphens, for example fishing-permit."),
        max_length=80,
        error_messages={
            "required": _("Enter the web address name of the new service"),
            "invalid": _(
                "Enter a web address name with only lower-case letters, digits and hyphens"
            ),
        },
    )
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        error_messages={"required": _("Enter the service's title in English")},
    )
    title_th = forms.CharField(
        label=_("Title in Thai"),
        max_length=200,
        error_messages={"required": _("Enter the service's title in Thai")},
    )
    agency = forms.ChoiceField(
        label=_("Agency"), error_messages={"required": _("Choose the agency that owns it")}
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = agencies

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            uploaded = read_upload(data.get("upload"))
        except ValidationError as error:
            self.add_error("upload", error)
            return data
        data["json"] = uploaded or data.get("json") or ""
        if not data["json"].strip():
            self.add_error(
                "json", ValidationError(_("Upload or paste a form.io form."), code="required")
            )
        return data
