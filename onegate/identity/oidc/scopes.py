"""django-oauth-toolkit's scopes backend: the scopes OneGate knows, narrowed to each client's."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from onegate.identity.models.oidc import OidcScope
from onegate.identity.oidc.clients import policy_of


class ClientScopes(BaseScopes):
    """Every scope is described in ``OidcScope``; a client may ask only for its policy's."""

    def get_all_scopes(self) -> dict[str, str]:
        return {scope.value: str(scope.label) for scope in OidcScope}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(OidcScope.values)
        policy = policy_of(application)
        return [] if policy is None else list(policy.allowed_scopes)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [OidcScope.OPENID.value]
