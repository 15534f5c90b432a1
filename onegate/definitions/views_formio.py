"""The designer's "Import a form.io form" page: a form.io JSON form becomes the draft of a new
service. The first step converts it and shows the import's report (what was imported, changed or
left out, and why) with the resulting definition; the second saves that text, as checked by the
person, as the draft.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.definitions.formio import NotFormio, formio_import
from onegate.definitions.forms import FormioForm, SourceForm
from onegate.definitions.language import DefinitionInvalid
from onegate.definitions.selectors import designer_agencies
from onegate.definitions.services import definition_draft_save
from onegate.definitions.views import EDIT, add_problems, agency_name, definition_url
from onegate.identity.permissions import staff_required

TEMPLATE = "definitions/designer/import_formio.html"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(EDIT)
def formio_import_page(request: HttpRequest) -> HttpResponse:
    agencies = [(slug, agency_name(slug)) for slug in designer_agencies(user=request.user)]
    context: dict[str, Any] = {"report": None}
    if request.method == "POST" and request.POST.get("step") == "save":
        return _save(request, context)
    posted = request.method == "POST"
    form = FormioForm(
        request.POST if posted else None, request.FILES if posted else None, agencies=agencies
    )
    context["form"] = form
    if form.is_bound and form.is_valid():
        _convert(form, context)
    status = 400 if form.errors else 200
    return render(request, TEMPLATE, context, status=status)


def _convert(form: FormioForm, context: dict[str, Any]) -> None:
    data = form.cleaned_data
    try:
        result = formio_import(
            data["json"],
            service=data["service"],
            title={"en": data["title_en"], "th": data["title_th"]},
            agency=data["agency"],
        )
    except NotFormio as refused:
        for problem in refused.problems:
            form.add_error("json", problem)
        return
    except DefinitionInvalid as invalid:  # what the import made does not compile: say why
        for found in invalid.problems:
            form.add_error("json", str(found))
        return
    context["report"] = result.report
    context["source_form"] = SourceForm(initial={"source": result.source})


def _save(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    source_form = SourceForm(request.POST, request.FILES)
    if source_form.is_valid():
        try:
            saved = definition_draft_save(
                actor=request.user,
                source=source_form.cleaned_data["source"],
                note=source_form.cleaned_data["note"] or _("Imported from a form.io form"),
            )
        except DefinitionInvalid as invalid:
            add_problems(source_form, invalid)
        else:
            return HttpResponseRedirect(definition_url(saved.definition))
    # The text box is the page's form now: its errors head the page in the error summary.
    context.update(source_form=source_form, form=source_form, report=[])
    return render(request, TEMPLATE, context, status=400)
