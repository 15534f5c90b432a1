"""Service performance as published: small counts suppressed, the public page's headline rows,
and the open data (one row per live service per month) as JSON and CSV.

Suppression (the one rule, ``SMALL_COUNT`` = 10): a count below 10 is not published (shown as
"fewer than 10"); a rate, a percentile or a cost worked out from fewer than 10 (its denominator,
the durations counted, the transactions) is not published either. The unit costs (the owners'
figures or the definition's baseline) are not counts of anything and are always published.

The open data's fields are ``OPEN_DATA_FIELDS``; ``docs/insights.md`` documents each one and
``docs/schema/performance-open-data.schema.json`` is the JSON document's schema (a test keeps
the two in step with this module).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from onegate.catalogue.selectors import Catalogue, catalogue_current
from onegate.definitions.selectors import PublishedDefinition, definitions_published
from onegate.insights.constants import SMALL_COUNT, Channel
from onegate.insights.measures import Measures, measures_by_service
from onegate.insights.periods import Period

__all__ = [
    "LICENCE",
    "OPEN_DATA_FIELDS",
    "SCHEMA_URL",
    "PublicRow",
    "Published",
    "open_data",
    "open_data_csv",
    "open_data_json",
    "public_rows",
    "published_count",
    "published_figure",
]

SCHEMA_URL = "https://onegate.example/schema/performance-open-data.schema.json"
LICENCE = "Open Government Licence"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Published:
    """A figure as published: ``value`` None and ``suppressed`` True when drawn from too few.

    ``value`` may also be None, not suppressed, when there is no such figure (no costs known).
    """

    value: int | float | Decimal | None
    suppressed: bool = False


def published_count(count: int) -> Published:
    """A count: published from 10 up; below, "fewer than 10"."""
    if count < SMALL_COUNT:
        return Published(None, suppressed=True)
    return Published(count)


def published_figure(value: int | float | Decimal | None, *, base: int) -> Published:
    """A rate, percentile or cost worked out from ``base`` things (its denominator)."""
    if base < SMALL_COUNT:
        return Published(None, suppressed=True)
    return Published(value)


# --- the public page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicRow:
    """A live service's headline figures on the public performance page."""

    service_slug: str
    title: dict[str, str]  # {"en": …, "th": …}
    agency_slug: str
    agency_name: dict[str, str]  # {"en": …, "th": …}
    transactions: Published  # applications through every channel, outside OneGate included
    take_up: Published  # fraction 0..1
    completion_rate: Published
    satisfaction: Published
    auto_decision_rate: Published
    median_decision_seconds: Published
    sla_rate: Published
    cost_per_transaction: Published  # baht
    savings: Published  # baht, against every transaction on paper


def _live(slugs: Collection[str] | None = None) -> list[PublishedDefinition]:
    """The live services by slug: all, or those of ``slugs``."""
    live = definitions_published()
    if slugs is not None:
        live = [found for found in live if found.slug in slugs]
    return sorted(live, key=lambda found: found.slug)


# A service's title, its agency's slug and the agency's name.
_Names = tuple[dict[str, str], str, dict[str, str]]


def _names(found: PublishedDefinition, catalogue: Catalogue) -> _Names:
    """The service's title, agency and agency name, from the catalogue (the definition's when
    the catalogue does not have it)."""
    entry = catalogue.service(found.slug)
    if entry is None:
        agency = found.compiled.model.agency
        return dict(found.title), agency, {"en": agency, "th": agency}
    return dict(entry.title), entry.agency.slug, dict(entry.agency.name)


def _costs_published(measures: Measures) -> tuple[Published, Published]:
    costs, base = measures.costs, measures.transactions
    if costs is None:
        return Published(None), Published(None)
    return (
        published_figure(costs.cost_per_transaction, base=base),
        published_figure(costs.savings, base=base),
    )


