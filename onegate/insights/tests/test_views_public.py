"""The public performance pages and the open data, as anyone on the internet gets them: the
hand-computed figures of the live service (English and Thai), small counts suppressed, pages
cacheable for five minutes and naming nobody, the open data's types, headers and errors.

The rows are all today's (Bangkok), so they fall in the last 30 days and in this month: 40
applications started, 25 sent (20 online, 3 assisted, 2 paper), 22 decided (18 by the rules in
2 s, 4 by officers in 131072 s, one of them late), 12 ratings (eight 4s and 5s).
"""

from __future__ import annotations

import csv
import html as html_text
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from onegate.insights.constants import EventKind
from onegate.insights.public import OPEN_DATA_FIELDS
from onegate.insights.tests.measure_rows import (
    ASSISTED,
    PAPER,
    SLUG,
    counted,
    published_fishing,  # noqa: F401 (the fixture "owner")
    timed,
)

pytestmark = pytest.mark.usefixtures("owner")

K = EventKind
PUBLIC_CACHE = "public, max-age=300"


def todays_rows() -> None:
    today = timezone.localdate()
    counted(today, K.STARTED, 40)
    counted(today, K.SUBMITTED, 20)
    counted(today, K.SUBMITTED, 3, channel=ASSISTED)
    counted(today, K.SUBMITTED, 2, channel=PAPER)
    counted(today, K.DECIDED, 18, outcome="approve", decided_how="rules", sla="met")
    counted(today, K.DECIDED, 3, outcome="approve", decided_how="officer", sla="met")
    counted(today, K.DECIDED, 1, outcome="approve", decided_how="officer", sla="missed")
    timed(today, K.DECIDED, 2, 18, decided_how="rules")
    timed(today, K.DECIDED, 131072, 4, decided_how="officer")
    for rating, n in ((1, 1), (2, 1), (3, 2), (4, 3), (5, 5)):
        counted(today, K.RATED, n, rating=rating)


def few_rows() -> None:
    """Fewer than 10 of everything: 9 started, 8 sent online, 3 ratings of 5."""
    today = timezone.localdate()
    counted(today, K.STARTED, 9)
    counted(today, K.SUBMITTED, 8)
    counted(today, K.RATED, 3, rating=5)


def address(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"performance:{name}", kwargs=kwargs or None)


def text_of(response) -> str:
    body = response.content.decode()
    return html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def service_row(text: str) -> str:
    """The index table's row of the fishing permit, as text."""
    start = text.index("Get a fishing permit")
    return text[start : start + 200]


# --- the pages ---------------------------------------------------------------------------------


def test_the_index_shows_every_live_service_with_hand_computed_figures(client):
    todays_rows()

    response = client.get(address("index"))

    assert response.status_code == 200
    # transactions, take-up (20 of 25), completion (25 of 40), median decision (11th of 22: the
    # 2 s bucket's middle), satisfaction (8 of 12), cost ((23 * 10 + 2 * 200) / 25 baht)
    assert "25 80.0% 62.5% 2 s 66.7% 25.20 baht" in service_row(text_of(response))
    assert address("service", slug=SLUG) in response.content.decode()
    for name in ("data_csv", "data_json", "data_schema", "about"):
        assert address(name) in response.content.decode()


def test_small_counts_are_suppressed_on_the_index(client):
    few_rows()

    row = service_row(text_of(client.get(address("index"))))

    # transactions, then take-up, completion, decision time, satisfaction and cost
    assert "fewer than 10 not enough data not enough data not enough data not enough data" in row
    assert " 8 " not in row and " 9 " not in row and "100.0%" not in row


def test_the_service_page_shows_the_headline_and_this_month(client):
    todays_rows()

    response = client.get(address("service", slug=SLUG))

    assert response.status_code == 200
    text = text_of(response)
    assert "Savings against paper 4,370.00 baht" in text  # 25 * 200 - 630
    assert "Decided automatically 81.8%" in text  # 18 of 22
    assert "Decided within the service level 95.5%" in text  # 21 of 22
    month = f"{timezone.localdate():%B %Y}"
    assert f"{month} 25 80.0% 62.5% 2 s 81.8% 95.5% 66.7% 25.20 baht" in text


def test_the_service_page_suppresses_small_counts_month_by_month(client):
    few_rows()

    text = text_of(client.get(address("service", slug=SLUG)))

    month = f"{timezone.localdate():%B %Y}"
    assert f"{month} fewer than 10 not enough data not enough data" in text
    assert "Transactions fewer than 10" in text


