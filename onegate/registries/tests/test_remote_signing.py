"""Node keys, signed messages and the remote adapter's settings: bad ones are named, not guessed."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from joserfc.jwk import ECKey, OKPKey

from onegate.registries.adapters import signing
from onegate.registries.adapters.remote import (
    RemoteAdapter,
    backoff_seconds,
    registry_settings_validate,
    remote_config,
)

ROOT = Path(__file__).resolve().parents[3]


def private_jwk(kind: str = "Ed25519") -> dict[str, Any]:
    key = ECKey.generate_key("P-256") if kind == "P-256" else OKPKey.generate_key(kind)  # type: ignore[arg-type]
    jwk: dict[str, Any] = key.as_dict(private=True)
    return jwk


def public(jwk: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in jwk.items() if k != "d"}


def key_pair(node: str, kind: str = "Ed25519") -> tuple[signing.NodeKey, signing.NodeKey]:
    private = private_jwk(kind)
    return (
        signing.node_key_from_jwk(node, private, "test", private=True),
        signing.node_key_from_jwk(node, public(private), "test", private=False),
    )


@pytest.fixture
def configured(settings: Any, tmp_path: Path) -> Any:
    """A node A fully set up to ask node B; tests break one setting at a time."""
    settings.REGISTRY_NODE_ID = "node-a"
    settings.REGISTRY_NODE_PRIVATE_KEY = json.dumps(private_jwk())
    settings.REGISTRY_REMOTE_URL = "https://registry.example.go.th"
    settings.REGISTRY_REMOTE_NODE_ID = "node-b"
    settings.REGISTRY_REMOTE_PUBLIC_KEY = json.dumps(public(private_jwk()))
    settings.REGISTRY_PEERS = json.dumps({"node-b": public(private_jwk())})
    return settings


class TestSignedMessages:
    @pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
    def test_a_signed_message_verifies_with_the_senders_public_key(self, kind: str) -> None:
        private, public_key = key_pair("node-a", kind)
        claims = signing.claims_new(issuer="node-a", audience="node-b", lifetime=60, question="q")
        token = signing.sign(claims, key=private, typ=signing.REQUEST_TYPE)
        signer, verified = signing.verify(
            token, keys={public_key.kid: public_key}, typ=signing.REQUEST_TYPE, audience="node-b"
        )
        assert signer.node == "node-a"
        assert verified == claims

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            ({"aud": "node-c"}, "wrong_audience"),
            ({"iss": "node-c"}, "wrong_issuer"),
            # Times are seconds from when the test runs (not from collection: a long suite would
            # turn a future time into a past one).
            ({"exp": -60}, "expired"),
            ({"iat": 600, "exp": 660}, "not_yet_valid"),
            ({"exp": 3600}, "too_long"),
            ({"jti": ""}, "malformed"),
            ({"exp": "tomorrow"}, "malformed"),
        ],
    )
    def test_each_claim_is_checked(self, change: dict[str, Any], reason: str) -> None:
        private, public_key = key_pair("node-a")
        claims = signing.claims_new(issuer="node-a", audience="node-b", lifetime=60)
        now = int(time.time())
        change = {
            key: now + value if key in ("iat", "exp") and isinstance(value, int) else value
            for key, value in change.items()
        }
        token = signing.sign({**claims, **change}, key=private, typ=signing.REQUEST_TYPE)
        with pytest.raises(signing.SignatureRefused) as refused:
            signing.verify(
                token,
                keys={public_key.kid: public_key},
                typ=signing.REQUEST_TYPE,
                audience="node-b",
            )
        assert refused.value.reason == reason

    def test_an_answer_is_not_accepted_as_a_request(self) -> None:
        private, public_key = key_pair("node-a")
        claims = signing.claims_new(issuer="node-a", audience="node-b", lifetime=60)
        token = signing.sign(claims, key=private, typ=signing.ANSWER_TYPE)
        with pytest.raises(signing.SignatureRefused) as refused:
            signing.verify(
                token,
                keys={public_key.kid: public_key},
                typ=signing.REQUEST_TYPE,
                audience="node-b",
            )
        assert refused.value.reason == "wrong_type"

    def test_a_changed_message_fails_its_signature(self) -> None:
        private, public_key = key_pair("node-a")
        claims = signing.claims_new(issuer="node-a", audience="node-b", lifetime=60, purpose="a")
        header, _, signature = signing.sign(claims, key=private, typ="t").split(".")
        forged = signing.claims_new(issuer="node-a", audience="node-b", lifetime=60, purpose="b")
        payload = signing.sign(forged, key=private, typ="t").split(".")[1]
        with pytest.raises(signing.SignatureRefused) as refused:
            signing.verify(
                f"{header}.{payload}.{signature}",
                keys={public_key.kid: public_key},
                typ="t",
                audience="node-b",
            )
        assert refused.value.reason == "bad_signature"


class TestKeySettings:
    def test_a_key_may_be_given_as_a_file(self, configured: Any, tmp_path: Path) -> None:
        key_file = tmp_path / "node.jwk"
        key_file.write_text(configured.REGISTRY_NODE_PRIVATE_KEY)
        configured.REGISTRY_NODE_PRIVATE_KEY = str(key_file)
        assert signing.own_key().node == "node-a"

    def test_a_peer_may_publish_two_keys_while_it_changes_over(self, configured: Any) -> None:
        old, new = public(private_jwk()), public(private_jwk())
        configured.REGISTRY_PEERS = json.dumps(
            {"node-b": [old, new], "node-c": public(private_jwk())}
        )
        peers = signing.peer_keys()
        assert sorted(key.node for key in peers.values()) == ["node-b", "node-b", "node-c"]

    @pytest.mark.parametrize(
        ("variable", "value", "problem"),
        [
            ("REGISTRY_NODE_ID", "", "a node id is"),
            ("REGISTRY_NODE_ID", "node a", "a node id is"),
            ("REGISTRY_NODE_PRIVATE_KEY", "", "not set"),
            ("REGISTRY_NODE_PRIVATE_KEY", "{not json", "not valid JSON"),
            ("REGISTRY_NODE_PRIVATE_KEY", "/no/such/key.jwk", "neither JSON nor a readable file"),
            ("REGISTRY_NODE_PRIVATE_KEY", "SHARED", "use an Ed25519"),
            ("REGISTRY_NODE_PRIVATE_KEY", "PUBLIC", "this is a public key"),
            ("REGISTRY_NODE_PRIVATE_KEY", "ED448", "use an Ed25519"),
            ("REGISTRY_REMOTE_PUBLIC_KEY", "PRIVATE", "holds a private key"),
            ("REGISTRY_REMOTE_NODE_ID", "", "a node id is"),
            ("REGISTRY_REMOTE_URL", "", "give the other node's address"),
            ("REGISTRY_REMOTE_URL", "ftp://registry.example", "give the other node's address"),
            ("REGISTRY_REMOTE_URL", "https://registry.example/?x=1", "no query string"),
            ("REGISTRY_REMOTE_READ_TIMEOUT", 0, "must be at least"),
            ("REGISTRY_REMOTE_RETRIES", 11, "at most 10"),
            ("REGISTRY_BREAKER_THRESHOLD", 0, "must be at least 1"),
            ("REGISTRY_TOKEN_LIFETIME_SECONDS", 3600, "at most 300"),
        ],
    )
    def test_a_bad_setting_is_named(
        self, configured: Any, variable: str, value: Any, problem: str
    ) -> None:
        stand_ins = {
            "PUBLIC": json.dumps(public(private_jwk())),
            "PRIVATE": json.dumps(private_jwk()),
            "ED448": json.dumps(private_jwk("Ed448")),
            "SHARED": json.dumps(
                {"kty": "oct", "k": "c2VjcmV0LWtleS1vZi0zMi1ieXRlcy1mb3ItdGVzdHM"}
            ),
        }
        setattr(configured, variable, stand_ins.get(value, value))
        with pytest.raises(ImproperlyConfigured, match=problem) as bad:
            remote_config()
        assert str(bad.value).startswith(f"{variable}")

    @pytest.mark.parametrize(
        ("peers", "problem"),
        [
            ("[]", "expected a JSON object"),
            ('{"node b": {}}', "a node id is"),
            ('{"node-b": "key"}', "expected a JWK"),
        ],
    )
    def test_bad_peers_are_named(self, configured: Any, peers: str, problem: str) -> None:
        configured.REGISTRY_PEERS = peers
        with pytest.raises(ImproperlyConfigured, match=problem) as bad:
            signing.peer_keys()
        assert str(bad.value).startswith("REGISTRY_PEERS")

    def test_one_key_cannot_belong_to_two_peers(self, configured: Any) -> None:
        shared = public(private_jwk())
        configured.REGISTRY_PEERS = json.dumps({"node-b": shared, "node-c": shared})
        with pytest.raises(ImproperlyConfigured, match="two nodes"):
            signing.peer_keys()

    def test_start_up_validation_reads_only_what_the_node_uses(self, settings: Any) -> None:
        settings.REGISTRY_ADAPTER = "local"
        settings.REGISTRY_NODE_PRIVATE_KEY = ""
        settings.REGISTRY_PEERS = ""
        settings.REGISTRY_REMOTE_URL = ""
        registry_settings_validate()  # a node that takes no part in the network needs nothing
        settings.REGISTRY_ADAPTER = "remote"
        with pytest.raises(ImproperlyConfigured):
            registry_settings_validate()

    def test_a_bad_number_in_the_environment_stops_start_up_naming_it(self) -> None:
        environment = {**os.environ, "REGISTRY_BREAKER_THRESHOLD": "many"}
        environment.pop("DATABASE_URL", None)
        result = subprocess.run(
            [sys.executable, "manage.py", "registry_node_key", "--help"],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 2
        assert result.stderr.startswith("onegate: configuration error: REGISTRY_BREAKER_THRESHOLD")

    def test_a_configured_adapter_is_made_without_touching_the_network(
        self, configured: Any
    ) -> None:
        adapter = RemoteAdapter()
        assert adapter.config.questions_url == "https://registry.example.go.th/api/v1/registry/"
        assert adapter.config.node.node == "node-b"


def test_backoff_grows_exponentially_with_jitter() -> None:
    for attempt, (low, high) in enumerate([(0.05, 0.1), (0.1, 0.2), (0.2, 0.4)], start=1):
        delays = {backoff_seconds(0.1, attempt) for _ in range(50)}
        assert all(low <= delay <= high for delay in delays)
        assert len(delays) > 1  # jittered, so retrying nodes do not stampede together


class TestNodeKeyCommand:
    def test_it_writes_a_private_key_only_its_owner_can_read_and_prints_the_public_one(
        self, tmp_path: Path
    ) -> None:
        out, err = StringIO(), StringIO()
        path = tmp_path / "keys" / "node.jwk"
        call_command("registry_node_key", output=path, stdout=out, stderr=err)

        printed = json.loads(out.getvalue())
        assert "d" not in printed
        assert printed["kty"] == "OKP" and printed["crv"] == "Ed25519"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        private = json.loads(path.read_text())
        assert private["d"] not in out.getvalue() + err.getvalue()
        # what was printed is what the peer configures, and it matches the private key
        peer = signing.node_key_from_jwk("a", printed, "peer", private=False)
        own = signing.node_key_from_jwk("a", private, "own", private=True)
        assert peer.kid == own.kid == printed["kid"]

    def test_it_does_not_replace_a_key_unless_told(self, tmp_path: Path) -> None:
        path = tmp_path / "node.jwk"
        call_command("registry_node_key", output=path, stdout=StringIO(), stderr=StringIO())
        first = path.read_text()
        with pytest.raises(CommandError, match="--force"):
            call_command("registry_node_key", output=path, stdout=StringIO(), stderr=StringIO())
        assert path.read_text() == first
        call_command(
            "registry_node_key", output=path, force=True, stdout=StringIO(), stderr=StringIO()
        )
        assert path.read_text() != first

    def test_it_shows_the_public_key_of_an_existing_key(self, tmp_path: Path) -> None:
        path = tmp_path / "node.jwk"
        made = StringIO()
        call_command("registry_node_key", output=path, stdout=made, stderr=StringIO())
        shown = StringIO()
        call_command("registry_node_key", output=path, show_public=True, stdout=shown)
        assert json.loads(shown.getvalue()) == json.loads(made.getvalue())
