"""The designer's pages that change which version people use: publish the draft (with a change
note, after a confirmation page), roll back to an earlier version, retire one; and the diff
between any two versions. Publishing, rollback and retirement need
``definitions.publish_definition`` in the service's agency; the services check it again.

The publish page posts the checksum of the draft it showed, so a draft someone saved meanwhile is
not published unseen: the page comes back with the new text to review. A diff where one side does
not compile (a draft being written) shows the line differences of the two files.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.definitions.diff import DefinitionDiff, definition_diff
from onegate.definitions.forms import DiffForm, NoteForm
from onegate.definitions.language import CompiledDefinition, DefinitionInvalid, Problem
from onegate.definitions.models import Definition, DefinitionVersion
from onegate.definitions.selectors import (
    definition_current_version,
    definition_publish_problems,
    definition_title,
    definition_version,
    definition_versions,
)
from onegate.definitions.services import (
    DefinitionRefused,
    definition_publish,
    definition_retire,
    definition_rollback,
)
from onegate.definitions.views import (
    EDIT,
    compiled_of,
    definition_url,
    designer_definition,
    require_publisher,
    version_of,
    version_ref,
)
from onegate.identity.permissions import staff_required


def _diff(
    old: DefinitionVersion | None,
    new: DefinitionVersion,
    new_compiled: CompiledDefinition | None = None,
) -> dict[str, Any]:
    """The diff of two versions for the page: ``diff`` (None without an ``old``), and
    ``lines_only`` when either does not compile, so only the line diff could be made."""
    if old is None:
        return {"diff": None, "lines_only": False}
    try:
        before, after = compiled_of(old), new_compiled or compiled_of(new)
    except DefinitionInvalid:
        return {"diff": DefinitionDiff(lines=_line_diff(old, new)), "lines_only": True}
    diff = definition_diff(
        before.model,
        after.model,
        old_source=old.source,
        new_source=new.source,
        old_name=old.export_name,
        new_name=new.export_name,
    )
    return {"diff": diff, "lines_only": False}


def _line_diff(old: DefinitionVersion, new: DefinitionVersion) -> list[str]:
    return list(
        difflib.unified_diff(
            old.source.splitlines(),
            new.source.splitlines(),
            fromfile=old.export_name,
            tofile=new.export_name,
            lineterm="",
        )
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
    problems: list[Problem] = []
    if form.is_bound and form.is_valid():
        try:
            version = definition_publish(
                actor=request.user,
                version=draft,
                note=form.cleaned_data["note"],
                expected_checksum=request.POST.get("checksum", ""),
            )
        except DefinitionInvalid as invalid:
            problems = invalid.problems
        except DefinitionRefused as refused:
            changed = refused.code == "draft_changed"
            form.add_error(None if changed else "note", refused.message)
            draft.refresh_from_db()  # show the text that would be published now
        else:
            messages.success(
                request,
                _("Version %(number)s is published. People who start the service now use it.")
                % {"number": version.number},
            )
            return HttpResponseRedirect(definition_url(definition))
    return _publish_page(request, definition, draft, form, problems)


def _publish_page(
    request: HttpRequest,
    definition: Definition,
    draft: DefinitionVersion,
    form: NoteForm,
    problems: list[Problem],
) -> HttpResponse:
    """The confirmation: the draft's problems (compiled once), what changes, the note."""
    compiled = None
    if draft.is_draft and not problems:
        try:
            compiled = compiled_of(draft)
        except DefinitionInvalid as invalid:
            problems = invalid.problems
        else:
            problems = definition_publish_problems(compiled=compiled)
    context = {
        "definition": definition,
        "title": definition_title(slug=definition.slug),
        "draft": draft,
        "form": form,
        "problems": problems,
        **_diff(definition_current_version(definition=definition), draft, compiled),
    }
    status = 400 if form.errors or (form.is_bound and problems) else 200
    return render(request, "definitions/designer/publish.html", context, status=status)


def _posted_version(request: HttpRequest, definition: Definition) -> DefinitionVersion | None:
    """The draft the confirmation page was for: a retried publish names the same one."""
    key = request.POST.get("version") if request.method == "POST" else None
    if not key:
        return None
    found = definition_version(definition=definition, version_id=key)
    if found is None:
        raise Http404("no such version")
    return found


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
            _tell_rolled_back(request, number, version)
            return HttpResponseRedirect(definition_url(definition))
    context = {
        "definition": definition,
        "title": definition_title(slug=slug),
        "earlier": earlier,
        "current": definition_current_version(definition=definition),
        "form": form,
        "problems": problems,
    }
    status = 400 if form.errors or problems else 200
    return render(request, "definitions/designer/rollback.html", context, status=status)


def _tell_rolled_back(request: HttpRequest, earlier: int, version: DefinitionVersion) -> None:
    if version.number == earlier:
        message = _("Version %(number)s is already the one in use.") % {"number": earlier}
    else:
        message = _("Version %(earlier)s is in use again, published as version %(number)s.") % {
            "earlier": earlier,
            "number": version.number,
        }
    messages.success(request, message)


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
    current = definition_current_version(definition=definition)
    context = {
        "definition": definition,
        "title": definition_title(slug=slug),
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
    versions = definition_versions(definition=definition)
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
        "title": definition_title(slug=slug),
        "form": form,
        "old": old,
        "new": new,
        **(_diff(old, new) if new is not None else {"diff": None, "lines_only": False}),
    }
    return render(
        request,
        "definitions/designer/compare.html",
        context,
        status=200 if form.is_valid() else 400,
    )
