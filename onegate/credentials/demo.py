"""The demo's relying parties: three organisations' systems that ask the verification API.

=====================  ==============  ==================  ================  ===================
system                 agency          may ask about       stating           and is told
=====================  ==============  ==================  ================  ===================
border gate            immigration     travel-authority    border_entry      valid until, status
children's clinic      health          child-health-card   treatment         valid until
coach company          land-transport  driving-licence     employment_check  valid until
=====================  ==============  ==================  ================  ===================

Each is registered by its agency's administrator through ``relying_party_register``, as in
production; only the client id is fixed and the secret derived from the demo's own
``SECRET_KEY`` (``var/secret_key``), so ``make run`` can print them and a second load adds
nothing. Production secrets are random and shown once.

The entitlements themselves need no demo data: the 36 approved ETA visitors
(``cases.demo``) get theirs from the worker as for anyone, and a demo person who applies gets
theirs the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.crypto import salted_hmac
from oauth2_provider.models import get_application_model

from onegate.credentials.constants import Disclosure
from onegate.credentials.services_relying_parties import relying_party_register
from onegate.identity.models import User

__all__ = [
    "DEMO_RELYING_PARTIES",
    "DemoRelyingParty",
    "demo_client_secret",
    "load_demo_credentials",
]

SALT = "onegate.credentials.demo"
DOMAIN = "demo.onegate.test"


@dataclass(frozen=True)
class DemoRelyingParty:
    client_id: str
    name_en: str
    name_th: str
    organisation: str
    agency_slug: str
    entitlement_type: str
    purpose: str
    disclosures: tuple[str, ...]

    @property
    def administrator(self) -> str:
        return f"admin.{self.agency_slug.replace('land-transport', 'transport')}@{DOMAIN}"


DEMO_RELYING_PARTIES = (
    DemoRelyingParty(
        "demo-border-gate",
        "Border gate system, Suvarnabhumi Airport (demo)",
        "ระบบช่องตรวจอัตโนมัติ ท่าอากาศยานสุวรรณภูมิ (ระบบสาธิต)",
        "Immigration Bureau",
        "immigration",
        "travel-authority",
        "border_entry",
        (Disclosure.VALID_UNTIL, Disclosure.STATUS),
    ),
    DemoRelyingParty(
        "demo-childrens-clinic",
        "Chiang Mai Children's Clinic (demo)",
        "คลินิกเด็กเชียงใหม่ (ระบบสาธิต)",
        "Chiang Mai Children's Clinic",
        "health",
        "child-health-card",
        "treatment",
        (Disclosure.VALID_UNTIL,),
    ),
    DemoRelyingParty(
        "demo-coach-company",
        "Siam Coach Lines driver checks (demo)",
        "ระบบตรวจสอบใบขับขี่ สยามโค้ชไลน์ (ระบบสาธิต)",
        "Siam Coach Lines Co., Ltd.",
        "land-transport",
        "driving-licence",
        "employment_check",
        (Disclosure.VALID_UNTIL,),
    ),
)


def demo_client_secret(client_id: str) -> str:
    """A demo relying party's client secret: derived from this installation's SECRET_KEY."""
    return salted_hmac(SALT, f"client secret {client_id}", algorithm="sha256").hexdigest()


def _register(demo: DemoRelyingParty) -> bool:
    Application = get_application_model()
    if Application.objects.filter(client_id=demo.client_id).exists():
        return False
    with transaction.atomic():
        party, _client_id, _secret = relying_party_register(
            actor=User.objects.get(email=demo.administrator),
            name_en=demo.name_en,
            name_th=demo.name_th,
            organisation=demo.organisation,
            agency_slug=demo.agency_slug,
            entitlement_types=[demo.entitlement_type],
            purposes=[demo.purpose],
            disclosures=[str(d) for d in demo.disclosures],
        )
        application = party.application
        application.client_id = demo.client_id
        application.client_secret = demo_client_secret(demo.client_id)  # hashed on save
        application.save(update_fields=["client_id", "client_secret"])
    return True


def load_demo_credentials() -> int:
    """Register the demo relying parties that are missing; how many were registered now."""
    return sum(_register(demo) for demo in DEMO_RELYING_PARTIES)


def demo_banner_lines(base: str) -> list[str]:
    """What ``make run`` prints about the verification demo: pages, and each API client."""
    lines = [
        "Entitlements and verification:",
        f"  Border gate (sign in as border.officer@{DOMAIN})  {base}/gate/",
        f"  Verifier for clinics (no sign-in)                 {base}/verify/",
        f"  Issuer keys                                       {base}/.well-known/jwt-vc-issuer",
        f"  Verification API clients (token: POST {base}/o/token/, client credentials,"
        " scope credentials.verify):",
    ]
    for demo in DEMO_RELYING_PARTIES:
        lines.append(
            f"    {demo.client_id}  {demo_client_secret(demo.client_id)}\n"
            f"        {demo.entitlement_type}, purpose {demo.purpose}"
        )
    return lines
