"""The verifier's trust store: issuer keys and status lists kept in a cache directory.

Layout (default ``~/.cache/onegate-verify``, or ``$ONEGATE_VERIFY_CACHE``)::

    issuers/<sha256 of issuer URL>.json   {"issuer", "fetched_at", "metadata": {"issuer", "jwks"}}
    status/<sha256 of list URI>.json      {"uri", "fetched_at", "token"}

An issuer is trusted because someone put it there: ``refresh(issuer)`` fetches its JWT VC
Issuer Metadata (``/.well-known/jwt-vc-issuer``) over HTTPS (or plain HTTP to this machine
only). Offline, the cached copies are used as they are; a cached status list past its ``exp``
makes every answer "invalid" (``status_stale``) until it is refreshed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from onegate_verify._jws import b64url_decode, json_loads
from onegate_verify.errors import VerifyError

__all__ = [
    "FETCH_TIMEOUT",
    "TrustStore",
    "default_cache_dir",
    "metadata_url",
    "url_allowed",
]

FETCH_TIMEOUT = 10
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
WELL_KNOWN = "/.well-known/jwt-vc-issuer"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

Fetcher = Callable[[str, str], bytes]


def default_cache_dir() -> Path:
    configured = os.environ.get("ONEGATE_VERIFY_CACHE")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "onegate-verify"


def url_allowed(url: str) -> bool:
    """HTTPS anywhere; plain HTTP only to this machine (a development server)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def metadata_url(issuer: str) -> str:
    """SD-JWT VC §5: the well-known segment goes between the host and the issuer's path."""
    parts = urllib.parse.urlsplit(issuer.rstrip("/"))
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, WELL_KNOWN + parts.path, "", ""))


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not url_allowed(newurl):
            raise urllib.error.HTTPError(newurl, code, "redirect refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def http_fetch(url: str, accept: str) -> bytes:
    """GET ``url`` (allowed schemes only, 10 s timeout, 8 MiB at most)."""
    if not url_allowed(url):
        raise VerifyError("io", f"Refusing to fetch {url}: only HTTPS (or this machine).")
    opener = urllib.request.build_opener(_SafeRedirects())
    request = urllib.request.Request(  # noqa: S310 - scheme checked by url_allowed
        url, headers={"Accept": accept, "User-Agent": "onegate-verify"}
    )
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            body: bytes = response.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise VerifyError("io", f"Could not fetch {url}.") from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise VerifyError("io", f"The answer from {url} is too large.")
    return body


def _name(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + ".json"


def _unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT without checking it: only for cache freshness decisions."""
    try:
        payload = json_loads(b64url_decode(token.split(".")[1]))
    except (VerifyError, IndexError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _public_keys(metadata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    jwks = metadata.get("jwks")
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        return {}
    result: dict[str, dict[str, Any]] = {}
    for key in keys:
        if isinstance(key, dict) and isinstance(key.get("kid"), str) and "d" not in key:
            result[key["kid"]] = key
    return result


class TrustStore:
    """Issuer metadata and status list tokens in a directory, refreshed over HTTP on demand."""

    def __init__(
        self,
        cache_dir: Path | str | None = None,
        *,
        offline: bool = False,
        fetch: Fetcher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.offline = offline
        self._fetch = fetch or http_fetch
        self._clock = clock
        self._keys: dict[str, dict[str, dict[str, Any]]] = {}

    # -- files -------------------------------------------------------------------------------
    def _path(self, kind: str, url: str) -> Path:
        return self.cache_dir / kind / _name(url)

    def _read(self, kind: str, url: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(kind, url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write(self, kind: str, url: str, data: dict[str, Any]) -> None:
        folder = self.cache_dir / kind
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False)
        os.replace(temporary, self._path(kind, url))

    # -- issuers -----------------------------------------------------------------------------
    def issuers(self) -> list[str]:
        """Issuers whose metadata is in the cache (each was trusted when it was fetched)."""
        found = []
        for path in sorted((self.cache_dir / "issuers").glob("*.json")):
            try:
                issuer = json.loads(path.read_text(encoding="utf-8")).get("issuer")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(issuer, str):
                found.append(issuer)
        return found

    def metadata_store(self, issuer: str, metadata: dict[str, Any]) -> None:
        """Keep ``metadata`` (JWT VC Issuer Metadata with an inline ``jwks``) for ``issuer``."""
        if not isinstance(metadata, dict) or metadata.get("issuer") != issuer:
            raise VerifyError("issuer_untrusted", "The issuer metadata names a different issuer.")
        if not _public_keys(metadata):
            raise VerifyError("key", "The issuer metadata holds no usable keys.")
        self._write(
            "issuers",
            issuer,
            {"issuer": issuer, "fetched_at": int(self._clock()), "metadata": metadata},
        )
        self._keys.pop(issuer, None)

    def metadata(self, issuer: str) -> dict[str, Any] | None:
        cached = self._read("issuers", issuer)
        if cached is None or cached.get("issuer") != issuer:
            return None
        metadata = cached.get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def keys(self, issuer: str) -> dict[str, dict[str, Any]]:
        """Trusted public keys of ``issuer`` by kid; fetched first when online and not cached."""
        if issuer not in self._keys:
            metadata = self.metadata(issuer)
            if metadata is None and not self.offline:
                metadata = self.refresh(issuer, status_lists=False)
            self._keys[issuer] = _public_keys(metadata) if metadata else {}
        return self._keys[issuer]

    def refresh(self, issuer: str, *, status_lists: bool = True) -> dict[str, Any]:
        """Fetch and cache the issuer's metadata (and, by default, its cached status lists)."""
        if self.offline:
            raise VerifyError("io", "Cannot refresh while offline.")
        metadata = json_loads(self._fetch(metadata_url(issuer), "application/json"), code="io")
        if (
            isinstance(metadata, dict)
            and "jwks" not in metadata
            and isinstance(metadata.get("jwks_uri"), str)
        ):
            metadata = dict(metadata)
            metadata["jwks"] = json_loads(
                self._fetch(metadata["jwks_uri"], "application/json"), code="io"
            )
        self.metadata_store(issuer, metadata)
        if status_lists:
            prefix = issuer.rstrip("/") + "/"
            for uri in self.status_uris():
                if uri.startswith(prefix):
                    self.status_refresh(uri)
        return metadata

    # -- status lists ------------------------------------------------------------------------
    def status_uris(self) -> list[str]:
        found = []
        for path in sorted((self.cache_dir / "status").glob("*.json")):
            try:
                uri = json.loads(path.read_text(encoding="utf-8")).get("uri")
            except (OSError, ValueError, AttributeError):
                continue
            if isinstance(uri, str):
                found.append(uri)
        return found

    def status_token_store(self, uri: str, token: str) -> None:
        self._write("status", uri, {"uri": uri, "fetched_at": int(self._clock()), "token": token})

    def status_refresh(self, uri: str) -> str:
        if self.offline:
            raise VerifyError("status_unavailable")
        body = self._fetch(uri, "application/statuslist+jwt")
        try:
            token = body.decode("ascii").strip()
        except UnicodeDecodeError as exc:
            raise VerifyError("status_malformed") from exc
        self.status_token_store(uri, token)
        return token

    def status_token(self, uri: str) -> str:
        """The Status List Token for ``uri``: the cached one while fresh (its ``ttl`` and
        ``exp``), otherwise fetched when online; offline, whatever is cached."""
        cached = self._read("status", uri)
        token = cached.get("token") if cached and cached.get("uri") == uri else None
        if not isinstance(token, str):
            token = None
        if self.offline:
            if token is None:
                raise VerifyError("status_unavailable")
            return token
        if token is not None and cached is not None and self._fresh(token, cached):
            return token
        try:
            return self.status_refresh(uri)
        except VerifyError as exc:
            if token is not None:
                return token  # still checked for exp and signature by the verifier
            raise VerifyError(
                "status_unavailable",
                f"{exc.message} No status list is cached, so the credential cannot be checked.",
            ) from exc

    def _fresh(self, token: str, cached: dict[str, Any]) -> bool:
        claims = _unverified_claims(token)
        now = self._clock()
        exp, ttl, fetched_at = claims.get("exp"), claims.get("ttl"), cached.get("fetched_at")
        if isinstance(exp, int) and now >= exp:
            return False
        if isinstance(ttl, int) and isinstance(fetched_at, int):
            return now < fetched_at + ttl
        return True
