"""Identity's records, one module per concern; imported here so Django finds them.

Owners: ``accounts`` (User), ``proofing`` (links to registry people, attempts), ``organisations``
(teams, service centres, staff roles), ``delegations`` (acting for others), ``oidc`` (relying-
party policy for the OpenID Connect provider).
"""

from onegate.identity.models.accounts import User

# acting (delegations)
from onegate.identity.models.delegations import Delegation, DelegationStatusChange

# oidc (the OpenID Connect provider's client policies, consents and sign-ins)
from onegate.identity.models.oidc import ClientConsent, ClientPolicy, ClientSignIn

# organisations (teams, service centres, staff roles)
from onegate.identity.models.organisations import (
    OpeningException,
    OpeningHours,
    ServiceCentre,
    StaffMembership,
    Team,
    Weekday,
)

# proofing (links to registry people, attempts)
from onegate.identity.models.proofing import IdentityLink, ProofingAttempt, ProofingOutcome

__all__ = ["User"]
__all__ += [  # organisations
    "OpeningException",
    "OpeningHours",
    "ServiceCentre",
    "StaffMembership",
    "Team",
    "Weekday",
]
__all__ += ["Delegation", "DelegationStatusChange"]  # acting
__all__ += ["IdentityLink", "ProofingAttempt", "ProofingOutcome"]  # proofing
__all__ += ["ClientConsent", "ClientPolicy", "ClientSignIn"]  # oidc
