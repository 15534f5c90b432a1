"""Which client is which: its OneGate policy, the agency that owns it, and its names.

A client without a policy is not usable: only administrators register clients, and they do it
through the admin, which always writes both (``admin_oidc``).

Every authorization and token request needs the client and its policy; they change only when an
administrator saves them, so each server process keeps them in memory for
``CLIENT_MEMORY_SECONDS`` (a query of some 1.5 ms of CPU saved twice per sign-in). A save in the
admin is seen at once by the process that made it and within that time by every other one —
switching a client off takes effect everywhere within 5 seconds. Unknown client ids are never
remembered, so made-up ids cannot fill the memory.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from oauth2_provider.models import get_application_model

from onegate.core.languages import pick
from onegate.identity.models.oidc import ClientPolicy

CLIENT_MEMORY_SECONDS = 5.0
CLIENT_MEMORY_SIZE = 1000  # far more clients than a government registers; forgotten all at once

_remembered: dict[str, tuple[float, Any]] = {}
_remembered_lock = threading.Lock()
_clock = time.monotonic


def policy_of(application: Any) -> ClientPolicy | None:
    """The client's policy (read with the client when ``client_with_policy`` loaded it)."""
    if application is None:
        return None
    policy: ClientPolicy | None = getattr(application, "onegate_policy", None)
    return policy


def client_with_policy(client_id: str) -> Any:
    """The client and its policy (one query, or none for a few seconds after); None if unknown.

    Each caller gets its own copy of the client, so nothing set on it travels to another
    request; the policy is shared and must only be read.
    """
    now = _clock()
    remembered = _remembered.get(client_id)
    if remembered is not None and now - remembered[0] < CLIENT_MEMORY_SECONDS:
        return copy.copy(remembered[1])
    application = (
        get_application_model()
        .objects.select_related("onegate_policy")
        .filter(client_id=client_id)
        .first()
    )
    if application is not None:
        with _remembered_lock:
            if len(_remembered) >= CLIENT_MEMORY_SIZE:
                _remembered.clear()
            _remembered[client_id] = (now, application)
        application = copy.copy(application)
    return application


def clients_forget(**_kwargs: Any) -> None:
    """Forget every remembered client (a client or a policy was saved or deleted here)."""
    with _remembered_lock:
        _remembered.clear()


def _client_changed(**_kwargs: Any) -> None:
    # Now, and again once the change is committed: a request in between may have read the old
    # row and remembered it.
    clients_forget()
    transaction.on_commit(clients_forget)


for _model in (get_application_model(), ClientPolicy):
    post_save.connect(
        _client_changed, sender=_model, dispatch_uid=f"oidc-clients-{_model.__name__}"
    )
    post_delete.connect(
        _client_changed, sender=_model, dispatch_uid=f"oidc-clients-d-{_model.__name__}"
    )


@dataclass(frozen=True)
class ClientNames:
    """How a client is named to people, in the current language."""

    client: str
    agency: str
    privacy_notice_url: str


def names_of(policy: ClientPolicy) -> ClientNames:
    """The client's and its agency's names for pages (the agency's from the catalogue)."""
    # The catalogue names agencies; identity only keeps the slug (see models.oidc).
    from onegate.catalogue.selectors import catalogue_current

    agency = catalogue_current().agency(policy.agency_slug)
    agency_name = pick(agency.name) if agency is not None else policy.agency_slug
    return ClientNames(
        client=policy.name, agency=agency_name, privacy_notice_url=policy.privacy_notice_url
    )
