"""Writes of the OpenID Connect provider: sign-ins to clients, consent, refusals, clients.

What is audited, and what is not:

* a sign-in to a client (the authorization code issued) and the client collecting its tokens;
* consent given or refused;
* every refused request: a bad authorization or logout request (the person saw an error page or
  the client got an error), a refused token request, and a replayed code (whose tokens are
  revoked);
* a client registered or changed by an administrator.

Token refreshes are not audited: they happen every few minutes for every signed-in person and
say nothing new; the sign-in they continue is on record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.db.models import Field
from django.utils import timezone
from oauth2_provider.models import get_refresh_token_model

from onegate.audit.constants import IdentityAction
from onegate.audit.models import AuditEvent
from onegate.audit.services import audit_record
from onegate.identity.models.oidc import ClientConsent, ClientPolicy, ClientSignIn, code_checksum
from onegate.identity.permissions import StaffPermission, staff_can

CLIENT = "identity.oidc_client"
SIGN_IN_PURPOSE = "Signing in to an agency's system"
SECURITY_PURPOSE = "Refusing an unsafe or invalid sign-in request"


# Called inside the caller's transaction (the code's, or the token exchange's): no savepoint,
# so a failure here fails the whole of it, and a sign-in costs no extra round trips.
@transaction.atomic(savepoint=False)
def client_sign_in_record(
    *,
    user: Any,
    application: Any,
    code: str,
    scopes: list[str],
    level: str,
    methods: list[str],
    authenticated_at: dt.datetime,
) -> ClientSignIn:
    """Record that an authorization code was issued to a client for a signed-in person."""
    sign_in = ClientSignIn.objects.create(
        application=application,
        user=user,
        scopes=list(scopes),
        level=level,
        methods=list(methods),
        authenticated_at=authenticated_at,
        code_checksum=code_checksum(code),
    )
    audit_record(
        actor=user,
        action=IdentityAction.OIDC_SIGNED_IN,
        subject_type=CLIENT,
        subject_id=application.client_id,
        purpose=SIGN_IN_PURPOSE,
        payload={
            "sign_in": str(sign_in.pk),
            "scopes": sign_in.scopes,
            "acr": level,
            "amr": methods,
        },
    )
    return sign_in


@transaction.atomic(savepoint=False)
def client_sign_in_redeem(
    *, code: str, application: Any, token_family: uuid.UUID
) -> ClientSignIn | None:
    """The client exchanges the sign-in's code for tokens: mark it exchanged, once, and audit it.

    Returns the sign-in (who, at which level, how, since when), or None if the code has no
    sign-in or was exchanged already. Checking and marking are one statement
    (``UPDATE … WHERE redeemed_at IS NULL RETURNING``), so of two exchanges of the same code
    racing each other exactly one finds it: the database decides, not the order of reads. The
    caller holds the transaction in which the tokens are saved; if anything after this refuses
    the exchange (a wrong PKCE verifier or redirect URI), it rolls all of it back.
    """
    sign_in = _sign_in_mark_redeemed(code=code, application=application, family=token_family)
    if sign_in is None:
        return None
    sign_in.application = application  # already loaded
    audit_record(
        actor=None,
        action=IdentityAction.OIDC_TOKENS_ISSUED,
        subject_type=CLIENT,
        subject_id=application.client_id,
        purpose=SIGN_IN_PURPOSE,
        payload={"sign_in": str(sign_in.pk), "account": str(sign_in.user_id)},
    )
    return sign_in


def _sign_in_mark_redeemed(
    *, code: str, application: Any, family: uuid.UUID
) -> ClientSignIn | None:
    # The ORM has no UPDATE … RETURNING; a raw query through the model still converts each
    # column as the ORM would (JSON, dates, UUIDs). PostgreSQL and SQLite 3.35+ both have it.
    connection = connections[router.db_for_write(ClientSignIn)]
    meta = ClientSignIn._meta
    quote = connection.ops.quote_name

    def field(name: str) -> Field[Any, Any]:
        found = meta.get_field(name)
        if not isinstance(found, Field) or not found.column:
            raise TypeError(f"ClientSignIn.{name} is not a column")
        return found

    def column(name: str) -> str:
        return quote(str(field(name).column))

    def value(name: str, given: Any) -> Any:
        return field(name).get_db_prep_value(given, connection)

    # Only the model's own table and column names go into the text; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column('redeemed_at')} = %s, "  # noqa: S608
        f"{column('token_family')} = %s WHERE {column('code_checksum')} = %s "
        f"AND {column('application')} = %s AND {column('redeemed_at')} IS NULL RETURNING *"
    )
    params = [
        value("redeemed_at", timezone.now()),
        value("token_family", family),
        code_checksum(code),
        application.pk,
    ]
    found = list(ClientSignIn.objects.db_manager(connection.alias).raw(sql, params))
    return found[0] if found else None


@transaction.atomic
def client_code_replay_refuse(*, code: str, application: Any) -> bool:
    """A code presented again after it was exchanged: revoke what it was exchanged for.

    RFC 6749 §4.1.2: the first exchange may have been the attacker's. Returns whether the code
    had been exchanged before (an unknown or merely expired code is not a replay).
    """
    sign_in = (
        ClientSignIn.objects.select_for_update()
        .filter(code_checksum=code_checksum(code), application=application)
        .exclude(redeemed_at=None)
        .first()
    )
    if sign_in is None:
        return False
    if sign_in.token_family is not None:
        get_refresh_token_model().revoke_family(sign_in.token_family)
    audit_record(
        actor=None,
        action=IdentityAction.OIDC_CODE_REPLAYED,
        subject_type=CLIENT,
        subject_id=application.client_id,
        purpose=SECURITY_PURPOSE,
        payload={"sign_in": str(sign_in.pk), "account": str(sign_in.user_id)},
    )
    return True


@transaction.atomic
def client_consent_give(*, user: Any, application: Any, scopes: list[str]) -> ClientConsent:
    """The person agreed to share ``scopes`` with the client (added to what they agreed before)."""
    consent, _ = ClientConsent.objects.select_for_update().get_or_create(
        user=user, application=application
    )
    consent.scopes = sorted(set(consent.scopes) | set(scopes))
    consent.save(update_fields=["scopes", "updated_at"])
    audit_record(
        actor=user,
        action=IdentityAction.OIDC_CONSENT_GIVEN,
        subject_type=CLIENT,
        subject_id=application.client_id,
        purpose=SIGN_IN_PURPOSE,
        payload={"scopes": sorted(scopes)},
    )
    return consent


@transaction.atomic
def client_consent_refuse(*, user: Any, application: Any, scopes: list[str]) -> None:
    """The person said no: nothing is shared and the client is told ``access_denied``."""
    audit_record(
        actor=user,
        action=IdentityAction.OIDC_CONSENT_REFUSED,
        subject_type=CLIENT,
        subject_id=application.client_id,
        purpose=SIGN_IN_PURPOSE,
        payload={"scopes": sorted(scopes)},
    )


@transaction.atomic
def oidc_request_refuse(
    *, user: Any, client_id: str, error: str, description: str = ""
) -> AuditEvent:
    """Record a refused authorization or logout request (the page shows the event's id)."""
    return audit_record(
        actor=user,
        action=IdentityAction.OIDC_REQUEST_REFUSED,
        subject_type=CLIENT,
        subject_id=(client_id or "unknown")[:100],
        purpose=SECURITY_PURPOSE,
        payload={"error": error[:100], "description": description[:300]},
    )


@transaction.atomic
def oidc_token_refuse(*, client_id: str, grant_type: str, error: str) -> AuditEvent:
    """Record a refused token request: a bad or replayed code, a wrong verifier or secret."""
    return audit_record(
        actor=None,
        action=IdentityAction.OIDC_TOKEN_REFUSED,
        subject_type=CLIENT,
        subject_id=(client_id or "unknown")[:100],
        purpose=SECURITY_PURPOSE,
        payload={"grant_type": grant_type[:60], "error": error[:100]},
    )


@transaction.atomic
def client_sign_out_record(*, user: Any, application: Any) -> None:
    """The person signed out of OneGate at a client's request (RP-initiated logout)."""
    audit_record(
        actor=user,
        action=IdentityAction.OIDC_SIGNED_OUT,
        subject_type=CLIENT,
        subject_id=application.client_id if application is not None else "unknown",
        purpose="Signing out at an agency system's request",
    )


@transaction.atomic
def oidc_client_save(
    *, actor: Any, application: Any, policy: ClientPolicy, created: bool
) -> ClientPolicy:
    """An administrator registered or changed a client: both records saved, then audited.

    Only a platform superuser or an administrator of the client's agency may.
    """
    permission = StaffPermission.MANAGE_OIDC_CLIENTS
    previous = ClientPolicy.objects.filter(pk=policy.pk).values_list("agency_slug", flat=True)
    for agency in {policy.agency_slug, *previous}:
        if not staff_can(actor, permission, agency_slug=agency):
            raise PermissionDenied("may not manage this agency's systems")
    application.save()
    policy.application = application
    policy.save()
    audit_record(
        actor=actor,
        action=IdentityAction.OIDC_CLIENT_SAVED,
        subject_type=CLIENT,
        subject_id=application.client_id,
        purpose="Registering an agency's system with OneGate",
        payload={
            "created": created,
            "agency": policy.agency_slug,
            "allowed_scopes": policy.allowed_scopes,
            "minimum_level": policy.minimum_level,
            "active": policy.is_active,
            "client_type": application.client_type,
            "redirect_uris": application.redirect_uris.split(),
        },
    )
    return policy
