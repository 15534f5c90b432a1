"""The email telling a person that their account's identity link ended or must be proved again.

One function, ``identity_link_mail_send``, called by ``services.links`` inside the change's own
transaction; it writes a security notice to the ``notify`` outbox in both languages (the reader
gets theirs).
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext

from onegate.core.languages import SUPPORTED
from onegate.identity.models import User
from onegate.identity.notifications import SECURITY_NOTICE
from onegate.notify.services import message_send

ENDED_DIED = "ended_died"
ENDED_PERSON = "ended_person"
ENDED_SUPPORT = "ended_support"
LOWERED = "lowered"


def _texts(event: str) -> tuple[str, str]:
    """Subject and body for ``event``, in the active language."""
    again = gettext(
        "You can still sign in and use services that do not need a proved identity. To use the "
        "others, prove your identity again from your account page, or at a service centre."
    )
    unexpected = gettext(
        "If you did not expect this, contact OneGate support straight away: someone may be "
        "using your identity."
    )
    texts = {
        ENDED_DIED: (
            gettext("Your OneGate account is no longer linked to an identity"),
            gettext(
                "The civil register has recorded the death of the person this account was "
                "linked to, so we have ended the link and signed the account out everywhere. "
                "If this is wrong, contact your district registry office or OneGate support."
            ),
        ),
        ENDED_PERSON: (
            gettext("You unlinked your OneGate account from your identity"),
            gettext("You ended the link between your OneGate account and your identity.")
            + "\n\n"
            + again
            + "\n\n"
            + unexpected,
        ),
        ENDED_SUPPORT: (
            gettext("OneGate support unlinked your account from your identity"),
            gettext(
                "OneGate support ended the link between your OneGate account and your "
                "identity, for this reason: %(reason)s"
            )
            + "\n\n"
            + again,
        ),
        LOWERED: (
            gettext("Prove your identity again on OneGate"),
            gettext(
                "The Thai ID card you used to prove your identity has been reported lost or "
                "cancelled, so your identity no longer counts as proved."
            )
            + "\n\n"
            + again
            + "\n\n"
            + unexpected,
        ),
    }
    return texts[event]


def identity_link_mail_send(*, account: User, event: str, reason: str = "") -> None:
    """Tell the account holder about ``event`` through the notify outbox, in the caller's
    transaction: the notice is written with the change or not at all, and a mail server that is
    down delays it without losing it. It is a security notice, so it goes by email even to
    someone who turned email off, and to their inbox."""
    subject: dict[str, str] = {}
    body: dict[str, str] = {}
    for language in SUPPORTED:
        with translation.override(language):
            subject[language], text = _texts(event)
            body[language] = text % {"reason": reason} if "%(reason)s" in text else text
    message_send(
        event=SECURITY_NOTICE,
        context={"subject": subject, "body": body},
        to_user=account,
        reference=f"identity-link:{event}:{timezone.now().isoformat()}",
    )
