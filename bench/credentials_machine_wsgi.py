"""A prototype for ``bench/credentials.py --application credentials_machine_wsgi:application``:
OneGate exactly as ``config.wsgi`` serves it, except that the verification API and the status
lists count as machine endpoints.

``onegate.core.middleware.MachineEndpointMiddleware`` already sends ``/.well-known/…`` and the
OAuth token endpoints straight to their views, past sessions, languages, CSRF, sign-in, messages,
CSP and the session rules. ``POST /api/v1/verification/checks`` (a bearer token, never a cookie)
and ``GET /credentials/status/<id>`` (public, cacheable) have nothing for that middleware to do
either. This module adds their prefixes to the list once the application is loaded (the
middleware reads the list on every request), so the
bench can measure what the one-line change proposed in docs/benchmarks.md would gain. It changes
nothing in the code base.
"""

import importlib

from config.wsgi import application

# Importable only once Django is set up, which loading the application does.
middleware = importlib.import_module("onegate.core.middleware")

middleware.MACHINE_PREFIXES = (
    *middleware.MACHINE_PREFIXES,
    "/credentials/status/",
    "/api/v1/verification/",
)

__all__ = ["application"]
