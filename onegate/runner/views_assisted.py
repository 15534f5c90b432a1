"""Assisted digital at a service centre: an officer starts an application with the person there.

Three steps, each a page that works without JavaScript: find the person in the population
register by their national ID number (the read is on the person's access log), record the
identity check made at the counter (the document seen, the last four characters of its
number, the photo compared with the person), then say whether the person is there or sent a
paper form the officer keys in, and choose the service. The application is then
filled in on the citizen's own pages, which let the officer in while it is a draft. The first
page also lists the applications the officer started today, with a link to carry on.

Open to staff with ``runner.assist_applicant`` (centre officers); each step checks the centre
is one of theirs. The person found and the check made are kept in the officer's session only
until the application starts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.core.languages import current_language, pick
from onegate.identity.models import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_centre_scope, staff_required
from onegate.registries.adapters import RegistryError
from onegate.registries.identifiers import thai_national_id_normalise
from onegate.runner.constants import ApplicationChannel
from onegate.runner.journey import journey_of
from onegate.runner.models import Application
from onegate.runner.selectors import (
    application_compiled,
    applications_assisted_today,
    assisted_person_find,
    assisted_services,
)
from onegate.runner.services import (
    ApplicationRefused,
    IdentityDocument,
    application_assisted_start,
)

ASSIST = StaffPermission.ASSIST_APPLICANT
SESSION_KEY = "runner.assist"


# --- forms --------------------------------------------------------------------------------------


class PersonForm(forms.Form):
    """Step 1: the centre (when the officer works at several) and the person's ID number."""

    centre = forms.ChoiceField(
        label=gettext_lazy("Service centre"),
        error_messages={
            "required": gettext_lazy("Select the service centre you are working at"),
            "invalid_choice": gettext_lazy("Select the service centre you are working at"),
        },
    )
    national_id = forms.CharField(
        label=gettext_lazy("National ID number"),
        max_length=30,
        error_messages={"required": gettext_lazy("Enter the person's 13-digit national ID number")},
    )

    def __init__(self, *args: Any, centres: list[ServiceCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["centre"]).choices = [
            (str(c.pk), c.name_en) for c in centres
        ]
        self.only = str(centres[0].pk) if len(centres) == 1 else None
        if self.only:  # nothing to choose: the page does not ask
            self.fields["centre"].required = False

    def clean_centre(self) -> str:
        return self.only or self.cleaned_data["centre"]

    def clean_national_id(self) -> str:
        return thai_national_id_normalise(self.cleaned_data["national_id"])


class IdentityForm(forms.Form):
    """Step 2: what the officer checked with the person in front of them."""

    document = forms.ChoiceField(
        label=gettext_lazy("Which document did you check?"),
        choices=IdentityDocument.choices,
        error_messages={
            "required": gettext_lazy("Select the document you checked"),
            "invalid_choice": gettext_lazy("Select the document you checked"),
        },
    )
    number_last4 = forms.CharField(
        label=gettext_lazy("Last 4 characters of the document's number"),
        max_length=12,
        error_messages={
            "required": gettext_lazy("Enter the last 4 characters of the document's number")
        },
    )
    photo_compared = forms.BooleanField(
        label=gettext_lazy("I have compared the person with the photo on the document"),
        error_messages={
            "required": gettext_lazy(
                "Confirm that you have compared the person with the photo on the document"
            )
        },
    )

    def clean_number_last4(self) -> str:
        value = "".join(self.cleaned_data["number_last4"].split()).upper()
        if len(value) != 4 or not value.isalnum():
            raise ValidationError(
                _("Enter exactly 4 letters or numbers: the last 4 of the document's number")
            )
        return value


# How the application reached the officer: the person at the counter (assisted digital), or a
# paper form the officer keys in. Counted apart by the performance measures (digital take-up).
REACHED_CHOICES = [
    (ApplicationChannel.ASSISTED.value, gettext_lazy("The person is here with me")),
    (ApplicationChannel.PAPER.value, gettext_lazy("On a paper form")),
]


class ServiceForm(forms.Form):
    """Step 3: how the application reached the officer, and the service the person wants."""

    channel = forms.ChoiceField(
        label=gettext_lazy("How did this application reach you?"),
        choices=REACHED_CHOICES,
        required=False,  # the person at the counter unless the officer says otherwise
        error_messages={
            "invalid_choice": gettext_lazy("Select how this application reached you"),
        },
    )
    service = forms.ChoiceField(
        label=gettext_lazy("Which service does the person want to apply for?"),
        error_messages={
            "required": gettext_lazy("Select the service the person wants to apply for"),
            "invalid_choice": gettext_lazy("Select the service the person wants to apply for"),
        },
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = services

    def clean_channel(self) -> str:
        return self.cleaned_data["channel"] or ApplicationChannel.ASSISTED


# --- helpers ------------------------------------------------------------------------------------


def _centres(request: HttpRequest) -> list[ServiceCentre]:
    ids = staff_centre_scope(request.user, ASSIST)
    return list(ServiceCentre.objects.filter(pk__in=ids, is_active=True).order_by("name_en"))


def _kept(request: HttpRequest) -> dict[str, Any]:
    """The person found and the check made so far, if still for one of the officer's centres."""
    kept = request.session.get(SESSION_KEY) or {}
    if kept.get("centre_id") not in staff_centre_scope(request.user, ASSIST):
        return {}
    return dict(kept)


def _person(kept: dict[str, Any]) -> dict[str, Any]:
    """The person found, for the pages: their names and date of birth."""
    return {"names": kept["names"], "born_date": dt.date.fromisoformat(kept["born"])}


def _to(name: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"runner:{name}"))


def _services_for_self() -> list[tuple[str, str]]:
    """The services to choose from, as (slug, title), by title."""
    found = [(slug, pick(compiled.model.title)) for slug, compiled in assisted_services()]
    return sorted(found, key=lambda pair: pair[1].casefold())


def _resume_url(application: Application) -> str:
    """Where the application carries on: its first question not answered yet."""
    journey = journey_of(application, application_compiled(application))
    page_id = journey.resume(application.pages_done)
    if page_id is None:
        return reverse("runner:check", kwargs={"application_id": application.pk})
    return reverse("runner:page", kwargs={"application_id": application.pk, "page_id": page_id})


def _today_rows(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for application in applications_assisted_today(staff=request.user):
        subjects = application.subjects or [{}]
        rows.append(
            {
                "application": application,
                "name": pick(subjects[0].get("names") or {}),
                "service": pick(application_compiled(application).model.title),
                "continue_url": _resume_url(application) if application.is_draft else "",
            }
        )
    return rows


# --- step 1: who ----------------------------------------------------------------------------------


@never_cache
@staff_required(ASSIST)
@require_http_methods(["GET", "HEAD", "POST"])
def assist(request: HttpRequest) -> HttpResponse:
    """Find the person at the counter by their national ID number; today's applications."""
    centres = _centres(request)
    data = request.POST if request.method == "POST" else None
    form = PersonForm(data, centres=centres)
    context = {"form": form, "centres": centres, "today": _today_rows(request), "problem": ""}
    if data is None or not centres or not form.is_valid():
        status = 400 if data is not None and form.errors else 200
        return render(request, "runner/assisted/find.html", context, status=status)
    centre_id = form.cleaned_data["centre"]
    try:
        found = assisted_person_find(
            staff=request.user, centre_id=centre_id, national_id=form.cleaned_data["national_id"]
        )
    except RegistryError as error:
        context["problem"] = error.message
        return render(request, "runner/assisted/find.html", context, status=503)
    if found is None or found.value.date_of_death is not None:
        form.add_error(
            "national_id",
            _(
                "Nobody with this national ID number is on the population register. Check the "
                "number against the person's card."
            ),
        )
        return render(request, "runner/assisted/find.html", context, status=400)
    person = found.value
    request.session[SESSION_KEY] = {
        "centre_id": centre_id,
        "person_id": person.id,
        "names": {
            "en": f"{person.given_name_latin} {person.family_name_latin}".strip(),
            "th": f"{person.given_name_th} {person.family_name_th}".strip(),
        },
        "born": person.date_of_birth.isoformat(),
    }
    return _to("assist_identity")


# --- step 2: the identity check -------------------------------------------------------------------


@never_cache
@staff_required(ASSIST)
@require_http_methods(["GET", "HEAD", "POST"])
def assist_identity(request: HttpRequest) -> HttpResponse:
    """Record the check of the person's identity document made at the counter."""
    kept = _kept(request)
    if not kept.get("person_id"):
        return _to("assist")
    data = request.POST if request.method == "POST" else None
    form = IdentityForm(data)
    if data is None or not form.is_valid():
        context = {"form": form, "person": _person(kept)}
        status = 400 if data is not None else 200
        return render(request, "runner/assisted/identity.html", context, status=status)
    kept["identity"] = {
        "document": form.cleaned_data["document"],
        "number_last4": form.cleaned_data["number_last4"],
    }
    request.session[SESSION_KEY] = kept
    return _to("assist_service")


# --- step 3: the service ------------------------------------------------------------------------


@never_cache
@staff_required(ASSIST)
@require_http_methods(["GET", "HEAD", "POST"])
def assist_service(request: HttpRequest) -> HttpResponse:
    """Choose the service with the person; the application starts and its first page opens."""
    kept = _kept(request)
    if not kept.get("person_id"):
        return _to("assist")
    if not kept.get("identity"):
        return _to("assist_identity")
    data = request.POST if request.method == "POST" else None
    form = ServiceForm(data, services=_services_for_self())
    context = {"form": form, "person": _person(kept), "problem": ""}
    if data is None or not form.is_valid():
        status = 400 if data is not None else 200
        return render(request, "runner/assisted/service.html", context, status=status)
    try:
        application = application_assisted_start(
            staff=request.user,
            centre_id=kept["centre_id"],
            person_id=kept["person_id"],
            names=kept["names"],
            document=kept["identity"]["document"],
            number_last4=kept["identity"]["number_last4"],
            photo_compared=True,
            service_slug=form.cleaned_data["service"],
            language=current_language(),
            channel=form.cleaned_data["channel"],
        )
    except (ApplicationRefused, RegistryError) as refusal:
        context["problem"] = str(refusal.message)
        return render(request, "runner/assisted/service.html", context, status=400)
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Application started for %(name)s. Fill it in with them.")
        % {"name": pick(kept["names"])},
    )
    return HttpResponseRedirect(_resume_url(application))
