"""The OpenID Connect provider's own records: each agency system's policy, what people agreed to
share with it, and each sign-in to it.

django-oauth-toolkit keeps the clients (``oauth2_provider.Application``), the authorization codes
and the tokens. What a government needs on top lives here:

* ``ClientPolicy`` — one per client, written by administrators: which agency owns the system, its
  name in English and Thai (shown on the consent screen), the scopes it may ask for (the national
  ID only with a recorded legal basis), the sector its pairwise subject identifiers are computed
  for, and the lowest level of assurance it accepts.
* ``ClientConsent`` — what a person agreed to share with a client, so they are asked once.
* ``ClientSignIn`` — one per authorization code: who signed in to which client, at which level
  and with which methods. The token endpoint has no browser session, so the ``acr``, ``amr`` and
  ``auth_time`` claims are read from here when the code is exchanged and on every refresh; it also
  recognises a replayed code after django-oauth-toolkit has deleted the grant.

The agency is named by its catalogue slug, not a foreign key, as in ``models.organisations``: data
flows identity → catalogue, so identity's tables must not depend on the catalogue's.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings

from onegate.core.languages import pick
from onegate.core.models import TimestampedModel, UUIDModel
from onegate.identity.constants import LevelOfAssurance


class OidcScope(models.TextChoices):
    """What a client may ask to know; each scope is a set of claims (``oidc.claims``)."""

    OPENID = "openid", _("Signing in (an identifier for you that is different for each agency)")
    PROFILE = "profile", _("Name as recorded in the population register")
    EMAIL = "email", _("Email address")
    NATIONAL_ID = "national_id", _("Thai national ID number")
    # issue 10: a relying party's system asking the verification API (client credentials only)
    CREDENTIALS_VERIFY = "credentials.verify", _("Checking entitlements (verification API)")


def default_scopes() -> list[str]:
    return [OidcScope.OPENID.value]


def code_checksum(code: str) -> str:
    """How a sign-in finds its authorization code without keeping the code itself."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


class ClientPolicy(TimestampedModel):
    """What one agency system may ask of OneGate, and how people see it."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="onegate_policy",
        verbose_name=_("client"),
    )
    agency_slug = models.SlugField(_("agency"), max_length=80, db_index=True)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_th = models.CharField(_("name in Thai"), max_length=120)
    allowed_scopes = models.JSONField(
        _("may ask for"),
        default=default_scopes,
        help_text=_("Scopes this system may ask for; a person is asked before any is shared."),
    )
    national_id_basis = models.TextField(
        _("legal basis for the national ID"),
        blank=True,
        help_text=_("Required when the system may ask for the national ID: the law or decision."),
    )
    sector_identifier = models.CharField(
        _("sector"),
        max_length=255,
        help_text=_(
            "Systems in the same sector see the same identifier for a person; different sectors "
            "see unrelated ones. Usually the agency's domain, e.g. rd.go.th."
        ),
    )
    minimum_level = models.CharField(
        _("lowest level of assurance"),
        max_length=12,
        choices=LevelOfAssurance.choices,
        default=LevelOfAssurance.LOW,
        help_text=_("People are stepped up to at least this level, whatever the system asks."),
    )
    privacy_notice_url = models.URLField(_("privacy notice"), blank=True)
    # A retired system is switched off, not deleted: its sign-ins and consents stay explained.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("client policy")
        verbose_name_plural = _("client policies")

    def __str__(self) -> str:
        return f"{self.name_en} ({self.agency_slug})"

    @property
    def name(self) -> str:
        """The name in the current language."""
        return pick({"en": self.name_en, "th": self.name_th})

    def clean(self) -> None:
        known = set(OidcScope.values)
        scopes = self.allowed_scopes if isinstance(self.allowed_scopes, list) else []
        if not scopes or not set(scopes) <= known or OidcScope.OPENID not in scopes:
            raise ValidationError(
                {"allowed_scopes": _("Choose the scopes from the list; openid is always needed.")}
            )
        if OidcScope.NATIONAL_ID in scopes and not self.national_id_basis.strip():
            raise ValidationError(
                {"national_id_basis": _("Say which law or decision allows this system the ID.")}
            )


class ClientConsent(TimestampedModel):
    """The scopes a person agreed to share with a client (asked again only for new ones)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_consents",
        verbose_name=_("account"),
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("client"),
    )
    scopes = models.JSONField(_("agreed to share"), default=list)

    class Meta:
        verbose_name = _("consent to share")
        verbose_name_plural = _("consents to share")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"], name="identity_oidc_consent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.application_id}: {' '.join(self.scopes)}"

    def covers(self, scopes: list[str]) -> bool:
        return set(scopes) <= set(self.scopes)


class ClientSignIn(UUIDModel):
    """One sign-in to a client: the authorization code, then the tokens issued for it."""

    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("client"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_sign_ins",
        verbose_name=_("account"),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    level = models.CharField(
        _("level of assurance"), max_length=12, choices=LevelOfAssurance.choices
    )
    # RFC 8176 authentication method references, e.g. ["pwd", "otp", "mfa"].
    methods = models.JSONField(_("sign-in methods"), default=list)
    authenticated_at = models.DateTimeField(_("signed in to OneGate at"))
    code_checksum = models.CharField(_("code checksum"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("code issued at"), auto_now_add=True)
    redeemed_at = models.DateTimeField(_("code exchanged at"), null=True, blank=True)
    # django-oauth-toolkit's refresh-token family: every refresh of this sign-in shares it.
    token_family = models.UUIDField(_("token family"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("sign-in to a client")
        verbose_name_plural = _("sign-ins to clients")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.application_id} ({self.level})"
