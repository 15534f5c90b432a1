"""The designer's pages that change which version people use: publish the draft (with a change
note, after a confirmation page), roll back to an earlier version, retire one; and the diff
between any two versions. Publishing, rollback and retirement need
``definitions.publish_definition`` in the service's agency; the services check it again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.definitions.constants import VersionStatus
from onegate.definitions.diff import DefinitionDiff, definition_diff
from onegate.definitions.forms import DiffForm, NoteForm
from onegate.definitions.language import DefinitionInvalid, definition_check, definition_compile
from onegate.definitions.models import Definition, DefinitionVersion
from onegate.definitions.selectors import definition_versions
from onegate.definitions.services import (
    DefinitionRefused,
    definition_publish,
    definition_retire,
    definition_rollback,
)
from onegate.definitions.views import (
    EDIT,
    definition_url,
    designer_definition,
    require_publisher,
    service_title,
    version_of,
    version_ref,
)
from onegate.identity.permissions import staff_required


def _current(definition: Definition) -> DefinitionVersion | None:
    return definition.versions.filter(status=VersionStatus.PUBLISHED).first()


def _diff(old: DefinitionVersion | None, new: DefinitionVersion) -> DefinitionDiff | None:
    """The diff of two versions; None when either does not compile (a draft being written)."""
    if old is None:
        return None
    try:
        before, after = definition_compile(old.source), definition_compile(new.source)
    except DefinitionInvalid:
        return None
    return definition_diff(
        before.model,
        after.model,
        old_source=old.source,
        new_source=new.source,
        old_name=old.export_name,
        new_name=new.export_name,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(EDIT)
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Check the draft, show what changes, and publish it with a change note."""
    definition = designer_definition(request, slug)
    require_publisher(request, definition)
    draft = _posted_version(request, definition) or version_of(definition, "draft")
    form = NoteForm(request.POST or None, initial={"note": draft.change_note})
    problems: list[Any] = []
    if form.is_bound and form.is_valid():
        try:
            version = definition_publish(
                actor=request.user, version=draft, note=form.cleaned_data["note"]
            )
        except DefinitionInvalid as invalid:
            problems = invalid.problems
        except DefinitionRefused as refused:
            form.add_error("note", refused.message)
        else:
            messages.success(
                request,
                _("Version %(number)s is published. People who start the service now use it.")
                % {"number": version.number},
            )
            return HttpResponseRedirect(definition_url(definition))
    elif draft.is_draft:
        problems = definition_check(draft.source)
    context = {
        "definition": definition,
        "title": service_title(slug),
        "draft": draft,
        "form": form,
        "problems": problems,
        "diff": _diff(_current(definition), draft),
    }
    status = 400 if form.errors or (form.is_bound and problems) else 200
    return render(request, "definitions/designer/publish.html", context, status=status)


def _posted_version(request: HttpRequest, definition: Definition) -> DefinitionVersion | None:
    """The draft the confirmation page was for: a retried publish names the same one."""
    key = request.POST.get("version") if request.method == "POST" else None
    if not key:
        return None
    try:
        return definition.versions.select_related("definition").get(pk=key)
    except (DefinitionVersion.DoesNotExist, ValidationError, ValueError) as error:
        raise Http404("no such version") from error


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(EDIT)
def rollback(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Publish an earlier version's text again, as the newest version, with a note."""
    definition = designer_definition(request, slug)
    require_publisher(request, definition)
    earlier = version_of(definition, str(number))
    form = NoteForm(request.POST or None)
    problems: list[Any] = []
    if form.is_bound and form.is_valid():
        try:
            version = definition_rollback(
                actor=request.user,
                definition=definition,
                to_number=number,
                note=form.cleaned_data["note"],
            )
        except DefinitionInvalid as invalid:
            problems = invalid.problems
        except DefinitionRefused as refused:
            form.add_error("note", refused.message)
        else:
            messages.success(
                request,
                _("Version %(earlier)s is in use again, published as version %(number)s.")
                % {"earlier": number, "number": version.number},
            )
            return HttpResponseRedirect(definition_url(definition))
    context = {
        "definition": definition,
        "title": service_title(slug),
        "earlier": earlier,
        "current": _current(definition),
        "form": form,
        "problems": problems,
    }
    status = 400 if form.errors or problems else 200
    return render(request, "definitions/designer/rollback.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(EDIT)
def retire(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Stop new applications starting on a version, with a note."""
    definition = designer_definition(request, slug)
    require_publisher(request, definition)
    version = version_of(definition, str(number))
    form = NoteForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            definition_retire(actor=request.user, version=version, note=form.cleaned_data["note"])
        except DefinitionRefused as refused:
            form.add_error("note", refused.message)
        else:
            messages.success(request, _("Version %(number)s is retired.") % {"number": number})
            return HttpResponseRedirect(definition_url(definition))
    current = _current(definition)
    context = {
        "definition": definition,
        "title": service_title(slug),
        "version": version,
        "is_current": current is not None and current.pk == version.pk,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "definitions/designer/retire.html", context, status=status)


@never_cache
@require_safe
@staff_required(EDIT)
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """The readable diff between any two versions (``?old=1&new=draft``)."""
    definition = designer_definition(request, slug)
    versions = definition_versions(definition)
    if not versions:
        raise Http404("no versions")
    refs = [version_ref(v) for v in versions]
    choices = [
        (ref, _("Draft") if ref == "draft" else _("Version %(n)s") % {"n": ref}) for ref in refs
    ]
    default_new = refs[0]
    default_old = refs[1] if len(refs) > 1 else refs[0]
    form = DiffForm(request.GET or {"old": default_old, "new": default_new}, choices=choices)
    old = new = None
    if form.is_valid():
        old = version_of(definition, form.cleaned_data["old"])
        new = version_of(definition, form.cleaned_data["new"])
    context = {
        "definition": definition,
        "title": service_title(slug),
        "form": form,
        "old": old,
        "new": new,
        "diff": _diff(old, new) if old is not None and new is not None else None,
    }
    return render(
        request,
        "definitions/designer/compare.html",
        context,
        status=200 if form.is_valid() else 400,
    )
