"""A client sending the same code twice at the same moment: the database lets one exchange win,
the other is a replay (RFC 6749 §4.1.2), and what the winner got is revoked."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from onegate.audit.models import AuditEvent
from onegate.identity.oidc import validators
from onegate.identity.tests.oidc_fixtures import (
    authorize,
    client_app,
    exchange,
    oidc_provider,  # noqa: F401  (the fixture)
    person_account,
    pkce_pair,
    sign_in,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("oidc_provider"),
]


def test_two_simultaneous_exchanges_of_one_code_give_tokens_once_and_revoke_them(
    client, monkeypatch
):
    application, _ = client_app()
    sign_in(client, person_account())
    verifier, challenge = pkce_pair()
    code = authorize(client, application, challenge=challenge)["code"]
    # Both requests have read the code and wait for each other right before marking it
    # exchanged, so neither can see the other's result by reading first.
    barrier = threading.Barrier(2)
    redeem = validators.client_sign_in_redeem

    def redeem_in_step(**kwargs: Any) -> Any:
        barrier.wait(timeout=10)
        return redeem(**kwargs)

    monkeypatch.setattr(validators, "client_sign_in_redeem", redeem_in_step)
    answers: list[Any] = []

    def exchange_once() -> None:
        try:
            answers.append(exchange(Client(), application, code, verifier))
        finally:
            connection.close()

    threads = [threading.Thread(target=exchange_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answer.status_code for answer in answers) == [200, 400]
    won = next(json.loads(a.content) for a in answers if a.status_code == 200)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("identity.oidc_tokens_issued") == 1
    assert actions.count("identity.oidc_code_replayed") == 1
    userinfo = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {won['access_token']}")
    assert userinfo.status_code == 401
