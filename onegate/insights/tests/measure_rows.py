"""Daily aggregate rows written straight into ``MeasureDay``, as the aggregation would leave them,
so the measures can be checked against figures worked out by hand; and the fishing-permit
service published (two pages, "trip" and "boat_details"; baseline 200 baht on paper, 10 digital).

``counted(day, kind, n, ...)`` is one count row; ``timed(day, kind, seconds, n, ...)`` is the
histogram row of ``n`` durations of ``seconds`` (plus nothing else: the count row is separate,
as in the aggregates); each, as the aggregation does, sets aside the figures cached before it.
``november()`` writes the month the measures tests work out by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from onegate.catalogue.selectors import catalogue_forget
from onegate.definitions.models import DefinitionVersion
from onegate.definitions.selectors import definition_cache_clear
from onegate.definitions.services import definition_draft_save, definition_publish
from onegate.definitions.tests.support import FISHING, SLUG, fishing, service_owner
from onegate.insights.constants import COUNT_ROW, Channel, EventKind
from onegate.insights.histogram import bucket_of
from onegate.insights.measures import figures_forget
from onegate.insights.models import MeasureDay

__all__ = ["SLUG", "counted", "fishing_v2", "november", "published_fishing", "timed"]

K = EventKind
ONLINE, ASSISTED, PAPER = Channel.ONLINE.value, Channel.ASSISTED.value, Channel.PAPER.value

NOV_3, NOV_20 = dt.date(2026, 11, 3), dt.date(2026, 11, 20)

# Version 2 renames the first page, so a funnel's titles show which version they came from.
FISHING_V2 = fishing(("      en: Your trip", "      en: Your fishing trip"))


def counted(
    day: dt.date,
    kind: str,
    n: int,
    *,
    service: str = SLUG,
    version: int = 1,
    channel: str = ONLINE,
    page_id: str = "",
    outcome: str = "",
    decided_how: str = "",
    sla: str = "",
    rating: int = 0,
) -> MeasureDay:
    """A count row: ``n`` events of ``kind`` with these dimensions on ``day``."""
    figures_forget()
    return MeasureDay.objects.create(
        day=day,
        service_slug=service,
        version=version,
        channel=channel,
        kind=kind,
        page_id=page_id,
        outcome=outcome,
        decided_how=decided_how,
        sla=sla,
        rating=rating,
        bucket=COUNT_ROW,
        count=n,
    )


def timed(
    day: dt.date,
    kind: str,
    seconds: int,
    n: int,
    *,
    service: str = SLUG,
    version: int = 1,
    channel: str = ONLINE,
    decided_how: str = "",
) -> MeasureDay:
    """A histogram row: ``n`` durations of ``seconds`` (SUBMITTED or DECIDED) on ``day``."""
    assert kind in (K.SUBMITTED, K.DECIDED)
    figures_forget()
    return MeasureDay.objects.create(
        day=day,
        service_slug=service,
        version=version,
        channel=channel,
        kind=kind,
        decided_how=decided_how if kind == K.DECIDED else "",
        bucket=bucket_of(seconds),
        count=n,
        seconds_sum=seconds * n,
    )


def november() -> None:
    """40 started, 25 sent (20 online, 3 assisted, 2 paper), 22 decided (18 by the rules), 12
    ratings, the funnel of both pages and one page no longer in the definition."""
    for channel, n in ((ONLINE, 34), (ASSISTED, 4), (PAPER, 2)):
        counted(NOV_3, K.STARTED, n, channel=channel)
    counted(NOV_3, K.SUBMITTED, 12, channel=ONLINE)
    counted(NOV_20, K.SUBMITTED, 8, channel=ONLINE)
    counted(NOV_20, K.SUBMITTED, 3, channel=ASSISTED)
    counted(NOV_20, K.SUBMITTED, 2, channel=PAPER)
    # Time to complete: 5 online took 256 s (2**8), 4 online 1024 s (2**10), 1 assisted 4096 s
    # (2**12); the 2 paper forms keyed in took 16384 s (2**14) and do not count.
    timed(NOV_3, K.SUBMITTED, 256, 5)
    timed(NOV_20, K.SUBMITTED, 1024, 4)
    timed(NOV_20, K.SUBMITTED, 4096, 1, channel=ASSISTED)
    timed(NOV_20, K.SUBMITTED, 16384, 2, channel=PAPER)
    # 22 decisions: the rules approve 15 and refuse 3 (all in time), officers approve 3 (one
    # late), and two officers refuse 1 (late).
    decided = [(15, "approve", "rules", "met"), (3, "refuse", "rules", "met"),
               (2, "approve", "officer", "met"), (1, "approve", "officer", "missed"),
               (1, "refuse", "four_eyes", "missed")]  # fmt: skip
    for n, outcome, how, sla in decided:
        counted(NOV_20, K.DECIDED, n, outcome=outcome, decided_how=how, sla=sla)
    # Time to decision: the rules' 18 took 2 s (2**1), the officers' 4 took 131072 s (2**17).
    timed(NOV_20, K.DECIDED, 2, 18, decided_how="rules")
    timed(NOV_20, K.DECIDED, 131072, 3, decided_how="officer")
    timed(NOV_20, K.DECIDED, 131072, 1, decided_how="four_eyes")
    for rating, n in ((1, 1), (2, 1), (3, 2), (4, 3), (5, 5)):
        counted(NOV_20, K.RATED, n, rating=rating)
    pages = [("trip", K.PAGE_VIEWED, 40), ("trip", K.PAGE_COMPLETED, 36),
             ("trip", K.PAGE_INVALID, 8), ("trip", K.INELIGIBLE, 3), ("trip", K.ABANDONED, 1),
             ("boat_details", K.PAGE_VIEWED, 10), ("boat_details", K.PAGE_COMPLETED, 9),
             ("boat_details", K.PAGE_INVALID, 1), ("old_page", K.PAGE_VIEWED, 5)]  # fmt: skip
    for page_id, kind, n in pages:
        counted(NOV_3, kind, n, page_id=page_id)


def _publish(owner: Any, source: str, note: str) -> DefinitionVersion:
    draft = definition_draft_save(actor=owner, source=source)
    return definition_publish(actor=owner, version=draft, note=note)


@pytest.fixture(name="owner")
def published_fishing(db: Any) -> Iterator[Any]:
    """``owner``: the fishing-permit service live (version 1), with its service owner (who is
    returned); nothing cached after."""
    cache.clear()
    definition_cache_clear()
    catalogue_forget()
    owner = service_owner()
    _publish(owner, FISHING, "First version")
    catalogue_forget()
    yield owner
    definition_cache_clear()
    catalogue_forget()
    cache.clear()


def fishing_v2(owner: Any) -> DefinitionVersion:
    """Publish version 2 of the fishing permit (its first page renamed "Your fishing trip")."""
    version = _publish(owner, FISHING_V2, "Rename the first page")
    catalogue_forget()
    return version
