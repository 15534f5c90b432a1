"""The insights module's periodic job (run by ``manage.py scheduler``, see
``onegate.core.scheduling``): keeping the aggregates the dashboards read up to date."""

from __future__ import annotations

import logging
from datetime import timedelta

from onegate.core.scheduling import periodic
from onegate.insights.services.aggregation import measures_aggregate

logger = logging.getLogger(__name__)


# The current and the previous hour rebuilt from the events (an event committed late still
# counts), any hours missed since the last run, and their days. A service owner sees the effect
# of a new version within minutes.
@periodic(every=timedelta(minutes=5))
def aggregate_measures() -> None:
    report = measures_aggregate()
    logger.info("Performance measures aggregated: %s", report)
