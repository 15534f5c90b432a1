"""Levels of assurance: how sure we are, in this session, of who is signed in; and the step-up.

The one place the levels are computed (docs/identity.md explains each choice)::

    session level = min(proofing level, sign-in strength)

    proofing level   low          no proofing (any account)
                     substantial  proved online: Thai ID card with laser code, or passport
                     high         proved in person at a service centre

    sign-in strength low          password, or a code sent by email
    (this session)   substantial  a second factor used: authenticator app code, recovery code,
                                  or a passkey that may be synced (backup eligible)
                     high         a device-bound passkey or security key (WebAuthn) used

A passkey counts as device-bound only if its credential is not backup eligible (the BE flag of
the authenticator data it was registered with; the flag never changes for a credential). A
syncable passkey's private key can be copied to other devices by its provider, so NIST SP
800-63B-4 puts it at AAL2 at most; AAL3 needs a non-exportable key. A key whose record cannot be
read (removed since it was used) counts as syncable: high is never assumed.

allauth keeps a record of every authentication method used in the session
(``get_authentication_records``): signing in, the MFA step, and each re-authentication; a step-up
adds to it. Those records are the only input for the sign-in strength, so a level can never be
claimed by anything but an authentication that happened in this session.

``assurance_required(level)`` guards a view: below the level, the person is sent to the step-up
page (``identity:step_up``), which says what is missing, offers the way to get it, and returns
them to exactly the page they came from, with the session key rotated.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from allauth.account.authentication import get_authentication_records
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from onegate.identity.constants import (
    LEVEL_ORDER,
    LevelOfAssurance,
    ProofingMethod,
    level_at_least,
)
from onegate.identity.selectors import identity_level

LOW, SUBSTANTIAL, HIGH = LevelOfAssurance.LOW, LevelOfAssurance.SUBSTANTIAL, LevelOfAssurance.HIGH

# What each proofing method proves. Proofing methods read their level from here, nowhere else.
PROOFING_LEVELS: Mapping[str, LevelOfAssurance] = {
    ProofingMethod.NATIONAL_ID_CARD: SUBSTANTIAL,
    ProofingMethod.PASSPORT: SUBSTANTIAL,
    ProofingMethod.IN_PERSON: HIGH,
}

# allauth's MFA authenticator types, and the sign-in strength using one of them gives at most.
SECOND_FACTOR_LEVELS: Mapping[str, LevelOfAssurance] = {
    "totp": SUBSTANTIAL,
    "recovery_codes": SUBSTANTIAL,
    "webauthn": HIGH,  # a device-bound key; a syncable passkey is capped below
}
# A passkey whose credential is backup eligible may be synced: AAL2 (NIST SP 800-63B-4, 4.2.2).
SYNCABLE_PASSKEY_LEVEL: LevelOfAssurance = SUBSTANTIAL
# What ``_records`` adds to each WebAuthn record: "hwk" (device-bound) or "swk" (syncable).
KEY_KIND = "onegate_key_kind"

# Where the step-up records the level it last rotated the session key for.
ROTATED_LEVEL_SESSION_KEY = "identity.step_up_rotated_level"
# The step-up a person left to add a second factor, so the pages after it can offer the way back.
PENDING_STEP_UP_SESSION_KEY = "identity.step_up_pending"


def lowest(*levels: str) -> LevelOfAssurance:
    return LevelOfAssurance(
        min(levels, key=lambda level: LEVEL_ORDER.index(LevelOfAssurance(level)))
    )


def _records(request: HttpRequest) -> list[dict[str, Any]]:
    """allauth's records of this session, each WebAuthn one marked with its key's kind."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return with_key_kinds(get_authentication_records(request, user), user_id=user.pk)


def _is_webauthn(record: Mapping[str, Any]) -> bool:
    return record.get("method") == "mfa" and record.get("type") == "webauthn"


def with_key_kinds(records: list[dict[str, Any]], *, user_id: Any) -> list[dict[str, Any]]:
    """``records`` with ``KEY_KIND`` set on each WebAuthn one (one query for all of them)."""
    ids = {str(record.get("id")) for record in records if _is_webauthn(record)}
    if not ids:
        return records
    kinds = key_kinds(user_id=user_id, authenticator_ids=ids)
    return [
        {**record, KEY_KIND: kinds.get(str(record.get("id")), "swk")}
        if _is_webauthn(record)
        else record
        for record in records
    ]


def key_kinds(*, user_id: Any, authenticator_ids: Iterable[str]) -> dict[str, str]:
    """For each of the account's WebAuthn authenticators asked about: ``hwk`` when its credential
    is not backup eligible (device-bound), ``swk`` when it is (a passkey that may be synced)."""
    from allauth.mfa.models import Authenticator

    wanted = [pk for pk in authenticator_ids if pk.isdigit()]
    found = Authenticator.objects.filter(
        user_id=user_id, type=Authenticator.Type.WEBAUTHN, pk__in=wanted
    )
    return {str(key.pk): "swk" if _backup_eligible(key) else "hwk" for key in found}


def _backup_eligible(authenticator: Any) -> bool:
    try:
        return bool(authenticator.wrap().authenticator_data.is_backup_eligible())
    except (AttributeError, KeyError, TypeError, ValueError, struct.error):
        # no readable credential: assume it may be synced
        return True


