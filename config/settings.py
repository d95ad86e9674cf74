"""All settings come from the environment; see README.md for the variables.

Defaults give a local development setup (SQLite, a filesystem Celery broker) that needs
no server. Production sets DJANGO_SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL and
DJANGO_ALLOWED_HOSTS; `manage.py check --deploy` then passes.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INCIDENTS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required unless DJANGO_DEBUG=1.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "incidents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "incidents.middleware.HtmxLoginRedirectMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # last: turns a lockout flagged during authentication into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "incidents.context_processors.desk",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL I understand: {exc}") from None
_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so a worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def _pool_options() -> dict[str, int] | None:
    """psycopg_pool.ConnectionPool sizes from DB_POOL_MIN/MAX/TIMEOUT; None when DB_POOL_MAX is 0.

    Off by default: our processes (gunicorn's sync workers, Celery's prefork children) run one
    request or task at a time, so a pool per process holds the one connection a persistent one
    would; what it adds is a checked connection kept across Celery tasks (config.celery_fixup) and
    room for threaded servers. Fewer connections across many machines is PgBouncer's job (README).
    While the database is away, a query waits DB_POOL_TIMEOUT seconds for the pool to reconnect
    before it fails (a worker then retries the parse with backoff).
    """
    pool_max, pool_min = env_int("DB_POOL_MAX", 0), env_int("DB_POOL_MIN", 1)
    timeout = env_int("DB_POOL_TIMEOUT", 5)
    if pool_max < 0 or pool_min < 0 or timeout < 1:
        raise ImproperlyConfigured(
            f"DB_POOL_MAX={pool_max} and DB_POOL_MIN={pool_min} must not be negative, "
            f"DB_POOL_TIMEOUT={timeout} must be at least 1 (seconds)."
        )
    if not pool_max:
        if os.environ.get("DB_POOL_MIN", "").strip():
            raise ImproperlyConfigured("DB_POOL_MIN is set but DB_POOL_MAX is not: set both to pool.")
        return None
    if not _POSTGRES:
        raise ImproperlyConfigured(f"DB_POOL_MAX={pool_max}: connection pooling needs PostgreSQL.")
    if pool_min > pool_max:
        raise ImproperlyConfigured(f"DB_POOL_MIN={pool_min} must not exceed DB_POOL_MAX={pool_max}.")
    if env_int("DB_CONN_MAX_AGE", 0) != 0:
        raise ImproperlyConfigured(
            "DB_CONN_MAX_AGE must be 0 (or unset) with DB_POOL_MAX: the pool keeps them."
        )
    if importlib.util.find_spec("psycopg_pool") is None:
        raise ImproperlyConfigured("DB_POOL_MAX needs the psycopg_pool package: pip install 'psycopg[pool]'.")
    return {"min_size": pool_min, "max_size": pool_max, "timeout": timeout}


DB_POOL = _pool_options()
if DB_POOL:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "pool": DB_POOL}
    # a pooled connection is checked when handed out: one idle across a database restart is replaced
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction pooling mode (docker-compose.yml's workers), each transaction may
# run on another server connection: a cursor held across transactions (`.iterator()` outside one)
# would be lost, so QuerySet.iterator() fetches client-side instead.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
if DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] and not _POSTGRES:
    raise ImproperlyConfigured("DB_DISABLE_SERVER_SIDE_CURSORS applies to PostgreSQL only.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "incidents:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["config.formats"]  # ISO dates wherever no format is given (config/formats/en)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Front-end libraries come pinned from npm (package.json; `make install` runs `npm ci`) and are
# served from node_modules under static/vendor/: nothing is pasted into the repo.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/topojson", NODE_MODULES / "topojson-client" / "dist"),
    ("vendor/world-atlas", NODE_MODULES / "world-atlas"),
    # the accessibility checker the browser tests inject into every page (no page loads it itself)
    ("vendor/axe-core", NODE_MODULES / "axe-core"),
]

# --- The map. Tiles come from MAP_TILE_URL (a Leaflet URL template); empty means no tiles, and
# the map draws markers over the country outlines shipped with the app.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

# --- Uploads. An article's text is at most ARTICLE_MAX_BYTES; the request bodies around
# it may be a little larger (multipart framing, JSON escaping), and no more.
ARTICLE_MAX_BYTES = env_int("ARTICLE_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_BYTES + 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# --- Security; the production values are the defaults when DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Login throttling (django-axes, incidents.security): AXES_FAILURE_LIMIT wrong passwords for
# one username from one address lock that pair, AXES_IP_FAILURE_LIMIT over all usernames lock the
# address, for AXES_COOLOFF_MINUTES (counted again from each refused try). A success resets the pair.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
for _name in ("AXES_FAILURE_LIMIT", "AXES_IP_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must be at least 1.")
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are still logged; not every attempt and start-up banner
AXES_HANDLER = "incidents.security.DeskAxesHandler"
AXES_LOCKOUT_CALLABLE = "incidents.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "incidents.security.client_ip"
# Behind N reverse proxies that each append to X-Forwarded-For, set DJANGO_PROXY_COUNT=N so the
# client's address is read from that header; 0 (the default) trusts only the socket's address.
DJANGO_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
if DJANGO_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"DJANGO_PROXY_COUNT={DJANGO_PROXY_COUNT} must be 0 or more.")


def _tile_origin(url: str) -> str:
    """The origin MAP_TILE_URL loads from, for img-src; a {s} subdomain becomes a wildcard."""
    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"MAP_TILE_URL={url!r} is not an http(s) URL template.")
    return f"{parts.scheme}://{parts.netloc}"


# --- Content-Security-Policy (django-csp): scripts and styles only from our own static files
# (no inline code); the map's tiles from MAP_TILE_URL's host. The API docs relax styles only
# (incidents.api.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_tile_origin(MAP_TILE_URL)] if MAP_TILE_URL else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- REST framework.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "incidents.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["incidents.api.permissions.ReadOrAnalystWrite"],
    "DEFAULT_THROTTLE_CLASSES": ["incidents.api.throttles.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_THROTTLE_RATE", "1200/min")},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50),
    "EXCEPTION_HANDLER": "incidents.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "incidents.api.schema.ApiAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Incident desk API",
    "DESCRIPTION": (
        "Security incidents coded from the news, ACLED-style. Authenticate with `Authorization: Bearer "
        "<token>` (`manage.py create_api_token`). Lists use keyset pages: follow `next`. "
        "`?format=csv` (ACLED columns) and `?format=geojson` stream the whole filtered list."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, works offline
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # no deep links: Swagger UI draws each one as a link inside the operation's button, which
    # screen readers and keyboards cannot tell apart (axe-core: nested-interactive)
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "incidents.api.schema.plain_enum_descriptions",  # no raw backticks in Swagger UI
    ],
    "ENUM_NAME_OVERRIDES": {
        "IncidentStatusEnum": "incidents.models.Incident.Status",
        "ArticleStatusEnum": "incidents.models.Article.Status",
    },
}

# --- Cache (API throttling counts): shared through Redis when CACHE_URL names one.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: only redis:// caches are supported.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery. The default broker is kombu's filesystem transport: a real, separate worker
# process with no server to run. CELERY_BROKER_URL selects Redis or RabbitMQ.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # a busy worker (prefetch 1) takes its next message at the next poll: 1 s (kombu's default)
        # would cap it at about one article a second and leave beat's messages to expire behind a
        # re-extraction; a poll lists one small folder
        "polling_interval": 0.1,
    }
# A send to a broker that is down fails at once (one quick retry) rather than after kombu's default
# of several seconds of retries: the web request that queued an upload answers at once, and the
# outbox sends the article when the broker is back. Workers reconnect by their own, patient policy.
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Bulk re-extraction (`manage.py reextract`, incidents.services.reextract) has a queue of its own, so
# that a million of its messages never stand in front of today's uploads: the dispatcher keeps at
# most REEXTRACT_WINDOW of them sent and not yet parsed, and each parse sends the next. A worker
# consumes both queues, the default one first (`-Q celery,bulk`); `-Q bulk` makes a worker for
# re-extraction only. With Redis, "priority" makes a worker's BRPOP always try the queues in that
# order (kombu's default, round robin, would take one bulk message after each upload).
REEXTRACT_QUEUE = env_str("REEXTRACT_QUEUE", "bulk")
REEXTRACT_WINDOW = env_int("REEXTRACT_WINDOW", 200)
if REEXTRACT_WINDOW < 1:
    raise ImproperlyConfigured(f"REEXTRACT_WINDOW={REEXTRACT_WINDOW} must be at least 1.")
if REEXTRACT_QUEUE == CELERY_TASK_DEFAULT_QUEUE:
    raise ImproperlyConfigured("REEXTRACT_QUEUE must differ from CELERY_TASK_DEFAULT_QUEUE.")
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name) for name in (CELERY_TASK_DEFAULT_QUEUE, REEXTRACT_QUEUE)
]
if urlsplit(CELERY_BROKER_URL).scheme in ("redis", "rediss", "sentinel"):
    CELERY_BROKER_TRANSPORT_OPTIONS["queue_order_strategy"] = "priority"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Messages a pool process holds beyond the one it runs: with acks_late, a message is taken from the
# broker only once the last one is acknowledged, so 1 leaves each process idle for a broker round
# trip between parses; a few more keep it busy (a dead worker's messages come back: acks_late).
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 1)
# Each worker machine runs one `celery worker` with CELERY_WORKER_CONCURRENCY pool processes (0,
# the default, is one per CPU: parsing is CPU-bound). The GeoNames gazetteer is loaded once in the
# worker's main process and shared by its pool processes (incidents.tasks). A pool process is
# replaced after CELERY_WORKER_MAX_TASKS_PER_CHILD tasks, or after a task that leaves its resident
# memory above CELERY_WORKER_MAX_MEMORY_PER_CHILD KiB (0: never, the default for both); its
# replacement starts again from the main process's pages. Resident memory counts the shared
# gazetteer pages a process reads (about 250 MB in all after some parses), so a memory limit
# must be well above that (README "More workers").
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 0) or None
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 0) or None
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 0) or None
for _name in (
    "CELERY_WORKER_PREFETCH_MULTIPLIER",
    "CELERY_WORKER_CONCURRENCY",
    "CELERY_WORKER_MAX_TASKS_PER_CHILD",
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD",
):
    if (globals()[_name] or 0) < 0:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must not be negative (0: the default).")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The outbox (incidents.services.outbox): queued articles are sent to the broker after the upload
# commits and again by a dispatcher that Celery beat runs every OUTBOX_INTERVAL seconds, each time
# OUTBOX_RESEND_AFTER seconds later than the last (doubling, at most OUTBOX_RESEND_MAX), until a
# worker claims them. A claim older than the hard time limit plus OUTBOX_CLAIM_MARGIN is a dead
# worker's and is taken back.
OUTBOX_INTERVAL = env_int("OUTBOX_INTERVAL", 10)
OUTBOX_RESEND_AFTER = env_int("OUTBOX_RESEND_AFTER", 60)
OUTBOX_RESEND_MAX = env_int("OUTBOX_RESEND_MAX", 3600)
OUTBOX_CLAIM_MARGIN = env_int("OUTBOX_CLAIM_MARGIN", 10)
for _name in ("OUTBOX_INTERVAL", "OUTBOX_RESEND_AFTER", "OUTBOX_RESEND_MAX"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must be at least 1 (seconds).")
if OUTBOX_CLAIM_MARGIN < 0:
    raise ImproperlyConfigured(f"OUTBOX_CLAIM_MARGIN={OUTBOX_CLAIM_MARGIN} must not be negative.")
CELERY_BEAT_SCHEDULE = {
    "dispatch-outbox": {
        "task": "incidents.tasks.dispatch_outbox",
        "schedule": float(OUTBOX_INTERVAL),
        # a run that waited out a broker outage is stale: the next one is already on its way
        "options": {"expires": float(OUTBOX_INTERVAL)},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", str(VAR_DIR / "celerybeat-schedule"))
# One article may take at most this many seconds to parse: then it is marked failed ("took longer
# than N s") and the worker moves on (incidents.tasks, incidents.services.articles).
PARSE_TIME_LIMIT = env_int("PARSE_TIME_LIMIT", 60)
if PARSE_TIME_LIMIT < 1:
    raise ImproperlyConfigured(f"PARSE_TIME_LIMIT={PARSE_TIME_LIMIT} must be at least 1 (seconds).")

# --- PDF and Word uploads are read by the worker, in a child process, within these budgets
# (incidents.services.documents, incidents.docread); a file over one fails its article with the reason.
DOCUMENT_MAX_EXPANDED_BYTES = env_int("DOCUMENT_MAX_EXPANDED_BYTES", 50 * 1024 * 1024)  # a .docx, inflated
DOCUMENT_MAX_XML_BYTES = env_int("DOCUMENT_MAX_XML_BYTES", 20 * 1024 * 1024)  # one XML part of a .docx
DOCUMENT_MAX_ZIP_MEMBERS = env_int("DOCUMENT_MAX_ZIP_MEMBERS", 1000)
DOCUMENT_MAX_PDF_PAGES = env_int("DOCUMENT_MAX_PDF_PAGES", 500)
DOCUMENT_MAX_PDF_CONTENT_BYTES = env_int("DOCUMENT_MAX_PDF_CONTENT_BYTES", 8 * 1024 * 1024)
DOCUMENT_MEMORY_LIMIT = env_int("DOCUMENT_MEMORY_LIMIT", 512 * 1024 * 1024)  # the reading process
# Below PARSE_TIME_LIMIT, so that a slow file fails with its own reason and the parse has time left.
DOCUMENT_TIME_LIMIT = env_int("DOCUMENT_TIME_LIMIT", max(1, min(20, PARSE_TIME_LIMIT // 2)))
for _name in (
    "DOCUMENT_MAX_EXPANDED_BYTES",
    "DOCUMENT_MAX_XML_BYTES",
    "DOCUMENT_MAX_ZIP_MEMBERS",
    "DOCUMENT_MAX_PDF_PAGES",
    "DOCUMENT_MAX_PDF_CONTENT_BYTES",
    "DOCUMENT_TIME_LIMIT",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must be at least 1.")
if DOCUMENT_TIME_LIMIT > PARSE_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"DOCUMENT_TIME_LIMIT={DOCUMENT_TIME_LIMIT} must not exceed PARSE_TIME_LIMIT={PARSE_TIME_LIMIT}."
    )
if DOCUMENT_MEMORY_LIMIT < 128 * 1024 * 1024:
    raise ImproperlyConfigured(f"DOCUMENT_MEMORY_LIMIT={DOCUMENT_MEMORY_LIMIT} must be at least 128 MB.")

# --- Fetching from the web: articles imported by URL and feeds (incidents.fetching,
# incidents.services.fetching, incidents.services.feeds). Private, loopback, link-local and
# multicast addresses are refused (after DNS and after every redirect) unless their host name or
# address is listed in FETCH_ALLOWED_HOSTS (comma-separated, any port): for tests and internal sites.
FETCH_ALLOWED_HOSTS = [h.lower() for h in env_list("FETCH_ALLOWED_HOSTS", [])]
FETCH_USER_AGENT = env_str(
    "FETCH_USER_AGENT", "IncidentDesk/1.0 (news monitoring for incident coding; honours robots.txt)"
)
FETCH_RESPECT_ROBOTS = env_bool("FETCH_RESPECT_ROBOTS", True)
# seconds for a whole fetch, redirects included; below the parse's limit, which it is part of
FETCH_TIMEOUT = env_int("FETCH_TIMEOUT", max(1, min(20, PARSE_TIME_LIMIT // 2)))
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 5)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 5 * 1024 * 1024)  # a page or feed, after decompression
# A page that could not be fetched for a passing reason (timeout, 5xx) is tried again this many
# times, FETCH_RETRY_AFTER seconds later, doubling; then its article fails with the reason.
FETCH_RETRIES = env_int("FETCH_RETRIES", 3)
FETCH_RETRY_AFTER = env_int("FETCH_RETRY_AFTER", 60)
# Celery beat looks for feeds due every FEEDS_INTERVAL seconds; a failing feed waits its interval
# doubled per failure (at most FEEDS_BACKOFF_MAX seconds) and is turned off after FEEDS_MAX_FAILURES.
FEEDS_INTERVAL = env_int("FEEDS_INTERVAL", 30)
FEEDS_BACKOFF_MAX = env_int("FEEDS_BACKOFF_MAX", 24 * 3600)
FEEDS_MAX_FAILURES = env_int("FEEDS_MAX_FAILURES", 6)
FEEDS_MAX_NEW_ITEMS = env_int("FEEDS_MAX_NEW_ITEMS", 200)  # new articles one poll may make
for _name in (
    "FETCH_TIMEOUT",
    "FETCH_MAX_BYTES",
    "FETCH_RETRY_AFTER",
    "FEEDS_INTERVAL",
    "FEEDS_BACKOFF_MAX",
    "FEEDS_MAX_FAILURES",
    "FEEDS_MAX_NEW_ITEMS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must be at least 1.")
for _name in ("FETCH_MAX_REDIRECTS", "FETCH_RETRIES"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name}={globals()[_name]} must not be negative.")
if FETCH_TIMEOUT > PARSE_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"FETCH_TIMEOUT={FETCH_TIMEOUT} must not exceed PARSE_TIME_LIMIT={PARSE_TIME_LIMIT} "
        "(a page is fetched within its article's parse)."
    )
CELERY_BEAT_SCHEDULE["dispatch-feeds"] = {
    "task": "incidents.tasks.dispatch_feeds",
    "schedule": float(FEEDS_INTERVAL),
    "options": {"expires": float(FEEDS_INTERVAL)},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # request lines logged by the dev server carry the query string: ACLED's `key=` is redacted
    "filters": {"redact_secrets": {"()": "config.log_redaction.RedactSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["redact_secrets"]},
        # one line per request fetched (pages, feeds, robots.txt) is noise in the worker's log
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
