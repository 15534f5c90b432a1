"""``make bench``: load OneGate's production server with wrk and weigh its home page.

What it does, in order (docs/benchmarks.md explains the method and records the results):

1. installs Debian's ``wrk`` when it is missing and we are root;
2. prepares a PostgreSQL database (``DATABASE_URL``, default ``onegate_bench`` on 127.0.0.1):
   creates it if missing, migrates it, creates the cache table, loads the demo catalogue and
   collects the static files;
3. serves a hello-world Django application (``bench/hello_wsgi.py``) and then OneGate with the
   Procfile's own granian command line, each on a free loopback port, and runs wrk against a
   fixed list of URLs (32 connections, 2 threads, 10 s after a 2 s warm-up);
4. fetches the English and Thai home pages as a first visit would (HTML, CSS, JavaScript,
   favicon and the font subsets the CSS would load) and weighs what is transferred;
5. prints a markdown report and writes it to ``bench/results/latest.md`` (git-ignored).

Standard library only: it runs before anything else is known to work. Traffic goes to 127.0.0.1
only, and every server it starts is stopped, whatever happens.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/onegate_bench"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
SETTINGS_MODULE = "config.settings.local"  # production behaviour over plain HTTP, as `make run`
HOST = "127.0.0.1"

CONNECTIONS = 32
THREADS = 2
WARMUP_SECONDS = 2
DEFAULT_SECONDS = 10
WRK_TIMEOUT = "10s"  # slow answers are measured, not dropped as wrk's default 2 s time-outs
ACCEPT_ENCODING = "gzip"  # what a browser accepts that WhiteNoise has pre-compressed

BUSY_PERCENT = 10  # other work above this share of the CPUs during a run makes it suspect

KB = 1000
PAGE_BUDGET_BYTES = 100 * KB
JS_BUDGET_BYTES = 20 * KB

THAI_QUERY = "หนังสือเดินทาง"  # "passport"


# --- Targets and the URLs they apply to -------------------------------------------------------


@dataclass(frozen=True)
class Target:
    min_rps: float | None = None
    max_p99_ms: float | None = None

    def describe(self) -> str:
        parts = []
        if self.min_rps is not None:
            parts.append(f"≥ {self.min_rps:,.0f} req/s")
        if self.max_p99_ms is not None:
            parts.append(f"p99 < {self.max_p99_ms:.0f} ms")
        return ", ".join(parts) or "—"

    def is_set(self) -> bool:
        return self.min_rps is not None or self.max_p99_ms is not None


HOME = Target(min_rps=1500, max_p99_ms=50)
SEARCH = Target(min_rps=500)
HEALTH = Target(min_rps=3000)
NO_TARGET = Target()


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    target: Target


def app_endpoints(static_path: str) -> list[Endpoint]:
    return [
        Endpoint("/healthz", "/healthz", HEALTH),
        Endpoint("/ (home)", "/", HOME),
        Endpoint("/th/ (Thai home)", "/th/", HOME),
        Endpoint("/search/?q=passport", "/search/?q=passport", SEARCH),
        Endpoint(f"/th/search/?q={THAI_QUERY}", f"/th/search/?q={quote(THAI_QUERY)}", SEARCH),
        Endpoint(f"{static_path} (static)", static_path, NO_TARGET),
    ]


HELLO = Endpoint("hello-world (baseline)", "/", NO_TARGET)


# --- Running things ---------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def fail(message: str) -> SystemExit:
    return SystemExit(f"bench: {message}")


def run(argv: list[str], env: dict[str, str] | None = None, quiet: bool = False) -> str:
    """Run a command in the project root; on failure show its output and stop the bench."""
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise fail(f"command failed ({result.returncode}): {shlex.join(argv)}")
    if not quiet and result.stdout.strip():
        sys.stderr.write(result.stdout)
    return result.stdout


def manage(env: dict[str, str], *args: str) -> str:
    return run([sys.executable, "manage.py", *args], env=env, quiet=True)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise fail("wrk is missing; install it (Debian: apt-get install wrk) and run again")
    say("installing Debian's wrk")
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=apt_env, quiet=True)
    run(["apt-get", "install", "-y", "-qq", "wrk"], env=apt_env, quiet=True)
    found = shutil.which("wrk")
    if not found:
        raise fail("apt-get installed wrk but it is not on PATH")
    return found


# --- The database and the application's state ------------------------------------------------

# Runs in the project's Python (psycopg is a project dependency), so this script stays stdlib-only.
CREATE_DATABASE = """
import sys
import psycopg
from psycopg import sql
url, name = sys.argv[1], sys.argv[2]
with psycopg.connect(url, dbname="postgres", autocommit=True) as conn:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print("created database", name, file=sys.stderr)
    print(conn.execute("SHOW server_version").fetchone()[0])
