"""Settings for the Factus invoicing site: one module, every difference read from the environment.

Embedded defaults make `make run` work with no configuration: a SQLite file, a per-process cache
and the local Factus emulator with its demo credentials. Production sets DATABASE_URL, CACHE_URL,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and the FACTUS_* variables (see .env.example).
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `make run` writes a development .env on first run; the real environment always wins over it.
# DJANGO_ENV_FILE names another file, or none when empty (the test suite sets it empty so that a
# developer's .env never changes what the tests see).
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY es obligatorio cuando DJANGO_DEBUG es False.")
    from django.core.management.utils import get_random_secret_key

    # A development key that changes per process: sessions do not outlive a restart.
    SECRET_KEY = get_random_secret_key()

if not DEBUG and not env.str("FACTUS_BASE_URL", default=""):
    # Without DEBUG an unset URL would silently bill through the emulator's demo account.
    raise ImproperlyConfigured(
        "FACTUS_BASE_URL es obligatorio cuando DJANGO_DEBUG es False "
        "(https://api.factus.com.co o https://api-sandbox.factus.com.co)."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "factus_project.apps.AdminConfig",  # django.contrib.admin, open to every role (core/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "factus",
    "catalog",
    "invoicing",
    "api",
    "reports",
]

MIDDLEWARE = [
    "factus.middleware.FactusBudgetMiddleware",  # one Factus budget per request (docs/deployment.md)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "factus_project.urls"
WSGI_APPLICATION = "factus_project.wsgi.application"
ASGI_APPLICATION = "factus_project.asgi.application"

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
                "core.context_processors.factus_environment",
                "catalog.context_processors.numbering_range_health",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Server-side parameters, so a statement run again on a connection is prepared once (psycopg
    # prepares it at its 5th run): PostgreSQL stops re-planning the joins every submission reads
    # (about 1 ms for each, docs/architecture.md). Behind a pooler in transaction mode that does
    # not track prepared statements (PgBouncer before 1.21), set DJANGO_DB_PREPARE_THRESHOLD=
    # (empty: never prepare; parameters stay server-side).
    # core.db.postgresql: Django's backend, batching its own statements under the 65,535
    # parameters a server-bound statement takes.
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("server_side_binding", True)
    prepare = env.str("DJANGO_DB_PREPARE_THRESHOLD", default="5")
    options.setdefault("prepare_threshold", int(prepare) if prepare else None)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------------------------
# The Factus token lives here: with several workers, CACHE_URL must point at a shared cache
# (redis://... or dbcache://table); core.checks warns when it does not.

# An empty CACHE_URL= (as in a copied .env.example) means unset, like every other variable here.
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://factus")}

# --- Auth -------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes), the admin login included: 5 failures of one username from one
# address lock that pair for 15 minutes; other users from that address and that user elsewhere
# still log in. Lockouts are listed (and can be removed) in the admin under "Axes".
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.access.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.access.client_ip"
AXES_COOLOFF_MESSAGE = "Cuenta bloqueada por demasiados intentos fallidos. Intente de nuevo más tarde."
AXES_PERMALOCK_MESSAGE = (
    "Cuenta bloqueada por demasiados intentos fallidos. Pida a un administrador que la desbloquee."
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language, time and numbers ---------------------------------------------------------------

LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", "Español (Colombia)")]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Invoice form: (core.bounds.MAX_ITEMS lines + 50 spare) x (14 item fields + 1 for the header's ~20),
# so 200 lines post and a few too many get the formset's Spanish message, not a bare 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = (200 + 50) * 15

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Hashed, compressed file names in production (needs `collectstatic`); plain files otherwise.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail (our own mail; invoices are e-mailed by Factus) -----------------------------------

EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="facturacion@localhost")

# --- Security (production values unless DEBUG) ------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page, never from the cookie
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS proxy that sets X-Forwarded-Proto and appends the client to X-Forwarded-For.
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"  # the inline PDF view opts in with @xframe_options_sameorigin

# --- Factus -----------------------------------------------------------------------------------
# With no FACTUS_BASE_URL the app talks to the local emulator (factus_emulator, started by
# `make run`) with its demo credentials. Real credentials come only from the environment.

FACTUS_EMULATOR_URL = env.str("FACTUS_EMULATOR_URL", default="http://127.0.0.1:8001").rstrip("/")
FACTUS_BASE_URL = (env.str("FACTUS_BASE_URL", default="") or FACTUS_EMULATOR_URL).rstrip("/")
_emulator = FACTUS_BASE_URL == FACTUS_EMULATOR_URL
FACTUS_CLIENT_ID = env.str("FACTUS_CLIENT_ID", default="emulator-client-id" if _emulator else "")
FACTUS_CLIENT_SECRET = env.str("FACTUS_CLIENT_SECRET", default="emulator-client-secret" if _emulator else "")
FACTUS_USERNAME = env.str("FACTUS_USERNAME", default="demo@emulador-factus.com" if _emulator else "")
FACTUS_PASSWORD = env.str("FACTUS_PASSWORD", default="emulador-demo" if _emulator else "")
FACTUS_NUMBERING_RANGE_ID = env.int("FACTUS_NUMBERING_RANGE_ID", default=None)
# Seconds. FACTUS_TIMEOUT is the TOTAL deadline of one exchange with Factus (connect, headers and
# body), not a per-read timeout; FACTUS_REQUEST_BUDGET is what one web request may spend on Factus
# in all (token, validate, lookups); WEB_TIMEOUT is gunicorn's worker timeout (gunicorn.conf.py).
# The factus.W002-W004 checks warn when they do not fit (see docs/deployment.md).
from factus import conf as _factus_conf  # noqa: E402  (the one home of these defaults)

FACTUS_TIMEOUT = env.float("FACTUS_TIMEOUT", default=_factus_conf.DEFAULT_TIMEOUT)
FACTUS_CONNECT_TIMEOUT = env.float("FACTUS_CONNECT_TIMEOUT", default=_factus_conf.DEFAULT_CONNECT_TIMEOUT)
FACTUS_REQUEST_BUDGET = env.float("FACTUS_REQUEST_BUDGET", default=_factus_conf.DEFAULT_REQUEST_BUDGET)
WEB_TIMEOUT = env.int("WEB_TIMEOUT", default=_factus_conf.DEFAULT_WEB_TIMEOUT)
FACTUS_TOKEN_LEEWAY = env.int("FACTUS_TOKEN_LEEWAY", default=60)
# Requests a minute the whole fleet (every web process and worker on every host) may send to Factus
# (factus.ratelimit): one shared budget, in Redis when CACHE_URL is Redis, in the database otherwise.
FACTUS_RATE_LIMIT = env.int("FACTUS_RATE_LIMIT", default=_factus_conf.DEFAULT_RATE_LIMIT)

# --- Background work --------------------------------------------------------------------------
# Django's Tasks API (the django-tasks backport of Django 6's django.tasks). The default backend is
# the database (django-tasks-db): `manage.py db_worker` processes on any number of hosts run the
# work. Another backend (e.g. django-tasks-rq on Redis) is a change of TASKS_BACKEND; see
# docs/background.md. TASKS_BACKEND=immediate runs each task inside the call that enqueues it.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env.str("TASKS_BACKEND", default="database")
# Seconds between two runs of the follow-up cycle (invoicing.tasks.follow_up_tick).
FOLLOW_UP_TICK_SECONDS = env.int("FOLLOW_UP_TICK_SECONDS", default=30)
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(_task_backend, _task_backend),
        "QUEUES": ["default"],
    }
}

# --- JSON API (/api/v1/, docs/api.md) -----------------------------------------------------------

# Requests per token: "N/s", "N/m" or "N/h" (api.throttle); counted in the cache (CACHE_URL).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="120/m")

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.logging.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # every login is an INFO line; lockouts are warnings
    },
}
