"""Demo staff: an administrator for every demo agency, case workers and team leads, officers at the
counter, the registry and the border, a service owner and an auditor; and three service centres.

``load_demo_staff()`` makes what is missing and returns README's lines. Every staff account
signs in with the same published password and authenticator-app secret (``DEMO_STAFF_PASSWORD``,
``DEMO_STAFF_TOTP_SECRET``), because staff must use a second factor and a demonstrator should not
need a table of secrets. Roles are granted through ``staff_role_grant`` as the platform, so each
grant is audited like any other; loading again grants only what is missing and resets nothing.

The centres are run by the ``service-centres`` agency: Lak Si in Bangkok and Chotana Road in
Chiang Mai are open; the Chiang Mai Old City centre has moved to Chotana Road, to show how
someone who looks for it is told where it went. Opening hours close on Thailand's fixed-date
public holidays in the coming year (holidays that follow the lunar calendar move every year and
are left to the centres to enter).

The agencies come from the demo catalogue, which must be loaded first (``load_catalogue``).
Demo only: the password and the secret are published in README.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from onegate.audit.constants import IdentityAction
from onegate.audit.services import audit_record
from onegate.catalogue.selectors import catalogue_current
from onegate.identity.constants import StaffRole
from onegate.identity.models import ServiceCentre, StaffMembership, Team, User
from onegate.identity.services.organisations import staff_role_grant, team_create
from onegate.identity.services.service_centres import (
    ExceptionDay,
    HoursPeriod,
    service_centre_hours_set,
    service_centre_move,
    service_centre_save,
)
from onegate.registries.addresses import AddressInput

DEMO_STAFF_PASSWORD = "demo-staff-onegate"  # noqa: S105 (a published demo password)
DEMO_STAFF_TOTP_SECRET = "J5XGKR3BORSSAZDFNVXSA43UMFTGMIJB"  # noqa: S105 (published demo secret)
DOMAIN = "demo.onegate.test"
CENTRES_AGENCY = "service-centres"
# The same Lak Si centre the demo citizens' in-person proofing uses (``demo_citizens``).
LAK_SI, CHOTANA, OLD_CITY = "lak-si-government-complex", "chiang-mai-chotana", "chiang-mai-old-city"


@dataclass(frozen=True)
class DemoStaff:
    """A line of README's table of demo staff accounts."""

    email: str
    name: str
    role: StaffRole
    agency_slug: str
    team: str = ""  # the team's English name, in the agency
    centre: str = ""  # the centre's slug

    @property
    def password(self) -> str:
        return DEMO_STAFF_PASSWORD

    @property
    def totp_secret(self) -> str:
        return DEMO_STAFF_TOTP_SECRET


def _staff(local: str, name: str, role: StaffRole, agency: str, **where: str) -> DemoStaff:
    return DemoStaff(f"{local}@{DOMAIN}", name, role, agency, **where)


