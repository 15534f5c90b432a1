"""Scopes and the claims they release, and reading those claims for a client or for the person.

======================  ===============================================================
scope                   claims (UserInfo)
======================  ===============================================================
``openid``              ``sub`` (pairwise, ``subjects``)
``profile``             ``name``, ``given_name``, ``family_name`` in Latin script and the
                        same with ``#th`` in Thai script, from the population register, for a
                        proved account; ``nickname`` (the name the person asked us to use)
                        and ``locale`` always
``email``               ``email``, ``email_verified``
``national_id``         ``national_id`` (13 digits), for a proved account, to clients whose
                        policy allows it
======================  ===============================================================

The ID token carries no scope claims: only ``sub``, ``acr``, ``amr`` and ``auth_time`` besides
the protocol's own (``validators``). A client reads the rest from UserInfo, and every registry
read for a client is on the person's access log ("who looked at my data"), naming the client's
agency and the purpose "Sign-in to <client>".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.utils.translation import gettext as _

from onegate.identity.models.oidc import ClientPolicy, OidcScope
from onegate.identity.oidc.subjects import pairwise_subject
from onegate.identity.selectors import person_id_for
from onegate.registries.adapters import AccessContext
from onegate.registries.constants import AccessorKind
from onegate.registries.prefill import prefill_resolve

SCOPE_CLAIMS: dict[str, tuple[str, ...]] = {
    OidcScope.OPENID: ("sub",),
    OidcScope.PROFILE: (
        "name",
        "given_name",
        "family_name",
        "name#th",
        "given_name#th",
        "family_name#th",
        "nickname",
        "locale",
    ),
    OidcScope.EMAIL: ("email", "email_verified"),
    OidcScope.NATIONAL_ID: ("national_id",),
}
ID_TOKEN_CLAIMS = ("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "jti")
REGISTRY_FACTS = {OidcScope.PROFILE: "person.name", OidcScope.NATIONAL_ID: "person.national_id"}
CHANNEL = "oidc"
ORGANISATION = "onegate"


def supported_claims() -> list[str]:
    """Every claim OneGate can release (discovery's ``claims_supported``)."""
    names = list(ID_TOKEN_CLAIMS)
    for claims in SCOPE_CLAIMS.values():
        names += [claim for claim in claims if claim not in names]
    return names


def subject_for(policy: ClientPolicy, user: Any) -> str:
    return pairwise_subject(sector_identifier=policy.sector_identifier, account_id=user.pk)


def userinfo_claims(*, user: Any, policy: ClientPolicy, scopes: list[str]) -> dict[str, Any]:
    """The claims a client gets from UserInfo for the scopes its access token carries."""
    claims: dict[str, Any] = {"sub": subject_for(policy, user)}
    granted = set(scopes) & set(policy.allowed_scopes)
    facts = _registry_facts(person_id_for(user), granted, _client_access(policy))
    if OidcScope.PROFILE in granted:
        claims.update(_profile(user, facts.get("person.name")))
    if OidcScope.EMAIL in granted:
        claims.update(email=user.email, email_verified=_email_verified(user))
    if OidcScope.NATIONAL_ID in granted and facts.get("person.national_id"):
        claims["national_id"] = facts["person.national_id"]
    return claims


def _registry_facts(
    person_id: str | None, scopes: set[str], access: AccessContext
) -> dict[str, Any]:
    wanted = [fact for scope, fact in REGISTRY_FACTS.items() if scope in scopes]
    if person_id is None or not wanted:
        return {}
    resolved = prefill_resolve(person_id=person_id, facts=wanted, access=access)
    return {name: fact.value for name, fact in resolved.items()}


def _client_access(policy: ClientPolicy) -> AccessContext:
    """An agency's system reading the person's data because they signed in to it."""
    return AccessContext(
        kind=AccessorKind.AGENCY_SYSTEM,
        accessor_id=policy.application.client_id,
        accessor_label=policy.name_en,
        organisation=policy.agency_slug,
        purpose=f"Sign-in to {policy.name_en}",
        channel=CHANNEL,
    )


def _profile(user: Any, name: dict[str, str] | None) -> dict[str, Any]:
    claims: dict[str, Any] = {"locale": user.preferred_language or "en"}
    if user.display_name:
        claims["nickname"] = user.display_name
    if name:
        claims.update(_names(name["given_latin"], name["family_latin"], suffix=""))
        claims.update(_names(name["given_th"], name["family_th"], suffix="#th"))
    return claims


def _names(given: str, family: str, *, suffix: str) -> dict[str, str]:
    if not (given or family):
        return {}
    full = " ".join(part for part in (given, family) if part)
    return {f"name{suffix}": full, f"given_name{suffix}": given, f"family_name{suffix}": family}


def _email_verified(user: Any) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


# --- the consent page: what the person would share, in plain words ----------------------------


@dataclass(frozen=True)
class SharedItem:
    """One line of the consent page: what a client would see, and the value if we can show it."""

    scope: str
    what: str
    value: str = ""


def shared_items(*, user: Any, agency_name: str, scopes: list[str]) -> list[SharedItem]:
    """The consent page's list, with the person's own values (their own reads are not logged)."""
    person_id = person_id_for(user)
    facts = _registry_facts(person_id, set(scopes), _self_access(user, person_id))
    name = facts.get("person.name")
    items = [
        SharedItem(
            OidcScope.OPENID,
            _(
                "A number that identifies you to %(agency)s. Each agency gets a different "
                "number, so agencies cannot use it to link what you do."
            )
            % {"agency": agency_name},
        )
    ]
    if OidcScope.PROFILE in scopes:
        items.append(_profile_item(user, name))
    if OidcScope.EMAIL in scopes:
        items.append(SharedItem(OidcScope.EMAIL, _("Your email address"), user.email))
    if OidcScope.NATIONAL_ID in scopes:
        items.append(_national_id_item(facts.get("person.national_id")))
    return items


def _profile_item(user: Any, name: dict[str, str] | None) -> SharedItem:
    if name:
        value = " / ".join(
            part
            for part in (
                " ".join(p for p in (name["given_th"], name["family_th"]) if p),
                " ".join(p for p in (name["given_latin"], name["family_latin"]) if p),
            )
            if part
        )
        return SharedItem(
            OidcScope.PROFILE, _("Your name as it is in the population register"), value
        )
    return SharedItem(
        OidcScope.PROFILE,
        _(
            "The name you asked us to call you. Your registered name is not shared, because "
            "you have not proved your identity yet."
        ),
        user.display_name,
    )


def _national_id_item(national_id: str | None) -> SharedItem:
    if national_id:
        masked = "•" * 9 + national_id[-4:]
        return SharedItem(OidcScope.NATIONAL_ID, _("Your national ID number"), masked)
    return SharedItem(
        OidcScope.NATIONAL_ID,
        _("Your national ID number, once you have proved your identity (not shared until then)"),
    )


def _self_access(user: Any, person_id: str | None) -> AccessContext:
    return AccessContext(
        kind=AccessorKind.SELF,
        accessor_id=str(user.pk),
        accessor_label=user.email[:200],
        organisation=ORGANISATION,
        purpose="Showing you what a service would see before you agree",
        channel=CHANNEL,
        self_person_id=person_id,
        user=user,
    )
