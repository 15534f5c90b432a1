"""Service centres: a checked address, services from the catalogue, hours with holidays, moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.tests.factories import ServiceFactory
from onegate.identity.constants import StaffRole
from onegate.identity.selectors_organisations import (
    centre_address_lines,
    centre_current,
    centre_hours_on,
    centre_week,
    centres_with_hours,
)
from onegate.identity.services.organisations import StaffChangeRefused
from onegate.identity.services.service_centres import (
    ExceptionDay,
    HoursPeriod,
    service_centre_hours_set,
    service_centre_move,
    service_centre_save,
)
from onegate.identity.tests.organisation_fixtures import agency, service_centre, staff_member
from onegate.registries.addresses import AddressInput

pytestmark = pytest.mark.django_db

CHIANG_MAI = AddressInput(
    house_number="1", road="Chotana", sub_district_code="500107", postcode="50300"
)
MONDAY = dt.date(2026, 12, 7)  # a Monday; Saturday 5 December 2026 is Father's Day


@pytest.fixture
def centres_admin():
    return staff_member("admin@centres.test", StaffRole.AGENCY_ADMIN, "service-centres")


def save(actor, **changes):
    fields = {
        "slug": "chiang-mai",
        "agency_slug": "service-centres",
        "name_en": "Chiang Mai service centre",
        "name_th": "ศูนย์บริการเชียงใหม่",
        "address": CHIANG_MAI,
        "service_slugs": [],
    }
    return service_centre_save(actor=actor, **{**fields, **changes})


def test_an_agency_administrator_opens_a_centre_with_a_checked_address(centres_admin):
    ServiceFactory(slug="renew-driving-licence")
    centre = save(centres_admin, service_slugs=["renew-driving-licence"])
    assert centre.is_active
    assert centre_address_lines(centre, "en") == [
        "1, Chotana Road",
        "Chang Phueak, Mueang Chiang Mai",
        "Chiang Mai 50300",
    ]
    assert centre_address_lines(centre, "th")[1:] == [
        "ตำบลช้างเผือก อำเภอเมืองเชียงใหม่",
        "จังหวัดเชียงใหม่ 50300",
    ]
    [event] = AuditEvent.objects.filter(action=IdentityAction.SERVICE_CENTRE_SAVED)
    assert event.actor_id == str(centres_admin.pk)
    assert event.payload["created"] is True


def test_a_wrong_address_unknown_services_and_a_taken_name_are_each_named(centres_admin):
    service_centre("taken")
    with pytest.raises(ValidationError) as invalid:
        save(
            centres_admin,
            slug="taken",
            name_th=" ",
            address=AddressInput(house_number="1", sub_district_code="500107", postcode="10200"),
            service_slugs=["no-such-service"],
        )
    problems = invalid.value.message_dict
    assert set(problems) == {"slug", "name_th", "postcode", "service_slugs"}
    assert problems["service_slugs"] == ["These are not services in the catalogue: no-such-service"]
    assert not AuditEvent.objects.filter(
        action=IdentityAction.SERVICE_CENTRE_SAVED, actor_id=str(centres_admin.pk)
    ).exists()


def test_only_the_running_agency_administrators_change_a_centre(centres_admin):
    centre = save(centres_admin)
    health_admin = staff_member("admin@health.test", StaffRole.AGENCY_ADMIN, "health")
    officer = staff_member(
        "counter@example.test", StaffRole.CENTRE_OFFICER, "service-centres", centre=centre
    )
    for outsider in (health_admin, officer):
        with pytest.raises(StaffChangeRefused):
            save(outsider, centre=centre, name_en="Renamed")
    # Nor can an administrator hand a centre over to an agency they do not run.
    with pytest.raises(StaffChangeRefused):
        save(centres_admin, centre=centre, agency_slug=agency("health"))
    renamed = save(centres_admin, centre=centre, name_en="Chiang Mai Chotana centre")
    assert renamed.name_en == "Chiang Mai Chotana centre"
    last = AuditEvent.objects.filter(action=IdentityAction.SERVICE_CENTRE_SAVED).latest(
        "created_at"
    )
    assert last.payload["changed"] == ["name_en"]


def test_opening_hours_with_a_lunch_break_and_a_public_holiday(centres_admin):
    centre = save(centres_admin)
    morning, afternoon = (dt.time(8, 30), dt.time(12)), (dt.time(13), dt.time(16, 30))
    weekly = [HoursPeriod(day, *part) for day in range(5) for part in (morning, afternoon)]
    weekly.append(HoursPeriod(5, dt.time(9), dt.time(12)))
    holiday = ExceptionDay(
        date=dt.date(2026, 12, 10), reason_en="Constitution Day", reason_th="วันรัฐธรรมนูญ"
    )
    short = ExceptionDay(
        date=dt.date(2026, 12, 11),
        reason_en="Staff training",
        reason_th="อบรมเจ้าหน้าที่",
        opens=dt.time(8, 30),
        closes=dt.time(12),
    )
    service_centre_hours_set(
        actor=centres_admin, centre=centre, weekly=weekly, exceptions=[holiday, short]
    )
    [listed] = centres_with_hours()
    week = centre_week(listed, MONDAY)
    assert week[0].periods == [morning, afternoon]
    thursday = week[3]  # the 10th
    assert thursday.closed and thursday.exception is not None
    assert thursday.exception.reason_en == "Constitution Day"
    assert week[4].periods == [(dt.time(8, 30), dt.time(12))]
    assert week[5].periods == [(dt.time(9), dt.time(12))]
    assert week[6].closed and week[6].exception is None  # an ordinary Sunday
    assert centre_hours_on(listed, dt.date(2026, 12, 17)).periods == [morning, afternoon]


def test_hours_that_make_no_sense_are_refused_and_nothing_changes(centres_admin):
    centre = service_centre("bangkok")
    nine, noon, one = dt.time(9), dt.time(12), dt.time(13)
    with pytest.raises(ValidationError) as invalid:
        service_centre_hours_set(
            actor=centres_admin,
            centre=centre,
            weekly=[
                HoursPeriod(0, nine, one),
                HoursPeriod(0, noon, dt.time(16)),
                HoursPeriod(1, one, nine),
            ],
            exceptions=[
                ExceptionDay(date=MONDAY, reason_en="", reason_th="", opens=nine),
                ExceptionDay(date=MONDAY, reason_en="x", reason_th="x"),
            ],
        )
    problems = invalid.value.message_dict
    assert problems["hours"] == [
        "Each opening time must be before its closing time.",
        "Opening times on the same day must not overlap.",
    ]
    assert problems["exceptions"] == [
        "Give each date once.",
        "On 2026-12-07, give both opening and closing times, or neither.",
        "On 2026-12-07, give the reason in English and in Thai.",
    ]
    assert centre.hours.count() == 5  # the fixture's weekday hours are still there


def test_a_centre_that_moved_points_to_where_it_is_now(centres_admin):
    old, middle, new = service_centre("old"), service_centre("middle"), service_centre("new")
    service_centre_move(actor=centres_admin, centre=old, to=middle)
    service_centre_move(actor=centres_admin, centre=middle, to=new)
    old.refresh_from_db()
    assert not old.is_active
    assert centre_current(old) == new
    assert centre_current(new) == new
    with pytest.raises(ValidationError):
        service_centre_move(actor=centres_admin, centre=old, to=new)  # already moved
    with pytest.raises(ValidationError):
        service_centre_move(actor=centres_admin, centre=new, to=old)  # to a closed centre
    with pytest.raises(ValidationError):
        service_centre_move(actor=centres_admin, centre=new, to=new)
    moves = AuditEvent.objects.filter(action=IdentityAction.SERVICE_CENTRE_MOVED)
    assert moves.count() == 2
