"""A whole draft service definition from an imported form, with safe defaults for the rest.

form.io describes only questions. Everything else a OneGate definition needs is filled with
safe defaults, each reported as "changed" so the owner reviews it before publishing:
the ``service`` slug and ``agency`` from the arguments, the title from the argument or the
form's ``title``, a placeholder summary, level of assurance "substantial", no eligibility
rules, decision ``otherwise: refer`` (a person decides every application), an SLA of 10
working days, zero performance figures, 365 days' retention and no rules tests.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from onegate.definitions.formio.fields import plain, text
from onegate.definitions.formio.report import ImportReport
from onegate.definitions.language.model import FORMAT

SUMMARY = {
    "en": "Imported from form.io: write a one-line summary before publishing.",
    "th": "นำเข้าจาก form.io: เขียนสรุปบริการหนึ่งบรรทัดก่อนเผยแพร่",
}
REFER_REASON = {
    "en": "An officer will look at your application and decide.",
    "th": "เจ้าหน้าที่จะพิจารณาคำขอของท่านและแจ้งผล",
}


def slug_of(value: str) -> str:
    """A catalogue slug: lower case words joined by hyphens, at most 80 characters."""
    return slugify(value.replace("_", "-")).strip("-")[:80].strip("-") or "imported"


def _slug_checked(value: str, message: str, report: ImportReport) -> str:
    slug = slug_of(value)
    if slug != value:
        report.changed("", message % {"value": value, "slug": slug})
    return slug


def definition_data(
    form: dict[str, Any],
    pages: list[dict[str, Any]],
    *,
    service: str,
    agency: str,
    title: dict[str, str] | None,
    report: ImportReport,
) -> dict[str, Any]:
    """The definition as a plain mapping, ready to compile and dump."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "service": _slug_checked(
            service, _("The service “%(value)s” becomes the slug “%(slug)s”."), report
        ),
        "title": _title(form, service, title, report),
        "summary": dict(SUMMARY),
        "agency": _slug_checked(
            agency, _("The agency “%(value)s” becomes the slug “%(slug)s”."), report
        ),
        "level_of_assurance": "substantial",
        "pages": pages,
        "decision": {"rules": [], "otherwise": {"outcome": "refer", "reason": dict(REFER_REASON)}},
        "sla_working_days": 10,
        "performance": {"paper_cost": 0, "paper_days": 0, "digital_cost": 0},
        "retention": {"keep_days_after_closing": 365},
    }
    _defaults_reported(report)
    return data


def _title(
    form: dict[str, Any], service: str, title: dict[str, str] | None, report: ImportReport
) -> dict[str, str]:
    if title:
        english, thai = title.get("en", ""), title.get("th", "")
        return {"en": english or thai, "th": thai or english}
    name = plain(form.get("title")) or plain(form.get("name"))
    if not name:
        name = service.replace("-", " ").capitalize()
        message = _("The form has no title; “%(title)s” is used.")
        report.changed("", message % {"title": name})
    return text(name)


def _defaults_reported(report: ImportReport) -> None:
    for message in (
        _("Texts are copied into Thai as they are: translate every label, hint and option "
          "before publishing (the importer cannot translate)."),
        _("The summary is a placeholder: write it before publishing."),
        _("The level of assurance is set to substantial."),
        _("There are no eligibility rules and every application is referred to an officer "
          "(decision “otherwise: refer”)."),
        _("The service level is set to 10 working days."),
        _("The performance figures (paper cost and time, digital cost) are set to zero."),
        _("Applications are kept 365 days after closing."),
        _("There are no rules tests."),
    ):  # fmt: skip
        report.changed("", message)
