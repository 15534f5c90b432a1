"""The verification API as a relying party's system uses it: a token, a question, an answer.

``POST /api/v1/verification/checks`` with a Bearer token of a registered relying party; every
check is recorded for the holder; refusals are problem details.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from onegate.audit.constants import CredentialAction
from onegate.audit.models import AuditEvent
from onegate.cases.tests.factories import demo_services  # noqa: F401
from onegate.credentials.api import tokens_forget
from onegate.credentials.constants import (
    CheckResult,
    Disclosure,
    EntitlementStatus,
    LinkScheme,
)
from onegate.credentials.models import Entitlement, RelyingParty, VerificationCheck
from onegate.credentials.services_relying_parties import relying_party_register
from onegate.credentials.tests.factories import entitlement_make
from onegate.identity.models.oidc import ClientPolicy
from onegate.registries.models import AccessRecord

URL = "/api/v1/verification/checks"
AccessToken = get_access_token_model()


@pytest.fixture(autouse=True)
def _fresh_limits() -> Any:
    cache.clear()
    tokens_forget()
    yield
    cache.clear()
    tokens_forget()


def register(**changes: Any) -> tuple[RelyingParty, str, str]:
    options: dict[str, Any] = {
        "actor": None,
        "name_en": "Suvarnabhumi border gates",
        "name_th": "ด่านตรวจคนเข้าเมืองสุวรรณภูมิ",
        "organisation": "Immigration Bureau",
        "agency_slug": "immigration",
        "entitlement_types": ["travel-authority"],
        "purposes": ["border_entry"],
        **changes,
    }
    return relying_party_register(**options)


def token_for(party: RelyingParty, *, scope: str = "credentials.verify", minutes: int = 10) -> str:
    """An access token as django-oauth-toolkit stores one (only its checksum is looked up)."""
    raw = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        application=party.application,
        token=raw,
        scope=scope,
        expires=timezone.now() + dt.timedelta(minutes=minutes),
    )
    return raw


def ask(client: Client, token: str | None, **body: Any) -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, body, content_type="application/json", **headers)


def passport_of(entitlement: Entitlement) -> dict[str, str]:
    link = entitlement.links.get(scheme=LinkScheme.PASSPORT)
    return {"type": "passport", "number": link.value, "issuing_state": link.issuing_state}


def question(entitlement: Entitlement, **changes: Any) -> dict[str, Any]:
    return {
        "document": passport_of(entitlement),
        "entitlement_type": "travel-authority",
        "purpose": "border_entry",
        **changes,
    }


@pytest.fixture
def entitlement(demo_services: None) -> Entitlement:  # noqa: F811
    return entitlement_make()


@pytest.fixture
def gate(db: None) -> tuple[RelyingParty, str]:
    party, _client_id, _secret = register()
    return party, token_for(party)


# --- answers ------------------------------------------------------------------------------------


def test_a_valid_entitlement_is_valid_until_its_last_day(client, entitlement, gate):
    party, token = gate

    response = ask(client, token, **question(entitlement))

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["valid"] is True
    assert answer["valid_until"] == entitlement.valid_until.isoformat()
    assert answer["entitlement_type"] == "travel-authority"
    assert answer["on"] == timezone.localdate().isoformat()
    # Nothing the registration does not disclose.
    assert not {"status", "conditions", "holder_name"} & set(answer)
    check = VerificationCheck.objects.get(pk=answer["check_id"])
    assert (check.result, check.entitlement_id, check.relying_party_id) == (
        CheckResult.VALID,
        entitlement.pk,
        party.pk,
    )


def test_the_holder_sees_every_check_in_who_looked_at_my_data(client, entitlement, gate):
    _party, token = gate

    ask(client, token, **question(entitlement))
    ask(client, token, **question(entitlement, on="2000-01-01"))

    records = AccessRecord.objects.filter(person_id=str(entitlement.holder_id), channel="api")
    assert records.count() == 2
    record = records[0]
    assert record.organisation == "Immigration Bureau"
    assert record.purpose == "border_entry"
    assert record.channel == "api"
    assert record.facts == ["credentials.entitlement"]
    assert VerificationCheck.objects.filter(entitlement=entitlement).count() == 2


def test_the_passport_number_is_stored_nowhere(client, entitlement, gate):
    _party, token = gate
    number = passport_of(entitlement)["number"]

    ask(client, token, **question(entitlement))
    ask(
        client,
        token,
        **question(entitlement, document={**passport_of(entitlement), "number": "ZZ9999999"}),
    )

    for check in VerificationCheck.objects.all():
        assert number not in str(check.__dict__) and "ZZ9999999" not in str(check.__dict__)
        assert len(check.document_digest) == 64
    for event in AuditEvent.objects.all():
        assert number not in str(event.payload) and "ZZ9999999" not in str(event.payload)


def test_another_passport_is_not_valid_and_is_audited(client, entitlement, gate):
    _party, token = gate
    other = {**passport_of(entitlement), "number": "ZZ9999999"}

    answer = ask(client, token, **question(entitlement, document=other)).json()

    assert answer == {**answer, "valid": False}
    assert "valid_until" not in answer
    check = VerificationCheck.objects.get(pk=answer["check_id"])
    assert check.entitlement is None and check.result == CheckResult.NOT_VALID
    event = AuditEvent.objects.get(action=CredentialAction.VERIFIED, subject_id=str(check.pk))
    assert event.payload["result"] == "not_valid"
    assert not AccessRecord.objects.filter(channel="api").exists()


def test_the_same_passport_on_another_issuing_state_is_not_valid(client, entitlement, gate):
    _party, token = gate
    elsewhere = {**passport_of(entitlement), "issuing_state": "FRA"}

    assert ask(client, token, **question(entitlement, document=elsewhere)).json()["valid"] is False


def test_a_passport_number_in_lower_case_with_spaces_is_the_same_passport(
    client, entitlement, gate
):
    _party, token = gate
    document = passport_of(entitlement)
    number = document["number"]
    spaced = " ".join(number[i : i + 3] for i in range(0, len(number), 3)).lower()
    document = {
        **document,
        "number": f" {spaced} ",
        "issuing_state": document["issuing_state"].lower(),
    }

    answer = ask(client, token, **question(entitlement, document=document)).json()

    assert answer["valid"] is True


@pytest.mark.parametrize(
    "status", [EntitlementStatus.REVOKED, EntitlementStatus.SUSPENDED, EntitlementStatus.EXPIRED]
)
def test_a_revoked_suspended_or_expired_entitlement_is_not_valid(client, entitlement, status):
    party, _client_id, _secret = register(disclosures=[Disclosure.VALID_UNTIL, Disclosure.STATUS])
    token = token_for(party)
    Entitlement.objects.filter(pk=entitlement.pk).update(status=status)

    answer = ask(client, token, **question(entitlement)).json()

    assert answer["valid"] is False
    assert answer["status"] == status
    assert "valid_until" not in answer
    # The holder still sees that the gate asked.
    assert (
        AccessRecord.objects.filter(person_id=str(entitlement.holder_id), channel="api").count()
        == 1
    )


def test_after_its_last_day_it_is_not_valid(client, entitlement):
    party, _client_id, _secret = register(disclosures=[Disclosure.VALID_UNTIL, Disclosure.STATUS])
    token = token_for(party)
    day_after = entitlement.valid_until + dt.timedelta(days=1)

    answer = ask(client, token, **question(entitlement, on=day_after.isoformat())).json()
    last_day = ask(
        client, token, **question(entitlement, on=entitlement.valid_until.isoformat())
    ).json()

    assert (answer["valid"], answer["status"]) == (False, "expired")
    assert (last_day["valid"], last_day["status"]) == (True, "active")


def test_status_is_told_only_to_relying_parties_registered_for_it(client, entitlement, gate):
    _party, token = gate
    Entitlement.objects.filter(pk=entitlement.pk).update(status=EntitlementStatus.REVOKED)

    answer = ask(client, token, **question(entitlement)).json()

    assert answer["valid"] is False and "status" not in answer


# --- refusals -----------------------------------------------------------------------------------


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"purpose": "marketing"}, "“marketing” is not one you are registered for"),
        ({"purpose": ""}, "State a purpose"),
        ({"purpose": "   "}, "State a purpose"),
        ({"entitlement_type": "driving-licence"}, "type “driving-licence”"),
    ],
)
def test_a_question_outside_the_registration_is_refused(client, entitlement, gate, changes, words):
    party, token = gate

    body = problem(ask(client, token, **question(entitlement, **changes)), 403)

    assert body["type"].endswith("/problems/verification-not-allowed")
    assert words in body["detail"]
    assert not VerificationCheck.objects.exists()
    assert AuditEvent.objects.filter(
        action=CredentialAction.CHECK_REFUSED, subject_id=str(party.pk)
    ).exists()


def test_a_question_without_a_purpose_field_is_refused(client, entitlement, gate):
    _party, token = gate
    body = question(entitlement)
    del body["purpose"]

    assert "State a purpose" in problem(ask(client, token, **body), 403)["detail"]


def test_without_a_token_the_answer_is_401_naming_bearer(client, entitlement):
    response = ask(client, None, **question(entitlement))

    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert "error=" not in response["WWW-Authenticate"]


@pytest.mark.parametrize(
    "kind", ["unknown", "expired", "no_scope", "inactive", "client_off", "basic"]
)
def test_a_bad_token_is_401_invalid_token(client, entitlement, gate, kind):
    party, token = gate
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if kind == "unknown":
        headers = {"HTTP_AUTHORIZATION": "Bearer " + secrets.token_urlsafe(32)}
    elif kind == "expired":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(party, minutes=-1)}"}
    elif kind == "no_scope":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(party, scope='openid')}"}
    elif kind == "inactive":
        RelyingParty.objects.filter(pk=party.pk).update(is_active=False)
    elif kind == "client_off":  # the OAuth client itself switched off in the admin
        ClientPolicy.objects.filter(application=party.application).update(is_active=False)
    elif kind == "basic":
        headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"a:b").decode()}

    response = client.post(URL, question(entitlement), content_type="application/json", **headers)

    problem(response, 401)
    assert response["WWW-Authenticate"].startswith('Bearer realm="onegate-verification"')
    if kind != "basic":
        assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert not VerificationCheck.objects.exists()


def test_a_revoked_token_is_refused_at_once(client, entitlement, gate):
    _party, token = gate
    assert ask(client, token, **question(entitlement)).status_code == 200

    AccessToken.objects.all().delete()

    problem(ask(client, token, **question(entitlement)), 401)


def test_a_flood_from_one_client_is_rate_limited(client, entitlement):
    party, _client_id, _secret = register(checks_per_minute=1)
    token = token_for(party)
    other, _id, _s = register(name_en="Clinic")
    other_token = token_for(other, scope="credentials.verify")

    # Three checks span at most one minute boundary, so two fall in one window of one check.
    answers = [ask(client, token, **question(entitlement)) for _ in range(3)]

    limited = [response for response in answers if response.status_code == 429]
    assert limited, [response.status_code for response in answers]
    body = problem(limited[0], 429)
    assert body["type"].endswith("/problems/verification-rate-limited")
    assert 1 <= int(limited[0]["Retry-After"]) <= 60
    # Another client is not held back by this one's flood.
    assert ask(client, other_token, **question(entitlement)).status_code == 200


def test_the_burst_limit_is_a_tenth_of_the_minute_limit_and_at_least_ten(db):
    from onegate.credentials.ratelimit import Window, client_windows, rate_limit_hit

    assert client_windows(600) == (Window(1, 60), Window(60, 600))
    assert client_windows(30) == (Window(1, 10), Window(60, 30))
    windows = client_windows(600)
    start = 1_000_000.25
    waits = [rate_limit_hit(key="t", windows=windows, now=start) for _ in range(61)]
    assert waits[:60] == [None] * 60
    assert waits[60] == 1
    assert rate_limit_hit(key="t", windows=windows, now=start + 1) is None


def test_closed_windows_are_forgotten_when_a_new_minute_opens(db):
    from onegate.credentials.models import RateCounter
    from onegate.credentials.ratelimit import client_windows, rate_limit_hit

    windows = client_windows(600)
    start = 1_000_000.25
    for second in range(3):
        rate_limit_hit(key="t", windows=windows, now=start + second)
    assert RateCounter.objects.count() == 4  # three one-second windows, one minute window

    # The first request of the minute after next: everything closed a minute ago goes.
    rate_limit_hit(key="t", windows=windows, now=start + 180)

    assert sorted(RateCounter.objects.values_list("hits", flat=True)) == [1, 1]


def test_the_rate_limit_fails_closed_when_the_database_fails(
    client, entitlement, gate, monkeypatch
):
    from onegate.credentials import ratelimit

    _party, token = gate
    # The counters' table is not there: what a failed or unreachable database gives.
    monkeypatch.setattr(ratelimit, "_table", '"credentials_no_such_table"')
    response = ask(client, token, **question(entitlement))

    problem(response, 503)
    assert response["Retry-After"] == "1"
    assert not VerificationCheck.objects.exists()


@pytest.mark.parametrize(
    ("document", "pointer"),
    [
        ({"type": "passport", "number": "AB-12#34", "issuing_state": "GBR"}, "#/document/number"),
        (
            {"type": "passport", "number": "AB1234567", "issuing_state": "XYZ"},
            "#/document/issuing_state",
        ),
        ({"type": "passport", "number": "AB1234567"}, "#/document/issuing_state"),
        ({"type": "national_id", "number": "1234567890123"}, "#/document/number"),
        ({"type": "driving_licence", "number": "1"}, "#/document/type"),
        ({"number": "AB1234567"}, "#/document/type"),
    ],
)
def test_a_document_that_is_not_valid_is_422_with_a_pointer(
    client, entitlement, gate, document, pointer
):
    _party, token = gate

    body = problem(ask(client, token, **question(entitlement, document=document)), 422)

    assert body["type"].endswith("/problems/validation-error")
    assert pointer in [error.get("pointer") for error in body["errors"]]
    assert not VerificationCheck.objects.exists()


def test_a_body_that_is_not_json_is_a_problem(client, gate):
    _party, token = gate

    response = client.post(
        URL, b"{not json", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    problem(response, 400)


# --- the whole way: register, get a token from /o/token/, ask ---------------------------------


def token_from_token_endpoint(client: Client, client_id: str, secret: str, scope: str) -> Any:
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def test_registering_a_relying_party_makes_a_client_and_is_audited(db):
    party, client_id, secret = register()

    assert party.application.client_id == client_id
    assert party.application.authorization_grant_type == "client-credentials"
    assert party.application.client_secret != secret  # only its hash is kept
    assert "credentials.verify" in party.application.onegate_policy.allowed_scopes
    event = AuditEvent.objects.get(action=CredentialAction.RELYING_PARTY_REGISTERED)
    assert event.subject_id == str(party.pk) and secret not in str(event.payload)


def test_a_relying_party_gets_a_token_with_its_secret_and_asks(client, entitlement):
    _party, client_id, secret = register()

    issued = token_from_token_endpoint(client, client_id, secret, "credentials.verify")
    assert issued.status_code == 200, issued.content
    token = issued.json()["access_token"]

    answer = ask(client, token, **question(entitlement)).json()
    assert answer["valid"] is True


def test_a_wrong_secret_gets_no_token(client, db):
    _party, client_id, _secret = register()

    issued = token_from_token_endpoint(client, client_id, "wrong", "openid credentials.verify")

    assert issued.status_code == 401


def test_the_openapi_document_describes_the_check(client, db):
    document = client.get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/verification/checks"]["post"]
    assert {"200", "401", "403", "422", "429"} <= {str(code) for code in operation["responses"]}
    assert operation["security"]
    example = operation["requestBody"]["content"]["application/json"]["example"]
    assert example["purpose"] == "border_entry"
    assert "application/problem+json" in operation["responses"]["403"]["content"]


def test_a_check_costs_a_count_a_read_and_one_write(client, entitlement, gate):
    """The hot path: the token from memory, the rate limit's upsert, one indexed read, and the
    check with the holder's access record and its audit record written together (PostgreSQL:
    one statement, its inserts in CTEs; SQLite: three inserts in a savepoint here, in a
    transaction of their own in production)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _party, token = gate
    body = question(entitlement)
    ask(client, token, **body)  # the token is remembered from here on

    with CaptureQueriesContext(connection) as queries:
        response = ask(client, token, **body)

    assert response.status_code == 200
    sql = [" ".join(query["sql"].split()) for query in queries.captured_queries]
    # In a test the request runs inside a transaction, so the upsert has a savepoint.
    assert sql[0].startswith("SAVEPOINT") and sql[2].startswith("RELEASE SAVEPOINT"), sql
    assert sql[1].startswith('INSERT INTO "credentials_ratecounter"'), sql
    assert "ON CONFLICT" in sql[1], sql
    assert sql[3].startswith("SELECT"), sql
    writes = sql[4:]
    tables = ("credentials_verificationcheck", "registries_accessrecord", "audit_auditevent")
    if connection.vendor == "postgresql":
        assert len(writes) == 1, sql
        assert writes[0].startswith("WITH"), sql
        assert all(f'INSERT INTO "{table}"' in writes[0] for table in tables), sql
    else:
        inserts = [statement for statement in writes if statement.startswith("INSERT")]
        assert [table for table in tables for s in inserts if f'"{table}"' in s] == list(tables)
        assert len(writes) <= 5, sql  # the three inserts and the savepoint's two statements


