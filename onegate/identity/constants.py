"""Identity's vocabulary: levels of assurance, proofing methods, staff roles, delegation states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LevelOfAssurance(models.TextChoices):
    """How sure a service must be of who a person is (eIDAS levels; docs/identity.md maps them to
    NIST SP 800-63-4 IAL/AAL). Ordered: each level includes the ones before it."""

    # An account is enough: the person has not proved who they are.
    LOW = "low", _("Low")
    # Identity checked remotely against an authoritative document or registry record, and a
    # second factor used in this session.
    SUBSTANTIAL = "substantial", _("Substantial")
    # Identity checked in person, and a passkey (phishing-resistant) used in this session.
    HIGH = "high", _("High")


LEVEL_ORDER = [LevelOfAssurance.LOW, LevelOfAssurance.SUBSTANTIAL, LevelOfAssurance.HIGH]


def level_at_least(level: str, needed: str) -> bool:
    """Whether ``level`` satisfies a service that needs ``needed``."""
    return LEVEL_ORDER.index(LevelOfAssurance(level)) >= LEVEL_ORDER.index(LevelOfAssurance(needed))


class ProofingMethod(models.TextChoices):
    """How a person proved who they are (plug-ins in ``proofing``)."""

    NATIONAL_ID_CARD = "national_id_card", _("Thai ID card details checked against the registry")
    PASSPORT = "passport", _("Passport details checked against the registry")
    IN_PERSON = "in_person", _("Checked in person at a service centre")


class StaffRole(models.TextChoices):
    """What a member of staff may do, within one agency (or one service centre)."""

    CASE_WORKER = "case_worker", _("Case worker")  # works cases in the agency's queues
    TEAM_LEAD = "team_lead", _("Team lead")  # assigns and oversees a team's cases
    SERVICE_OWNER = "service_owner", _("Service owner")  # writes and publishes service definitions
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")  # grants and removes staff roles
    CENTRE_OFFICER = "centre_officer", _("Service-centre officer")  # assisted digital, in person
    REGISTRY_OFFICER = "registry_officer", _("Registry officer")  # searches and views registers
    BORDER_OFFICER = "border_officer", _("Border officer")  # checks entitlements at the border
    AUDITOR = "auditor", _("Auditor")  # reads audit and access logs


class DelegationStatus(models.TextChoices):
    """A delegation from one person to another."""

    OFFERED = "offered", _("Waiting for the delegate to accept")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")  # by either side
    EXPIRED = "expired", _("Expired")  # its end date passed
