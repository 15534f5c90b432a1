"""Prefilled fields: a fact from a register is shown, never asked — for each person the
application is for, its value, where it comes from and an "Is this wrong?" link to the page
that tells the agency keeping it (``runner:correction``). ``correction_url`` builds that link,
for the check-answers page too.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from onegate.core.languages import pick
from onegate.definitions.language import CompiledDefinition
from onegate.definitions.language.model import AnyField
from onegate.registries.prefill import prefill_fact_names
from onegate.runner.fields.address import address_answer_lines
from onegate.runner.fields.base import Form, Widget, walk

__all__ = ["correction_url", "fact_lines"]


def correction_url(
    application: Any, compiled: CompiledDefinition, field: AnyField, person_id: str, page_id: str
) -> str:
    """Where "Is this wrong?" beside a prefilled field's fact about one person leads, back to
    ``page_id`` afterwards ("check-answers" for check your answers); "" when no correction can be
    asked from here (not a draft, or a fact the registers take no correction of)."""
    alias = (getattr(field, "prefill", None) or "").split(".")[0]
    fact = compiled.model.facts.get(alias)
    if application is None or not application.is_draft or fact not in prefill_fact_names():
        return ""
    try:
        found = reverse(
            "runner:correction", kwargs={"application_id": application.pk, "alias": alias}
        )
    except NoReverseMatch:  # the correction page is not wired in
        return ""
    return f"{found}?{urlencode({'person': person_id, 'page': page_id})}"


def fact_lines(one: AnyField, value: Any, language: str) -> list[str]:
    """A prefilled value as the lines a person reads ("Not on record" when there is none)."""
    from onegate.runner.journey import answer_lines

    missing = _("Not on record")
    if one.type == "address":
        return address_answer_lines(value, language) or [missing]
    return answer_lines(one, value, language, missing=missing)


def prefilled_widget(one: AnyField, form: Form) -> Widget:
    from onegate.runner.journey import fact_source

    shown = _facts_shown(one, form)
    facts = [
        {
            "subject": subject,
            "lines": fact_lines(one, fact.value, form.language),
            "source": fact_source(fact, form.language) if fact.register else "",
            "correction_url": fact.correction_url,
        }
        for subject, fact in shown
    ]
    return Widget(
        field=one,
        type=one.type,
        id=one.id,
        name=one.id,
        label=form.label(one),
        hint=pick(one.hint, form.language) if one.hint else None,
        value=None,
        error=None,
        required=False,
        prefilled=shown,
        extra={"facts": facts, "several": len(shown) > 1},
    )


def _facts_shown(one: AnyField, form: Form) -> list[tuple[str, Any]]:
    """(the person's name, the fact shown) for each person the application is for."""
    from onegate.runner.facts import FactShown, prefilled_value

    if form.application is None:
        value = walk(form.preview_facts, (one.prefill or "").split("."))
        shown = FactShown(
            value=value, register=_("the registry"), as_of=None, agency="", correction_url=""
        )
        return [(_("You (an example)"), shown)]
    found = []
    for subject in form.application.subjects or []:
        person_id = str(subject["person_id"])
        fact = prefilled_value(form.application, one, person_id)
        if fact is None:
            continue
        if fact.register and not fact.correction_url:
            link = correction_url(form.application, form.compiled, one, person_id, form.page.id)
            fact = dataclasses.replace(fact, correction_url=link)
        found.append((pick(subject.get("names") or {}, form.language), fact))
    return found
