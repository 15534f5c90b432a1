"""Settings shared by every environment. Values come from the environment through ``config.env``.

The per-environment modules (``local``, ``production``, ``test``) import this and change only
what differs; docs/configuration.md lists every variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, database_from_env, env
from onegate.identity.oidc.keys import private_key_pem_from_env, retired_key_pems_from_env

VAR_DIR = Path(env.str("ONEGATE_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# OneGate's apps come first so their Thai catalogues win over Django's for shared phrases.
INSTALLED_APPS = [
    "onegate.core",
    "onegate.identity",
    "onegate.pages",
    "onegate.audit",
    "onegate.registries",
    "onegate.catalogue",
    "onegate.api",
    "onegate.notify",
    "onegate.appointments",  # issue 6: slots and bookings at service centres
    "onegate.definitions",  # issue 7: service definitions, rules, versions, designer
    "onegate.runner",  # issue 8: the citizen journey, applications, uploads, assisted digital
    "onegate.cases",  # issue 9: cases, automatic decisions, the back office, notices
    "onegate.credentials",  # issue 10: entitlements, SD-JWT VC credentials, verification
    "onegate.insights",  # issue 11: service performance, dashboards, open data
    "onegate.demo_rp",  # the demo agency system (served only when DEMO_RP_ENABLED)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "onegate.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The OpenID Connect machine endpoints (token, UserInfo, discovery, …) skip the page
    # middleware below: no session, language or CSRF for requests no cookie authorises.
    "onegate.core.middleware.MachineEndpointMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onegate.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Accounts (issue 5): idle and absolute session limits, then staff sign-in rules. After
    # messages, so a person signed out for inactivity is told why on the next page. Then when
    # the session was last active, for "your devices and sessions": at most once a minute
    # (instead of allauth's UserSessionsMiddleware, which writes on every request).
    "onegate.identity.middleware.SessionRulesMiddleware",
    "onegate.identity.middleware.StaffSignInRulesMiddleware",
    "onegate.identity.middleware.UserSessionActivityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Pages: Jinja2, so GOV.UK Frontend components render through govuk-frontend-jinja.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "onegate.pages.jinja.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "onegate.pages.context.site",
                # Accounts (issue 5): header links, session-timeout warning, messages.
                "onegate.identity.context.account",
                # Acting (issue 5): whom the person acts for, for the header switch (lazy).
                "onegate.identity.acting.acting_context",
                # Messages (issue 6): the inbox link's unread count (lazy, one query).
                "onegate.notify.context.inbox",
            ],
        },
    },
    {
        # Django's admin keeps its own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(default=f"sqlite:///{VAR_DIR / 'onegate.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache_url("CACHE_URL", default="dbcache://onegate_cache"),
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "audit"],
    }
}

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
# URL names, not paths: reversed in the language of the page signed in (or out) on, so a person
# who signs in at /th/accounts/login/ lands on the Thai front door (/th/), not the English one.
LOGIN_REDIRECT_URL = "catalogue:home"
LOGOUT_REDIRECT_URL = "catalogue:home"

# Argon2id first (RFC 9106); older hashes are upgraded on the next sign-in.
PASSWORD_HASHERS = [
    "onegate.identity.passwords.Argon2idHasher",  # also reads Argon2 hashes of other costs
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# NIST SP 800-63B: at least 8 characters, long passphrases welcome, no composition rules, and
# refused if on the bundled list of common and breached passwords or too like the account.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "onegate.identity.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "onegate.identity.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Accounts (django-allauth): sign in with an email address or a passkey; email confirmed and
# passwords reset by a code sent by email; nothing reveals whether an address has an account.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_TEMPLATE_EXTENSION = "html"
ACCOUNT_ADAPTER = "onegate.identity.adapters.AccountAdapter"
# Failed sign-ins: at most 10 per account per 15 minutes, 30 per IP address per minute.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/15m/key,30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "login": "30/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = True
MFA_TOTP_ISSUER = "OneGate"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
# "Last active" on "your devices and sessions", written at most once a minute per session by
# onegate.identity.middleware.UserSessionActivityMiddleware (allauth's middleware is not used).
USERSESSIONS_TRACK_ACTIVITY = True
# Behind a proxy, the client's address (sign-in rate limits, sessions, the public verifier's
# limit) comes from a header only the proxy sets, or from X-Forwarded-For counted from the end.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Accounts (issue 5): sessions, staff sign-in rules, email -----------------------------------
# A session ends after 15 minutes without a request and 12 hours after sign-in whatever happens
# (onegate.identity.middleware.SessionRulesMiddleware); pages warn 2 minutes before. The cookie
# lives no longer than the session may.
IDENTITY_SESSION_IDLE_SECONDS = 15 * 60
IDENTITY_SESSION_WARNING_SECONDS = 2 * 60
IDENTITY_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = IDENTITY_SESSION_ABSOLUTE_SECONDS
# Staff accounts must have a second factor and superusers a passkey before anything else
# (onegate.identity.middleware.StaffSignInRulesMiddleware). Not read from the environment:
# production cannot turn it off.
IDENTITY_STAFF_MFA_REQUIRED = True
# Identity support (unlinking an account from its registry person) is run by the staff of this
# agency, the keeper of the population and ID card registers: identity.unlink_account counts
# only there (onegate.identity.selectors.support_agency).
IDENTITY_SUPPORT_AGENCY = "civil-registration"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "OneGate: "
# Mail leaves through SMTP unless EMAIL_BACKEND says otherwise; `make run` prints it to the
# console (config/settings/local.py) so the demo needs no mail server.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OneGate <no-reply@onegate.invalid>")
# --- end of accounts block -----------------------------------------------------------------------

# --- Proofing (issue 5): bursts of identity-proofing attempts -----------------------------------
# At most 3 a minute per account and 20 a minute per IP address (allauth's cache rate limits);
# the daily limits (5 per account, 5 per registry person) are counted from the attempts table.
ACCOUNT_RATE_LIMITS["identity_proofing"] = "3/m/user,20/m/ip"
# --- end of proofing block ------------------------------------------------------------------------

# --- OpenID Connect provider (issue 5): django-oauth-toolkit for agencies' systems ---------------
# docs/oidc.md explains each choice. Authorization code flow only, PKCE with S256 required, every
# RFC 9700 (OAuth 2.0 Security BCP) gate on, tokens stored hashed, ID tokens signed RS256.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# The issuer: set it in production (https://onegate.example); empty derives it from the request.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
# Key of the pairwise subject identifiers; empty derives one from SECRET_KEY (demo and tests).
OIDC_PAIRWISE_SECRET = env.str("OIDC_PAIRWISE_SECRET", default="")
# How long after signing in a client may keep refreshing its tokens (like the session's limit).
OIDC_SIGN_IN_MAX_SECONDS = env.int("OIDC_SIGN_IN_MAX_SECONDS", default=12 * 60 * 60)
# The demo agency system that signs in with OneGate (onegate/demo_rp): off except in the demo and
# the tests; its client is registered by `load_demo_rp`.
DEMO_RP_ENABLED = False
DEMO_RP_CLIENT_ID = "demo-land-transport"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": OIDC_ISSUER,
    # PEM text or a file path; `make run` makes var/oidc_rsa_key.pem once (`check --deploy`
    # fails without a key).
    "OIDC_RSA_PRIVATE_KEY": private_key_pem_from_env(fallback_file=VAR_DIR / "oidc_rsa_key.pem"),
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": retired_key_pems_from_env(),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # Ask before signing out only when the client's id_token_hint does not name the person.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_SERVER_CLASS": "onegate.identity.oidc.server.OneGateServer",
    "OAUTH2_VALIDATOR_CLASS": "onegate.identity.oidc.validators.OneGateValidator",
    "SCOPES_BACKEND_CLASS": "onegate.identity.oidc.scopes.ClientScopes",
    "SCOPES": {"openid": "openid", "profile": "profile", "email": "email", "national_id": "ID"},
    "DEFAULT_SCOPES": ["openid"],
    "APPLICATION_ADMIN_CLASS": "onegate.identity.admin_oidc.ClientAdmin",
    "CLIENT_SECRET_HASHER": "oidc_client_pbkdf2_sha256",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 10 * 60,
    # A refresh token dies an hour after its access token expires unless used, and in any case
    # OIDC_SIGN_IN_MAX_SECONDS after the person signed in; each use rotates it, and a replayed
    # one revokes its whole family.
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "PKCE_REQUIRED": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list("OIDC_REDIRECT_URI_SCHEMES", default=["https"]),
    "ALLOWED_SCHEMES": ["https"],
    "ALLOW_URI_WILDCARDS": False,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# Client secrets are long and random: a fast salted hash (onegate/identity/oidc/hashers.py).
PASSWORD_HASHERS = [*PASSWORD_HASHERS, "onegate.identity.oidc.hashers.ClientSecretHasher"]
# --- end of OpenID Connect block ----------------------------------------------------------------

# --- Messages (issue 6): the outbox, its retries, and the SMS gateway (docs/notify.md) ----------
# A worker holds a message it is sending this long; after that the sweep sends it again (same
# Message-ID). Temporary failures are retried, waiting NOTIFY_FIRST_RETRY_SECONDS then twice as
# long each time (at most an hour), until NOTIFY_GIVE_UP_AFTER_SECONDS: then the message is dead.
NOTIFY_LEASE_SECONDS = env.int("NOTIFY_LEASE_SECONDS", default=60)
NOTIFY_GIVE_UP_AFTER_SECONDS = env.int("NOTIFY_GIVE_UP_AFTER_SECONDS", default=24 * 60 * 60)
NOTIFY_FIRST_RETRY_SECONDS = env.int("NOTIFY_FIRST_RETRY_SECONDS", default=30)
NOTIFY_BATCH_SIZE = env.int("NOTIFY_BATCH_SIZE", default=100)
NOTIFY_MESSAGE_ID_DOMAIN = env.str("NOTIFY_MESSAGE_ID_DOMAIN", default="onegate.invalid")
# The site's public address (https://onegate.example), for links in messages sent by workers,
# which have no request to build one from; empty leaves messages without links.
SITE_URL = env.str("SITE_URL", default="")
CREDENTIALS_ISSUER = env.str("CREDENTIALS_ISSUER", default="")  # credentials' iss; "": SITE_URL
NOTIFY_SMS_GATEWAY_URL = env.str("NOTIFY_SMS_GATEWAY_URL", default="")
NOTIFY_SMS_GATEWAY_TOKEN = env.str("NOTIFY_SMS_GATEWAY_TOKEN", default="")
NOTIFY_SMS_SENDER = env.str("NOTIFY_SMS_SENDER", default="OneGate")
# The local SMS gateway simulator at /notify-sim/sms/ (demo and tests only; never in production).
NOTIFY_SMS_SIMULATOR = False
NOTIFY_SMS_SIMULATOR_DIR = VAR_DIR / "sms"
# --- end of messages block ------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("th", _("Thai"))]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Runner (issue 8): files people upload with applications. Private: no URL, served only through
# the permission-checked view. Any Django storage backend can replace it (S3 and others).
STORAGES["uploads"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": env.str("RUNNER_UPLOADS_DIR", default=str(VAR_DIR / "uploads")),
        "base_url": None,
    },
}
# The antivirus plug-in point: a clamd address ("tcp://host:3310" or "unix:///path/clamd.ctl").
# Empty (the demo): files are not scanned, and each upload records "not scanned".
RUNNER_CLAMAV_URL = env.str("RUNNER_CLAMAV_URL", default="")
RUNNER_CLAMAV_TIMEOUT_SECONDS = env.int("RUNNER_CLAMAV_TIMEOUT_SECONDS", default=30)
WHITENOISE_MAX_AGE = 31536000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "onegate.pages.views.csrf_failure"
LANGUAGE_COOKIE_NAME = "onegate_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Strict CSP: our own origin only, no inline script or style; forms post to ourselves only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Catalogue: how often a process checks whether another process changed the catalogue (seconds;
# 0 checks on every request). Changes made in the same process show at once.
CATALOGUE_REVISION_CHECK_SECONDS = env.float("CATALOGUE_REVISION_CHECK_SECONDS", default=1.0)

# Audit: rows left without a place in the hash chain longer than this are reported.
AUDIT_UNCHAINED_ALERT_SECONDS = env.int("AUDIT_UNCHAINED_ALERT_SECONDS", default=60)

# Background tasks: an attempt RUNNING longer than this has lost its worker (keep it well above the
# longest task); finished task results are deleted this many days after they finished.
TASKS_STALE_AFTER_SECONDS = env.int("TASKS_STALE_AFTER_SECONDS", default=3600)
TASKS_KEEP_RESULTS_DAYS = env.int("TASKS_KEEP_RESULTS_DAYS", default=30)

# Registries: which adapter answers registry questions ("local": this node's tables; "remote":
# another OneGate node's registry API, configured by the REGISTRY_REMOTE_* variables).
REGISTRY_ADAPTER = env.str("REGISTRY_ADAPTER", default="local")
# Node-to-node registry questions (docs/registries-remote.md). Keys are JWKs, given inline as JSON
# or as the path of a file holding it; they are parsed and checked at start-up
# (registries.adapters.remote.registry_settings_validate): a bad one is named in one line.
REGISTRY_NODE_ID = env.str("REGISTRY_NODE_ID", default="")
REGISTRY_NODE_PRIVATE_KEY = env.str("REGISTRY_NODE_PRIVATE_KEY", default="")
# The nodes allowed to ask this one: JSON {node id: public JWK or list of JWKs}, or a file path.
REGISTRY_PEERS = env.str("REGISTRY_PEERS", default="")
# What each peer may ask, JSON {node id: ["person_find", ...] or "*"}; a peer not listed may ask
# nothing (X-Road style: access is granted per service, not per node).
REGISTRY_PEER_QUESTIONS = env.str("REGISTRY_PEER_QUESTIONS", default="")
# The node the "remote" adapter asks.
REGISTRY_REMOTE_URL = env.str("REGISTRY_REMOTE_URL", default="")
REGISTRY_REMOTE_NODE_ID = env.str("REGISTRY_REMOTE_NODE_ID", default="")
REGISTRY_REMOTE_PUBLIC_KEY = env.str("REGISTRY_REMOTE_PUBLIC_KEY", default="")
REGISTRY_REMOTE_CONNECT_TIMEOUT = env.float("REGISTRY_REMOTE_CONNECT_TIMEOUT", default=1.0)
REGISTRY_REMOTE_READ_TIMEOUT = env.float("REGISTRY_REMOTE_READ_TIMEOUT", default=5.0)
REGISTRY_REMOTE_RETRIES = env.int("REGISTRY_REMOTE_RETRIES", default=2)
REGISTRY_REMOTE_BACKOFF_SECONDS = env.float("REGISTRY_REMOTE_BACKOFF_SECONDS", default=0.1)
REGISTRY_BREAKER_THRESHOLD = env.int("REGISTRY_BREAKER_THRESHOLD", default=5)
REGISTRY_BREAKER_COOLDOWN_SECONDS = env.float("REGISTRY_BREAKER_COOLDOWN_SECONDS", default=30.0)
# How long a signed request or answer is valid; replays are refused within this window.
REGISTRY_TOKEN_LIFETIME_SECONDS = env.int("REGISTRY_TOKEN_LIFETIME_SECONDS", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        # Exception messages and tracebacks can quote personal data (a task's arguments, a
        # query's values): logs keep the exception's class, never its message.
        "no_exception_details": {"()": "onegate.core.logfilters.ExceptionClassOnly"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_exception_details"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request errors are logged without request bodies or query strings (personal data).
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # fontTools logs every table it reads while a decision notice's PDF is made.
        "fontTools": {"level": "WARNING"},
    },
}
