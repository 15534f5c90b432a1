"""Notify's fixtures: a real SMTP server, the SMS gateway simulator over HTTP, people."""

from __future__ import annotations

import httpx
import pytest
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections

from onegate.notify import templates
from onegate.notify.channels import sms
from onegate.notify.tests.smtp_server import smtp_server_start


@pytest.fixture(autouse=True)
def _templates_as_they_were():
    """Templates a test registers do not outlive it."""
    saved = dict(templates._TEMPLATES)
    yield
    templates._TEMPLATES.clear()
    templates._TEMPLATES.update(saved)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp(settings):
    """A running aiosmtpd server that the email channel talks SMTP to."""
    controller, handler = smtp_server_start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_TIMEOUT = 2
    handler.port = controller.port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


@pytest.fixture
def sms_gateway(settings, tmp_path):
    """The SMS channel posts to the simulator view over HTTP (httpx, in-process WSGI)."""
    settings.NOTIFY_SMS_SIMULATOR = True
    settings.NOTIFY_SMS_SIMULATOR_DIR = tmp_path / "sms"
    settings.NOTIFY_SMS_GATEWAY_URL = "http://testserver/notify-sim/sms/"
    settings.NOTIFY_SMS_GATEWAY_TOKEN = "test-gateway-token"
    sms.transport = httpx.WSGITransport(app=_in_test_transaction(WSGIHandler()))
    yield settings.NOTIFY_SMS_SIMULATOR_DIR
    sms.transport = None


def _in_test_transaction(handler: WSGIHandler):
    """As Django's test client does: the end of a request must not close the test's connection
    (and with it the test's transaction)."""

    def app(environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    return app
