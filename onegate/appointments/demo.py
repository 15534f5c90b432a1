"""Demo appointments: the demo centres' coordinates and facilities, and three weeks of slots.

Runs after identity's ``load_demo_staff`` (which makes the centres and their opening hours);
``manage.py load_demo_appointments``, called by ``demo_setup``. Idempotent.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from onegate.appointments.constants import Facility
from onegate.appointments.services import centre_profile_set, public_holidays_load, slots_generate
from onegate.audit.constants import AppointmentAction
from onegate.audit.services import audit_record
from onegate.identity.demo_staff import CHOTANA, LAK_SI, OLD_CITY
from onegate.identity.models.organisations import ServiceCentre

F = Facility
# slug -> (latitude, longitude, facilities): points on public maps of the real places.
DEMO_PROFILES = {
    LAK_SI: (
        13.8843,
        100.5656,
        [F.STEP_FREE, F.WHEELCHAIR, F.ACCESSIBLE_TOILET, F.ACCESSIBLE_PARKING, F.HEARING_LOOP,
         F.SIGN_LANGUAGE, F.BABY_CHANGING],
    ),
    CHOTANA: (18.8150, 98.9848, [F.STEP_FREE, F.ACCESSIBLE_TOILET, F.ACCESSIBLE_PARKING]),
    OLD_CITY: (18.7883, 98.9873, [F.ACCESSIBLE_TOILET]),
}  # fmt: skip


def load_demo_appointments() -> int:
    """Give the demo centres a place and facilities and make their slots; returns slots made."""
    centres = {c.slug: c for c in ServiceCentre.objects.filter(slug__in=DEMO_PROFILES)}
    missing = sorted(set(DEMO_PROFILES) - set(centres))
    if missing:
        raise ImproperlyConfigured(
            f"load the demo staff first (load_demo_staff); missing {missing}"
        )
    with transaction.atomic():
        public_holidays_load()
        for slug, (latitude, longitude, facilities) in DEMO_PROFILES.items():
            centre_profile_set(
                actor=None,
                centre=centres[slug],
                latitude=latitude,
                longitude=longitude,
                facilities=[str(f) for f in facilities],
            )
        made = slots_generate()
        audit_record(
            actor=None,
            action=AppointmentAction.DEMO_LOADED,
            subject_type="appointments.demo",
            subject_id="demo",
            purpose="Demo centres' locations, facilities and slots",
            payload={"centres": sorted(DEMO_PROFILES), "slots_made": made},
        )
    return made
