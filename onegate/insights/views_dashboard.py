"""The service owner's performance dashboard: the agency's services with their headline figures,
one service's figures over a period (cards, charts each with its table, the funnel page by page,
ratings and channels), two versions side by side, the owners' monthly figures and the survey's
comments.

Every page needs ``insights.view_performance`` in some agency (``staff_required``: signed out to
sign-in, anyone else 403) and then finds the service only among the person's agencies: another
agency's service is a 404, as on the designer's pages. The figures come from ``measures``, which
reads the daily aggregates only; nothing here touches the raw events. Editing a month's figures
needs ``catalogue.edit_service`` too; the service checks again and audits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from onegate.catalogue.selectors import ServiceEntry, catalogue_current
from onegate.core.languages import current_language, format_date, format_datetime, pick
from onegate.definitions.selectors import definitions_published
from onegate.identity.permissions import StaffPermission, staff_can, staff_required
from onegate.insights import charts
from onegate.insights.charts import ChartSeries, figure_text
from onegate.insights.constants import Channel, Rating
from onegate.insights.forms import InputsForm
from onegate.insights.measures import (
    Measures,
    Series,
    measures_by_service,
    service_measures,
    service_series,
    service_versions,
    versions_compare,
)
from onegate.insights.models import ServicePeriodInput
from onegate.insights.periods import PRESET_DAYS, Period, PeriodError, month_add, period_parse
from onegate.insights.selectors import (
    performance_services,
    service_agency_for,
    service_inputs_get,
    survey_comments,
)
from onegate.insights.services.inputs import EARLIEST_MONTH, InputsRefused, service_inputs_save
from onegate.pages.formerrors import error_list

__all__ = ["comments", "compare", "figures", "figures_month", "service", "services"]

VIEW, EDIT = StaffPermission.VIEW_PERFORMANCE, StaffPermission.EDIT_SERVICE

# The pages where people fail validation most: this many, highlighted in the funnel.
WORST_PAGES = 3
# The owners' figures list: this many months, the current one first.
FIGURES_MONTHS = 12


# --- shared by the dashboard's pages -----------------------------------------------------------


def dashboard_service(request: HttpRequest, slug: str) -> ServiceEntry:
    """The service ``slug`` when it has a definition and the person may see its agency's
    performance; 404 for any other (another agency's service never shows it exists)."""
    service_agency_for(actor=request.user, service_slug=slug)
    entry = catalogue_current().service(slug)
    if entry is None or not entry.has_definition:
        raise Http404("no such service")
    return entry


@dataclass(frozen=True)
class PeriodChoice:
    """The period form as the person left it, the period it gives, and what was wrong."""

    period: Period
    days: str  # "7", "30", "90", "365" or "custom"
    start: str  # the dates typed, as typed
    end: str
    errors: list[PeriodError]

    def summary(self) -> list[dict[str, str]]:
        return [{"text": e.message, "href": f"#period-{e.field}"} for e in self.errors]

    def error(self, field: str) -> dict[str, str] | None:
        found = next((e.message for e in self.errors if e.field == field), None)
        return {"text": found} if found else None

    def query(self) -> dict[str, str]:
        """The parameters that ask for this period again (for links to other pages)."""
        if self.days == "custom":
            return {"days": "custom", "from": self.start, "to": self.end}
        return {"days": self.days}


def period_choice(params: Mapping[str, str], *, today: dt.date) -> PeriodChoice:
    """Read the period form: a preset (``days``) or, with ``days=custom`` or dates alone, the
    dates typed (``from``, ``to``). A preset chosen wins over dates still in the form."""
    days = str(params.get("days", "")).strip()
    start, end = str(params.get("from", "")).strip(), str(params.get("to", "")).strip()
    if days == "custom" or (not days and (start or end)):
        if not start and not end:
            message = _("Enter the start date of the period, like 2026-11-01")
            default, _errors = period_parse({}, today=today)
            return PeriodChoice(default, "custom", "", "", [PeriodError("from", message)])
        period, errors = period_parse({"from": start, "to": end}, today=today)
        return PeriodChoice(period, "custom", start, end, errors)
    period, errors = period_parse({"days": days} if days else {}, today=today)
    shown = days if days and not errors else "30"
    return PeriodChoice(period, shown, "", "", errors)


def period_text(period: Period) -> str:
    return _("%(start)s to %(end)s") % {
        "start": format_date(period.start),
        "end": format_date(period.end),
    }


def version_choice(text: str, versions: Sequence[int]) -> tuple[int | None, str]:
    """The version asked for (None: all versions) and an error message ("" when none)."""
    text = text.strip()
    if not text:
        return None, ""
    if text.isascii() and text.isdigit() and len(text) <= 9 and int(text) in versions:
        return int(text), ""
    return None, _("Choose a version from the list")


def frame_context(request: HttpRequest, entry: ServiceEntry) -> dict[str, Any]:
    """What every page of one service shows around its own content."""
    return {
        "service": entry,
        "title": pick(entry.title),
        "agency_name": pick(entry.agency.name),
        "can_edit": staff_can(request.user, EDIT, agency_slug=entry.agency.slug),
    }


# --- the services list -------------------------------------------------------------------------


@never_cache
@require_safe
@staff_required(VIEW)
def services(request: HttpRequest) -> HttpResponse:
    """The services of the person's agencies, each with its figures for the last 30 days."""
    language = current_language()
    entries = performance_services(actor=request.user)
    period, _errors = period_parse({}, today=timezone.localdate())
    baselines = {
        found.slug: found.compiled.model.performance
        for found in definitions_published()
        if found.slug in {entry.slug for entry in entries}
    }
    figures = measures_by_service(baselines=baselines, periods=[period]) if baselines else {}
    groups: dict[str, dict[str, Any]] = {}
    for entry in entries:
        group = groups.setdefault(
            entry.agency.slug, {"name": pick(entry.agency.name, language), "rows": []}
        )
        group["rows"].append(_list_row(entry, figures.get((entry.slug, period.start))))
    context = {"groups": list(groups.values()), "period_text": period_text(period)}
    return render(request, "insights/dashboard/services.html", context)


def _list_row(entry: ServiceEntry, measures: Measures | None) -> dict[str, Any]:
    if measures is None:  # a service with a definition but none published yet
        return {"entry": entry, "title": pick(entry.title), "figures": None}
    return {
        "entry": entry,
        "title": pick(entry.title),
        "figures": {
            "transactions": figure_text("count", measures.transactions),
            "take_up": figure_text("rate", measures.take_up),
            "completion": figure_text("rate", measures.completion_rate),
            "satisfaction": figure_text("rate", measures.satisfaction),
        },
    }


# --- one service ---------------------------------------------------------------------------------


@never_cache
@require_safe
@staff_required(VIEW)
def service(request: HttpRequest, slug: str) -> HttpResponse:
    """One service over a period (30 days unless chosen), all versions or one."""
    entry = dashboard_service(request, slug)
    choice = period_choice(request.GET, today=timezone.localdate())
    versions = service_versions(service_slug=slug)
    version, version_error = version_choice(request.GET.get("version", ""), versions)
    period = choice.period
    measures = service_measures(service_slug=slug, period=period, version=version)
    series = service_series(service_slug=slug, period=period, version=version)
    errors = choice.summary()
    if version_error:
        errors.append({"text": version_error, "href": "#version"})
    query = choice.query() | ({"version": str(version)} if version is not None else {})
    context = frame_context(request, entry) | {
        "choice": choice,
        "presets": PRESET_DAYS,
        "versions": versions,
        "version": version,
        "version_error": {"text": version_error} if version_error else None,
        "errors": errors,
        "period_text": period_text(period),
        "cards": headline_cards(measures),
        "charts": series_charts(series),
        "funnel": funnel_rows(measures),
        "ratings": rating_rows(measures),
        "channels": channel_rows(measures),
        "query": urlencode(query),
    }
    return render(request, "insights/dashboard/service.html", context)


def _pair(kind: str, median: float | None, p90: float | None) -> tuple[str, str]:
    if median is None:
        return figure_text(kind, None), ""
    return figure_text(kind, median), _("90%% within %(p90)s") % {"p90": figure_text(kind, p90)}


def headline_cards(m: Measures) -> list[dict[str, str]]:
    """The headline figures, each a card: what it is, the figure, and a line of detail."""
    complete = _pair("duration", m.time_to_complete.median, m.time_to_complete.p90)
    decision = _pair("duration", m.time_to_decision.median, m.time_to_decision.p90)
    ratings = sum(m.ratings.values())
    cards = [
        (_("Transactions"), figure_text("count", m.transactions), _online_line(m)),
        (_("Digital take-up"), figure_text("rate", m.take_up), _("Share made online")),
        (_("Completion rate"), figure_text("rate", m.completion_rate), _started_line(m)),
        (_("Time to complete, median"), complete[0], complete[1]),
        (_("Time to decision, median"), decision[0], decision[1]),
        (
            _("Decided automatically"),
            figure_text("rate", m.auto_decision_rate),
            ngettext("%(count)s decision", "%(count)s decisions", m.decided)
            % {"count": figure_text("count", m.decided)},
        ),
        (_("Decided within the service level"), figure_text("rate", m.sla_rate), ""),
        (
            _("Satisfaction"),
            figure_text("rate", m.satisfaction),
            ngettext("%(count)s answer", "%(count)s answers", ratings)
            % {"count": figure_text("count", ratings)},
        ),
    ]
    cards += _cost_cards(m)
    return [{"label": label, "value": value, "detail": detail} for label, value, detail in cards]


def _online_line(m: Measures) -> str:
    return _("%(online)s online") % {
        "online": figure_text("count", m.submitted.get(Channel.ONLINE.value, 0))
    }


def _started_line(m: Measures) -> str:
    return _("%(sent)s sent of %(started)s started") % {
        "sent": figure_text("count", m.submitted_total),
        "started": figure_text("count", m.started),
    }


def _cost_cards(m: Measures) -> list[tuple[str, str, str]]:
    if m.version is not None:
        not_per_version = _("Costs are for all versions together")
        return [
            (_("Cost per transaction"), _("Not for one version"), not_per_version),
            (_("Savings against paper"), _("Not for one version"), not_per_version),
        ]
    if m.costs is None:
        unknown = _("No costs given for this period")
        return [
            (_("Cost per transaction"), _("Not known"), unknown),
            (_("Savings against paper"), _("Not known"), unknown),
        ]
    paper = _("Paper: %(cost)s each") % {"cost": figure_text("money", m.costs.paper_cost)}
    return [
        (
            _("Cost per transaction"),
            figure_text("money", m.costs.cost_per_transaction),
            _("Digital: %(cost)s each") % {"cost": figure_text("money", m.costs.digital_cost)},
        ),
        (_("Savings against paper"), figure_text("money", m.costs.savings), paper),
    ]


# --- charts, each with its table ---------------------------------------------------------------


def _chart(
    chart_id: str,
    title: str,
    svg: Any,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
) -> dict[str, Any]:
    return {"id": chart_id, "title": title, "svg": svg, "head": head, "rows": rows}


def series_charts(series: Series) -> list[dict[str, Any]]:
    """Submissions by channel, completion rate, median time to decision and satisfaction, over
    time: each an SVG and the same numbers as a table."""
    return [_channel_chart(series), *_line_charts(series)]


@dataclass(frozen=True)
class _Axis:
    """What the charts of one series share: the x labels, the points' names, the period."""

    short: list[str]  # for the axis: "3 Nov"
    tips: list[str]  # for tooltips and tables: "3 November 2026", "Week from …"
    when: str  # the tables' first column: "Day" or "Week from"
    period: str

    def described(self, what: str) -> str:
        return _("%(what)s, %(period)s. The same numbers are in the table after the chart.") % {
            "what": what,
            "period": self.period,
        }


def _axis(series: Series) -> _Axis:
    return _Axis(
        short=[charts.day_label(p.start) for p in series.points],
        tips=[p.label for p in series.points],
        when=_("Week from") if series.step == "week" else _("Day"),
        period=period_text(series.period),
    )


def _channel_chart(series: Series) -> dict[str, Any]:
    axis, points = _axis(series), series.points
    channels = [(c.value, str(c.label)) for c in Channel]
    title = _("Applications sent, by channel")
    svg = charts.bar_chart(
        chart_id="chart-channels",
        title=title,
        description=axis.described(_("Applications sent")),
        labels=axis.short,
        tips=axis.tips,
        series=[ChartSeries(name, [p.submitted.get(v, 0) for p in points]) for v, name in channels],
        value_text=charts.count_text,
    )
    rows = [
        [
            p.label,
            *(figure_text("count", p.submitted.get(value, 0)) for value, _name in channels),
            figure_text("count", p.submitted_total),
        ]
        for p in points
    ]
    head = [axis.when, *(name for _value, name in channels), _("All")]
    return _chart("chart-channels", title, svg, head, rows)


def _line_charts(series: Series) -> list[dict[str, Any]]:
    axis = _axis(series)
    lines: list[tuple[str, str, Callable[[Any], float | None], str]] = [
        ("chart-completion", _("Completion rate"), lambda p: p.completion_rate, "rate"),
        (
            "chart-decision",
            _("Median time to decision"),
            lambda p: p.median_decision_seconds,
            "duration",
        ),
        ("chart-satisfaction", _("Satisfaction"), lambda p: p.satisfaction, "rate"),
    ]
    found = []
    for chart_id, title, value_of, kind in lines:
        values = [value_of(p) for p in series.points]
        svg = charts.line_chart(
            chart_id=chart_id,
            title=title,
            description=axis.described(title),
            labels=axis.short,
            tips=axis.tips,
            series=[ChartSeries(title, values)],
            value_text=charts.percent_text if kind == "rate" else charts.duration_text,
            # a completion rate may pass 100% (sent in the period, started before it)
            y_max=max([1.0, *(v for v in values if v is not None)]) if kind == "rate" else None,
            steps=charts.DURATION_STEPS if kind == "duration" else None,
        )
        rows = [[tip, figure_text(kind, v)] for tip, v in zip(axis.tips, values, strict=True)]
        found.append(_chart(chart_id, title, svg, [axis.when, title], rows))
    return found


# --- funnel, ratings, channels -------------------------------------------------------------------


def funnel_rows(m: Measures) -> list[dict[str, Any]]:
    """The funnel page by page, the pages where people fail validation most flagged."""
    failing = sorted(
        (step for step in m.funnel if step.invalid and step.error_rate is not None),
        key=lambda step: (-(step.error_rate or 0.0), -step.invalid, step.page_id),
    )
    worst = {step.page_id for step in failing[:WORST_PAGES]}
    return [
        {
            "title": step.title,
            "page_id": step.page_id,
            "viewed": figure_text("count", step.viewed),
            "completed": figure_text("count", step.completed),
            "invalid": figure_text("count", step.invalid),
            "error_rate": figure_text("rate", step.error_rate),
            "ineligible": figure_text("count", step.ineligible),
            "abandoned": figure_text("count", step.abandoned),
            "worst": step.page_id in worst,
        }
        for step in m.funnel
    ]


def _share(part: int, whole: int) -> str:
    return figure_text("rate", part / whole if whole else None)


def rating_rows(m: Measures) -> list[dict[str, str]]:
    """Each answer of the survey, happiest first: how many, and their share."""
    total = sum(m.ratings.values())
    return [
        {
            "label": str(rating.label),
            "count": figure_text("count", m.ratings.get(rating.value, 0)),
            "share": _share(m.ratings.get(rating.value, 0), total),
        }
        for rating in sorted(Rating, key=lambda r: -r.value)
    ]


def channel_rows(m: Measures) -> list[dict[str, str]]:
    """How applications came: OneGate's channels, then the owners' paper and phone figures."""
    counts = [(str(c.label), m.submitted.get(c.value, 0)) for c in Channel]
    if m.outside:
        counts += [
            (_("Paper, outside OneGate (owners' figures)"), m.outside.get("paper", 0)),
            (_("Phone (owners' figures)"), m.outside.get("phone", 0)),
        ]
    total = m.transactions
    return [
        {"label": label, "count": figure_text("count", count), "share": _share(count, total)}
        for label, count in counts
    ]


# --- two versions side by side -------------------------------------------------------------------

# (label, kind, value) of each figure the comparison lists.
_COMPARED: tuple[tuple[Any, str, Callable[[Measures], Any]], ...] = (
    (gettext_lazy("Applications started"), "count", lambda m: m.started),
    (gettext_lazy("Applications sent"), "count", lambda m: m.submitted_total),
    (gettext_lazy("Completion rate"), "rate", lambda m: m.completion_rate),
    (gettext_lazy("Time to complete, median"), "duration", lambda m: m.time_to_complete.median),
    (
        gettext_lazy("Time to complete, 90th percentile"),
        "duration",
        lambda m: m.time_to_complete.p90,
    ),
    (gettext_lazy("Decisions"), "count", lambda m: m.decided),
    (gettext_lazy("Decided automatically"), "rate", lambda m: m.auto_decision_rate),
    (gettext_lazy("Time to decision, median"), "duration", lambda m: m.time_to_decision.median),
    (
        gettext_lazy("Time to decision, 90th percentile"),
        "duration",
        lambda m: m.time_to_decision.p90,
    ),
    (gettext_lazy("Decided within the service level"), "rate", lambda m: m.sla_rate),
    (gettext_lazy("Satisfaction"), "rate", lambda m: m.satisfaction),
    (gettext_lazy("Survey answers"), "count", lambda m: sum(m.ratings.values())),
)


def comparison_rows(a: Measures, b: Measures) -> list[dict[str, str]]:
    """Every figure of the two versions, and how the second differs from the first."""
    rows = []
    for label, kind, value_of in _COMPARED:
        first, second = value_of(a), value_of(b)
        difference = (
            charts.difference_text(kind, second - first)
            if first is not None and second is not None
            else ""
        )
        rows.append(
            {
                "label": str(label),
                "a": figure_text(kind, first),
                "b": figure_text(kind, second),
                "difference": difference,
            }
        )
    return rows


def _has_figures(m: Measures) -> bool:
    return bool(m.started or m.submitted_total or m.decided or sum(m.ratings.values()))


def _compare_errors(
    params: Mapping[str, str], versions: Sequence[int]
) -> tuple[int | None, int | None, list[dict[str, str]]]:
    """The two versions asked for (the two newest by default) and what was wrong."""
    default_a = versions[1] if len(versions) > 1 else None
    default_b = versions[0] if versions else None
    picked: dict[str, int | None] = {}
    errors = []
    for name, default in (("a", default_a), ("b", default_b)):
        text = str(params.get(name, "")).strip()
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
        picked[name] = default if not text else number
        if text and number not in versions:
            message = _("Version %(number)s has no figures: choose a version from the list")
            errors.append({"text": message % {"number": text[:9]}, "href": f"#version-{name}"})
            picked[name] = None
    if len(versions) < 2:
        message = _("This service has figures for one version only")
        errors.append({"text": message, "href": "#version-a"})
    elif not errors and picked["a"] == picked["b"]:
        errors.append({"text": _("Choose two different versions"), "href": "#version-b"})
    return picked["a"], picked["b"], errors


@never_cache
@require_safe
@staff_required(VIEW)
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Two versions side by side over one period: every figure, the difference, both funnels."""
    entry = dashboard_service(request, slug)
    choice = period_choice(request.GET, today=timezone.localdate())
    versions = service_versions(service_slug=slug)
    a, b, errors = _compare_errors(request.GET, versions)
    context = frame_context(request, entry) | {
        "choice": choice,
        "presets": PRESET_DAYS,
        "versions": versions,
        "a": a,
        "b": b,
        "period_text": period_text(choice.period),
        "rows": None,
    }
    if not errors and a is not None and b is not None:
        first, second = versions_compare(service_slug=slug, period=choice.period, a=a, b=b)
        for name, number, found in (("a", a, first), ("b", b, second)):
            if not _has_figures(found):
                message = _("Version %(number)s has no figures in this period")
                errors.append({"text": message % {"number": number}, "href": f"#version-{name}"})
        if not errors:
            context |= {
                "rows": comparison_rows(first, second),
                "funnel_a": funnel_rows(first),
                "funnel_b": funnel_rows(second),
            }
    context["errors"] = choice.summary() + errors
    context["field_errors"] = {e["href"][1:]: {"text": e["text"]} for e in errors}
    return render(request, "insights/dashboard/compare.html", context)


# --- the owners' figures -------------------------------------------------------------------------


def _month_of(text: str) -> dt.date:
    """``YYYY-MM`` as the month's first day; 404 for anything else, the future or before 2000."""
    month = None
    if len(text) == 7 and text[4] == "-" and text.replace("-", "").isascii():
        year, number = text[:4], text[5:]
        if year.isdigit() and number.isdigit() and 1 <= int(number) <= 12 and int(year) >= 1:
            month = dt.date(int(year), int(number), 1)
    if month is None or month < EARLIEST_MONTH or month > timezone.localdate().replace(day=1):
        raise Http404("no such month")
    return month


def _inputs_of(slug: str, months: Sequence[dt.date]) -> dict[dt.date, ServicePeriodInput]:
    # The owners' figures are the service's, not a person's: no access check beyond the page's.
    rows = ServicePeriodInput.objects.filter(service_slug=slug, month__in=list(months))
    return {row.month: row for row in rows}


@never_cache
@require_safe
@staff_required(VIEW)
def figures(request: HttpRequest, slug: str) -> HttpResponse:
    """The owners' figures of the last 12 months: paper and phone volumes and costs."""
    entry = dashboard_service(request, slug)
    this_month = timezone.localdate().replace(day=1)
    months = [month_add(this_month, -offset) for offset in range(FIGURES_MONTHS)]
    given = _inputs_of(slug, months)
    rows = [
        {"month": month, "name": charts.month_text(month), "given": given.get(month)}
        for month in months
    ]
    context = frame_context(request, entry) | {"rows": rows, "money": _money_or_baseline}
    return render(request, "insights/dashboard/figures.html", context)


def _money_or_baseline(value: Any) -> str:
    return figure_text("money", value) if value is not None else _("The definition's baseline")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(VIEW)
def figures_month(request: HttpRequest, slug: str, month: str) -> HttpResponse:
    """A month's figures: a form for the service owner, read-only for everyone else."""
    entry = dashboard_service(request, slug)
    first = _month_of(month)
    context = frame_context(request, entry)
    given = service_inputs_get(actor=request.user, service_slug=slug, month=first)
    if request.method == "POST":
        if not context["can_edit"]:
            raise PermissionDenied(EDIT)
        return _figures_save(request, entry, first, given, context)
    form = InputsForm(initial=_initial(given))
    return _figures_page(request, first, given, form, context, [])


def _initial(given: ServicePeriodInput | None) -> dict[str, Any]:
    if given is None:
        return {}
    return {
        "paper_applications": given.paper_applications,
        "phone_applications": given.phone_applications,
        "paper_cost": given.paper_cost,
        "digital_cost": given.digital_cost,
        "note": given.note,
        "lock_version": given.lock_version,
    }


def _figures_save(
    request: HttpRequest,
    entry: ServiceEntry,
    month: dt.date,
    given: ServicePeriodInput | None,
    context: dict[str, Any],
) -> HttpResponse:
    form = InputsForm(request.POST)
    if not form.is_valid():
        return _figures_page(request, month, given, form, context, error_list(form), status=400)
    data = form.cleaned_data
    try:
        service_inputs_save(
            actor=request.user,
            service_slug=entry.slug,
            month=month,
            paper_applications=data["paper_applications"],
            phone_applications=data["phone_applications"],
            paper_cost=data["paper_cost"],
            digital_cost=data["digital_cost"],
            note=data["note"],
            lock_version=data["lock_version"],
        )
    except InputsRefused as refused:
        return _figures_refused(request, entry, month, form, context, refused)
    messages.success(
        request, _("The figures for %(month)s are saved.") % {"month": charts.month_text(month)}
    )
    return HttpResponseRedirect(reverse("insights:figures", kwargs={"slug": entry.slug}))


def _figures_refused(
    request: HttpRequest,
    entry: ServiceEntry,
    month: dt.date,
    form: InputsForm,
    context: dict[str, Any],
    refused: InputsRefused,
) -> HttpResponse:
    """The save was refused: say why; when someone saved first, show what they saved and let
    the person send theirs again over it (the form now carries the newer version)."""
    now = service_inputs_get(actor=request.user, service_slug=entry.slug, month=month)
    if refused.code == "stale":
        text = _(
            "Someone changed these figures while you were editing them. Their figures are "
            "shown below. Check yours and save again to replace them."
        )
        data = request.POST.copy()
        data["lock_version"] = str(now.lock_version) if now is not None else ""
        form = InputsForm(data)
        form.is_valid()
        context["changed_by_someone"] = now
    else:
        text = str(refused.message)
    errors = [{"text": text, "href": "#id_paper_applications"}]
    return _figures_page(request, month, now, form, context, errors, status=409)


def _figures_page(
    request: HttpRequest,
    month: dt.date,
    given: ServicePeriodInput | None,
    form: InputsForm,
    context: dict[str, Any],
    errors: list[dict[str, str]],
    status: int = 200,
) -> HttpResponse:
    context = context | {
        "month": month,
        "month_name": charts.month_text(month),
        "given": given,
        "updated_at": format_datetime(given.updated_at) if given is not None else "",
        "form": form,
        "errors": errors,
        "money": _money_or_baseline,
    }
    return render(request, "insights/dashboard/figures_month.html", context, status=status)


# --- the survey's comments -----------------------------------------------------------------------


@never_cache
@require_safe
@staff_required(VIEW)
def comments(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest comments left with the satisfaction survey, with their rating and day: never
    who wrote them (reading them is audited by the selector)."""
    entry = dashboard_service(request, slug)
    choice = period_choice(request.GET, today=timezone.localdate())
    found = survey_comments(actor=request.user, service_slug=slug, period=choice.period)
    labels = {rating.value: str(rating.label) for rating in Rating}
    rows = [
        {
            "rating": labels.get(comment.rating, str(comment.rating)),
            "day": format_date(comment.answered_at),
            "comment": comment.comment,
        }
        for comment in found
    ]
    context = frame_context(request, entry) | {
        "choice": choice,
        "presets": PRESET_DAYS,
        "errors": choice.summary(),
        "period_text": period_text(choice.period),
        "rows": rows,
    }
    return render(request, "insights/dashboard/comments.html", context)
