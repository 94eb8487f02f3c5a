"""Settings for every environment, read from the environment (12-factor).

With nothing set, the project runs on a laptop: SQLite under ``var/``, Celery on kombu's
filesystem broker, DEBUG on. Production sets ``DJANGO_DEBUG=false`` plus the values listed in
``.env.example``; it then refuses to start without ``DJANGO_SECRET_KEY`` and passes
``manage.py check --deploy``. There is one settings module: every difference between laptop
and production is an environment value, not a separate code path.
"""

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_celery_beat",
    # Our apps, in dependency order: a lower app never imports a higher one.
    "grid",
    "notifications",
    "reports",
    "dispatch",
    "duty",
    "directives",
    "scorecards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Writes the reads each request recorded, once its answer is ready (grid.audit).
    "grid.audit.AccessLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Our 404 page for our views' 404s, also with DEBUG on (not Django's technical page).
    "config.middleware.ProductNotFoundMiddleware",
    # Last, as django-axes requires.
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)
    # IMMEDIATE transactions + WAL let web, worker and beat share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # Short OLTP queries: JIT compilation costs more than it saves (it fired on the
        # county queue's count with 5 million reports). DATABASE_OPTIONS may override.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "options", env.str("DATABASE_OPTIONS", default="-c jit=off")
        )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Lists are read whole (they are paginated): a server-side cursor only adds round trips
    # (DECLARE … WITH HOLD, FETCH, CLOSE) and does not survive a transaction pooler.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, Redis -----------------------------------------------------------------
