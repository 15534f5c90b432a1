"""message_send with a template given as data (a service definition's own message texts): the
given text is sent, the outbox names the caller's event, and a reference still sends it once."""

from __future__ import annotations

import pytest

from onegate.identity.tests.account_fixtures import make_account
from onegate.notify.constants import Channel
from onegate.notify.models import Message
from onegate.notify.services import message_send
from onegate.notify.templates import MessageTemplate, TemplateError, message_template_register

pytestmark = pytest.mark.django_db

GENERIC = "tests.submitted"
OWN = "tests.submitted:child-health-card"


@pytest.fixture(autouse=True)
def generic_template() -> MessageTemplate:
    return message_template_register(
        event=GENERIC,
        placeholders=("reference",),
        subject={"en": "Application received", "th": "ได้รับคำขอแล้ว"},
        body={"en": "Reference {reference}.", "th": "เลขที่อ้างอิง {reference}"},
    )


def own_template() -> MessageTemplate:
    return MessageTemplate(
        event="anything",
        placeholders=("reference",),
        subject={"en": "Health card {reference}", "th": "บัตรสุขภาพ {reference}"},
        body={"en": "We have your card application {reference}.", "th": "ได้รับคำขอ {reference}"},
    )


def test_a_given_template_is_sent_under_the_callers_event():
    user = make_account("ploy@example.test", preferred_language="th")

    sent = message_send(
        event=OWN, context={"reference": "7KQ2"}, to_user=user, template=own_template()
    )

    inbox = next(message for message in sent if message.channel == Channel.INBOX)
    assert inbox.subject == "บัตรสุขภาพ 7KQ2"  # the given text, in her language
    assert {message.event for message in sent} == {OWN}
    assert not Message.objects.filter(subject="ได้รับคำขอแล้ว").exists()


def test_without_a_template_the_registered_one_is_used():
    user = make_account("ploy@example.test")

    sent = message_send(event=GENERIC, context={"reference": "7KQ2"}, to_user=user)

    assert {message.subject for message in sent} == {"Application received"}


def test_a_given_template_with_a_reference_is_written_once():
    user = make_account("ploy@example.test")
    first = message_send(
        event=OWN,
        context={"reference": "R1"},
        to_user=user,
        template=own_template(),
        reference="R1",
    )

    again = message_send(
        event=OWN,
        context={"reference": "R1"},
        to_user=user,
        template=own_template(),
        reference="R1",
    )

    assert [m.pk for m in again] == [m.pk for m in first]
    assert Message.objects.count() == len(first)


def test_an_unregistered_event_without_a_template_is_still_refused():
    user = make_account("ploy@example.test")

    with pytest.raises(TemplateError):
        message_send(event=OWN, context={"reference": "R1"}, to_user=user)
