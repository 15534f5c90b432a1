"""Admin for the catalogue: agencies, life events and services, with one box per language.

Translated text is stored as ``{"en": ..., "th": ...}`` maps; the admin shows an English and a
Thai box for each instead of raw JSON, and keywords one per line. For a service whose published
definition owns its title, summary, agency, level and status, those fields are read-only here; a
service without one cannot be set live (``Service.clean`` says why on the form).
Saving through the admin changes the catalogue revision (see ``signals``), so every process
picks the change up on its next request.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onegate.catalogue.models import Agency, LifeEvent, Service
from onegate.catalogue.services import (
    DEFINITION_OWNED_FIELDS,
    catalogue_record_delete,
    catalogue_record_save,
)
from onegate.catalogue.validators import LANGUAGE_NAMES
from onegate.core.languages import SUPPORTED, pick

TEXT_FIELDS = {"name", "title"}
LONG_TEXT_FIELDS = {"description", "summary"}


class TranslatedTextWidget(forms.MultiWidget):
    """One input per language, each labelled with its language for screen readers."""

    def __init__(self, *, multiline: bool = False) -> None:
        widget = forms.Textarea if multiline else forms.TextInput
        super().__init__(
            {
                language: widget(
                    attrs={"lang": language, "aria-label": LANGUAGE_NAMES[language], "rows": 3}
                    if multiline
                    else {"lang": language, "aria-label": LANGUAGE_NAMES[language], "size": 60}
                )
                for language in SUPPORTED
            }
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [value.get(language, "") for language in SUPPORTED]
        return ["" for _language in SUPPORTED]


class TranslatedTextField(forms.MultiValueField):
    """A ``{"en": ..., "th": ...}`` map edited as one box per language."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        for unused in ("encoder", "decoder", "max_length"):
            kwargs.pop(unused, None)
        super().__init__(
            fields=[forms.CharField() for _language in SUPPORTED],
            widget=TranslatedTextWidget(multiline=multiline),
            require_all_fields=True,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dict[str, str]:
        return dict(zip(SUPPORTED, (text.strip() for text in data_list), strict=True))


class KeywordsWidget(TranslatedTextWidget):
    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return ["\n".join(value.get(language, [])) for language in SUPPORTED]
        return ["" for _language in SUPPORTED]


class KeywordsField(forms.MultiValueField):
    """Keyword lists per language, edited as one keyword or phrase per line."""

    def __init__(self, **kwargs: Any) -> None:
        for unused in ("encoder", "decoder", "max_length"):
            kwargs.pop(unused, None)
        kwargs["required"] = False
        super().__init__(
            fields=[forms.CharField(required=False) for _language in SUPPORTED],
            widget=KeywordsWidget(multiline=True),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[str]) -> dict[str, list[str]]:
        lines = data_list or ["" for _language in SUPPORTED]
        return {
            language: [line.strip() for line in (text or "").splitlines() if line.strip()]
            for language, text in zip(SUPPORTED, lines, strict=True)
        }


class TranslatedAdmin(admin.ModelAdmin):
    """Language boxes for the translated-text fields of a catalogue model; saves are audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        catalogue_record_save(
            actor=request.user,
            record=obj,
            changed_fields=list(form.changed_data),
            save=lambda: super(TranslatedAdmin, self).save_model(request, obj, form, change),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        catalogue_record_delete(actor=request.user, record=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for record in queryset:
            catalogue_record_delete(actor=request.user, record=record)

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        options: dict[str, Any] = {"label": db_field.verbose_name, "help_text": db_field.help_text}
        if db_field.name in TEXT_FIELDS:
            return TranslatedTextField(**options)
        if db_field.name in LONG_TEXT_FIELDS:
            return TranslatedTextField(multiline=True, **options)
        if db_field.name == "keywords":
            return KeywordsField(**options)
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Agency)
class AgencyAdmin(TranslatedAdmin):
    list_display = ("slug", "english_name", "thai_name", "website")
    search_fields = ("slug",)

    @admin.display(description=_("name in English"))
    def english_name(self, agency: Agency) -> str:
        return pick(agency.name, "en")

    @admin.display(description=_("name in Thai"))
    def thai_name(self, agency: Agency) -> str:
        return pick(agency.name, "th")


@admin.register(LifeEvent)
class LifeEventAdmin(TranslatedAdmin):
    list_display = ("slug", "english_title", "thai_title", "order")
    list_editable = ("order",)
    search_fields = ("slug",)

    @admin.display(description=_("title in English"))
    def english_title(self, event: LifeEvent) -> str:
        return pick(event.title, "en")

    @admin.display(description=_("title in Thai"))
    def thai_title(self, event: LifeEvent) -> str:
        return pick(event.title, "th")


@admin.register(Service)
class ServiceAdmin(TranslatedAdmin):
    list_display = (
        "slug", "english_title", "agency", "status", "level_of_assurance", "popular_rank",
        "has_definition",
    )  # fmt: skip
    list_filter = ("status", "level_of_assurance", "agency", "has_definition")
    list_select_related = ("agency",)
    search_fields = ("slug",)
    filter_horizontal = ("life_events",)
    readonly_fields = ("has_definition",)

    @admin.display(description=_("title in English"))
    def english_title(self, service: Service) -> str:
        return pick(service.title, "en")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_definition:
            owned = tuple(name.removesuffix("_id") for name in sorted(DEFINITION_OWNED_FIELDS))
            return fields + owned
        return fields
