"""The credentials module's periodic jobs (run by ``manage.py scheduler``, see
``onegate.core.scheduling``)."""

from __future__ import annotations

from datetime import timedelta

from onegate.core.scheduling import periodic
from onegate.credentials.services import entitlements_expire, issuer_keys_prune


# Entitlements past their last day become "expired" (their credentials' own exp has passed).
@periodic(every=timedelta(days=1), lease=timedelta(hours=1))
def expire_entitlements() -> None:
    entitlements_expire()


# Retired signing keys stop being published once nothing they signed is still valid.
@periodic(every=timedelta(days=1), lease=timedelta(minutes=30))
def prune_issuer_keys() -> None:
    issuer_keys_prune()
