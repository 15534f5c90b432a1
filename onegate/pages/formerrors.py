"""Django form errors in the shapes GOV.UK Frontend components take (error summary, inline message).

The summary links each message to its field (``#id_<field>``, Django's default id); errors not
tied to a field link to the first field so keyboard users still land in the form.
"""

from __future__ import annotations

from typing import Any

from django import forms


def error_list(form: forms.BaseForm) -> list[dict[str, str]]:
    """Every error of ``form`` for ``govukErrorSummary``'s ``errorList``, in field order."""
    if not form.is_bound or not form.errors:
        return []
    first = next(iter(form.fields), "")
    items = [{"text": str(message), "href": f"#id_{first}"} for message in form.non_field_errors()]
    for name in form.fields:
        messages: list[Any] = list(form.errors.get(name) or [])
        items += [{"text": str(message), "href": f"#id_{name}"} for message in messages]
    return items


def field_error(form: forms.BaseForm, name: str) -> dict[str, Any] | None:
    """The inline ``errorMessage`` of one field, or None (GOV.UK shows the first message only)."""
    errors = form.errors.get(name) if form.is_bound else None
    return {"text": str(errors[0])} if errors else None
