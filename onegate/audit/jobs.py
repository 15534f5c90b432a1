"""Scheduled audit work: give newly committed audit events their place in the hash chain.

The scheduler process (``manage.py scheduler``, in ``onegate.core.scheduling``) imports every
app's ``jobs`` module and calls each ``@periodic`` function when it is due.
"""

from __future__ import annotations

from datetime import timedelta

from onegate.audit.constants import CHAIN_BATCHES_PER_JOB_RUN
from onegate.audit.services import audit_chain_pending
from onegate.core.scheduling import periodic


@periodic(every=timedelta(seconds=1))
def chain_audit_events() -> None:
    """Chain committed, unchained audit events; a large backlog is worked off over several runs."""
    audit_chain_pending(max_batches=CHAIN_BATCHES_PER_JOB_RUN)
