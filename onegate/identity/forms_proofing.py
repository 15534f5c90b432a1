"""Forms of the proofing pages: each checks what can be checked without the registry (a check
digit, a real date, an MRZ's own check digits) with a message naming the field, and hands the
service a typed ``details`` object.

Dates are GOV.UK date inputs (day, month, year). Thai documents print years in the Buddhist
era as well, so a year of 2400 or more is read as one (2527 → 1984) rather than refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.identity.models import ServiceCentre
from onegate.identity.permissions import StaffPermission, staff_centre_scope
from onegate.identity.proofing.in_person import InPersonDetails, SightedDocument, desk_code_matches
from onegate.identity.proofing.matching import document_name
from onegate.identity.proofing.national_id_card import IdCardDetails
from onegate.identity.proofing.passport import PassportDetails
from onegate.pages.dateinput import date_box, read_date
from onegate.registries.identifiers import (
    country_code_normalise,
    laser_code_normalise,
    thai_national_id_normalise,
)
from onegate.registries.mrz import MRZError, parse_mrz


def _date_part(max_length: int) -> forms.CharField:
    return date_box(max_length)


def _latin_name(value: str, *, field_label: Any) -> str:
    if document_name(value) is None:
        raise ValidationError(
            _("Enter your %(field)s in Latin letters, as printed in your passport"),
            code="latin",
            params={"field": field_label},
        )
    return value.strip()


class _DateOfBirthMixin:
    """Reads the date of birth boxes; the error sits on the day box, which the summary links."""

    cleaned_data: dict[str, Any]
    add_error: Any

    def _date_of_birth(self) -> dt.date | None:
        try:
            born = read_date(
                self.cleaned_data, "date_of_birth", missing=_("Enter your date of birth")
            )
        except ValidationError as error:
            self.add_error("date_of_birth_day", error)
            return None
        if born > timezone.localdate():
            self.add_error("date_of_birth_day", _("Your date of birth must be in the past"))
            return None
        return born


class NationalIdCardForm(_DateOfBirthMixin, forms.Form):
    """The front and back of a Thai ID card."""

    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=30,
        error_messages={"required": _("Enter your 13-digit national ID number")},
    )
    given_name = forms.CharField(
        label=_("Given name"),
        max_length=100,
        error_messages={"required": _("Enter your given name, as on your card")},
    )
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        error_messages={"required": _("Enter your family name, as on your card")},
    )
    date_of_birth_day = _date_part(2)
    date_of_birth_month = _date_part(2)
    date_of_birth_year = _date_part(4)
    laser_code = forms.CharField(
        label=_("Laser code"),
        max_length=20,
        error_messages={"required": _("Enter the laser code from the back of your card")},
    )

    def clean_national_id(self) -> str:
        return thai_national_id_normalise(self.cleaned_data["national_id"])

    def clean_laser_code(self) -> str:
        return laser_code_normalise(self.cleaned_data["laser_code"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["date_of_birth"] = self._date_of_birth()
        return data

    def details(self) -> IdCardDetails:
        data = self.cleaned_data
        return IdCardDetails(
            national_id=data["national_id"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            laser_code=data["laser_code"],
        )


class PassportForm(_DateOfBirthMixin, forms.Form):
    """The details on a passport's photo page, typed."""

    number = forms.CharField(
        label=_("Passport number"),
        max_length=20,
        error_messages={"required": _("Enter your passport number")},
    )
    issuing_state = forms.CharField(
        label=_("Issuing country"),
        max_length=3,
        error_messages={"required": _("Enter the 3-letter code of the country that issued it")},
    )
    given_names = forms.CharField(
        label=_("Given names"),
        max_length=100,
        error_messages={"required": _("Enter your given names, as in your passport")},
    )
    family_name = forms.CharField(
        label=_("Surname"),
        max_length=100,
        error_messages={"required": _("Enter your surname, as in your passport")},
    )
    date_of_birth_day = _date_part(2)
    date_of_birth_month = _date_part(2)
    date_of_birth_year = _date_part(4)
    expiry_date_day = _date_part(2)
    expiry_date_month = _date_part(2)
    expiry_date_year = _date_part(4)

    def clean_number(self) -> str:
        number = "".join(self.cleaned_data["number"].split()).upper()
        if not number.isalnum() or not number.isascii():
            raise ValidationError(
                _("A passport number has only letters and digits, for example 927184536"),
                code="number",
            )
        return number

    def clean_issuing_state(self) -> str:
        return country_code_normalise(self.cleaned_data["issuing_state"])

    def clean_given_names(self) -> str:
        return _latin_name(self.cleaned_data["given_names"], field_label=_("given names"))

    def clean_family_name(self) -> str:
        return _latin_name(self.cleaned_data["family_name"], field_label=_("surname"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["date_of_birth"] = self._date_of_birth()
        try:
            expiry = read_date(data, "expiry_date", missing=_("Enter the date of expiry"))
        except ValidationError as error:
            self.add_error("expiry_date_day", error)
            return data
        if expiry < timezone.localdate():
            self.add_error("expiry_date_day", EXPIRED)
        data["expiry_date"] = expiry
        return data

    def details(self) -> PassportDetails:
        data = self.cleaned_data
        return PassportDetails(
            number=data["number"],
            issuing_state=data["issuing_state"],
            given_names=data["given_names"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            expiry_date=data["expiry_date"],
        )


EXPIRED = _(
    "This passport has expired. Use a passport that is still valid, or prove your identity at a "
    "service centre."
)


class PassportZoneForm(forms.Form):
    """The machine-readable zone of a passport or travel document, typed or pasted."""

    mrz = forms.CharField(
        label=_("Machine-readable zone"),
        max_length=200,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "required": _(
                "Enter the 2 lines of letters, digits and < at the bottom of your passport's "
                "photo page"
            )
        },
    )

    def clean_mrz(self) -> Any:
        try:
            zone = parse_mrz(self.cleaned_data["mrz"].upper())
        except MRZError as error:
            raise ValidationError(error.error_list) from None
        if zone.expiry_date < timezone.localdate():
            raise ValidationError(EXPIRED, code="expired")
        return zone

    def details(self) -> PassportDetails:
        zone = self.cleaned_data["mrz"]
        return PassportDetails(
            number=zone.document_number,
            issuing_state=country_code_normalise(zone.issuing_state),
            given_names=zone.given_names,
            family_name=zone.family_name,
            date_of_birth=zone.birth_date,
            expiry_date=zone.expiry_date,
            from_mrz=True,
            names_may_be_truncated=zone.name_may_be_truncated,
        )


class InPersonForm(forms.Form):
    """What a service-centre officer enters at the counter."""

    centre = forms.ChoiceField(
        label=_("Service centre"),
        error_messages={"required": _("Select the service centre you are working at")},
    )
    email = forms.EmailField(
        label=_("The person's account email address"),
        error_messages={
            "required": _("Enter the email address of the person's OneGate account"),
            "invalid": _("Enter an email address like name@example.com"),
        },
    )
    desk_code = forms.CharField(
        label=_("Desk code"),
        max_length=12,
        error_messages={"required": _("Enter the desk code the person reads from their account")},
    )
    document_type = forms.ChoiceField(
        label=_("Document seen"),
        choices=SightedDocument.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the document you have seen")},
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=30,
        error_messages={"required": _("Enter the number of the document")},
    )
    issuing_state = forms.CharField(label=_("Issuing country"), max_length=3, required=False)
    laser_code = forms.CharField(label=_("Laser code"), max_length=20, required=False)

    def __init__(self, *args: Any, officer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officer = officer
        centre_ids = staff_centre_scope(officer, StaffPermission.PROOF_IN_PERSON)
        centres = ServiceCentre.objects.filter(pk__in=centre_ids).order_by("name_en")
        field = self.fields["centre"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 (narrowing for the type checker)
        field.choices = [(str(centre.pk), centre.name) for centre in centres]
        self.account: Any = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_account(data)
        kind = data.get("document_type")
        if kind == SightedDocument.THAI_ID_CARD:
            self._clean_card(data)
        elif kind == SightedDocument.PASSPORT:
            self._clean_passport(data)
        return data

    def _clean_account(self, data: dict[str, Any]) -> None:
        if not (data.get("email") and data.get("desk_code")):
            return
        account = get_user_model().objects.filter(email__iexact=data["email"]).first()
        if account is None or not desk_code_matches(account, data["desk_code"]):
            self.add_error(
                "desk_code",
                _(
                    "The email address and desk code do not match an account. Ask the person "
                    "to open “Prove who you are at a service centre” and read the code again."
                ),
            )
            return
        self.account = account

    def _clean_card(self, data: dict[str, Any]) -> None:
        if not data.get("laser_code"):
            self.add_error("laser_code", _("Enter the laser code from the back of the card"))
        for name, normalise in (
            ("document_number", thai_national_id_normalise),
            ("laser_code", laser_code_normalise),
        ):
            if data.get(name):
                try:
                    data[name] = normalise(data[name])
                except ValidationError as error:
                    self.add_error(name, error)

    def _clean_passport(self, data: dict[str, Any]) -> None:
        data["document_number"] = "".join(str(data.get("document_number", "")).split()).upper()
        if not data.get("issuing_state"):
            self.add_error(
                "issuing_state", _("Enter the 3-letter code of the country that issued it")
            )
            return
        try:
            data["issuing_state"] = country_code_normalise(data["issuing_state"])
        except ValidationError as error:
            self.add_error("issuing_state", error)

    def details(self) -> InPersonDetails:
        data = self.cleaned_data
        passport = data["document_type"] == SightedDocument.PASSPORT
        return InPersonDetails(
            centre_id=data["centre"],
            desk_code=data["desk_code"],
            document_type=data["document_type"],
            document_number=data["document_number"],
            issuing_state=data["issuing_state"] if passport else "",
            laser_code="" if passport else data["laser_code"],
        )
