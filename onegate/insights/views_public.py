"""The public performance pages, without sign-in, in both languages: every live service's
headline figures for the last 30 days, one service's figures month by month, what the figures
mean, and the same data as open data (JSON and CSV, with its JSON Schema).

Everything here comes through ``public``, which suppresses small counts ("fewer than 10") and
the rates drawn from them, and holds nothing about any person: the pages and the data may be
kept by shared caches for five minutes (``Cache-Control: public, max-age=300``). A signed-in
person's page frame names them, so the session middleware makes their copy ``private``.
Bad months in the open data's query are RFC 9457 problems (400), in the request's language.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from onegate.api.problems import problem_response
from onegate.catalogue.selectors import catalogue_current
from onegate.core.languages import current_language, format_date, pick
from onegate.insights import charts
from onegate.insights.constants import SMALL_COUNT
from onegate.insights.periods import PeriodError, month_range_parse, period_parse
from onegate.insights.public import (
    OPEN_DATA_FIELDS,
    PublicRow,
    Published,
    open_data,
    open_data_csv,
    open_data_json,
    public_rows,
)

__all__ = ["about", "data_csv", "data_json", "data_schema", "index", "service"]

PUBLIC_MAX_AGE = 300
SCHEMA_FILE = Path("docs") / "schema" / "performance-open-data.schema.json"

# The kind of each headline figure: how it is written, and what a suppressed one says.
HEADLINE = (
    ("transactions", "count"),
    ("take_up", "rate"),
    ("completion_rate", "rate"),
    ("satisfaction", "rate"),
    ("auto_decision_rate", "rate"),
    ("median_decision_seconds", "duration"),
    ("sla_rate", "rate"),
    ("cost_per_transaction", "money"),
    ("savings", "money"),
)
# The open data's columns the public service page shows, month by month.
MONTHLY = (
    ("transactions", "count"),
    ("take_up", "rate"),
    ("completion_rate", "rate"),
    ("median_time_to_decision_seconds", "duration"),
    ("auto_decision_rate", "rate"),
    ("sla_rate", "rate"),
    ("satisfaction", "rate"),
    ("cost_per_transaction", "money"),
)

# What each open data field holds, for "about the data" (every field of OPEN_DATA_FIELDS).
FIELD_MEANINGS: dict[str, Any] = {
    "month": gettext_lazy("The calendar month, as YYYY-MM (Bangkok time)."),
    "days_covered": gettext_lazy(
        "How many days of the month the row covers: the whole month, or the current month so far."
    ),
    "service": gettext_lazy("The service's identifier in the catalogue."),
    "service_title_en": gettext_lazy("The service's name in English."),
    "service_title_th": gettext_lazy("The service's name in Thai."),
    "agency": gettext_lazy("The identifier of the agency that runs the service."),
    "started": gettext_lazy("Applications started on OneGate."),
    "submitted_online": gettext_lazy("Applications sent online by people themselves."),
    "submitted_assisted": gettext_lazy(
        "Applications sent with the help of an officer at a service centre (assisted digital)."
    ),
    "submitted_paper": gettext_lazy("Paper applications keyed into OneGate by staff."),
    "outside_paper": gettext_lazy(
        "Paper applications the service received outside OneGate, from the service owner's "
        "monthly figures."
    ),
    "outside_phone": gettext_lazy(
        "Applications made by phone, from the service owner's monthly figures."
    ),
    "transactions": gettext_lazy("Applications through every channel, outside OneGate included."),
    "take_up": gettext_lazy("Applications made online as a share of all transactions (0 to 1)."),
    "completion_rate": gettext_lazy(
        "Applications sent as a share of applications started (0 to 1)."
    ),
    "median_time_to_complete_seconds": gettext_lazy(
        "Half the applications sent were completed within this many seconds of being started."
    ),
    "p90_time_to_complete_seconds": gettext_lazy(
        "Nine in ten of the applications sent were completed within this many seconds."
    ),
    "decided": gettext_lazy("Decisions made."),
    "decided_automatically": gettext_lazy(
        "Decisions made by the service's rules, without an officer."
    ),
    "auto_decision_rate": gettext_lazy("Automatic decisions as a share of all decisions (0 to 1)."),
    "median_time_to_decision_seconds": gettext_lazy(
        "Half the decisions were made within this many seconds of the application being sent."
    ),
    "p90_time_to_decision_seconds": gettext_lazy(
        "Nine in ten of the decisions were made within this many seconds."
    ),
    "sla_rate": gettext_lazy(
        "Decisions made within the service's promised number of working days, as a share of "
        "decisions (0 to 1)."
    ),
    "ratings": gettext_lazy("Answers to the satisfaction question."),
    "satisfaction": gettext_lazy(
        'Answers "Satisfied" or "Very satisfied" as a share of all answers (0 to 1).'
    ),
    "paper_cost_per_transaction": gettext_lazy(
        "What a paper transaction costs, in baht: the service owner's figure, or the service "
        "definition's baseline."
    ),
    "digital_cost_per_transaction": gettext_lazy(
        "What a digital transaction costs, in baht: the service owner's figure, or the service "
        "definition's baseline."
    ),
    "cost_per_transaction": gettext_lazy(
        "What all the transactions cost, divided by the number of transactions, in baht."
    ),
    "savings": gettext_lazy(
        "What the transactions would have cost if every one had been on paper, less what they "
        "cost, in baht."
    ),
    "suppressed": gettext_lazy(
        "The fields left empty because they come from fewer than 10 people (space-separated in "
        "the CSV, a list in JSON)."
    ),
}


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


def published_text(kind: str, value: Any, *, suppressed: bool) -> str:
    """A published figure as written on the page: "fewer than 10" for a small count, "not
    enough data" for a figure drawn from one, "not known" for a cost nobody gave."""
    if suppressed:
        return _("fewer than 10") if kind == "count" else _("not enough data")
    if value is None:
        return _("not known") if kind == "money" else _("no data")
    return charts.figure_text(kind, value)


