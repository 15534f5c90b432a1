"""Settings of the second node: the test settings, serving only the API (``remote_node.urls``).

Its database, node id, key and peers come from the environment (``DATABASE_URL``,
``REGISTRY_NODE_ID``, ``REGISTRY_NODE_PRIVATE_KEY``, ``REGISTRY_PEERS``), set by ``harness``.
"""

from __future__ import annotations

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "onegate.registries.tests.remote_node.urls"
