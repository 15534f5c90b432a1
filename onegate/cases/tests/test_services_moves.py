"""Tell us you have moved: an approved move goes on the house register once, and only the
agencies the person ticked are told (``services.moves``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import CaseAction
from onegate.audit.models import AuditEvent
from onegate.cases.constants import CaseStatus, EventKind
from onegate.cases.models import Case
from onegate.cases.services.moves import case_move_record
from onegate.cases.status import case_page_context
from onegate.cases.tests.factories import (
    _start_self,
    citizen_account,
    demo_services,  # noqa: F401  (fixture)
    run_tasks,
    send,
)
from onegate.identity.models import User
from onegate.registries.addresses import AddressInput, address_validate
from onegate.registries.constants import DeliveryStatus
from onegate.registries.models import Address, Person, RegistryEvent
from onegate.registries.selectors_events import address_change_deliveries_for
from onegate.registries.services.addresses import address_change_report
from onegate.registries.tests.events_support import bangkok_address, make_divisions, subscribe
from onegate.runner.tests.journey_support import pages_saved

pytestmark = pytest.mark.usefixtures("demo_services")

MOVE = "tell-us-you-have-moved"
CHIANG_MAI = {
    "kind": "thai",
    "house_number": "99",
    "village": "",
    "moo": "4",
    "soi": "",
    "road": "Ratchadamnoen",
    "sub_district": "Si Phum",
    "district": "Mueang Chiang Mai",
    "province": "Chiang Mai",
    "postcode": "50200",
    "sub_district_code": "500101",
}


@pytest.fixture(autouse=True)
def agencies(db: Any) -> None:
    """Three agencies want to hear of moves; the person ticks two of them below."""
    make_divisions()
    for slug in ("education", "health", "land-transport"):
        subscribe(slug)


def mover(*, lived_there_from: dt.date = dt.date(2015, 6, 1)) -> tuple[User, Person]:
    user, person = citizen_account()
    bangkok_address(person, valid_from=lived_there_from)
    return user, person


def move_sent(user: User, *, moved_on: dt.date, tick: tuple[str, ...]) -> Any:
    pages: dict[str, dict[str, Any]] = {
        "new_address_page": {
            "new_address": CHIANG_MAI,
            "moved_on": moved_on.isoformat(),
            "home_status": "own",
        },
        "who_is_moving": {"others_moving": False},
        "who_to_tell": {"agencies_to_tell": list(tick)},
    }
    return send(user, pages_saved(user, _start_self(user, MOVE), pages))


def approved_move(user: User, **given: Any) -> Case:
    application = move_sent(user, **given)
    run_tasks()  # opened, decided by the rules, announced, recorded, delivered
    case = Case.objects.get(application=application)
    assert case.status == CaseStatus.APPROVED, case.rules
    return case


def current_address(person: Person) -> Address:
    return Address.objects.get(person=person, valid_until__isnull=True)


def timeline(case: Case) -> list[str]:
    with translation.override("en"):
        return [entry.title for entry in case_page_context(case)["timeline"]]


def test_an_approved_move_is_on_the_register_and_only_ticked_agencies_are_told() -> None:
    # given a person who moved three days ago and ticked transport and health, not education
    user, person = mover()
    moved_on = timezone.localdate() - dt.timedelta(days=3)
    # when the rules approve it and the worker runs
    case = approved_move(user, moved_on=moved_on, tick=("land_transport", "health"))
    # then the house register has the new address from the moving day
    now = current_address(person)
    assert (now.sub_district_id, now.valid_from) == ("500101", moved_on)
    # and the two ticked agencies were told, education was not
    [change] = address_change_deliveries_for(person_id=person.pk)
    told = {(d.agency_slug, d.status) for d in change.deliveries}
    assert told == {
        ("health", DeliveryStatus.DELIVERED),
        ("land-transport", DeliveryStatus.DELIVERED),
    }
    # and the person's case history says so, with a way to see the agencies told
    assert (
        "Your new address is on the house register, and the agencies you chose are being told"
        in timeline(case)
    )
    assert case_page_context(case)["move_recorded"] is True


def test_a_retried_recording_does_not_record_the_move_twice() -> None:
    user, person = mover()
    case = approved_move(user, moved_on=timezone.localdate() - dt.timedelta(days=1), tick=())
    # when the task runs again (a retry, or the announcement sent twice)
    again = case_move_record(case_id=str(case.pk))
    # then nothing more is written: one move, one event, no agency told (none was ticked)
    assert again == EventKind.MOVE_RECORDED
    assert RegistryEvent.objects.filter(person=person).count() == 1
    assert Address.objects.filter(person=person).count() == 2
    [change] = address_change_deliveries_for(person_id=person.pk)
    assert change.deliveries == ()
    assert case.events.filter(kind=EventKind.MOVE_RECORDED).count() == 1


def test_a_move_the_register_refuses_keeps_the_decision_and_tells_the_person() -> None:
    # given a person whose current address began yesterday, reporting a move of last week
    today = timezone.localdate()
    user, person = mover(lived_there_from=today - dt.timedelta(days=1))
    case = approved_move(user, moved_on=today - dt.timedelta(days=7), tick=("health",))
    # then the decision stands but the register is unchanged and nobody is told
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert current_address(person).sub_district_id == "100101"
    assert not RegistryEvent.objects.filter(person=person).exists()
    # and the person reads what to do; the refusal is audited without the address
    assert any("could not take your new address" in title for title in timeline(case))
    [audited] = AuditEvent.objects.filter(action=CaseAction.MOVE_NOT_RECORDED)
    assert audited.payload == {"reference": case.reference, "code": "before_current"}
    # and a retry leaves it at that
    assert case_move_record(case_id=str(case.pk)) == EventKind.MOVE_NOT_RECORDED
    assert case.events.filter(kind=EventKind.MOVE_NOT_RECORDED).count() == 1


def test_a_move_next_week_goes_on_the_register_on_the_moving_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user, person = mover()
    moving_day = timezone.localdate() + dt.timedelta(days=7)
    case = approved_move(user, moved_on=moving_day, tick=("education",))
    # the register holds no future address: it waits, in a task due on the moving day
    assert current_address(person).sub_district_id == "100101"
    assert "Your new address goes on the house register on the day you move" in timeline(case)
    waiting = DBTaskResult.objects.filter(
        task_path__endswith="case_move_record_task", status="READY"
    ).get()
    assert timezone.localdate(waiting.run_after) == moving_day
    # and the wait is audited, without the date
    [audited] = AuditEvent.objects.filter(action=CaseAction.MOVE_SCHEDULED)
    assert audited.payload == {"reference": case.reference}
    # on the day, the task records it and tells the agency chosen
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: moving_day)
    assert case_move_record(case_id=str(case.pk)) == EventKind.MOVE_RECORDED
    assert current_address(person).valid_from == moving_day
    [change] = address_change_deliveries_for(person_id=person.pk)
    assert [d.agency_slug for d in change.deliveries] == ["education"]


def test_a_case_of_another_service_is_left_alone() -> None:
    user, person = mover()
    case = approved_move(user, moved_on=timezone.localdate(), tick=())
    Case.objects.filter(pk=case.pk).update(service_slug="renew-driving-licence")
    case.events.filter(kind=EventKind.MOVE_RECORDED).delete()

    assert case_move_record(case_id=str(case.pk)) == ""
    assert RegistryEvent.objects.filter(person=person).count() == 1


def test_a_move_already_reported_from_the_account_counts_as_recorded() -> None:
    # given a person who reported the same move, same day, from their account first and had
    # the health agency told
    today = timezone.localdate()
    user, person = mover()
    moved_on = today - dt.timedelta(days=2)
    same_place = AddressInput(
        house_number="99",
        moo="4",
        road="Ratchadamnoen",
        sub_district_code="500101",
        postcode="50200",
    )
    address_change_report(
        person=person,
        address=address_validate(address=same_place),
        moved_on=moved_on,
        actor=user,
        purpose="Report a move from the account",
        agencies=("health",),
    )
    # when their "Tell us you have moved" for the same move is approved
    case = approved_move(user, moved_on=moved_on, tick=("land_transport", "health"))
    # then the person reads that it is recorded, not "report it again"
    titles = timeline(case)
    assert (
        "Your new address is on the house register, and the agencies you chose are being told"
        in titles
    )
    assert not any("could not take your new address" in title for title in titles)
    assert not AuditEvent.objects.filter(action=CaseAction.MOVE_NOT_RECORDED).exists()
    # and the register still has the one move, with no agency told a second time
    assert current_address(person).valid_from == moved_on
    [change] = address_change_deliveries_for(person_id=person.pk)
    assert [d.agency_slug for d in change.deliveries] == ["health"]


def test_a_person_no_longer_on_the_register_is_told_to_report_the_move_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given an approved move next week, for a person who is then not found on the register
    user, person = mover()
    moving_day = timezone.localdate() + dt.timedelta(days=7)
    case = approved_move(user, moved_on=moving_day, tick=("health",))
    Case.objects.filter(pk=case.pk).update(subject_person_id=str(uuid.uuid4()))
    # when the moving day's task runs
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: moving_day)
    assert case_move_record(case_id=str(case.pk)) == EventKind.MOVE_NOT_RECORDED
    # then the decision stands, nothing is written, and the person reads what to do
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    assert not RegistryEvent.objects.filter(person=person).exists()
    assert any("could not take your new address" in title for title in timeline(case))
    [audited] = AuditEvent.objects.filter(action=CaseAction.MOVE_NOT_RECORDED)
    assert audited.payload == {"reference": case.reference, "code": "not_on_register"}
