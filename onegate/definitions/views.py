"""The service designer's pages for service owners: their agencies' services, a definition and its
versions, editing the draft (a plain textarea; problems shown in place, with their lines), the
rules tests, the preview (the runner's own pages, one at a time) in each language, export, and a
new service from a file.

Every page needs ``catalogue.edit_service`` in some agency (``staff_required``) and then finds
the definition only among the person's agencies (``selectors.definition_for_designer``), so
another agency's service is a 404 and never leaks. Publishing, rollback and retirement are in
``views_versions``; the form.io import in ``views_formio``. The services check everything again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import SUPPORTED, current_language, pick
from onegate.definitions.constants import VersionStatus
from onegate.definitions.forms import SourceForm
from onegate.definitions.language import (
    CompiledDefinition,
    DefinitionInvalid,
    definition_compile,
    rules_tests_run,
)
from onegate.definitions.language.model import Page
from onegate.definitions.models import Definition, DefinitionVersion
from onegate.definitions.preview import (
    definition_preview,
    preview_facts,
    preview_page,
)
from onegate.definitions.selectors import (
    definition_current_version,
    definition_draft,
    definition_for_designer,
    definition_title,
    definition_version,
    definition_version_compiled,
    definition_versions,
    definitions_for_designer,
    designer_agencies,
)
from onegate.definitions.services import definition_draft_save
from onegate.identity.permissions import StaffPermission, staff_can, staff_required
from onegate.runner.fields import page_form

EDIT, PUBLISH = StaffPermission.EDIT_SERVICE, StaffPermission.PUBLISH_DEFINITION


# --- shared by the designer's views ------------------------------------------------------------


def designer_definition(request: HttpRequest, slug: str) -> Definition:
    """The definition ``slug`` of one of the person's agencies; 404 for any other."""
    found = definition_for_designer(user=request.user, slug=slug)
    if found is None:
        raise Http404("no such service in your agencies")
    return found


def require_publisher(request: HttpRequest, definition: Definition) -> None:
    if not staff_can(request.user, PUBLISH, agency_slug=definition.agency_slug):
        raise PermissionDenied(PUBLISH)


def version_of(definition: Definition, ref: str) -> DefinitionVersion:
    """``"draft"`` or a version number; 404 when there is no such version."""
    found = definition_version(definition=definition, ref=ref)
    if found is None:
        raise Http404("no such version")
    return found


def compiled_of(version: DefinitionVersion) -> CompiledDefinition:
    """The version compiled: a released one from the cache, a draft afresh from the text in hand
    (``DefinitionInvalid`` when it does not compile)."""
    if version.is_draft:
        return definition_compile(version.source)
    return definition_version_compiled(version_id=version.pk)


def version_ref(version: DefinitionVersion) -> str:
    return "draft" if version.number is None else str(version.number)


def agency_name(slug: str) -> str:
    agency = catalogue_current().agency(slug)
    return pick(agency.name) if agency is not None else slug


def definition_url(definition: Definition) -> str:
    return reverse("definitions:definition", kwargs={"slug": definition.slug})


def add_problems(form: SourceForm, invalid: DefinitionInvalid) -> None:
    """Each problem of the definition as an error of the text box, with its line and place."""
    for problem in invalid.problems:
        form.add_error("source", str(problem))


# --- pages -------------------------------------------------------------------------------------


@never_cache
@require_safe
@staff_required(EDIT)
def services(request: HttpRequest) -> HttpResponse:
    """The services of the person's agencies: the version in use and whether a draft is open."""
    agencies = designer_agencies(user=request.user)
    rows = definitions_for_designer(user=request.user)
    groups = [
        {
            "slug": slug,
            "name": agency_name(slug),
            "rows": [r for r in rows if r.agency_slug == slug],
        }
        for slug in agencies
    ]
    return render(request, "definitions/designer/services.html", {"groups": groups})


