"""Identity's records, one module per concern; imported here so Django finds them.

Owners: ``accounts`` (User), ``proofing`` (links to registry people, attempts), ``organisations``
(teams, service centres, staff roles), ``delegations`` (acting for others), ``oidc`` (relying-
party policy for the OpenID Connect provider).
"""

from onegate.identity.models.accounts import User

__all__ = ["User"]
