"""The verification API's baseline for ``bench/credentials.py``: a bare Django view that does one
indexed lookup in the same PostgreSQL table and one Ed25519 signature, and nothing else.

No middleware, no session, no authentication, no rate limit, no write. The view reads the JSON
body, looks the passport up in ``credentials_entitlementlink`` (joined to its entitlement, through
the ``cred_link_lookup`` index, as the real check does), signs the answer with an Ed25519 key
(``cryptography``) and returns it as JSON. The issue quotes about 2,900/s for such a view on this
machine; the bench serves it with the Procfile's granian flags on the same port range and database
as OneGate, at the same path, so the same wrk script drives both.
"""

import json
import os

import environ
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

settings.configure(
    DEBUG=False,
    # A throwaway value: this application keeps no sessions and signs with its own key.
    SECRET_KEY="bench-credentials-baseline-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    # Persistent connections with health checks, as OneGate's settings (config/env.py).
    DATABASES={
        "default": {
            **environ.Env.db_url_config(os.environ["DATABASE_URL"]),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    },
    USE_I18N=False,
    USE_TZ=True,
)

KEY = Ed25519PrivateKey.generate()
LOOKUP = (
    "SELECT e.valid_until, e.status FROM credentials_entitlementlink l "
    "JOIN credentials_entitlement e ON e.id = l.entitlement_id "
    "WHERE l.scheme = %s AND l.value = %s AND l.issuing_state = %s AND l.entitlement_type = %s"
)


@csrf_exempt
def check(request: HttpRequest) -> HttpResponse:
    body = json.loads(request.body)
    document = body["document"]
    number = document["number"].upper().replace(" ", "")
    with connection.cursor() as cursor:
        cursor.execute(
            LOOKUP, ["passport", number, document["issuing_state"], body["entitlement_type"]]
        )
        row = cursor.fetchone()
    valid = row is not None and row[1] == "active"
    answer = json.dumps(
        {"valid": valid, "valid_until": row[0].isoformat() if valid else None}
    ).encode()
    return HttpResponse(
        answer,
        content_type="application/json",
        headers={"X-Signature": KEY.sign(answer).hex()},
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("api/v1/verification/checks", check), path("healthz", healthz)]
application = get_wsgi_application()
