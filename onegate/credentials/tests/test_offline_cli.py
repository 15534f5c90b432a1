"""The ``onegate-verify`` console command, run for real in a subprocess, offline from a cache
directory and online against a local HTTP issuer; and it never imports Django or onegate."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import segno

from onegate.credentials.tests.bad_credentials import STATUS_INDEX, CredentialWorld, Signer
from onegate_verify.errors import VerifyError
from onegate_verify.qr import qr_decode
from onegate_verify.trust import TrustStore, metadata_url, url_allowed

SCRIPT = Path(sys.executable).parent / "onegate-verify"


def _run(*args: str, cache: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ONEGATE_VERIFY_CACHE": str(cache), "PYTHONIOENCODING": "utf-8"}
    env.pop("ONEGATE_VERIFY_ISSUER", None)
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def world() -> CredentialWorld:
    return CredentialWorld.create(now=int(time.time()))


@pytest.fixture
def cache(tmp_path: Path, world: CredentialWorld) -> Path:
    """A verifier's cache as ``--refresh`` leaves it: the issuer's keys and its status list."""
    store = TrustStore(tmp_path)
    store.metadata_store(
        world.issuer, {"issuer": world.issuer, "jwks": {"keys": [world.signer.public_jwk]}}
    )
    store.status_token_store(world.status_uri, world.status_tokens[world.status_uri])
    return tmp_path


def test_the_console_script_is_installed() -> None:
    assert SCRIPT.is_file()


def test_a_valid_credential_offline(world: CredentialWorld, cache: Path) -> None:
    result = _run("--offline", "--cache-dir", str(cache), world.present(), cache=cache)

    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first == "VALID: The credential is genuine and in force."
    assert f"Issuer: {world.issuer}" in rest
    assert "  family_name: Srisai (disclosed by the holder)" in rest
    assert "  reference: ETA-2026-000042" in rest
    assert not any(line.startswith("  birthdate") for line in rest)  # not disclosed


def test_revoked_after_a_new_status_list_is_cached(world: CredentialWorld, cache: Path) -> None:
    payload = world.present()
    assert _run("--offline", "--cache-dir", str(cache), payload, cache=cache).returncode == 0

    TrustStore(cache).status_token_store(
        world.status_uri, world.status_token(values={STATUS_INDEX: 1})
    )
    result = _run("--offline", "--cache-dir", str(cache), payload, cache=cache)

    assert result.returncode == 1
    assert result.stdout.startswith("REVOKED: The credential has been revoked by its issuer.")


def test_expired_and_forged_credentials_offline(world: CredentialWorld, cache: Path) -> None:
    expired = _run(
        "--offline", "--cache-dir", str(cache), world.present(exp=world.now - 60), cache=cache
    )
    good = world.present()
    jws_part = good.split("~")[0]
    signature = jws_part.split(".")[2]
    forged = good.replace(
        signature, signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    )
    invalid = _run("--offline", "--cache-dir", str(cache), forged, cache=cache)

    assert expired.returncode == 1
    assert expired.stdout.startswith("EXPIRED: The credential has expired.")
    assert invalid.returncode == 1
    assert invalid.stdout.startswith("INVALID: The signature does not match")
    assert "Reason code: signature" in invalid.stdout
    assert "Srisai" not in invalid.stdout  # nothing of a forged credential is shown


def test_json_output_and_standard_input(world: CredentialWorld, cache: Path) -> None:
    result = _run(
        "--offline",
        "--json",
        "--cache-dir",
        str(cache),
        "-",
        cache=cache,
        stdin=world.issue() + "\n",  # everything disclosed
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "valid"
    assert answer["issuer"] == world.issuer
    assert answer["kid"] == world.signer.kid
    assert answer["claims"]["title"] == {
        "en": "Electronic travel authority",
        "th": "การอนุญาตเดินทางอิเล็กทรอนิกส์",
    }
    assert answer["expires_at"] == world.now + 365 * 86400


def test_a_photo_of_the_qr_code(world: CredentialWorld, cache: Path, tmp_path: Path) -> None:
    image = tmp_path / "card.png"
    segno.make(world.present(), error="l").save(str(image), scale=4)

    result = _run("--offline", "--cache-dir", str(cache), "--image", str(image), cache=cache)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("VALID")


def test_an_image_without_a_qr_code_is_an_input_error(cache: Path, tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    not_an_image = tmp_path / "notes.txt"
    not_an_image.write_text("hello")

    for path in (blank, not_an_image, tmp_path / "missing.png"):
        result = _run("--offline", "--cache-dir", str(cache), "--image", str(path), cache=cache)
        assert result.returncode == 2, path
        assert result.stderr.startswith("ERROR: ")


def test_usage_errors_exit_2(cache: Path) -> None:
    assert _run("--offline", "--cache-dir", str(cache), cache=cache).returncode == 2
    assert _run("--no-such-option", cache=cache).returncode == 2
    assert _run("--offline", "--cache-dir", str(cache), "-", cache=cache, stdin="").returncode == 2


def test_offline_without_a_cached_status_list_is_never_valid(
    world: CredentialWorld, tmp_path: Path
) -> None:
    TrustStore(tmp_path).metadata_store(
        world.issuer, {"issuer": world.issuer, "jwks": {"keys": [world.signer.public_jwk]}}
    )

    result = _run("--offline", "--cache-dir", str(tmp_path), world.present(), cache=tmp_path)

    assert result.returncode == 1
    assert "Reason code: status_unavailable" in result.stdout


def test_a_stale_status_list_asks_for_a_refresh(world: CredentialWorld, cache: Path) -> None:
    TrustStore(cache).status_token_store(
        world.status_uri, world.status_token(iat=world.now - 7200, exp=world.now - 60)
    )

    result = _run("--offline", "--cache-dir", str(cache), world.present(), cache=cache)

    assert result.returncode == 1
    assert "Reason code: status_stale" in result.stdout
    assert "refresh" in result.stdout


def test_an_issuer_that_is_not_trusted(world: CredentialWorld, tmp_path: Path) -> None:
    result = _run("--offline", "--cache-dir", str(tmp_path), world.present(), cache=tmp_path)

    assert result.returncode == 1
    assert "Reason code: issuer_untrusted" in result.stdout


def test_the_command_never_imports_django_or_onegate(world: CredentialWorld, cache: Path) -> None:
    check = (
        "import sys\n"
        "from onegate_verify.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "loaded = [m for m in sys.modules if m in ('django', 'onegate')"
        " or m.startswith(('django.', 'onegate.'))]\n"
        "assert not loaded, loaded\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "ONEGATE_VERIFY_CACHE": str(cache)}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    result = subprocess.run(
        [sys.executable, "-c", check, "--offline", "--cache-dir", str(cache), world.present()],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("VALID")


# -- online: a local issuer over HTTP --------------------------------------------------------


class _Issuer(http.server.ThreadingHTTPServer):
    documents: dict[str, tuple[str, bytes]]
    hits: list[str]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Issuer

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        found = self.server.documents.get(self.path)
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def issuer_server() -> Iterator[_Issuer]:
    server = _Issuer(("127.0.0.1", 0), _Handler)
    server.documents = {}
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _publish(server: _Issuer, world: CredentialWorld, *signers: Signer, status: str) -> None:
    metadata = {"issuer": world.issuer, "jwks": {"keys": [s.public_jwk for s in signers]}}
    server.documents["/.well-known/jwt-vc-issuer"] = (
        "application/json",
        json.dumps(metadata).encode(),
    )
    server.documents["/credentials/status/1"] = ("application/statuslist+jwt", status.encode())


def test_online_fetches_then_refresh_sees_a_revocation(
    issuer_server: _Issuer, tmp_path: Path
) -> None:
    port = issuer_server.server_address[1]
    world = CredentialWorld.create(issuer=f"http://127.0.0.1:{port}", now=int(time.time()))
    _publish(issuer_server, world, world.signer, status=world.status_token())
    payload = world.present()
    args = ("--issuer", world.issuer, "--cache-dir", str(tmp_path))

    first = _run(*args, payload, cache=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert issuer_server.hits == ["/.well-known/jwt-vc-issuer", "/credentials/status/1"]

    # the issuer revokes; the cached list is still fresh (ttl), so only --refresh sees it
    issuer_server.documents["/credentials/status/1"] = (
        "application/statuslist+jwt",
        world.status_token(values={STATUS_INDEX: 1}).encode(),
    )
    assert _run(*args, payload, cache=tmp_path).returncode == 0
    refreshed = _run(*args, "--refresh", payload, cache=tmp_path)
    assert refreshed.returncode == 1
    assert refreshed.stdout.startswith("REVOKED")
    # and offline it now stays revoked
    assert _run("--offline", *args, payload, cache=tmp_path).stdout.startswith("REVOKED")


def test_online_picks_up_a_rotated_key(issuer_server: _Issuer, tmp_path: Path) -> None:
    port = issuer_server.server_address[1]
    world = CredentialWorld.create(issuer=f"http://127.0.0.1:{port}", now=int(time.time()))
    _publish(issuer_server, world, world.signer, status=world.status_token())
    args = ("--issuer", world.issuer, "--cache-dir", str(tmp_path))
    assert _run(*args, "--refresh", cache=tmp_path).returncode == 0

    rotated = Signer.create("onegate-2026-2")
    _publish(issuer_server, world, world.signer, rotated, status=world.status_token())
    old, new = world.present(), world.present(signer=rotated)

    assert _run("--offline", *args, new, cache=tmp_path).stdout.startswith("INVALID")
    assert _run(*args, new, cache=tmp_path).returncode == 0  # unknown kid: fetched again
    assert _run("--offline", *args, old, cache=tmp_path).returncode == 0  # old key still kept


def test_only_https_or_this_machine_is_fetched() -> None:
    assert url_allowed("https://onegate.example/.well-known/jwt-vc-issuer")
    assert url_allowed("http://127.0.0.1:8000/x")
    assert url_allowed("http://localhost/x")
    assert not url_allowed("http://onegate.example/x")
    assert not url_allowed("file:///etc/passwd")
    assert not url_allowed("ftp://onegate.example/x")
    assert metadata_url("https://onegate.example") == (
        "https://onegate.example/.well-known/jwt-vc-issuer"
    )
    assert metadata_url("https://host.example/tenant/1/") == (
        "https://host.example/.well-known/jwt-vc-issuer/tenant/1"
    )


def test_refresh_refuses_metadata_for_another_issuer(
    issuer_server: _Issuer, tmp_path: Path
) -> None:
    port = issuer_server.server_address[1]
    world = CredentialWorld.create(issuer=f"http://127.0.0.1:{port}", now=int(time.time()))
    issuer_server.documents["/.well-known/jwt-vc-issuer"] = (
        "application/json",
        json.dumps(
            {"issuer": "https://evil.test", "jwks": {"keys": [world.signer.public_jwk]}}
        ).encode(),
    )

    result = _run(
        "--issuer", world.issuer, "--cache-dir", str(tmp_path), "--refresh", cache=tmp_path
    )

    assert result.returncode == 2
    assert TrustStore(tmp_path).issuers() == []


# -- reading QR images ---------------------------------------------------------------------------


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels but holds no image data."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def test_qr_decode_returns_the_exact_text(world: CredentialWorld, tmp_path: Path) -> None:
    payload = world.issue()
    image = tmp_path / "qr.png"
    segno.make(payload, error="l").save(str(image), scale=4)

    assert qr_decode(image.read_bytes()) == payload


@pytest.mark.parametrize(
    ("image", "words"),
    [
        (_png_header_only(8000, 8000), "40 megapixels"),
        (b"", "empty"),
        (b"GIF89a not really", "not an image"),
    ],
    ids=["64-megapixels", "empty", "damaged"],
)
def test_qr_decode_refuses_what_it_cannot_read_safely(image: bytes, words: str) -> None:
    with pytest.raises(VerifyError) as error:
        qr_decode(image)

    assert error.value.code == "qr"
    assert words in error.value.message


def test_online_without_a_published_status_list_is_never_valid(
    issuer_server: _Issuer, tmp_path: Path
) -> None:
    port = issuer_server.server_address[1]
    world = CredentialWorld.create(issuer=f"http://127.0.0.1:{port}", now=int(time.time()))
    _publish(issuer_server, world, world.signer, status=world.status_token())
    del issuer_server.documents["/credentials/status/1"]  # the list answers 404

    result = _run(
        "--issuer", world.issuer, "--cache-dir", str(tmp_path), world.present(), cache=tmp_path
    )

    assert result.returncode == 1
    assert result.stdout.startswith("INVALID")
    assert "Reason code: status_unavailable" in result.stdout


def test_refreshing_while_offline_is_an_error(tmp_path: Path) -> None:
    result = _run(
        "--offline",
        "--refresh",
        "--issuer",
        "https://onegate.test",
        "--cache-dir",
        str(tmp_path),
        cache=tmp_path,
    )

    assert result.returncode == 2
    assert "offline" in result.stderr
