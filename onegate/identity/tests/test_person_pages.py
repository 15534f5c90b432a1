"""The person's pages that need a linked account: "who looked at my data" (filters, pages,
downloads) and "report a change of address" (postcode or province first, Thai or abroad, then the
agencies told), for the person and for someone they act for — and never for anyone else."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.identity.acting import ADDRESS_CHANGE_SERVICE, LIST_PURPOSE, SESSION_KEY
from onegate.identity.forms_acting import OWN_LOGGED_TEXT
from onegate.identity.proofing.base import ONLINE_LABEL, PURPOSE_IN_PERSON, PURPOSE_ONLINE
from onegate.identity.selectors_acting import access_log_of
from onegate.identity.tests.account_fixtures import make_account
from onegate.identity.tests.acting_fixtures import (
    active_delegation,
    citizen,
    link_account,
    make_household,
    strong_session,
    years_ago,
)
from onegate.notify.recipients import FAN_OUT_PURPOSE
from onegate.registries.access import access_record_write
from onegate.registries.adapters import AccessContext, registry
from onegate.registries.constants import AccessorKind
from onegate.registries.demo_subscriptions import load_demo_subscriptions
from onegate.registries.models import AccessRecord, Address, RegistryEvent
from onegate.registries.tests.events_support import make_divisions, run_worker_until_idle
from onegate.registries.tests.registry_fixtures import staff_context

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Start in English whatever language an earlier test left active in this thread."""
    with translation.override("en"):
        yield


def today() -> dt.date:
    """Today where the code under test looks (asked each time: a run may pass midnight)."""
    return timezone.localdate()


@pytest.fixture(autouse=True)
def catalogue(db):
    call_command("load_catalogue", verbosity=0)


@pytest.fixture
def household():
    return make_household()


def staff_read(who, *, organisation="civil-registration", purpose="Processing an application"):
    context = staff_context(purpose=purpose)
    context = type(context)(**{**context.__dict__, "organisation": organisation})
    registry().person_get(person_id=str(who.pk), access=context)


def act_for(client, who):
    response = client.post(reverse("identity:acting"), {"person": str(who.pk)})
    assert response.status_code == 302, response.content.decode()[:2000]


# --- who may see the pages --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["identity:access_log", "identity:address"])
def test_an_unlinked_account_is_asked_to_prove_who_they_are(client, name):
    strong_session(client, make_account("new@example.test"))
    page = client.get(reverse(name))
    assert "Prove who you are first" in page.content.decode()


@pytest.mark.parametrize("name", ["identity:access_log", "identity:address"])
def test_a_password_only_session_is_taken_through_the_step_up(client, household, name):
    client.force_login(household.parent_user)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:step_up"))


# --- who looked at my data --------------------------------------------------------------------


def test_the_log_shows_who_read_for_which_agency_and_why(client, household):
    staff_read(household.parent, purpose="Checking a person's identity at a service centre")
    strong_session(client, household.parent_user)
    text = client.get(reverse("identity:access_log")).content.decode()
    assert "Who looked at your data" in text
    assert "Civil Registration Department" in text
    assert "Checking a person&#39;s identity at a service centre" in text
    assert "date of birth, name, national ID number" in text


def border_gate_check(who) -> None:
    """The access record a border gate's check of an entitlement writes (``credentials``): the
    agency's English name, the purpose as a code, the entitlement as the fact read."""
    access_record_write(
        access=AccessContext(
            kind=AccessorKind.STAFF,
            accessor_id="officer-1",
            accessor_label="Border officer",
            organisation="Immigration Bureau",
            purpose="border_entry",
            channel="gate",
        ),
        question="credentials.entitlement_check",
        person_ids=[str(who.pk)],
        facts=["credentials.entitlement"],
    )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", ["Immigration Bureau", "Entry at the border", "travel authority"]),
        ("th", ["สำนักงานตรวจคนเข้าเมือง", "การเข้าเมืองที่ด่านตรวจคนเข้าเมือง"]),
    ],
)
def test_a_border_check_of_a_travel_authority_reads_in_words(client, household, language, said):
    border_gate_check(household.parent)
    strong_session(client, household.parent_user)
    with translation.override(language):
        url = reverse("identity:access_log")
    text = client.get(url).content.decode()
    for words in said:
        assert words in text
    assert "border_entry" not in text
    assert "credentials.entitlement" not in text
    if language == "th":
        assert "Immigration Bureau" not in text.split('id="records"')[1]