def strength_of(records: Iterable[Mapping[str, Any]]) -> LevelOfAssurance:
    """The sign-in strength that authentication records (allauth's, marked by ``_records``)
    add up to. A WebAuthn record not marked device-bound counts as a syncable passkey."""
    strength = LOW
    for record in records:
        if record.get("method") == "mfa":
            level = SECOND_FACTOR_LEVELS.get(str(record.get("type")), LOW)
            if _is_webauthn(record) and record.get(KEY_KIND) != "hwk":
                level = SYNCABLE_PASSKEY_LEVEL
            strength = max(strength, level, key=LEVEL_ORDER.index)
    return LevelOfAssurance(strength)


def sign_in_level(request: HttpRequest) -> LevelOfAssurance:
    """How strongly the person signed in during this session."""
    return strength_of(_records(request))


def session_level(request: HttpRequest) -> LevelOfAssurance:
    """The level of this session: the proofing level capped by the sign-in strength."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return LOW
    return lowest(identity_level(user), sign_in_level(request))


def session_amr(request: HttpRequest) -> list[str]:
    """How the person authenticated in this session, as RFC 8176 values, in the order used.

    ``pwd`` password; ``otp`` a one-time code (authenticator app, recovery code, or a sign-in code
    sent by email); ``hwk`` / ``swk`` a WebAuthn key held in hardware only / one that can be
    synced between devices (a synced passkey); ``user`` the user-presence test every WebAuthn
    use includes; ``mfa`` when the session combined a password with a second factor, or used a
    passkey that verified the user (PIN or biometric) itself.
    """
    records = _records(request)
    values: list[str] = []
    for record in records:
        values += _amr_of(record)
    used_password = "pwd" in values
    second_factor = any(r.get("method") == "mfa" for r in records)
    passkey_alone = any(r.get("method") == "mfa" and r.get("passwordless") for r in records)
    if (used_password and second_factor) or passkey_alone:
        values.append("mfa")
    return list(dict.fromkeys(values))


def _amr_of(record: Mapping[str, Any]) -> list[str]:
    method = record.get("method")
    if method == "password":
        return ["pwd"]
    if method == "code":
        return ["otp"]
    if method != "mfa":
        return []
    if record.get("type") == "webauthn":
        return [str(record.get(KEY_KIND, "swk")), "user"]
    return ["otp"]


# --- step-up ----------------------------------------------------------------------------------


def safe_next(candidate: object) -> str | None:
    """``candidate`` if it is a path on this site (``/...``), else None: never an open redirect."""
    if not isinstance(candidate, str) or not candidate.startswith("/"):
        return None
    if candidate.startswith("//") or "\\" in candidate or any(ch < " " for ch in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return None
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=set()):
        return None
    return candidate


def step_up_url(level: str, next_path: str) -> str:
    """The step-up page for ``level``, returning to ``next_path`` when done."""
    query = {"level": str(level), "next": safe_next(next_path) or "/"}
    return f"{reverse('identity:step_up')}?{urlencode(query)}"


def assurance_required(
    level: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: signed in (else to sign-in), and at ``level`` (else through the step-up)."""
    needed = LevelOfAssurance(level)

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if level_at_least(session_level(request), needed):
                return view(request, *args, **kwargs)
            return HttpResponseRedirect(step_up_url(needed, request.get_full_path()))

        return guarded

    return decorate


@dataclass(frozen=True)
class StepUpPlan:
    """What a session lacks for a level, and what the person can do about it."""

    needed: LevelOfAssurance
    current: LevelOfAssurance
    proved: LevelOfAssurance  # the account's proofing level
    signed_in: LevelOfAssurance  # this session's sign-in strength
    has_app: bool  # an authenticator app (TOTP) is set up
    has_passkey: bool  # a passkey or security key is set up
    has_device_bound_key: bool = False  # one of them is not backup eligible (can reach high)

    @property
    def done(self) -> bool:
        return level_at_least(self.current, self.needed)

    @property
    def needs_proofing(self) -> bool:
        return not level_at_least(self.proved, self.needed)

    @property
    def needs_in_person(self) -> bool:
        """Only an in-person check reaches the level needed."""
        return self.needed == HIGH and self.needs_proofing

    @property
    def needs_sign_in(self) -> bool:
        return not level_at_least(self.signed_in, self.needed)

    @property
    def needs_passkey(self) -> bool:
        """Only a passkey (not an app code) brings the sign-in up to the level needed."""
        return self.needed == HIGH and self.needs_sign_in


def step_up_plan(request: HttpRequest, needed: str) -> StepUpPlan:
    from allauth.mfa.models import Authenticator

    kinds = set(
        Authenticator.objects.filter(user_id=request.user.pk).values_list("type", flat=True)
    )
    keys = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.WEBAUTHN
    ).values_list("pk", flat=True)
    key_kind = key_kinds(user_id=request.user.pk, authenticator_ids=[str(pk) for pk in keys])
    return StepUpPlan(
        needed=LevelOfAssurance(needed),
        current=session_level(request),
        proved=identity_level(request.user),
        signed_in=sign_in_level(request),
        has_app=Authenticator.Type.TOTP in kinds,
        has_passkey=Authenticator.Type.WEBAUTHN in kinds,
        has_device_bound_key="hwk" in key_kind.values(),
    )


def pending_step_up(request: HttpRequest) -> str | None:
    """The step-up page this session left unfinished (to offer "continue where you were")."""
    session = getattr(request, "session", None)
    return safe_next(session.get(PENDING_STEP_UP_SESSION_KEY)) if session is not None else None
