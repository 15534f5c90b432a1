"""``make bench-runner``: the citizen journey's three hot requests under load, on PostgreSQL.

What it measures (docs/benchmarks.md records the results and the targets):

1. a question page (GET) of a draft: the child health card's "Where your child will be seen";
2. the same page sent (POST) with a valid answer: parsed, checked, saved, eligibility run again,
   redirected to the next page;
3. submissions (POST of "check your answers"): each request sends a different complete draft,
   so every one freezes an application, gives a reference, writes the audit record, the
   acknowledgement messages and the "submitted" task — nothing is a replay;
4. the baseline, in the same run: a bare Django view inserting 3 rows in one transaction
   (``bench/insert_wsgi.py``), served the same way; submissions are reported as a ratio to it.

How: the database named by ``DATABASE_URL`` (default ``runner_bench`` on 127.0.0.1, created and
migrated when missing) gets the demo catalogue and service definitions, ``--people`` parents
with a child each, linked accounts and signed-in sessions, one draft per parent for (1) and (2),
and ``--submissions`` complete drafts, made through the runner's own services and copied. The
Procfile's granian (2 workers) serves OneGate; wrk (32 connections, 2 threads) loads it for
``--seconds`` after a 2 s warm-up, with a Lua script that walks the requests in turn. After the
submission run the database is checked: as many applications sent as wrk counted answers, each
with one reference. Traffic goes to 127.0.0.1 only; every server started is stopped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from harness import (
    database_create,
    environment,
    free_port,
    granian_command,
    wait_until_up,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/runner_bench"
SERVICE = "child-health-card"
PAGE = "health_centre"
EMAIL = "runner-bench-{n}@example.test"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONNECTIONS, THREADS = 32, 2
TARGETS = {
    "question page (GET)": (800, 60),
    "page sent and saved (POST)": (400, None),
    "submission (POST)": (300, 150),
}


def say(message: str) -> None:
    print(f"bench/runner: {message}", file=sys.stderr, flush=True)


# --- preparing the data (in this process, through the runner's services) ----------------------


def prepare(people: int) -> list[dict[str, str]]:
    """Migrate, load the demo, make the parents, their children, sessions and drafts."""
    import django

    django.setup()
    from django.core.management import call_command

    from onegate.definitions.demo import load_demo_definitions

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_catalogue", verbosity=0)
    load_demo_definitions()
    return [_parent(n) for n in range(people)]


def _person(national_id12: str, given: str, born: dt.date):  # type: ignore[no-untyped-def]
    from stdnum.th import pin

    from onegate.registries.models import Person
    from onegate.registries.search import name_key

    person, _ = Person.objects.get_or_create(
        national_id=national_id12 + pin.calc_check_digit(national_id12),
        defaults={
            "given_name_latin": given, "family_name_latin": "Bench",
            "given_name_th": "ทดสอบ", "family_name_th": "ระบบ",
            "given_key": name_key(given), "family_key": name_key("Bench"),
            "date_of_birth": born, "sex": "F", "nationality": "THA",
        },
    )  # fmt: skip
    return person


def _parent(n: int) -> dict[str, str]:
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from onegate.identity.acting import acting_option, family_forget
    from onegate.identity.middleware import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
    from onegate.identity.models import IdentityLink, User
    from onegate.registries.models import FamilyLink
    from onegate.runner.constants import AppliesAs
    from onegate.runner.services import application_start

    parent = _person(f"1997{n:08d}", f"Parent{n}", dt.date(1988, 5, 1))
    child = _person(f"1996{n:08d}", f"Child{n}", timezone.localdate() - dt.timedelta(days=2000))
    FamilyLink.objects.get_or_create(
        adult=parent, child=child, kind="parent",
        defaults={"source": "birth_registration", "valid_from": child.date_of_birth},
    )  # fmt: skip
    user = User.objects.filter(email=EMAIL.format(n=n)).first()
    if user is None:
        user = User.objects.create_user(EMAIL.format(n=n), secrets.token_urlsafe(24))
    IdentityLink.objects.get_or_create(
        person_id=parent.pk,
        defaults={"user": user, "level": "substantial", "method": "national_id_card",
                  "proved_at": timezone.now()},
    )  # fmt: skip
    family_forget(str(parent.pk))
    option = acting_option(user, str(child.pk))
    if option is None:
        raise SystemExit("bench/runner: the bench parent cannot act for their child")
    draft = application_start(
        actor=user, service_slug=SERVICE, subjects=[option], applies_as=AppliesAs.CHILD,
        language="en",
    )  # fmt: skip
    now = time.time()
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            AUTHENTICATION_METHODS_SESSION_KEY: [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "type": "totp"},
            ],
            "account_authentication_methods_user": str(user.pk),
            SIGNED_IN_AT_KEY: now,
            LAST_SEEN_KEY: now,
        }
    )
    session.create()
    return {"session": str(session.session_key), "draft": str(draft.pk), "user": str(user.pk)}


COMPLETE_ANSWERS = {
    "health_centre": {"health_centre_choice": "nearest"},
    "health_needs": {"long_term_condition": False, "allergies": ["none"]},
    "contact": {"parent_phone": "+66812345678"},
    "declaration_page": {"declaration": True},
}


def complete_drafts(parents: list[dict[str, str]], count: int) -> list[tuple[int, str, str, str]]:
    """``count`` complete drafts shared out over the parents: (parent, id, token, checksum).

    One draft per parent is completed through ``application_page_save``; the rest are copies
    of it (the same answers and facts, a new id and submission key), made in bulk.
    """
    from onegate.identity.models import User
    from onegate.runner.constants import ApplicationStatus
    from onegate.runner.models import Application
    from onegate.runner.selectors import answers_checksum
    from onegate.runner.services import application_page_save

    Application.objects.filter(
        user__email__startswith="runner-bench-", status=ApplicationStatus.DRAFT
    ).exclude(pk__in=[p["draft"] for p in parents]).delete()
    models = []
    for parent in parents:
        user = User.objects.get(pk=parent["user"])
        first = Application.objects.get(pk=parent["draft"])
        template = Application.objects.get(pk=first.pk)
        template.pk = None
        template.id = None  # a new UUID on save
        template._state.adding = True
        template.save()
        pages = list(COMPLETE_ANSWERS)
        for index, page in enumerate(pages):
            template = application_page_save(
                actor=user, application=template, page_id=page,
                answers=_json(COMPLETE_ANSWERS[page]), complete=True,
                resume_page=pages[index + 1] if index + 1 < len(pages) else "",
            )  # fmt: skip
        models.append(template)
    copies = []
    for n in range(count):
        model = models[n % len(models)]
        copy = Application(
            **{
                field.attname: getattr(model, field.attname)
                for field in Application._meta.concrete_fields
                if field.attname not in ("id", "submit_token", "created_at", "updated_at")
            }
        )
        copies.append(copy)
    Application.objects.bulk_create(copies, batch_size=500)
    return [
        (n % len(models), str(copy.pk), str(copy.submit_token), answers_checksum(copy))
        for n, copy in enumerate(copies)
    ]


def _json(answers: dict[str, object]) -> dict[str, object]:
    return dict(answers)


# --- load -----------------------------------------------------------------------------------


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(requests: list[tuple[str, str, str, str]], port: int) -> str:
    """A wrk script that sends ``requests`` ((method, path, cookie, body)) in turn, each thread
    taking every THREADS-th one, and prints the latency percentiles at the end."""
    rows = ",\n".join(
        "{" + ", ".join(_lua_string(part) for part in request) + "}" for request in requests
    )
    return f"""
