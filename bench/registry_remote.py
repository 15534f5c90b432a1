"""What asking another OneGate node costs: N registry lookups local vs remote, on loopback.

    .venv/bin/python bench/registry_remote.py [--lookups 2000] [--workers 1]
        [--postgres postgres://postgres@127.0.0.1:5432] [--keep]

Starts a second node (node B: its own database, seeded with a small family, its own Ed25519 key,
served by granian on a free loopback port) and makes this process node A with a copy of node B's
database. The databases are SQLite files unless ``--postgres`` names a server: then they are
``registry_remote_bench_b`` and ``_a`` there, made afresh (node A's from node B's as template).
Then it times the same lookups (``person_get`` and ``person_find`` by national ID) through the
local adapter on that copy and through the remote adapter asking node B, and prints p50 and p99
for each and what the remote adds. Both paths write what production
writes: the local adapter its access and audit records, the remote one its signed request, node
B's access and audit records and signed answer, and node A's audit record of the question.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from onegate.registries.tests.remote_node import harness  # noqa: E402

WARM_UP = 100


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(lookup: Callable[[], Any], count: int) -> list[float]:
    for _ in range(WARM_UP):
        lookup()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        lookup()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def become_node_a(
    database_url: str, node_a_key: dict[str, Any], node_b: harness.RemoteNode
) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE=harness.SETTINGS,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        REGISTRY_NODE_ID="node-a",
        REGISTRY_NODE_PRIVATE_KEY=json.dumps(node_a_key),
        REGISTRY_REMOTE_URL=node_b.url,
        REGISTRY_REMOTE_NODE_ID=node_b.node_id,
        REGISTRY_REMOTE_PUBLIC_KEY=json.dumps(harness.public_jwk(node_b.private_jwk)),
    )
    import django

    django.setup()


def run(lookups: int, seeded: dict[str, str]) -> None:
    from onegate.registries.adapters.base import AccessContext
    from onegate.registries.adapters.local import LocalAdapter
    from onegate.registries.adapters.remote import RemoteAdapter
    from onegate.registries.constants import AccessorKind

    access = AccessContext(
        kind=AccessorKind.SERVICE,
        accessor_id="bench",
        accessor_label="Benchmark",
        organisation="Benchmark",
        purpose="Measure the remote adapter's overhead",
        channel="bench",
    )
    adapters = {"local": LocalAdapter(), "remote": RemoteAdapter()}
    questions: dict[str, Callable[[Any], Any]] = {
        "person_get": lambda a: a.person_get(person_id=seeded["father"], access=access),
        "person_find": lambda a: a.person_find(
            scheme="national_id", value=seeded["father_national_id"], access=access
        ),
    }
    print(f"{'question':<14}{'adapter':<9}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
    for name, ask in questions.items():
        p50 = {}
        for label, adapter in adapters.items():
            samples = timed(lambda adapter=adapter, ask=ask: ask(adapter), lookups)
            p50[label] = percentile(samples, 0.5)
            print(
                f"{name:<14}{label:<9}{p50[label]:>9.2f}{percentile(samples, 0.99):>9.2f}"
                f"{statistics.fmean(samples):>9.2f}"
            )
        print(
            f"{name:<14}{'added':<9}{p50['remote'] - p50['local']:>9.2f}  (remote p50 - local p50)"
        )


def fresh_postgres_database(server: str, name: str, *, template: str = "") -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{copy}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=2000, help="timed lookups per adapter")
    parser.add_argument("--workers", type=int, default=1, help="granian workers of node B")
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL (no database)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    options = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="onegate-bench-remote-"))
    node_a_key = harness.new_private_jwk()
    server = options.postgres.rstrip("/")
    if server:
        fresh_postgres_database(server, "registry_remote_bench_b")
    node_b = harness.prepare_node(
        directory,
        node_id="node-b",
        peers={"node-a": harness.public_jwk(node_a_key)},
        database_url=f"{server}/registry_remote_bench_b" if server else "",
    )
    if server:
        fresh_postgres_database(
            server, "registry_remote_bench_a", template="registry_remote_bench_b"
        )
        node_a_database = f"{server}/registry_remote_bench_a"
    else:
        shutil.copyfile(node_b.database, directory / "node-a.sqlite3")
        node_a_database = f"sqlite:///{directory / 'node-a.sqlite3'}"
    try:
        harness.serve_node(node_b, directory, workers=options.workers)
        become_node_a(node_a_database, node_a_key, node_b)
        print(f"{options.lookups} lookups each, after {WARM_UP} to warm up; node B: {node_b.url}")
        run(options.lookups, node_b.seeded)
    finally:
        node_b.stop()
        if not options.keep:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
