"""The provider's URLs, in two groups mounted by ``config/urls.py``.

``endpoints`` are for machines and sit at the root, outside the language prefixes: discovery and
JWKS under ``/.well-known/``, token, revocation and UserInfo under ``/o/``. Their namespace stays
``oauth2_provider``, the names django-oauth-toolkit itself reverses.

``pages`` are what people see: the authorization (consent) page and the logout page. They sit
inside the language prefixes, so ``/o/authorize/`` is English and ``/th/o/authorize/`` Thai and
the language switch keeps the request. Discovery advertises the English addresses.

django-oauth-toolkit's own URL list is deliberately not mounted: it would let any signed-in
person register OAuth applications and open its token-management and device-flow pages.
Clients are registered by administrators in the admin (``admin_oidc``).
"""

from __future__ import annotations

from django.urls import path
from oauth2_provider import views as dot_views

from onegate.identity import views_oidc

endpoints = (
    [
        path(
            ".well-known/openid-configuration",
            views_oidc.DiscoveryView.as_view(),
            name="oidc-connect-discovery-info",
        ),
        path(".well-known/jwks.json", views_oidc.JwksView.as_view(), name="jwks-info"),
        path("o/token/", views_oidc.TokenView.as_view(), name="token"),
        path("o/revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
        path("o/userinfo/", views_oidc.UserInfoView.as_view(), name="user-info"),
    ],
    "oauth2_provider",
)

pages = (
    [
        path("authorize/", views_oidc.AuthorizationView.as_view(), name="authorize"),
        path("logout/", views_oidc.LogoutView.as_view(), name="rp-initiated-logout"),
    ],
    "oidc",
)
