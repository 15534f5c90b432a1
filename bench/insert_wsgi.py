"""The submission baseline for ``bench/runner.py``: a bare Django view that inserts 3 rows in one
transaction on PostgreSQL, and nothing else (no middleware, no session, no templates).

``bench/runner.py`` serves it with the Procfile's granian flags on the same database as OneGate,
so "submissions per second ÷ this" is what the runner's submission costs beyond the smallest
write a web request can make here.
"""

import os
import uuid

import environ
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

settings.configure(
    DEBUG=False,
    # A throwaway value: this application signs nothing.
    SECRET_KEY="bench-insert-baseline-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": environ.Env.db_url_config(os.environ["DATABASE_URL"])},
    USE_I18N=False,
    USE_TZ=True,
)

TABLE = "bench_baseline_rows"


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    key = uuid.uuid4().hex
    with transaction.atomic(), connection.cursor() as cursor:
        for part in range(3):
            cursor.execute(
                f"INSERT INTO {TABLE} (key, part, body) VALUES (%s, %s, %s)",
                [key, part, request.body[:200].decode("latin-1")],
            )
    return HttpResponse(status=201)


urlpatterns = [path("insert", insert)]
application = get_wsgi_application()

with connection.cursor() as setup:
    setup.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} "
        "(id bigserial PRIMARY KEY, key text NOT NULL, part int NOT NULL, body text NOT NULL,"
        " created_at timestamptz NOT NULL DEFAULT now())"
    )
connection.close()
