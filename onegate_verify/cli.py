"""``onegate-verify``: check a OneGate credential from its QR text or a photo of the QR code.

    onegate-verify PAYLOAD            verify the text of a QR code
    onegate-verify -                  read the text from standard input
    onegate-verify --image card.png   read the QR code from an image
    onegate-verify --refresh --issuer https://onegate.example   fetch keys and status lists

Exit status: 0 valid, 1 not valid (invalid, revoked, suspended, expired), 2 usage or input error.
Imports no Django and nothing of ``onegate``: it runs on a laptop with only the cache.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from onegate_verify._jws import compact_parse
from onegate_verify.errors import VerifyError
from onegate_verify.trust import TrustStore
from onegate_verify.verify import Verdict, credential_verify

EXIT_VALID, EXIT_NOT_VALID, EXIT_ERROR = 0, 1, 2
MAX_PAYLOAD_CHARS = 256 * 1024
# Always-visible technical claims, shown in their own lines rather than as "claims".
TECHNICAL_CLAIMS = frozenset({"iss", "vct", "iat", "nbf", "exp", "status", "cnf"})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onegate-verify",
        description="Check a OneGate digital credential, online or offline.",
        epilog="Exit status: 0 valid, 1 not valid, 2 usage or input error.",
    )
    parser.add_argument(
        "payload",
        nargs="?",
        metavar="PAYLOAD",
        help="the text of the QR code, or - to read it from standard input",
    )
    parser.add_argument("--image", metavar="FILE", help="read the QR code from this image")
    parser.add_argument(
        "--issuer",
        metavar="URL",
        default=os.environ.get("ONEGATE_VERIFY_ISSUER") or None,
        help="the issuer to trust and refresh (or $ONEGATE_VERIFY_ISSUER)",
    )
    parser.add_argument(
        "--trust-issuer",
        metavar="URL",
        action="append",
        default=[],
        help="another issuer to trust (repeatable)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="fetch the issuer's keys and status lists before checking",
    )
    parser.add_argument(
        "--offline", action="store_true", help="never use the network; use only the cache"
    )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where keys and status lists are kept (or $ONEGATE_VERIFY_CACHE)",
    )
    return parser


class _UsageError(Exception):
    pass


def _read_payload(args: argparse.Namespace) -> str:
    if args.image:
        from onegate_verify.qr import qr_decode  # Pillow and zxing-cpp only when needed

        try:
            image = Path(args.image).read_bytes()
        except OSError as exc:
            raise _UsageError(f"Cannot read the image {args.image}: {exc.strerror}.") from exc
        return qr_decode(image)
    if args.payload == "-":
        text = sys.stdin.read(MAX_PAYLOAD_CHARS + 1)
    elif args.payload:
        text = args.payload
    else:
        raise _UsageError("Give the credential text, - for standard input, or --image FILE.")
    text = text.strip()
    if not text:
        raise _UsageError("The credential text is empty.")
    return text


def _claimed_issuer(payload: str) -> str | None:
    """The ``iss`` the credential claims, unverified: only to pick which trusted keys to use."""
    try:
        iss = compact_parse(payload.split("~", 1)[0]).payload.get("iss")
    except VerifyError:
        return None
    return iss if isinstance(iss, str) else None


def _trusted_issuers(args: argparse.Namespace, store: TrustStore) -> list[str]:
    configured = [args.issuer, *args.trust_issuer]
    trusted = [issuer.rstrip("/") for issuer in configured if issuer]
    return list(dict.fromkeys([*trusted, *store.issuers()]))


def _verify(payload: str, args: argparse.Namespace, store: TrustStore) -> Verdict:
    trusted = _trusted_issuers(args, store)
    claimed = _claimed_issuer(payload)
    if claimed is not None and claimed not in trusted:
        error = VerifyError("issuer_untrusted")
        return Verdict("invalid", error.code, error.message, {}, claimed, None, None, None)
    issuer = claimed or (trusted[0] if trusted else "")
    if args.refresh and issuer:
        store.refresh(issuer)

    def check() -> Verdict:
        return credential_verify(
            payload,
            keys=store.keys(issuer) if issuer else {},
            issuer=issuer,
            now=int(time.time()),
            status_token_for=store.status_token,
        )

    verdict = check()
    if verdict.code == "unknown_kid" and issuer and not store.offline and not args.refresh:
        store.refresh(issuer, status_lists=False)  # the issuer may have rotated its key
        verdict = check()
    return verdict


def _when(timestamp: int | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _human(verdict: Verdict) -> str:
    lines = [f"{verdict.status.upper()}: {verdict.message}"]
    if verdict.status != "valid":
        lines.append(f"Reason code: {verdict.code}")
    if verdict.issuer:
        lines.append(f"Issuer: {verdict.issuer}")
    if verdict.vct:
        lines.append(f"Type: {verdict.vct}")
    if verdict.expires_at is not None:
        lines.append(f"Valid until: {_when(verdict.expires_at)}")
    if verdict.kid:
        lines.append(f"Signing key: {verdict.kid}")
    shown = {name: value for name, value in verdict.claims.items() if name not in TECHNICAL_CLAIMS}
    if shown:
        lines.append("Claims:")
        for name, value in shown.items():
            marker = " (disclosed by the holder)" if name in verdict.disclosed else ""
            lines.append(f"  {name}: {_value(value)}{marker}")
    return "\n".join(lines)


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")


def _print_error(message: str, code: str, as_json: bool) -> None:
    if as_json:
        _out(json.dumps({"status": "error", "code": code, "message": message}))
    sys.stderr.write(f"ERROR: {message}\n")


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    store = TrustStore(args.cache_dir, offline=args.offline)
    try:
        if args.refresh and not args.payload and not args.image:
            issuers = _trusted_issuers(args, store)
            if not issuers:
                raise _UsageError("Say which issuer to refresh with --issuer URL.")
            for issuer in issuers:
                store.refresh(issuer)
                _out(f"Refreshed keys and status lists of {issuer}.")
            return EXIT_VALID
        payload = _read_payload(args)
        verdict = _verify(payload, args, store)
    except _UsageError as exc:
        _print_error(str(exc), "usage", args.json)
        return EXIT_ERROR
    except VerifyError as exc:
        _print_error(exc.message, exc.code, args.json)
        return EXIT_ERROR
    if args.json:
        _out(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2))
    else:
        _out(_human(verdict))
    return EXIT_VALID if verdict.valid else EXIT_NOT_VALID


if __name__ == "__main__":
    sys.exit(main())
