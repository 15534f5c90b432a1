"""The credentials authorization matrix: every entitlement and gate URL, tried by everyone.

For each URL of the holder's pages (the list, one entitlement, its credential file, its card,
"report it lost"), the back office's (search, one entitlement, suspend, reinstate, revoke) and
the border gate, each actor is tried: nobody signed in, the holder, another citizen, a delegate
acting for a different person, a delegate of the holder whose delegation covers another service,
a delegate of the holder for the travel authority, a case worker of immigration (the granting
agency), a team lead of another agency (land transport), the team lead of immigration and a
border officer of immigration.

What counts as being let in: a GET that shows the page (200), or a POST that changes anything
(the entitlement's status, version, events, credentials, or the checks made). The expected sets
below are the only ones let in; every other pairing must end at the sign-in page, 403 (a staff
page the role may not open) or 404 (an entitlement the actor may not know exists). Unexpected
allows must be zero; each expected GET must really be allowed (so the matrix cannot pass by
refusing everyone). Then the allowed POSTs, each once; a parent acting for a child; the API with
a relying party not registered for the type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from onegate.cases.tests.factories import (  # noqa: F401  (fixture)
    ETA,
    LICENCE,
    citizen_account,
    demo_services,
    staff,
)
from onegate.credentials.api import tokens_forget
from onegate.credentials.constants import CredentialStatus, EntitlementStatus, LinkScheme
from onegate.credentials.models import Credential, Entitlement, EntitlementEvent, VerificationCheck
from onegate.credentials.services import entitlement_issue_for_case
from onegate.credentials.tests.factories import child_health_case, entitlement_make
from onegate.credentials.tests.test_api import ask, question, register, token_for
from onegate.identity.constants import StaffRole
from onegate.identity.tests.acting_fixtures import active_delegation, strong_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_services")]

HOLDER = "holder"
DELEGATE = "delegate_in_scope"
LEAD = "immigration:team_lead"
OTHER_LEAD = "land-transport:team_lead"
BORDER = "immigration:border_officer"
HOLDERS = frozenset({HOLDER, DELEGATE})


@dataclass
class World:
    entitlement: Entitlement  # an active travel authority
    actors: dict[str, Any]  # name -> account (None: nobody signed in)


@pytest.fixture
def world() -> World:
    entitlement = entitlement_make()
    holder = entitlement.case.user
    holder_person = entitlement.holder
    assert holder is not None
    someone, someone_person = citizen_account()
    for_someone, for_someone_person = citizen_account()
    active_delegation(someone_person, someone, for_someone, for_someone_person, services=[ETA])
    other_service, other_service_person = citizen_account()
    active_delegation(
        holder_person, holder, other_service, other_service_person, services=[LICENCE]
    )
    in_scope, in_scope_person = citizen_account()
    active_delegation(holder_person, holder, in_scope, in_scope_person, services=[ETA])
    actors: dict[str, Any] = {
        "anonymous": None,
        HOLDER: holder,
        "stranger": citizen_account()[0],
        "delegate_for_someone_else": for_someone,
        "delegate_for_another_service": other_service,
        DELEGATE: in_scope,
        "immigration:case_worker": staff(StaffRole.CASE_WORKER, "immigration"),
        OTHER_LEAD: staff(StaffRole.TEAM_LEAD, "land-transport"),
        LEAD: staff(StaffRole.TEAM_LEAD, "immigration"),
        BORDER: staff(StaffRole.BORDER_OFFICER, "immigration"),
    }
    return World(entitlement, actors)


@dataclass(frozen=True)
class Try:
    name: str  # URL name
    allowed_get: frozenset[str]
    allowed_post: frozenset[str] = frozenset()
    post: bool = False
    get: bool = True
    entitlement: bool = True  # whether the URL names the entitlement
    query: str = ""


TRIES = (
    # The holder's pages (the list is everyone's own: what it shows is checked below).
    Try("entitlements:detail", HOLDERS),
    Try("entitlements:download", HOLDERS),
    Try("entitlements:card", HOLDERS),
    Try("entitlements:lost", HOLDERS, HOLDERS, post=True),
    # The back office: immigration's team lead manages what immigration granted.
    Try("entitlements:staff_entitlement", frozenset({LEAD})),
    Try("entitlements:suspend", frozenset(), frozenset({LEAD}), post=True, get=False),
    # Reinstating an active entitlement changes nothing, whoever asks.
    Try("entitlements:reinstate", frozenset(), frozenset(), post=True, get=False),
    Try("entitlements:revoke", frozenset(), frozenset({LEAD}), post=True, get=False),
    # The gate: border officers only.
    Try(
        "verification:gate",
        frozenset({BORDER}),
        frozenset({BORDER}),
        post=True,
        entitlement=False,
    ),
)


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        strong_session(client, user)
    return client


def _path(attempt: Try, world: World) -> str:
    kwargs = {"entitlement_id": world.entitlement.pk} if attempt.entitlement else {}
    return reverse(attempt.name, kwargs=kwargs) + attempt.query


def _post_data(world: World) -> dict[str, Any]:
    """A form that would act if the actor were allowed: every field any action reads."""
    found = Entitlement.objects.get(pk=world.entitlement.pk)
    link = found.links.get(scheme=LinkScheme.PASSPORT)
    data: dict[str, Any] = {"lock_version": found.lock_version}
    for action in ("suspend", "reinstate", "revoke"):
        data[f"{action}-lock_version"] = found.lock_version
        data[f"{action}-reason"] = "Someone who may not do this tries anyway."
    return data | {"way": "number", "number": link.value, "issuing_state": link.issuing_state}


def _state(world: World) -> tuple[Any, ...]:
    found = Entitlement.objects.get(pk=world.entitlement.pk)
    credentials = tuple(Credential.objects.order_by("pk").values_list("pk", "status"))
    return (
        found.status,
        found.lock_version,
        EntitlementEvent.objects.count(),
        credentials,
        VerificationCheck.objects.count(),
    )


def _refused_properly(name: str, response: Any) -> bool:
    if name == "anonymous":
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code in (403, 404, 405)


def _get_verdict(attempt: Try, name: str, client: Client, path: str) -> tuple[str, str]:
    """("unexpected" | "wrongly_refused" | "", what happened) for one GET."""
    response = client.get(path)
    seen = f"GET {attempt.name} by {name}: {response.status_code}"
    expected = name in attempt.allowed_get
    if response.status_code == 200:
        return ("" if expected else "unexpected"), seen
    if expected:
        return "wrongly_refused", seen
    return ("" if _refused_properly(name, response) else "unexpected"), seen


def test_no_one_is_let_in_who_should_not_be(world: World):
    found: dict[str, list[str]] = {"unexpected": [], "wrongly_refused": [], "": []}
    clients = {name: _client(user) for name, user in world.actors.items()}
    for attempt in TRIES:
        path = _path(attempt, world)
        for name, client in clients.items():
            if attempt.get:
                verdict, seen = _get_verdict(attempt, name, client, path)
                found[verdict].append(seen)
            if not attempt.post or name in attempt.allowed_post:
                continue
            before = _state(world)
            response = client.post(path, _post_data(world))
            if _state(world) != before:
                found["unexpected"].append(f"POST {attempt.name} by {name} changed something")
            elif response.status_code not in (409,) and not _refused_properly(name, response):
                found["unexpected"].append(f"POST {attempt.name} by {name}: {response.status_code}")
    assert found["unexpected"] == []
    assert found["wrongly_refused"] == []


def test_the_list_shows_the_entitlement_only_to_its_holder_and_their_delegate(world: World):
    path = reverse("entitlements:list")
    reference = world.entitlement.reference
    for name, user in world.actors.items():
        response = _client(user).get(path)
        if user is None:
            assert _refused_properly(name, response), name
            continue
        assert response.status_code == 200, f"{name}: {response.status_code}"
        shown = reference in response.content.decode()
        assert shown == (name in HOLDERS), f"{name} {'sees' if shown else 'misses'} it"


def test_only_team_leads_may_search_and_only_their_agencys_entitlements(world: World):
    path = reverse("entitlements:staff_search") + f"?q={world.entitlement.reference}"
    for name, user in world.actors.items():
        response = _client(user).get(path)
        if name not in (LEAD, OTHER_LEAD):
            assert _refused_properly(name, response), f"{name}: {response.status_code}"
            continue
        assert response.status_code == 200, name
        link = reverse("entitlements:staff_entitlement", args=[world.entitlement.pk])
        shown = link in response.content.decode()  # (the reference is in the search box)
        assert shown == (name == LEAD), f"{name} {'sees' if shown else 'misses'} it"


# --- what the allowed actors may do ------------------------------------------------------------


def test_the_holder_reports_it_lost_and_a_new_credential_is_issued(world: World):
    before = set(world.entitlement.credentials.values_list("pk", flat=True))
    response = _client(world.actors[HOLDER]).post(
        reverse("entitlements:lost", kwargs={"entitlement_id": world.entitlement.pk}),
        _post_data(world),
    )
    assert response.status_code == 302
    credentials = dict(world.entitlement.credentials.values_list("pk", "status"))
    assert {credentials[pk] for pk in before} == {CredentialStatus.SUSPENDED}
    assert len(credentials) == len(before) + 1


def test_the_team_lead_of_the_granting_agency_suspends_and_revokes(world: World):
    lead = _client(world.actors[LEAD])
    kwargs = {"entitlement_id": world.entitlement.pk}
    assert lead.post(reverse("entitlements:suspend", kwargs=kwargs), _post_data(world)).status_code
    world.entitlement.refresh_from_db()
    assert world.entitlement.status == EntitlementStatus.SUSPENDED
    lead.post(reverse("entitlements:revoke", kwargs=kwargs), _post_data(world))
    world.entitlement.refresh_from_db()
    assert world.entitlement.status == EntitlementStatus.REVOKED


def test_a_border_officer_checks_at_the_gate_and_the_check_is_recorded(world: World):
    response = _client(world.actors[BORDER]).post(reverse("verification:gate"), _post_data(world))
    assert response.status_code == 200
    assert ">Valid<" in response.content.decode()
    assert VerificationCheck.objects.filter(entitlement=world.entitlement).count() == 1


# --- a parent for a child; the API ------------------------------------------------------------


def test_a_parent_acting_for_a_child_sees_the_childs_entitlement():
    household, case = child_health_case()
    found = entitlement_issue_for_case(case_id=str(case.pk))
    assert found is not None and str(found.holder_id) == str(household.child.pk)
    parent = _client(household.parent_user)
    listed = parent.get(reverse("entitlements:list"))
    assert found.reference in listed.content.decode()
    detail = parent.get(reverse("entitlements:detail", kwargs={"entitlement_id": found.pk}))
    assert detail.status_code == 200
    assert found.reference in detail.content.decode()
    stranger = _client(citizen_account()[0])
    assert (
        stranger.get(
            reverse("entitlements:detail", kwargs={"entitlement_id": found.pk})
        ).status_code
        == 404
    )


@pytest.fixture
def fresh_limits() -> Any:
    cache.clear()
    tokens_forget()
    yield
    cache.clear()
    tokens_forget()


def test_a_relying_party_not_registered_for_the_type_is_refused(world: World, fresh_limits: Any):
    # given a clinic registered to check child health cards only
    clinic, _client_id, _secret = register(
        name_en="Siriraj Hospital",
        name_th="โรงพยาบาลศิริราช",
        organisation="Siriraj Hospital",
        agency_slug="health",
        entitlement_types=["child-health-card"],
        purposes=["treatment"],
    )
    # when it asks about a travel authority
    response = ask(Client(), token_for(clinic), **question(world.entitlement, purpose="treatment"))
    # then it is refused, as problem details, and nothing is recorded for the holder
    assert response.status_code == 403, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert "travel-authority" in response.json()["detail"]
    assert not VerificationCheck.objects.exists()
