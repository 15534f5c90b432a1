"""The questions of one page: read from a POST, checked, and made ready to show.

``page_form`` gives a page's widgets (what ``runner_field`` in ``runner/_fields.html`` renders),
its errors in the shape of GOV.UK's error summary, and the JSON answers that are valid. Each field
type has one entry in ``KINDS``: how its inputs are read from a POST into its JSON answer (keeping
what the person typed, to show it again with a message when it is wrong) and how a stored answer
fills the inputs. Reading is in two steps: first every input on its own (a real date, a whole
number, one of the options …); then, with the page's answers merged into the stored ones, which
fields those answers hide (a hidden field's input is ignored), the date bounds and the
definition's ``validations``. Prefilled fields take nothing from the POST: they show the facts.

A field whose condition is a simple test of a radios, yes/no or checkboxes field on the same page
is shown under that option (GOV.UK's conditional reveal, visible with JavaScript off too); other
conditional fields that read the page's own answers are always shown and ignored when hidden.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import phonenumbers
import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onegate.core.languages import format_date, format_number, pick
from onegate.definitions.language import (
    CompiledDefinition,
    RuleInputs,
    date_bounds,
    field_validate,
    field_visible,
    visibility_evaluate,
)
from onegate.definitions.language.model import AnyField, GroupField, Page
from onegate.definitions.language.validate import field_rules_read
from onegate.pages.dateinput import THAI_DIGITS, read_date
from onegate.registries import divisions
from onegate.registries.address_format import country_name
from onegate.registries.addresses import AddressInput, address_validate
from onegate.registries.identifiers import thai_national_id_normalise
from onegate.runner.codec import answer_from_json, answers_from_json, money_text

__all__ = ["KINDS", "PageForm", "Widget", "page_form"]


@dataclass
class Widget:
    """One visible field on the page, ready for ``runner_field(widget)``."""

    field: AnyField
    type: str  # field.type
    id: str  # HTML id of the first input (the error summary links to "#" + id)
    name: str  # input name prefix: the field id; inside groups "<group>-<i>-<inner>"
    label: str
    hint: str | None
    value: Any  # what the inputs show: the person's input after a POST, else the stored answer
    error: str | None
    required: bool
    options: list[dict[str, Any]] = dataclasses.field(
        default_factory=list
    )  # value, text, hint, checked
    prefilled: list[tuple[str, Any]] = dataclasses.field(
        default_factory=list
    )  # (subject name, FactShown)
    items: list[list[Widget]] = dataclasses.field(default_factory=list)  # a group's items
    reveal: list[Widget] = dataclasses.field(
        default_factory=list
    )  # fields shown under one of the options
    files: list[dict[str, Any]] = dataclasses.field(
        default_factory=list
    )  # id, name, size, type, url
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)  # what one type needs besides


@dataclass
class PageForm:
    page: Page
    widgets: list[Widget]
    errors: list[dict[str, str]]  # govukErrorSummary's errorList: {"text", "href"}
    answers: dict[str, Any]  # JSON answers of the visible, not prefilled fields that are valid
    action: str  # continue | save | add:<g> | remove:<g>:<i> | remove-file:<field>:<upload>
    multipart: bool  # the page has a file field

    @property
    def valid(self) -> bool:
        return not self.errors


# --- one page being read ---------------------------------------------------------------------


@dataclass
class _Form:
    """The page being read or shown, and what reading it needs."""

    compiled: CompiledDefinition
    page: Page
    application: Any
    language: str
    actor: Any
    data: Any  # QueryDict (or a plain mapping) | None
    files: Any
    preview_facts: Mapping[str, Any]
    action: str = "continue"
    stored: dict[str, Any] = dataclasses.field(default_factory=dict)  # JSON answers already saved
    inputs: RuleInputs | None = None  # what the rules read, once the page's answers are merged
    people_found: dict[str, list[dict[str, str]]] = dataclasses.field(default_factory=dict)

    @property
    def posted(self) -> bool:
        return self.data is not None

    def text(self, name: str) -> str:
        value = self.data.get(name) if self.data is not None else None
        return value if isinstance(value, str) else ""

    def values(self, name: str) -> list[str]:
        if self.data is None:
            return []
        if hasattr(self.data, "getlist"):
            return [str(value) for value in self.data.getlist(name)]
        value = self.data.get(name)
        return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]

    def uploaded(self, name: str) -> list[Any]:
        if not self.files:
            return []
        return [item for item in self.files.getlist(name) if item]

    def label(self, one: AnyField) -> str:
        return pick(one.label, self.language)


@dataclass
class _Answer:
    """One field's answer on this page: its JSON value, what was typed, and what is wrong."""

    field: AnyField
    value: Any = None  # the JSON answer (None: not answered)
    raw: Any = ""  # what the inputs show
    name: str = ""  # the input name it was read under (a group's items are renumbered after)
    error: str | None = None
    errors: dict[str, str] = dataclasses.field(default_factory=dict)  # per input of an address
    items: list[list[_Answer]] = dataclasses.field(default_factory=list)  # a group's items
    counts: bool = True  # visible: its answer counts
    shown: bool = True  # rendered on the page

    @property
    def valid(self) -> bool:
        inner = all(answer.valid for item in self.items for answer in item if answer.counts)
        return self.error is None and not self.errors and inner


Reader = Callable[[AnyField, str, _Form], _Answer]
Shower = Callable[[AnyField, Any, _Form], Any]


@dataclass(frozen=True)
class FieldKind:
    """How one field type is read from a POST and shown from a stored answer."""

    read: Reader
    show: Shower  # stored JSON answer -> what the inputs show
    first: Callable[[AnyField], str]  # the suffix of the first input's id ("-day" for a date)


KINDS: dict[str, FieldKind] = {}


def _text_shown(_one: AnyField, value: Any, _form: _Form) -> Any:
    return "" if value is None else str(value)


