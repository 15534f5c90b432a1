"""A peer may ask only the questions this node lets it ask; the rest are refused before any read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from onegate.registries.adapters import signing
from onegate.registries.adapters.remote import peer_questions
from onegate.registries.models import AccessRecord, RemoteRequestNonce

from .test_remote_signing import private_jwk, public

pytestmark = pytest.mark.django_db

CALLER = private_jwk()


@pytest.fixture
def node_b(settings: Any) -> Any:
    settings.REGISTRY_NODE_ID = "node-b"
    settings.REGISTRY_NODE_PRIVATE_KEY = json.dumps(private_jwk())
    settings.REGISTRY_PEERS = json.dumps({"node-a": public(CALLER)})
    settings.REGISTRY_PEER_QUESTIONS = json.dumps({"node-a": ["person_get"]})
    return settings


def ask(client: Any, question: str, arguments: dict[str, Any]) -> Any:
    key = signing.node_key_from_jwk("node-a", CALLER, "test", private=True)
    claims = signing.claims_new(
        issuer="node-a",
        audience="node-b",
        lifetime=60,
        question=question,
        arguments=arguments,
        purpose="Checking an application",
        organisation="immigration",
        on_behalf_of="",
        accessor="officer 7",
    )
    token = signing.sign(claims, key=key, typ=signing.REQUEST_TYPE)
    return client.post(f"/api/v1/registry/{question}", token, content_type="application/jose")


def test_an_allowed_question_is_answered(client, node_b, family):
    response = ask(client, "person_get", {"person_id": str(family.parent.pk)})
    assert response.status_code == 200
    assert AccessRecord.objects.filter(person=family.parent, organisation="immigration").exists()


def test_a_question_the_peer_may_not_ask_is_refused_and_reads_nothing(client, node_b, family):
    response = ask(client, "people_search", {"name": "jaidee"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("registry-question-not-allowed")
    assert not AccessRecord.objects.exists()
    assert not RemoteRequestNonce.objects.exists()  # refused before the nonce was even spent


def test_a_peer_not_listed_may_ask_nothing(client, node_b, family):
    node_b.REGISTRY_PEER_QUESTIONS = ""
    assert ask(client, "person_get", {"person_id": str(family.parent.pk)}).status_code == 403


def test_a_replayed_request_is_refused_by_the_nonce_table(client, node_b, family):
    key = signing.node_key_from_jwk("node-a", CALLER, "test", private=True)
    claims = signing.claims_new(
        issuer="node-a",
        audience="node-b",
        lifetime=60,
        question="person_get",
        arguments={"person_id": str(family.parent.pk)},
        purpose="Checking",
        organisation="x",
        on_behalf_of="",
        accessor="y",
    )
    token = signing.sign(claims, key=key, typ=signing.REQUEST_TYPE)
    url = "/api/v1/registry/person_get"
    assert client.post(url, token, content_type="application/jose").status_code == 200
    assert client.post(url, token, content_type="application/jose").status_code == 401


@pytest.mark.parametrize(
    ("value", "problem"),
    [("{", "not JSON"), ('["person_get"]', "expected"), ('{"a": ["no_such_question"]}', "unknown")],
)
def test_a_bad_setting_is_named(settings, value, problem):
    settings.REGISTRY_PEER_QUESTIONS = value
    with pytest.raises(ImproperlyConfigured, match=problem) as refused:
        peer_questions()
    assert str(refused.value).startswith("REGISTRY_PEER_QUESTIONS")
