"""The credentials module's states, event kinds and limits, each with a translated label."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntitlementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


# A revoked or expired entitlement never comes back.
FINAL_ENTITLEMENT_STATES = frozenset({EntitlementStatus.REVOKED, EntitlementStatus.EXPIRED})


class CredentialStatus(models.TextChoices):
    """A credential's own state; its Token Status List value is ``STATUS_LIST_VALUE[status]``."""

    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


# draft-ietf-oauth-status-list §7.1: 0x00 VALID, 0x01 INVALID, 0x02 SUSPENDED.
STATUS_LIST_VALUE = {
    CredentialStatus.VALID: 0,
    CredentialStatus.REVOKED: 1,
    CredentialStatus.SUSPENDED: 2,
}
STATUS_LIST_BITS = 2
# 2^17 entries of 2 bits: 32 KiB raw, a few hundred bytes compressed while mostly zero; indexes
# are drawn at random so a list does not reveal issuance order ("herd privacy").
STATUS_LIST_SIZE = 131_072
# Draw a new list when this share of the current one is taken (random draws stay cheap).
STATUS_LIST_FILL_LIMIT = 0.5


class LinkScheme(models.TextChoices):
    """What an entitlement is attached to (the definition's ``issues.linked_to``)."""

    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National ID")
    PERSON = "person", _("Person (registry)")


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Granted")
    CREDENTIAL_ISSUED = "credential_issued", _("Digital credential issued")
    SUSPENDED = "suspended", _("Suspended")
    REINSTATED = "reinstated", _("Reinstated")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    LOST_REPORTED = "lost_reported", _("Reported lost")


class CheckChannel(models.TextChoices):
    API = "api", _("Verification API")
    GATE = "gate", _("Border gate")


class CheckResult(models.TextChoices):
    VALID = "valid", _("Valid")
    NOT_VALID = "not_valid", _("Not valid")


# What a relying party may be told beyond "valid or not, and until when".
class Disclosure(models.TextChoices):
    VALID_UNTIL = "valid_until", _("Until when it is valid")
    STATUS = "status", _("Why it is not valid (suspended, revoked, expired)")
    CONDITIONS = "conditions", _("Conditions")
    HOLDER_NAME = "holder_name", _("Holder's name")


DEFAULT_DISCLOSURES = frozenset({Disclosure.VALID_UNTIL})

# The OAuth 2.0 scope a relying party's access token needs for the verification API.
VERIFY_SCOPE = "credentials.verify"
MAX_REASON_LENGTH = 1000