def public_rows(*, period: Period, slugs: Collection[str] | None = None) -> list[PublicRow]:
    """Every live service (one with a published definition), by slug, with its headline
    figures over the period; a handful of queries whatever the number of services. With
    ``slugs``, only those of these services that are live."""
    live = _live(slugs)
    baselines = {found.slug: found.compiled.model.performance for found in live}
    measures = measures_by_service(baselines=baselines, periods=[period])
    catalogue = catalogue_current()
    rows = []
    for found in live:
        figures = measures[(found.slug, period.start)]
        title, agency, agency_name = _names(found, catalogue)
        cost, savings = _costs_published(figures)
        decision = figures.time_to_decision
        rows.append(
            PublicRow(
                service_slug=found.slug,
                title=title,
                agency_slug=agency,
                agency_name=agency_name,
                transactions=published_count(figures.transactions),
                take_up=published_figure(figures.take_up, base=figures.transactions),
                completion_rate=published_figure(figures.completion_rate, base=figures.started),
                satisfaction=published_figure(
                    figures.satisfaction,
                    base=sum(figures.ratings.values()),
                ),
                auto_decision_rate=published_figure(
                    figures.auto_decision_rate,
                    base=figures.decided,
                ),
                median_decision_seconds=published_figure(decision.median, base=decision.count),
                sla_rate=published_figure(
                    figures.sla_rate,
                    base=figures.sla_met + figures.sla_missed,
                ),
                cost_per_transaction=cost,
                savings=savings,
            )
        )
    return rows


# --- the open data -----------------------------------------------------------------------------

# Each field of an open data row, in the CSV's column order, with its type: "text", "month"
# (YYYY-MM), "days" (a whole number never suppressed), "count", "rate" (0..1, 4 decimals),
# "seconds" (whole seconds), "money" (baht, 2 decimals), "names" (the suppressed fields).
OPEN_DATA_FIELDS: tuple[tuple[str, str], ...] = (
    ("month", "month"),
    ("days_covered", "days"),
    ("service", "text"),
    ("service_title_en", "text"),
    ("service_title_th", "text"),
    ("agency", "text"),
    ("started", "count"),
    ("submitted_online", "count"),
    ("submitted_assisted", "count"),
    ("submitted_paper", "count"),
    ("outside_paper", "count"),
    ("outside_phone", "count"),
    ("transactions", "count"),
    ("take_up", "rate"),
    ("completion_rate", "rate"),
    ("median_time_to_complete_seconds", "seconds"),
    ("p90_time_to_complete_seconds", "seconds"),
    ("decided", "count"),
    ("decided_automatically", "count"),
    ("auto_decision_rate", "rate"),
    ("median_time_to_decision_seconds", "seconds"),
    ("p90_time_to_decision_seconds", "seconds"),
    ("sla_rate", "rate"),
    ("ratings", "count"),
    ("satisfaction", "rate"),
    ("paper_cost_per_transaction", "money"),
    ("digital_cost_per_transaction", "money"),
    ("cost_per_transaction", "money"),
    ("savings", "money"),
    ("suppressed", "names"),
)
_KINDS = dict(OPEN_DATA_FIELDS)


def _plain(name: str, value: Any) -> Any:
    """A figure as the open data holds it: rates to 4 decimals, whole seconds, money to 2."""
    if value is None:
        return None
    kind = _KINDS[name]
    if kind == "rate":
        return round(float(value), 4)
    if kind == "seconds":
        return round(float(value))
    if kind == "money":
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return value


