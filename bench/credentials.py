"""``make bench-credentials``: the verification API, offline verification and status lists.

What it measures (docs/benchmarks.md records the results; the targets are issue 10's):

1. **the verification API** — ``POST /api/v1/verification/checks`` on PostgreSQL through the
   Procfile's granian, with wrk on the same CPUs (``--connections`` 32, 2 threads, 10 s after a
   2 s warm-up): checks per second, p50/p99 latency, and the CPU of the server and its database
   backends per check. A real relying party (``relying_party_register``, its
   ``checks_per_minute`` set so high the rate limit never trips: the limiter still counts every
   check) and a real bearer token from ``/o/token/`` (client credentials). A wrk Lua script
   sends 2,000 different JSON bodies in turn: 90 % passports of the data set (some written in
   lower case or with spaces), 10 % unknown ones. Target ≥ 2,500 checks/s, p99 < 25 ms.
   Baseline in the same run, served the same way: ``bench/credentials_baseline_wsgi.py`` (a
   bare Django view: one indexed lookup in the same table and one Ed25519 signature);
2. **offline verification** on one CPU (this process pinned to it): credentials per second of
   ``onegate_verify.verify.credential_verify`` on a credential signed with the server's own key,
   with the status list fetched once from the server and cached; the same through the console
   command's code path (``onegate_verify.cli.main`` with ``--offline`` and a cache directory
   filled by ``TrustStore.refresh`` from the running server), and the console command as a new
   process. Baseline: raw Ed25519 verifications per second with ``cryptography``. Target ≥ 1,000/s;
3. **status list fetch** — ``GET /credentials/status/<id>`` with wrk as in 1; target ≥ 5,000/s.
   Baselines: ``/healthz`` of the same server, and the hello-world app (``bench/hello_wsgi.py``).

The data (``bench/credentials_data.py``): 100,000 entitlements with their passport links in the
PostgreSQL database ``credentials_bench`` (``DATABASE_URL`` overrides), made once and reused.
The report is printed and written to ``bench/results/credentials.md`` (git-ignored). Traffic goes
to 127.0.0.1 only; every server started is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import io
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from harness import (
    database_create,
    environment,
    free_port,
    granian_command,
    python_reference_ms,
    wait_until_up,
)
from run import CpuSample, CpuUse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/credentials_bench"
CHECK_PATH = "/api/v1/verification/checks"
PARTY_NAME = "Bench border gate"
PURPOSE = "border_entry"
# High enough that no window fills during a run (the burst window is a tenth of it a second).
CHECKS_PER_MINUTE = 100_000_000
BODIES = 2_000
TARGETS = {"checks": 2500.0, "checks_p99_ms": 25.0, "offline": 1000.0, "status": 5000.0}

REPORTER = (ROOT / "bench" / "report.lua").read_text()
CHECK_SCRIPT = """
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
end
function init(args)
  requests = {}
  for i, body in ipairs(BODIES) do
    requests[i] = wrk.format("POST", "%(path)s", {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "%(authorization)s",
    }, body)
  end
  n = offset or 0
