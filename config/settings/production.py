"""Production: fails closed. No default secret, DEBUG off, HTTPS-only cookies and HSTS."""

from __future__ import annotations

from config.env import env, secret_key_from_env
from config.settings.base import *  # noqa: F403

SECRET_KEY = secret_key_from_env(fallback_file=None)
DEBUG = False

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Trust X-Forwarded-Proto only when a proxy in front is known to set it (and strip it from
# clients); otherwise anyone could claim HTTPS.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
