"""A deployment must name an https:// issuer for its credentials, or it does not start."""

from __future__ import annotations

import pytest

from onegate.credentials.checks import credentials_issuer_check


@pytest.mark.parametrize(
    ("issuer", "site_url", "errors"),
    [
        ("", "", ["credentials.E101"]),
        ("", "http://onegate.example", ["credentials.E101"]),
        ("http://onegate.example", "https://onegate.example", ["credentials.E101"]),
        ("", "https://onegate.example", []),
        ("https://credentials.onegate.example", "", []),
    ],
)
def test_the_issuer_must_be_an_https_address(settings, issuer, site_url, errors):
    settings.CREDENTIALS_ISSUER = issuer
    settings.SITE_URL = site_url
    assert [message.id for message in credentials_issuer_check()] == errors