@never_cache
@require_safe
@staff_required(EDIT)
def definition_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A service's definition: its versions with their notes, who and when, and what to do next."""
    definition = designer_definition(request, slug)
    versions = definition_versions(definition=definition)
    released = [v for v in versions if v.number is not None]
    current = next((v for v in released if v.status == VersionStatus.PUBLISHED), None)
    context = {
        "definition": definition,
        "title": definition_title(slug=slug),
        "agency_name": agency_name(definition.agency_slug),
        "versions": versions,
        "draft": next((v for v in versions if v.number is None), None),
        "current": current,
        "published_count": sum(v.status == VersionStatus.PUBLISHED for v in released),
        "can_publish": staff_can(request.user, PUBLISH, agency_slug=definition.agency_slug),
        "refs": [("draft" if v.number is None else str(v.number), v) for v in versions],
    }
    return render(request, "definitions/designer/definition.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(EDIT)
def draft_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit the draft (started from the version in use when there is none); problems in place."""
    definition = designer_definition(request, slug)
    draft = definition_draft(definition=definition)
    start = draft or definition_current_version(definition=definition)
    form = SourceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={
            "source": start.source if start else "",
            "note": draft.change_note if draft else "",
        },
    )
    if form.is_bound and form.is_valid():
        try:
            saved = definition_draft_save(
                actor=request.user,
                source=form.cleaned_data["source"],
                note=form.cleaned_data["note"],
                agency_slug=definition.agency_slug,
                service_slug=definition.slug,
            )
        except DefinitionInvalid as invalid:
            add_problems(form, invalid)
        else:
            _tell_saved(request, saved)
            return HttpResponseRedirect(definition_url(definition))
    context = {
        "form": form,
        "definition": definition,
        "title": definition_title(slug=slug),
        "draft": draft,
    }
    status = 400 if form.errors else 200
    return render(request, "definitions/designer/draft.html", context, status=status)


def _tell_saved(request: HttpRequest, draft: DefinitionVersion) -> None:
    """Saved; and whether its rules tests pass (the saved text compiles: the save checked it)."""
    failed = sum(not result.passed for result in rules_tests_run(compiled_of(draft)))
    if failed:
        message = ngettext(
            "The draft is saved. It cannot be published yet: %(count)s of its rules tests "
            "fails. Run the rules tests to see which.",
            "The draft is saved. It cannot be published yet: %(count)s of its rules tests "
            "fail. Run the rules tests to see which.",
            failed,
        )
        messages.warning(request, message % {"count": failed})
    else:
        messages.success(request, _("The draft is saved. Its rules tests pass."))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(EDIT)
def service_new(request: HttpRequest) -> HttpResponse:
    """A new service (or a new draft of one) from a definition file, pasted or uploaded."""
    form = SourceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound and form.is_valid():
        try:
            saved = definition_draft_save(
                actor=request.user,
                source=form.cleaned_data["source"],
                note=form.cleaned_data["note"],
            )
        except DefinitionInvalid as invalid:
            add_problems(form, invalid)
        else:
            _tell_saved(request, saved)
            return HttpResponseRedirect(definition_url(saved.definition))
    status = 400 if form.errors else 200
    return render(request, "definitions/designer/new.html", {"form": form}, status=status)


@never_cache
@require_safe
@staff_required(EDIT)
def rules_tests(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    """Run a version's rules tests: each example passed or failed, and why."""
    definition = designer_definition(request, slug)
    version = version_of(definition, ref)
    context: dict[str, Any] = {
        "definition": definition,
        "version": version,
        "ref": ref,
        "title": definition_title(slug=slug),
        "problems": [],
        "results": [],
    }
    try:
        compiled = compiled_of(version)
    except DefinitionInvalid as invalid:
        context["problems"] = invalid.problems
    else:
        context["results"] = rules_tests_run(compiled)
    return render(request, "definitions/designer/tests.html", context)


@never_cache
@require_safe
@staff_required(EDIT)
def preview(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    """One page of a version as a person meets it (``?page=<id>``, the first by default), in the
    language asked for (``?lang=th``), with sample registry facts; never submittable. Beside it,
    every page to move between and what decides the page's fields."""
    definition = designer_definition(request, slug)
    version = version_of(definition, ref)
    language = request.GET.get("lang", "")
    language = language if language in SUPPORTED else current_language()
    context: dict[str, Any] = {
        "definition": definition,
        "version": version,
        "ref": ref,
        "title": definition_title(slug=slug),
        "preview_language": language,  # "language" is the page's own (context processor)
        "languages": SUPPORTED,
        "pages": [],
        "problems": [],
    }
    try:
        compiled = compiled_of(version)
    except DefinitionInvalid as invalid:
        context["problems"] = invalid.problems
        return render(request, "definitions/designer/preview.html", context)
    shown = preview_page(compiled.model, request.GET.get("page"))
    if shown is None:
        raise Http404("no such page in this version")
    pages = definition_preview(compiled.model, language)
    context.update(
        model=compiled.model,
        title=pick(compiled.model.title),  # this version's, not the catalogue's
        pages=pages,
        page=next(page for page in pages if page.id == shown.id),
        drawn=_page_drawn(request, compiled, shown, language),
    )
    return render(request, "definitions/designer/preview.html", context)


def _page_drawn(
    request: HttpRequest, compiled: CompiledDefinition, page: Page, language: str
) -> str:
    """The page as the runner draws it, wholly in ``language`` (its buttons and messages too),
    every field shown whatever the sample facts say (the runner marks those they would hide).

    The designer reaches into the runner here, against the usual flow, on purpose: the preview
    must be the runner's own rendering, not a second one that could drift from it.
    """
    with translation.override(language):
        form = page_form(
            compiled=compiled,
            page=page,
            application=None,
            language=language,
            preview_facts=preview_facts(compiled.model),
        )
        return mark_safe(  # noqa: S308 (a template's output, escaped by Jinja2 as it was made)
            render_to_string(
                "runner/preview_page.html",
                {
                    "form": form,
                    "title": pick(page.title, language),
                    "service_title": pick(compiled.model.title, language),
                },
                request=request,
            )
        )


@never_cache
@require_safe
@staff_required(EDIT)
def export(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    """The portable definition file of a version, as a download (``<slug>-v<N>.yaml``)."""
    definition = designer_definition(request, slug)
    version = version_of(definition, ref)
    response = HttpResponse(version.source, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.export_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
