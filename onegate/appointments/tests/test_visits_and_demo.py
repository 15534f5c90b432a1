"""Only when needed (the catalogue's ``visit`` block) and the demo's centres and slots."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from onegate.appointments.models import CentreProfile, Slot
from onegate.appointments.visits import services_needing_visits, visit_requirement
from onegate.catalogue.datafile import CatalogueDataError, catalogue_data_parse
from onegate.identity.demo_staff import CHOTANA, LAK_SI

AGENCY = {"slug": "a", "name": {"en": "A", "th": "ก"}, "description": {"en": "A", "th": "ก"}}


def _service(**extra):
    return {
        "slug": "s",
        "title": {"en": "S", "th": "ส"},
        "summary": {"en": "S", "th": "ส"},
        "agency": "a",
        **extra,
    }


def test_a_visit_block_needs_a_reason_in_every_language():
    good = catalogue_data_parse(
        {
            "agencies": [AGENCY],
            "services": [_service(visit={"reason": {"en": "Photo", "th": "รูป"}})],
        }
    )
    assert good.services[0].visit == {"reason": {"en": "Photo", "th": "รูป"}}
    assert (
        catalogue_data_parse({"agencies": [AGENCY], "services": [_service()]}).services[0].visit
        == {}
    )
    with pytest.raises(CatalogueDataError) as missing_thai:
        catalogue_data_parse(
            {"agencies": [AGENCY], "services": [_service(visit={"reason": {"en": "Photo"}})]}
        )
    assert 'services[0] "s": visit:' in str(missing_thai.value)
    with pytest.raises(CatalogueDataError):
        catalogue_data_parse({"agencies": [AGENCY], "services": [_service(visit={"why": "x"})]})


@pytest.mark.django_db
def test_the_demo_catalogue_names_the_services_that_need_a_visit():
    call_command("load_catalogue", verbosity=0)
    assert [r.service_slug for r in services_needing_visits()] == [
        "apply-for-a-passport",
        "national-id-card",
    ]
    assert visit_requirement("tell-us-you-have-moved") is None
    passport = visit_requirement("apply-for-a-passport")
    assert passport is not None
    assert "fingerprints" in passport.reason_text["en"]


@pytest.mark.django_db
def test_the_demo_centres_get_places_facilities_and_three_weeks_of_slots():
    call_command("load_catalogue", verbosity=0)
    call_command("load_demo_staff", verbosity=0)
    call_command("load_demo_appointments", verbosity=0)

    lak_si = CentreProfile.objects.get(centre__slug=LAK_SI)
    assert "step_free" in lak_si.facilities
    assert 13 < lak_si.latitude < 14
    days = {s.starts_at.date() for s in Slot.objects.filter(centre__slug=CHOTANA)}
    assert len(days) >= 10  # weekdays of three weeks, less public holidays (Songkran: 4)
    services = set(Slot.objects.values_list("service_slug", flat=True))
    assert services == {"apply-for-a-passport", "national-id-card"}
    before = Slot.objects.count()
    call_command("load_demo_appointments", verbosity=0)
    assert Slot.objects.count() == before
