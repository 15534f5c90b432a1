"""Registering a relying party: the OAuth client, its OneGate policy and what it may ask.

A relying party (a border gate's system, a clinic's, an employer's) is three rows made together:
django-oauth-toolkit's ``Application`` (confidential, grant ``client-credentials``), identity's
``ClientPolicy`` (owning agency, names, the scopes it may ask for — ``credentials.verify``), and
the ``RelyingParty`` (the entitlement types it may ask about, the purposes it may state, what it
may be told, its rate limit). The client secret is returned once and only its hash is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from onegate.audit.constants import CredentialAction
from onegate.audit.services import audit_record
from onegate.credentials.constants import DEFAULT_DISCLOSURES, VERIFY_SCOPE, Disclosure
from onegate.credentials.models import RelyingParty
from onegate.identity.models.oidc import ClientPolicy, OidcScope


def relying_party_register(
    *,
    actor: Any,
    name_en: str,
    name_th: str,
    organisation: str,
    agency_slug: str,
    entitlement_types: Iterable[str],
    purposes: Iterable[str],
    disclosures: Iterable[str] = DEFAULT_DISCLOSURES,
    checks_per_minute: int = 600,
) -> tuple[RelyingParty, str, str]:
    """Register a relying party; returns it with its client id and its secret (shown once)."""
    types, reasons = sorted(set(entitlement_types)), sorted(set(purposes))
    told = sorted(set(disclosures))
    if not types or not reasons:
        raise ValidationError(_("Name at least one entitlement type and one purpose."))
    if not set(told) <= set(Disclosure.values):
        raise ValidationError(_("Choose what the relying party may be told from the list."))
    secret = generate_client_secret()
    with transaction.atomic():
        application = get_application_model().objects.create(
            name=name_en,
            client_type="confidential",
            authorization_grant_type="client-credentials",
            client_secret=secret,
            redirect_uris="",
        )
        ClientPolicy.objects.create(
            application=application,
            agency_slug=agency_slug,
            name_en=name_en,
            name_th=name_th,
            # openid only because every policy carries it; this client never signs people in.
            allowed_scopes=[OidcScope.OPENID.value, VERIFY_SCOPE],
            sector_identifier=f"relying-party.{agency_slug}",
        )
        party = RelyingParty.objects.create(
            application=application,
            name_en=name_en,
            name_th=name_th,
            organisation=organisation,
            entitlement_types=types,
            purposes=reasons,
            disclosures=told,
            checks_per_minute=checks_per_minute,
        )
        audit_record(
            actor=actor,
            action=CredentialAction.RELYING_PARTY_REGISTERED,
            subject_type="credentials.relying_party",
            subject_id=party.pk,
            purpose="relying party registration",
            payload={
                "client_id": application.client_id,
                "organisation": organisation,
                "entitlement_types": types,
                "purposes": reasons,
                "disclosures": told,
                "checks_per_minute": checks_per_minute,
            },
        )
    return party, application.client_id, secret
