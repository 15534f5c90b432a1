"""The back office's forms: queue filters, and each action an officer takes on a case.

Every form that changes a case carries the ``lock_version`` the page was drawn from; the
services compare it under the row lock and refuse a stale one. These forms only check what was
typed (present, short enough, a real date, a choice offered); whether the action is allowed is
the services' answer (``CaseRefused``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onegate.cases.constants import (
    NOTE_MAX_CHARS,
    QUESTION_MAX_CHARS,
    REASON_MAX_CHARS,
    CaseStatus,
    Outcome,
)
from onegate.cases.reasons import ReasonTemplate
from onegate.cases.selectors import SORTS
from onegate.core.languages import pick
from onegate.pages.dateinput import date_box, read_date

# Where "assign" sends the case back to the queue (nobody holds it).
TO_QUEUE = "queue"
# Numbered page links shown either side of the current page of a queue.
PAGES_AROUND = 2


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string (a GET form that works without JS)."""

    service = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False)
    assigned = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Anyone or nobody")),
            ("me", _("Me")),
            ("nobody", _("Nobody")),
        ],
    )
    sla = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Any")),
            ("breached", _("Overdue")),
            ("due_soon", _("Due soon")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice("service").choices = [("", _("All services")), *services]
        self.choice("status").choices = [("", _("Needs an officer")), *CaseStatus.choices]

    def choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def query(self, **changes: Any) -> str:
        """The query string of these filters with ``changes`` (None: left out), for links."""
        params = {name: self.data.get(name) for name in self.fields}
        params.update(changes)
        kept = {name: str(value) for name, value in params.items() if value not in (None, "")}
        return "?" + urlencode(kept) if kept else "?"

    def sort_link(self, column: str) -> str:
        """A column's link: sorted by it ascending, or descending when it already is; page 1."""
        self.is_valid()
        current = self.cleaned_data.get("sort") or "due"
        return self.query(sort=f"-{column}" if current == column else column, page=None)

    def pagination(self, page: int, pages: int) -> dict[str, Any]:
        """``govukPagination``'s parameters: previous, next, and the pages near ``page``."""
        wanted = {1, pages, *range(page - PAGES_AROUND, page + PAGES_AROUND + 1)}
        items: list[dict[str, Any]] = []
        for number in sorted(one for one in wanted if 1 <= one <= pages):
            if items and number - items[-1]["number"] > 1:
                items.append({"ellipsis": True, "number": number - 1})
            items.append(
                {
                    "number": number,
                    "href": self.query(page=number),
                    "current": number == page,
                    "visuallyHiddenText": _("Page %(num)s") % {"num": number},
                }
            )
        found: dict[str, Any] = {"items": items if pages > 1 else []}
        if page > 1:
            found["previous"] = {"href": self.query(page=page - 1), "text": _("Previous")}
        if page < pages:
            found["next"] = {"href": self.query(page=page + 1), "text": _("Next")}
        return found

    def filters(self) -> dict[str, Any]:
        """What ``queue_for`` takes; anything that does not make sense is left out."""
        self.is_valid()  # a value that makes no sense is left out; the others still count
        data = self.cleaned_data
        return {
            "service_slug": data.get("service") or None,
            "status": data.get("status") or None,
            "assigned": data.get("assigned") or None,
            "sla": data.get("sla") or None,
            "sort": data.get("sort") or "due",
            "page": data.get("page") or 1,
        }


class VersionForm(forms.Form):
    """The version of the case the page showed: what the services compare."""

    lock_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def version(self) -> int:
        """The version sent; a form without one (or a broken one) counts as stale (0)."""
        return int(self.cleaned_data["lock_version"]) if self.is_valid() else 0


def _text(limit: int, required: Any, too_long: Any, **extra: Any) -> forms.CharField:
    return forms.CharField(
        max_length=limit,
        error_messages={"required": required, "max_length": too_long},
        **extra,
    )


class NoteForm(forms.Form):
    text = _text(
        NOTE_MAX_CHARS,
        _("Enter the note."),
        _("The note must be %(limit_value)s characters or fewer."),
    )


class RequestInformationForm(VersionForm):
    question = _text(
        QUESTION_MAX_CHARS,
        _("Enter what you need the person to tell you or send."),
        _("The question must be %(limit_value)s characters or fewer."),
    )
    respond_by_day = date_box(2)
    respond_by_month = date_box(2)
    respond_by_year = date_box(4)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["respond_by"] = None
        try:
            day = read_date(dict(self.data.items()), "respond_by", missing="")
        except ValidationError as error:
            if error.code != "required":  # left empty: the usual time to answer
                self.add_error("respond_by_day", error)
            return data
        if day <= self.today:
            self.add_error("respond_by_day", _("The date to answer by must be in the future."))
        data["respond_by"] = day
        return data


class DecideForm(VersionForm):
    """Approve, or refuse (then a second officer must confirm), with a reason template for the
    outcome chosen and the officer's own words if they want to add some."""

    outcome = forms.ChoiceField(
        choices=[(Outcome.APPROVE.value, _("Approve")), (Outcome.REFUSE.value, _("Refuse"))],
        error_messages={"required": _("Choose whether to approve or refuse.")},
    )
    approve_template = forms.ChoiceField(required=False)
    refuse_template = forms.ChoiceField(required=False)
    explanation = forms.CharField(
        required=False,
        max_length=REASON_MAX_CHARS,
        error_messages={
            "max_length": _("The explanation must be %(limit_value)s characters or fewer.")
        },
    )

    def __init__(
        self, *args: Any, templates: dict[str, list[ReasonTemplate]], language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for outcome, offered in templates.items():
            field = cast(forms.ChoiceField, self.fields[f"{outcome}_template"])
            field.choices = [(one.id, pick(one.text, language)) for one in offered]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome:
            data["template"] = data.get(f"{outcome}_template") or ""
            if not data["template"]:
                self.add_error(f"{outcome}_template", _("Choose a reason for the decision."))
        return data


class RejectRefusalForm(VersionForm):
    explanation = _text(
        REASON_MAX_CHARS,
        _("Say why you do not agree with the refusal."),
        _("The explanation must be %(limit_value)s characters or fewer."),
    )


class AssignForm(VersionForm):
    to = forms.ChoiceField(error_messages={"required": _("Choose who should work on the case.")})

    def __init__(self, *args: Any, people: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = [
            (TO_QUEUE, _("Nobody: back to the queue")),
            *((str(pk), name) for pk, name in people),
        ]

    def to_user_id(self) -> uuid.UUID | None:
        chosen = self.cleaned_data["to"]
        return None if chosen == TO_QUEUE else uuid.UUID(chosen)