end
function request()
  n = n + 1
  return requests[n %% #requests + 1]
end
BODIES = {%(bodies)s}
"""


def say(message: str) -> None:
    print(f"bench/credentials: {message}", file=sys.stderr, flush=True)


# --- the state the server needs ---------------------------------------------------------------


def prepare() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    say("migrate, createcachetable")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def relying_party() -> tuple[str, str]:
    """A fresh bench relying party (the previous one deleted); its client id and secret."""
    from oauth2_provider.models import get_application_model

    from onegate.catalogue.models import Agency
    from onegate.credentials.services_relying_parties import relying_party_register

    Agency.objects.get_or_create(
        slug="bench-immigration",
        defaults={
            "name": {"en": "Immigration (bench)", "th": "ตรวจคนเข้าเมือง (ทดสอบ)"},
            "description": {"en": "Load tests.", "th": "ทดสอบ"},
        },
    )
    get_application_model().objects.filter(name=PARTY_NAME).delete()
    _party, client_id, secret = relying_party_register(
        actor=None,
        name_en=PARTY_NAME,
        name_th="ด่านทดสอบ",
        organisation="Immigration Bureau (bench)",
        agency_slug="bench-immigration",
        entitlement_types=["travel-authority"],
        purposes=[PURPOSE],
        checks_per_minute=CHECKS_PER_MINUTE,
    )
    return client_id, secret


def status_list_id() -> int:
    """A status list to fetch (the first one; made when there is none) and a signing key."""
    from django.utils import timezone

    from onegate.credentials.constants import STATUS_LIST_BITS, STATUS_LIST_SIZE
    from onegate.credentials.models import StatusList
    from onegate.credentials.publishing import status_list_forget
    from onegate.credentials.services import issuer_key_active

    issuer_key_active()
    found = StatusList.objects.order_by("pk").first()
    if found is None:
        found = StatusList.objects.create(
            bits=STATUS_LIST_BITS,
            size=STATUS_LIST_SIZE,
            data=bytes(STATUS_LIST_SIZE * STATUS_LIST_BITS // 8),
            updated_at=timezone.now(),
        )
    # Each run serves on another port, so another issuer URL: sign the list again for it.
    StatusList.objects.filter(pk=found.pk).update(token="", token_version=0)
    status_list_forget(found.pk)
    return int(found.pk)


def access_token(port: int, client_id: str, secret: str) -> str:
    """A token from the client-credentials grant, for ``credentials.verify`` alone; identity's
    validator once required ``openid`` on every grant, so that is tried next when refused."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    for scope in ("credentials.verify", "openid credentials.verify"):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/o/token/",
            data=urlencode({"grant_type": "client_credentials", "scope": scope}).encode(),
            headers={
                "Authorization": f"Basic {basic}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return str(json.loads(answer.read())["access_token"])
        except urllib.error.HTTPError as refused:
            say(f"no token for scope {scope!r}: {refused.code} {refused.read()[:100]!r}")
    raise SystemExit("bench/credentials: the token endpoint gave no access token")


def bodies(passports: list[tuple[str, str]], seed: int) -> list[str]:
    """``BODIES`` request bodies: 90 % known passports (some in lower case or spaced), 10 %
    unknown ones."""
    rng = random.Random(seed + 17)
    made = []
    for _ in range(BODIES):
        if rng.random() < 0.9:
            number, state = rng.choice(passports)
            shape = rng.random()
            if shape < 0.1:
                number = number.lower()
            elif shape < 0.2:
                number = f"{number[:3]} {number[3:6]} {number[6:]}"
        else:
            number, state = f"X{rng.randrange(10**7, 10**8)}", "GBR"
        made.append(
            json.dumps(
                {
                    "document": {"type": "passport", "number": number, "issuing_state": state},
                    "entitlement_type": "travel-authority",
                    "purpose": PURPOSE,
                }
            )
        )
    return made


def post(port: int, body: str, token: str = "") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{CHECK_PATH}",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


# --- wrk ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Load:
    label: str
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # responses ≥ 400, connection errors, time-outs
    cpu_ms: float  # server processes and their database backends, per request
    others_percent: float


def wrk_load(
    label: str,
    url: str,
    server: subprocess.Popen[bytes],
    database: str,
    *,
    seconds: int,
    connections: int,
    script: str = "",
) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + "\n" + REPORTER)
    common = ["wrk", "-t2", f"-c{connections}", "--timeout", "10s", "-s", handle.name, url]
    try:
        subprocess.run([*common[:1], "-d2s", *common[1:]], capture_output=True, check=True)
        before = CpuSample.take(server.pid, database)
        output = subprocess.run(
            [*common[:1], f"-d{seconds}s", *common[1:]], capture_output=True, text=True, check=True
        ).stdout
        cpu = CpuUse.between(before, CpuSample.take(server.pid, database))
    finally:
        Path(handle.name).unlink()
    found = dict(re.findall(r"(\w+)=(\d+)", output.split("onegate-bench", 1)[1]))
    count = int(found["requests"])
    rate = count / (int(found["duration_us"]) / 1e6)
    errors = sum(int(value) for key, value in found.items() if key.startswith("errors_"))
    load = Load(
        label,
        rate,
        int(found["p50_us"]) / 1000,
        int(found["p99_us"]) / 1000,
        errors,
        cpu.server_ms / max(1, count),
        cpu.others_percent,
    )
    say(f"{label}: {rate:,.0f}/s, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, "
        f"{load.cpu_ms:.2f} ms CPU each, {errors} errors")  # fmt: skip
    return load


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], port: int, name: str) -> Any:
    log = (RESULTS / f"credentials-{name}.log").open("wb")
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        wait_until_up(port, name="credentials")
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def with_application(command: list[str], application: str) -> list[str]:
    return [*command[:-1], application]


# --- offline verification ---------------------------------------------------------------------