def _figures(measures: Measures) -> dict[str, Published]:
    """The row's published figures (every field that a small count can suppress)."""
    m, count = measures, published_count
    ratings = sum(m.ratings.values())
    done, decision = m.time_to_complete, m.time_to_decision
    costs = m.costs
    cost, savings = _costs_published(m)
    return {
        "started": count(m.started),
        "submitted_online": count(m.submitted[Channel.ONLINE.value]),
        "submitted_assisted": count(m.submitted[Channel.ASSISTED.value]),
        "submitted_paper": count(m.submitted[Channel.PAPER.value]),
        "outside_paper": count(m.outside.get("paper", 0)),
        "outside_phone": count(m.outside.get("phone", 0)),
        "transactions": count(m.transactions),
        "take_up": published_figure(m.take_up, base=m.transactions),
        "completion_rate": published_figure(m.completion_rate, base=m.started),
        "median_time_to_complete_seconds": published_figure(done.median, base=done.count),
        "p90_time_to_complete_seconds": published_figure(done.p90, base=done.count),
        "decided": count(m.decided),
        "decided_automatically": count(m.decided_automatically),
        "auto_decision_rate": published_figure(m.auto_decision_rate, base=m.decided),
        "median_time_to_decision_seconds": published_figure(decision.median, base=decision.count),
        "p90_time_to_decision_seconds": published_figure(decision.p90, base=decision.count),
        "sla_rate": published_figure(m.sla_rate, base=m.sla_met + m.sla_missed),
        "ratings": count(ratings),
        "satisfaction": published_figure(m.satisfaction, base=ratings),
        "paper_cost_per_transaction": Published(costs.paper_cost if costs else None),
        "digital_cost_per_transaction": Published(costs.digital_cost if costs else None),
        "cost_per_transaction": cost,
        "savings": savings,
    }


def _open_row(
    found: PublishedDefinition,
    names: tuple[dict[str, str], str, dict[str, str]],
    measures: Measures,
) -> dict[str, Any]:
    title, agency, _agency_name = names
    month = measures.period.start
    row: dict[str, Any] = {
        "month": f"{month:%Y-%m}",
        "days_covered": measures.period.days,
        "service": found.slug,
        "service_title_en": title.get("en", ""),
        "service_title_th": title.get("th", ""),
        "agency": agency,
    }
    figures = _figures(measures)
    for name, figure in figures.items():
        row[name] = _plain(name, figure.value)
    row["suppressed"] = [name for name, figure in figures.items() if figure.suppressed]
    return row


def open_data(
    *,
    months: Sequence[dt.date],
    today: dt.date | None = None,
    slugs: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per live service per month (oldest month first, then by service), each a dict of
    ``OPEN_DATA_FIELDS``; the current month runs to ``today`` (Bangkok's, by default). With
    ``slugs``, only those of these services that are live (a service's own page)."""
    today = today or timezone.localdate()
    periods = [Period.of_month(month, today=today) for month in sorted(set(months))]
    live = _live(slugs)
    baselines = {found.slug: found.compiled.model.performance for found in live}
    measures = measures_by_service(baselines=baselines, periods=periods)
    catalogue = catalogue_current()
    names = {found.slug: _names(found, catalogue) for found in live}
    return [
        _open_row(found, names[found.slug], measures[(found.slug, period.start)])
        for period in periods
        for found in live
    ]


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def open_data_json(
    rows: Iterable[Mapping[str, Any]],
    *,
    months: Sequence[dt.date] = (),
    generated_at: dt.datetime | None = None,
    schema_url: str = SCHEMA_URL,
) -> bytes:
    """The JSON document (UTF-8): schema, when it was made, the months covered (``months``, else
    those of the rows), the licence and the rows. ``schema_url``: where this site serves the
    schema (the schema's own ``$id`` when not given)."""
    rows = list(rows)
    moment = (generated_at or timezone.now()).astimezone(dt.UTC).replace(microsecond=0)
    covered = sorted({f"{month:%Y-%m}" for month in months} | {row["month"] for row in rows})
    covered = covered or [f"{timezone.localdate(moment):%Y-%m}"]  # nothing asked: this month
    document = {
        "schema": schema_url,
        "generated_at": moment.isoformat().replace("+00:00", "Z"),
        "period": {"from": covered[0], "to": covered[-1]},
        "licence": LICENCE,
        "rows": rows,
    }
    return json.dumps(document, ensure_ascii=False, default=_json_value).encode("utf-8")


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    kind = _KINDS[name]
    if kind == "rate":
        return f"{value:.4f}"
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind == "names":
        return " ".join(value)
    return str(value)


def open_data_csv(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The rows as CSV (UTF-8, a header row, CRLF line ends, "." decimals, no grouping)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _kind in OPEN_DATA_FIELDS])
    for row in rows:
        writer.writerow([_cell(name, row[name]) for name, _kind in OPEN_DATA_FIELDS])
    return out.getvalue().encode("utf-8")