# Redis is a cache and a broker, never a store: while it is down or frozen every request still
# works and nothing is lost (docs/deployment.md, "When Redis is down"). A cache call gives up
# after REDIS_CACHE_TIMEOUT_SECONDS and is never retried; after a failure each process works
# without Redis for REDIS_PAUSE_SECONDS before trying it again.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_CACHE_TIMEOUT_SECONDS = env.float("REDIS_CACHE_TIMEOUT_SECONDS", default=0.25)
REDIS_PAUSE_SECONDS = env.float("REDIS_PAUSE_SECONDS", default=5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a miss (and a write that does nothing) when Redis cannot
            # be reached, instead of a 500 or a hang.
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "wq",
            "OPTIONS": {
                "socket_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
                "socket_connect_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
                "pause_seconds": REDIS_PAUSE_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database only, with or without Redis: any web node serves any request,
# and a log-out is final. They are not cached in Redis (cached_db): a cache that fails open
# loses deletes while Redis is away, so a session signed out then would sign its cookie in
# again once Redis is back, for up to the session's age. Reading the session costs one primary
# key query per signed-in request (docs/deployment.md has the figures).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "grid.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading a signed-in person's home node with them.
    "grid.auth.GridModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Brute-force protection. Lock out a username from one address: offices share a NAT address,
# so locking by address alone would lock out a whole township office.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The client's address, for lockouts and the sign-in throttle alike (grid.client_address):
# X-Forwarded-For is believed only from these reverse proxies (addresses or networks, comma-
# separated); empty, the connection's own address is the client's.
AXES_CLIENT_IP_CALLABLE = "grid.client_address.client_address"
GRID_TRUSTED_PROXIES = env.list("GRID_TRUSTED_PROXIES", default=[])
try:
    [ipaddress.ip_network(_proxy, strict=False) for _proxy in GRID_TRUSTED_PROXIES]
except ValueError as _exc:
    raise ImproperlyConfigured(f"GRID_TRUSTED_PROXIES: {_exc}") from None
# Sign-in attempts (API token and log-in page) per client address: "<n>/<s|min|h|d>", or empty
# for no limit. Counted in the default cache, which only Redis shares between processes.
GRID_SIGNIN_RATE = env.str("GRID_SIGNIN_RATE", default="10/min")
if GRID_SIGNIN_RATE and not re.fullmatch(
    r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", GRID_SIGNIN_RATE
):
    raise ImproperlyConfigured("GRID_SIGNIN_RATE must look like 10/min (or be empty).")
# An API token works this many days after sign-in (then the program signs in again).
GRID_TOKEN_DAYS = env.int("GRID_TOKEN_DAYS", default=30)

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "config.finders.NodeModulesFinder",
]
# Serve static files from the finders too, so gunicorn works before collectstatic.
WHITENOISE_USE_FINDERS = True
# Before the first collectstatic STATIC_ROOT does not exist and WhiteNoise warns on every
# start-up; an empty directory is the honest state ("nothing collected yet").
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-public/"  # attachments are served only through scoped views
STORAGES = {
    "default": {
        "BACKEND": env.str("DEFAULT_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
# A request hands tasks to the broker after its transaction commits (notifications.outbox),
# never failing for it: a broker down or frozen costs a publish one timeout, never kombu's
# retry loop (by default about 2 s against a refused connection, without end against a frozen
# one). The worker reconnects on its own (broker_connection_retry stays on).
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=0.5)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "max_retries": 0,  # connecting to publish: one attempt
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery-broker"
    for _sub in ("out", "processed", "control"):
        (_queue / _sub).mkdir(parents=True, exist_ok=True)  # kombu does not create them
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "grid.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Form fields that are not UTF-8 are refused (400), not mended into "�" (grid.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "grid.api.parsers.FormParser",
        "grid.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "grid.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "grid.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "网情网格 Grid API",
    "DESCRIPTION": "City online-sentiment grid: regions, grid points, units, people and cases. "
    "Every list is scoped to the caller's jurisdiction.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set, whichever serializer uses it.
    "ENUM_NAME_OVERRIDES": {
        "ForwardPlatformEnum": "directives.models.ForwardPlatform",
        "ReportStatusEnum": "reports.models.Status",
        "GradeEnum": "reports.models.Grade",
        "RejectKindEnum": "reports.models.RejectKind",
        "CategoryEnum": "reports.models.Category",
        "SourcePlatformEnum": "reports.models.SourcePlatform",
        "UnitKindEnum": "grid.models.UnitKind",
        "RegionKindEnum": "grid.models.RegionKind",
        "LevelEnum": "grid.models.Level",
        "RoleEnum": "grid.models.Role",
        "AnswerChannelEnum": "reports.models.AnswerChannel",
        "SatisfactionEnum": "reports.models.Satisfaction",
        "ClockEnum": "reports.api.serializers.CLOCK_STATES",
        "NoticeKindEnum": "directives.models.NoticeKind",
        "AssignmentStateEnum": "dispatch.models.AssignmentState",
        "HandlerRoleEnum": "dispatch.models.HandlerRole",
        "ReplyStateEnum": "dispatch.models.ReplyState",
        "ReviewDecisionEnum": "dispatch.models.ReviewDecision",
        "ExtensionStateEnum": "dispatch.models.ExtensionState",
        "ExtensionDecisionEnum": "dispatch.models.ExtensionDecision",
        "ClockKindEnum": "dispatch.models.ClockKind",
        "ClockStepKindEnum": "dispatch.models.ClockStepKind",
        "ClockOutcomeEnum": "dispatch.models.ClockOutcome",
        "SubmissionStatusEnum": "duty.models.SubmissionStatus",
        "RiskLevelEnum": "duty.models.RiskLevel",
        "DeductionKindEnum": "duty.models.DeductionKind",
        "DeductionStatusEnum": "duty.models.DeductionStatus",
        "DeductionActionEnum": "duty.models.DeductionAction",
        "ResponsibilityEnum": "duty.models.Responsibility",
        "DeductionTargetTypeEnum": "duty.models.TargetType",
        "LogKindEnum": "duty.models.LogKind",
        "SwapStateEnum": "duty.models.SwapState",
        "ExportPeriodKindEnum": "scorecards.exports.models.PeriodKind",
    },
}

# --- Security (production values follow DJANGO_DEBUG=false) ---------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (config.csp): only our own files run. Downloads of
# attachments send their own, stricter one; Swagger UI allows its inline style.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
# Report violations in the browser's console without blocking (to try a changed policy).
CONTENT_SECURITY_POLICY_REPORT_ONLY = env.bool("DJANGO_CSP_REPORT_ONLY", default=False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Product settings -----------------------------------------------------------------------
GRID_CASE_PREFIX = env.str("GRID_CASE_PREFIX", default="YZ")
GRID_IMPORT_MAX_BYTES = env.int("GRID_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
REPORT_ATTACHMENT_MAX_BYTES = env.int("REPORT_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
REPORT_ATTACHMENTS_MAX_TOTAL_BYTES = env.int(
    "REPORT_ATTACHMENTS_MAX_TOTAL_BYTES", default=50 * 1024 * 1024
)
# An image attachment is decoded in full before it is stored; more pixels than this are
# refused (a decompression bomb: a tiny PNG claiming 20,000 × 20,000 pixels).
REPORT_IMAGE_MAX_PIXELS = env.int("REPORT_IMAGE_MAX_PIXELS", default=40_000_000)
# A retried POST with identical content within this window returns the first report.
REPORT_RETRY_WINDOW_SECONDS = env.int("REPORT_RETRY_WINDOW_SECONDS", default=60)
# A source URL reported again within this many days flags a likely duplicate.
REPORT_DUPLICATE_WINDOW_DAYS = env.int("REPORT_DUPLICATE_WINDOW_DAYS", default=30)
# Access records (grid.audit) older than this many days are deleted by a daily task.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)
# A discovery time further back than this is refused (it would set a deadline long past).
REPORT_DISCOVERED_MAX_AGE_DAYS = env.int("REPORT_DISCOVERED_MAX_AGE_DAYS", default=365)
# The longest text a report may have (the page, the API and the intake service refuse more).
REPORT_BODY_MAX_CHARS = env.int("REPORT_BODY_MAX_CHARS", default=20_000)
# How many overdue disposal clocks one run of the disposal sweep marks per transaction.
REPORT_DISPOSAL_SWEEP_BATCH = env.int("REPORT_DISPOSAL_SWEEP_BATCH", default=1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Notifications (notifications.delivery) -------------------------------------------------
# Mail: a URL (django-environ), e.g. smtp+tls://user:password@smtp.example.gov.cn:587;
# the console backend by default (mails are printed by the worker).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="网情网格 <noreply@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Links in e-mails and robot messages lead here.
NOTIFICATIONS_SITE_URL = env.str("NOTIFICATIONS_SITE_URL", default="http://127.0.0.1:8000")
# The only hosts a robot webhook may point at (server-side request forgery): the vendors'.
NOTIFICATIONS_WEBHOOK_HOSTS = env.list(
    "NOTIFICATIONS_WEBHOOK_HOSTS",
    default=["qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn"],
)
NOTIFICATIONS_WEBHOOK_TIMEOUT = env.float("NOTIFICATIONS_WEBHOOK_TIMEOUT", default=5.0)
# A failed delivery is tried again after 1, 2, 4 … minutes (at most 6 hours between tries),
# and given up (shown as failed in the admin) after this many tries.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_SECONDS = env.int("NOTIFICATIONS_RETRY_SECONDS", default=60)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.int("NOTIFICATIONS_RETRY_MAX_SECONDS", default=6 * 3600)
# A drain works in batches of this many rows, at most this many batches a run (the periodic
# drain goes on from there), sending on this many threads at once. A worker's claim on a
# batch lasts this long: one that dies mid-batch leaves it to be tried again after it.
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=200)
NOTIFICATIONS_MAX_BATCHES = env.int("NOTIFICATIONS_MAX_BATCHES", default=100)
NOTIFICATIONS_SEND_THREADS = env.int("NOTIFICATIONS_SEND_THREADS", default=8)
NOTIFICATIONS_CLAIM_SECONDS = env.int("NOTIFICATIONS_CLAIM_SECONDS", default=600)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Dispatch -------------------------------------------------------------------------------
# A unit sent a supervision notice (督办函) records its written explanation within this many
# working days. Every other deadline of a routing is a rule (grid.ClockRule, in the admin).
DISPATCH_EXPLANATION_WORKING_DAYS = env.int("DISPATCH_EXPLANATION_WORKING_DAYS", default=2)
# How many clocks one run of the reminder sweep handles per batch (each in its own transaction).
DISPATCH_SWEEP_BATCH = env.int("DISPATCH_SWEEP_BATCH", default=1000)

# --- Duty: expected submissions (duty.kinds, duty.services.expected) -------------------------
# The sweep creates the rows of the periods it finds missing this many days back (beat down
# for a while), and marks what is due missed in batches of this many rows.
DUTY_CATCHUP_DAYS = env.int("DUTY_CATCHUP_DAYS", default=7)
DUTY_SWEEP_BATCH = env.int("DUTY_SWEEP_BATCH", default=5000)
# The daily report (网情日报) is due at this local time every day; grid points that have not
# filed are reminded at the reminder time.
DUTY_DAILY_REPORT_DUE = env.str("DUTY_DAILY_REPORT_DUE", default="15:00")
DUTY_DAILY_REPORT_REMINDER = env.str("DUTY_DAILY_REPORT_REMINDER", default="14:00")
# The monthly risk-point list (风险点排查) is due at this local time of the month's last day
# ("24:00": the end of that day).
DUTY_RISK_POINTS_DUE = env.str("DUTY_RISK_POINTS_DUE", default="24:00")

# --- Duty: rosters, clock-in, the 09:00 handover (duty.times, duty.handover_kind) ----------
# A duty day starts at this local time (Asia/Shanghai) on its date and ends at the next day's
# start; the on-duty person clocks in by then (to the second: later is late).
DUTY_START_TIME = env.str("DUTY_START_TIME", default="09:00")
# Clock-in opens this many minutes before the duty starts.
DUTY_CLOCK_IN_OPENS_MINUTES = env.int("DUTY_CLOCK_IN_OPENS_MINUTES", default=60)
# The handover (交接班) is submitted and acknowledged by this local time on the incoming day.
DUTY_HANDOVER_TIME = env.str("DUTY_HANDOVER_TIME", default="09:00")
# The outgoing person may submit the handover from this many hours before it is due.
DUTY_HANDOVER_OPENS_HOURS = env.int("DUTY_HANDOVER_OPENS_HOURS", default=6)

# --- Scorecards -----------------------------------------------------------------------------
# PostgreSQL's work_mem for the month close's transaction only (it sorts a month's cases).
SCORECARDS_WORK_MEM = env.str("SCORECARDS_WORK_MEM", default="256MB")
# How often the big screen (可视化大屏) fetches its figures again, in seconds.
SCORECARDS_SCREEN_REFRESH = env.int("SCORECARDS_SCREEN_REFRESH", default=60)
# Case exports (scorecards.tasks.sweep_exports, every 10 minutes): one still queued after
# REQUEUE minutes is handed to a worker again (its broker was down); one queued or being written
# after STALLED minutes is marked failed (its worker died), so its person may ask again; a
# ready file is deleted after KEEP_DAYS (its log row stays, marked expired).
SCORECARDS_EXPORT_REQUEUE_MINUTES = env.int("SCORECARDS_EXPORT_REQUEUE_MINUTES", default=10)
SCORECARDS_EXPORT_STALLED_MINUTES = env.int("SCORECARDS_EXPORT_STALLED_MINUTES", default=60)
SCORECARDS_EXPORT_KEEP_DAYS = env.int("SCORECARDS_EXPORT_KEEP_DAYS", default=7)
