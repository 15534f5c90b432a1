"""The issuer's signing keys: made on first use, rotated without breaking what was issued,
published while needed, pruned after."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from onegate.audit.models import AuditEvent
from onegate.cases.tests.factories import demo_services  # noqa: F401  (fixture)
from onegate.credentials.models import IssuerKey
from onegate.credentials.selectors import issuer_metadata, trusted_keys
from onegate.credentials.services import (
    credential_issue,
    issuer_key_active,
    issuer_key_rotate,
    issuer_keys_prune,
)
from onegate.credentials.tests.factories import current_credential, entitlement_make, verdict_of


@pytest.mark.django_db
def test_the_first_key_is_made_once_with_its_thumbprint_as_kid():
    from joserfc.jwk import OKPKey

    key = issuer_key_active()

    assert issuer_key_active() == key
    assert IssuerKey.objects.count() == 1
    public = OKPKey.import_key(key.public_jwk)
    assert key.kid == public.thumbprint()
    assert key.public_jwk["crv"] == "Ed25519" and "d" not in key.public_jwk
    assert AuditEvent.objects.filter(action="credentials.key_created", subject_id=key.kid).exists()


@pytest.mark.django_db
def test_published_keys_carry_no_private_part():
    issuer_key_active()

    [published] = issuer_metadata(issuer="https://onegate.example")["jwks"]["keys"]

    assert set(published) == {"kty", "crv", "x", "kid", "use", "alg"}
    assert (published["use"], published["alg"]) == ("sig", "EdDSA")


@pytest.mark.usefixtures("demo_services")
def test_a_credential_issued_before_a_rotation_still_verifies_after_it():
    entitlement = entitlement_make()
    before = current_credential(entitlement)

    new_key = issuer_key_rotate()

    assert new_key.kid != before.kid
    assert set(trusted_keys()) == {before.kid, new_key.kid}
    assert verdict_of(before).status == "valid"
    after = credential_issue(entitlement=entitlement)
    assert after.kid == new_key.kid
    assert verdict_of(after).status == "valid"
    retired = IssuerKey.objects.get(kid=before.kid)
    assert not retired.is_active and retired.keep_until == before.expires_at


@pytest.mark.usefixtures("demo_services")
def test_the_status_list_is_signed_with_the_new_key_once_verifiers_can_know_it():
    from onegate.credentials.models import StatusList
    from onegate.credentials.publishing import KEY_PUBLISH_GRACE, status_list_token

    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    old_key = issuer_key_active()
    status_list_token(list_id=credential.status_list_id)

    new_key = issuer_key_rotate()
    token, _etag = status_list_token(list_id=credential.status_list_id)
    # Verifiers may hold the issuer metadata without the new key for a while: a list signed by
    # it now would make every credential read "invalid" for them.
    assert _kid_of(token) == old_key.kid
    assert old_key.kid in trusted_keys()

    new_key.created_at -= KEY_PUBLISH_GRACE + dt.timedelta(seconds=1)
    new_key.save(update_fields=["created_at"])
    StatusList.objects.update(token_version=0)
    token, _etag = status_list_token(list_id=credential.status_list_id)
    assert _kid_of(token) == new_key.kid
    assert verdict_of(credential).status == "valid"


def _kid_of(token: str) -> str:
    import base64
    import json

    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


@pytest.mark.usefixtures("demo_services")
def test_a_retired_key_is_pruned_only_once_what_it_signed_expired():
    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    old = issuer_key_active()
    issuer_key_rotate()

    assert issuer_keys_prune() == 0
    assert issuer_keys_prune(now=credential.expires_at - dt.timedelta(seconds=1)) == 0
    assert old.kid in trusted_keys()

    assert issuer_keys_prune(now=credential.expires_at + dt.timedelta(seconds=1)) == 1
    assert not IssuerKey.objects.filter(kid=old.kid).exists()
    assert AuditEvent.objects.filter(action="credentials.key_pruned", subject_id=old.kid).exists()


@pytest.mark.django_db
def test_a_key_that_signed_no_credential_is_published_until_its_status_lists_expire():
    from onegate.credentials.publishing import KEY_PUBLISH_GRACE, TOKEN_LIFETIME

    old = issuer_key_active()
    issuer_key_rotate()

    assert old.kid in trusted_keys()
    assert issuer_keys_prune(now=timezone.now() + dt.timedelta(seconds=1)) == 0
    later = timezone.now() + KEY_PUBLISH_GRACE + TOKEN_LIFETIME + dt.timedelta(seconds=1)
    assert issuer_keys_prune(now=later) == 1
    assert old.kid not in trusted_keys()


@pytest.mark.django_db
def test_the_rotation_command_prints_key_ids_only():
    old = issuer_key_active()
    out = io.StringIO()

    call_command("credentials_rotate_key", "--prune", stdout=out)

    new = issuer_key_active()
    assert new.kid != old.kid
    text = out.getvalue()
    assert new.kid in text
    assert new.private_jwk["d"] not in text
    assert AuditEvent.objects.filter(action="credentials.key_rotated").exists()
