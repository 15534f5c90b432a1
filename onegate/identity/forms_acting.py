"""Forms of the acting pages: the "acting for" switch, delegations, "who looked at my data"
filters, and reporting a change of address (Thai or international).

Forms only read and check what was typed; the services decide (and refuse) everything else.
Dates are asked as day, month and year boxes (GOV.UK date input); a Thai Buddhist Era year
(2569) is read as the Common Era year (2026), as people in Thailand often write it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from babel import Locale
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from pycountry import countries

from onegate.core.languages import current_language
from onegate.pages.dateinput import THAI_DIGITS, date_box, read_date
from onegate.registries import divisions
from onegate.registries.addresses import AddressInput, ValidAddress, address_validate
from onegate.registries.constants import AccessorKind, AddressKind
from onegate.registries.divisions import Division
from onegate.registries.selectors import AccessLogFilter
from onegate.registries.staff import STAFF_PURPOSES

# --- dates as three boxes -------------------------------------------------------------------


def date_part() -> forms.CharField:
    """One box of a date (day, month or year); ``date_from`` checks the three together."""
    return date_box()


def date_from(form: forms.Form, prefix: str, *, missing: Any, invalid: Any) -> dt.date | None:
    """The date typed in ``prefix``'s three boxes, or None after adding the error to the day box.

    The day box carries the error so the error summary links to the first box.
    """
    try:
        return read_date(form.cleaned_data, prefix, missing=missing)
    except ValidationError as error:
        form.add_error(f"{prefix}_day", missing if error.code == "required" else invalid)
        return None


def choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """A form's choice field, typed as one (its choices are set per request)."""
    return cast(forms.ChoiceField, form.fields[name])


# --- the switch -----------------------------------------------------------------------------


class ActingChooseForm(forms.Form):
    """Whom to act for. Any id is accepted here: the service checks it (and audits a refusal)."""

    person = forms.UUIDField(
        error_messages={
            "required": _("Choose who you are acting for"),
            "invalid": _("Choose who you are acting for"),
        }
    )


# --- who looked at my data ------------------------------------------------------------------

PERIODS = {
    "": _("Any time"),
    "7": _("The last 7 days"),
    "30": _("The last 30 days"),
    "365": _("The last 12 months"),
}

# How the kinds of reader read on someone's own log. ``self`` reads there are by someone else
# reading as themselves: a parent, guardian or delegate.
KIND_LABELS = {
    AccessorKind.STAFF: _("Government staff"),
    AccessorKind.SERVICE: _("A government service"),
    AccessorKind.AGENCY_SYSTEM: _("An agency's system"),
    AccessorKind.REMOTE_NODE: _("Another OneGate node"),
    AccessorKind.SELF: _("Your parent, guardian or delegate"),
}


# What a line of the log says was read, in words.
FACT_LABELS = {
    "person.name": _("name"),
    "person.date_of_birth": _("date of birth"),
    "person.sex": _("sex"),
    "person.nationality": _("nationality"),
    "person.national_id": _("national ID number"),
    "person.id_card": _("ID card"),
    "person.children": _("children"),
    "person.guardians": _("parents and guardians"),
    "person.address": _("address"),
    "person.passport": _("passport"),
    "person.travel_documents": _("passports and travel documents"),
    "person.residence": _("residence status"),
    "person.access_log": _("who looked at their data"),
    # a check that an entitlement is valid (the border gate, a clinic, an agency's system)
    "credentials.entitlement": _("whether their travel authority or other entitlement is valid"),
}

# Purposes a checker states as a code (the verification API's ``purpose``; the gate's), in words.
PURPOSE_LABELS = {
    "border_entry": _("Entry at the border"),
    "treatment": _("Medical treatment"),
    "employment_check": _("Checking a licence for a job"),
}


# OneGate's own readers and purposes as its reads write them on the access log (in English,
# keyed by exactly that text), so the page can show them in its language. Registry staff's
# purposes (``registries.staff.STAFF_PURPOSES``, stored in English) are looked up too.
OWN_LOGGED_TEXT = {
    # readers
    "Border officer": _("Border officer"),  # credentials' border gate
    "OneGate identity proofing": _("OneGate identity proofing"),  # proofing.base.ONLINE_LABEL
    # purposes
    "Identity proofing requested by the person": _("Identity proofing requested by the person"),
    "Identity checked in person at a service centre": _(
        "Identity checked in person at a service centre"
    ),
    "Showing you what a service would see before you agree": _(
        "Showing you what a service would see before you agree"
    ),
    "Send a message about this person to whoever acts for them": _(  # notify's fan-out
        "Send a message about this person to whoever acts for them"
    ),
    # written in the reader's language; these are the English ones
    "See the people I can act for": _("See the people I can act for"),
    "Report a change of address": _("Report a change of address"),
    "See who looked at the data of someone I act for": _(
        "See who looked at the data of someone I act for"
    ),
}


