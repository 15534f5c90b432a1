"""The appointment pages as a person and a centre officer use them, in English and Thai."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from onegate.appointments.constants import BookingStatus
from onegate.appointments.models import Booking
from onegate.appointments.services import booking_create
from onegate.appointments.tests.support import (
    ONLINE_ONLY,
    PASSPORT,
    bangkok_centre,
    chiang_mai_centre,
    make_slot,
    someone,
    visit_services,
)
from onegate.audit.models import AuditEvent
from onegate.identity.constants import StaffRole
from onegate.identity.tests.acting_fixtures import make_household
from onegate.identity.tests.organisation_fixtures import service_centre, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    visit_services()
    return bangkok_centre()


@pytest.fixture
def me(client):
    who = someone()
    client.force_login(who.user)
    return who


def test_the_service_page_offers_a_visit_only_when_one_is_needed(client, centre):
    page = client.get(reverse("catalogue:service", kwargs={"slug": PASSPORT}))
    assert "Book a visit" in page.text
    assert "Fingerprints are taken in person." in page.text
    online = client.get(reverse("catalogue:service", kwargs={"slug": ONLINE_ONLY}))
    assert "Book a visit" not in online.text
    assert client.get(reverse("appointments:find", args=[ONLINE_ONLY])).status_code in (302, 404)


def test_a_service_done_online_has_no_booking_pages(client, me, centre):
    assert client.get(reverse("appointments:find", args=[ONLINE_ONLY])).status_code == 404


def test_the_locator_lists_the_nearest_centre_first_from_a_postcode(client, me, centre):
    chiang_mai_centre()
    url = reverse("appointments:find", args=[PASSPORT])
    page = client.get(url, {"postcode": "50200"})  # Chiang Mai
    assert page.status_code == 200
    text = page.text
    assert text.index("Chiang Mai centre") < text.index("Centre lak-si")
    assert "about" in text and "km away" in text
    bangkok = client.get(url, {"postcode": "10210"}).text
    assert bangkok.index("Centre lak-si") < bangkok.index("Chiang Mai centre")


def test_the_locator_filters_by_province(client, me, centre):
    chiang_mai_centre()
    page = client.get(reverse("appointments:find", args=[PASSPORT]), {"province": "50"})
    assert "Chiang Mai centre" in page.text
    assert "Centre lak-si" not in page.text


def test_an_unknown_postcode_is_a_clear_error(client, me, centre):
    page = client.get(reverse("appointments:find", args=[PASSPORT]), {"postcode": "99999"})
    assert page.status_code == 400
    assert "We do not know the postcode 99999" in page.text


def test_book_see_download_and_cancel(client, me, centre):
    slot = make_slot(centre, capacity=1)
    url = reverse("appointments:slots", args=[PASSPORT, centre.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert str(slot.pk) in page.text

    done = client.post(url + f"?day={timezone.localtime(slot.starts_at).date()}", {"slot": slot.pk})

    booking = Booking.objects.get(person_id=me.person_id)
    assert done.status_code == 302
    assert done["Location"] == reverse("appointments:booking", args=[booking.reference])
    shown = client.get(done["Location"])
    assert booking.reference in shown.text and "Your appointment is booked." in shown.text
    assert "&lt;strong&gt;" not in shown.text

    ics = client.get(reverse("appointments:calendar", args=[booking.reference]))
    assert ics["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == slot.starts_at
    assert booking.reference in str(event.get("description"))

    home = client.get(reverse("appointments:home"))
    assert "Coming up" in home.text and "Centre lak-si" in home.text
    cancelled = client.post(reverse("appointments:cancel", args=[booking.reference]), {})
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_booking_a_full_slot_says_so(client, me, centre):
    slot = make_slot(centre, capacity=1)
    other = someone()
    booking_create(actor=other.user, person_id=other.person_id, slot_id=slot.pk)
    url = reverse("appointments:slots", args=[PASSPORT, centre.slug])
    page = client.post(url, {"slot": slot.pk})
    assert page.status_code == 400
    assert "Choose one of the times shown." in page.text or "last place" in page.text
    assert not Booking.objects.filter(person_id=me.person_id).exists()


def test_someone_elses_booking_is_not_found_and_the_attempt_audited(client, me, centre):
    other = someone()
    booking = booking_create(
        actor=other.user, person_id=other.person_id, slot_id=make_slot(centre).pk
    )
    for name in ("booking", "cancel", "calendar"):
        assert (
            client.get(reverse(f"appointments:{name}", args=[booking.reference])).status_code == 404
        )
    assert client.post(reverse("appointments:cancel", args=[booking.reference])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    refusals = AuditEvent.objects.filter(
        action="appointments.refused", subject_id=booking.reference, actor_id=str(me.user.pk)
    )
    assert refusals.count() == 4


def test_rescheduling_from_the_booking_page(client, me, centre):
    first, second = make_slot(centre, hour=10), make_slot(centre, in_days=3, hour=11)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=first.pk)
    url = reverse("appointments:slots", args=[PASSPORT, centre.slug])
    day = timezone.localtime(second.starts_at).date()
    page = client.get(url, {"change": booking.reference, "day": day.isoformat()})
    assert "Change to this time" in page.text
    moved = client.post(
        url + f"?day={day}&change={booking.reference}",
        {"slot": second.pk, "change": booking.reference},
    )
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == second.pk


def test_a_parent_sees_and_books_for_their_child(client, centre):
    household = make_household()
    client.force_login(household.parent_user)
    session = client.session
    session["identity.acting_for"] = str(household.child.pk)
    session.save()
    slot = make_slot(centre)
    client.post(reverse("appointments:slots", args=[PASSPORT, centre.slug]), {"slot": slot.pk})
    booking = Booking.objects.get()
    assert str(booking.person_id) == str(household.child.pk)
    page = client.get(reverse("appointments:home"))
    assert "Appointments for Niran Jaidee" in page.text


def test_the_thai_pages_show_buddhist_era_dates(client, me, centre):
    slot = make_slot(centre)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    page = client.get("/th" + reverse("appointments:booking", args=[booking.reference]))
    assert page.status_code == 200
    year = timezone.localtime(slot.starts_at).year
    assert str(year + 543) in page.text and f" {year}" not in page.text


def test_an_account_not_linked_to_a_person_is_asked_to_prove_who_they_are(client, centre):
    from onegate.identity.tests.account_fixtures import make_account

    client.force_login(make_account("unlinked@example.test"))
    page = client.get(reverse("appointments:home"))
    assert "Prove who you are first" in page.text


# --- staff ------------------------------------------------------------------------------------


def test_an_officer_sees_the_day_and_checks_people_in(client, centre):
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    me = someone()
    today_slot = make_slot(centre, in_days=0, hour=23, minutes=30)
    earlier = today_slot.starts_at - dt.timedelta(hours=1)  # booked before, whenever the test runs
    booking = booking_create(
        actor=me.user, person_id=me.person_id, slot_id=today_slot.pk, now=earlier
    )
    client.force_login(officer)
    page = client.get(reverse("appointments:staff_centres"), follow=True)
    assert "Somsri Dee" in page.text and booking.reference in page.text
    assert AuditEvent.objects.filter(action="appointments.day_viewed").exists()

    client.post(reverse("appointments:check_in", args=[booking.reference]))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert AuditEvent.objects.filter(action="appointments.checked_in").exists()


def test_an_officer_marks_a_no_show_only_after_the_time_started(client, centre):
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    me = someone()
    slot = make_slot(centre, in_days=1)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    client.force_login(officer)
    page = client.post(reverse("appointments:no_show", args=[booking.reference]), follow=True)
    assert "only after their time has started" in page.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    from onegate.appointments.services import booking_mark_no_show

    booking_mark_no_show(
        actor=officer, booking=booking, now=slot.starts_at + dt.timedelta(minutes=5)
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


def test_an_officer_of_another_centre_cannot_see_or_check_in(client, centre):
    elsewhere = service_centre("elsewhere")
    officer = staff_member(
        "other@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=elsewhere
    )
    me = someone()
    slot = make_slot(centre, in_days=0, hour=23)
    booking = booking_create(
        actor=me.user,
        person_id=me.person_id,
        slot_id=slot.pk,
        now=slot.starts_at - dt.timedelta(hours=1),
    )
    client.force_login(officer)
    day = client.get(reverse("appointments:staff_day", args=[centre.pk]))
    assert day.status_code == 404
    assert (
        client.post(reverse("appointments:check_in", args=[booking.reference])).status_code == 404
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_a_citizen_cannot_open_the_staff_pages(client, me, centre):
    assert client.get(reverse("appointments:staff_centres")).status_code == 403


def test_an_administrator_closes_a_day_and_the_booked_person_is_told(client, centre):
    admin = staff_member("admin@example.test", StaffRole.AGENCY_ADMIN, centre.agency_slug)
    me = someone()
    slot = make_slot(centre, in_days=3)
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk)
    day = timezone.localtime(slot.starts_at).date()
    client.force_login(admin)
    url = reverse("appointments:close_day")
    assert client.get(url).status_code == 200
    form = {
        "centre": str(centre.pk),
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year + 543),  # a Buddhist Era year is read as such
        "reason_en": "a burst water pipe",
        "reason_th": "ท่อน้ำแตก",
    }
    done = client.post(url, form, follow=True)
    assert "1 booked person was told" in done.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.MOVED
    past = client.post(url, {**form, "date_year": "2020"})
    assert past.status_code == 400 and "today or later" in past.text


def test_a_centre_officer_cannot_close_a_day(client, centre):
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    client.force_login(officer)
    assert client.get(reverse("appointments:close_day")).status_code == 403


def _queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the caches (catalogue, family) first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_lists_cost_the_same_queries_for_one_booking_or_five(client, centre):
    officer = staff_member(
        "officer@example.test", StaffRole.CENTRE_OFFICER, centre.agency_slug, centre=centre
    )
    people = [someone() for _ in range(5)]
    slots = [make_slot(centre, hour=9 + n, capacity=1) for n in range(5)]
    booking_create(actor=people[0].user, person_id=people[0].person_id, slot_id=slots[0].pk)
    day = timezone.localtime(slots[0].starts_at).date()
    day_url = reverse("appointments:staff_day", args=[centre.pk]) + f"?date={day}"
    client.force_login(officer)
    one = _queries_for(client, day_url)
    for who, slot in zip(people[1:], slots[1:], strict=True):
        booking_create(actor=who.user, person_id=who.person_id, slot_id=slot.pk)
    assert _queries_for(client, day_url) == one


def test_your_appointments_cost_the_same_queries_for_one_booking_or_five(client, me, centre):
    from onegate.appointments.services import booking_cancel

    slots = [make_slot(centre, hour=9 + n, capacity=1) for n in range(5)]
    booking_cancel(
        actor=me.user,
        booking=booking_create(actor=me.user, person_id=me.person_id, slot_id=slots[0].pk),
    )
    url = reverse("appointments:home")
    one = _queries_for(client, url)
    for slot in slots[1:4]:
        booking_cancel(
            actor=me.user,
            booking=booking_create(actor=me.user, person_id=me.person_id, slot_id=slot.pk),
        )
    booking_create(actor=me.user, person_id=me.person_id, slot_id=slots[4].pk)
    assert _queries_for(client, url) == one


def test_the_finder_points_to_the_appointment_already_made(client, me, centre):
    booking = booking_create(actor=me.user, person_id=me.person_id, slot_id=make_slot(centre).pk)
    page = client.get(reverse("appointments:find", args=[PASSPORT]))
    assert f"See or change appointment {booking.reference}" in page.text
