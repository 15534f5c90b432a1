"""Notify's own message templates: the code that proves a new email address or phone number."""

from __future__ import annotations

from onegate.notify.templates import message_template_register

message_template_register(
    event="notify.contact_code",
    placeholders=("code", "minutes"),
    subject={
        "en": "Your OneGate confirmation code",
        "th": "รหัสยืนยันของคุณสำหรับ OneGate",
    },
    body={
        "en": (
            "Your code to confirm this address for OneGate messages is {code}.\n\n"
            "Enter it on the page that asked for it. It works for {minutes} minutes. "
            "If you did not ask for it, you can ignore this message."
        ),
        "th": (
            "รหัสยืนยันที่อยู่นี้สำหรับรับข้อความจาก OneGate คือ {code}\n\n"
            "กรุณากรอกรหัสในหน้าที่ขอรหัส รหัสนี้ใช้ได้ {minutes} นาที "
            "หากคุณไม่ได้ขอรหัสนี้ ไม่ต้องดำเนินการใด ๆ"
        ),
    },
    sms={
        "en": "OneGate code: {code}. It works for {minutes} minutes.",
        "th": "รหัส OneGate: {code} ใช้ได้ {minutes} นาที",
    },
    inbox=False,
    always_email=True,
)
