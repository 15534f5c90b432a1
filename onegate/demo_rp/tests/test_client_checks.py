"""The demo system refuses ID tokens it should refuse, before trusting any claim in them."""

from __future__ import annotations

import time

import pytest

from onegate.demo_rp.client import Pending, SignInError, _check_claims

ISSUER = "http://127.0.0.1:8000"
PENDING = Pending(
    state="s", nonce="n-123", verifier="v", level="substantial", redirect_uri="http://x/cb/"
)


def claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    good: dict[str, object] = {
        "iss": ISSUER,
        "aud": "demo-land-transport",
        "exp": now + 600,
        "iat": now,
        "nonce": "n-123",
        "acr": "substantial",
        "sub": "abc",
    }
    good.update(changes)
    return {key: value for key, value in good.items() if value is not None}


def check(**changes: object) -> None:
    now = int(time.time())
    changes = {
        key: now + value if key in ("iat", "exp") and isinstance(value, int) else value
        for key, value in changes.items()
    }
    _check_claims(
        claims(**changes), issuer=ISSUER, client_id="demo-land-transport", pending=PENDING
    )


def test_a_good_token_passes_and_a_higher_level_satisfies_a_lower_one():
    check()
    check(acr="high")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"iss": "http://evil.example"}, "wrong_issuer"),
        ({"aud": "another-client"}, "wrong_audience"),
        ({"aud": ["demo-land-transport", "other"]}, "wrong_audience"),  # no azp naming us
        ({"exp": -3600}, "expired"),  # seconds from now, when the test runs
        ({"iat": 3600}, "expired"),
        ({"nonce": "replayed"}, "wrong_nonce"),
        ({"nonce": None}, "wrong_nonce"),
        ({"acr": "low"}, "level_too_low"),
        ({"acr": None}, "level_too_low"),
        ({"acr": "urn:unknown"}, "level_too_low"),
    ],
)
def test_a_bad_token_is_refused_with_its_reason(changes, code):
    with pytest.raises(SignInError) as refused:
        check(**changes)
    assert refused.value.code == code


def test_the_pages_are_not_served_when_the_demo_system_is_off(client, settings):
    settings.DEMO_RP_ENABLED = False
    assert client.get("/demo-rp/").status_code == 404
    assert client.post("/demo-rp/sign-in/", {"level": "low"}).status_code == 404
