"""The credentials module's writes: issuing entitlements and credentials, their life, the
issuer's keys; and the signed status list tokens (``publishing``), exported here too."""

from onegate.credentials.publishing import status_list_token
from onegate.credentials.services._common import EntitlementRefused
from onegate.credentials.services.issuance import credential_issue, entitlement_issue_for_case
from onegate.credentials.services.keys import (
    issuer_key_active,
    issuer_key_rotate,
    issuer_keys_prune,
)
from onegate.credentials.services.lifecycle import (
    entitlement_reinstate,
    entitlement_report_lost,
    entitlement_revoke,
    entitlement_suspend,
    entitlements_expire,
)

__all__ = [
    "EntitlementRefused",
    "credential_issue",
    "entitlement_issue_for_case",
    "entitlement_reinstate",
    "entitlement_report_lost",
    "entitlement_revoke",
    "entitlement_suspend",
    "entitlements_expire",
    "issuer_key_active",
    "issuer_key_rotate",
    "issuer_keys_prune",
    "status_list_token",
]
