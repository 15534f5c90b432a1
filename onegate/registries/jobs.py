"""The registries' periodic jobs (run by ``manage.py scheduler``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from onegate.core.scheduling import periodic
from onegate.registries.models import RemoteRequestNonce


@periodic(every=timedelta(minutes=10))
def prune_remote_nonces() -> None:
    """Forget nonces of signed requests that have expired: an expired request is refused anyway."""
    RemoteRequestNonce.objects.filter(expires_at__lt=timezone.now()).delete()