"""


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if urlsplit(url).scheme not in POSTGRES_SCHEMES:
        raise fail("the bench runs on PostgreSQL: set DATABASE_URL=postgres://user@host:port/name")
    return url


def describe_database(url: str) -> str:
    """Host, port and name only: never the user's password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def create_database(url: str) -> str:
    """Create the database if it is missing; return the server's version."""
    parts = urlsplit(url)
    libpq_url = parts._replace(scheme="postgresql").geturl()
    name = parts.path.lstrip("/")
    version = run([sys.executable, "-c", CREATE_DATABASE, libpq_url, name], quiet=True)
    return f"PostgreSQL {version.strip()}"


def server_env(url: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE, "DATABASE_URL": url}
    # config.settings.local reads var/secret_key, which `make run` writes. The bench does not
    # write into var/; without either, it uses a secret of its own for this run only.
    if not env.get("SECRET_KEY") and not (ROOT / "var" / "secret_key").exists():
        env["SECRET_KEY"] = os.urandom(48).hex()
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def prepare_application(env: dict[str, str], notes: list[str]) -> None:
    if not (ROOT / "frontend" / "dist").exists():
        say("frontend/dist is missing: npm run build")
        if not shutil.which("npm"):
            raise fail("npm is missing; run `make assets` first")
        run(["npm", "run", "--silent", "build"])
    commands = set(manage(env, "help", "--commands").split())
    if "translations" in commands:
        manage(env, "translations", "compile")
    say("migrate, createcachetable")
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    load_catalogue(env, commands, notes)
    say("collectstatic")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def load_catalogue(env: dict[str, str], commands: set[str], notes: list[str]) -> None:
    if "load_catalogue" not in commands:
        notes.append("`manage.py load_catalogue` does not exist yet: no demo catalogue loaded.")
        say("load_catalogue does not exist yet; going on without a catalogue")
        return
    say("load_catalogue")
    result = subprocess.run(
        [sys.executable, "manage.py", "load_catalogue"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        notes.append(f"`manage.py load_catalogue` failed ({result.returncode}): {last}")
        say(f"load_catalogue failed; going on without it: {last}")


# --- The server -------------------------------------------------------------------------------


def procfile_web_command() -> list[str]:
    """The Procfile's web line, split into arguments, exactly as `make run` starts it."""
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        name, _, command = line.partition(":")
        if name.strip() == "web":
            return shlex.split(command)
    raise fail("the Procfile has no web line")


def server_command(
    port: int, *, application: str | None = None, extra: list[str] | None = None
) -> list[str]:
    """The web line with $PORT filled in; optionally another WSGI target or extra flags."""
    argv = [str(port) if arg in ("$PORT", "${PORT}") else arg for arg in procfile_web_command()]
    if argv[0] == "granian" and (VENV_BIN / "granian").exists():
        argv[0] = str(VENV_BIN / "granian")
    if ":" not in argv[-1]:
        raise fail(f"the Procfile's web line does not end in module:application: {argv[-1]}")
    return [*argv[:-1], *(extra or []), application or argv[-1]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    argv: list[str], env: dict[str, str], log_name: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Start the server in its own process group; stop the whole group whatever happens."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    log_path = RESULTS / log_name
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_until_up(process: subprocess.Popen[bytes], port: int, path: str, log_name: str) -> None:
    deadline = time.monotonic() + 30
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise fail(f"the server exited ({process.returncode}); see {tail(log_name)}")
        try:
            status = fetch(port, path).status
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = type(exc).__name__
        time.sleep(0.25)
    raise fail(f"{path} did not answer 200 within 30 s ({last}); see {tail(log_name)}")


def tail(log_name: str) -> str:
    path = RESULTS / log_name
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
    sys.stderr.write("\n".join(lines) + "\n")
    return str(path.relative_to(ROOT))


# --- HTTP and page weight ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes
    header_bytes: int

    @property
    def transferred(self) -> int:
        return self.header_bytes + len(self.body)

    def text(self) -> str:
        body = self.body
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode("utf-8", errors="replace")


def fetch(port: int, path: str) -> Fetched:
    """One GET as a browser's first visit would send it: no cookies, gzip accepted."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        response = conn.getresponse()
        body = response.read()  # raw bytes: as sent, still gzip-encoded when it was
        pairs = response.getheaders()
        status_line = f"HTTP/1.1 {response.status} {response.reason}\r\n"
        header_bytes = len(status_line) + sum(len(f"{k}: {v}\r\n") for k, v in pairs) + 2
        headers = {k.lower(): v for k, v in pairs}
        return Fetched(response.status, headers, body, header_bytes)
    finally:
        conn.close()


class PageAssets(HTMLParser):
    """The stylesheets, scripts and icons a page links to, and the text a font would render."""

    HIDDEN = frozenset({"head", "script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.icons: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        rel = found.get("rel", "").split()
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "link" and "stylesheet" in rel:
            self.stylesheets.append(found["href"])
        elif tag == "link" and ("icon" in rel or "modulepreload" in rel):
            (self.icons if "icon" in rel else self.scripts).append(found["href"])
        elif tag == "script" and found.get("src"):
            self.scripts.append(found["src"])
        elif tag == "img" and found.get("src"):
            self.images.append(found["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


@dataclass(frozen=True)
class FontFace:
    url: str
    ranges: tuple[tuple[int, int], ...]  # empty: every character

    def covered(self, text: str) -> str:
        """The page's visible characters in this face's range, in page order: a browser loads
        the face only when there is at least one."""
        seen = dict.fromkeys(ch for ch in text if not ch.isspace())
        if not self.ranges:
            return "".join(seen)
        return "".join(ch for ch in seen if any(lo <= ord(ch) <= hi for lo, hi in self.ranges))


FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
UNICODE_RANGE = re.compile(r"unicode-range\s*:\s*([^;}]+)", re.IGNORECASE)


def font_faces(css: str, css_url: str) -> list[FontFace]:
    faces = []
    for block in FONT_FACE.findall(css):
        source = CSS_URL.search(block)
        if source is None:
            continue
        declared = UNICODE_RANGE.search(block)
        ranges = parse_unicode_range(declared.group(1)) if declared else ()
        faces.append(FontFace(urljoin(css_url, source.group(1)), ranges))
    return faces


def parse_unicode_range(value: str) -> tuple[tuple[int, int], ...]:
    ranges = []
    for item in value.split(","):
        item = item.strip().upper().removeprefix("U+")
        low, _, high = item.partition("-")
        if "?" in low:  # U+4?? means U+400-4FF
            low, high = low.replace("?", "0"), low.replace("?", "F")
        ranges.append((int(low, 16), int(high or low, 16)))
    return tuple(ranges)


@dataclass
class PageWeight:
    path: str
    status: int
    # kind, URL, status, content encoding, bytes transferred, why it is loaded
    rows: list[tuple[str, str, int, str, int, str]] = field(default_factory=list)

    def add(self, kind: str, url: str, fetched: Fetched, why: str = "") -> None:
        encoding = fetched.headers.get("content-encoding", "identity")
        self.rows.append((kind, url, fetched.status, encoding, fetched.transferred, why))

    def total(self, kind: str | None = None) -> int:
        return sum(row[4] for row in self.rows if kind is None or row[0] == kind)


def weigh_page(port: int, path: str) -> tuple[PageWeight, str | None]:
    """Fetch a page and what a first visit loads with it; return the weight and its stylesheet."""
    page = fetch(port, path)
    weight = PageWeight(path, page.status)
    weight.add("html", path, page, "the page")
    assets = PageAssets()
    assets.feed(page.text())
    for kind, urls in (("js", assets.scripts), ("icon", assets.icons), ("image", assets.images)):
        for url in urls:
            weight.add(kind, url, fetch(port, urljoin(path, url)), "linked from the page")
    text = "".join(assets.text)
    for href in assets.stylesheets:
        css_url = urljoin(path, href)
        css = fetch(port, css_url)
        weight.add("css", css_url, css, "linked from the page")
        for face in font_faces(css.text(), css_url):
            covered = face.covered(text)
            if covered:
                why = f"{len(covered)} characters on the page, e.g. `{covered[:12].strip()}`"
                weight.add("font", face.url, fetch(port, face.url), why)
    return weight, (urljoin(path, assets.stylesheets[0]) if assets.stylesheets else None)


def manifest_static_path(name: str) -> str:
    """A static file's hashed URL from collectstatic's manifest (when the home page is broken)."""
    var_dir = Path(os.environ.get("ONEGATE_VAR_DIR", ROOT / "var"))
    manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text(encoding="utf-8"))
    return "/static/" + manifest["paths"][name]


# --- Where the CPU time went -----------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSample:
    """CPU time in clock ticks: the machine's, the server's, and this script's ended children."""

    busy: int
    total: int
    server: dict[int, int]  # pid: ticks, for the server's processes and its database backends
    waited: int  # children of this script that have ended (wrk)

    @classmethod
    def take(cls, server_pid: int, database: str) -> CpuSample:
        first = Path("/proc/stat").read_text(encoding="utf-8").split("\n", 1)[0]
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, first.split()[1:9])
        # Interrupt time is left out of "busy": under load it is mostly the loopback traffic of
        # the bench itself, which no process is charged for. Steal (the hypervisor's) stays in.
        busy = user + nice + system + steal
        children = os.times()
        waited = round((children.children_user + children.children_system) * CLOCK_TICKS)
        total = busy + idle + iowait + irq + softirq
        return cls(busy, total, server_ticks(server_pid, database), waited)


@dataclass(frozen=True)
class CpuUse:
    others_percent: float  # of the machine's CPU time, used by anything but server, db and wrk
    server_ms: float  # CPU time of the server and its database backends
    ended: int  # server processes or database backends that ended during the run

    @classmethod
    def between(cls, before: CpuSample, after: CpuSample) -> CpuUse:
        # Per process, so that a database connection closed and reopened during the run (Django
        # recycles them after CONN_MAX_AGE) loses only its last moments, not its whole life.
        server = sum(ticks - before.server.get(pid, 0) for pid, ticks in after.server.items())
        ended = len(before.server.keys() - after.server.keys())
        elapsed = after.total - before.total
        others = (after.busy - before.busy) - server - (after.waited - before.waited)
        percent = max(0.0, 100 * others / elapsed) if elapsed else 0.0
        return cls(percent, 1000 * server / CLOCK_TICKS, ended)


def server_ticks(server_pid: int, database: str) -> dict[int, int]:
    """CPU ticks of each process of the server's group and of each backend serving ``database``."""
    ticks = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text(encoding="utf-8")
            values = stat[stat.rfind(")") + 2 :].split()
            ours = int(values[2]) == server_pid
            if not ours and stat[stat.find("(") + 1 : stat.rfind(")")] == "postgres":
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                ours = f" {database} " in command
        except (OSError, UnicodeDecodeError):
            continue  # the process ended meanwhile
        if ours:
            ticks[int(proc.name)] = int(values[11]) + int(values[12])  # utime, stime
    return ticks


# --- wrk --------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    endpoint: Endpoint
    status: int  # of one request sent just before the load: the status every request got
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors_4xx_5xx: int  # wrk's own count of responses with a status of 400 or more
    socket_errors: dict[str, int]
    cpu_ms_per_request: float  # server and database CPU time per request
    others_cpu: float  # % of the machine's CPU time used by other work during the run

    @property
    def non_2xx(self) -> int:
        # wrk does not count redirects; a URL that redirected when probed redirects every time.
        return self.requests if 300 <= self.status < 400 else self.errors_4xx_5xx

    def met(self) -> bool | None:
        target = self.endpoint.target
        if not target.is_set():
            return None
        fast_enough = target.min_rps is None or self.rps >= target.min_rps
        quick_enough = target.max_p99_ms is None or self.p99_ms < target.max_p99_ms
        return fast_enough and quick_enough and self.non_2xx == 0


def wrk_command(wrk: str, url: str, seconds: int) -> list[str]:
    return [
        wrk,
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
        f"--duration={seconds}s",
        f"--timeout={WRK_TIMEOUT}",
        "--latency",
        f"--header=Accept-Encoding: {ACCEPT_ENCODING}",
        f"--script={BENCH / 'report.lua'}",
        url,
    ]


@dataclass(frozen=True)
class Bench:
    """What every run shares."""

    wrk: str
    env: dict[str, str]
    extra: list[str]  # experiment: granian flags added to the Procfile's
    seconds: int
    database: str  # the database's name, to find the CPU time of its backends


def load(
    bench: Bench, server: subprocess.Popen[bytes], port: int, endpoint: Endpoint
) -> LoadResult:
    url = f"http://{HOST}:{port}{endpoint.path}"
    status = fetch(port, endpoint.path).status
    seconds = bench.seconds
    say(f"wrk {endpoint.label} (HTTP {status}): {WARMUP_SECONDS} s warm-up, {seconds} s measured")
    run(wrk_command(bench.wrk, url, WARMUP_SECONDS), quiet=True)
    before = CpuSample.take(server.pid, bench.database)
    output = run(wrk_command(bench.wrk, url, seconds), quiet=True)
    cpu = CpuUse.between(before, CpuSample.take(server.pid, bench.database))
    with (RESULTS / "wrk.log").open("a", encoding="utf-8") as log:
        log.write(f"### {url}\n{output}\n{cpu}\n\n")
    return parse_wrk(endpoint, status, output, cpu)


def parse_wrk(endpoint: Endpoint, status: int, output: str, cpu: CpuUse) -> LoadResult:
    line = next((ln for ln in output.splitlines() if ln.startswith("onegate-bench ")), None)
    if line is None:
        raise fail(f"wrk printed no report for {endpoint.label}:\n{output}")
    values = dict(item.split("=", 1) for item in line.split()[1:])
    numbers = {key: float(value) for key, value in values.items()}
    errors = {
        key.removeprefix("errors_"): int(value)
        for key, value in numbers.items()
        if key.startswith("errors_") and key != "errors_status" and value
    }
    return LoadResult(
        endpoint=endpoint,
        status=status,
        requests=int(numbers["requests"]),
        rps=numbers["requests"] / (numbers["duration_us"] / 1e6),
        p50_ms=numbers["p50_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
        errors_4xx_5xx=int(numbers["errors_status"]),
        socket_errors=errors,
        cpu_ms_per_request=cpu.server_ms / max(1, int(numbers["requests"])),
        others_cpu=cpu.others_percent,
    )


# --- The report -------------------------------------------------------------------------------


def first_line(argv: list[str]) -> str:
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    lines = (result.stdout + result.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory() -> str:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return "unknown"


def commit() -> str:
    head = first_line(["git", "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True
    ).stdout
    return f"{head}{' with uncommitted changes' if dirty.strip() else ''}"


def machine_info(
    wrk: str, database: str, server_argv: list[str], load_before: tuple[float, float, float]
) -> list[tuple[str, str]]:
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("commit", commit()),
        ("CPUs (nproc)", str(len(os.sched_getaffinity(0)))),
        ("CPU model", cpu_model()),
        ("memory", memory()),
        ("load average before the runs", " / ".join(f"{x:.2f}" for x in load_before)),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Django", metadata.version("django")),
        ("granian", metadata.version("granian")),
        ("wrk", first_line([wrk, "--version"])),
        ("database", database),
        ("server", f"`{shlex.join([Path(server_argv[0]).name, *server_argv[1:]])}`"),
        ("settings", f"`DJANGO_SETTINGS_MODULE={SETTINGS_MODULE}`"),
    ]


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"


def result_row(result: LoadResult, baseline: float) -> str:
    met = result.met()
    met_text = "—" if met is None else ("yes" if met else "**no**")
    non_2xx = f"{result.non_2xx:,}"
    if result.non_2xx:
        non_2xx = f"**{non_2xx}** (HTTP {result.status})"
    cells = [
        result.endpoint.label,
        f"{result.rps:,.0f}",
        f"{result.rps / baseline:.2f}" if baseline else "—",
        ms(result.p50_ms),
        ms(result.p99_ms),
        non_2xx,
        result.endpoint.target.describe(),
        met_text,
        f"{result.cpu_ms_per_request:.2f} ms",
        f"{result.others_cpu:.0f} %",
    ]
    return "| " + " | ".join(cells) + " |"


def load_table(results: list[LoadResult]) -> list[str]:
    baseline = results[0].rps
    return [
        "| URL | req/s | ratio to hello-world | p50 | p99 | non-2xx | target | met? "
        "| CPU per request | other CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: |",
        *(result_row(result, baseline) for result in results),
    ]


def weight_table(weight: PageWeight) -> list[str]:
    total, js = weight.total(), weight.total("js")
    total_ok = "yes" if total <= PAGE_BUDGET_BYTES else "**no**"
    js_ok = "yes" if js <= JS_BUDGET_BYTES else "**no**"
    lines = [
        f"**{weight.path}** (HTTP {weight.status}): {total:,} bytes transferred "
        f"(budget {PAGE_BUDGET_BYTES:,}: {total_ok}), of which JavaScript {js:,} bytes "
        f"(budget {JS_BUDGET_BYTES:,}: {js_ok})",
        "",
        "| resource | URL | status | encoding | bytes transferred | loaded because |",
        "| --- | --- | ---: | --- | ---: | --- |",
    ]
    lines += [f"| {k} | `{u}` | {s} | {e} | {b:,} | {w} |" for k, u, s, e, b, w in weight.rows]
    return lines


def report(
    info: list[tuple[str, str]],
    results: list[LoadResult],
    weights: list[PageWeight],
    notes: list[str],
) -> str:
    lines = ["# OneGate benchmark", "", "| | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in info]
    lines += [
        "",
        f"wrk: {CONNECTIONS} connections, {THREADS} threads, {WARMUP_SECONDS} s warm-up then "
        "the measured run, `--latency`, `Accept-Encoding: gzip`, no cookies; wrk runs on the "
        "same machine as the server. *CPU per request*: CPU time of the server's processes and "
        "of the PostgreSQL backends serving them, divided by the requests answered. "
        "*other CPU*: the share of the machine's CPU time that anything else used during the "
        "measured run.",
        "",
        *load_table(results),
        "",
        "## Page weight (first visit, gzip accepted; headers included)",
        "",
    ]
    for weight in weights:
        lines += [*weight_table(weight), ""]
    busy = [r.endpoint.label for r in results if r.others_cpu > BUSY_PERCENT]
    if busy:
        notes.append(
            f"Other work used more than {BUSY_PERCENT} % of the CPUs during: {', '.join(busy)}. "
            "Those numbers are understated; run again on a quiet machine."
        )
    for result in results:
        if result.socket_errors:
            notes.append(f"{result.endpoint.label}: wrk socket errors {result.socket_errors}")
    if notes:
        lines += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    return "\n".join(lines)


# --- Main -------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="With --granian-args, --paths or --seconds the run is an experiment: its report "
        "goes to bench/results/experiment-*.md, never to latest.md.",
    )
    parser.add_argument("--skip-setup", action="store_true", help="no migrate/load/collectstatic")
    parser.add_argument(
        "--granian-args",
        default="",
        help="extra granian flags after the Procfile's, e.g. '--blocking-threads 1'",
    )
    parser.add_argument("--paths", nargs="*", help="only these OneGate paths, e.g. / /healthz")
    parser.add_argument("--seconds", type=int, default=DEFAULT_SECONDS, help="per URL (10)")
    return parser.parse_args()


def is_experiment(args: argparse.Namespace) -> bool:
    return bool(args.granian_args or args.paths or args.seconds != DEFAULT_SECONDS)


def bench_hello(bench: Bench) -> LoadResult:
    port = free_port()
    argv = server_command(port, application="bench.hello_wsgi:application", extra=bench.extra)
    hello_env = {k: v for k, v in bench.env.items() if k != "DJANGO_SETTINGS_MODULE"}
    with serving(argv, hello_env, "hello-server.log") as process:
        wait_until_up(process, port, "/", "hello-server.log")
        return load(bench, process, port, HELLO)


def bench_app(
    bench: Bench, paths: list[str] | None
) -> tuple[list[LoadResult], list[PageWeight], list[str]]:
    port = free_port()
    argv = server_command(port, extra=bench.extra)
    with serving(argv, bench.env, "server.log") as process:
        wait_until_up(process, port, "/healthz", "server.log")
        english, stylesheet = weigh_page(port, "/")
        thai, _ = weigh_page(port, "/th/")
        endpoints = app_endpoints(stylesheet or manifest_static_path("onegate.css"))
        if paths:
            endpoints = [endpoint for endpoint in endpoints if endpoint.path in paths]
        results = [load(bench, process, port, endpoint) for endpoint in endpoints]
    return results, [english, thai], argv


def experiment_name() -> str:
    return datetime.now(UTC).strftime("experiment-%Y%m%d-%H%M%S.md")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so every server is stopped
    args = arguments()
    started = time.monotonic()
    wrk = ensure_wrk()
    url = database_url()
    env = server_env(url)
    notes: list[str] = []
    database = f"{create_database(url)} at {describe_database(url)}"
    if not args.skip_setup:
        prepare_application(env, notes)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "wrk.log").write_text("", encoding="utf-8")
    name = urlsplit(url).path.lstrip("/")
    bench = Bench(wrk, env, shlex.split(args.granian_args), args.seconds, name)
    load_before = os.getloadavg()
    hello = bench_hello(bench)
    results, weights, argv = bench_app(bench, args.paths)
    if is_experiment(args):
        notes.insert(0, f"EXPERIMENT: {shlex.join(sys.argv[1:])}; not the standard run.")
    notes.append(f"The whole bench took {time.monotonic() - started:.0f} s.")
    text = report(machine_info(wrk, database, argv, load_before), [hello, *results], weights, notes)
    output = RESULTS / (experiment_name() if is_experiment(args) else "latest.md")
    output.write_text(text + "\n", encoding="utf-8")
    print(text)
    say(f"written to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
