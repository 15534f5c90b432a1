"""The issuer's Ed25519 signing keys: the first one made on demand, rotation and pruning.

One key is active and signs new credentials and status lists (a new key signs lists only after
``publishing.KEY_PUBLISH_GRACE``, once verifiers can have fetched it); a retired key stays
published (``selectors.trusted_keys``) until it is pruned, which happens only after
``keep_until``, the latest expiry of what it signed, so credentials held offline keep verifying
after a rotation. The key id is the RFC 7638 thumbprint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from joserfc.jwk import OKPKey

from onegate.audit.constants import CredentialAction
from onegate.audit.services import audit_record
from onegate.credentials.models import Credential, IssuerKey, StatusList
from onegate.credentials.publishing import KEY_PUBLISH_GRACE, TOKEN_LIFETIME
from onegate.credentials.services._common import KEY_SUBJECT_TYPE

__all__ = ["issuer_key_active", "issuer_key_rotate", "issuer_keys_prune"]


def _key_new(*, actor: Any = None) -> IssuerKey:
    """A new active key (the caller has retired the old one in the same transaction)."""
    key = OKPKey.generate_key("Ed25519")
    kid = key.thumbprint()
    public = {**key.as_dict(private=False), "kid": kid, "use": "sig", "alg": "EdDSA"}
    private = {**key.as_dict(private=True), "kid": kid, "alg": "EdDSA"}
    made = IssuerKey.objects.create(
        kid=kid, public_jwk=public, private_jwk=private, created_at=timezone.now(), is_active=True
    )
    audit_record(
        actor=actor,
        action=CredentialAction.KEY_CREATED,
        subject_type=KEY_SUBJECT_TYPE,
        subject_id=kid,
        purpose="Make a key to sign credentials with",
    )
    return made


def issuer_key_active() -> IssuerKey:
    """The key that signs now; the first one is made when there is none (two processes racing
    to make it: the unique constraint keeps one, the other reads it)."""
    found = IssuerKey.objects.filter(is_active=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return _key_new()
    except IntegrityError:
        return IssuerKey.objects.get(is_active=True)


def _signed_until(kid: str, now: dt.datetime) -> dt.datetime:
    latest = Credential.objects.filter(kid=kid).aggregate(latest=Max("expires_at"))["latest"]
    return max(latest, now) if latest is not None else now


def issuer_key_rotate(*, actor: Any = None) -> IssuerKey:
    """Retire the active key (published until what it signed expires) and make a new one; the
    status lists are signed again with the new key when next fetched."""
    issuer_key_active()
    with transaction.atomic():
        now = timezone.now()
        old = IssuerKey.objects.select_for_update().get(is_active=True)
        old.is_active, old.retired_at = False, now
        # Published at least until what it signed expires, and until the status lists it may
        # still sign during the new key's grace period (publishing.KEY_PUBLISH_GRACE) expire.
        old.keep_until = max(_signed_until(old.kid, now), now + KEY_PUBLISH_GRACE + TOKEN_LIFETIME)
        old.save(update_fields=["is_active", "retired_at", "keep_until"])
        new = _key_new(actor=actor)
        StatusList.objects.update(token_version=0)  # every list signed again on its next fetch
        audit_record(
            actor=actor,
            action=CredentialAction.KEY_ROTATED,
            subject_type=KEY_SUBJECT_TYPE,
            subject_id=new.kid,
            purpose="Rotate the key credentials are signed with",
            payload={"retired": old.kid, "published_until": old.keep_until.isoformat()},
        )
        transaction.on_commit(_published_forget)
    _published_forget()
    return new


def _published_forget() -> None:
    from onegate.credentials.publishing import publishing_forget

    publishing_forget()


def issuer_keys_prune(*, now: dt.datetime | None = None) -> int:
    """Stop publishing retired keys once nothing they signed is still valid; how many went."""
    now = now or timezone.now()
    pruned = 0
    due = IssuerKey.objects.filter(is_active=False, keep_until__lt=now).values_list("pk", flat=True)
    for key_id in list(due):
        with transaction.atomic():
            key = IssuerKey.objects.select_for_update().filter(pk=key_id, is_active=False).first()
            if key is None:
                continue
            signed_until = _signed_until(key.kid, now)
            if signed_until > now:  # signed while the rotation ran: keep it until that expires
                key.keep_until = signed_until
                key.save(update_fields=["keep_until"])
                continue
            audit_record(
                actor=None,
                action=CredentialAction.KEY_PRUNED,
                subject_type=KEY_SUBJECT_TYPE,
                subject_id=key.kid,
                purpose="Stop publishing a retired key nothing valid was signed with",
            )
            key.delete()
            pruned += 1
    if pruned:
        _published_forget()
    return pruned