def test_a_check_records_what_the_access_log_and_the_audit_log_would(client, entitlement, gate):
    """The rows a check writes itself are those ``access_record_write`` writes for a read."""
    from onegate.registries.access import access_record_write
    from onegate.registries.adapters.base import AccessContext
    from onegate.registries.constants import AccessorKind

    party, token = gate

    def new(model: Any, before: set[Any]) -> Any:
        return (
            model.objects.exclude(pk__in=before).get(channel="api")
            if model is AccessRecord
            else (model.objects.exclude(pk__in=before).get())
        )

    seen = set(AccessRecord.objects.values_list("pk", flat=True))
    events = set(AuditEvent.objects.values_list("pk", flat=True))
    assert ask(client, token, **question(entitlement)).status_code == 200
    check = VerificationCheck.objects.get()
    written, event = new(AccessRecord, seen), new(AuditEvent, events)
    seen.add(written.pk)
    events.add(event.pk)
    access_record_write(
        access=AccessContext(
            kind=AccessorKind.AGENCY_SYSTEM,
            accessor_id=party.application.client_id,
            accessor_label=party.name_en,
            organisation=party.organisation,
            purpose=check.purpose,
            channel="api",
        ),
        question="credentials.entitlement_check",
        person_ids=[str(entitlement.holder_id)],
        facts=["credentials.entitlement"],
    )
    expected, expected_event = new(AccessRecord, seen), new(AuditEvent, events)

    def fields(row: Any, *, skip: tuple[str, ...]) -> dict[str, Any]:
        return {
            f.attname: getattr(row, f.attname)
            for f in type(row)._meta.concrete_fields
            if f.attname not in skip
        }

    assert fields(written, skip=("id", "created_at")) == fields(expected, skip=("id", "created_at"))
    assert fields(event, skip=("id", "created_at")) == fields(
        expected_event, skip=("id", "created_at")
    )
    assert written.created_at == event.created_at == check.checked_at
