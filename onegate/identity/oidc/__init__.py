"""The OpenID Connect provider for agencies' own systems, built on django-oauth-toolkit.

django-oauth-toolkit (DOT) does the protocol; this package holds OneGate's rules around it:

* ``server`` / ``validators`` — the oauthlib server and DOT validator: PKCE with S256 only, no
  request objects, the sign-in context (``acr``, ``amr``, ``auth_time``) carried from the browser
  session to the token endpoint, replayed codes detected, refresh limited in time;
* ``subjects`` — pairwise subject identifiers, so two agencies cannot join their users;
* ``levels`` — ``acr_values`` against our levels of assurance;
* ``claims`` / ``scopes`` / ``clients`` — which client may ask for what, and the claims released;
* ``consent`` — what a person agreed to share, and the pending requests behind the consent page;
* ``keys`` / ``hashers`` — the RS256 signing key and the hasher for client secrets;
* ``discovery`` — the discovery and JWKS documents, built once per issuer and key;
* ``urls`` — the endpoints (mounted at the root) and the pages (inside the language prefixes).

docs/oidc.md describes the provider for agencies and operators.
"""
