"""The hello-world baseline for ``make bench``: the smallest Django application there is.

Settings are configured here in code, with no middleware, no database and no templates; one view
answers "Hello, world". ``bench/run.py`` serves it with the same granian binary and flags as the
Procfile's web line, so the ratio of a OneGate page to this number is the cost of OneGate itself
on this machine, not of the machine, the server or the load generator.
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    # A throwaway value: this application signs nothing and serves nothing but one string.
    SECRET_KEY="bench-hello-world-" + "x" * 40,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello)]

application = get_wsgi_application()
