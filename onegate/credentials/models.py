"""Entitlements, what they are linked to, their history, credentials, keys and status lists.

An ``Entitlement`` is what an approved case grants (one per case), held by a registry person and
attached through ``EntitlementLink`` rows to the documents a gate or a clinic checks (a passport
number with its issuing state, a national ID number, the person). A ``Credential`` is one signed
SD-JWT VC for an entitlement; its revocation and suspension travel in a ``StatusList``.
``IssuerKey`` rows are the Ed25519 keys credentials and status lists are signed with; retired
keys stay published until the last credential they signed expires. ``RelyingParty`` is an OAuth
client registered to ask the verification API, with what it may be told; every answer is a
``VerificationCheck`` the holder sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onegate.core.models import UUIDModel
from onegate.credentials.constants import (
    CheckChannel,
    CheckResult,
    CredentialStatus,
    EntitlementStatus,
    EventKind,
    LinkScheme,
)


class Entitlement(UUIDModel):
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    entitlement_type = models.SlugField(_("type"), max_length=80)
    title = models.JSONField(_("title"), default=dict)  # {"en": …, "th": …}
    holder = models.ForeignKey(
        "registries.Person", on_delete=models.PROTECT, related_name="entitlements"
    )
    holder_names = models.JSONField(_("holder's names"), default=dict)  # {"en": …, "th": …}
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="entitlement")
    service_slug = models.SlugField(_("service"), max_length=80)
    agency_slug = models.SlugField(_("agency"), max_length=80)
    definition_version = models.PositiveIntegerField(_("definition version"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    conditions = models.JSONField(_("conditions"), default=list)  # [{"en": …, "th": …}]
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EntitlementStatus.choices,
        default=EntitlementStatus.ACTIVE,
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    status_reason = models.TextField(_("reason for the status"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        indexes = [
            models.Index(fields=["holder", "-issued_at"], name="cred_ent_holder"),
            models.Index(fields=["agency_slug", "status"], name="cred_ent_agency"),
            models.Index(fields=["status", "valid_until"], name="cred_ent_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.entitlement_type} ({self.status})"


class EntitlementLink(models.Model):
    """One document the entitlement is attached to; ``value`` is stored normalised.

    Passport numbers: upper case, no spaces or fillers; national IDs: 13 digits; person: the
    registry person's id. ``issuing_state`` is the ICAO code for a passport, "THA" for a national
    ID, empty for a person. The copies of type and validity let a check be one index lookup.
    """

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="links")
    scheme = models.CharField(_("scheme"), max_length=16, choices=LinkScheme.choices)
    issuing_state = models.CharField(_("issuing state"), max_length=3, blank=True)
    value = models.CharField(_("value"), max_length=64)
    entitlement_type = models.SlugField(_("type"), max_length=80)

    class Meta:
        verbose_name = _("entitlement link")
        verbose_name_plural = _("entitlement links")
        indexes = [
            models.Index(
                fields=["scheme", "value", "issuing_state", "entitlement_type"],
                name="cred_link_lookup",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["entitlement", "scheme", "issuing_state", "value"], name="cred_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.issuing_state}:{self.value}"


class EntitlementEvent(models.Model):
    """The entitlement's history, append-only; the holder sees every line."""

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # "system", the holder, or the officer's agency: shown to the holder instead of a name.
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("entitlement event")
        verbose_name_plural = _("entitlement events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["entitlement", "at"], name="cred_event_ent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class IssuerKey(models.Model):
    """An Ed25519 signing key. One is active; retired ones are published until ``keep_until``.

    ``private_jwk`` is secret: never logged, never shown, never in the admin.
    """

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    private_jwk = models.JSONField(_("private key (JWK)"))
    created_at = models.DateTimeField(_("created at"))
    is_active = models.BooleanField(_("signs new credentials"), default=False)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    # The latest expiry among what it signed: published until then, for offline verifiers.
    keep_until = models.DateTimeField(_("published until"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="cred_one_active_key",
            )
        ]

    def __str__(self) -> str:
        return self.kid


class StatusList(models.Model):
    """One IETF Token Status List: ``data`` is the raw (uncompressed) bit array.

    ``version`` goes up with every change; ``token`` is the signed list for ``token_version``
    (re-signed lazily when someone fetches a newer version, or when it nears expiry).
    """

    bits = models.PositiveSmallIntegerField(default=2)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    allocated = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    token = models.TextField(blank=True)
    token_version = models.PositiveIntegerField(default=0)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    is_open = models.BooleanField(default=True)  # new indexes are drawn from open lists only

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self) -> str:
        return f"status list {self.pk} v{self.version}"