@dataclass(frozen=True)
class Offline:
    verify_per_second: float
    console_per_second: float
    process_ms: float  # one `onegate-verify --offline` run as a new process, median of 5
    ed25519_per_second: float
    verdict: str
    payload_bytes: int


def credential_made(issuer: str, list_id: int) -> str:
    """A credential as the server issues them (the claims of the contract), signed with the
    server's active key."""
    from onegate.credentials.services import issuer_key_active
    from onegate_verify.sdjwt import sd_jwt_issue

    key = issuer_key_active()
    now = int(time.time())
    claims = {
        "iss": issuer,
        "vct": f"{issuer}/credentials/types/travel-authority",
        "iat": now,
        "nbf": now - 86400,
        "exp": now + 365 * 86400,
        "status": {"status_list": {"idx": 4242, "uri": f"{issuer}/credentials/status/{list_id}"}},
        "entitlement_type": "travel-authority",
        "reference": "BENCH-00000001",
        "given_name": "Bench",
        "family_name": "Traveller",
        "birthdate": "1980-01-01",
        "nationality": "GBR",
        "document_number": "B12345678",
        "issuing_state": "GBR",
        "valid_until": "2027-11-26",
        "conditions": [],
        "title": {"en": "Electronic travel authority", "th": "การอนุญาตเดินทางอิเล็กทรอนิกส์"},
    }
    disclosable = [
        "given_name", "family_name", "birthdate", "nationality", "document_number",
        "issuing_state", "valid_until", "conditions", "title",
    ]  # fmt: skip
    return sd_jwt_issue(
        claims=claims, disclosable=disclosable, private_jwk=key.private_jwk, kid=key.kid
    )


def offline(issuer: str, list_id: int, count: int) -> Offline:
    """Offline verification on one CPU; the server must be up (to fill the verifier's cache)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from onegate.credentials.selectors import trusted_keys
    from onegate_verify import cli
    from onegate_verify.trust import TrustStore
    from onegate_verify.verify import credential_verify

    payload = credential_made(issuer, list_id)
    uri = f"{issuer}/credentials/status/{list_id}"
    with urllib.request.urlopen(uri, timeout=10) as answer:
        status_token = answer.read().decode()
    keys = trusted_keys()
    cache_dir = tempfile.mkdtemp(prefix="credentials-bench-verify-")
    store = TrustStore(cache_dir)
    store.refresh(issuer)
    store.status_refresh(uri)  # as `onegate-verify --refresh` does once it has seen the URI
    mask = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(mask)})
    try:
        first = credential_verify(
            payload, keys=keys, issuer=issuer, now=int(time.time()),
            status_token_for=lambda _uri: status_token,
        )  # fmt: skip
        started = time.perf_counter()
        for _ in range(count):
            credential_verify(
                payload, keys=keys, issuer=issuer, now=int(time.time()),
                status_token_for=lambda _uri: status_token,
            )  # fmt: skip
        verify_rate = count / (time.perf_counter() - started)

        argv = [payload, "--offline", "--json", "--cache-dir", cache_dir, "--trust-issuer", issuer]
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = cli.main(argv)
        if code != 0:
            raise SystemExit(f"bench/credentials: onegate-verify said {out.getvalue()}")
        console = max(200, count // 4)
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            for _ in range(console):
                cli.main(argv)
        console_rate = console / (time.perf_counter() - started)

        runs = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).parent / "onegate-verify"), *argv],
                capture_output=True, check=True,
            )  # fmt: skip
            runs.append(time.perf_counter() - started)

        key = Ed25519PrivateKey.generate()
        public = key.public_key()
        message = payload.split("~", 1)[0].rsplit(".", 1)[0].encode()
        signature = key.sign(message)
        started = time.perf_counter()
        for _ in range(count):
            public.verify(signature, message)
        ed_rate = count / (time.perf_counter() - started)
    finally:
        os.sched_setaffinity(0, mask)
    result = Offline(
        verify_rate, console_rate, sorted(runs)[2] * 1000, ed_rate, first.status, len(payload)
    )
    say(
        f"offline: {verify_rate:,.0f}/s verify, {console_rate:,.0f}/s console path, "
        f"{result.process_ms:.0f} ms a process, Ed25519 {ed_rate:,.0f}/s ({first.status})"
    )
    return result


# --- in-process cost of one check -------------------------------------------------------------


def statements_of_one_check(token: str, body: str) -> list[str]:
    """The SQL of one check through the test client (the same middleware and view, no server).
    The token is remembered by then (a check was made before), as on the hot path."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(3):
        answer = client.post(
            CHECK_PATH, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            CHECK_PATH, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    if answer.status_code != 200:
        raise SystemExit(f"bench/credentials: in-process check answered {answer.status_code}")
    return [query["sql"] for query in queries.captured_queries]


# --- the run --------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entitlements", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--offline-count", type=int, default=3_000)
    parser.add_argument("--only", choices=["api", "offline", "status"], action="append")
    parser.add_argument(
        "--cache-url", default="", help="CACHE_URL for the server (default: the settings' own)"
    )
    parser.add_argument(
        "--redis", action="store_true", help="start a redis-server for this run and use it"
    )
    parser.add_argument(
        "--application",
        default="",
        help="WSGI application instead of the Procfile's, e.g. "
        "credentials_machine_wsgi:application",
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    return parser.parse_args()


def main() -> None:
    args = arguments()
    RESULTS.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="credentials-bench-"))
    port, base_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = environment(args.database_url, workdir)
    env.update(CREDENTIALS_ISSUER=issuer, SITE_URL=issuer, PORT=str(port))
    redis = None
    if args.redis:
        redis_port = free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        args.cache_url = f"redis://127.0.0.1:{redis_port}/0"
        time.sleep(0.5)
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    os.environ.update(env)
    try:
        measure(args, env, port, base_port, issuer)
    finally:
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)


