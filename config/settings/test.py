"""Test settings: SQLite unless DATABASE_URL says otherwise, fast hashing, plain static."""

from __future__ import annotations

import tempfile

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

SECRET_KEY = "test-only-secret-key-not-for-any-deployment-0123456789"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "onegate.identity.oidc.hashers.ClientSecretHasher",
]
# Tests serve static files straight from frontend/dist; nothing is collected.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Rolled-back test transactions must never leave a stale catalogue in memory.
CATALOGUE_REVISION_CHECK_SECONDS = 0.0
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Accounts (issue 5): other modules' tests sign staff in without a second factor; the rule that
# staff must have one is switched back on and tested in onegate/identity/tests/test_mfa_rules.py.
IDENTITY_STAFF_MFA_REQUIRED = False
# The demo agency system (onegate/demo_rp); its tests allow plain-HTTP loopback redirects.
DEMO_RP_ENABLED = True
# Messages (issue 6): the SMS gateway simulator is served, so the SMS channel's tests talk to it
# over HTTP (in-process, through httpx's WSGI transport).
NOTIFY_SMS_SIMULATOR = True
# Runner (issue 8): uploads go to a throwaway folder per test process, never into var/.
STORAGES["uploads"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": tempfile.mkdtemp(prefix="onegate-uploads-"), "base_url": None},
}
