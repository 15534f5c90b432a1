"""``manage.py smtp_catcher``: the demo's mail server. Accepts every email on 127.0.0.1, keeps
each in ``<ONEGATE_VAR_DIR>/mail/`` as an ``.eml`` file, and prints who it is for, its subject
and its text, so the demo's codes and notices show in the ``make run`` terminal.

For the demo only: it delivers nowhere, and keeps what it is given on disk.
"""

from __future__ import annotations

import email
import email.policy
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone


class MailFolder:
    """aiosmtpd handler: one file per accepted email, named by arrival time."""

    def __init__(self, folder: Path, out: Any) -> None:
        self.folder = folder
        self.out = out

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S.%f")
        (self.folder / f"{stamp}.eml").write_bytes(envelope.content)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = "" if parsed.is_multipart() else parsed.get_content()
        self.out.write(
            f"--- mail to {', '.join(envelope.rcpt_tos)}: {parsed['Subject']} "
            f"({parsed['Message-ID']})\n{text.strip()}\n"
        )
        self.out.flush()
        return "250 Message accepted for delivery"


class Command(BaseCommand):
    help = "Run the demo's mail catcher: every email is kept in var/mail/ and printed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.EMAIL_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's every SMTP command
        folder = Path(settings.EMAIL_FILE_PATH)
        handler = MailFolder(folder, self.stdout)
        controller = Controller(handler, hostname=options["host"], port=options["port"])
        controller.start()
        self.stdout.write(
            f"Mail catcher on {options['host']}:{options['port']}, keeping mail in {folder}"
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while not stop.is_set():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass  # Ctrl-C is how the demo stops it; the mail server is stopped below either way
        finally:
            controller.stop()
