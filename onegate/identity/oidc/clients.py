"""Which client is which: its OneGate policy, the agency that owns it, and its names.

A client without a policy is not usable: only administrators register clients, and they do it
through the admin, which always writes both (``admin_oidc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onegate.core.languages import pick
from onegate.identity.models.oidc import ClientPolicy


def policy_of(application: Any) -> ClientPolicy | None:
    """The client's policy (read with the client when ``client_with_policy`` loaded it)."""
    if application is None:
        return None
    policy: ClientPolicy | None = getattr(application, "onegate_policy", None)
    return policy


def client_with_policy(client_id: str) -> Any:
    """The client and its policy in one query; None if there is no such client."""
    from oauth2_provider.models import get_application_model

    return (
        get_application_model()
        .objects.select_related("onegate_policy")
        .filter(client_id=client_id)
        .first()
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
