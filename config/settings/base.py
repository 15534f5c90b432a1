"""Settings shared by every environment. Values come from the environment through ``config.env``.

The per-environment modules (``local``, ``production``, ``test``) import this and change only
what differs; docs/configuration.md lists every variable.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, database_from_env, env

VAR_DIR = Path(env.str("ONEGATE_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# OneGate's apps come first so their Thai catalogues win over Django's for shared phrases.
INSTALLED_APPS = [
    "onegate.core",
    "onegate.pages",
    "onegate.audit",
    "onegate.registries",
    "onegate.catalogue",
    "onegate.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "onegate.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onegate.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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

# NIST SP 800-63B style: length and a list of common passwords, no composition rules. The
# Identity work adds the breached-password list and passkeys.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("th", _("Thai"))]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
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
    },
}
