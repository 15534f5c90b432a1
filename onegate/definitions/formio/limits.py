"""Keeping an imported form within the counts the definition language allows.

A form.io form has no such limits; a OneGate definition does, so that a page stays readable and
checking a definition stays quick. The importer keeps within them and reports each cut:

* a page with more than ``MAX_FIELDS_PER_PAGE`` questions is split into consecutive pages of at
  most that many, each titled "<title> (2)", "(3)"…, each with the page's condition;
* a repeating group keeps its first ``MAX_FIELDS_PER_PAGE`` questions (a group cannot be split);
* a choice keeps its first ``MAX_OPTIONS`` options (see ``components``);
* the definition keeps its first ``MAX_PAGES`` pages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onegate.definitions.formio.state import ImportState
from onegate.definitions.language.model import MAX_FIELDS_PER_PAGE, MAX_OPTIONS, MAX_PAGES

__all__ = ["MAX_FIELDS_PER_PAGE", "MAX_OPTIONS", "MAX_PAGES", "pages_limited"]


def pages_limited(pages: list[dict[str, Any]], state: ImportState) -> list[dict[str, Any]]:
    """The pages, split where too long and cut where too many, every cut reported."""
    split = [part for page in pages for part in _split(page, state)]
    for page in split:
        for field in page["fields"]:
            _group_limited(field, state)
    for page in split[MAX_PAGES:]:
        message = _("The definition may have at most %(most)s pages; this page is left out.")
        state.report.skipped(state.origins.get(id(page), ""), message % {"most": MAX_PAGES})
    return split[:MAX_PAGES]


def _split(page: dict[str, Any], state: ImportState) -> list[dict[str, Any]]:
    fields = page["fields"]
    if len(fields) <= MAX_FIELDS_PER_PAGE:
        return [page]
    where = state.origins.get(id(page), "")
    chunks = [
        fields[start : start + MAX_FIELDS_PER_PAGE]
        for start in range(0, len(fields), MAX_FIELDS_PER_PAGE)
    ]
    parts = [{**page, "fields": chunks[0]}]
    for number, chunk in enumerate(chunks[1:], start=2):
        title = {language: f"{text} ({number})" for language, text in page["title"].items()}
        page_id = state.page_ids.claim(f"{page['id']}_{number}", "page")
        parts.append({**page, "id": page_id, "title": title, "fields": chunk})
    for part in parts:
        state.origins[id(part)] = where
    message = _(
        "The page has %(count)s questions, more than %(most)s: it is split into %(pages)s pages."
    )
    values = {"count": len(fields), "most": MAX_FIELDS_PER_PAGE, "pages": len(parts)}
    state.report.changed(where, message % values)
    return parts


def _group_limited(field: dict[str, Any], state: ImportState) -> None:
    inner = field.get("fields") if field.get("type") == "group" else None
    if not isinstance(inner, list):
        return
    for one in inner:
        _group_limited(one, state)
    if len(inner) > MAX_FIELDS_PER_PAGE:
        message = _(
            "A repeating group may ask at most %(most)s questions; the %(count)s after them "
            "are left out."
        )
        values = {"most": MAX_FIELDS_PER_PAGE, "count": len(inner) - MAX_FIELDS_PER_PAGE}
        state.report.skipped(state.origins.get(id(field), ""), message % values)
        del inner[MAX_FIELDS_PER_PAGE:]
