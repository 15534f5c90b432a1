"""The antivirus plug-in point against a real socket: a small clamd speaking INSTREAM in a thread.

The test daemon reads the command and the length-prefixed chunks exactly as clamd does, and
answers "stream: OK", or "stream: Eicar-Signature FOUND" when the standard antivirus test string
is in the stream; it can also answer an error or say nothing at all. No socket is mocked.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from onegate.audit.constants import RunnerAction
from onegate.audit.models import AuditEvent
from onegate.runner.constants import ScanResult
from onegate.runner.models import Upload
from onegate.runner.services.uploads import UploadRefused
from onegate.runner.tests.test_uploads import accept, draft_application, pdf_written
from onegate.runner.uploads import antivirus

# The EICAR test string, put together here so this file itself is not flagged by a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS" + b"-TEST-FILE!$H+H*"


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = connection.recv(size - len(data))
        if not part:
            raise ConnectionError("closed early")
        data += part
    return data


def _instream(connection: socket.socket) -> bytes:
    """The command and the stream, read as clamd reads them."""
    command = b""
    while not command.endswith(b"\0"):
        command += _read_exactly(connection, 1)
    assert command == b"zINSTREAM\0"
    received = b""
    while True:
        (length,) = struct.unpack("!L", _read_exactly(connection, 4))
        if length == 0:
            return received
        received += _read_exactly(connection, length)


class Clamd:
    """A clamd in a thread: ``answer`` is "scan" (OK or FOUND), "error" or "silent"."""

    def __init__(self, listener: socket.socket, answer: str) -> None:
        self.listener = listener
        self.answer = answer
        self.scanned: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue  # look at ``stop`` again
            except OSError:
                return
            with connection:
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        stream = _instream(connection)
        self.scanned.append(stream)
        if self.answer == "silent":
            self.stop.wait(10)
        elif self.answer == "error":
            connection.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        elif EICAR in stream:
            connection.sendall(b"stream: Eicar-Signature FOUND\0")
        else:
            connection.sendall(b"stream: OK\0")

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        self.thread.join(timeout=5)


@contextlib.contextmanager
def clamd_on_tcp(settings, answer: str = "scan") -> Iterator[Clamd]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    host, port = listener.getsockname()[:2]
    settings.RUNNER_CLAMAV_URL = f"tcp://{host}:{port}"
    daemon = Clamd(listener, answer)
    try:
        yield daemon
    finally:
        daemon.close()


@contextlib.contextmanager
def clamd_on_unix_socket(settings, path: Path) -> Iterator[Clamd]:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()
    listener.settimeout(0.1)
    settings.RUNNER_CLAMAV_URL = f"unix://{path}"
    daemon = Clamd(listener, "scan")
    try:
        yield daemon
    finally:
        daemon.close()


def test_without_an_antivirus_configured_nothing_is_scanned(settings):
    settings.RUNNER_CLAMAV_URL = ""

    assert antivirus.scan(b"anything") == antivirus.ScanOutcome("not_scanned")


def test_a_clean_file_is_streamed_whole_and_found_clean(settings):
    data = bytes(range(256)) * 1000  # several chunks

    with clamd_on_tcp(settings) as daemon:
        outcome = antivirus.scan(data)

    assert outcome == antivirus.ScanOutcome("clean")
    assert daemon.scanned == [data]


def test_the_test_virus_is_found_and_named(settings):
    with clamd_on_tcp(settings):
        outcome = antivirus.scan(b"%PDF-1.7\n%" + EICAR + b"\n")

    assert outcome == antivirus.ScanOutcome("infected", "Eicar-Signature")


def test_clamd_on_a_unix_socket(settings, tmp_path):
    with clamd_on_unix_socket(settings, tmp_path / "clamd.ctl"):
        assert antivirus.scan(EICAR).verdict == "infected"
        assert antivirus.scan(b"fine").verdict == "clean"


def test_an_error_from_clamd_fails_the_scan(settings, caplog):
    with clamd_on_tcp(settings, answer="error"):
        outcome = antivirus.scan(b"x" * 10)

    assert outcome.verdict == "failed"
    assert "size limit exceeded" in caplog.text


def test_clamd_not_answering_in_time_fails_the_scan(settings):
    settings.RUNNER_CLAMAV_TIMEOUT_SECONDS = 1

    with clamd_on_tcp(settings, answer="silent") as daemon:
        outcome = antivirus.scan(b"x" * 10)
        daemon.stop.set()

    assert outcome.verdict == "failed"


def test_clamd_not_running_fails_the_scan(settings, caplog):
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    settings.RUNNER_CLAMAV_URL = f"tcp://127.0.0.1:{port}"  # nobody listens there any more

    assert antivirus.scan(b"x").verdict == "failed"
    assert f"127.0.0.1:{port}" in caplog.text


def test_an_address_that_is_not_tcp_or_unix_fails_the_scan(settings):
    settings.RUNNER_CLAMAV_URL = "http://clamav.example.test:3310"

    assert antivirus.scan(b"x").verdict == "failed"


# --- through the service ------------------------------------------------------------------------


def test_a_file_with_a_virus_is_refused_and_the_refusal_audited(db, settings):
    application, user = draft_application()
    infected = pdf_written().replace(b"\n", b"\n%" + EICAR + b"\n", 1)

    with clamd_on_tcp(settings), pytest.raises(UploadRefused) as refused:
        accept(application, user, "scan.pdf", infected)

    assert refused.value.code == "virus"
    assert refused.value.message == "The selected file contains a virus"
    assert not Upload.objects.exists()
    [event] = AuditEvent.objects.filter(action=str(RunnerAction.FILE_REFUSED))
    assert event.payload == {"field": "medical_certificate", "code": "virus"}


def test_a_file_is_refused_when_the_antivirus_cannot_be_reached(db, settings, caplog):
    application, user = draft_application()
    with socket.create_server(("127.0.0.1", 0)) as unused:
        settings.RUNNER_CLAMAV_URL = f"tcp://127.0.0.1:{unused.getsockname()[1]}"

    with pytest.raises(UploadRefused) as refused:
        accept(application, user, "Somchai passport.pdf", pdf_written())

    assert refused.value.code == "scan_failed"
    assert refused.value.message == (
        "We could not check the selected file for viruses. Try again later"
    )
    assert not Upload.objects.exists()
    assert "Somchai" not in caplog.text  # nothing about the person or their file is logged


def test_a_file_the_antivirus_passes_is_recorded_as_scanned(db, settings):
    application, user = draft_application()
    data = pdf_written()

    with clamd_on_tcp(settings) as daemon:
        upload = accept(application, user, "scan.pdf", data)

    assert upload.scan == ScanResult.CLEAN
    assert daemon.scanned == [data]  # scanned as the person gave it