def test_an_agency_purpose_that_reads_like_a_onegate_message_is_shown_as_given(client, household):
    # an agency's own purpose and reader happen to equal words OneGate's pages translate
    staff_read(household.parent, organisation="civil-registration", purpose="Approved")
    staff_read(household.parent, purpose="Checking a person's identity at a service centre")
    strong_session(client, household.parent_user)
    with translation.override("th"):
        url = reverse("identity:access_log")
    records = client.get(url).content.decode().split('id="records"')[1]
    # the agency's text is shown exactly as it stored it, not as OneGate's "approved"
    assert "Approved" in records
    assert "อนุมัติ" not in records
    # while a purpose OneGate's registry staff state is read in the page's language
    assert "ตรวจสอบตัวตนของบุคคลที่ศูนย์บริการ" in records


def test_onegate_s_own_logged_texts_are_keyed_by_the_english_they_are_stored_in():
    with translation.override("en"):
        assert {key: str(text) for key, text in OWN_LOGGED_TEXT.items()} == {
            key: key for key in OWN_LOGGED_TEXT
        }
    stored = {ONLINE_LABEL, PURPOSE_ONLINE, PURPOSE_IN_PERSON, FAN_OUT_PURPOSE, str(LIST_PURPOSE)}
    assert stored <= OWN_LOGGED_TEXT.keys()


def test_the_log_filters_by_organisation_kind_and_period(client, household):
    staff_read(household.parent, organisation="civil-registration")
    staff_read(household.parent, organisation="immigration")
    old = AccessRecord.objects.filter(organisation="immigration").get()
    old.created_at = timezone.now() - dt.timedelta(days=40)
    old.save()
    strong_session(client, household.parent_user)
    url = reverse("identity:access_log")

    def shown(**query):
        text = client.get(url, query).content.decode()
        found = re.search(r'id="records">(\d+) records?<', text)
        assert found, "the page says how many records it shows"
        return int(found.group(1))

    assert shown() == 2
    assert shown(organisation="immigration") == 1
    assert shown(period="30") == 1
    assert shown(kind="service") == 0
    assert shown(kind="staff") == 2
    page = client.get(url).content.decode()
    assert "Immigration Bureau" in page  # the filter names agencies, not slugs


def test_the_log_is_paged_newest_first(client, household):
    for number in range(25):
        staff_read(household.parent, purpose=f"Read number {number}")
    strong_session(client, household.parent_user)
    first = client.get(reverse("identity:access_log")).content.decode()
    assert re.findall(r"Read number (\d+)", first) == [str(n) for n in range(24, 4, -1)]
    assert "page=2" in first
    second = client.get(reverse("identity:access_log"), {"page": 2}).content.decode()
    assert re.findall(r"Read number (\d+)", second) == ["4", "3", "2", "1", "0"]