def stored_text_in_words(stored: str) -> str:
    """A reader's label or purpose as the log stored it, in the page's language when it is a
    purpose code or one of OneGate's own texts; anything else exactly as it was written.

    Only known texts are translated: a purpose or name from an agency could happen to equal a
    message of OneGate's catalogues ("Approved", say) and must not be turned into it.
    """
    if not stored:
        return ""
    for known in (PURPOSE_LABELS, OWN_LOGGED_TEXT, _staff_purposes()):
        if stored in known:
            return str(known[stored])
    return stored


def _staff_purposes() -> dict[str, Any]:
    """Registry staff's purposes keyed by their English text, as ``staff_access`` stores them."""
    with translation.override("en"):
        return {str(label): label for label in STAFF_PURPOSES.values()}


class AccessLogFilterForm(forms.Form):
    """Narrow "who looked at my data" by organisation, kind of reader and period (GET)."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    kind = forms.ChoiceField(
        label=_("Who"),
        required=False,
        choices=[("", _("Anyone")), *KIND_LABELS.items()],
    )
    period = forms.ChoiceField(label=_("When"), required=False, choices=list(PERIODS.items()))

    def __init__(self, *args: Any, organisations: Sequence[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [("", _("Any organisation")), *organisations]

    def filters(self) -> AccessLogFilter:
        """The filter the valid form asks for (no filter if it is not valid)."""
        if not self.is_valid():
            return AccessLogFilter()
        data = self.cleaned_data
        since = None
        if data["period"]:
            since = timezone.localdate() - dt.timedelta(days=int(data["period"]) - 1)
        return AccessLogFilter(organisation=data["organisation"], kind=data["kind"], since=since)


# --- delegations ----------------------------------------------------------------------------

ALL_SERVICES = "all"


class DelegationOfferForm(forms.Form):
    """Whom to let act for you, for what, and until when."""

    email = forms.EmailField(
        label=_("Their email address"),
        max_length=254,
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    services = forms.MultipleChoiceField(
        label=_("What can they do for you?"),
        error_messages={
            "required": _("Choose all services, or at least one service"),
            "invalid_choice": _("Choose services from the list"),
        },
    )
    valid_until_day = date_part()
    valid_until_month = date_part()
    valid_until_year = date_part()

    def __init__(self, *args: Any, services: Iterable[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        choice_field(self, "services").choices = [(ALL_SERVICES, _("Everything")), *services]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["valid_until"] = date_from(
            self,
            "valid_until",
            missing=_("Enter the last day they can act for you"),
            invalid=_("The last day must be a real date, like 31 12 2027"),
        )
        chosen = data.get("services") or []
        data["all_services"] = ALL_SERVICES in chosen
        data["service_slugs"] = [slug for slug in chosen if slug != ALL_SERVICES]
        return data


# --- a change of address --------------------------------------------------------------------


class AddressKindForm(forms.Form):
    """Is the new address in Thailand or abroad?"""

    kind = forms.ChoiceField(
        choices=[
            (AddressKind.THAI, _("In Thailand")),
            (AddressKind.INTERNATIONAL, _("Outside Thailand")),
        ],
        error_messages={"required": _("Choose where the new address is")},
    )


class PostcodeForm(forms.Form):
    """The first step for a Thai address: the postcode, which narrows the sub-districts."""

    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        error_messages={"required": _("Enter the postcode, like 10200")},
    )

    def clean_postcode(self) -> str:
        value = "".join(self.cleaned_data["postcode"].translate(THAI_DIGITS).split())
        if not (len(value) == 5 and value.isdigit()):
            raise ValidationError(_("A Thai postcode is five digits, like 10200"))
        if not divisions.sub_districts_by_postcode(value):
            raise ValidationError(
                _(
                    "We could not find the postcode %(postcode)s. Check it, or find the area by "
                    "province instead."
                ),
                params={"postcode": value},
            )
        return value

    def sub_districts(self) -> list[Division]:
        return divisions.sub_districts_by_postcode(self.cleaned_data["postcode"])


class BrowseForm(forms.Form):
    """The other way to a sub-district: province, then district, then sub-district (GET)."""

    province = forms.ChoiceField(
        label=_("Province"), error_messages={"required": _("Choose the province")}
    )
    # A district left over from another province is dropped, not an error: changing the
    # province and pressing Continue should simply show the new province's districts.
    district = forms.CharField(label=_("District"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = current_language()
        choice_field(self, "province").choices = [
            ("", _("Choose a province")),
            *divisions.choices(divisions.provinces(), language),
        ]
        province = self.data.get("province", "")
        self.district_choices = [
            ("", _("Choose a district")),
            *divisions.choices(divisions.districts_of(province), language),
        ]

    def clean_district(self) -> str:
        value = self.cleaned_data.get("district", "")
        return value if value and value in dict(self.district_choices) else ""

    def sub_districts(self) -> list[Division]:
        """The chosen district's sub-districts (empty until a district is chosen)."""
        if not self.is_valid() or not self.cleaned_data["district"]:
            return []
        return divisions.sub_districts_of(self.cleaned_data["district"])