local requests = {{
{rows}
}}
local origin = "http://127.0.0.1:{port}"
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  counter = tid or 0
end
function request()
  local item = requests[(counter % #requests) + 1]
  counter = counter + {THREADS}
  local headers = {{Cookie = item[3], Referer = origin .. item[2]}}
  if item[1] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(item[1], item[2], headers, item[4] ~= "" and item[4] or nil)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(script: str, port: int, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    args = [f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    output = subprocess.run(
        ["wrk", *args, "-s", handle.name, f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(handle.name).unlink()
    found = re.search(
        r"RESULT requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) errors=(\d+)", output
    )
    if not found:
        raise SystemExit(f"bench/runner: no result from wrk:\n{output}")
    requests, duration, p50, p99, errors = (int(part) for part in found.groups())
    return {
        "requests": requests,
        "per_second": requests / (duration / 1e6),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "errors": errors,
    }


def csrf_for(port: int, session: str, path: str) -> tuple[str, str]:
    """A browser's first visit: the page's CSRF cookie and form token, for this session."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        client.cookies.set("sessionid", session)
        page = client.get(path)
        page.raise_for_status()
        found = TOKEN.search(page.text)
        if not found:
            raise SystemExit(f"bench/runner: no form on {path}")
        return str(client.cookies.get("csrftoken")), found.group(1)


def serve(command: list[str], env: dict[str, str], port: int, name: str) -> subprocess.Popen:
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(port, name=name) if name == "runner" else _wait_baseline(port)
    except BaseException:
        os.killpg(server.pid, signal.SIGTERM)
        raise
    return server


def _wait_baseline(port: int) -> None:
    import httpx

    for _ in range(150):
        try:
            httpx.post(f"http://127.0.0.1:{port}/insert", content=b"warm", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("bench/runner: the baseline server did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--people", type=int, default=64)
    parser.add_argument("--submissions", type=int, default=12_000)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="runner-bench-"))
    env = environment(options.database_url, workdir)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    database_create(options.database_url, say)
    say(f"preparing {options.people} parents with a draft each")
    parents = prepare(options.people)
    say(f"preparing {options.submissions:,} complete drafts")
    ready = complete_drafts(parents, options.submissions)
    from django.db import connections

    connections.close_all()

    results: dict[str, dict[str, float]] = {}
    port = free_port()
    server = serve(granian_command(port), env, port, "runner")
    try:
        tokens = [csrf_for(port, p["session"], _page_path(p["draft"])) for p in parents]
        cookies = [
            f"sessionid={p['session']}; csrftoken={cookie}"
            for p, (cookie, _token) in zip(parents, tokens, strict=True)
        ]
        gets = [("GET", _page_path(p["draft"]), cookies[i], "") for i, p in enumerate(parents)]
        posts = [
            ("POST", _page_path(p["draft"]), cookies[i], urlencode({
                "csrfmiddlewaretoken": tokens[i][1], "health_centre_choice": "nearest",
                "action": "continue"}))
            for i, p in enumerate(parents)
        ]  # fmt: skip
        sends = [
            ("POST", f"/apply/{draft}/check-answers/", cookies[parent], urlencode({
                "csrfmiddlewaretoken": tokens[parent][1], "submit_token": token,
                "answers_checksum": checksum, "declaration": "yes"}))
            for parent, draft, token, checksum in ready
        ]  # fmt: skip
        for label, requests in (
            ("question page (GET)", gets),
            ("page sent and saved (POST)", posts),
        ):
            wrk(lua_script(requests, port), port, 2)  # warm-up
            results[label] = wrk(lua_script(requests, port), port, options.seconds)
            say(f"{label}: {results[label]['per_second']:,.0f}/s")
        warm, measured = sends[:400], sends[400:]
        wrk(lua_script(warm, port), port, 1)
        results["submission (POST)"] = wrk(lua_script(measured, port), port, options.seconds)
        say(f"submission: {results['submission (POST)']['per_second']:,.0f}/s")
    finally:
        stop(server)
    sent = _sent_count()
    base_port = free_port()
    baseline_env = {**env, "PYTHONPATH": str(ROOT / "bench")}
    command = granian_command(base_port)
    command[-1] = "insert_wsgi:application"
    baseline = serve(command, baseline_env, base_port, "baseline")
    try:
        inserts = [("POST", "/insert", "", "x=1")]
        wrk(lua_script(inserts, base_port), base_port, 2)
        results["baseline: 3 rows inserted (POST)"] = wrk(
            lua_script(inserts, base_port), base_port, options.seconds
        )
    finally:
        stop(baseline)
    report(results, sent, options)


def _page_path(draft: str) -> str:
    return f"/apply/{draft}/page/{PAGE}/"


def _sent_count() -> dict[str, int]:
    import django

    django.setup()
    from django.db.models import Count

    from onegate.runner.models import Application

    sent = Application.objects.filter(status="submitted", user__email__startswith="runner-bench-")
    twice = sent.values("reference").annotate(n=Count("id")).filter(n__gt=1).count()
    return {"sent": sent.count(), "references_twice": twice}


def report(results: dict[str, dict[str, float]], sent: dict[str, int], options: object) -> None:
    baseline = results["baseline: 3 rows inserted (POST)"]["per_second"]
    print(f"\n### Runner, {dt.datetime.now(dt.UTC).date().isoformat()} ({os.cpu_count()} CPUs)\n")
    print("| request | per second | p50 | p99 | target | errors |")
    print("|---|---:|---:|---:|---|---:|")
    for label, result in results.items():
        rps, p99 = result["per_second"], result["p99_ms"]
        target = TARGETS.get(label)
        goal = ""
        if target:
            goal = f"≥ {target[0]}/s" + (f", p99 < {target[1]} ms" if target[1] else "")
        print(
            f"| {label} | {rps:,.0f} | {result['p50_ms']:.1f} ms | {p99:.1f} ms | {goal} |"
            f" {int(result['errors'])} |"
        )
    ratio = results["submission (POST)"]["per_second"] / baseline
    print(f"\nSubmissions ÷ baseline (same run): {ratio:.2f}.")
    print(
        f"Applications sent in the database after the run: {sent['sent']:,}; references given"
        f" twice: {sent['references_twice']}."
    )


if __name__ == "__main__":
    main()