R = StaffRole
TEAMS = {
    "immigration": ("Visas and extensions", "วีซ่าและการขยายเวลาพำนัก"),
    "health": ("Health cards and records", "บัตรสุขภาพและประวัติสุขภาพ"),
    "land-transport": ("Driving licences", "ใบอนุญาตขับรถ"),
    "civil-registration": ("ID cards and registrations", "บัตรประจำตัวประชาชนและการทะเบียน"),
}
STAFF = (
    _staff("admin.immigration", "Pranee Wongsa", R.AGENCY_ADMIN, "immigration"),
    _staff("caseworker.immigration", "Anan Srisai", R.CASE_WORKER, "immigration",
           team=TEAMS["immigration"][0]),
    _staff("teamlead.immigration", "Kanya Thongdee", R.TEAM_LEAD, "immigration",
           team=TEAMS["immigration"][0]),
    _staff("border.officer", "Somchai Phromma", R.BORDER_OFFICER, "immigration"),
    _staff("service.owner", "Nattaya Kaewmanee", R.SERVICE_OWNER, "immigration"),
    _staff("admin.health", "Wanida Chaiyo", R.AGENCY_ADMIN, "health"),
    _staff("caseworker.health", "Preecha Boonmee", R.CASE_WORKER, "health",
           team=TEAMS["health"][0]),
    _staff("teamlead.health", "Sirirat Inthara", R.TEAM_LEAD, "health", team=TEAMS["health"][0]),
    _staff("admin.transport", "Thawatchai Rattana", R.AGENCY_ADMIN, "land-transport"),
    _staff("caseworker.transport", "Jintana Saelim", R.CASE_WORKER, "land-transport",
           team=TEAMS["land-transport"][0]),
    _staff("teamlead.transport", "Boonsong Kittisak", R.TEAM_LEAD, "land-transport",
           team=TEAMS["land-transport"][0]),
    _staff("admin.civil-registration", "Orathai Sukjai", R.AGENCY_ADMIN, "civil-registration"),
    # Registrars: a first card for an adult is referred to them (national-id-card.yaml).
    _staff("caseworker.civil", "Sompong Chaidee", R.CASE_WORKER, "civil-registration",
           team=TEAMS["civil-registration"][0]),
    _staff("teamlead.civil", "Yupin Srisawat", R.TEAM_LEAD, "civil-registration",
           team=TEAMS["civil-registration"][0]),
    # Service owners of the other demo services' agencies (issue 7: each edits its own).
    _staff("service.owner.health", "Pimchanok Rungruang", R.SERVICE_OWNER, "health"),
    _staff("service.owner.transport", "Surasak Maneewong", R.SERVICE_OWNER, "land-transport"),
    _staff("service.owner.civil", "Naree Phongphan", R.SERVICE_OWNER, "civil-registration"),
    _staff("registry.officer", "Chaiwat Yodsuk", R.REGISTRY_OFFICER, "civil-registration"),
    _staff("auditor", "Ratana Meesuk", R.AUDITOR, "civil-registration"),
    _staff("admin.consular", "Supaporn Nilsuwan", R.AGENCY_ADMIN, "consular-affairs"),
    _staff("admin.education", "Kittipong Saetang", R.AGENCY_ADMIN, "education"),
    _staff("admin.centres", "Malai Chantra", R.AGENCY_ADMIN, CENTRES_AGENCY),
    _staff("centre.officer", "Duangjai Panya", R.CENTRE_OFFICER, CENTRES_AGENCY, centre=LAK_SI),
)  # fmt: skip


@dataclass(frozen=True)
class DemoCentre:
    slug: str
    name_en: str
    name_th: str
    address: AddressInput
    services: tuple[str, ...]
    weekly: tuple[HoursPeriod, ...]


def _weekdays(*parts: tuple[dt.time, dt.time]) -> tuple[HoursPeriod, ...]:
    """The same opening periods Monday to Friday."""
    return tuple(HoursPeriod(day, *part) for day in range(5) for part in parts)


FULL_DAY = (dt.time(8, 30), dt.time(16, 30))
MORNING, AFTERNOON = (dt.time(8, 30), dt.time(12)), (dt.time(13), dt.time(16, 30))
COUNTER_SERVICES = (
    "apply-for-a-passport", "book-service-centre-appointment", "national-id-card",
    "renew-driving-licence", "tell-us-you-have-moved",
)  # fmt: skip
CENTRES = (
    DemoCentre(
        LAK_SI,
        "Lak Si Government Complex service centre",
        "ศูนย์บริการศูนย์ราชการหลักสี่",
        AddressInput(
            house_number="120", moo="3", road="Chaeng Watthana", sub_district_code="104101"
        ),
        COUNTER_SERVICES,
        (*_weekdays(FULL_DAY), HoursPeriod(5, dt.time(9), dt.time(12))),  # and Saturday mornings
    ),
    DemoCentre(
        CHOTANA,
        "Chiang Mai service centre, Chotana Road",
        "ศูนย์บริการเชียงใหม่ ถนนโชตนา",
        AddressInput(house_number="1", road="โชตนา", sub_district_code="500107", postcode="50300"),
        COUNTER_SERVICES,
        _weekdays(MORNING, AFTERNOON),
    ),
    DemoCentre(
        OLD_CITY,
        "Chiang Mai Old City service centre",
        "ศูนย์บริการเชียงใหม่ คูเมือง",
        AddressInput(
            house_number="9", road="ราชดำเนิน", sub_district_code="500101", postcode="50200"
        ),
        ("national-id-card",),
        _weekdays(MORNING, AFTERNOON),
    ),
)

# Thailand's public holidays on fixed dates: (month, day, English, Thai).
FIXED_HOLIDAYS = (
    (1, 1, "New Year's Day", "วันขึ้นปีใหม่"),
    (4, 6, "Chakri Memorial Day", "วันจักรี"),
    (4, 13, "Songkran", "วันสงกรานต์"),
    (4, 14, "Songkran", "วันสงกรานต์"),
    (4, 15, "Songkran", "วันสงกรานต์"),
    (5, 4, "Coronation Day", "วันฉัตรมงคล"),
    (6, 3, "Queen Suthida's Birthday", "วันเฉลิมพระชนมพรรษาสมเด็จพระราชินี"),
    (7, 28, "King Vajiralongkorn's Birthday", "วันเฉลิมพระชนมพรรษาพระบาทสมเด็จพระเจ้าอยู่หัว"),
    (8, 12, "Mother's Day", "วันแม่แห่งชาติ"),
    (10, 13, "King Bhumibol Memorial Day", "วันนวมินทรมหาราช"),
    (10, 23, "King Chulalongkorn Day", "วันปิยมหาราช"),
    (12, 5, "Father's Day", "วันพ่อแห่งชาติ"),
    (12, 10, "Constitution Day", "วันรัฐธรรมนูญ"),
    (12, 31, "New Year's Eve", "วันสิ้นปี"),
)


