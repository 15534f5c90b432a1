"""Identity's messages through the outbox: a delegation offer lands in both people's inboxes in
their own languages, and a changed sign-in method is noticed in the inbox and by email, even by
someone who turned email off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from onegate.identity.services.delegations import delegation_offer
from onegate.identity.tests.account_fixtures import make_account, sign_in
from onegate.identity.tests.acting_fixtures import citizen, link_account, years_ago
from onegate.notify.models import Preference
from onegate.notify.tests.outbox import deliver_outbox, inbox_of

pytestmark = pytest.mark.django_db


def test_a_delegation_offer_is_in_both_inboxes_in_each_ones_language():
    grace = citizen("Grace", "Giver", years_ago(70), given_th="เกรซ", family_th="ใจกว้าง")
    grace_user = link_account(make_account("grace@example.test"), grace)
    dan_user = make_account("dan@example.test", preferred_language="th")
    delegation_offer(
        grantor=grace_user,
        delegate_email="dan@example.test",
        all_services=True,
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    [to_grace] = inbox_of(grace_user)
    [to_dan] = inbox_of(dan_user)
    assert to_grace.subject == "You asked dan@example.test to act for you on OneGate"
    assert to_dan.subject == "เกรซ ใจกว้าง ขอให้คุณทำการแทนใน OneGate"
    assert "สำหรับทุกบริการ" in to_dan.body  # the scope, in his language too


def test_a_password_change_is_noticed_in_the_inbox_and_by_email_even_with_email_off(client):
    user = make_account("ploy@example.test")
    Preference.objects.create(user=user, language="en", email_enabled=False)
    sign_in(client, "ploy@example.test")
    client.post(
        reverse("account_change_password"),
        {"oldpassword": "correct horse battery staple", "password1": "a new long passphrase",
         "password2": "a new long passphrase"},
    )  # fmt: skip
    [notice] = inbox_of(user)
    assert notice.subject == "OneGate: Your OneGate password was changed"
    assert "Your password was changed." in notice.body
    mail.outbox.clear()
    deliver_outbox()
    [email] = mail.outbox
    assert email.to == ["ploy@example.test"]
    assert email.subject == notice.subject
    assert email.extra_headers["Message-ID"].endswith("@onegate.invalid>")
