"""``python bench/credentials_profile.py``: where one verification check spends its CPU.

Runs ``--checks`` (500) checks through Django's test client in this process (the same middleware
and view as the server, no HTTP server) against the bench database of ``bench/credentials.py``
(made first by that bench), under cProfile, and prints the functions with the most cumulative and
own time. Before that it times the same checks without the profiler: the CPU of this process and
of its database backend per check. ``--cache-url`` as in the bench (default: the settings' own).
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from harness import environment

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--cache-url", default="")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/credentials_bench"
        ),
    )
    args = parser.parse_args()
    env = environment(args.database_url, Path(tempfile.mkdtemp(prefix="credentials-profile-")))
    env["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from credentials import CHECK_PATH, bodies, relying_party
    from credentials_data import passports
    from django.db import connection
    from django.test import Client

    client_id, secret = relying_party()
    client = Client(HTTP_HOST="127.0.0.1")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    for scope in ("credentials.verify", "openid credentials.verify"):  # see access_token
        issued = client.post(
            "/o/token/",
            {"grant_type": "client_credentials", "scope": scope},
            HTTP_AUTHORIZATION=f"Basic {basic}",
        )
        if issued.status_code == 200:
            break
    token = issued.json()["access_token"]
    sent = bodies(passports(100_000, 1), 1)

    def checks(count: int) -> None:
        for n in range(count):
            answer = client.post(
                CHECK_PATH,
                sent[n % len(sent)],
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            if answer.status_code != 200:
                raise SystemExit(f"check answered {answer.status_code}: {answer.content!r}")

    checks(50)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def backend_seconds() -> float:
        values = backend.read_text().rsplit(")", 1)[1].split()
        return (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")

    python, database, wall = time.process_time(), backend_seconds(), time.perf_counter()
    checks(args.checks)
    python = (time.process_time() - python) * 1000 / args.checks
    database = (backend_seconds() - database) * 1000 / args.checks
    wall = (time.perf_counter() - wall) * 1000 / args.checks
    print(
        f"per check: {python:.2f} ms CPU here + {database:.2f} ms database backend; "
        f"{wall:.2f} ms wall"
    )
    parts(sent, args.checks)
    profiler = cProfile.Profile()
    profiler.enable()
    checks(args.checks)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


def parts(sent: list[str], count: int) -> None:  # noqa: C901 (one timing a part)
    """The CPU of this process and wall time per call of the check's parts, called directly:
    the lookup alone, ``entitlement_check`` (lookup, the check row, the access record and its
    audit record in one transaction), and the same with ``synchronous_commit`` off."""
    import json

    from django.db import connection, transaction

    from onegate.credentials.constants import CheckChannel
    from onegate.credentials.models import EntitlementLink, RelyingParty
    from onegate.credentials.ratelimit import client_windows, rate_limit_hit
    from onegate.credentials.verification import (
        Checker,
        _links_found,
        document_normalise,
        entitlement_check,
    )

    party = RelyingParty.objects.get(name_en="Bench border gate")
    checker = Checker(
        relying_party=party,
        label=party.name_en,
        organisation=party.organisation,
        channel=CheckChannel.API,
        disclosures=frozenset(party.disclosures),
        accessor_id="bench",
    )
    documents = []
    for body in sent[:count]:
        document = json.loads(body)["document"]
        documents.append(
            document_normalise("passport", document["number"], document["issuing_state"])
        )
    today = __import__("datetime").date.today()

    def lookup(document: object) -> None:
        list(
            EntitlementLink.objects.select_related("entitlement").filter(
                scheme=document.scheme,  # type: ignore[attr-defined]
                value=document.number,  # type: ignore[attr-defined]
                issuing_state=document.issuing_state,  # type: ignore[attr-defined]
                entitlement_type="travel-authority",
            )
        )

    def compiled_lookup(document: object) -> None:
        _links_found(document, "travel-authority")  # type: ignore[arg-type]

    def limit(document: object) -> None:
        rate_limit_hit(key=f"verify-rp:{party.pk}", windows=client_windows(100_000_000))

    def check(document: object) -> None:
        entitlement_check(
            document=document,  # type: ignore[arg-type]
            entitlement_type="travel-authority",
            on=today,
            purpose="border_entry",
            checker=checker,
        )

    def check_async_commit(document: object) -> None:
        with transaction.atomic():
            connection.cursor().execute("SET LOCAL synchronous_commit TO OFF")
            check(document)

    batch: list[object] = []

    def check_batched(document: object) -> None:
        """A prototype of write-behind: the lookup now, the check and access rows in bulk per
        100 checks (one transaction, one audit record per batch)."""
        lookup(document)
        batch.append(document)
        if len(batch) >= 100:
            batch_write(batch, party, today)
            batch.clear()

    for label, call in (
        ("rate limit (one upsert)", limit),
        ("lookup only (ORM, select_related, as before)", lookup),
        ("lookup only (as entitlement_check does it: compiled once)", compiled_lookup),
        ("lookup + writes in batches of 100 (prototype)", check_batched),
        ("entitlement_check", check),
        ("entitlement_check, synchronous_commit off", check_async_commit),
    ):
        for document in documents[:20]:
            call(document)
        cpu, wall = time.process_time(), time.perf_counter()
        for document in documents:
            call(document)
        cpu = (time.process_time() - cpu) * 1000 / len(documents)
        wall = (time.perf_counter() - wall) * 1000 / len(documents)
        print(f"{label}: {cpu:.2f} ms CPU here, {wall:.2f} ms wall")


def batch_write(documents: list[object], party: object, today: object) -> None:
    import uuid

    from django.db import transaction
    from django.utils import timezone

    from onegate.audit.constants import CredentialAction
    from onegate.audit.services import audit_record
    from onegate.credentials.models import Entitlement, VerificationCheck
    from onegate.credentials.verification import document_digest
    from onegate.registries.models import AccessRecord

    now = timezone.now()
    holder = Entitlement.objects.values_list("id", "holder_id").first()
    with transaction.atomic():
        VerificationCheck.objects.bulk_create(
            [
                VerificationCheck(
                    id=uuid.uuid4(), checked_at=now, entitlement_id=holder[0],
                    relying_party=party, checked_by="Bench border gate",
                    organisation="Immigration Bureau (bench)", channel="api",
                    purpose="border_entry", entitlement_type="travel-authority", on_date=today,
                    document_scheme="passport", document_digest=document_digest(document),
                    result="valid",
                )
                for document in documents
            ]
        )  # fmt: skip
        AccessRecord.objects.bulk_create(
            [
                AccessRecord(
                    person_id=holder[1], created_at=now, accessor_kind="agency_system",
                    accessor_id="bench", accessor_label="Bench border gate",
                    organisation="Immigration Bureau (bench)", purpose="border_entry",
                    facts=["credentials.entitlement"], channel="api",
                )
                for _document in documents
            ]
        )  # fmt: skip
        audit_record(
            actor=None,
            action=CredentialAction.VERIFIED,
            subject_type="credentials.verification_check",
            subject_id=f"{len(documents)} checks",
            purpose="border_entry",
            payload={"checks": len(documents)},
        )


if __name__ == "__main__":
    main()