def holidays_from(today: dt.date) -> list[ExceptionDay]:
    """The fixed-date public holidays in the year from ``today``, as days the centres close."""
    days = []
    for year in (today.year, today.year + 1):
        for month, day, english, thai in FIXED_HOLIDAYS:
            date = dt.date(year, month, day)
            if today <= date < today + dt.timedelta(days=365):
                days.append(ExceptionDay(date=date, reason_en=english, reason_th=thai))
    return sorted(days, key=lambda holiday: holiday.date)


def load_demo_staff() -> tuple[DemoStaff, ...]:
    """Create what is missing of the demo staff, teams and centres; README's lines."""
    known = catalogue_current().agencies
    missing = sorted({member.agency_slug for member in STAFF} - set(known))
    if missing:
        raise ImproperlyConfigured(
            f"load the demo catalogue first (manage.py load_catalogue); missing: {missing}"
        )
    with transaction.atomic():
        centres = _centres()
        teams = _teams()
        granted = [member.email for member in STAFF if _member(member, teams, centres)]
        audit_record(
            actor=None,
            action=IdentityAction.DEMO_STAFF_LOADED,
            subject_type="identity.demo_staff",
            subject_id="demo",
            purpose="Demo staff accounts and service centres for demonstrations",
            payload={"roles_granted": granted, "centres": sorted(centres)},
        )
    return STAFF


def _centres() -> dict[str, ServiceCentre]:
    found = {centre.slug: centre for centre in ServiceCentre.objects.all()}
    holidays = holidays_from(timezone.localdate())
    for demo in CENTRES:
        centre = found.get(demo.slug)
        if centre is None:
            centre = service_centre_save(
                actor=None, slug=demo.slug, agency_slug=CENTRES_AGENCY, name_en=demo.name_en,
                name_th=demo.name_th, address=demo.address, service_slugs=_offered(demo),
            )  # fmt: skip
        if not centre.hours.exists():
            centre = service_centre_hours_set(
                actor=None, centre=centre, weekly=demo.weekly, exceptions=holidays
            )
        found[demo.slug] = centre
    if found[OLD_CITY].is_active:
        found[OLD_CITY] = service_centre_move(actor=None, centre=found[OLD_CITY], to=found[CHOTANA])
    return {demo.slug: found[demo.slug] for demo in CENTRES}


def _offered(demo: DemoCentre) -> list[str]:
    """The centre's services that the catalogue has (a trimmed catalogue may lack some)."""
    catalogue = catalogue_current()
    return [slug for slug in demo.services if catalogue.service(slug) is not None]


def _teams() -> dict[tuple[str, str], Team]:
    teams = {}
    for agency, (name_en, name_th) in TEAMS.items():
        team = Team.objects.filter(agency_slug=agency, name_en=name_en).first()
        if team is None:
            team = team_create(actor=None, agency_slug=agency, name_en=name_en, name_th=name_th)
        teams[(agency, name_en)] = team
    return teams


def _member(
    member: DemoStaff, teams: dict[tuple[str, str], Team], centres: dict[str, ServiceCentre]
) -> bool:
    """Make the account if missing and grant its role if it has none; True if granted now."""
    user = _account(member)
    centre = centres[member.centre] if member.centre else None
    current = StaffMembership.objects.filter(
        user=user, role=member.role, agency_slug=member.agency_slug, ended_at__isnull=True
    )
    if current.exists():
        return False
    staff_role_grant(
        actor=None,
        user=user,
        role=member.role,
        agency_slug=member.agency_slug,
        centre=centre,
        team=teams.get((member.agency_slug, member.team)),
    )
    return True


def _account(member: DemoStaff) -> User:
    user = User.objects.filter(email=member.email).first()
    if user is None:
        user = User.objects.create_user(member.email, DEMO_STAFF_PASSWORD, display_name=member.name)
    EmailAddress.objects.update_or_create(
        user=user, email=member.email, defaults={"verified": True, "primary": True}
    )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_STAFF_TOTP_SECRET)
    return user