def measure(
    args: argparse.Namespace, env: dict[str, str], port: int, base_port: int, issuer: str
) -> None:
    wanted = set(args.only or ["api", "offline", "status"])
    sys.path.insert(0, str(ROOT))
    database_create(args.database_url, say)
    prepare()
    from credentials_data import credentials_data

    data = credentials_data(entitlements=args.entitlements, seed=args.seed)
    client_id, secret = relying_party()
    list_id = status_list_id()
    database = urlsplit(args.database_url).path.lstrip("/")
    reference = python_reference_ms()
    results: dict[str, Any] = {"load": os.getloadavg()[0], "reference_ms": reference}
    sent = bodies(data.passports, args.seed)
    load = {"seconds": args.seconds, "connections": args.connections}
    command = granian_command(port)
    if args.application:
        command = with_application(command, args.application)
        env = {**env, "PYTHONPATH": str(ROOT / "bench")}
    from django.db import connection

    connection.close()  # the server's processes are the only clients during the runs

    if "api" in wanted:
        base_env = {**env, "PYTHONPATH": str(ROOT / "bench")}
        base_command = with_application(
            granian_command(base_port), "credentials_baseline_wsgi:application"
        )
        script = CHECK_SCRIPT % {
            "path": CHECK_PATH, "authorization": "Bearer none",
            "bodies": ",\n".join(f"[[{body}]]" for body in sent),
        }  # fmt: skip
        with serving(base_command, base_env, base_port, "baseline") as base:
            status, answer = post(base_port, sent[0])
            say(f"baseline answers {status} {answer}")
            results["baseline"] = wrk_load(
                "baseline: lookup + Ed25519", f"http://127.0.0.1:{base_port}", base, database,
                script=script, **load,
            )  # fmt: skip
    with serving(command, env, port, "onegate") as server:
        token = access_token(port, client_id, secret)
        if "api" in wanted:
            known = next(body for body in sent if '"X' not in body)
            status, answer = post(port, known, token)
            say(f"a known passport: {status} {answer}")
            status, answer = post(port, sent[0], "wrong")
            say(f"a wrong token: {status}")
            results["sql"] = statements_of_one_check(token, known)
            connection.close()
            script = CHECK_SCRIPT % {
                "path": CHECK_PATH, "authorization": f"Bearer {token}",
                "bodies": ",\n".join(f"[[{body}]]" for body in sent),
            }  # fmt: skip
            checks_before = _checks_count()
            results["api"] = wrk_load(
                "verification API", f"http://127.0.0.1:{port}", server, database,
                script=script, **load,
            )  # fmt: skip
            results["checks_recorded"] = _checks_count() - checks_before
        if "status" in wanted:
            for key, label, path in (
                ("status", "status list (cached)", f"/credentials/status/{list_id}"),
                ("healthz", "/healthz", "/healthz"),
            ):
                results[key] = wrk_load(
                    label, f"http://127.0.0.1:{port}{path}", server, database, **load
                )
        if "offline" in wanted:
            results["offline"] = offline(issuer, list_id, args.offline_count)
            connection.close()
    if "status" in wanted:
        hello_port = free_port()
        hello = with_application(granian_command(hello_port), "hello_wsgi:application")
        hello_env = {**env, "PYTHONPATH": str(ROOT / "bench")}
        # hello_wsgi has no /healthz: wait on its one page instead.
        with serving_plain(hello, hello_env, hello_port) as server:
            results["hello"] = wrk_load(
                "hello-world", f"http://127.0.0.1:{hello_port}/", server, database, **load
            )
    results["load_end"] = os.getloadavg()[0]
    text = report(results, data, args)
    (RESULTS / "credentials.md").write_text(text + "\n", encoding="utf-8")
    print(text)


