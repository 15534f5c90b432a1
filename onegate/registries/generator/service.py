"""Generating a synthetic population: the run, chunk by chunk, with one audit record.

Chunks of ``CHUNK_PEOPLE`` people are drafted (in worker processes when ``workers`` > 0, since
drafting is pure Python and the database works meanwhile) and written in order, one transaction
per chunk, so an interrupted run leaves whole chunks and a clear count. The run writes one audit
record, in the first chunk's transaction, rather than one per generated row: it is a bulk load of
synthetic data, not a change anyone made to a real person's record.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onegate.audit.constants import RegistryAction
from onegate.audit.services import audit_record
from onegate.registries.demo_people import DEMO_PERSON_IDS
from onegate.registries.generator.addresses import Gazetteer
from onegate.registries.generator.names import warm_romanisations
from onegate.registries.generator.numbering import MAX_PEOPLE
from onegate.registries.generator.population import ChunkPlan, chunk_rows
from onegate.registries.generator.rows import ChunkRows
from onegate.registries.generator.writers import rows_write
from onegate.registries.models import Person

CHUNK_PEOPLE = 10_000
# ``make run``'s population: small enough to load in seconds, large enough to search.
DEMO_POPULATION = 10_000
DEMO_SEED = 2026

Progress = Callable[[int, int, float], None]  # (people written, people asked for, seconds)


class PopulationError(Exception):
    """The population cannot be generated as asked; ``message`` says why (translated)."""

    def __init__(self, message: object) -> None:
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class PopulationReport:
    """What a run wrote, and how fast."""

    people: int
    seed: int
    start_date: dt.date
    first_index: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """People written per second."""
        return self.people / self.seconds if self.seconds else 0.0


def population_generate(
    *,
    people: int,
    seed: int,
    start_date: dt.date | None = None,
    append: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> PopulationReport:
    """Add ``people`` synthetic people (deterministic for a seed and start date) to the registers.

    Refuses to add to an existing population (other than the named demo people) unless
    ``append``; appended people continue the numbering, so identifiers stay unique.
    """
    start_date = start_date or timezone.localdate()
    first_index = _first_index(people=people, append=append, using=using)
    gazetteer = Gazetteer.from_database(using=using)
    now = timezone.now()
    plans = [
        ChunkPlan(
            seed=seed,
            first_index=first_index + offset,
            people=min(CHUNK_PEOPLE, people - offset),
            today=start_date,
            now=now,
        )
        for offset in range(0, people, CHUNK_PEOPLE)
    ]
    started = time.perf_counter()
    written, counts = 0, dict[str, int]()
    for number, rows in enumerate(_drafted(plans, gazetteer, workers)):
        with transaction.atomic(using=using):
            rows_write(rows, using=using)
            if number == 0:
                _audit(people=people, seed=seed, start_date=start_date, first_index=first_index)
        written += plans[number].people
        for model, table_rows in rows.tables.items():
            counts[model._meta.label] = counts.get(model._meta.label, 0) + len(table_rows)
        if progress:
            progress(written, people, time.perf_counter() - started)
    return PopulationReport(
        people=written,
        seed=seed,
        start_date=start_date,
        first_index=first_index,
        seconds=time.perf_counter() - started,
        rows=counts,
    )


def population_load_demo(*, progress: Progress | None = None) -> PopulationReport | None:
    """Generate the demo population (``DEMO_POPULATION`` people, seed ``DEMO_SEED``, as of today)
    unless the database already has people other than the named demo people (then ``None``)."""
    if Person.objects.exclude(id__in=DEMO_PERSON_IDS).exists():
        return None
    return population_generate(people=DEMO_POPULATION, seed=DEMO_SEED, workers=0, progress=progress)


def _first_index(*, people: int, append: bool, using: str) -> int:
    if people < 1:
        raise PopulationError(_("Ask for at least one person."))
    population = Person.objects.using(using).exclude(id__in=DEMO_PERSON_IDS)
    if population.exists() and not append:
        raise PopulationError(
            _(
                "The registers already hold %(count)d people. Generate into an empty database, "
                "or pass --append to add to them."
            )
            % {"count": population.count()}
        )
    # Every earlier generated person is counted, so appended people get fresh serials.
    first_index = Person.objects.using(using).count() if append else 0
    if first_index + people > MAX_PEOPLE:
        raise PopulationError(
            _("At most %(limit)d people can be generated in one database.") % {"limit": MAX_PEOPLE}
        )
    return first_index


def _audit(*, people: int, seed: int, start_date: dt.date, first_index: int) -> None:
    audit_record(
        actor=None,
        action=RegistryAction.POPULATION_GENERATED,
        subject_type="registries.population",
        subject_id=f"seed:{seed}/from:{first_index}",
        purpose="Synthetic population for demonstrations and benchmarks",
        payload={
            "people": people,
            "seed": seed,
            "start_date": start_date.isoformat(),
            "first_index": first_index,
        },
    )


# --- drafting, possibly in worker processes ---------------------------------------------------

# Chunks drafted ahead of the writer at most: bounds memory when the database is the slower side.
_AHEAD = 3

_worker_gazetteer: Gazetteer | None = None


def _worker_start(gazetteer: Gazetteer) -> None:
    global _worker_gazetteer  # one per worker process, set once
    _worker_gazetteer = gazetteer


def _worker_draft(plan: ChunkPlan) -> ChunkRows:
    if _worker_gazetteer is None:
        raise RuntimeError("the drafting process was started without its sub-districts")
    return chunk_rows(plan, _worker_gazetteer)


def _drafted(plans: list[ChunkPlan], gazetteer: Gazetteer, workers: int) -> Iterator[ChunkRows]:
    """The chunks' rows in order. With ``workers`` > 0, that many processes draft the next
    chunks while this one writes (drafting is pure Python; the database works meanwhile)."""
    if workers < 1 or len(plans) == 1:
        for plan in plans:
            yield chunk_rows(plan, gazetteer)
        return
    warm_romanisations()  # once here, inherited by the forked workers, not once per worker
    # fork: the workers inherit the loaded code; they never touch the database connection.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(gazetteer,)
    ) as pool:
        pending: deque[Future[ChunkRows]] = deque()
        upcoming = iter(plans)
        for plan in itertools.islice(upcoming, workers + _AHEAD):
            pending.append(pool.submit(_worker_draft, plan))
        while pending:
            rows = pending.popleft().result()
            for plan in itertools.islice(upcoming, 1):
                pending.append(pool.submit(_worker_draft, plan))
            yield rows
