"""``python bench/oidc.py``: the OpenID Connect provider under load on the production server.

What it measures (docs/benchmarks.md records the results, docs/oidc.md the targets):

1. discovery (``/.well-known/openid-configuration``) and JWKS requests per second — target
   ≥ 2,000/s each; wrk, 32 connections, 2 threads;
2. authorization-code + token-exchange flows per second for a public client with PKCE (S256) —
   target ≥ 200/s. wrk runs a Lua script with one connection per thread; each connection
   alternates ``GET /o/authorize/`` as a signed-in person who already agreed to share (302 with a
   code; the code, the sign-in record and the audit record are written) and ``POST /o/token/``
   with that code and the PKCE verifier (access, refresh and ID tokens made, the ID token signed
   RS256, the code deleted, the exchange audited). A flow counts when the token answer is 200.
   Each wrk thread is a different person with their own session.

CPU per flow (and per request) is the CPU time of the server's processes and of the database
backends serving the bench database, divided by the flows (requests) completed — read from
``/proc`` the way ``bench/run.py`` does; on 2 CPUs, 2 s divided by it is a hard ceiling. It moves
less with what else the machine is doing than requests per second, but it does move: when
others crowd the CPUs, the server's threads spend CPU waiting for each other.

So before the HTTP runs a flow is also measured **in process**: the same middleware and views
through Django's test client, no HTTP server, one flow after another — the CPU of that one
process and of its database backend per flow, which hardly depends on the neighbours. That run
also counts the SQL statements of one flow (``--show-statements`` prints them); PostgreSQL's own
``pg_stat_database`` counts the transactions committed per flow during the HTTP run (read-only
statements outside a transaction and Django's connection health checks are transactions too).
A fixed Python loop is timed as well, to tell a slower machine (or a slower moment) from a
slower flow. ``--only in-process`` skips the HTTP runs (a quick check that costs the shared
machine little).

How: a PostgreSQL database (``DATABASE_URL``, default ``oidc_bench`` on 127.0.0.1, created and
migrated if missing), a fresh RSA key, and the Procfile's own granian command line (2 workers)
with ``config.settings.local``. wrk runs on the same machine, so it shares the CPUs with the
server and the database: the figures are what one 2-core box does with everything on it.
Traffic goes to 127.0.0.1 only; the server is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from harness import (
    database_create,
    environment,
    free_port,
    granian_command,
    python_reference_ms,
    wait_until_up,
)
from run import CpuSample, CpuUse  # bench/run.py: the same /proc accounting as `make bench`

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oidc_bench"
REDIRECT_URI = "https://bench-rp.example/callback"
CLIENT_NAME = "OIDC bench client"
PEOPLE_EMAIL = "oidc-bench-{n}@example.test"
TARGET_FLOWS = 200.0
TARGET_METADATA = 2000.0

FLOW_SCRIPT = """
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("number", counter)
  table.insert(threads, thread)
