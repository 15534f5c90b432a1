"""Identity's periodic jobs (run by ``manage.py scheduler``, see ``onegate.core.scheduling``)."""

from __future__ import annotations

from datetime import timedelta

from onegate.core.scheduling import periodic
from onegate.identity.services.delegations import delegations_expire


# acting: delegations past their last day are marked expired and both sides are told. Acting
# for someone already stops the day after the last day (``acting.may_act_for`` checks dates);
# this records it, so hourly is soon enough.
@periodic(every=timedelta(hours=1))
def expire_delegations() -> None:
    delegations_expire()
