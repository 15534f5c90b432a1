"""What the public sees: small counts suppressed, every live service's headline figures in both
languages, and the open data rows with their JSON and CSV forms."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import fishing
from onegate.insights.constants import EventKind
from onegate.insights.models import ServicePeriodInput
from onegate.insights.periods import Period, month_add
from onegate.insights.public import (
    LICENCE,
    OPEN_DATA_FIELDS,
    SCHEMA_URL,
    Published,
    open_data,
    open_data_csv,
    open_data_json,
    public_rows,
    published_count,
    published_figure,
)
from onegate.insights.tests.measure_rows import (
    NOV_3,
    NOV_20,
    PAPER,
    SLUG,
    counted,
    november,
    published_fishing,  # noqa: F401 (the fixture "owner")
    timed,
)

pytestmark = pytest.mark.usefixtures("owner")

K = EventKind
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
SUPPRESSED = Published(None, suppressed=True)


def owners_november() -> None:
    ServicePeriodInput.objects.create(service_slug=SLUG, month=dt.date(2026, 11, 1),
        paper_applications=15, phone_applications=5, paper_cost=Decimal("180"))  # fmt: skip


# --- suppression --------------------------------------------------------------------------------


def test_a_count_of_9_is_suppressed_and_10_published():
    assert published_count(9) == SUPPRESSED
    assert published_count(0) == SUPPRESSED
    assert published_count(10) == Published(10)


def test_a_figure_from_9_is_suppressed_and_from_10_published():
    assert published_figure(0.5, base=9) == SUPPRESSED
    assert published_figure(0.5, base=10) == Published(0.5)
    assert published_figure(None, base=0) == SUPPRESSED


def test_the_public_row_suppresses_figures_drawn_from_9_and_publishes_them_from_10():
    # 9 sent online, 9 rated (all 5), 9 decided by the rules in 2 s, in time.
    counted(NOV_3, K.STARTED, 9)
    counted(NOV_3, K.SUBMITTED, 9)
    counted(NOV_3, K.RATED, 9, rating=5)
    counted(NOV_3, K.DECIDED, 9, outcome="approve", decided_how="rules", sla="met")
    timed(NOV_3, K.DECIDED, 2, 9, decided_how="rules")

    (row,) = public_rows(period=NOVEMBER)
    figures = [row.transactions, row.take_up, row.completion_rate, row.satisfaction,
               row.auto_decision_rate, row.median_decision_seconds, row.sla_rate,
               row.cost_per_transaction, row.savings]  # fmt: skip
    assert figures == [SUPPRESSED] * 9

    # one more of each: 10
    counted(NOV_20, K.STARTED, 1)
    counted(NOV_20, K.SUBMITTED, 1)
    counted(NOV_20, K.RATED, 1, rating=5)
    counted(NOV_20, K.DECIDED, 1, outcome="approve", decided_how="rules", sla="met")
    timed(NOV_20, K.DECIDED, 2, 1, decided_how="rules")

    (row,) = public_rows(period=NOVEMBER)
    assert row.transactions == Published(10)
    assert [row.take_up, row.completion_rate, row.satisfaction, row.auto_decision_rate,
            row.sla_rate] == [Published(1.0)] * 5  # fmt: skip
    assert row.median_decision_seconds.value == pytest.approx(2 ** (1 + 1 / 16))  # the 2 s bucket
    assert not row.median_decision_seconds.suppressed
    assert row.cost_per_transaction == Published(Decimal("10.00"))  # all digital, 10 baht each
    assert row.savings == Published(Decimal("1900.00"))  # 10 x (200 - 10)


def test_every_live_service_has_a_row_with_its_titles_in_both_languages():
    november()
    owners_november()
    counted(NOV_3, K.SUBMITTED, 50, service="not-a-live-service")

    rows = public_rows(period=NOVEMBER)

    assert [row.service_slug for row in rows] == [SLUG]
    (row,) = rows
    assert row.title == {"en": "Get a fishing permit", "th": "ขอใบอนุญาตตกปลา"}
    assert row.agency_slug == "immigration"
    assert set(row.agency_name) == {"en", "th"}
    # The hand-computed November of test_measures: 45 transactions, 20 online, …
    assert row.transactions == Published(45)
    assert row.take_up.value == pytest.approx(20 / 45)
    assert row.completion_rate.value == pytest.approx(25 / 40)
    assert row.satisfaction.value == pytest.approx(8 / 12)
    assert row.auto_decision_rate.value == pytest.approx(18 / 22)
    assert row.sla_rate.value == pytest.approx(20 / 22)
    assert row.cost_per_transaction == Published(Decimal("93.11"))
    assert row.savings == Published(Decimal("3910.00"))


def test_the_public_rows_and_open_data_cost_a_few_queries_whatever_the_services(
    owner, django_assert_max_num_queries
):
    november()
    boats = fishing(("service: fishing-permit", "service: boat-licence"))
    second = definition_draft_save(actor=owner, source=boats)
    definition_publish(actor=owner, version=second, note="A second service")
    months = [month_add(dt.date(2026, 1, 1), n) for n in range(12)]
    public_rows(period=NOVEMBER)  # the definitions compiled, the catalogue read
    open_data(months=months, today=dt.date(2026, 12, 5))

    # published definitions, the aggregates, the owners' figures, the catalogue's revision
    with django_assert_max_num_queries(4):
        assert len(public_rows(period=NOVEMBER)) == 2
    with django_assert_max_num_queries(4):
        assert len(open_data(months=months, today=dt.date(2026, 12, 5))) == 24


# --- the open data ------------------------------------------------------------------------------


def test_the_open_data_has_a_row_per_live_service_per_month():
    november()
    owners_november()

    rows = open_data(
        months=[dt.date(2026, 10, 1), dt.date(2026, 11, 1)], today=dt.date(2026, 12, 5)
    )

    assert [(row["month"], row["service"]) for row in rows] == [
        ("2026-10", SLUG),
        ("2026-11", SLUG),
    ]
    october, row = rows
    assert [name for name in row] == [name for name, _kind in OPEN_DATA_FIELDS]
    assert (october["days_covered"], october["started"], october["take_up"]) == (31, None, None)
    assert "started" in october["suppressed"]
    assert row["days_covered"] == 30
    assert (row["service_title_en"], row["service_title_th"]) == (
        "Get a fishing permit", "ขอใบอนุญาตตกปลา")  # fmt: skip
    assert (row["started"], row["submitted_online"], row["transactions"]) == (40, 20, 45)
    # 3 assisted, 2 paper and 5 phone are fewer than 10: suppressed
    assert (row["submitted_assisted"], row["submitted_paper"], row["outside_phone"]) == (
        None, None, None)  # fmt: skip
    assert row["outside_paper"] == 15
    assert row["take_up"] == 0.4444  # 20 / 45, to 4 decimals
    assert row["completion_rate"] == 0.625
    assert row["auto_decision_rate"] == 0.8182  # 18 / 22
    assert row["satisfaction"] == 0.6667  # 8 / 12
    assert row["median_time_to_complete_seconds"] == 267  # 2**(8 + 1/16) = 267.33
    assert row["p90_time_to_complete_seconds"] == 1069  # 2**(10 + 1/16) = 1069.34
    assert row["median_time_to_decision_seconds"] == 2  # 2**(1 + 1/16) = 2.09
    assert row["p90_time_to_decision_seconds"] == 136_875  # 2**(17 + 1/16) = 136875.05
    assert row["paper_cost_per_transaction"] == Decimal("180.00")
    assert row["digital_cost_per_transaction"] == Decimal("10.00")
    assert (row["cost_per_transaction"], row["savings"]) == (Decimal("93.11"), Decimal("3910.00"))
    assert row["suppressed"] == ["submitted_assisted", "submitted_paper", "outside_phone"]


def test_the_current_month_runs_to_today():
    counted(dt.date(2026, 12, 5), K.STARTED, 12)
    counted(dt.date(2026, 12, 6), K.STARTED, 30)  # after "today": not possible, and not counted

    (row,) = open_data(months=[dt.date(2026, 12, 1)], today=dt.date(2026, 12, 5))

    assert (row["days_covered"], row["started"]) == (5, 12)


def test_the_json_document_holds_the_rows_with_its_schema_period_and_licence():
    november()
    rows = open_data(months=[dt.date(2026, 11, 1)], today=dt.date(2026, 12, 5))
    moment = dt.datetime(2026, 12, 5, 3, 4, 5, 678, tzinfo=dt.UTC)

    document = json.loads(open_data_json(rows, generated_at=moment).decode("utf-8"))

    assert document["schema"] == SCHEMA_URL
    assert document["generated_at"] == "2026-12-05T03:04:05Z"
    assert document["period"] == {"from": "2026-11", "to": "2026-11"}
    assert document["licence"] == LICENCE
    (row,) = document["rows"]
    assert row["service_title_th"] == "ขอใบอนุญาตตกปลา"
    assert (row["take_up"], row["savings"]) == (0.8, 4370.0)  # 20 / 25; 23 x (200 - 10)


def test_the_csv_has_a_header_crlf_lines_and_plain_decimals():
    november()
    owners_november()
    counted(NOV_3, K.STARTED, 1234, channel=PAPER)  # a number a locale would group
    counted(NOV_3, K.SUBMITTED, 1234, channel=PAPER)
    rows = open_data(months=[dt.date(2026, 11, 1)], today=dt.date(2026, 12, 5))

    data = open_data_csv(rows)

    text = data.decode("utf-8")
    assert (
        text.count("\r\n") == 2 and text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    )
    (line,) = list(csv.DictReader(io.StringIO(text)))
    assert list(line) == [name for name, _kind in OPEN_DATA_FIELDS]
    assert line["service_title_th"] == "ขอใบอนุญาตตกปลา"
    assert line["submitted_paper"] == "1236"  # 2 + 1234, no thousands separator
    assert line["take_up"] == "0.0156"  # 20 / (1259 + 20): 4 decimals
    assert line["completion_rate"] == "0.9882"  # 1259 / 1274
    assert line["paper_cost_per_transaction"] == "180.00"
    assert line["median_time_to_decision_seconds"] == "2"
    assert line["submitted_assisted"] == "" and line["outside_phone"] == ""
    assert line["suppressed"] == "submitted_assisted outside_phone"
