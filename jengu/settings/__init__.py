"""Jengu settings: every knob an environment variable (see README "Configuration").

With no environment at all this runs on embedded defaults: SQLite under ``var/``, a generated
SECRET_KEY, the offline AI writer, Maildir inboxes, local file storage, the ORM task broker.
Any secret NAME may also be given as ``NAME_FILE`` (a path whose contents are the value).
Jengu's own knobs are in ``knobs.py``; where values come from, in ``environment.py``.
"""

from __future__ import annotations

import os
import sys

from jengu.settings.environment import BASE_DIR, VAR_DIR, env, generated_secret_key, secret
from jengu.settings.observability import instrumented

JENGU_ENV = env.str("JENGU_ENV", default="development")
PRODUCTION = JENGU_ENV == "production"
DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("JENGU_TESTING", default="pytest" in sys.modules)

SECRET_KEY = secret("SECRET_KEY")
FIELD_ENCRYPTION_KEY = secret("FIELD_ENCRYPTION_KEY")
if PRODUCTION and not (SECRET_KEY and FIELD_ENCRYPTION_KEY):
    raise RuntimeError("JENGU_ENV=production needs SECRET_KEY and FIELD_ENCRYPTION_KEY to be set")
SECRET_KEY = SECRET_KEY or generated_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "compliance",
    "prospects",
    "inboxes",
    "outreach",
    "aiengine",
    "console",
    "migration",
    "privacy",  # after console: it extends the prospect admin console registers
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.logging.RequestIdMiddleware",
    "core.ingress.IngressMiddleware",  # 413 / 400 before anything reads the body or the query
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.security.twofactor.TwoFactorMiddleware",  # an unverified session reaches no page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.metrics.MetricsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the answer (README)
]

ROOT_URLCONF = "jengu.urls"
WSGI_APPLICATION = "jengu.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'jengu.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take the write lock up front, so the read-then-increment
    # counters (warmup, rate limits) serialize on SQLite the way select_for_update does on PG.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # The ORM broker polls constantly; reconnecting each time makes it ~4x slower.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ENGINE"] = instrumented(DATABASES["default"]["ENGINE"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by web, workers, qinfo and qmonitor: django-q2 keeps cluster stats in the cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- auth, i18n, static ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# The admin is the only login page; after it (or after an unsafe ?next=) go to the admin.
LOGIN_URL = "/admin/login/"
LOGIN_REDIRECT_URL = "/admin/"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # cron strings are UTC
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

STORAGE_BUCKET = env.str("STORAGE_BUCKET", default="")
_default_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": env.str("STORAGE_ENDPOINT_URL", default="") or None,
            "region_name": env.str("STORAGE_REGION", default="") or None,
            # Empty keys mean "use boto3's own chain" (instance role, AWS_* env), not "".
            "access_key": secret("STORAGE_ACCESS_KEY_ID") or None,
            "secret_key": secret("STORAGE_SECRET_ACCESS_KEY") or None,
            # MinIO and most self-hosted stores need "path"; AWS and R2 work with the default.
            "addressing_style": env.str("STORAGE_ADDRESSING_STYLE", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- security: cookies, TLS, lockout, two-factor (security.py) ---------------------------------
from jengu.settings.security import *  # noqa: E402, F403

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A role (core.roles) for every endpoint, even one that forgets to name its own class.
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ViewerReadsOperatorWrites"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.NewestFirstCursorPagination",
    # a view with a filterset_class filters with it; invalid values are a 400 (core.api.filters)
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="1000/min"),
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        # JSON only: form encodings cannot say null, a number or a list, and DRF reads a missing
        # form checkbox as false. The import sets its own (multipart) parser.
        "core.ingress.StrictJSONParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",  # error answers documented
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jengu API",
    "DESCRIPTION": "Self-hosted outreach CRM: prospects, emails, inboxes, AI, operations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema maps the attack surface of an internal tool: signed-in users only (README "API").
    "SERVE_PERMISSIONS": ["core.api.permissions.ViewerReadsOperatorWrites"],
    "ENUM_NAME_OVERRIDES": {
        "InboxStatusEnum": "inboxes.models.Inbox.Status",
        "EmailStatusEnum": "outreach.models.OutboundEmail.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.refuse_control_characters",
    ],
}

# --- task queue (django-q2) -----------------------------------------------------------------
Q_CLUSTER = {
    "name": "jengu",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=240),
    "retry": env.int("Q_RETRY", default=300),  # must exceed timeout, or tasks run twice at once
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "catch_up": False,
    "time_zone": "UTC",
    "save_limit": 500,
    "ack_failures": True,
    "label": "Task queue",
    "poll": 1,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- logs and metrics (observability.py) -----------------------------------------------------
# --- Jengu's knobs and the vendors' keys -----------------------------------------------------
from jengu.settings.knobs import *  # noqa: E402, F403
from jengu.settings.observability import LOG_FORMAT, LOGGING, LOGGING_CONFIG  # noqa: E402, F401

if JENGU["DEMO"] and "Q_WORKERS" not in os.environ:  # noqa: F405
    Q_CLUSTER["workers"] = 4  # a send pass holds a worker for most of each minute