class Credential(UUIDModel):
    """One signed SD-JWT VC for an entitlement (a reissue after a loss makes another)."""

    entitlement = models.ForeignKey(
        Entitlement, on_delete=models.CASCADE, related_name="credentials"
    )
    vct = models.CharField(_("credential type"), max_length=300)
    kid = models.CharField(_("key id"), max_length=64)
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"))
    # The issuance serialisation: the issuer-signed JWT with every disclosure ("~"-separated).
    token = models.TextField()
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CredentialStatus.choices,
        default=CredentialStatus.VALID,
    )
    status_reason = models.CharField(_("reason"), max_length=40, blank=True)  # e.g. "lost"

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="cred_status_index_once"
            )
        ]
        indexes = [models.Index(fields=["entitlement", "-issued_at"], name="cred_cred_ent")]

    def __str__(self) -> str:
        return f"{self.entitlement_id} {self.issued_at:%Y-%m-%d} ({self.status})"


class RelyingParty(models.Model):
    """An organisation's system allowed to ask the verification API (an OAuth 2.0 client).

    It authenticates with client credentials (``application``, grant ``client-credentials``,
    scope ``credentials.verify``); it may ask only about ``entitlement_types``, must state one of
    ``purposes``, and is told only ``disclosures`` beyond "valid or not".
    """

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="relying_party",
    )
    name_en = models.CharField(_("name in English"), max_length=120)
    name_th = models.CharField(_("name in Thai"), max_length=120)
    organisation = models.CharField(_("organisation"), max_length=200)
    entitlement_types = models.JSONField(_("entitlement types it may check"), default=list)
    purposes = models.JSONField(_("purposes it may state"), default=list)  # ["border_entry", …]
    disclosures = models.JSONField(_("what it may be told"), default=list)
    checks_per_minute = models.PositiveIntegerField(_("checks per minute"), default=600)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("relying party")
        verbose_name_plural = _("relying parties")

    def __str__(self) -> str:
        return self.name_en


class VerificationCheck(UUIDModel):
    """One question asked about a document, by whom, why, and the answer (append-only).

    ``document_digest`` is a keyed hash of the normalised document (never the number itself),
    so repeated checks of one document can be counted without storing it.
    """

    checked_at = models.DateTimeField(_("checked at"))
    entitlement = models.ForeignKey(
        Entitlement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checks",
    )
    relying_party = models.ForeignKey(
        RelyingParty, on_delete=models.SET_NULL, null=True, blank=True, related_name="checks"
    )
    checked_by = models.CharField(_("checked by"), max_length=200)  # shown to the holder
    organisation = models.CharField(_("organisation"), max_length=200)
    channel = models.CharField(_("channel"), max_length=8, choices=CheckChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    entitlement_type = models.SlugField(_("type asked about"), max_length=80)
    on_date = models.DateField(_("valid on"))
    document_scheme = models.CharField(max_length=16, choices=LinkScheme.choices)
    document_digest = models.CharField(max_length=64)
    result = models.CharField(_("answer"), max_length=10, choices=CheckResult.choices)

    class Meta:
        verbose_name = _("verification check")
        verbose_name_plural = _("verification checks")
        indexes = [
            models.Index(fields=["entitlement", "-checked_at"], name="cred_check_ent"),
            models.Index(fields=["relying_party", "-checked_at"], name="cred_check_rp"),
        ]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {self.organisation} {self.result}"


class RateCounter(models.Model):
    """How many requests one client made in one rate-limit window (``ratelimit.py``).

    ``name`` is the client's key, the window's length and its number; ``ends_at`` (Unix seconds)
    is when the window closes, after which the row is deleted. Counters, not records: on
    PostgreSQL the table is UNLOGGED (no WAL, emptied after a crash, which only restarts the
    windows).
    """

    name = models.CharField(primary_key=True, max_length=160)
    hits = models.PositiveIntegerField(default=0)
    ends_at = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")

    def __str__(self) -> str:
        return f"{self.name}: {self.hits}"
