"""The demo on one machine (``make run``): production behaviour, but plain HTTP on 127.0.0.1.

The secret comes from ``SECRET_KEY`` or the git-ignored ``var/secret_key`` that ``make run``
writes once and keeps. Cookies are not marked Secure because the demo is served over HTTP.
"""

from __future__ import annotations

from config.env import env, secret_key_from_env
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

SECRET_KEY = secret_key_from_env(fallback_file=VAR_DIR / "secret_key")

# Messages (issue 6): the demo's email (codes, notices, every message) goes over real SMTP to
# its own mail catcher (`manage.py smtp_catcher`, the Procfile's `mail:` line), which keeps each
# in var/mail/ and prints it in the `make run` terminal. EMAIL_BACKEND / EMAIL_PORT override it.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
# `make run` sets SITE_URL and NOTIFY_SMS_GATEWAY_URL from the web server's port: honcho gives
# every process its own PORT (the worker's is the web's + 100), so PORT alone would be wrong there.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
# Text messages go to the SMS gateway simulator served by the demo itself (var/sms/).
NOTIFY_SMS_SIMULATOR = True
NOTIFY_SMS_GATEWAY_URL = env.str(
    "NOTIFY_SMS_GATEWAY_URL",
    default=f"http://127.0.0.1:{env.int('PORT', default=8000)}/notify-sim/sms/",
)

# The demo agency system (onegate/demo_rp) at http://127.0.0.1:$PORT/demo-rp/ signs in with
# OneGate; its redirect addresses are plain-HTTP loopback ones (127.0.0.1 or localhost, any
# port), allowed here only.
DEMO_RP_ENABLED = True
OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,  # noqa: F405
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list(
        "OIDC_REDIRECT_URI_SCHEMES", default=["https", "http"]
    ),
    # http://localhost:<any port>/ like 127.0.0.1 (RFC 8252 §7.3): passkeys need a host name.
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
