"""form.io's top level turned into OneGate pages, GOV.UK style.

* A wizard (``display: "wizard"``): each top-level panel is a page, with the panel's ``title``
  and its condition as the page condition.
* A plain form: each top-level panel or fieldset is a page too.
* Questions outside any panel (loose inputs, or those in top-level columns, tables, tabs or
  wells, which are flattened) get a page each, in order: "one thing per page". When that would
  make more than ``MAX_PAGES`` pages, each run of consecutive loose questions shares one page
  instead, and the report says so.
* A page left without questions (only static text, buttons, skipped components) is dropped.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.formio.fields import plain, text
from onegate.definitions.formio.layout import component_import, fields_from, path_join
from onegate.definitions.formio.logic import has_condition
from onegate.definitions.formio.state import ImportState, PendingCondition

MAX_PAGES = 50
PAGE_KINDS = {"panel", "fieldset"}
# A unit is a page made from a panel, or a run of loose questions (field mappings).
Unit = tuple[str, Any]


def pages_from(form: dict[str, Any], state: ImportState) -> list[dict[str, Any]]:
    units: list[Unit] = []
    for component in form["components"]:
        if component.get("type") in PAGE_KINDS and component.get("hidden") is not True:
            page = _panel_page(component, state)
            if page is not None:
                units.append(("page", page))
            continue
        loose = component_import(component, "", [], None, state)
        if loose and form.get("display") == "wizard":
            message = _("The question is outside the wizard's pages; it gets a page of its own.")
            state.report.changed(path_join("", component), message)
        if loose and units and units[-1][0] == "loose":
            units[-1][1].extend(loose)
        elif loose:
            units.append(("loose", loose))
    return _paged(units, state)


def _panel_page(component: dict[str, Any], state: ImportState) -> dict[str, Any] | None:
    where = path_join("", component)
    first_line = len(state.report.lines)
    children = component.get("components")
    fields = fields_from(children if isinstance(children, list) else [], where, [], None, state)
    if not fields:
        state.report.skipped(where, _("The page has no question that could be imported."))
        return None
    title = plain(component.get("title")) or plain(component.get("legend"))
    title = title or plain(component.get("label")) or str(component["key"])
    page: dict[str, Any] = {
        "id": state.page_ids.claim(component["key"], "page"),
        "title": text(title),
    }
    page["fields"] = fields
    if has_condition(component):
        state.pending.append(PendingCondition(where, page, [(where, component)]))
    message = _("Imported as the page “%(id)s”.") % {"id": page["id"]}
    state.report.imported(where, message, at=first_line)
    state.origins[id(page)] = where
    return page


def _paged(units: list[Unit], state: ImportState) -> list[dict[str, Any]]:
    one_each = sum(len(body) if kind == "loose" else 1 for kind, body in units)
    shared = one_each > MAX_PAGES
    if shared:
        message = _(
            "One question per page would make %(count)s pages (more than %(most)s); "
            "consecutive questions outside panels share a page instead."
        )
        state.report.changed("", message % {"count": one_each, "most": MAX_PAGES})
    pages: list[dict[str, Any]] = []
    for kind, body in units:
        if kind == "page":
            pages.append(body)
        elif shared:
            pages.append(_loose_page(body, state, number=len(pages) + 1))
        else:
            pages.extend(_loose_page([field], state) for field in body)
    return pages


def _loose_page(
    fields: list[dict[str, Any]], state: ImportState, number: int = 0
) -> dict[str, Any]:
    if number:
        title = {"en": f"Page {number}", "th": f"หน้า {number}"}
        page_id = state.page_ids.claim(f"page_{number}", "page")
    else:
        title = dict(fields[0]["label"])
        page_id = state.page_ids.claim(fields[0]["id"], "page")
    return {"id": page_id, "title": title, "fields": fields}
