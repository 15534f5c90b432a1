"""An account's way in, in the audit log: signed in (with which methods) and signed out (and
why: the person, inactivity, the 12-hour limit, everywhere), a failed sign-in (against the
account when one has that address; the typed address itself is never kept), an authenticator
added or removed, recovery codes regenerated, a password changed, set or reset, an email address
added, removed, confirmed or made the main one, and the account created.

"Sign out of all other devices" (allauth's sessions page) sends no signal: ``views_sessions``
records it. allauth changes that are still not recorded: renaming a passkey (allauth's edit view
sends no signal; the name is only a label), and the sign-in method an account's sessions used
(``SIGNED_IN`` says which methods, each WebAuthn one with its key kind, ``hwk`` or ``swk``).

Sign-ins and sign-outs are seen by the session middleware, which knows who was signed in before
and after each request: that covers every way in and out that a person uses, and not the test
helpers that sign accounts in directly. The rest comes from allauth's signals.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from onegate.audit.constants import IdentityAction
from onegate.identity.services.accounts import account_event_record

# Why a sign-out happened, left on the request by whoever signs the person out.
SIGN_OUT_REASON_ATTRIBUTE = "onegate_sign_out_reason"


def sign_out_reason_set(request: HttpRequest, reason: str) -> None:
    setattr(request, SIGN_OUT_REASON_ATTRIBUTE, reason)


def _methods(request: HttpRequest | None, user: Any = None) -> list[str]:
    """The methods of this session's sign-in, a passkey named with its kind (``webauthn:swk``
    for one that may be synced, ``webauthn:hwk`` for a device-bound key)."""
    from onegate.identity.assurance import KEY_KIND, with_key_kinds

    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, []) if request else []
    if user is not None:
        records = with_key_kinds(list(records), user_id=user.pk)
    names = []
    for record in records:
        name = str(record.get("type") or record.get("method"))
        names.append(f"{name}:{record[KEY_KIND]}" if KEY_KIND in record else name)
    return names


def sign_in_record(request: HttpRequest, user: Any) -> None:
    account_event_record(
        actor=user,
        action=IdentityAction.SIGNED_IN,
        account_id=user.pk,
        payload={"methods": _methods(request, user)},
    )


def sign_out_record(request: HttpRequest, user: Any) -> None:
    reason = getattr(request, SIGN_OUT_REASON_ATTRIBUTE, "person")
    account_event_record(
        actor=user, action=IdentityAction.SIGNED_OUT, account_id=user.pk, payload={"reason": reason}
    )


def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    address = str(credentials.get("email") or credentials.get("username") or "").strip()
    account = get_user_model().objects.filter(email__iexact=address).only("pk").first()
    account_event_record(
        actor=None,
        action=IdentityAction.SIGN_IN_FAILED,
        account_id=account.pk if account else "unknown",
    )


def on_authenticator_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    account_event_record(
        actor=user,
        action=IdentityAction.MFA_ENROLLED,
        account_id=user.pk,
        payload={"type": str(authenticator.type)},
    )


def on_authenticator_removed(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    account_event_record(
        actor=user,
        action=IdentityAction.MFA_REMOVED,
        account_id=user.pk,
        payload={"type": str(authenticator.type)},
    )


def on_recovery_codes_regenerated(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    account_event_record(
        actor=user,
        action=IdentityAction.RECOVERY_CODES_REGENERATED,
        account_id=user.pk,
        payload={"type": str(authenticator.type)},
    )


def on_signed_up(sender: Any, request: Any, user: Any, **kw: Any) -> None:
    account_event_record(actor=user, action=IdentityAction.SIGNED_UP, account_id=user.pk)


def on_email_confirmed(sender: Any, request: Any, email_address: Any, **kw: Any) -> None:
    account_event_record(
        actor=email_address.user,
        action=IdentityAction.EMAIL_ADDRESS_CONFIRMED,
        account_id=email_address.user_id,
        payload={"primary": bool(email_address.primary)},
    )


def _password_receiver(how: str) -> Any:
    def receiver(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        account_event_record(
            actor=user,
            action=IdentityAction.PASSWORD_CHANGED,
            account_id=user.pk,
            payload={"how": how},
        )

    return receiver


def _email_receiver(how: str) -> Any:
    def receiver(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        account_event_record(
            actor=user,
            action=IdentityAction.EMAIL_ADDRESS_CHANGED,
            account_id=user.pk,
            payload={"how": how},
        )

    return receiver


_RECEIVERS = [
    (auth_signals.user_login_failed, on_sign_in_failed),
    (mfa_signals.authenticator_added, on_authenticator_added),
    (mfa_signals.authenticator_removed, on_authenticator_removed),
    (mfa_signals.authenticator_reset, on_recovery_codes_regenerated),
    (account_signals.user_signed_up, on_signed_up),
    (account_signals.email_confirmed, on_email_confirmed),
    (account_signals.password_changed, _password_receiver("changed")),
    (account_signals.password_set, _password_receiver("set")),
    (account_signals.password_reset, _password_receiver("reset")),
    (account_signals.email_added, _email_receiver("added")),
    (account_signals.email_removed, _email_receiver("removed")),
    (account_signals.email_changed, _email_receiver("made main")),
]


def connect() -> None:
    """Connect every receiver once (safe to call again: each has a dispatch uid)."""
    for signal, receiver in _RECEIVERS:
        name = getattr(receiver, "__name__", "receiver")
        signal.connect(
            receiver, weak=False, dispatch_uid=f"onegate.account_events.{name}.{id(signal)}"
        )