def _checks_count() -> int:
    from django.db import connection

    from onegate.credentials.models import VerificationCheck

    count = VerificationCheck.objects.count()
    connection.close()
    return count


@contextlib.contextmanager
def serving_plain(command: list[str], env: dict[str, str], port: int) -> Any:
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(results: dict[str, Any], data: Any, args: argparse.Namespace) -> str:
    import psycopg

    admin = urlsplit(args.database_url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin) as pg:
        server = str(pg.execute("SHOW server_version").fetchone()[0]).split()[0]  # type: ignore[index]
    how = "cached" if data.reused else f"made this run in {data.seconds:,.0f} s"
    lines = [
        "## Credentials (issue 10)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {len(os.sched_getaffinity(0))} CPUs, "
        f"Python {platform.python_version()}, PostgreSQL {server}; load average at the start "
        f"{results['load']:.1f}, at the end {results['load_end']:.1f}; Python reference loop "
        f"{results['reference_ms']:.0f} ms. Data: {data.entitlements:,} entitlements with "
        f"passport links, seed {data.seed} ({how}). wrk: {args.connections} connections, "
        f"2 threads, {args.seconds} s after 2 s. Cache: "
        f"{args.cache_url or 'the settings default (database cache)'}. Application: "
        f"{args.application or 'the Procfile (config.wsgi)'}.",
        "",
        "| measure | per second | p50 | p99 | CPU each (server + db) | errors | other CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key in ("api", "baseline", "status", "healthz", "hello"):
        item = results.get(key)
        if item is not None:
            lines.append(
                f"| {item.label} | {item.per_second:,.0f} | {item.p50_ms:.1f} ms "
                f"| {item.p99_ms:.1f} ms | {item.cpu_ms:.2f} ms | {item.errors} "
                f"| {item.others_percent:.0f} % |"
            )
    lines.append("")
    api, base = results.get("api"), results.get("baseline")
    if api is not None and base is not None:
        ok = api.per_second >= TARGETS["checks"] and api.p99_ms < TARGETS["checks_p99_ms"]
        sql = results.get("sql", [])
        lines += [
            f"Verification API ÷ baseline: **{api.per_second / base.per_second:.2f}**; "
            f"≥ 2,500/s with p99 < 25 ms: {_met(ok)}. Checks recorded during the run: "
            f"{results['checks_recorded']:,}. SQL statements per check: "
            f"{sum(s not in ('BEGIN', 'COMMIT') for s in sql)}.",
            "",
        ]
        lines += [f"    {s[:150]}" for s in sql] + [""]
    status, health, hello = results.get("status"), results.get("healthz"), results.get("hello")
    if status is not None and health is not None:
        ratio = f"; ÷ hello-world {status.per_second / hello.per_second:.2f}" if hello else ""
        lines += [
            f"Status list ÷ /healthz: **{status.per_second / health.per_second:.2f}**{ratio}; "
            f"≥ 5,000/s: {_met(status.per_second >= TARGETS['status'])}.",
            "",
        ]
    off = results.get("offline")
    if off is not None:
        lines += [
            f"Offline, one CPU: `credential_verify` **{off.verify_per_second:,.0f}/s** "
            f"(verdict {off.verdict}, payload {off.payload_bytes} bytes); the console command's "
            f"code path (`cli.main --offline --json`, cache read from files each time) "
            f"{off.console_per_second:,.0f}/s; `onegate-verify` as a new process "
            f"{off.process_ms:.0f} ms; raw Ed25519 verify (cryptography) "
            f"{off.ed25519_per_second:,.0f}/s; ratio "
            f"{off.verify_per_second / off.ed25519_per_second:.2f}; "
            f"≥ 1,000/s: {_met(off.verify_per_second >= TARGETS['offline'])}.",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    started = time.monotonic()
    main()
    say(f"done in {time.monotonic() - started:,.0f} s")
