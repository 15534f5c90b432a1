"""What verifiers fetch without signing in: the issuer's keys, status lists, type metadata —
their content types, caching headers, ETags, and that what they publish verifies."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from onegate.cases.tests.factories import demo_services, staff  # noqa: F401  (fixture)
from onegate.credentials.selectors import credential_issuer_url
from onegate.credentials.services import entitlement_suspend
from onegate.credentials.tests.factories import current_credential, entitlement_make, verdict_of
from onegate.identity.constants import StaffRole

pytestmark = pytest.mark.usefixtures("demo_services")


def test_the_issuer_metadata_lists_the_public_keys(client):
    credential = current_credential(entitlement_make())

    answer = client.get("/.well-known/jwt-vc-issuer")

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    assert answer["Cache-Control"] == "public, max-age=300"
    body = answer.json()
    assert body["issuer"] == credential_issuer_url()
    [key] = body["jwks"]["keys"]
    assert key["kid"] == credential.kid and "d" not in key
    assert reverse("credentials:issuer-metadata") == "/.well-known/jwt-vc-issuer"


def test_the_status_list_is_a_signed_token_verifiable_with_the_published_key(client):
    from onegate_verify.statuslist import status_list_token_verify

    credential = current_credential(entitlement_make())
    url = reverse("credentials:status-list", kwargs={"list_id": credential.status_list_id})
    assert url == f"/credentials/status/{credential.status_list_id}"

    answer = client.get(url)

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/statuslist+jwt"
    assert answer["Cache-Control"] == "public, max-age=60"
    assert answer["ETag"]
    keys = {k["kid"]: k for k in client.get("/.well-known/jwt-vc-issuer").json()["jwks"]["keys"]}
    bits = status_list_token_verify(
        answer.content.decode(), keys=keys, uri=credential_issuer_url() + url, now=int(time.time())
    )
    assert bits.get(credential.status_index) == 0


def test_the_same_status_list_is_not_sent_twice_and_a_change_is(client):
    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    url = reverse("credentials:status-list", kwargs={"list_id": credential.status_list_id})
    etag = client.get(url)["ETag"]

    unchanged = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and not unchanged.content

    entitlement_suspend(actor=staff(StaffRole.TEAM_LEAD, "immigration"),
                        entitlement_id=entitlement.pk, reason="Stolen passport.",
                        lock_version=entitlement.lock_version)  # fmt: skip
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_an_unknown_status_list_is_not_found(client):
    assert client.get("/credentials/status/424242").status_code == 404


def test_type_metadata_names_the_type_in_both_languages(client):
    answer = client.get(reverse("credentials:type-metadata", kwargs={"slug": "travel-authority"}))

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {
        "vct": f"{credential_issuer_url()}/credentials/types/travel-authority",
        "name": "Electronic travel authority",
        "display": [
            {"lang": "en", "name": "Electronic travel authority"},
            {"lang": "th", "name": "การอนุญาตเดินทางเข้าประเทศแบบอิเล็กทรอนิกส์"},
        ],
    }


def test_a_type_no_service_grants_is_not_found(client):
    assert client.get("/credentials/types/no-such-type").status_code == 404


def test_the_endpoints_take_no_writes(client):
    assert client.post("/.well-known/jwt-vc-issuer").status_code == 405


@pytest.mark.postgres  # SQLite's flush after a transactional test trips the definitions' guard
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_fetch_is_served_from_the_cache_and_a_change_is_seen_at_once(
    client, django_assert_num_queries
):
    # given: committed data, as a running site has (views run outside any transaction)
    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    url = reverse("credentials:status-list", kwargs={"list_id": credential.status_list_id})
    first = client.get(url)

    with django_assert_num_queries(0):
        cached = client.get(url)
    assert cached.content == first.content

    entitlement_suspend(actor=staff(StaffRole.TEAM_LEAD, "immigration"),
                        entitlement_id=entitlement.pk, reason="Stolen passport.",
                        lock_version=entitlement.lock_version)  # fmt: skip
    changed = client.get(url)
    assert changed["ETag"] != first["ETag"]
    with django_assert_num_queries(0):
        assert client.get(url).content == changed.content


@pytest.mark.postgres  # SQLite's flush after a transactional test trips the definitions' guard
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_a_fetch_signs_is_not_hidden_behind_the_older_copy(
    client, monkeypatch
):
    # given: a fetch that read the list just before a suspension committed (and forgot the
    # cached copies), and stores what it read only afterwards
    from onegate.credentials import publishing

    entitlement = entitlement_make()
    credential = current_credential(entitlement)
    url = reverse("credentials:status-list", kwargs={"list_id": credential.status_list_id})
    read_list = publishing._stored_or_signed

    def read_then_suspension_commits(list_id: int):
        copy = read_list(list_id)
        entitlement_suspend(actor=staff(StaffRole.TEAM_LEAD, "immigration"),
                            entitlement_id=entitlement.pk, reason="Stolen passport.",
                            lock_version=entitlement.lock_version)  # fmt: skip
        return copy

    monkeypatch.setattr(publishing, "_stored_or_signed", read_then_suspension_commits)
    stale = client.get(url)
    monkeypatch.setattr(publishing, "_stored_or_signed", read_list)

    # then: the next fetch gets the suspended list, not the copy read before it
    fresh = client.get(url)
    assert fresh["ETag"] != stale["ETag"]
    assert verdict_of(credential).status == "suspended"
