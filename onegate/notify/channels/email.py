"""Email: over SMTP, one connection for a whole batch, each email with its stable Message-ID.

With Django's SMTP backend configured (production, the demo's mail catcher) the channel speaks
SMTP itself through smtplib, so it can tell replies apart: a 5xx reply is a permanent refusal,
a 4xx reply, a refused connection, a timeout or a dropped connection is retried. Any other
``EMAIL_BACKEND`` (the test suite's memory outbox, a file or console backend) is used through
Django's email API, and its errors are retried.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from onegate.notify.channels import Outcome, Result, channel_registry
from onegate.notify.models import Message

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def email_of(message: Message) -> EmailMessage:
    """The email for ``message``: plain text, its Message-ID and language in the headers."""
    return EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        headers={"Message-ID": message.message_id, "Content-Language": message.language},
    )


def _classify(code: int) -> Result:
    return Result.REFUSED if 500 <= code < 600 else Result.RETRY


def _smtp_connect() -> smtplib.SMTP:
    host, port, timeout = settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT
    connection: smtplib.SMTP
    if settings.EMAIL_USE_SSL:
        connection = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(host, port, timeout=timeout)
        if settings.EMAIL_USE_TLS:
            connection.starttls(context=ssl.create_default_context())
    if settings.EMAIL_HOST_USER:
        connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    return connection


def _smtp_close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


def _smtp_send_one(connection: smtplib.SMTP, message: Message) -> Outcome:
    email = email_of(message)
    # Django's SafeMIMEText takes linesep, as its own SMTP backend uses it; the stub does not.
    data = email.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
    try:
        connection.sendmail(email.from_email, [message.address], data)
    except smtplib.SMTPRecipientsRefused as refused:
        code = next(iter(refused.recipients.values()))[0]
        return Outcome(message, _classify(code), f"smtp {code}")
    except smtplib.SMTPResponseException as reply:
        return Outcome(message, _classify(reply.smtp_code), f"smtp {reply.smtp_code}")
    return Outcome(message, Result.ACCEPTED)


@channel_registry.register("email")
class EmailChannel:
    def send(self, messages: Sequence[Message]) -> Iterator[Outcome]:
        if settings.EMAIL_BACKEND == SMTP_BACKEND:
            yield from self._send_smtp(messages)
        else:
            yield from self._send_django(messages)

    def _send_smtp(self, messages: Sequence[Message]) -> Iterator[Outcome]:
        connection: smtplib.SMTP | None = None
        try:
            for index, message in enumerate(messages):
                if connection is None:
                    try:
                        connection = _smtp_connect()
                    except (OSError, smtplib.SMTPException) as down:
                        # No server: the rest of the batch waits for the next attempt.
                        for waiting in messages[index:]:
                            yield Outcome(waiting, Result.RETRY, type(down).__name__)
                        return
                try:
                    yield _smtp_send_one(connection, message)
                except OSError as lost:  # dropped connection, timeout (SMTPServerDisconnected)
                    yield Outcome(message, Result.RETRY, type(lost).__name__)
                    _smtp_close(connection)
                    connection = None
        finally:
            _smtp_close(connection)

    def _send_django(self, messages: Sequence[Message]) -> Iterator[Outcome]:
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
            for message in messages:
                try:
                    connection.send_messages([email_of(message)])
                except OSError as failed:
                    yield Outcome(message, Result.RETRY, type(failed).__name__)
                else:
                    yield Outcome(message, Result.ACCEPTED)
        finally:
            connection.close()
