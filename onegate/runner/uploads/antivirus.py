"""The antivirus plug-in point: each upload is streamed to a ClamAV daemon (clamd) to scan.

``settings.RUNNER_CLAMAV_URL`` says where clamd listens: ``tcp://host:3310`` or
``unix:///run/clamav/clamd.ctl``. Empty (the demo): nothing is scanned and the upload records
"not scanned". The file goes over clamd's INSTREAM command (``zINSTREAM\\0``, then chunks each
prefixed by its length as a 4-byte big-endian number, then a zero length); clamd answers
``stream: OK``, ``stream: <signature> FOUND`` or ``<reason> ERROR``.

The scan fails closed: clamd not answering within ``RUNNER_CLAMAV_TIMEOUT_SECONDS`` (for the
whole exchange), refusing the connection, closing it early (a file over its ``StreamMaxLength``)
or answering an error is a "failed" outcome, and the service refuses the file. What is logged is
the scanner's address and what went wrong, never the file, its name or whose it is.
"""

from __future__ import annotations

import logging
import socket
import struct
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
REPLY_MAX_BYTES = 4096
Verdict = Literal["clean", "infected", "not_scanned", "failed"]


@dataclass(frozen=True)
class ScanOutcome:
    """What the scan found: ``signature`` names the virus when ``verdict`` is "infected"."""

    verdict: Verdict
    signature: str = ""


class _Deadline:
    """One time limit for the whole exchange, not for each read or write."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds

    def arm(self, sock: socket.socket) -> None:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise TimeoutError("clamd took too long")
        sock.settimeout(left)


def _connect(url: str, deadline: _Deadline) -> socket.socket:
    """A socket connected to the clamd at ``url`` (``ValueError`` for an address we cannot use)."""
    parts = urlsplit(url)
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        left = deadline.ends - time.monotonic()
        return socket.create_connection((parts.hostname, parts.port), timeout=max(left, 0.001))
    if parts.scheme == "unix" and parts.path and not parts.netloc:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            deadline.arm(sock)
            sock.connect(parts.path)
        except BaseException:
            sock.close()
            raise
        return sock
    raise ValueError("RUNNER_CLAMAV_URL must be tcp://host:port or unix:///path")


def _send(sock: socket.socket, data: bytes, deadline: _Deadline) -> None:
    deadline.arm(sock)
    sock.sendall(b"zINSTREAM\0")
    for start in range(0, len(data), CHUNK_SIZE):
        chunk = data[start : start + CHUNK_SIZE]
        deadline.arm(sock)
        sock.sendall(struct.pack("!L", len(chunk)) + chunk)
    deadline.arm(sock)
    sock.sendall(struct.pack("!L", 0))


def _receive(sock: socket.socket, deadline: _Deadline) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < REPLY_MAX_BYTES:
        deadline.arm(sock)
        part = sock.recv(REPLY_MAX_BYTES)
        if not part:
            break
        reply += part
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _outcome(reply: str, url: str) -> ScanOutcome:
    if reply.endswith(" FOUND"):
        signature = reply.removesuffix(" FOUND").split(": ", 1)[-1]
        logger.warning("Antivirus: clamd at %s found %s in an upload", url, signature)
        return ScanOutcome("infected", signature)
    if reply.endswith(": OK"):
        return ScanOutcome("clean")
    logger.error("Antivirus: clamd at %s did not scan an upload: %r", url, reply[:200])
    return ScanOutcome("failed")


def scan(data: bytes) -> ScanOutcome:
    """Scan ``data`` with the configured clamd; "not_scanned" when none is configured, "failed"
    when it cannot be asked or does not answer in time."""
    url = settings.RUNNER_CLAMAV_URL
    if not url:
        return ScanOutcome("not_scanned")
    deadline = _Deadline(float(settings.RUNNER_CLAMAV_TIMEOUT_SECONDS))
    try:
        with _connect(url, deadline) as sock:
            _send(sock, data, deadline)
            reply = _receive(sock, deadline)
    except (OSError, ValueError) as error:  # refused, reset, timed out, a bad address
        logger.error("Antivirus: clamd at %s could not scan an upload: %s", url, error)
        return ScanOutcome("failed")
    return _outcome(reply, url)
