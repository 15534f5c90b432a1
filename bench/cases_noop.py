"""The baseline task of ``bench/cases.py``: does nothing, so the worker's own cost per task shows.

The worker imports it by its dotted path, ``cases_noop.bench_noop`` (``bench/`` on its path).
"""

from django_tasks import task


@task(queue_name="default")
def bench_noop() -> None:
    """Nothing: claim, run and record the result is all the worker does."""
