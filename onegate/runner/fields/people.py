"""People: a person field offers the people the register links to the one applying (themselves,
their children, their household) as radios; only one of those can be the answer. Also the
people a preview offers, as examples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from onegate.core.languages import pick
from onegate.runner.fields.base import Answer, Form, blank, field_kind, wrong


@field_kind("person")
def _read_person(one: Any, name: str, form: Form) -> Answer:
    raw = form.text(name)
    if not raw:
        return blank(one, raw, _("Select a person for “%(label)s”"), form)
    if raw not in {person["value"] for person in people(one, form)}:
        return wrong(one, "", _("Select one of the people listed for “%(label)s”"), form)
    return Answer(one, value=raw, raw=raw)


def people(one: Any, form: Form) -> list[dict[str, str]]:
    """The people a person field offers: {"value": person id, "text": name, "hint"}."""
    key = ",".join(one.choose_from)
    if key not in form.people_found:
        found: dict[str, dict[str, str]] = {}
        for choice in one.choose_from:
            for person in _PEOPLE[choice](form):
                found.setdefault(person["value"], person)
        form.people_found[key] = list(found.values())
    return form.people_found[key]


def acting_people(application: Any) -> list[Any]:
    """Whom the application's account (its applicant's, whoever is filling it in: the person or
    the officer assisting them) may act for today. Read once per request: kept on the
    application object the request loaded."""
    cached = getattr(application, "_runner_acting_people", None)
    if cached is None:
        from onegate.identity.acting import people_i_act_for

        account = application.user if application.user_id is not None else None
        options = people_i_act_for(account) if account is not None else []
        me = next((option for option in options if option.is_self), None)
        if me is None or me.person_id != str(application.applicant_person_id):
            options = []
        cached = list(options)
        application._runner_acting_people = cached
    return cached


def _acting_options(form: Form) -> list[Any]:
    return acting_people(form.application) if form.application is not None else []


def people_names(application: Any, language: str) -> dict[str, str]:
    """The name of every person a person field of this application may hold (the people it is
    for, and whom its account may act for), as its pages show them."""
    names = {
        str(option.person_id): pick(option.names, language) for option in acting_people(application)
    }
    for subject in application.subjects or []:
        given = subject.get("names") or {}
        if given:
            names[str(subject["person_id"])] = pick(given, language)
    return names


def _person(person_id: str, names: Mapping[str, str], hint: str, form: Form) -> dict[str, str]:
    return {"value": str(person_id), "text": pick(names, form.language), "hint": hint}


def _people_self(form: Form) -> list[dict[str, str]]:
    if form.application is None:
        return [{"value": "preview-self", "text": _("You (an example)"), "hint": ""}]
    me = str(form.application.applicant_person_id)
    names = next(
        (
            subject.get("names") or {}
            for subject in form.application.subjects or []
            if str(subject.get("person_id")) == me
        ),
        None,
    )
    if not names:
        option = next((o for o in _acting_options(form) if o.is_self), None)
        names = dict(option.names) if option else {"en": _("You"), "th": _("You")}
    return [_person(me, names, _("You"), form)]


def _people_related(form: Form, relationships: tuple[str, ...]) -> list[dict[str, str]]:
    if form.application is None:
        return [{"value": "preview-child", "text": _("Your child (an example)"), "hint": ""}]
    found = [
        _person(option.person_id, option.names, option.description, form)
        for option in _acting_options(form)
        if option.relationship in relationships
    ]
    for subject in form.application.subjects or []:
        if subject.get("relationship") in relationships:
            hint = _("Your child") if subject["relationship"] == "child" else ""
            found.append(_person(subject["person_id"], subject.get("names") or {}, hint, form))
    return found


_PEOPLE: dict[str, Callable[[Form], list[dict[str, str]]]] = {
    "self": _people_self,
    "children": lambda form: _people_related(form, ("child",)),
    # The household the registry links to the person: their children and their wards.
    "household": lambda form: _people_related(form, ("child", "ward")),
}
