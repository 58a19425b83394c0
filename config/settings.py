"""Settings, all read from the environment.

The defaults give the *embedded mode*: SQLite file, Celery tasks executed in-process,
emails printed to the console, DEBUG on. Production sets ``DEBUG=0`` and real values;
it refuses to start with the development secret key.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


class SetVariables(Mapping):
    """``os.environ`` without its empty variables: ``DATABASE_URL=`` (or any setting
    left blank in an ``.env`` file) means "not set", so the default applies."""

    def __getitem__(self, name):
        value = os.environ[name]
        if not value.strip():
            raise KeyError(name)
        return value

    def __iter__(self):
        return (name for name, value in os.environ.items() if value.strip())

    def __len__(self):
        return sum(1 for _ in self)


env = environ.Env()
env.ENVIRON = SetVariables()

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 - refused when DEBUG is off

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
# Earlier keys during a rotation: sessions and signed links made with them stay valid,
# and data encrypted with them still decrypts (core.crypto).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the development key cannot be used with DEBUG off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin (its docs): the translated catalog columns (inventory/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    # Our apps, in the order of their layers (docs/architecture.md, "App layers").
    "core",
    "customers",
    "apikeys",
    "inventory",
    "pricing",
    "orders",
    "documents",
    "returns",
    "complaints",
    "webhooks",
    "notifications",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionIdleExpiryMiddleware",
    "core.middleware.PrivateCacheControlMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
FORM_RENDERER = "core.forms.BootstrapFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: opening one per request cost a web worker about a tenth of
# its time at order intake (and PostgreSQL a backend process each time). The health
# check, once per request before the first query, drops a connection the database
# closed (a restart) instead of failing the request on it.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request within this many seconds
    # (answered 503, core.api.exceptions.handler500) instead of holding a web worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the write lock instead of failing at once when the worker and the
    # web process write together in embedded mode.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # The covering indexes' INCLUDE columns are PostgreSQL's (bench/README.md); SQLite
    # builds the same indexes without them, which is all the embedded mode needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "customers.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitation links stay valid three days

# Wrong passwords are rate-limited (django-axes): per email and address (axes' own
# lockout), and by core.axes.TieredAxesHandler per address across emails and per
# account across addresses, each with its own limit and cool-off (axes itself has one
# limit and one cool-off for every parameter combination).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "core.axes.TieredAxesHandler"
# The wider caps count the failure log (one row per failed password check).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# A refused attempt (already locked) checks no password: it is not counted and does not
# extend a lockout, so an attacker cannot keep an account locked by retrying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.axes.client_ip_address"
# One address (an office, or an attacker) across every email: a wide cap, a long cool-off.
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=30)
LOGIN_COOLOFF_HOURS_PER_IP = env.float("LOGIN_COOLOFF_HOURS_PER_IP", default=1.0)
# One account from every address: higher than the per-address limit and a short
# cool-off, so that others' failures lock a real user out for minutes at most.
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env.int("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", default=20)
LOGIN_COOLOFF_HOURS_PER_ACCOUNT = env.float("LOGIN_COOLOFF_HOURS_PER_ACCOUNT", default=0.1)
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "core.axes.client_username"

# Sessions end after this long without a request (refreshed at most every
# SESSION_REFRESH_SECONDS, to spare a database write per request).
SESSION_IDLE_HOURS_STAFF = env.float("SESSION_IDLE_HOURS_STAFF", default=8.0)
SESSION_IDLE_HOURS_CUSTOMER = env.float("SESSION_IDLE_HOURS_CUSTOMER", default=24.0 * 7)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=300)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Madrid")
USE_I18N = True
# Translated catalog content (django-modeltranslation, inventory/translation.py): one
# column per language; a reader gets their language, else Spanish, else any non-empty one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "es"
MODELTRANSLATION_LANGUAGES = ("es", "en", "pl")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("es", "en", "pl")}
USE_TZ = True
# Numbers as each language writes them (es 1.234,56, pl 1 234,56, en 1,234.56); where
# Django's own formats differ from that, config/formats/<lang>/formats.py says so.
# Ids, years and numbers in URLs or attributes are printed with |unlocalize or {% url %}.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Documents are private: stored here, served only through views that check the user.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mayorista <pedidos@example.com>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where staff alerts go (low stock, held orders, overdue complaints).
STAFF_ALERT_EMAIL = env.str("STAFF_ALERT_EMAIL", default="backoffice@example.com")
# Absolute base of links in emails (invitations, tracking, surveys).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The cache only helps (API rate limits): with Redis down or hanging it answers as an
# empty cache within the short socket timeouts and logs a warning (core.cache).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_SOCKET_TIMEOUT,
                "socket_timeout": CACHE_SOCKET_TIMEOUT,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Celery ---------------------------------------------------------------------------
# Embedded mode (no REDIS_URL): tasks run in-process, right after the commit that
# enqueued them. With REDIS_URL: Redis is the broker and a worker runs them.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish must not hang a request when Redis is down: fail fast, the outbox keeps it.
# socket_timeout too: a Redis that accepts connections but does not answer (hung,
# paused) otherwise blocks the publish for good. One retry, for the pooled connection
# Redis dropped when it restarted.
#
# visibility_timeout: a task taken by a worker that dies without acknowledging it (the
# worker killed, acks_late) goes back to the queue after this many seconds for another
# worker. It must be longer than the longest retry countdown (an hour): Redis counts an
# ETA task held by a worker as unacknowledged too.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3900),
}
# Webhook deliveries wait on other people's servers (up to WEBHOOK_TIMEOUT each): their
# own queue, consumed by its own worker, so a slow receiver never delays emails, PDFs or
# outbox events (``celery -A config worker -Q webhooks``).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"webhooks.tasks.deliver_webhook": {"queue": "webhooks"}}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "axes-cleanup": {
        "task": "core.tasks.cleanup_login_attempts",
        "schedule": crontab(minute=17, hour=3),
    },
    "inventory-low-stock-sweep": {
        "task": "inventory.tasks.sweep_low_stock",
        "schedule": crontab(minute=5, hour=6),
    },
    # The outbox relay sends events on commit; this sweep catches what a broker outage
    # left behind.
    "outbox-relay": {"task": "core.tasks.relay_outbox", "schedule": 60.0},
    "api-records-purge": {"task": "core.tasks.purge_api_records", "schedule": crontab(minute=41)},
    "webhook-retries": {"task": "webhooks.tasks.retry_due_deliveries", "schedule": 60.0},
    "held-orders-digest": {
        "task": "notifications.tasks.send_held_orders_digest",
        "schedule": crontab(minute=0, hour=8),
    },
    # Documents and emails a broker outage (or a down SMTP server) left pending.
    "documents-pending-sweep": {
        "task": "documents.tasks.sweep_pending_documents",
        "schedule": 300.0,
    },
    "notifications-pending-sweep": {
        "task": "notifications.tasks.sweep_pending_notifications",
        "schedule": 300.0,
    },
    # Returns authorized but never sent: remind once, then expire.
    "returns-expiry": {"task": "returns.tasks.expire_returns", "schedule": crontab(minute=20)},
    # Complaints: clocks passing today warn the assignee, passed ones escalate once to
    # managers, legal deadlines about to pass warn (complaints.services.check_deadlines).
    "complaints-deadlines": {
        "task": "complaints.tasks.check_deadlines",
        "schedule": 600.0,
    },
    "returns-abuse-watch": {
        "task": "returns.tasks.evaluate_abuse",
        "schedule": crontab(minute=35, hour=2),
    },
    # The dashboard's daily delivery summaries: yesterday's deliveries (and any day
    # missed), read from the rows from then on (dashboard.summaries).
    "dashboard-delivery-summaries": {
        "task": "dashboard.tasks.summarise_deliveries",
        "schedule": crontab(minute=10, hour=1),
    },
}

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apikeys.authentication.ApiKeyAuthentication",
        "core.api.authentication.StaffSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.ClientRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
# Request bodies above this size are refused with 413.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2 * 1024 * 1024)
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=100)
# Back-office lists count at most this many rows ("1-25 of more than 10,000").
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=10_000)
# Requests per client and period ("<n>/<s|min|hour|day>"; "0" switches a limit off).
API_RATE_LIMITS = {
    "seller": env.str("API_RATE_SELLER", default="6000/min"),
    "company": env.str("API_RATE_COMPANY", default="1200/min"),
    "staff": env.str("API_RATE_STAFF", default="3000/min"),
}
# Idempotency keys are kept this long (never less than 24 h).
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
# A key whose first request gave no answer for this long (worker killed) is taken over.
IDEMPOTENCY_LOCK_TIMEOUT = env.int("IDEMPOTENCY_LOCK_TIMEOUT", default=600)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)
# An event handed to the broker but not processed this long after (its message lost
# with a restarted Redis, its worker killed) is handed over again by the relay sweep.
OUTBOX_REDISPATCH_SECONDS = env.int("OUTBOX_REDISPATCH_SECONDS", default=300)
# Webhook receivers on loopback/private/link-local addresses: refused in production.
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=DEBUG)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_RETRY_HOURS = env.int("WEBHOOK_RETRY_HOURS", default=26)
WEBHOOK_DISABLE_AFTER_DAYS = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=3)
SPECTACULAR_SETTINGS = {
    "TITLE": "Mayorista B2B API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "DESCRIPTION": "The ERP-facing API. Authenticate with `Authorization: Api-Key <key>`.",
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "ReturnStatusEnum": "returns.models.ReturnStatus",
        "ReturnResolutionEnum": "returns.models.Resolution",
        "ComplaintStatusEnum": "complaints.models.ComplaintStatus",
        "ComplaintResolutionEnum": "complaints.models.Resolution",
        "ComplaintCategoryEnum": "complaints.models.Category",
        "ShippingPayerEnum": "inventory.models.ReturnShippingPayer",
    },
}

# --- Business settings ----------------------------------------------------------------
# Orders: amounts net of VAT (see orders.pricing), per currency: the plain name is the
# EUR figure, <NAME>_PLN the PLN one (about 4.3 x EUR, rounded).
FREE_SHIPPING_THRESHOLD = env.str("FREE_SHIPPING_THRESHOLD", default="300.00")
FREE_SHIPPING_THRESHOLD_PLN = env.str("FREE_SHIPPING_THRESHOLD_PLN", default="1300.00")
SHIPPING_COST_STANDARD = env.str("SHIPPING_COST_STANDARD", default="9.90")
SHIPPING_COST_STANDARD_PLN = env.str("SHIPPING_COST_STANDARD_PLN", default="42.00")
SHIPPING_COST_EXPRESS = env.str("SHIPPING_COST_EXPRESS", default="19.90")
SHIPPING_COST_EXPRESS_PLN = env.str("SHIPPING_COST_EXPRESS_PLN", default="85.00")
# A customer's first order above this amount (total) is held for review.
AUTO_HOLD_FIRST_ORDER_ABOVE = env.str("AUTO_HOLD_FIRST_ORDER_ABOVE", default="3000.00")
AUTO_HOLD_FIRST_ORDER_ABOVE_PLN = env.str("AUTO_HOLD_FIRST_ORDER_ABOVE_PLN", default="13000.00")
# Business days promised at placement (preparation + transit) per shipping method.
PROMISED_DAYS_STANDARD = env.int("PROMISED_DAYS_STANDARD", default=3)
PROMISED_DAYS_EXPRESS = env.int("PROMISED_DAYS_EXPRESS", default=1)
# Business calendar (core.calendar): public holidays from the `holidays` package per
# country (Spain with an optional region code, e.g. MD for Madrid), working days
# (0 = Monday) and hours in the country's time zone, plus the managers' closure days.
SELLER_COUNTRY = env.str("SELLER_COUNTRY", default="ES")
BUSINESS_CALENDAR_REGION = env.str("BUSINESS_CALENDAR_REGION", default="")
BUSINESS_WORKING_DAYS = env.list("BUSINESS_WORKING_DAYS", cast=int, default=[0, 1, 2, 3, 4])
BUSINESS_HOURS_START = env.str("BUSINESS_HOURS_START", default="09:00")
BUSINESS_HOURS_END = env.str("BUSINESS_HOURS_END", default="17:00")
# Uploaded evidence (core.uploads): the largest file accepted and the largest image.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
# Returns: goods are due this many days after authorization (a reminder is sent once
# RETURN_REMINDER_DAYS after it, then the return expires); refunds are due this many
# business days after inspection (seed 004).
RETURN_RECEIVE_DAYS = env.int("RETURN_RECEIVE_DAYS", default=14)
RETURN_REMINDER_DAYS = env.int("RETURN_REMINDER_DAYS", default=10)
RETURN_REFUND_BUSINESS_DAYS = env.int("RETURN_REFUND_BUSINESS_DAYS", default=7)
# Abuse watch: a company is flagged when, over the rolling window, its returns (the
# seller's faults excluded) reach the count or their units the % of units bought.
RETURN_ABUSE_WINDOW_DAYS = env.int("RETURN_ABUSE_WINDOW_DAYS", default=90)
RETURN_ABUSE_MAX_RETURNS = env.int("RETURN_ABUSE_MAX_RETURNS", default=5)
RETURN_ABUSE_MAX_RATE = env.str("RETURN_ABUSE_MAX_RATE", default="20")
# Evidence files per return (each at most UPLOAD_MAX_BYTES).
RETURN_MAX_ATTACHMENTS = env.int("RETURN_MAX_ATTACHMENTS", default=10)
# Complaints: the default SLA (SlaTarget rows override it per category and priority),
# the evidence per complaint, the default discount of a "discount" resolution and how
# long its coupon is valid, the warning before a legal deadline, the rating link's life.
COMPLAINT_FIRST_RESPONSE_BUSINESS_DAYS = env.int(
    "COMPLAINT_FIRST_RESPONSE_BUSINESS_DAYS", default=2
)
COMPLAINT_RESOLUTION_DAYS = env.int("COMPLAINT_RESOLUTION_DAYS", default=14)
COMPLAINT_MAX_ATTACHMENTS = env.int("COMPLAINT_MAX_ATTACHMENTS", default=20)
COMPLAINT_DISCOUNT_PERCENT = env.str("COMPLAINT_DISCOUNT_PERCENT", default="10")
COMPLAINT_COUPON_DAYS = env.int("COMPLAINT_COUPON_DAYS", default=180)
COMPLAINT_DEADLINE_WARNING_DAYS = env.int("COMPLAINT_DEADLINE_WARNING_DAYS", default=2)
COMPLAINT_RATING_LINK_DAYS = env.int("COMPLAINT_RATING_LINK_DAYS", default=60)
SELLER = {
    "legal_name": env.str("SELLER_LEGAL_NAME", default="Distribuciones Mayorista S.L."),
    "tax_id": env.str("SELLER_TAX_ID", default="ESB12345674"),
    "address": env.str("SELLER_ADDRESS", default="Calle de la Industria 12, 28830 Madrid, España"),
    "email": env.str("SELLER_EMAIL", default="pedidos@example.com"),
    "phone": env.str("SELLER_PHONE", default="+34 910 000 000"),
    # Printed on invoices (payment by bank transfer).
    "bank_name": env.str("SELLER_BANK_NAME", default="Banco Ejemplo S.A."),
    "iban": env.str("SELLER_IBAN", default="ES91 2100 0418 4502 0005 1332"),
    "bic": env.str("SELLER_BIC", default="CAIXESBBXXX"),
}
# Where the seller is established (ISO 3166 code): decides the fiscal position of each
# order and the VAT rates of a domestic supply (core.fiscal). The VAT number, with its
# country prefix, is printed on invoices beside the customer's.
SELLER_COUNTRY = env.str("SELLER_COUNTRY", default="ES").upper()
SELLER_VAT_NUMBER = env.str("SELLER_VAT_NUMBER", default="ESB12345674").upper()
# Spanish invoicing compliance (documents.verifactu, README "VeriFactu and KSeF"). A
# company that reports through the SII (Suministro Inmediato de Información) is outside
# VeriFactu: no records and no QR code then. VERIFACTU_MODE (test or production) picks
# the AEAT host of the QR's verification URL.
SII_REPORTING = env.bool("SII_REPORTING", default=False)
VERIFACTU_MODE = env.str("VERIFACTU_MODE", default="test").lower()
if VERIFACTU_MODE not in ("test", "production"):
    raise ImproperlyConfigured("VERIFACTU_MODE must be 'test' or 'production'.")
# The billing software named in every record (SistemaInformatico).
VERIFACTU_SOFTWARE_NAME = env.str("VERIFACTU_SOFTWARE_NAME", default="Mayorista")
VERIFACTU_SOFTWARE_ID = env.str("VERIFACTU_SOFTWARE_ID", default="MY")
VERIFACTU_SOFTWARE_VERSION = env.str("VERIFACTU_SOFTWARE_VERSION", default="0.1.0")
VERIFACTU_INSTALLATION_NUMBER = env.str("VERIFACTU_INSTALLATION_NUMBER", default="1")
# KSeF FA(3) XML only for a seller with a fixed establishment in Poland and its Polish
# NIP (10 digits, with or without the PL prefix); otherwise the export is off.
KSEF_POLISH_ESTABLISHMENT = env.bool("KSEF_POLISH_ESTABLISHMENT", default=False)
KSEF_SELLER_NIP = env.str("KSEF_SELLER_NIP", default="")
KSEF_SELLER_ADDRESS = env.str("KSEF_SELLER_ADDRESS", default="")

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind our reverse proxy (deploy/nginx.conf.template), which sets X-Forwarded-Proto and
# X-Forwarded-For itself: only then are they believed (the scheme, and the client address
# the sign-in limits count). Without a proxy any client could claim HTTPS.
TRUST_PROXY_HEADERS = env.bool("TRUST_PROXY_HEADERS", default=False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Cookies only over https; SECURE_COOKIES=0 for a local plain-http trial of the stack.
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # 4xx answers as one warning line, without the traceback Django attaches to
    # PermissionDenied & co.; 5xx keep theirs. On the handler for every logger, and on
    # django.request itself so that its other handlers (and tests' caplog) see the same.
    "filters": {"client_errors": {"()": "core.logging.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"filters": ["client_errors"]},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        # While WeasyPrint subsets a font with fontTools (no libharfbuzz-subset), it
        # turns fontTools' logger to DEBUG: a few hundred lines per PDF reached the root
        # handler. Not propagated; fontTools' own warnings still print.
        "fontTools": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}
