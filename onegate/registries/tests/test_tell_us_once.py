"""Tell us once: a reported move updates the register and reaches every subscribed agency.

The first tests check the report itself (one transaction: history, event, outbox, audit; bad
reports refused with nothing written). The last ones run the real task worker in this process and
look at what the person sees: per agency, delivered, waiting, or not delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from onegate.audit.constants import RegistryAction
from onegate.audit.models import AuditEvent
from onegate.catalogue.selectors import catalogue_current, catalogue_forget
from onegate.catalogue.services import catalogue_load_file
from onegate.registries import admin_events  # noqa: F401 (registers the operators' admin)
from onegate.registries.addresses import AddressInput, address_validate
from onegate.registries.constants import AddressKind, DeliveryStatus, EventType
from onegate.registries.demo_subscriptions import DEMO_SUBSCRIBERS, load_demo_subscriptions
from onegate.registries.models import (
    AgencySubscription,
    EventDelivery,
    ReceivedEvent,
    RegistryEvent,
)
from onegate.registries.receivers import Receiver, receivers_override
from onegate.registries.selectors import address_is_current
from onegate.registries.selectors_events import address_change_deliveries_for
from onegate.registries.services import events as event_services
from onegate.registries.services.addresses import address_change_report
from onegate.registries.tests.events_support import (
    CountingInbox,
    FlakyAgency,
    UnreachableAgency,
    bangkok_address,
    chiang_mai_input,
    delivery_rows,
    make_divisions,
    make_person,
    run_worker_until_idle,
    subscribe,
)

PURPOSE = "tell us once: change of address"
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages and names in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def mover(db, today):
    make_divisions()
    person = make_person()
    bangkok_address(person, valid_from=dt.date(2015, 6, 1))
    return person


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(email="counter-officer@example.test")


def report(person, *, moved_on=dt.date(2026, 11, 1), address=None, actor=None):
    return address_change_report(
        person=person,
        address=address or chiang_mai_input(),
        moved_on=moved_on,
        actor=actor,
        purpose=PURPOSE,
    )


class TestTheReport:
    def test_only_the_agencies_chosen_are_told_when_the_person_chooses(self, mover):
        for slug in ("education", "health", "land-transport"):
            subscribe(slug)

        chosen = address_change_report(
            person=mover,
            address=chiang_mai_input(),
            moved_on=dt.date(2026, 11, 1),
            actor=None,
            purpose=PURPOSE,
            agencies=["health", "revenue"],  # revenue is not subscribed: nobody to tell there
        )

        told = chosen.deliveries.values_list("subscription__agency_slug", flat=True)
        assert list(told) == ["health"]
        assert list(mover.access_records.values_list("organisation", flat=True)) == ["health"]

    def test_every_subscribed_agency_is_told_when_the_person_does_not_choose(self, mover):
        for slug in ("education", "health"):
            subscribe(slug)

        event = report(mover)

        told = event.deliveries.values_list("subscription__agency_slug", flat=True)
        assert sorted(told) == ["education", "health"]

    def test_each_agency_told_is_on_the_persons_access_log(self, mover):
        subscribe("health")
        subscribe("land-transport")

        report(mover)

        told = mover.access_records.filter(channel="tell-us-once")
        assert sorted(told.values_list("organisation", flat=True)) == ["health", "land-transport"]
        assert all(r.purpose == "Tell us once: Change of address" for r in told)
        assert all(set(r.facts) == {"person.address", "person.national_id"} for r in told)

    def test_the_old_address_ends_the_day_before_the_move_and_the_new_one_begins_on_it(self, mover):
        report(mover, moved_on=dt.date(2026, 11, 1))

        history = list(mover.addresses.order_by("valid_from"))
        assert [(a.sub_district_id, a.valid_from, a.valid_until) for a in history] == [
            ("100101", dt.date(2015, 6, 1), dt.date(2026, 10, 31)),
            ("500101", dt.date(2026, 11, 1), None),
        ]

    def test_a_first_address_needs_nothing_to_close(self, db, today):
        make_divisions()
        person = make_person()

        report(person, moved_on=today)

        assert person.addresses.get().valid_until is None

    def test_the_event_carries_who_moved_where_and_when_and_nothing_else(self, mover):
        event = report(mover)

        assert event.event_type == EventType.ADDRESS_CHANGED
        assert event.payload == {
            "person_id": str(mover.id),
            "national_id": "1101700203450",
            "moved_on": "2026-11-01",
            "address": {
                "kind": "thai",
                "house_number": "99",
                "moo": "4",
                "building": "",
                "soi": "Ratchadamnoen 5",
                "road": "Ratchadamnoen",
                "sub_district": {"code": "500101", "name_th": "ศรีภูมิ", "name_en": "Si Phum"},
                "district": {
                    "code": "5001",
                    "name_th": "เมืองเชียงใหม่",
                    "name_en": "Mueang Chiang Mai",
                },
                "province": {"code": "50", "name_th": "เชียงใหม่", "name_en": "Chiang Mai"},
                "postcode": "50200",
                "lines": "",
                "city": "",
                "region": "",
                "country": "THA",
            },
        }

    def test_a_move_abroad_is_sent_as_an_international_address(self, mover):
        abroad = address_validate(
            address=AddressInput(
                kind=AddressKind.INTERNATIONAL,
                lines="Flat 2, 10 Downing Mews",
                city="London",
                postcode="SW1A 2AA",
                country="GBR",
            )
        )

        event = report(mover, address=abroad)

        sent = event.payload["address"]
        assert (sent["kind"], sent["city"], sent["country"]) == ("international", "London", "GBR")
        assert sent["province"] is None

    def test_each_active_subscriber_gets_one_delivery_queued_with_the_change(self, mover):
        for slug in ("health", "land-transport"):
            subscribe(slug)
        subscribe("education", active=False)

        event = report(mover)

        deliveries = event.deliveries.select_related("subscription")
        assert sorted(d.subscription.agency_slug for d in deliveries) == [
            "health",
            "land-transport",
        ]
        assert all(d.status == DeliveryStatus.PENDING and d.attempts == 0 for d in deliveries)
        queued = {row.args_kwargs["kwargs"]["delivery_id"] for row in delivery_rows()}
        assert queued == {str(d.id) for d in deliveries}

    def test_the_change_and_its_publication_are_audited_with_the_reporter(self, mover, officer):
        subscribe("health")

        event = report(mover, actor=officer)

        changed = AuditEvent.objects.get(action=RegistryAction.ADDRESS_CHANGED)
        assert (changed.actor_id, changed.subject_id, changed.purpose) == (
            str(officer.pk),
            str(mover.id),
            PURPOSE,
        )
        assert changed.payload["moved_on"] == "2026-11-01"
        published = AuditEvent.objects.get(action=RegistryAction.EVENT_PUBLISHED)
        assert published.subject_id == str(event.id)
        assert published.payload["agencies"] == ["health"]


def assert_nothing_written(person) -> None:
    current = person.addresses.get()
    assert (current.sub_district_id, current.valid_until) == ("100101", None)
    assert not RegistryEvent.objects.exists()
    assert not EventDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="registries.").exists()


class TestRefusedReports:
    @pytest.mark.parametrize(
        ("moved_on", "field", "code"),
        [
            pytest.param(TODAY + dt.timedelta(days=1), "moved_on", "future", id="tomorrow"),
            pytest.param(dt.date(2015, 6, 1), "moved_on", "before_current", id="same-day"),
            pytest.param(dt.date(2014, 1, 1), "moved_on", "before_current", id="before"),
        ],
    )
    def test_an_impossible_moving_date_is_refused(self, mover, moved_on, field, code):
        subscribe("health")

        with pytest.raises(ValidationError) as refused:
            report(mover, moved_on=moved_on)

        [error] = refused.value.error_dict[field]
        assert error.code == code
        assert_nothing_written(mover)

    def test_the_refusal_names_the_day_the_current_address_began(self, mover):
        with pytest.raises(ValidationError) as refused:
            report(mover, moved_on=dt.date(2014, 1, 1))

        assert refused.value.message_dict["moved_on"] == [
            "The moving date must be after 1 June 2015, the day you moved to your current address."
        ]

    def test_reporting_the_current_address_again_is_refused(self, mover):
        subscribe("health")
        same = address_validate(
            address=AddressInput(
                kind=AddressKind.THAI,
                house_number=" 12/3 ",
                road="NA PHRA  LAN Road",
                sub_district_code="100101",
                postcode="10200",
            )
        )

        with pytest.raises(ValidationError) as refused:
            report(mover, address=same)

        assert refused.value.message_dict["address"] == ["This is already your current address."]
        assert_nothing_written(mover)

    def test_a_caller_can_ask_whether_an_address_is_already_the_current_one(self, mover):
        # the report refuses a same-day move as "before_current" before it compares the places,
        # so a move reported elsewhere first is recognised by asking this
        same = address_validate(
            address=AddressInput(
                kind=AddressKind.THAI,
                house_number="12/3",
                road="na phra lan",
                sub_district_code="100101",
                postcode="10200",
            )
        )

        assert address_is_current(person_id=str(mover.pk), address=same) is True
        assert address_is_current(person_id=str(mover.pk), address=chiang_mai_input()) is False

    def test_a_failure_half_way_leaves_nothing_written(self, mover, monkeypatch):
        # given two subscribers, and an outbox that breaks after queueing the first delivery
        subscribe("health")
        subscribe("land-transport")
        queued: list[dict[str, str]] = []

        def enqueue_then_break(task, **kwargs):
            if queued:
                raise RuntimeError("task table unavailable")
            queued.append(kwargs)
            task.enqueue(**kwargs)

        monkeypatch.setattr(event_services, "enqueue_in_transaction", enqueue_then_break)

        # when the person reports the move
        with pytest.raises(RuntimeError):
            report(mover)

        # then the address, the event, the deliveries, the queued task and the audit are undone
        assert len(queued) == 1
        assert_nothing_written(mover)


def load_catalogue() -> None:
    catalogue_load_file()
    catalogue_forget()


@pytest.mark.django_db(transaction=True)
class TestWhatThePersonSees:
    def test_per_agency_delivered_and_not_delivered_after_the_worker_has_run(self, mover):
        # given three agencies: one takes events at once, one fails twice, one never answers
        load_catalogue()
        for slug in ("health", "land-transport", "education"):
            subscribe(slug, receiver=slug)
        health, transport, education = CountingInbox(), FlakyAgency(failures=2), UnreachableAgency()
        agencies: dict[str, Receiver] = {
            "health": health,
            "land-transport": transport,
            "education": education,
        }

        # when the person reports a move and the worker runs until nothing is left to retry
        report(mover)
        with receivers_override(**agencies):
            run_worker_until_idle()

        # then the person sees who was told
        [change] = address_change_deliveries_for(person_id=mover.id)
        assert change.moved_on == dt.date(2026, 11, 1)
        seen = {d.agency_name: (d.status, d.status_label) for d in change.deliveries}
        assert seen == {
            "Ministry of Public Health": (DeliveryStatus.DELIVERED, "Delivered"),
            "Department of Land Transport": (DeliveryStatus.DELIVERED, "Delivered"),
            "Ministry of Education": (DeliveryStatus.FAILED, "Not delivered"),
        }
        assert health.received["health"] == 1
        assert transport.calls == 3
        assert education.calls == event_services.DELIVERY_ATTEMPTS
        delivered = EventDelivery.objects.get(subscription__agency_slug="land-transport")
        by_agency = {d.agency_slug: d for d in change.deliveries}
        assert by_agency["land-transport"].when == delivered.delivered_at

    def test_agency_names_follow_the_persons_language(self, mover):
        load_catalogue()
        subscribe("health")
        report(mover)

        with translation.override("th"):
            [change] = address_change_deliveries_for(person_id=mover.id)

        assert [d.agency_name for d in change.deliveries] == ["กระทรวงสาธารณสุข"]

    def test_before_the_worker_runs_every_agency_is_waiting(self, mover):
        subscribe("health")
        subscribe("unknown-agency")
        report(mover)

        [change] = address_change_deliveries_for(person_id=mover.id)

        assert [(d.agency_name, d.status, d.when) for d in change.deliveries] == [
            ("health", DeliveryStatus.PENDING, None),  # no catalogue loaded: the slug
            ("unknown-agency", DeliveryStatus.PENDING, None),
        ]

    def test_a_demo_move_reaches_each_demo_agencys_inbox_once(self, mover):
        load_demo_subscriptions()

        event = report(mover)
        run_worker_until_idle()

        inboxes = ReceivedEvent.objects.values_list("receiver", "event_id")
        assert sorted(inboxes) == [(slug, event.id) for slug in sorted(DEMO_SUBSCRIBERS)]
        [change] = address_change_deliveries_for(person_id=mover.id)
        assert {d.status for d in change.deliveries} == {DeliveryStatus.DELIVERED}


class TestDeliveryHistoryForThePerson:
    def test_latest_changes_first_and_only_the_persons_own(self, mover, today):
        subscribe("health")
        report(mover, moved_on=dt.date(2020, 1, 1))
        report(mover, moved_on=dt.date(2026, 11, 1), address=chiang_mai_input(house_number="7"))
        neighbour = make_person(national_id="3100500123458")
        report(neighbour, moved_on=dt.date(2026, 11, 1))

        changes = address_change_deliveries_for(person_id=mover.id)

        assert [c.moved_on for c in changes] == [dt.date(2026, 11, 1), dt.date(2020, 1, 1)]
        assert len(address_change_deliveries_for(person_id=mover.id, limit=1)) == 1

    def test_the_query_count_does_not_grow_with_changes_or_agencies(
        self, mover, django_assert_max_num_queries
    ):
        for slug in ("health", "land-transport", "education"):
            subscribe(slug)
        for year in range(2017, 2026):
            address = chiang_mai_input(house_number=str(year))
            report(mover, moved_on=dt.date(year, 1, 1), address=address)
        catalogue_current()

        with django_assert_max_num_queries(3):
            changes = address_change_deliveries_for(person_id=mover.id)

        assert len(changes) == 5
        assert all(len(c.deliveries) == 3 for c in changes)


class TestDemoSubscriptions:
    def test_demo_agencies_subscribe_to_moves_and_exist_in_the_catalogue(self, db):
        load_catalogue()

        load_demo_subscriptions()
        # (identity subscribes itself to other events in its migration: not the demo's doing)
        moves = AgencySubscription.objects.filter(event_type=EventType.ADDRESS_CHANGED)
        secrets_before = dict(moves.values_list("agency_slug", "signing_secret"))
        load_demo_subscriptions()  # again: nothing doubles, nothing changes

        subscriptions = moves.order_by("agency_slug")
        assert [(s.agency_slug, s.event_type, s.receiver, s.active) for s in subscriptions] == [
            (slug, EventType.ADDRESS_CHANGED, "local", True) for slug in sorted(DEMO_SUBSCRIBERS)
        ]
        assert dict(subscriptions.values_list("agency_slug", "signing_secret")) == secrets_before
        catalogue = catalogue_current()
        assert all(catalogue.agency(slug) is not None for slug in DEMO_SUBSCRIBERS)


class TestOperatorAdmin:
    """Operators see deliveries that failed and can retry them; nothing else is editable."""

    @pytest.fixture
    def failed(self, mover):
        subscribe("health")
        subscribe("education")
        report(mover)
        EventDelivery.objects.filter(subscription__agency_slug="education").update(
            status=DeliveryStatus.FAILED, attempts=8, last_error="HTTP 503"
        )
        return EventDelivery.objects.get(subscription__agency_slug="education")

    def test_failed_deliveries_are_listed_without_personal_data(self, admin_client, failed):
        listing = admin_client.get(
            reverse("admin:registries_eventdelivery_changelist"), {"status__exact": "failed"}
        )
        detail = admin_client.get(
            reverse("admin:registries_eventdelivery_change", args=[failed.id])
        )

        assert listing.status_code == detail.status_code == 200
        listed = listing.context["cl"].result_list
        assert [d.subscription.agency_slug for d in listed] == ["education"]
        assert "HTTP 503" in listing.content.decode()
        for response in (listing, detail):
            assert "1101700203450" not in response.content.decode()
            assert failed.subscription.signing_secret not in response.content.decode()

    def test_retry_now_requeues_the_failed_ones_and_refuses_the_rest(self, admin_client, failed):
        pending = EventDelivery.objects.get(subscription__agency_slug="health")

        response = admin_client.post(
            reverse("admin:registries_eventdelivery_changelist"),
            {"action": "retry_now", "_selected_action": [str(failed.id), str(pending.id)]},
            follow=True,
        )

        failed.refresh_from_db()
        assert (failed.status, failed.attempt_limit) == (DeliveryStatus.PENDING, 16)
        queued = [row.args_kwargs["kwargs"]["delivery_id"] for row in delivery_rows()]
        assert queued.count(str(failed.id)) == 2  # the original attempt's, and the retry's
        notes = [str(message) for message in response.context["messages"]]
        assert notes == [
            "1 delivery will be tried again now.",
            "1 delivery was not retried: it was not a failed delivery.",
        ]

    def test_subscriptions_and_deliveries_cannot_be_added_changed_or_deleted(
        self, admin_client, failed
    ):
        for name in ("agencysubscription", "eventdelivery"):
            add = admin_client.get(reverse(f"admin:registries_{name}_add"))
            assert add.status_code == 403
        delete = admin_client.post(
            reverse("admin:registries_eventdelivery_delete", args=[failed.id]), {"post": "yes"}
        )
        assert delete.status_code == 403
        assert EventDelivery.objects.filter(id=failed.id).exists()