end
function init(args)
  cookie = COOKIES[(number - 1) %% #COOKIES + 1]
  code = nil
  flows = 0
  failures = 0
end
function request()
  if code then
    local body = "grant_type=authorization_code&code=" .. code .. "&redirect_uri=%(redirect)s"
      .. "&client_id=%(client_id)s&code_verifier=%(verifier)s"
    return wrk.format("POST", "/o/token/",
      {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
  return wrk.format("GET", "%(authorize)s", {["Cookie"] = "sessionid=" .. cookie})
end
function response(status, headers, body)
  if code then
    if status == 200 then flows = flows + 1 else failures = failures + 1 end
    code = nil
  else
    local location = headers["location"] or headers["Location"] or ""
    if status == 302 then code = string.match(location, "[?&]code=([^&]+)") end
    if not code then failures = failures + 1 end
  end
end
function done(summary, latency, requests)
  local total, failed = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("flows")
    failed = failed + thread:get("failures")
  end
  io.write(string.format("FLOWS %%d FAILURES %%d SECONDS %%f\\n",
    total, failed, summary.duration / 1e6))
end
COOKIES = {%(cookies)s}
"""


def say(message: str) -> None:
    print(f"bench/oidc: {message}", file=sys.stderr, flush=True)


def prepare(people: int) -> tuple[str, list[str], str, str, str]:
    """Migrate, then register the client and sign ``people`` in; returns what the script needs."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    return _bench_records(people)


def _bench_records(people: int) -> tuple[str, list[str], str, str, str]:
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from oauth2_provider.models import get_application_model

    from onegate.catalogue.models import Agency
    from onegate.identity.middleware import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
    from onegate.identity.models import ClientConsent, ClientPolicy, User

    Agency.objects.get_or_create(
        slug="bench-agency",
        defaults={
            "name": {"en": "Bench agency", "th": "หน่วยงานทดสอบ"},
            "description": {"en": "Load tests.", "th": "ทดสอบ"},
        },
    )
    Application = get_application_model()
    Application.objects.filter(name=CLIENT_NAME).delete()
    application = Application.objects.create(
        name=CLIENT_NAME,
        client_type="public",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        redirect_uris=REDIRECT_URI,
    )
    ClientPolicy.objects.create(
        application=application, agency_slug="bench-agency", name_en="Bench", name_th="ทดสอบ",
        allowed_scopes=["openid", "email"], sector_identifier="bench.example",
    )  # fmt: skip
    cookies = []
    for n in range(people):
        email = PEOPLE_EMAIL.format(n=n)
        User.objects.filter(email=email).delete()
        user = User.objects.create_user(email, secrets.token_urlsafe(24))
        ClientConsent.objects.create(user=user, application=application, scopes=["email", "openid"])
        now = time.time()
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
                AUTHENTICATION_METHODS_SESSION_KEY: [{"method": "password", "at": now}],
                "account_authentication_methods_user": str(user.pk),
                SIGNED_IN_AT_KEY: now,
                LAST_SEEN_KEY: now,
            }
        )
        session.create()
        cookies.append(str(session.session_key))
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    authorize = "/o/authorize/?" + urlencode(
        {
            "response_type": "code",
            "client_id": application.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid email",
            "state": "bench",
            "nonce": "bench",
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    )
    script = FLOW_SCRIPT % {
        "authorize": authorize,
        "redirect": quote(REDIRECT_URI, safe=""),
        "client_id": application.client_id,
        "verifier": verifier,
        "cookies": ", ".join(f'"{cookie}"' for cookie in cookies),
    }
    return application.client_id, cookies, authorize, script, verifier


@dataclass(frozen=True)
class InProcess:
    """One flow run in this process through the same middleware and views (Django's test client
    against the bench database), without an HTTP server."""

    authorize: list[str]  # the SQL statements of the authorization request (BEGIN/COMMIT too)
    token: list[str]  # and of the token request
    python_ms: float  # CPU of this process per flow (the test client's share included)
    database_ms: float  # CPU of its database backend per flow

    def statements(self) -> int:
        return sum(sql not in ("BEGIN", "COMMIT") for sql in self.authorize + self.token)


def in_process_flows(authorize: str, cookie: str, verifier: str, flows: int) -> InProcess:
    """Count one flow's statements, then time ``flows`` flows: the CPU of this one process and of
    its database backend. Nothing else runs in them, so this barely moves when other work
    crowds the machine (the HTTP run below does move: its server spins while it waits)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client(HTTP_HOST="127.0.0.1")
    browser.cookies["sessionid"] = cookie
    machine = Client(HTTP_HOST="127.0.0.1")
    client_id = dict(re.findall(r"([a-z_]+)=([^&]+)", urlsplit(authorize).query))["client_id"]

    def flow() -> None:
        answer = browser.get(authorize)
        code = re.search(r"[?&]code=([^&]+)", answer.get("Location", ""))
        if answer.status_code != 302 or code is None:
            raise SystemExit(f"bench/oidc: the authorization request failed ({answer.status_code})")
        body = urlencode(
            {
                "grant_type": "authorization_code",
                "code": code.group(1),
                "redirect_uri": REDIRECT_URI,
                "client_id": client_id,
                "code_verifier": verifier,
            }
        )
        token = machine.post("/o/token/", body, "application/x-www-form-urlencoded")
        if token.status_code != 200:
            raise SystemExit(f"bench/oidc: the token request failed ({token.status_code})")

    for _ in range(20):  # warm: in-process memory, the user-session row, imports
        flow()
    with CaptureQueriesContext(connection) as queries:
        flow()
    sqls = [query["sql"] for query in queries.captured_queries]
    split = next(
        n for n, sql in enumerate(sqls) if sql.startswith('SELECT "oauth2_provider_grant"')
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def backend_seconds() -> float:
        values = backend.read_text().rsplit(")", 1)[1].split()
        return (int(values[11]) + int(values[12])) / os.sysconf("SC_CLK_TCK")

    python, database = time.process_time(), backend_seconds()
    for _ in range(flows):
        flow()
    python, database = time.process_time() - python, backend_seconds() - database
    return InProcess(sqls[:split], sqls[split:], 1000 * python / flows, 1000 * database / flows)


def transactions_committed(database: str) -> int:
    """Transactions committed in ``database`` so far (PostgreSQL's own count)."""
    import psycopg

    admin = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("SELECT pg_stat_clear_snapshot()")
        row = connection.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = %s", [database]
        ).fetchone()
    return int(row[0]) if row else 0


def wrk(args: list[str]) -> str:
    result = subprocess.run(["wrk", *args], capture_output=True, text=True, check=True)
    return result.stdout


def requests_per_second(output: str) -> float:
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(found.group(1)) if found else 0.0


@dataclass(frozen=True)
class Measured:
    label: str
    per_second: float
    cpu_ms: float  # server and database CPU per request (or flow)
    server_ms: float  # of which the server's processes alone
    others_percent: float  # CPU share used by anything else on the machine meanwhile
    failures: int = 0
    transactions: float = 0.0  # committed per flow, counted by PostgreSQL


NO_DATABASE = "\0"  # matches no database backend: the server's processes alone


def measured_run(
    server: subprocess.Popen[bytes], database: str, args: list[str]
) -> tuple[str, CpuUse, CpuUse]:
    """wrk's output, and the CPU used by server and database, and by the server alone."""
    before = CpuSample.take(server.pid, database)
    alone = CpuSample.take(server.pid, NO_DATABASE)
    output = wrk(args)
    both = CpuUse.between(before, CpuSample.take(server.pid, database))
    return output, both, CpuUse.between(alone, CpuSample.take(server.pid, NO_DATABASE))


def bench_metadata(server: Any, database: str, port: int, seconds: int) -> list[Measured]:
    results = []
    for label, path in (
        ("discovery", "/.well-known/openid-configuration"),
        ("JWKS", "/.well-known/jwks.json"),
    ):
        url = f"http://127.0.0.1:{port}{path}"
        wrk(["-t2", "-c32", "-d2s", url])  # warm-up
        output, cpu, alone = measured_run(server, database, ["-t2", "-c32", f"-d{seconds}s", url])
        rps = requests_per_second(output)
        done = max(1.0, rps * seconds)
        results.append(
            Measured(label, rps, cpu.server_ms / done, alone.server_ms / done, cpu.others_percent)
        )
        say(f"{label}: {rps:,.0f} requests/s, {cpu.server_ms / done:.2f} ms CPU each")
    return results


def bench_flows(
    server: Any, database: str, port: int, seconds: int, script: str, connections: int
) -> Measured:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    url = f"http://127.0.0.1:{port}"
    load = [f"-t{connections}", f"-c{connections}", "-s", handle.name, url]
    wrk(["-d2s", *load])  # warm-up
    committed = transactions_committed(database)
    output, cpu, alone = measured_run(server, database, [f"-d{seconds}s", *load])
    time.sleep(1.5)  # backends report their counts to PostgreSQL's statistics once a second
    committed = transactions_committed(database) - committed
    Path(handle.name).unlink()
    found = re.search(r"FLOWS (\d+) FAILURES (\d+) SECONDS ([\d.]+)", output)
    if not found:
        raise SystemExit(f"bench/oidc: no flow count in wrk's output:\n{output}")
    flows, failures, duration = int(found.group(1)), int(found.group(2)), float(found.group(3))
    per_flow = cpu.server_ms / max(1, flows)
    server_only = alone.server_ms / max(1, flows)
    say(f"flows: {flows / duration:,.1f}/s, {per_flow:.1f} ms CPU each, {failures} failed")
    return Measured(
        "code + token",
        flows / duration,
        per_flow,
        server_only,
        cpu.others_percent,
        failures,
        committed / max(1, flows),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8, help="for the flows")
    parser.add_argument("--people", type=int, default=8)
    parser.add_argument(
        "--only",
        choices=("all", "flows", "metadata", "in-process"),
        default="all",
        help="what to measure over HTTP (in-process: nothing, only the in-process flows)",
    )
    parser.add_argument(
        "--in-process-flows", type=int, default=300, help="flows timed without the HTTP server"
    )
    parser.add_argument(
        "--show-statements", action="store_true", help="print the SQL of one flow as well"
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="oidc-bench-"))
    env = environment(options.database_url, workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    database_create(options.database_url, say)
    _client_id, cookies, authorize, script, verifier = prepare(options.people)
    reference = python_reference_ms()
    in_process = in_process_flows(authorize, cookies[-1], verifier, options.in_process_flows)
    say(
        f"in process: {in_process.python_ms:.1f} ms + {in_process.database_ms:.1f} ms (database)"
        f" CPU per flow, {in_process.statements()} statements"
    )

    results: list[Measured] = []
    if options.only == "in-process":
        report(results, in_process, reference, show_statements=options.show_statements)
        return
    port = free_port()
    database = urlsplit(options.database_url).path.lstrip("/")
    server = subprocess.Popen(granian_command(port), cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(port, name="oidc")
        if options.only in ("all", "metadata"):
            results += bench_metadata(server, database, port, options.seconds)
        if options.only in ("all", "flows"):
            results.append(
                bench_flows(server, database, port, options.seconds, script, options.connections)
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    report(results, in_process, reference, show_statements=options.show_statements)


def report(
    results: list[Measured],
    in_process: InProcess,
    reference_ms: float,
    *,
    show_statements: bool = False,
) -> None:
    targets = {"discovery": TARGET_METADATA, "JWKS": TARGET_METADATA, "code + token": TARGET_FLOWS}
    print(
        "| measure | per second | target | CPU each: server + db (server alone) "
        "| ceiling on 2 CPUs: with db (db elsewhere) | other CPU |"
    )
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for result in results:
        both = 2000 / result.cpu_ms if result.cpu_ms else 0.0
        alone = 2000 / result.server_ms if result.server_ms else 0.0
        print(
            f"| {result.label} | {result.per_second:,.0f} | ≥ {targets[result.label]:,.0f} "
            f"| {result.cpu_ms:.2f} ms ({result.server_ms:.2f} ms) "
            f"| {both:,.0f}/s ({alone:,.0f}/s) | {result.others_percent:.0f} % |"
        )
    failures = sum(result.failures for result in results)
    if failures:
        print(f"\n{failures} flow steps failed")
    flows = [result for result in results if result.label == "code + token"]
    committed = f"; {flows[0].transactions:.1f} transactions committed per flow" if flows else ""
    both = in_process.python_ms + in_process.database_ms
    print(
        f"\nIn process (no HTTP server): {both:.1f} ms CPU per flow = "
        f"{in_process.python_ms:.1f} ms Python + {in_process.database_ms:.1f} ms PostgreSQL; "
        f"{in_process.statements()} SQL statements per flow{committed}. "
        f"Python reference loop: {reference_ms:.0f} ms."
    )
    if show_statements:
        for label, sqls in (("authorization", in_process.authorize), ("token", in_process.token)):
            print(f"\n{label}:")
            for sql in sqls:
                print(f"  {sql[:140]}")


if __name__ == "__main__":
    main()