def division_label(division: Division, language: str) -> str:
    """A sub-district with its district and province, so two of the same name can be told apart."""
    district = divisions.district(division.parent_code)
    province = divisions.province(division.province_code)
    parts = [division, district, province]
    return ", ".join(part.name(language) for part in parts if part is not None)


class SubDistrictForm(forms.Form):
    """The sub-district chosen from a postcode's or a district's list."""

    sub_district = forms.ChoiceField(error_messages={"required": _("Choose the area")})

    def __init__(self, *args: Any, places: Sequence[Division], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = current_language()
        choice_field(self, "sub_district").choices = [
            (place.code, division_label(place, language)) for place in places
        ]


# Where address_validate's field errors show on our forms; others go above the form.
_ADDRESS_FIELDS = {
    "house_number",
    "moo",
    "building",
    "soi",
    "road",
    "postcode",
    "lines",
    "city",
    "region",
    "country",
}


class _AddressForm(forms.Form):
    """What both address forms share: the moving date and the registries' address check."""

    valid_address: ValidAddress | None = None
    moved_on: dt.date | None = None
    moved_on_day = date_part()
    moved_on_month = date_part()
    moved_on_year = date_part()

    def address_input(self) -> AddressInput:
        """The typed address of the subclass's fields (Thai or abroad); each form says which."""
        raise NotImplementedError("each address form builds its own AddressInput")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.moved_on = date_from(
            self,
            "moved_on",
            missing=_("Enter the date you moved"),
            invalid=_("The date you moved must be a real date, like 25 11 2026"),
        )
        try:
            self.valid_address = address_validate(address=self.address_input())
        except ValidationError as error:
            self.add_validation_error(error)
        return data

    def add_validation_error(self, error: ValidationError) -> None:
        """Put a registries error (from the check or the report) on the field it is about."""
        for field, messages in error.message_dict.items():
            target: str | None = field if field in _ADDRESS_FIELDS else None
            if field == "moved_on":
                target = "moved_on_day"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class ThaiAddressForm(_AddressForm):
    """A Thai address in the sub-district already chosen."""

    field_order = ("house_number", "moo", "building", "soi", "road", "postcode")

    house_number = forms.CharField(
        label=_("House number"),
        max_length=20,
        error_messages={"required": _("Enter the house number")},
    )
    moo = forms.CharField(label=_("Village number (moo)"), max_length=10, required=False)
    building = forms.CharField(label=_("Village or building"), max_length=100, required=False)
    soi = forms.CharField(label=_("Lane (soi)"), max_length=100, required=False)
    road = forms.CharField(label=_("Road"), max_length=100, required=False)
    postcode = forms.ChoiceField(label=_("Postcode"))

    def __init__(self, *args: Any, place: Division, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        choice_field(self, "postcode").choices = [(code, code) for code in place.postcodes]
        self.fields["postcode"].error_messages["required"] = _("Choose the postcode")

    def address_input(self) -> AddressInput:
        data = self.cleaned_data
        return AddressInput(
            kind=AddressKind.THAI,
            house_number=data.get("house_number", ""),
            moo=data.get("moo", ""),
            building=data.get("building", ""),
            soi=data.get("soi", ""),
            road=data.get("road", ""),
            sub_district_code=self.place.code,
            postcode=data.get("postcode", ""),
        )


def country_choices(language: str) -> list[tuple[str, str]]:
    """Every country but Thailand, by its ISO alpha-3 code, named in ``language``."""
    names = Locale.parse(language).territories
    pairs = [
        (country.alpha_3, names.get(country.alpha_2, country.name))
        for country in countries
        if country.alpha_3 != "THA"
    ]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


class AbroadAddressForm(_AddressForm):
    """An address outside Thailand."""

    field_order = ("lines", "city", "region", "postcode", "country")

    lines = forms.CharField(
        label=_("Street address"),
        widget=forms.Textarea,
        max_length=400,
        error_messages={"required": _("Enter the street address")},
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=100,
        error_messages={"required": _("Enter the town or city")},
    )
    region = forms.CharField(label=_("State, province or region"), max_length=100, required=False)
    postcode = forms.CharField(label=_("Postcode or ZIP code"), max_length=10, required=False)
    country = forms.ChoiceField(
        label=_("Country"), error_messages={"required": _("Choose the country")}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = country_choices(current_language())
        choice_field(self, "country").choices = [("", _("Choose a country")), *choices]

    def address_input(self) -> AddressInput:
        data = self.cleaned_data
        return AddressInput(
            kind=AddressKind.INTERNATIONAL,
            lines=data.get("lines", ""),
            city=data.get("city", ""),
            region=data.get("region", ""),
            postcode=data.get("postcode", ""),
            country=data.get("country", ""),
        )
