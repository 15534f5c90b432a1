"""What a password sign-in costs with our Argon2id parameters: checks per second on this machine.

    .venv/bin/python bench/signin.py [--checks 40]

Times Django's ``Argon2PasswordHasher.verify`` (the work a password sign-in does that dominates
it) on one core, then with one process per CPU at once, and prints the parameters, the time per
check and the sign-ins per second the machine can take. Sessions, audit and allauth's bookkeeping
add a few milliseconds on top (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-that-is-long-enough-123")


def _hasher():
    import django

    django.setup()
    from django.contrib.auth.hashers import get_hasher

    return get_hasher("default")


def _checks(n: int) -> list[float]:
    hasher = _hasher()
    encoded = hasher.encode("correct horse battery staple", hasher.salt())
    times = []
    for _ in range(n):
        start = time.perf_counter()
        assert hasher.verify("correct horse battery staple", encoded)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=40)
    args = parser.parse_args()
    hasher = _hasher()
    print(
        f"Argon2id: time_cost={hasher.time_cost}, memory_cost={hasher.memory_cost} KiB, "
        f"parallelism={hasher.parallelism}"
    )
    one = _checks(args.checks)
    print(f"one core: median {statistics.median(one) * 1000:.1f} ms per check")
    cpus = os.cpu_count() or 1
    start = time.perf_counter()
    with ProcessPoolExecutor(cpus) as pool:
        done = sum(len(r) for r in pool.map(_checks, [args.checks] * cpus))
    seconds = time.perf_counter() - start
    print(f"{cpus} processes: {done / seconds:.1f} checks/s (the machine's sign-in ceiling)")


if __name__ == "__main__":
    main()
