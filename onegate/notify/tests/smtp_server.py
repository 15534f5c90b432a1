"""A real SMTP server for the tests and the benchmark (aiosmtpd), with switchable misbehaviour.

It records each accepted message's arrival time, Message-ID and recipient; it can refuse a
recipient with a 5xx or 4xx reply, answer DATA with a 4xx, wait before answering, or drop the
connection instead of answering.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import time
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Arrival:
    at: float  # time.time() when the server accepted it
    message_id: str
    to: str
    subject: str
    body: str


@dataclass
class Behaviour:
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> reply, e.g. "550 ..."
    data_reply: str = ""  # e.g. "451 Try again later" for every DATA
    delay: float = 0.0  # seconds to wait before answering DATA
    drop: int = 0  # how many next DATA commands get the connection closed instead of a reply


class RecordingHandler:
    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.behaviour = Behaviour()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.behaviour.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.behaviour.delay:
            await asyncio.sleep(self.behaviour.delay)
        if self.behaviour.drop:
            self.behaviour.drop -= 1
            server.transport.close()
            return "421 closing"
        if self.behaviour.data_reply:
            return self.behaviour.data_reply
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = parsed.get_content() if not parsed.is_multipart() else ""
        for to in envelope.rcpt_tos:
            self.arrivals.append(
                Arrival(time.time(), str(parsed["Message-ID"]), to, str(parsed["Subject"]), body)
            )
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [arrival.message_id for arrival in self.arrivals]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_server_start(port: int | None = None) -> tuple[Controller, RecordingHandler]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller, handler