def test_the_downloads_are_attachments_with_what_the_page_shows(client, household):
    staff_read(household.parent, organisation="civil-registration")
    staff_read(household.parent, organisation="immigration", purpose="=HYPERLINK(1)")
    strong_session(client, household.parent_user)

    csv_response = client.get(reverse("identity:access_log_csv"), {"organisation": "immigration"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["Content-Disposition"] == (
        f'attachment; filename="who-looked-at-my-data-{today().isoformat()}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert [row["organisation"] for row in rows] == ["immigration"]
    assert rows[0]["purpose"] == "'=HYPERLINK(1)"  # a spreadsheet will not run it

    json_response = client.get(reverse("identity:access_log_json"))
    assert json_response["Content-Disposition"].endswith('.json"')
    assert len(json.loads(json_response.content)["access_records"]) == 2


def test_a_parent_sees_their_childs_log_and_the_look_is_on_it(client, household):
    staff_read(household.child, purpose="School enrolment check")
    strong_session(client, household.parent_user)
    act_for(client, household.child)

    page = client.get(reverse("identity:access_log")).content.decode()
    assert "Who looked at Niran Jaidee's data" in page
    assert "School enrolment check" in page
    assert "See the people I can act for" in page  # the parent listing their children

    looked = AccessRecord.objects.get(person=household.child, facts=["person.access_log"])
    assert looked.accessor_label == "Somchai Jaidee (your parent)"
    assert looked.on_behalf_of == "Niran Jaidee"
    event = AuditEvent.objects.get(action=IdentityAction.ACCESS_LOG_VIEWED)
    assert event.actor_id == str(household.parent_user.pk)
    assert event.payload["on_behalf_of_person"] == str(household.child.pk)


def test_citizen_b_cannot_see_a_s_log(client, household):
    staff_read(household.parent, purpose="Something about A")
    stranger = link_account(make_account("b@example.test"), citizen("Bee", "Other", years_ago(35)))
    strong_session(client, stranger)
    # Even with A's person id planted in B's session, B sees only B's own log.
    session = client.session
    session[SESSION_KEY] = str(household.parent.pk)
    session.save()
    for name in ("identity:access_log", "identity:access_log_csv", "identity:access_log_json"):
        assert "Something about A" not in client.get(reverse(name)).content.decode()
    with pytest.raises(PermissionDenied):
        access_log_of(user=stranger, person_id=str(household.parent.pk))


def test_a_delegate_for_named_services_is_not_shown_the_log(client):
    grantor = citizen("Grace", "Giver", years_ago(70))
    delegate = citizen("Dan", "Helper", years_ago(40))
    grantor_user = link_account(make_account("grace@example.test"), grantor)
    delegate_user = link_account(make_account("dan@example.test"), delegate)
    active_delegation(
        grantor, grantor_user, delegate_user, delegate, services=[ADDRESS_CHANGE_SERVICE]
    )
    strong_session(client, delegate_user)
    act_for(client, grantor)
    refused = client.get(reverse("identity:access_log"))
    assert refused.status_code == 403
    assert "You cannot do this for Grace Giver" in refused.content.decode()
    assert client.get(reverse("identity:address")).status_code == 200


# --- report a change of address ---------------------------------------------------------------


def move_form(**extra):
    return {
        "house_number": "99",
        "moo": "4",
        "road": "Ratchadamnoen",
        "postcode": "50200",
        "moved_on_day": str(today().day),
        "moved_on_month": str(today().month),
        "moved_on_year": str(today().year),
        **extra,
    }


def test_the_first_page_shows_the_current_address_and_asks_where_the_new_one_is(client, household):
    Address.objects.create(
        person=household.parent,
        kind="thai",
        house_number="12/3",
        sub_district_id="100101",
        postcode="10200",
        valid_from=dt.date(2015, 1, 1),
    )
    strong_session(client, household.parent_user)
    page = client.get(reverse("identity:address"))
    assert "12/3" in page.content.decode()
    assert page.status_code == 200
    chosen = client.get(reverse("identity:address"), {"kind": "thai"})
    assert chosen["Location"] == reverse("identity:address_thai")
    assert client.get(reverse("identity:address"), {"kind": "moon"}).status_code == 400


def test_a_postcode_lists_its_sub_districts_and_one_is_chosen(client, household):
    strong_session(client, household.parent_user)
    url = reverse("identity:address_thai")
    listed = client.get(url, {"postcode": "๑๐๒๐๐"}).content.decode()  # Thai digits too
    assert "Phra Borom Maha Ratchawang, Phra Nakhon, Bangkok" in listed
    assert "Wat Ratchabophit" in listed
    wrong = client.get(url, {"postcode": "1020"})
    assert wrong.status_code == 400
    assert "A Thai postcode is five digits" in wrong.content.decode()
    unknown = client.get(url, {"postcode": "00000"})
    assert "We could not find the postcode 00000" in unknown.content.decode()
    form = client.get(url, {"sub_district": "100101"}).content.decode()
    assert "House number" in form and 'value="10200"' in form


def test_without_a_postcode_the_area_is_found_by_province_then_district(client, household):
    strong_session(client, household.parent_user)
    url = reverse("identity:address_thai")
    assert "Chiang Mai" in client.get(url, {"browse": "1"}).content.decode()
    districts = client.get(url, {"province": "50"}).content.decode()
    assert "Mueang Chiang Mai" in districts
    places = client.get(url, {"province": "50", "district": "5001"}).content.decode()
    assert "Si Phum, Mueang Chiang Mai, Chiang Mai" in places
    # A district left from another province is dropped, not an error.
    assert client.get(url, {"province": "10", "district": "5001"}).status_code == 200


def test_reporting_a_move_updates_the_register_and_lists_the_agencies_told(client, household):
    load_demo_subscriptions()
    strong_session(client, household.parent_user)
    response = client.post(
        reverse("identity:address_thai"), {"sub_district": "500101", **move_form()}, follow=True
    )
    text = response.content.decode()
    assert "Change of address reported" in text
    for agency in ("Ministry of Public Health", "Department of Land Transport"):
        assert agency in text
    assert "Waiting to be delivered" in text
    current = Address.objects.get(person=household.parent, valid_until__isnull=True)
    assert (current.sub_district_id, current.house_number) == ("500101", "99")
    event = AuditEvent.objects.get(action=IdentityAction.ADDRESS_CHANGE_REPORTED)
    assert "on_behalf_of_person" not in event.payload


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"house_number": ""}, "Enter the house number"),
        ({"moved_on_day": "31", "moved_on_month": "2"}, "must be a real date"),
        (
            {"moved_on_day": "", "moved_on_month": "", "moved_on_year": ""},
            "Enter the date you moved",
        ),
        (
            {"moved_on_year": str(today().year + 1)},
            "The moving date cannot be in the future.",
        ),
    ],
)
def test_a_wrong_move_is_refused_with_a_message_on_the_field(client, household, changes, message):
    strong_session(client, household.parent_user)
    response = client.post(
        reverse("identity:address_thai"), {"sub_district": "500101", **move_form(**changes)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Address.objects.filter(person=household.parent).exists()


def test_a_buddhist_era_year_is_understood(client, household):
    strong_session(client, household.parent_user)
    client.post(
        reverse("identity:address_thai"),
        {"sub_district": "500101", **move_form(moved_on_year=str(today().year + 543))},
    )
    assert Address.objects.get(person=household.parent).valid_from == today()


def test_a_move_abroad(client, household):
    strong_session(client, household.parent_user)
    form = {
        "lines": "10 Downing Street",
        "city": "London",
        "postcode": "SW1A 2AA",
        "country": "GBR",
        "moved_on_day": str(today().day),
        "moved_on_month": str(today().month),
        "moved_on_year": str(today().year),
    }
    response = client.post(reverse("identity:address_abroad"), form)
    assert response.status_code == 302
    address = Address.objects.get(person=household.parent)
    assert (address.kind, address.country, address.city) == ("international", "GBR", "London")
    thailand = client.post(reverse("identity:address_abroad"), {**form, "country": "THA"})
    assert thailand.status_code == 400


def test_a_parent_reports_a_move_for_their_child(client, household):
    Address.objects.create(
        person=household.child,
        kind="thai",
        house_number="1",
        sub_district_id="100101",
        postcode="10200",
        valid_from=dt.date(2020, 1, 1),
    )
    strong_session(client, household.parent_user)
    act_for(client, household.child)
    assert "Acting for Niran Jaidee" in client.get(reverse("identity:address")).content.decode()
    response = client.post(
        reverse("identity:address_thai"), {"sub_district": "500101", **move_form()}
    )
    assert response.status_code == 302
    assert (
        Address.objects.get(person=household.child, valid_until__isnull=True).house_number == "99"
    )
    assert not Address.objects.filter(person=household.parent).exists()
    event = AuditEvent.objects.get(action=IdentityAction.ADDRESS_CHANGE_REPORTED)
    assert event.payload["on_behalf_of_person"] == str(household.child.pk)
    # Reading the child's current address for the form is on the child's log.
    read = AccessRecord.objects.get(person=household.child, facts=["person.address"])
    assert read.organisation == "civil-registration"
    assert read.on_behalf_of == "Niran Jaidee"


def test_citizen_b_cannot_see_a_s_change_of_address(client, household):
    strong_session(client, household.parent_user)
    client.post(reverse("identity:address_thai"), {"sub_district": "500101", **move_form()})
    event_id = RegistryEvent.objects.get().pk
    change_url = reverse("identity:address_change", kwargs={"event_id": event_id})
    assert client.get(change_url).status_code == 200

    stranger = link_account(make_account("b@example.test"), citizen("Bee", "Other", years_ago(35)))
    client.logout()
    strong_session(client, stranger)
    assert client.get(change_url).status_code == 404
    listing = client.get(reverse("identity:address_changes")).content.decode()
    assert "No change of address has been reported yet." in listing


@pytest.mark.django_db(transaction=True)
def test_the_status_page_shows_each_agency_told_once_the_worker_has_run(client):
    call_command("load_catalogue", verbosity=0)
    make_divisions()
    load_demo_subscriptions()
    household = make_household()
    strong_session(client, household.parent_user)
    response = client.post(
        reverse("identity:address_thai"), {"sub_district": "500101", **move_form()}
    )
    status_url = response["Location"]
    assert "Waiting to be delivered" in client.get(status_url).content.decode()
    run_worker_until_idle()
    page = client.get(status_url).content.decode()
    assert page.count("Delivered") == 3
    assert "Waiting to be delivered" not in page
