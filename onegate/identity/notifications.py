"""Identity's message templates (sent through notify's outbox): delegation notices, and the
security notices allauth sends when a sign-in method changes.

Delegation notices are written per event and side of the delegation. Security notices keep
their words in the account email templates (account/email/_texts.html, translated with
gettext); ``adapters.AccountAdapter`` renders them in both languages and hands them over whole.
"""

from __future__ import annotations

from onegate.notify.templates import message_template_register

# The grantor and the delegate's names, the scope and the last day are given in both languages;
# ``see_link`` is an empty text or a paragraph with the link to the delegations page.
DELEGATION_PLACEHOLDERS = ("grantor", "delegate", "scope", "until", "see_link")

DELEGATION_TEXTS: dict[tuple[str, str], tuple[dict[str, str], dict[str, str]]] = {
    ("offered", "delegate"): (
        {
            "en": "{grantor} has asked you to act for them on OneGate",
            "th": "{grantor} ขอให้คุณทำการแทนใน OneGate",
        },
        {
            "en": "{grantor} wants you to be able to act for them on OneGate, {scope}, until "
            "{until}. Nothing happens unless you accept. To accept or decline, sign in to "
            "OneGate (or create an account with this email address) and prove your identity.",
            "th": "{grantor} ต้องการให้คุณทำการแทนใน OneGate {scope} จนถึงวันที่ {until} "
            "จะยังไม่มีผลใด ๆ จนกว่าคุณจะตอบรับ หากต้องการตอบรับหรือปฏิเสธ ให้เข้าสู่ระบบ "
            "OneGate (หรือสร้างบัญชีด้วยอีเมลนี้) และยืนยันตัวตน",
        },
    ),
    ("offered", "grantor"): (
        {
            "en": "You asked {delegate} to act for you on OneGate",
            "th": "คุณขอให้ {delegate} ทำการแทนคุณใน OneGate",
        },
        {
            "en": "You asked {delegate} to act for you, {scope}, until {until}. We will tell "
            "you when they accept or decline. You can withdraw the request at any time.",
            "th": "คุณขอให้ {delegate} ทำการแทนคุณ {scope} จนถึงวันที่ {until} "
            "เราจะแจ้งคุณเมื่อผู้นั้นตอบรับหรือปฏิเสธ คุณถอนคำขอได้ทุกเมื่อ",
        },
    ),
    ("accepted", "delegate"): (
        {
            "en": "You can now act for {grantor} on OneGate",
            "th": "ตอนนี้คุณทำการแทน {grantor} ใน OneGate ได้แล้ว",
        },
        {
            "en": "You accepted: you can act for {grantor}, {scope}, until {until}.",
            "th": "คุณตอบรับแล้ว: คุณทำการแทน {grantor} ได้ {scope} จนถึงวันที่ {until}",
        },
    ),
    ("accepted", "grantor"): (
        {
            "en": "{delegate} can now act for you on OneGate",
            "th": "ตอนนี้ {delegate} ทำการแทนคุณใน OneGate ได้แล้ว",
        },
        {
            "en": "{delegate} accepted: they can act for you, {scope}, until {until}. You can "
            "end this at any time.",
            "th": "{delegate} ตอบรับแล้ว: ผู้นั้นทำการแทนคุณได้ {scope} จนถึงวันที่ {until} คุณยกเลิกได้ทุกเมื่อ",
        },
    ),
    ("declined", "delegate"): (
        {"en": "You declined to act for {grantor}", "th": "คุณปฏิเสธการทำการแทน {grantor}"},
        {"en": "You declined to act for {grantor}.", "th": "คุณปฏิเสธการทำการแทน {grantor} แล้ว"},
    ),
    ("declined", "grantor"): (
        {"en": "{delegate} declined to act for you", "th": "{delegate} ปฏิเสธการทำการแทนคุณ"},
        {"en": "{delegate} declined to act for you.", "th": "{delegate} ปฏิเสธการทำการแทนคุณ"},
    ),
    ("revoked", "delegate"): (
        {
            "en": "You can no longer act for {grantor}",
            "th": "คุณทำการแทน {grantor} ไม่ได้อีกต่อไป",
        },
        {
            "en": "The permission for {delegate} to act for {grantor} has been ended.",
            "th": "สิทธิ์ที่ {delegate} ทำการแทน {grantor} ถูกยกเลิกแล้ว",
        },
    ),
    ("revoked", "grantor"): (
        {
            "en": "{delegate} can no longer act for you",
            "th": "{delegate} ทำการแทนคุณไม่ได้อีกต่อไป",
        },
        {
            "en": "The permission for {delegate} to act for {grantor} has been ended.",
            "th": "สิทธิ์ที่ {delegate} ทำการแทน {grantor} ถูกยกเลิกแล้ว",
        },
    ),
    ("expired", "delegate"): (
        {
            "en": "Your permission to act for {grantor} has expired",
            "th": "สิทธิ์ทำการแทน {grantor} ของคุณหมดอายุแล้ว",
        },
        {
            "en": "The permission for {delegate} to act for {grantor} ended on {until}.",
            "th": "สิทธิ์ที่ {delegate} ทำการแทน {grantor} สิ้นสุดเมื่อวันที่ {until}",
        },
    ),
    ("expired", "grantor"): (
        {
            "en": "{delegate}'s permission to act for you has expired",
            "th": "สิทธิ์ทำการแทนคุณของ {delegate} หมดอายุแล้ว",
        },
        {
            "en": "The permission for {delegate} to act for {grantor} ended on {until}.",
            "th": "สิทธิ์ที่ {delegate} ทำการแทน {grantor} สิ้นสุดเมื่อวันที่ {until}",
        },
    ),
}


def delegation_event(event: str, side: str) -> str:
    """The notify event of a delegation notice, e.g. ``identity.delegation_offered.grantor``."""
    return f"identity.delegation_{event}.{side}"


for (_event, _side), (_subject, _body) in DELEGATION_TEXTS.items():
    message_template_register(
        event=delegation_event(_event, _side),
        placeholders=DELEGATION_PLACEHOLDERS,
        subject=_subject,
        body={language: text + "{see_link}" for language, text in _body.items()},
    )

SECURITY_NOTICE = "identity.security_notice"

# A sign-in method changed (password, email address, authenticator app, passkey, recovery
# codes): always by email, even to someone who turned email off, and in the inbox too.
message_template_register(
    event=SECURITY_NOTICE,
    placeholders=("subject", "body"),
    subject={"en": "{subject}", "th": "{subject}"},
    body={"en": "{body}", "th": "{body}"},
    always_email=True,
)
