"""Scheduled notify work: take back messages whose worker died, and re-enqueue stale ones.

Run by ``manage.py scheduler`` (``onegate.core.scheduling``). A message held SENDING past
``NOTIFY_LEASE_SECONDS`` is put back in the queue and enqueued for delivery with the same
Message-ID.
"""

from __future__ import annotations

from datetime import timedelta

from onegate.core.scheduling import periodic
from onegate.notify.delivery import messages_sweep


@periodic(every=timedelta(seconds=5))
def sweep_outbox() -> None:
    """Requeue messages whose worker went away mid-send."""
    messages_sweep()
