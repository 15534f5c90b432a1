"""Start and stop a second OneGate node: its own SQLite file, key and peers, served by granian.

``start_node`` migrates a fresh database, seeds it (``probe seed``), and serves it on a free
loopback port with the same WSGI server production uses (``prepare_node`` and ``serve_node`` do
the two halves, for the benchmark, which copies the database in between). ``RemoteNode.stop``
ends that process (only that one) and waits for it. ``RemoteNode.probe`` runs a ``probe``
command against the node's database.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from joserfc.jwk import OKPKey

ROOT = Path(__file__).resolve().parents[4]
SETTINGS = "onegate.registries.tests.remote_node.settings"
START_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def new_private_jwk() -> dict[str, Any]:
    jwk: dict[str, Any] = OKPKey.generate_key("Ed25519").as_dict(private=True)
    return jwk


def public_jwk(private: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in private.items() if name != "d"}


@dataclass
class RemoteNode:
    """A running second node and what a test needs to talk to it and inspect it."""

    node_id: str
    url: str
    port: int
    private_jwk: dict[str, Any]
    database: Path
    environment: dict[str, str]
    seeded: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def probe(self, command: str, stdin: Any = None) -> Any:
        result = subprocess.run(
            [sys.executable, "-m", "onegate.registries.tests.remote_node.probe", command],
            cwd=ROOT,
            env=self.environment,
            input=None if stdin is None else json.dumps(stdin).encode(),
            capture_output=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"probe {command} failed:\n{result.stderr.decode()[-3000:]}")
        return json.loads(result.stdout)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def node_environment(
    *, node_id: str, private_jwk: dict[str, Any], peers: dict[str, Any], database: Path
) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REGISTRY_", "DATABASE_", "CACHE_URL", "PYTEST_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=f"sqlite:///{database}",
        REGISTRY_NODE_ID=node_id,
        REGISTRY_NODE_PRIVATE_KEY=json.dumps(private_jwk),
        REGISTRY_PEERS=json.dumps(peers),
        REGISTRY_PEER_QUESTIONS=json.dumps(dict.fromkeys(peers, "*")),
        LOG_LEVEL="ERROR",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environment


def start_node(
    directory: Path, *, node_id: str, peers: dict[str, Any], workers: int = 1
) -> RemoteNode:
    """Migrate, seed and serve a node; raises with the server's output if it does not come up."""
    node = prepare_node(directory, node_id=node_id, peers=peers)
    serve_node(node, directory, workers=workers)
    return node


def prepare_node(
    directory: Path, *, node_id: str, peers: dict[str, Any], database_url: str = ""
) -> RemoteNode:
    """A node with a migrated, seeded database and a key, not yet serving.

    The database is a new SQLite file in ``directory`` unless ``database_url`` names an (empty,
    existing) PostgreSQL database.
    """
    private = new_private_jwk()
    database = directory / f"{node_id}.sqlite3"
    port = free_port()
    node = RemoteNode(
        node_id=node_id,
        url=f"http://127.0.0.1:{port}",
        port=port,
        private_jwk=private,
        database=database,
        environment=node_environment(
            node_id=node_id, private_jwk=private, peers=peers, database=database
        ),
    )
    if database_url:
        node.environment["DATABASE_URL"] = database_url
    _manage(node, "migrate", "--noinput", "--verbosity", "0")
    node.seeded = node.probe("seed")
    return node


def serve_node(node: RemoteNode, directory: Path, *, workers: int = 1) -> None:
    node.process = _serve(node, directory, workers=workers)
    _wait_until_up(node, log=directory / f"{node.node_id}.log")


def _manage(node: RemoteNode, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=node.environment,
        capture_output=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr.decode()[-3000:]}")


def _serve(node: RemoteNode, directory: Path, *, workers: int) -> subprocess.Popen[bytes]:
    granian = Path(sys.executable).with_name("granian")
    command = [
        str(granian), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(node.port),
        "--workers", str(workers), "--blocking-threads", "4", "--no-ws",
        "--log-level", "warning", "config.wsgi:application",
    ]  # fmt: skip
    with (directory / f"{node.node_id}.log").open("wb") as log:  # the server keeps its own copy
        return subprocess.Popen(command, cwd=ROOT, env=node.environment, stdout=log, stderr=log)


def _wait_until_up(node: RemoteNode, *, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if node.process is not None and node.process.poll() is not None:
            break
        try:
            if httpx.get(f"{node.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    node.stop()
    raise RuntimeError(f"node {node.node_id} did not start:\n{log.read_text()[-3000:]}")
