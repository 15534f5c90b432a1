"""The cases authorization matrix: every case URL and action, tried by everyone who should not.

For each of the cases module's URLs (the person's case pages and the back office), each actor is
tried: nobody signed in, another citizen, a delegate whose delegation does not cover the service,
staff of another agency, and every staff role of the case's own agency. What counts as being let
in: a GET that shows the page (200), or a POST that changes anything (a case's state, version,
officer, history, requests or the number of cases). The expected sets below are the only ones
let in; every other pairing must end at the sign-in page, 403 (a staff page the role may not
open) or 404 (an object the actor may not know exists). Unexpected allows must be zero; each
expected GET must really be allowed (so the matrix cannot pass by refusing everyone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from onegate.cases.constants import CaseStatus
from onegate.cases.models import Case, CaseEvent, CaseFile, InformationRequest
from onegate.cases.tests.factories import (
    AGENCY,
    ETA,
    LICENCE,
    case_in,
    citizen_account,
    demo_services,  # noqa: F401  (fixture)
    referred_case,
    staff,
)
from onegate.identity.constants import StaffRole
from onegate.identity.tests.acting_fixtures import active_delegation, strong_session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_services")]

AGENCY_ROLES = (
    StaffRole.CASE_WORKER,
    StaffRole.TEAM_LEAD,
    StaffRole.SERVICE_OWNER,
    StaffRole.AGENCY_ADMIN,
    StaffRole.REGISTRY_OFFICER,
    StaffRole.BORDER_OFFICER,
    StaffRole.AUDITOR,
)
# Who works the case's agency's cases (besides the officer it is assigned to).
CASEWORK = {"land-transport:case_worker", "land-transport:team_lead", "assigned"}
CASEWORK_ANYWHERE = CASEWORK | {"immigration:case_worker", "immigration:team_lead"}


@dataclass
class World:
    requested: Case  # in review, information asked of the person (the open request)
    answered: Case  # information received, with a file
    refused: Case  # refused with four eyes
    waiting: Case  # referred, in the queue, nobody on it
    actors: dict[str, Any]  # name -> account (None: nobody signed in)

    def cases(self) -> list[Case]:
        return [self.requested, self.answered, self.refused, self.waiting]


@pytest.fixture
def world() -> World:
    officer = staff(StaffRole.CASE_WORKER, AGENCY[LICENCE])
    owner, owner_person = citizen_account()
    # In this order: each is taken from the queue, where an answered case goes back.
    refused = case_in(CaseStatus.REFUSED, user=owner)
    requested = case_in(CaseStatus.INFORMATION_REQUESTED, user=owner, officer=officer)
    answered = case_in(CaseStatus.INFORMATION_RECEIVED, user=owner)
    waiting = referred_case(user=owner)
    stranger, _person = citizen_account()
    delegate, delegate_person = citizen_account()
    active_delegation(owner_person, owner, delegate, delegate_person, services=[ETA])
    actors: dict[str, Any] = {
        "anonymous": None,
        "stranger": stranger,
        "delegate_out_of_scope": delegate,
        "assigned": officer,
    }
    for role in AGENCY_ROLES:
        actors[f"land-transport:{role}"] = staff(role, "land-transport")
    for role in (StaffRole.CASE_WORKER, StaffRole.TEAM_LEAD, StaffRole.AGENCY_ADMIN):
        actors[f"immigration:{role}"] = staff(role, "immigration")
    return World(requested, answered, refused, waiting, {"owner": owner, **actors})


@dataclass(frozen=True)
class Try:
    name: str  # URL name in the "cases" namespace
    case: Callable[[World], Case]
    allowed_get: frozenset[str]
    allowed_post: frozenset[str] = frozenset()
    post: bool = False
    get: bool = True
    kwargs_of: Callable[[World], dict[str, Any]] | None = None


def _request_id(world: World) -> dict[str, Any]:
    return {"request_id": world.requested.information_requests.get(answered_at=None).pk}


def _answer_file(world: World) -> dict[str, Any]:
    return {"file_id": CaseFile.objects.get(request__case=world.answered).pk}


def _upload(world: World) -> dict[str, Any]:
    return {"upload_id": world.requested.application.uploads.first().pk}  # type: ignore[union-attr]


OWNER = frozenset({"owner"})
REQUESTED: Callable[[World], Case] = lambda world: world.requested  # noqa: E731
ANSWERED: Callable[[World], Case] = lambda world: world.answered  # noqa: E731
REFUSED: Callable[[World], Case] = lambda world: world.refused  # noqa: E731
WAITING: Callable[[World], Case] = lambda world: world.waiting  # noqa: E731

TRIES = (
    # The person's pages.
    Try("case", REQUESTED, OWNER),
    Try("answer", REQUESTED, OWNER, OWNER, post=True, kwargs_of=_request_id),
    Try("withdraw", REQUESTED, OWNER, OWNER, post=True),
    Try("review", REFUSED, OWNER, OWNER, post=True),
    Try("notice", REFUSED, OWNER),
    Try("notice_pdf", REFUSED, OWNER),
    Try("file", ANSWERED, OWNER, kwargs_of=_answer_file),
    # The back office.
    Try("staff_case", REQUESTED, frozenset(CASEWORK)),
    Try("note", REQUESTED, frozenset(), frozenset(CASEWORK), post=True, get=False),
    Try("request_information", REQUESTED, frozenset(CASEWORK), frozenset({"assigned"}), post=True),
    Try("decide", REQUESTED, frozenset(CASEWORK), frozenset({"assigned"}), post=True),
    Try("confirm_refusal", REQUESTED, frozenset(), frozenset(), post=True, get=False),
    Try("reject_refusal", REQUESTED, frozenset(), frozenset(), post=True, get=False),
    Try(
        "assign",
        WAITING,
        frozenset({"land-transport:team_lead"}),
        frozenset({"land-transport:team_lead"}),
        post=True,
    ),
    Try("release", REQUESTED, frozenset(), frozenset({"assigned"}), post=True, get=False),
    Try("staff_upload", REQUESTED, frozenset(CASEWORK), kwargs_of=_upload),
    Try("staff_file", ANSWERED, frozenset(CASEWORK), kwargs_of=_answer_file),
    Try("staff_notice_pdf", REFUSED, frozenset(CASEWORK)),
)


def _post_data(world: World, case: Case) -> dict[str, Any]:
    """A form that would act if the actor were allowed: every field any action reads."""
    officer = world.actors["land-transport:case_worker"]
    return {
        "lock_version": case.lock_version,
        "text": "A note anyone may not write.",
        "question": "Send your specialist's letter, please.",
        "outcome": "approve",
        "approve_template": "generic:conditions_met",
        "refuse_template": "generic:evidence_not_accepted",
        "explanation": "Checked.",
        "to": str(officer.pk),
        "reason": "Please look again.",
        "answer": "Here it is.",
    }


def _state() -> tuple[Any, ...]:
    cases = tuple(
        Case.objects.order_by("pk").values_list(
            "pk", "status", "lock_version", "assigned_to_id", "outcome"
        )
    )
    requests = tuple(InformationRequest.objects.order_by("pk").values_list("pk", "answered_at"))
    return cases, requests, CaseEvent.objects.count(), CaseFile.objects.count()


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        strong_session(client, user)
    return client


def _refused_properly(name: str, response: Any) -> bool:
    if name == "anonymous":
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    # 409: an officer of the agency (who may know the case) refused this action on it.
    return response.status_code in (403, 404, 405, 409)


def _path(attempt: Try, world: World) -> tuple[Case, str]:
    case = attempt.case(world)
    kwargs = {"reference": case.reference}
    if attempt.kwargs_of is not None:
        kwargs |= attempt.kwargs_of(world)
    return case, reverse(f"cases:{attempt.name}", kwargs=kwargs)


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
        case, path = _path(attempt, world)
        for name, client in clients.items():
            if attempt.get:
                verdict, seen = _get_verdict(attempt, name, client, path)
                found[verdict].append(seen)
            if not attempt.post or name in attempt.allowed_post:
                continue
            before = _state()
            client.post(path, _post_data(world, case))
            if _state() != before:
                found["unexpected"].append(f"POST {attempt.name} by {name} changed something")
    assert found["unexpected"] == []
    assert found["wrongly_refused"] == []


def test_take_next_hands_a_case_only_to_its_agencys_case_workers(world: World):
    path = reverse("cases:take_next")
    for name, user in world.actors.items():
        if name in CASEWORK_ANYWHERE and name.startswith("land-transport"):
            continue
        response = _client(user).post(path, {"service": ""})
        assert _refused_properly(name, response) or name in CASEWORK_ANYWHERE, name
        world.waiting.refresh_from_db()
        assert world.waiting.assigned_to_id is None, f"{name} was handed another agency's case"
    taker = world.actors["land-transport:case_worker"]
    _client(taker).post(path, {"service": ""})
    world.waiting.refresh_from_db()
    assert world.waiting.assigned_to_id == taker.pk


@pytest.mark.parametrize("name", ["queues", "queue"])
def test_queues_show_only_the_agencys_own_cases(world: World, name: str):
    path = reverse(f"cases:{name}")
    references = [case.reference for case in world.cases()]
    for actor, user in world.actors.items():
        response = _client(user).get(path)
        if actor not in CASEWORK_ANYWHERE:
            assert _refused_properly(actor, response), f"{name} by {actor}"
            continue
        assert response.status_code == 200, f"{name} by {actor}"
        shown = [ref for ref in references if ref in response.content.decode()]
        if actor.startswith("immigration"):
            assert shown == [], f"{actor} sees another agency's cases"


def test_an_eta_case_is_not_the_transport_agencys(world: World):
    """The same check the other way round: an immigration case, a land-transport officer."""
    eta = referred_case(service=ETA)
    officer = world.actors["land-transport:case_worker"]
    response = _client(officer).get(
        reverse("cases:staff_case", kwargs={"reference": eta.reference})
    )
    assert response.status_code == 404
