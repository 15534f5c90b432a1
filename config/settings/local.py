"""The demo on one machine (``make run``): production behaviour, but plain HTTP on 127.0.0.1.

The secret comes from ``SECRET_KEY`` or the git-ignored ``var/secret_key`` that ``make run``
writes once and keeps. Cookies are not marked Secure because the demo is served over HTTP.
"""

from __future__ import annotations

from config.env import env, secret_key_from_env
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

SECRET_KEY = secret_key_from_env(fallback_file=VAR_DIR / "secret_key")

# Accounts (issue 5): the demo prints every email (sign-up codes, sign-in codes, notices) to the
# console it runs in, so it works without a mail server. EMAIL_BACKEND overrides it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