def _no_suffix(_one: AnyField) -> str:
    return ""


def field_kind(
    *types: str, show: Shower = _text_shown, first: Callable[[AnyField], str] = _no_suffix
) -> Callable[[Reader], Reader]:
    """Register how fields of ``types`` are read (the decorated function) and shown."""

    def register(read: Reader) -> Reader:
        for name in types:
            KINDS[name] = FieldKind(read, show, first)
        return read

    return register


def _blank(one: AnyField, raw: Any, message: str, form: _Form, empty: Any = None) -> _Answer:
    """Nothing given: an error when the field is required, else the empty answer."""
    if one.required:
        return _Answer(one, raw=raw, error=message % {"label": form.label(one)})
    return _Answer(one, value=empty, raw=raw)


def _wrong(one: AnyField, raw: Any, message: str, form: _Form, **values: Any) -> _Answer:
    return _Answer(one, raw=raw, error=message % {"label": form.label(one), **values})


# --- text and numbers ------------------------------------------------------------------------


@field_kind("text", "long_text")
def _read_text(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    value = raw.replace("\r\n", "\n").strip()
    if not value:
        return _blank(one, raw, _("Enter your answer to “%(label)s”"), form)
    if one.max_length and len(value) > one.max_length:
        message = _("“%(label)s” must be %(count)s characters or fewer")
        return _wrong(one, raw, message, form, count=format_number(one.max_length))
    if one.min_length and len(value) < one.min_length:
        message = _("“%(label)s” must be %(count)s characters or more")
        return _wrong(one, raw, message, form, count=format_number(one.min_length))
    return _Answer(one, value=value, raw=raw)


_WHOLE_NUMBER = re.compile(r"[-+]?[0-9]{1,15}")


def _number_text(raw: str) -> str:
    return "".join(raw.translate(THAI_DIGITS).replace(",", "").split())


@field_kind("number")
def _read_number(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    text = _number_text(raw)
    if not text:
        return _blank(one, raw, _("Enter a number for “%(label)s”"), form)
    if not _WHOLE_NUMBER.fullmatch(text):
        return _wrong(one, raw, _("“%(label)s” must be a whole number, like 12"), form)
    number = int(text)
    if one.min is not None and number < one.min:
        message = _("“%(label)s” must be %(number)s or more")
        return _wrong(one, raw, message, form, number=format_number(one.min))
    if one.max is not None and number > one.max:
        message = _("“%(label)s” must be %(number)s or less")
        return _wrong(one, raw, message, form, number=format_number(one.max))
    return _Answer(one, value=number, raw=raw)


_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")
_BAHT_WORDS = ("฿", "บาท", "baht", "thb")


def _amount_text(raw: str) -> str:
    text = raw.translate(THAI_DIGITS).casefold()
    for word in _BAHT_WORDS:
        text = text.replace(word, "")
    return "".join(text.replace(",", "").split())


@field_kind("money")
def _read_money(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    text = _amount_text(raw)
    if not text:
        return _blank(one, raw, _("Enter an amount in baht for “%(label)s”"), form)
    if not _AMOUNT.fullmatch(text):
        message = _("Enter the amount in baht, with up to 2 decimal places, like 1500 or 1500.50")
        return _wrong(one, raw, message, form)
    amount = Decimal(text)
    if one.min is not None and amount < one.min:
        message = _("“%(label)s” must be ฿%(amount)s or more")
        return _wrong(one, raw, message, form, amount=format_number(one.min))
    if one.max is not None and amount > one.max:
        message = _("“%(label)s” must be ฿%(amount)s or less")
        return _wrong(one, raw, message, form, amount=format_number(one.max))
    return _Answer(one, value=money_text(amount), raw=raw)


# --- dates -----------------------------------------------------------------------------------

DATE_PARTS = ("day", "month", "year")


def _date_shown(_one: AnyField, value: Any, _form: _Form) -> dict[str, str]:
    if not value:
        return dict.fromkeys(DATE_PARTS, "")
    year, month, day = str(value).split("-")
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


@field_kind("date", show=_date_shown, first=lambda _one: "-day")
def _read_date(one: Any, name: str, form: _Form) -> _Answer:
    raw = {part: form.text(f"{name}-{part}") for part in DATE_PARTS}
    try:
        day = read_date({f"date_{part}": raw[part] for part in DATE_PARTS}, "date", missing="")
    except ValidationError as error:
        if error.code == "required":
            return _blank(one, raw, _("Enter a date for “%(label)s”"), form)
        return _Answer(one, raw=raw, error=str(error.messages[0]))
    return _Answer(one, value=day.isoformat(), raw=raw)


def _date_bounds_error(answer: _Answer, form: _Form, inputs: RuleInputs, item: Any) -> None:
    """The error of a date outside the field's bounds (``not_before``/``not_after``)."""
    first, last = date_bounds(form.compiled, inputs, field_id=answer.field.id, item=item)
    day = answer_from_json(answer.field, answer.value)
    today = inputs.today or timezone.localdate()
    label = form.label(answer.field)
    if first is not None and day < first:
        if first == today:
            answer.error = _("“%(label)s” must be today or in the future") % {"label": label}
        else:
            message = _("“%(label)s” must be on or after %(date)s")
            answer.error = message % {"label": label, "date": format_date(first, form.language)}
    elif last is not None and day > last:
        if last == today:
            answer.error = _("“%(label)s” must be today or in the past") % {"label": label}
        else:
            message = _("“%(label)s” must be on or before %(date)s")
            answer.error = message % {"label": label, "date": format_date(last, form.language)}


# --- choices ---------------------------------------------------------------------------------

_YES_NO = {"yes": True, "no": False}


def _yes_no_shown(_one: AnyField, value: Any, _form: _Form) -> str:
    return "" if value is None else ("yes" if value else "no")


@field_kind("yes_no", show=_yes_no_shown)
def _read_yes_no(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    if not raw:
        return _blank(one, raw, _("Select an answer to “%(label)s”"), form)
    if raw not in _YES_NO:
        return _wrong(one, "", _("Select one of the answers to “%(label)s”"), form)
    return _Answer(one, value=_YES_NO[raw], raw=raw)


@field_kind("declaration", show=lambda _one, value, _form: "yes" if value else "")
def _read_declaration(one: Any, name: str, form: _Form) -> _Answer:
    if form.text(name) == "yes":
        return _Answer(one, value=True, raw="yes")
    return _blank(one, "", _("Tick the box to confirm the declaration"), form, empty=False)


@field_kind("radios", "select")
def _read_choice(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    if not raw:
        return _blank(one, raw, _("Select an answer to “%(label)s”"), form)
    if raw not in {option.value for option in one.options}:
        return _wrong(one, "", _("Select one of the answers to “%(label)s”"), form)
    return _Answer(one, value=raw, raw=raw)


@field_kind("checkboxes", show=lambda _one, value, _form: list(value or []))
def _read_checkboxes(one: Any, name: str, form: _Form) -> _Answer:
    given = [value for value in form.values(name) if value]
    known = [option.value for option in one.options]
    chosen = [value for value in known if value in given]
    if any(value not in known for value in given):
        return _wrong(one, chosen, _("Select one of the answers to “%(label)s”"), form)
    if not chosen:
        return _blank(one, [], _("Select at least one answer to “%(label)s”"), form, empty=[])
    return _Answer(one, value=chosen, raw=chosen)


@field_kind("person")
def _read_person(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    if not raw:
        return _blank(one, raw, _("Select a person for “%(label)s”"), form)
    if raw not in {person["value"] for person in _people(one, form)}:
        return _wrong(one, "", _("Select one of the people listed for “%(label)s”"), form)
    return _Answer(one, value=raw, raw=raw)


# --- identifiers and contact details ---------------------------------------------------------


@field_kind("email")
def _read_email(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    value = raw.strip()
    if not value:
        return _blank(one, raw, _("Enter an email address"), form)
    try:
        validate_email(value)
    except ValidationError:
        message = _("Enter an email address in the correct format, like name@example.com")
        return _wrong(one, raw, message, form)
    return _Answer(one, value=value, raw=raw)


def _phone_shown(_one: AnyField, value: Any, _form: _Form) -> str:
    """A stored E.164 number as people write it: "081 234 5678" for a Thai one."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(str(value), "TH")
    except phonenumbers.NumberParseException:
        return str(value)
    national = phonenumbers.region_code_for_number(number) == "TH"
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)


@field_kind("phone", show=_phone_shown)
def _read_phone(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    text = raw.translate(THAI_DIGITS).strip()
    if not text:
        return _blank(one, raw, _("Enter a phone number"), form)
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        message = _("Enter a phone number, like 081 234 5678, or +33 6 12 34 56 78 from abroad")
        return _wrong(one, raw, message, form)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return _Answer(one, value=e164, raw=raw)


@field_kind("thai_id")
def _read_thai_id(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    if not raw.strip():
        return _blank(one, raw, _("Enter a 13-digit national ID number"), form)
    try:
        value = thai_national_id_normalise(raw)
    except ValidationError as error:
        return _Answer(one, raw=raw, error=str(error.messages[0]))
    return _Answer(one, value=value, raw=raw)


_PASSPORT = re.compile(r"[A-Z0-9]{6,12}")


@field_kind("passport_number")
def _read_passport(one: Any, name: str, form: _Form) -> _Answer:
    raw = form.text(name)
    value = "".join(raw.translate(THAI_DIGITS).replace("-", "").split()).upper()
    if not value:
        return _blank(one, raw, _("Enter a passport number"), form)
    if not _PASSPORT.fullmatch(value):
        message = _("Enter the passport number as 6 to 12 letters and numbers, like AA1234567")
        return _wrong(one, raw, message, form)
    return _Answer(one, value=value, raw=raw)


# --- addresses -------------------------------------------------------------------------------

THAI_PARTS = (
    "house_number",
    "village",
    "moo",
    "soi",
    "road",
    "sub_district",
    "district",
    "province",
    "postcode",
)
ABROAD_PARTS = ("line_1", "line_2", "line_3", "line_4", "country")
ADDRESS_KINDS = ("thai", "international")
THAILAND = "THA"
LINE_LIMIT = 100
# The registries' names for the parts of an address, as this form names them.
_REGISTRY_PARTS = {"building": "village", "sub_district_code": "sub_district", "lines": "line_1"}


def _address_first(one: Any) -> str:
    return {"thai": "-house_number", "international": "-line_1"}.get(one.scope, "-kind")


def _address_shown(one: Any, value: Any, _form: _Form) -> dict[str, str]:
    raw = dict.fromkeys(("kind", *THAI_PARTS, *ABROAD_PARTS), "")
    if not isinstance(value, Mapping):
        return raw
    raw["kind"] = str(value.get("kind") or "")
    for part in THAI_PARTS:
        raw[part] = str(value.get(part) or "")
    code = str(value.get("sub_district_code") or "")
    found = divisions.province(code[:2]) if code else divisions.find_province(raw["province"])
    raw["province"] = found.code if found else ""
    for number, line in enumerate(value.get("lines") or [], start=1):
        raw[f"line_{number}"] = str(line)
    raw["country"] = str(value.get("country") or "") if raw["kind"] == "international" else ""
    return raw


@field_kind("address", show=_address_shown, first=_address_first)
def _read_address(one: Any, name: str, form: _Form) -> _Answer:
    raw = {part: form.text(f"{name}-{part}") for part in ("kind", *THAI_PARTS, *ABROAD_PARTS)}
    kind = one.scope if one.scope != "any" else raw["kind"]
    parts = {"thai": THAI_PARTS, "international": ABROAD_PARTS}.get(kind, tuple(raw))
    if not one.required and not any(raw[part].strip() for part in parts):
        return _Answer(one, raw=raw)
    if kind not in ADDRESS_KINDS:
        message = _("Select whether the address is in Thailand or in another country")
        return _Answer(one, raw=raw, error=message, errors={"kind": message})
    if kind == "thai":
        return _thai_address(one, raw, form)
    return _abroad_address(one, raw)


def _first_error(one: AnyField, raw: dict[str, str], errors: dict[str, str]) -> _Answer:
    order = ("kind", *THAI_PARTS, *ABROAD_PARTS)
    ordered = {part: errors[part] for part in order if part in errors}
    return _Answer(one, raw=raw, error=next(iter(ordered.values())), errors=ordered)


def _thai_address(one: AnyField, raw: dict[str, str], form: _Form) -> _Answer:
    errors: dict[str, str] = {}
    province = divisions.province(raw["province"]) if raw["province"] else None
    if raw["province"] and province is None:
        errors["province"] = _("Select the province from the list")
    if not raw["postcode"].strip():
        errors["postcode"] = _("Enter the postcode")
    given = AddressInput(
        house_number=raw["house_number"],
        moo=raw["moo"],
        building=raw["village"],
        soi=raw["soi"],
        road=raw["road"],
        province=province.name_th if province else "",
        district=raw["district"],
        sub_district=raw["sub_district"],
        postcode=raw["postcode"],
    )
    try:
        valid = address_validate(address=given)
    except ValidationError as error:
        for part, messages in error.message_dict.items():
            errors.setdefault(_REGISTRY_PARTS.get(part, part), str(messages[0]))
    if errors:
        return _first_error(one, raw, errors)
    code = valid.sub_district_code  # six digits: its district's and province's codes lead it
    sub_district, district, province_name = (
        _division_name(part, form.language) for part in (code, code[:4], code[:2])
    )
    value = {
        "kind": "thai",
        "house_number": valid.house_number,
        "village": valid.building,
        "moo": valid.moo,
        "soi": valid.soi,
        "road": valid.road,
        "sub_district": sub_district,
        "district": district,
        "province": province_name,
        "postcode": valid.postcode,
        "sub_district_code": valid.sub_district_code,
    }
    return _Answer(one, value=value, raw=raw)


def _division_name(code: str, language: str) -> str:
    found = divisions.by_code(code)
    return found.name(language) if found else ""


def _abroad_address(one: AnyField, raw: dict[str, str]) -> _Answer:
    errors: dict[str, str] = {}
    lines = [" ".join(raw[f"line_{n}"].split()) for n in range(1, 5)]
    lines = [line for line in lines if line]
    if not lines:
        errors["line_1"] = _("Enter the first line of the address")
    elif any(len(line) > LINE_LIMIT for line in lines):
        message = _("Each line of the address must be %(count)s characters or fewer")
        errors["line_1"] = message % {"count": LINE_LIMIT}
    country = raw["country"].strip().upper()
    if not country:
        errors["country"] = _("Select the country")
    elif country == THAILAND:
        errors["country"] = _("For an address in Thailand, choose “In Thailand” and give its parts")
    elif pycountry.countries.get(alpha_3=country) is None:
        errors["country"] = _("Select the country from the list")
    if errors:
        return _first_error(one, raw, errors)
    return _Answer(
        one, value={"kind": "international", "lines": lines, "country": country}, raw=raw
    )


@cache
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    """Every country but Thailand as (ISO alpha-3, name), by name in ``language``."""
    found = [
        (country.alpha_3, country_name(country.alpha_3, language))
        for country in pycountry.countries
        if country.alpha_3 != THAILAND
    ]
    return tuple(sorted(found, key=lambda item: item[1].casefold()))


# --- files -----------------------------------------------------------------------------------

ACCEPT = {
    "pdf": ".pdf,application/pdf",
    "jpeg": ".jpg,.jpeg,image/jpeg",
    "png": ".png,image/png",
}


def _files_shown(_one: AnyField, value: Any, _form: _Form) -> list[dict[str, Any]]:
    return [dict(item) for item in value or []]


@field_kind("file", show=_files_shown)
def _read_files(one: Any, name: str, form: _Form) -> _Answer:
    files = _uploads_kept(one, form, form.values(f"{name}-uploaded"))
    action, _sep, upload_id = form.action.rpartition(":")
    if action == f"remove-file:{name}" and any(item["id"] == upload_id for item in files):
        from onegate.runner.services.uploads import upload_remove

        upload_remove(actor=form.actor, application=form.application, upload_id=upload_id)
        files = [item for item in files if item["id"] != upload_id]
    return _Answer(one, value=files, raw=files)


def _uploads_kept(one: AnyField, form: _Form, ids: Iterable[str]) -> list[dict[str, Any]]:
    """The files listed on the page that really are this application's, for this field."""
    wanted = list(dict.fromkeys(item for item in ids if _is_uuid(item)))
    if form.application is None or not wanted:
        return []
    from onegate.runner.models import Upload

    rows = Upload.objects.filter(application=form.application, field_id=one.id, pk__in=wanted)
    found = {str(row.pk): row for row in rows}
    return [_file_entry(found[item]) for item in wanted if item in found]


def _file_entry(upload: Any) -> dict[str, Any]:
    return {
        "id": str(upload.pk),
        "name": upload.name,
        "size": upload.size,
        "content_type": upload.content_type,
    }


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _files_take(answer: _Answer, form: _Form) -> None:
    """Accept the files sent for a visible file field, up to its ``max_files``."""
    one: Any = answer.field
    sent = form.uploaded(answer.name)
    files = list(answer.value or [])
    if sent and form.application is None:
        answer.error = _("Files cannot be uploaded in a preview")
    elif sent:
        from onegate.runner.services.uploads import UploadRefused, upload_accept

        for uploaded in sent:
            if len(files) >= one.max_files:
                answer.error = _too_many_files(one)
                break
            try:
                upload = upload_accept(
                    application=form.application,
                    field=one,
                    uploaded=uploaded,
                    actor=form.actor,
                    pending=max(0, len(files) - _files_stored(form, one)),
                )
            except UploadRefused as refused:
                answer.error = str(refused.message)
                continue
            files.append(_file_entry(upload))
    answer.value = answer.raw = files
    if answer.error is None and not files and one.required:
        answer.error = _("Upload a file for “%(label)s”") % {"label": form.label(one)}


def _files_stored(form: _Form, one: AnyField) -> int:
    """How many files the saved answer lists (the uploads service counts those as given)."""
    stored = (form.application.answers or {}).get(one.id)
    return len(stored) if isinstance(stored, list) else 0


def _too_many_files(one: Any) -> str:
    if one.max_files == 1:
        return _("You can upload only 1 file here: remove it first to give another")
    return _("You can upload up to %(count)s files here") % {"count": one.max_files}


def _file_url(form: _Form, upload_id: str) -> str:
    if form.application is None:
        return ""
    try:
        return reverse(
            "runner:file",
            kwargs={"application_id": form.application.pk, "upload_id": upload_id},
        )
    except NoReverseMatch:  # the download view is not wired yet
        return ""


# --- people ----------------------------------------------------------------------------------


def _people(one: Any, form: _Form) -> list[dict[str, str]]:
    """The people a person field offers: {"value": person id, "text": name, "hint"}."""
    key = ",".join(one.choose_from)
    if key not in form.people_found:
        found: dict[str, dict[str, str]] = {}
        for choice in one.choose_from:
            for person in _PEOPLE[choice](form):
                found.setdefault(person["value"], person)
        form.people_found[key] = list(found.values())
    return form.people_found[key]


def _acting_options(form: _Form) -> list[Any]:
    """Whom the signed-in person may act for, when they are the applicant (not centre staff)."""
    from onegate.identity.acting import people_i_act_for

    options = people_i_act_for(form.actor) if form.actor is not None else []
    me = next((option for option in options if option.is_self), None)
    if me is None or me.person_id != str(form.application.applicant_person_id):
        return []
    return options


def _person(person_id: str, names: Mapping[str, str], hint: str, form: _Form) -> dict[str, str]:
    return {"value": str(person_id), "text": pick(names, form.language), "hint": hint}


def _people_self(form: _Form) -> list[dict[str, str]]:
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


def _people_related(form: _Form, relationships: tuple[str, ...]) -> list[dict[str, str]]:
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


_PEOPLE: dict[str, Callable[[_Form], list[dict[str, str]]]] = {
    "self": _people_self,
    "children": lambda form: _people_related(form, ("child",)),
    # The household the registry links to the person: their children and their wards.
    "household": lambda form: _people_related(form, ("child", "ward")),
}


# --- groups ----------------------------------------------------------------------------------


def _fewest(one: Any) -> int:
    return max(one.min_items, 1 if one.required else 0)


def _item_count(text: str, one: Any) -> int:
    count = int(text) if text.isdigit() and len(text) < 4 else 0
    return min(count, one.max_items)


def _item_blank(form: _Form, prefix: str) -> bool:
    """Whether nothing was typed, chosen or sent in any input of a group's item."""
    if form.files and any(key.startswith(prefix) for key in form.files):
        return False
    pairs = form.data.lists() if hasattr(form.data, "lists") else form.data.items()
    return not any(
        key.startswith(prefix)
        and not key.endswith("-items")
        and any(str(value).strip() for value in (values if isinstance(values, list) else [values]))
        for key, values in pairs
    )


@field_kind("group", show=lambda _one, value, _form: None)
def _read_group(one: Any, name: str, form: _Form) -> _Answer:
    count = _item_count(form.text(f"{name}-items"), one)
    items = [
        (
            _item_blank(form, f"{name}-{index}-"),
            [_read(inner, f"{name}-{index}-{inner.id}", form) for inner in one.fields],
        )
        for index in range(count)
    ]
    action, _sep, index = form.action.rpartition(":")
    if action == f"remove:{name}" and int(index) < len(items):
        del items[int(index)]
    # Items left blank are dropped, unless the group needs them (then they are asked for).
    blanks_allowed = _fewest(one) - sum(1 for blank, _item in items if not blank)
    kept = []
    for blank, item in items:
        if blank and blanks_allowed <= 0:
            continue
        blanks_allowed -= blank
        kept.append(item)
    return _Answer(one, value=None, raw=None, items=kept)


def _group_stored(one: Any, value: Any, form: _Form) -> _Answer:
    items = [
        [_stored(inner, stored.get(inner.id), form) for inner in one.fields]
        for stored in value or []
        if isinstance(stored, Mapping)
    ]
    for _blank_item in range(_fewest(one) - len(items)):
        items.append([_stored(inner, None, form) for inner in one.fields])
    return _Answer(one, value=value, raw=None, items=items)


def _item_values(item: list[_Answer]) -> dict[str, Any]:
    """An item as the rules read it (``item.<inner>``; None when not answered or wrong)."""
    return {
        answer.field.id: answer_from_json(answer.field, answer.value)
        if answer.error is None and answer.counts
        else None
        for answer in item
    }


def _item_json(item: list[_Answer]) -> dict[str, Any]:
    return {
        answer.field.id: _json_of(answer)
        for answer in item
        if answer.counts and answer.error is None
    }


def _json_of(answer: _Answer) -> Any:
    """The answer as JSON; a group's is made from its items until it has been checked."""
    if isinstance(answer.field, GroupField) and answer.value is None:
        return [_item_json(item) for item in answer.items]
    return answer.value


def _reads_item(one: AnyField) -> bool:
    return bool(one.condition and re.search(r"\bitem\.", one.condition))


def _check_group(answer: _Answer, name: str, form: _Form, inputs: RuleInputs) -> None:
    one: Any = answer.field
    for index, item in enumerate(answer.items):
        for inner in item:
            values = _item_values(item)
            inner.counts = not inner.field.condition or field_visible(
                form.compiled, inner.field.id, inputs, item=values
            )
            inner.shown = inner.counts or _reads_item(inner.field)
            inner_name = f"{name}-{index}-{inner.field.id}"
            if inner.counts:
                _check(inner, inner_name, form, inputs, rules=True, item=values)
            else:
                _forget(inner)
    answer.value = [_item_json(item) for item in answer.items]
    if len(answer.items) < _fewest(one) and not form.action.startswith(f"remove:{name}:"):
        message = ngettext(
            "Add at least %(count)s %(item)s",
            "Add at least %(count)s entries for “%(item)s”",
            _fewest(one),
        )
        answer.error = message % {"count": _fewest(one), "item": _item_name(one, form)}
    elif answer.valid:
        _validations(answer, form, inputs, item=None)


def _item_name(one: Any, form: _Form) -> str:
    """The item label inside a sentence: lower case in English ("Add another person")."""
    label = pick(one.item_label, form.language)
    return label[:1].lower() + label[1:] if form.language == "en" else label


# --- reading a page --------------------------------------------------------------------------


def _read(one: AnyField, name: str, form: _Form) -> _Answer:
    answer = KINDS[one.type].read(one, name, form)
    answer.name = name
    return answer


def _stored(one: AnyField, value: Any, form: _Form) -> _Answer:
    """An answer as saved, to show in the inputs (nothing to check)."""
    if isinstance(one, GroupField):
        return _group_stored(one, value, form)
    return _Answer(one, value=value, raw=KINDS[one.type].show(one, value, form))


def _validations(answer: _Answer, form: _Form, inputs: RuleInputs, item: Any) -> None:
    python = answer_from_json(answer.field, _json_of(answer))
    messages = field_validate(
        form.compiled, inputs, field_id=answer.field.id, value=python, item=item
    )
    if messages:
        answer.error = pick(messages[0], form.language)


def _check(
    answer: _Answer, name: str, form: _Form, inputs: RuleInputs, *, rules: bool, item: Any = None
) -> None:
    """The second step for a visible field: files, then its bounds and validations."""
    if answer.field.type == "group":
        _check_group(answer, name, form, inputs)
        return
    if answer.field.type == "file":
        _files_take(answer, form)
    if not rules or not answer.valid or answer.value is None:
        return
    if answer.field.type == "date":
        _date_bounds_error(answer, form, inputs, item)
    if answer.valid:
        _validations(answer, form, inputs, item)


def _inputs(form: _Form, answers: Mapping[str, Any]) -> RuleInputs:
    """What the rules read with these JSON answers (and every prefilled field's value)."""
    if form.application is not None:
        from onegate.runner.facts import application_inputs

        return application_inputs(form.application, answers=dict(answers), compiled=form.compiled)
    values = answers_from_json(form.compiled, answers)
    for _page, one in form.compiled.model.all_fields():
        if one.prefill:
            values[one.id] = _walk(form.preview_facts, one.prefill.split("."))
    return RuleInputs(answers=values, facts=dict(form.preview_facts), applicant="self")


def _walk(value: Any, path: list[str]) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _forget(answer: _Answer) -> None:
    """A hidden field's input is ignored: nothing it says is wrong."""
    answer.error, answer.errors = None, {}
    for item in answer.items:
        for inner in item:
            _forget(inner)


def _same_page(form: _Form, one: AnyField) -> bool:
    """Whether the field's condition reads an answer given on this page."""
    rule = form.compiled.plan.field_conditions.get(one.id)
    own = {each.id for each in form.page.fields}
    return rule is not None and bool(rule.answers & own)


def _answers_read(form: _Form, top: list[_Answer]) -> None:
    """The second step for the whole page: visibility with the new answers, then the checks."""
    asked = [a for a in top if not a.field.prefill]
    merged = {key: value for key, value in form.stored.items() if key not in _ids(form.page)}
    merged |= {a.field.id: _json_of(a) for a in asked if a.valid}
    inputs = form.inputs = _inputs(form, merged)
    visible = visibility_evaluate(form.compiled, inputs).fields
    wrong = {a.field.id for a in asked if not a.valid}
    for answer in top:
        answer.counts = answer.field.id in visible
        answer.shown = answer.counts or _same_page(form, answer.field)
        if answer.field.prefill:
            continue
        if not answer.counts:
            _forget(answer)
            continue
        reads_wrong = bool(field_rules_read(form.compiled, answer.field.id) & wrong)
        _check(answer, answer.field.id, form, inputs, rules=not reads_wrong)


def _answers_shown(form: _Form, top: list[_Answer]) -> None:
    """Which stored answers' fields are shown (no POST: nothing is checked)."""
    inputs = form.inputs = _inputs(form, form.stored)
    visible = visibility_evaluate(form.compiled, inputs).fields
    for answer in top:
        answer.counts = answer.field.id in visible
        answer.shown = answer.counts or _same_page(form, answer.field)
        for item in answer.items:
            _item_shown(item, form)


def _item_shown(item: list[_Answer], form: _Form) -> None:
    """Show an item's inner fields whose condition reads the item, or holds."""
    values = _item_values(item)
    for inner in item:
        condition = inner.field.condition
        inner.shown = (
            not condition
            or _reads_item(inner.field)
            or (
                form.inputs is not None
                and field_visible(form.compiled, inner.field.id, form.inputs, item=values)
            )
        )


def _ids(page: Page) -> set[str]:
    return {one.id for one in page.fields}


# --- actions ---------------------------------------------------------------------------------

_NAME = r"(?:[a-z][a-z0-9_]*-[0-9]{1,3}-)*[a-z][a-z0-9_]*"
_ACTIONS = re.compile(
    rf"continue|save|add:{_NAME}|remove:{_NAME}:[0-9]{{1,3}}"
    rf"|remove-file:{_NAME}:[0-9a-f-]{{36}}"
)


def _action(text: str) -> str:
    """The button pressed; "continue" for anything else."""
    return text if _ACTIONS.fullmatch(text or "") else "continue"


def _add_item(answer: _Answer, name: str, form: _Form) -> None:
    """ "Add another": an empty item at the end, or why there cannot be one."""
    one: Any = answer.field
    if len(answer.items) >= one.max_items:
        message = ngettext(
            "You can add only %(count)s %(item)s",
            "You can add up to %(count)s entries for “%(item)s”",
            one.max_items,
        )
        answer.error = message % {"count": one.max_items, "item": _item_name(one, form)}
        return
    item = [_stored(inner, None, form) for inner in one.fields]
    _item_shown(item, form)
    answer.items.append(item)


# --- widgets ---------------------------------------------------------------------------------

_REVEAL_EQUALS = re.compile(r"answers\.([a-z][a-z0-9_]*)\s*==\s*([\"'])([a-z][a-z0-9_]*)\2")
_REVEAL_TRUE = re.compile(r"answers\.([a-z][a-z0-9_]*)")
_REVEAL_IN = re.compile(r"([\"'])([a-z][a-z0-9_]*)\1\s+in\s+answers\.([a-z][a-z0-9_]*)")


def _reveal_under(one: AnyField, page: Page) -> tuple[str, str] | None:
    """(field id, option value) the field is revealed under, when its condition is a simple
    test of an earlier radios, yes/no or checkboxes field on the page."""
    text = (one.condition or "").strip()
    earlier: dict[str, Any] = {}
    for each in page.fields:
        if each.id == one.id:
            break
        earlier[each.id] = each
    found = None
    if match := _REVEAL_EQUALS.fullmatch(text):
        found = (match[1], match[3], "radios")
    elif match := _REVEAL_TRUE.fullmatch(text):
        found = (match[1], "yes", "yes_no")
    elif match := _REVEAL_IN.fullmatch(text):
        found = (match[3], match[2], "checkboxes")
    if found is None or isinstance(one, GroupField):
        return None
    controller = earlier.get(found[0])
    if controller is None or controller.type != found[2] or controller.prefill:
        return None
    if found[2] != "yes_no" and found[1] not in {o.value for o in controller.options}:
        return None
    return found[0], found[1]


def _options(one: Any, raw: Any, form: _Form) -> list[dict[str, Any]]:
    kind = one.type
    choices: list[dict[str, Any]]
    if kind == "yes_no":
        choices = [{"value": "yes", "text": _("Yes")}, {"value": "no", "text": _("No")}]
    elif kind in ("radios", "select", "checkboxes"):
        choices = [
            {
                "value": option.value,
                "text": pick(option.label, form.language),
                "hint": pick(option.hint, form.language) if option.hint else None,
            }
            for option in one.options
        ]
    elif kind == "person":
        choices = [dict(person) for person in _people(one, form)]
    else:
        return []
    chosen = raw if isinstance(raw, list) else [raw]
    key = "selected" if kind == "select" else "checked"
    return [choice | {key: choice["value"] in chosen} for choice in choices]


def _address_extra(one: Any, answer: _Answer, form: _Form) -> dict[str, Any]:
    kind_now = one.scope if one.scope != "any" else (answer.raw or {}).get("kind", "")
    return {
        "scope": one.scope,
        "kind": kind_now,
        "errors": dict(answer.errors),
        "provinces": divisions.choices(divisions.provinces(), form.language),
        "countries": list(_countries(form.language)),
    }


_FILE_TYPES = {"pdf": "PDF", "jpeg": "JPG", "png": "PNG"}


def _file_extra(one: Any, answer: _Answer, form: _Form) -> dict[str, Any]:
    values = {
        "types": ", ".join(_FILE_TYPES[item] for item in one.accept),
        "size": one.max_size_mb,
        "count": one.max_files,
    }
    if one.max_files == 1:
        limits = _("%(types)s, up to %(size)s MB") % values
    else:
        limits = _("Up to %(count)s files: %(types)s, each up to %(size)s MB") % values
    return {
        "accept": ",".join(ACCEPT[item] for item in one.accept),
        "max_files": one.max_files,
        "can_add": len(answer.value or []) < one.max_files,
        "limits": limits,
    }


def _text_extra(one: Any, answer: _Answer, form: _Form) -> dict[str, Any]:
    if not one.max_length:
        return {"max_length": None}
    # The character count's messages (GOV.UK Frontend fills in %{count}).
    texts = {
        "textareaDescriptionText": _("You can enter up to %{count} characters"),
        "charactersUnderLimitText": {"other": _("You have %{count} characters remaining")},
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {"other": _("You have %{count} characters too many")},
    }
    return {"max_length": one.max_length, "count_texts": texts}


# What each type's template needs beyond the common parts of a widget.
_EXTRAS: dict[str, Callable[[Any, _Answer, _Form], dict[str, Any]]] = {
    "address": _address_extra,
    "file": _file_extra,
    "text": _text_extra,
    "long_text": _text_extra,
    "declaration": lambda one, _answer, form: {"statement": pick(one.statement, form.language)},
}


def _extra(one: Any, answer: _Answer, form: _Form) -> dict[str, Any]:
    build = _EXTRAS.get(one.type)
    return build(one, answer, form) if build else {}


def _widget(answer: _Answer, name: str, form: _Form) -> Widget:
    one: Any = answer.field
    widget = Widget(
        field=one,
        type=one.type,
        id=name + KINDS[one.type].first(one),
        name=name,
        label=form.label(one),
        hint=pick(one.hint, form.language) if one.hint else None,
        value=answer.raw,
        error=answer.error,
        required=one.required,
        options=_options(one, answer.raw, form),
        extra=_extra(one, answer, form),
    )
    if one.type == "file":
        widget.files = [item | {"url": _file_url(form, item["id"])} for item in answer.value or []]
    if isinstance(one, GroupField):
        _group_widget(widget, answer, form)
    return widget


def _group_widget(widget: Widget, answer: _Answer, form: _Form) -> None:
    one: Any = answer.field
    name = widget.name
    widget.items = [
        [_widget(inner, f"{name}-{index}-{inner.field.id}", form) for inner in item if inner.shown]
        for index, item in enumerate(answer.items)
    ]
    first = next((item[0].id for item in widget.items if item), None)
    widget.id = first or f"{name}-add"
    label = pick(one.item_label, form.language)
    widget.extra = {
        "item_label": label,
        "item_name": _item_name(one, form),
        "titles": [f"{label} {number}" for number in range(1, len(widget.items) + 1)],
        "count": len(widget.items),
        "can_add": len(widget.items) < one.max_items,
        "add_id": f"{name}-add",
    }


def _prefilled_widget(one: AnyField, form: _Form) -> Widget:
    from onegate.runner.journey import answer_lines, fact_source

    shown = _facts_shown(one, form)
    facts = [
        {
            "subject": subject,
            "lines": answer_lines(one, fact.value, form.language, missing=_("Not on record")),
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


def _facts_shown(one: AnyField, form: _Form) -> list[tuple[str, Any]]:
    from onegate.runner.facts import FactShown, prefilled_value

    if form.application is None:
        value = _walk(form.preview_facts, (one.prefill or "").split("."))
        shown = FactShown(
            value=value, register=_("the registry"), as_of=None, agency="", correction_url=""
        )
        return [(_("You (an example)"), shown)]
    found = []
    for subject in form.application.subjects or []:
        fact = prefilled_value(form.application, one, str(subject["person_id"]))
        if fact is not None:
            found.append((pick(subject.get("names") or {}, form.language), fact))
    return found


def _page_widgets(form: _Form, top: list[_Answer]) -> list[Widget]:
    """The page's widgets in order, revealed fields nested under their option."""
    widgets: dict[str, Widget] = {}
    placed: list[Widget] = []
    for answer in top:
        one = answer.field
        if one.prefill:
            if answer.counts:
                placed.append(_prefilled_widget(one, form))
            continue
        if not answer.shown:
            continue
        widget = _widget(answer, one.id, form)
        widgets[one.id] = widget
        under = _reveal_under(one, form.page)
        if under is None:
            placed.append(widget)
            continue
        parent = widgets.get(under[0])
        if parent is None:  # the question it is asked under is not on the page now
            continue
        widget.extra["reveal_under"] = under[1]
        parent.reveal.append(widget)
        for option in parent.options:
            if option["value"] == under[1]:
                option.setdefault("reveal", []).append(widget)
    return placed


def _error_list(widgets: list[Widget]) -> list[dict[str, str]]:
    """Every message of the page for the error summary, in the order of the page."""
    found: list[dict[str, str]] = []
    for widget in widgets:
        found += _widget_errors(widget, prefix="")
        found += _error_list(widget.reveal)
    return found


def _widget_errors(widget: Widget, prefix: str) -> list[dict[str, str]]:
    parts = widget.extra.get("errors") if widget.type == "address" else None
    if parts:
        return [
            {"text": prefix + text, "href": f"#{widget.name}-{part}"}
            for part, text in parts.items()
        ]
    found = [{"text": prefix + widget.error, "href": f"#{widget.id}"}] if widget.error else []
    for title, item in zip(widget.extra.get("titles", []), widget.items, strict=False):
        for inner in item:
            found += _widget_errors(inner, prefix=f"{prefix}{title}: ")
    return found


def _has_files(fields: Iterable[AnyField]) -> bool:
    return any(
        one.type == "file" or (isinstance(one, GroupField) and _has_files(one.fields))
        for one in fields
    )


def page_form(
    *,
    compiled: CompiledDefinition,
    page: Page,
    application: Any,
    language: str,
    data: Any = None,
    files: Any = None,
    actor: Any = None,
    preview_facts: Mapping[str, Any] | None = None,
) -> PageForm:
    """The page's widgets from the stored answers (``data`` None), or the POST read and checked.

    ``application`` None is a preview: facts from ``preview_facts``, nothing stored, no uploads.
    """
    with translation.override(language):
        form = _Form(
            compiled=compiled,
            page=page,
            application=application,
            language=language,
            actor=actor,
            data=data,
            files=files,
            preview_facts=preview_facts or {},
            action=_action(data.get("action", "")) if data is not None else "continue",
            stored=dict(application.answers or {}) if application is not None else {},
        )
        top = _page_answers(form)
        widgets = _page_widgets(form, top)
        errors = _error_list(widgets)
        answers = {
            a.field.id: _json_of(a)
            for a in top
            if a.counts
            and a.valid
            and not a.field.prefill
            and (form.posted or a.field.id in form.stored)
        }
        return PageForm(page, widgets, errors, answers, form.action, _has_files(page.fields))


def _page_answers(form: _Form) -> list[_Answer]:
    page = form.page
    if not form.posted:
        top = [
            _Answer(one) if one.prefill else _stored(one, form.stored.get(one.id), form)
            for one in page.fields
        ]
        _answers_shown(form, top)
        return top
    top = [_Answer(one) if one.prefill else _read(one, one.id, form) for one in page.fields]
    _answers_read(form, top)
    kind, _sep, group = form.action.partition(":")
    adding = next((a for a in top if kind == "add" and a.field.id == group), None)
    if adding is not None and adding.counts and all(a.valid for a in top if a.counts):
        _add_item(adding, group, form)
    return top