def _figure(kind: str, figure: Published) -> str:
    return published_text(kind, figure.value, suppressed=figure.suppressed)


def _headline(row: PublicRow) -> dict[str, Any]:
    language = current_language()
    return {
        "slug": row.service_slug,
        "title": pick(row.title, language),
        "agency": pick(row.agency_name, language),
        **{name: _figure(kind, getattr(row, name)) for name, kind in HEADLINE},
    }


def _last_30_days() -> Any:
    period, _errors = period_parse({}, today=timezone.localdate())
    return period


def _period_text(start: dt.date, end: dt.date) -> str:
    return _("%(start)s to %(end)s") % {"start": format_date(start), "end": format_date(end)}


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """``/performance/``: every live service's headline figures for the last 30 days."""
    period = _last_30_days()
    rows = [_headline(row) for row in public_rows(period=period)]
    context = {
        "rows": rows,
        "period_text": _period_text(period.start, period.end),
        "small_count": SMALL_COUNT,
    }
    return _public(render(request, "insights/public/index.html", context))


@require_safe
def service(request: HttpRequest, slug: str) -> HttpResponse:
    """``/performance/<slug>/``: a live service's headline figures and the last 12 months."""
    entry = catalogue_current().service(slug)
    if entry is None or not entry.is_live:
        raise Http404("no such live service")
    period = _last_30_days()
    found = next(iter(public_rows(period=period, slugs=[slug])), None)
    if found is None:
        raise Http404("no published definition")
    today = timezone.localdate()
    months, _errors = month_range_parse({}, today=today)
    monthly = open_data(months=months, today=today, slugs=[slug])
    context = {
        "row": _headline(found),
        "period_text": _period_text(period.start, period.end),
        "months": [_month_row(row) for row in reversed(monthly)],
        "small_count": SMALL_COUNT,
    }
    return _public(render(request, "insights/public/service.html", context))


def _month_row(row: dict[str, Any]) -> dict[str, Any]:
    month = dt.date.fromisoformat(f"{row['month']}-01")
    suppressed = set(row["suppressed"])
    return {
        "name": charts.month_text(month),
        "cells": [
            published_text(kind, row[name], suppressed=name in suppressed) for name, kind in MONTHLY
        ],
    }


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """``/performance/about-the-data/``: what each figure means, and the open data's fields."""
    context = {
        "fields": [(name, FIELD_MEANINGS[name]) for name, _kind in OPEN_DATA_FIELDS],
        "small_count": SMALL_COUNT,
    }
    return _public(render(request, "insights/public/about.html", context))


# --- open data ---------------------------------------------------------------------------------


def _months_or_problem(request: HttpRequest) -> tuple[list[dt.date], HttpResponse | None]:
    months, errors = month_range_parse(request.GET, today=timezone.localdate())
    if errors:
        return months, _bad_months(request, errors)
    return months, None


def _bad_months(request: HttpRequest, errors: list[PeriodError]) -> HttpResponse:
    """400, ``application/problem+json``: each bad parameter with what is wrong with it."""
    response = problem_response(
        request,
        status=400,
        detail=" ".join(error.message for error in errors),
        extensions={
            "errors": [
                {"detail": error.message, "in": "query", "parameter": error.field}
                for error in errors
            ]
        },
    )
    response["Content-Language"] = current_language()
    return response


@require_safe
def data_json(request: HttpRequest) -> HttpResponse:
    """``/performance/data.json?from=YYYY-MM&to=YYYY-MM``: the open data as one JSON document."""
    months, problem = _months_or_problem(request)
    if problem is not None:
        return problem
    rows = open_data(months=months, today=timezone.localdate())
    schema_url = request.build_absolute_uri(reverse("performance:data_schema"))
    body = open_data_json(rows, months=months, schema_url=schema_url)
    response = _public(HttpResponse(body, content_type="application/json"))
    response["Access-Control-Allow-Origin"] = "*"  # open data: any page may read it
    return response


@require_safe
def data_csv(request: HttpRequest) -> HttpResponse:
    """``/performance/data.csv?from=YYYY-MM&to=YYYY-MM``: the same rows as a CSV download."""
    months, problem = _months_or_problem(request)
    if problem is not None:
        return problem
    rows = open_data(months=months, today=timezone.localdate())
    response = _public(HttpResponse(open_data_csv(rows), content_type="text/csv; charset=utf-8"))
    name = f"onegate-performance-{months[0]:%Y-%m}-{months[-1]:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@lru_cache(maxsize=1)
def _schema_bytes() -> bytes | None:
    path = Path(settings.BASE_DIR) / SCHEMA_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@require_safe
def data_schema(request: HttpRequest) -> HttpResponse:
    """``/performance/data.schema.json``: the open data's JSON Schema, as documented."""
    body = _schema_bytes()
    if body is None:
        raise Http404("the schema file is missing")
    response = _public(HttpResponse(body, content_type="application/schema+json"))
    response["Access-Control-Allow-Origin"] = "*"
    return response
