"""The demo's mail catcher (``manage.py smtp_catcher``) keeps and shows every email it gets."""

from __future__ import annotations

import io
import smtplib
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from onegate.notify.management.commands.smtp_catcher import MailFolder
from onegate.notify.tests.smtp_server import free_port


def test_the_catcher_keeps_each_email_and_prints_its_text(tmp_path):
    out = io.StringIO()
    controller = Controller(MailFolder(tmp_path, out), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        email = EmailMessage()
        email["From"], email["To"] = "no-reply@onegate.invalid", "ploy@example.test"
        email["Subject"], email["Message-ID"] = "รหัสยืนยัน", "<abc@onegate.invalid>"
        email.set_content("รหัสของคุณคือ 123456")
        with smtplib.SMTP("127.0.0.1", controller.port) as server:
            server.send_message(email)
    finally:
        controller.stop()
    [kept] = list(tmp_path.glob("*.eml"))
    assert b"<abc@onegate.invalid>" in kept.read_bytes()
    shown = out.getvalue()
    assert "ploy@example.test" in shown and "รหัสยืนยัน" in shown
    assert "รหัสของคุณคือ 123456" in shown