def test_the_pages_are_in_thai_with_buddhist_era_dates(client):
    todays_rows()

    response = client.get(address("service", "th", slug=SLUG))

    assert response.status_code == 200
    text = text_of(response)
    year = timezone.localdate().year
    assert "ขอใบอนุญาตตกปลา" in text
    assert str(year + 543) in text and f" {year} " not in text
    assert "80.0%" in text and "4,370.00" in text
    index = client.get(address("index", "th"))
    assert "ขอใบอนุญาตตกปลา" in text_of(index)


def test_an_unknown_service_is_the_designed_not_found_page(client):
    response = client.get(address("service", slug="no-such-service"))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_about_page_explains_every_field_of_the_open_data(client):
    response = client.get(address("about"))

    assert response.status_code == 200
    listed = response.content.decode().split('id="field-list"', 1)[1]
    for name, _kind in OPEN_DATA_FIELDS:
        assert f'<code class="og-identifier">{name}</code>' in listed
    assert "fewer than 10" in text_of(response)


@pytest.mark.parametrize("name", ["index", "about"])
def test_public_pages_are_cacheable_and_name_nobody(client, name):
    todays_rows()

    response = client.get(address(name))

    assert response["Cache-Control"] == PUBLIC_CACHE
    assert "Signed in as" not in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_signed_in_persons_copy_is_never_kept_by_a_shared_cache(client, owner):
    client.force_login(owner)

    response = client.get(address("index"))

    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_the_public_pages_read_a_pinned_number_of_queries_and_never_the_events(
    client, django_assert_max_num_queries
):
    todays_rows()
    for name, kwargs in (("index", {}), ("service", {"slug": SLUG})):
        client.get(address(name, **kwargs))  # compiled definitions cached, as in a process
        with (
            CaptureQueriesContext(connection) as seen,
            django_assert_max_num_queries(6 if name == "index" else 20),
        ):
            assert client.get(address(name, **kwargs)).status_code == 200
        assert not [q for q in seen.captured_queries if "insights_event" in q["sql"]]


# --- the open data ----------------------------------------------------------------------------


def test_the_json_document_holds_this_months_figures(client):
    todays_rows()

    response = client.get(address("data_json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == PUBLIC_CACHE
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    this_month = f"{timezone.localdate():%Y-%m}"
    assert document["period"]["to"] == this_month
    row = next(r for r in document["rows"] if r["month"] == this_month and r["service"] == SLUG)
    assert (row["transactions"], row["take_up"], row["completion_rate"]) == (25, 0.8, 0.625)
    assert row["savings"] == 4370.0
    assert len({r["month"] for r in document["rows"]}) == 12  # the last 12 months by default


def test_the_csv_is_a_download_named_after_its_months(client):
    todays_rows()

    response = client.get(address("data_csv"), {"from": "2026-01", "to": "2026-06"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="onegate-performance-2026-01-2026-06.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == [name for name, _kind in OPEN_DATA_FIELDS]
    assert [row[0] for row in rows[1:]] == [f"2026-0{n}" for n in range(1, 7)]


def test_the_csv_of_the_default_months_ends_with_this_month(client):
    response = client.get(address("data_csv"))

    this_month = f"{timezone.localdate():%Y-%m}"
    assert response["Content-Disposition"].endswith(f'-{this_month}.csv"')


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ({"from": "2026-13"}, "from", "Enter the first month as a real month, like 2026-01"),
        ({"to": "soon"}, "to", "Enter the last month as a real month, like 2026-12"),
        ({"from": "2026-06", "to": "2026-01"}, "from", "The first month must be on or before"),
        ({"from": "2020-01", "to": "2026-01"}, "from", "The data can cover at most 24 months"),
        ({"to": "2999-01"}, "to", "The last month cannot be in the future"),
    ],
)
@pytest.mark.parametrize("name", ["data_json", "data_csv"])
def test_bad_months_are_a_clear_problem(client, name, query, parameter, message):
    response = client.get(address(name), query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == 400
    assert message in problem["detail"]
    assert problem["errors"][0]["parameter"] == parameter
    assert "Content-Disposition" not in response


def test_the_problem_is_in_the_requests_language(client):
    response = client.get(address("data_json", "th"), {"from": "2026-13"})

    assert response.status_code == 400
    assert response["Content-Language"] == "th"
    with translation.override("th"):
        expected = translation.gettext("Enter the first month as a real month, like 2026-01")
    assert json.loads(response.content)["errors"][0]["detail"] == expected


def test_the_schema_is_served_as_documented(client):
    response = client.get(address("data_schema"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    with open("docs/schema/performance-open-data.schema.json", "rb") as committed:
        assert response.content == committed.read()
