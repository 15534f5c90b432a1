"""Notify's writes: sending a message through the outbox, operators' retries, reading the inbox,
and a person's preferences with contact details proved by a code.

``message_send`` is the one way every module sends a message. It writes the messages in the
caller's transaction (they commit or roll back with the event that caused them) and enqueues
their delivery in the same transaction (``tasks.delivery_enqueue``).
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from onegate.audit.constants import NotifyAction
from onegate.audit.services import audit_record
from onegate.notify import config
from onegate.notify.constants import (
    CODE_DIGITS,
    CODE_MAX_TRIES,
    CODE_VALID_MINUTES,
    CODES_PER_HOUR,
    RETRYABLE_BY_OPERATOR,
    Channel,
    MessageStatus,
    VerificationStatus,
)
from onegate.notify.models import ContactVerification, DeliveryAttempt, Message, Preference
from onegate.notify.recipients import Route, language_of, routes_for
from onegate.notify.tasks import delivery_enqueue
from onegate.notify.templates import (
    ContextValue,
    MessageTemplate,
    message_template_get,
    template_render,
)

__all__ = [
    "ContactCodeRefused",
    "contact_remove",
    "contact_verification_confirm",
    "contact_verification_start",
    "message_mark_read",
    "message_retry",
    "message_send",
    "message_status_report",
    "preferences_update",
]

MESSAGE = "notify.message"
PREFERENCE = "notify.preference"
# Invalid addresses are kept as FAILED messages with this error, so nothing vanishes unseen.
INVALID_ADDRESS = "invalid_address"
CONTACT_CODE_EVENT = "notify.contact_code"


# --- sending ----------------------------------------------------------------------------------


def message_send(
    *,
    event: str,
    context: Mapping[str, ContextValue],
    to_user: Any = None,
    about_person_id: str | None = None,
    to_email: str | None = None,
    language: str | None = None,
    actor: Any = None,
    reference: str = "",
    template: MessageTemplate | None = None,
) -> list[Message]:
    """Write ``event``'s message for each recipient and channel into the outbox; return them.

    Recipients: ``to_user`` (an account), everyone who acts for ``about_person_id`` (and the
    person's own account), and ``to_email`` (an address without an account, in ``language``).
    Each account gets it in its own language on the channels it chose (inbox messages are
    delivered at commit). Context values are texts, or ``{"en": …, "th": …}`` maps for values
    that depend on the language. With ``reference``, (event, channel, recipient, reference) is
    written once: calling again returns the first messages.

    ``template`` is text a caller carries as data (a service definition's own messages) instead
    of the template registered for ``event``; ``event`` still names the messages in the outbox.
    """
    if to_user is None and not about_person_id and not (to_email or "").strip():
        raise ValueError("message_send needs a recipient")
    if template is None:
        template = message_template_get(event)
    elif template.event != event:
        template = dataclasses.replace(template, event=event)
    routes = routes_for(
        template,
        to_user=to_user,
        about_person_id=about_person_id,
        to_email=to_email,
        language=language,
    )
    return _outbox_write_all(
        template,
        routes,
        context=context,
        about_person_id=about_person_id or "",
        actor=actor,
        reference=reference,
    )


def _outbox_write_all(
    template: MessageTemplate,
    routes: list[Route],
    *,
    context: Mapping[str, ContextValue],
    about_person_id: str,
    actor: Any,
    reference: str,
) -> list[Message]:
    messages, outgoing = [], []
    with transaction.atomic():
        for route in routes:
            message, created = _outbox_write(
                template, route, context=context, about=about_person_id, reference=reference
            )
            messages.append(message)
            if created:
                _audit_queued(message, actor=actor)
                if message.status == MessageStatus.QUEUED:
                    outgoing.append(str(message.pk))
        if outgoing:
            delivery_enqueue(outgoing)
    return messages


def _message_id(channel: str, key: uuid.UUID) -> str:
    if channel == Channel.EMAIL:
        return f"<{key.hex}@{config.message_id_domain()}>"
    return key.hex


def _address_error(route: Route) -> str:
    if route.channel != Channel.EMAIL:
        return ""
    try:
        validate_email(route.address)
    except ValidationError:
        return INVALID_ADDRESS
    return ""


def _outbox_write(
    template: MessageTemplate,
    route: Route,
    *,
    context: Mapping[str, ContextValue],
    about: str,
    reference: str,
) -> tuple[Message, bool]:
    """One message row and its first history row; (existing row, False) for a repeat."""
    same = {
        "event": template.event,
        "channel": route.channel,
        "recipient_key": route.recipient_key,
        "reference": reference,
    }
    if reference and (found := Message.objects.filter(**same).first()) is not None:
        return found, False
    subject, body, sms = template_render(template, language=route.language, context=context)
    now, key = timezone.now(), uuid.uuid4()
    error = _address_error(route)
    status = MessageStatus.FAILED if error else MessageStatus.QUEUED
    if route.channel == Channel.INBOX:
        status = MessageStatus.DELIVERED
    message = Message(
        id=key,
        **same,
        user=route.user,
        address=route.address,
        language=route.language,
        subject=subject[:300],
        body=sms if route.channel == Channel.SMS else body,
        message_id=_message_id(route.channel, key),
        status=status,
        next_attempt_at=now,
        give_up_at=now + config.give_up_after(),
        last_error=error,
        about_person_id=about,
        created_at=now,
        sent_at=now if status == MessageStatus.DELIVERED else None,
        delivered_at=now if status == MessageStatus.DELIVERED else None,
    )
    if not reference:
        message.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            return Message.objects.get(**same), False  # a concurrent call wrote it first
    DeliveryAttempt.objects.create(message=message, attempt=0, status=status, error=error, at=now)
    return message, True


def _audit_queued(message: Message, *, actor: Any) -> None:
    audit_record(
        actor=actor,
        action=NotifyAction.MESSAGE_SENT,
        subject_type=MESSAGE,
        subject_id=message.pk,
        purpose="Send a message to a person",
        payload={"event": message.event, "channel": message.channel, "status": message.status},
    )


# --- operators and receipts -------------------------------------------------------------------


def message_retry(*, actor: Any, message_pk: uuid.UUID | str) -> Message:
    """Send a dead, failed or bounced message again, with a fresh retry period (operators)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_pk)
        if message.status not in RETRYABLE_BY_OPERATOR or message.channel == Channel.INBOX:
            raise ValidationError("only a dead, failed or bounced message can be retried")
        now, previous = timezone.now(), message.status
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = now
        message.give_up_at = now + config.give_up_after()
        message.save(update_fields=["status", "next_attempt_at", "give_up_at", "updated_at"])
        DeliveryAttempt.objects.create(
            message=message, attempt=message.attempts, previous_status=previous,
            status=MessageStatus.QUEUED, error="operator_retry", at=now,
        )  # fmt: skip
        audit_record(
            actor=actor,
            action=NotifyAction.MESSAGE_RETRIED,
            subject_type=MESSAGE,
            subject_id=message.pk,
            purpose="Send again a message that could not be delivered",
            payload={"event": message.event, "channel": message.channel, "was": previous},
        )
        delivery_enqueue([str(message.pk)])
    return message


# What a delivery receipt may report, from which states.
REPORTABLE = {
    MessageStatus.DELIVERED: (MessageStatus.SENT,),
    MessageStatus.BOUNCED: (MessageStatus.SENT, MessageStatus.DELIVERED),
    MessageStatus.FAILED: (MessageStatus.SENT,),
}


def message_status_report(*, message_id: str, status: str, error: str = "") -> Message | None:
    """Record a receiver's word about a sent message (delivered, bounced, failed), found by its
    stable id; ``None`` if unknown or if the report does not fit its state (a late receipt)."""
    allowed = REPORTABLE.get(MessageStatus(status), ())
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(message_id=message_id).first()
        if message is None or message.status not in allowed:
            return None
        now, previous = timezone.now(), message.status
        message.status = status
        message.last_error = error[:200]
        if status == MessageStatus.DELIVERED:
            message.delivered_at = now
        message.save(update_fields=["status", "last_error", "delivered_at", "updated_at"])
        DeliveryAttempt.objects.create(
            message=message, attempt=message.attempts, previous_status=previous,
            status=status, error=error[:200], at=now,
        )  # fmt: skip
        audit_record(
            actor=None,
            action=NotifyAction.MESSAGE_STATUS_REPORTED,
            subject_type=MESSAGE,
            subject_id=message.pk,
            purpose="Record what the receiving side said about a message",
            payload={"channel": message.channel, "status": status},
        )
    return message


# --- the inbox --------------------------------------------------------------------------------


def message_mark_read(*, user: Any, message: Message) -> Message:
    """Mark the signed-in person's inbox message read (the first time they open it)."""
    if message.user_id != user.pk or message.channel != Channel.INBOX:
        raise ValidationError("not this person's inbox message")
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if updated:
            audit_record(
                actor=user,
                action=NotifyAction.MESSAGE_READ,
                subject_type=MESSAGE,
                subject_id=message.pk,
                purpose="Show a person a message in their inbox",
            )
    message.refresh_from_db(fields=["read_at"])
    return message


# --- preferences ------------------------------------------------------------------------------


def preferences_update(
    *, user: Any, language: str, email_enabled: bool, sms_enabled: bool
) -> Preference:
    """Save how the person wants to hear from government (text messages need a phone)."""
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(
            user=user, defaults={"language": language_of(user.preferred_language)}
        )
        preference.language = language_of(language)
        preference.email_enabled = email_enabled
        preference.sms_enabled = sms_enabled and bool(preference.phone)
        preference.save()
        audit_record(
            actor=user,
            action=NotifyAction.PREFERENCES_CHANGED,
            subject_type=PREFERENCE,
            subject_id=preference.pk,
            purpose="Change how a person hears from government",
            payload={
                "language": preference.language,
                "email": preference.email_enabled,
                "sms": preference.sms_enabled,
            },
        )
    return preference


class ContactCodeRefused(Exception):
    """The code entered was wrong, expired, or tried too often; ``code`` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _code_hash(verification_id: uuid.UUID, code: str) -> str:
    return salted_hmac("onegate.notify.contact_code", f"{verification_id}:{code}").hexdigest()


def contact_verification_start(*, user: Any, channel: str, address: str) -> ContactVerification:
    """Send a code to a new email address or phone number (already checked by the form).

    At most ``CODES_PER_HOUR`` codes an hour per account: each costs a text message, and a page
    that sends them on demand must not become a way to flood someone's phone.
    """
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = timezone.now()
    recent = ContactVerification.objects.filter(user=user, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= CODES_PER_HOUR:
        audit_record(
            actor=user,
            action=NotifyAction.CONTACT_CODE_REFUSED,
            subject_type=PREFERENCE,
            subject_id=str(user.pk),
            purpose="Prove a person can receive messages at a new address",
            payload={"channel": channel, "refusal": "too_many_codes"},
        )
        raise ContactCodeRefused("too_many_codes")
    with transaction.atomic():
        verification = ContactVerification(
            user=user,
            channel=channel,
            address=address,
            expires_at=now + timedelta(minutes=CODE_VALID_MINUTES),
        )
        verification.code_hash = _code_hash(verification.id, code)
        verification.save(force_insert=True)
        template = message_template_get(CONTACT_CODE_EVENT)
        language = language_of(Preference.objects.filter(user=user).values_list(
            "language", flat=True).first() or user.preferred_language)  # fmt: skip
        route = Route(channel, address, user, language, f"verify:{verification.id}")
        context = {"code": code, "minutes": str(CODE_VALID_MINUTES)}
        _outbox_write_all(
            template, [route], context=context, about_person_id="", actor=user, reference=""
        )
        audit_record(
            actor=user,
            action=NotifyAction.CONTACT_CODE_SENT,
            subject_type="notify.contact_verification",
            subject_id=verification.pk,
            purpose="Prove a person can receive messages at a new address",
            payload={"channel": channel},
        )
    return verification


def contact_verification_confirm(*, user: Any, verification_id: uuid.UUID, code: str) -> Preference:
    """Check the code; on success the address becomes the person's email or phone for messages."""
    with transaction.atomic():
        verification = ContactVerification.objects.select_for_update().get(
            pk=verification_id, user=user, status=VerificationStatus.PENDING
        )
        refusal = _code_refusal(verification, code.strip())
        if refusal:
            verification.tries += 1
            verification.save(update_fields=["tries"])
            _audit_verification(user, verification, NotifyAction.CONTACT_CODE_REFUSED, refusal)
        else:
            preference = _contact_save(user, verification)
            _audit_verification(user, verification, NotifyAction.CONTACT_VERIFIED, "")
    if refusal:
        raise ContactCodeRefused(refusal)
    return preference


def _code_refusal(verification: ContactVerification, code: str) -> str:
    if verification.tries >= CODE_MAX_TRIES:
        return "too_many_tries"
    if verification.expires_at <= timezone.now():
        return "expired"
    if not constant_time_compare(_code_hash(verification.id, code), verification.code_hash):
        return "wrong_code"
    return ""


def _contact_save(user: Any, verification: ContactVerification) -> Preference:
    verification.status = VerificationStatus.VERIFIED
    verification.save(update_fields=["status"])
    preference, _created = Preference.objects.select_for_update().get_or_create(
        user=user, defaults={"language": language_of(user.preferred_language)}
    )
    if verification.channel == Channel.SMS:
        preference.phone = verification.address
        preference.sms_enabled = True
    else:
        preference.email = verification.address
    preference.save()
    return preference


def _audit_verification(
    user: Any, verification: ContactVerification, action: Any, why: str
) -> None:
    audit_record(
        actor=user,
        action=action,
        subject_type="notify.contact_verification",
        subject_id=verification.pk,
        purpose="Prove a person can receive messages at a new address",
        payload={"channel": verification.channel, "refusal": why},
    )


def contact_remove(*, user: Any, channel: str) -> Preference:
    """Forget the person's phone (text messages stop) or extra email address (the account's
    own address is used again)."""
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(
            user=user, defaults={"language": language_of(user.preferred_language)}
        )
        if channel == Channel.SMS:
            preference.phone, preference.sms_enabled = "", False
        else:
            preference.email = ""
        preference.save()
        audit_record(
            actor=user,
            action=NotifyAction.PREFERENCES_CHANGED,
            subject_type=PREFERENCE,
            subject_id=preference.pk,
            purpose="Change how a person hears from government",
            payload={"removed": channel},
        )
    return preference
