"""Account emails through a real SMTP server (aiosmtpd on this machine): the sign-up code arrives
over SMTP with the settings docs/configuration.md describes, as plain text (nothing HTML-escaped),
in the person's language, from DEFAULT_FROM_EMAIL."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import translation

from onegate.identity.tests.account_fixtures import (
    PASSWORD,
    fresh_state,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_state")]


class Inbox:
    """An SMTP handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_inbox(settings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "OneGate <no-reply@onegate.invalid>"
    yield inbox
    controller.stop()


def test_the_sign_up_code_arrives_over_smtp_as_plain_text(client, smtp_inbox):
    client.post(reverse("account_signup"), {"email": "malee@example.test", "password1": PASSWORD})
    (message,) = smtp_inbox.messages
    assert message["To"] == "malee@example.test"
    assert message["From"] == "OneGate <no-reply@onegate.invalid>"
    assert message["Subject"] == "OneGate: Your code to confirm your email address"
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", body)
    assert found, body
    code = found.group(0)
    assert "It works for 15 minutes." in body
    assert "&#39;" not in body and "&amp;" not in body
    # and the code it carries is the one that confirms the address
    client.post(reverse("account_email_verification_sent"), {"code": code})
    assert client.get(reverse("identity:home")).status_code == 200


def test_a_thai_sign_up_gets_its_email_in_thai(client, smtp_inbox):
    with translation.override("th"):
        url = reverse("account_signup")
    client.post(url, {"email": "malee@example.test", "password1": PASSWORD})
    (message,) = smtp_inbox.messages
    # (a long encoded subject is folded onto a new line; the parser keeps the fold's space)
    assert message["Subject"].strip() == "OneGate: รหัสยืนยันที่อยู่อีเมลของคุณ"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "รหัสยืนยันที่อยู่อีเมลของคุณคือ:" in body
