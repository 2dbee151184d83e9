"""Settings for the IOP app, read from the environment.

Two modes: the embedded default (SQLite, filesystem broker, files for mail and
SMS; nothing else to run) and production (``IOP_DEPLOYMENT=production``:
PostgreSQL, Redis, HTTPS-only, staff two-factor). Every variable is listed in
the README's configuration table.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("IOP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEPLOYMENT = env.str("IOP_DEPLOYMENT", default="development")
PRODUCTION = DEPLOYMENT == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="development-only-key-never-used-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "auditlog",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "phonenumber_field",
    "iop",
    "groups",
    "clinicians",
    "families",
]

MIDDLEWARE = [
    "iop.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "iop.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "families.middleware.FamilyLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "iop.middleware.EndedAccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "iop.middleware.AuditContextMiddleware",
    "iop.middleware.StaffTwoFactorMiddleware",
    "iop.middleware.RoleSessionAgeMiddleware",
    "iop.middleware.SignedInPagesNotStoredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iop.urls"
WSGI_APPLICATION = "iop.wsgi.application"

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
                "django.template.context_processors.i18n",
                "iop.context_processors.clinic",
                "clinicians.context_processors.safety_alerts",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat write the same file: WAL and immediate transactions
    # turn lock contention into short waits instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file (not :memory:) so a real worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, and psycopg prepares a query once a connection
    # has run it five times (every page runs the same visibility and section queries):
    # PostgreSQL then parses and plans it once per connection instead of on every
    # request. DB_PREPARED_STATEMENTS=false turns this off (behind a pooler in
    # transaction mode, for instance).
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    # No just-in-time compilation: every query here reads a few dozen rows, but one
    # whose row estimate is high (tonight's evenings with their per-evening counts) is
    # compiled on every run, some 60 ms to save a millisecond. Added to any options the
    # URL gives; DB_JIT_OFF=false behind a pooler that refuses startup options (then
    # ALTER DATABASE ... SET jit = off does the same).
    if env.bool("DB_JIT_OFF", default=True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = " ".join(part for part in (options.get("options", ""), "-c jit=off") if part)
    # No parallel workers for the same reason: starting them costs milliseconds, and a
    # query of one client's rows that the planner overestimated (which of the client's
    # evenings open for the reader) was given two, 0.3 ms of work became 8 ms.
    # DB_PARALLEL_OFF=false behind a pooler that refuses startup options.
    if env.bool("DB_PARALLEL_OFF", default=True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = " ".join(
            part for part in (options.get("options", ""), "-c max_parallel_workers_per_gather=0") if part
        )
# Keep connections between requests and tasks: opening one costs more than a
# whole reminder delivery (iop/celery.py closes them as Django does after a request).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "iop.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
# A reset asked for an unknown address sends nothing (accounts are opened by the program).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_ADAPTER = "iop.accounts.InviteOnlyAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
# Throttling is django-axes' job (per account and address, never a whole clinic's IP).
ACCOUNT_RATE_LIMITS = False
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# Reverse proxies in front of the app: the client's address is the one the last
# of them saw (X-Forwarded-For), for lockouts and the audit trail alike.
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if PRODUCTION else 0)
AXES_CLIENT_IP_CALLABLE = "iop.middleware.client_address"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "IOP"
# Staff must enrol TOTP before seeing clinical pages (quality.md: required in production).
IOP_REQUIRE_STAFF_MFA = env.bool("IOP_REQUIRE_STAFF_MFA", default=PRODUCTION)

# Idle time-out (45 CFR 170.315(d)(5)): a sliding session for everyone; staff
# sessions are shortened to 15 minutes by RoleSessionAgeMiddleware, and a family
# member's slides at most every five minutes (iop.middleware.SessionMiddleware).
SESSION_COOKIE_AGE = env.int("FAMILY_SESSION_SECONDS", default=60 * 60 * 12)
STAFF_SESSION_SECONDS = env.int("STAFF_SESSION_SECONDS", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# The clinic's own English display formats (24-hour times); Spanish keeps Django's.
FORMAT_MODULE_PATH = ["iop.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and private files --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Reports and exports live outside any web root and are served by an authorising view.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))

# --- Mail and SMS ---------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG.get("EMAIL_BACKEND") == "django.core.mail.backends.filebased.EmailBackend":
    # django-environ drops the leading "/" of filemail:///absolute/path; put it back.
    EMAIL_FILE_PATH = "/" + EMAIL_CONFIG["EMAIL_FILE_PATH"].lstrip("/") if EMAIL_CONFIG.get("EMAIL_FILE_PATH") else ""
    EMAIL_FILE_PATH = EMAIL_FILE_PATH or str(VAR_DIR / "mail")
# A provider's backend (e.g. one of django-anymail's) may be named directly.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="IOP <no-reply@demo.clinic>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="iop.sms.FileBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
SMS_FROM_NUMBER = env.str("SMS_FROM_NUMBER", default="")
# Seconds Twilio's API may take to answer (well under the delivery task's 60 s soft limit).
SMS_TIMEOUT_SECONDS = env.float("SMS_TIMEOUT_SECONDS", default=15.0)

# Reminder delivery (iop/delivery.py explains each number).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=60.0)
OUTBOX_SENDING_TIMEOUT_SECONDS = env.int("OUTBOX_SENDING_TIMEOUT_SECONDS", default=15 * 60)
# A safety alert whose worker died mid-send is sent again after this (more than the
# delivery task's 90 s hard limit; iop/delivery.py).
OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS = env.int("OUTBOX_URGENT_SENDING_TIMEOUT_SECONDS", default=3 * 60)
OUTBOX_SWEEP_GRACE_SECONDS = env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60)
# Where the app is reached from outside, for links in messages beat sends (no request to ask).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Progress reports (clinicians/reports.py explains each number).
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
REPORT_RETRY_BASE_SECONDS = env.float("REPORT_RETRY_BASE_SECONDS", default=30.0)
REPORT_RENDER_TIMEOUT_SECONDS = env.int("REPORT_RENDER_TIMEOUT_SECONDS", default=10 * 60)
REPORT_SWEEP_GRACE_SECONDS = env.int("REPORT_SWEEP_GRACE_SECONDS", default=60)
# HTML -> (PDF bytes, pages); tests point a worker at one that fails on purpose.
REPORT_RENDERER = env.str("REPORT_RENDERER", default="clinicians.report_content.pdf_from_html")

# --- Celery -----------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # A worker that holds all the tasks it may (its prefetch, below) looks
        # for more a polling interval later: 1 s by default (6 tasks/s). At
        # 10 ms an idle worker lists an empty folder 100 times a second for each queue, which
        # costs next to nothing; the prefetch keeps the next tasks in hand meanwhile.
        "polling_interval": 0.01,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
# One queue per deployment, so several instances (or test runs) can share a Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# Progress reports are rendered from a queue of their own, by a worker of their own
# (docker-compose.yml's "reports"): a safety alert's text must not wait behind two
# PDFs that may take up to three minutes each. A worker started without -Q takes
# both queues, so a deployment that runs only one worker still renders reports.
CELERY_REPORTS_QUEUE = env.str("CELERY_REPORTS_QUEUE", default=f"{CELERY_TASK_DEFAULT_QUEUE}.reports")
# Urgent messages (a safety alert's, a staff invitation) go through a queue of their
# own, which every worker that takes the default queue takes too (iop/celery.py),
# turn about with it: an alert sent while the afternoon's reminders wait (a few
# hundred at 14:00, each a call to the mail or text provider) is taken at the
# worker's next look at the broker, not after all of them. So do the minutely
# escalation check and outbox sweep (below).
CELERY_URGENT_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.urgent"
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in (CELERY_TASK_DEFAULT_QUEUE, CELERY_URGENT_QUEUE, CELERY_REPORTS_QUEUE)
]
CELERY_TASK_ROUTES = {"clinicians.tasks.render_report": {"queue": CELERY_REPORTS_QUEUE}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Message workers hold up to four tasks per process, so a process that finishes
# a reminder (a few ms) starts the next at once instead of waiting for the
# worker's next look at the broker (a polling interval on the filesystem
# broker): 2.9 times the deliveries a second there, a tenth more on Redis
# (bench/reminders.py). What a worker holds and has not finished goes back to
# the queue when it stops (on Redis also when it dies, after the visibility
# timeout; the filesystem broker has removed the file); either way a message's
# outbox row is what guarantees it is sent (delivery.sweep), and the per-minute
# beat tasks expire rather than run late. A worker that takes the reports queue
# holds one task per process (iop/celery.py).
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
# Celery's Django fix-up would close the database connection around every task;
# iop/celery.py closes only old or broken ones, as Django does after a request.
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")


def _every_minute(task, *args, **options):
    """A beat entry run each minute. A run not started within the minute is dropped
    (a copy held by a worker that died comes back on Redis an hour later): the next
    minute's run does its work, and a late heartbeat would hide a stopped beat."""
    return {"task": task, "schedule": 60.0, "args": args, "options": {"expires": 55, **options}}


# Daily reminders run at clinic-local times (crontab follows CELERY_TIMEZONE,
# which is TIME_ZONE), before quiet hours start and after they end. Each runs
# again a few times in the next minutes: beat moves on even when handing a run
# to the broker fails (a Redis restart at 14:00), and a run that failed partway
# is not retried otherwise. The outbox keys make the later runs send only what
# the first did not.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": _every_minute("iop.tasks.record_heartbeat", "beat"),
    # Through the reports queue, so it shows the report worker alive.
    "heartbeat-reports": _every_minute("iop.tasks.record_heartbeat", "reports", queue=CELERY_REPORTS_QUEUE),
    # Through the urgent queue, so neither waits behind a backlog of reminders: an
    # escalation's messages are urgent, and the sweep sends an alert whose enqueue failed.
    "escalate-safety-alerts": _every_minute("clinicians.tasks.escalate_safety_alerts", queue=CELERY_URGENT_QUEUE),
    "sweep-outbox": _every_minute("iop.tasks.sweep_outbox", queue=CELERY_URGENT_QUEUE),
    "sweep-reports": _every_minute("clinicians.tasks.sweep_reports"),
    "staff-morning-digest": {
        "task": "clinicians.tasks.send_morning_digests",
        "schedule": crontab(hour=8, minute="30,40,50"),
    },
    "group-tonight": {"task": "families.tasks.remind_group_tonight", "schedule": crontab(hour=14, minute="0,15,30,45")},
    "family-group-tomorrow": {
        "task": "families.tasks.remind_family_group_tomorrow",
        "schedule": crontab(hour=15, minute="0,15,30,45"),
    },
    "family-appointments-tomorrow": {
        "task": "families.tasks.remind_family_appointments_tomorrow",
        "schedule": crontab(hour=15, minute="0,15,30,45"),
    },
    "check-in-links": {
        "task": "clinicians.tasks.send_check_in_links",
        "schedule": crontab(hour=15, minute="30,40,50"),
    },
}
# With the broker down, saving an event must not wait long to learn it: the
# message is in the outbox and the sweep sends it once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# --- Forms and pages -------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Content-Security-Policy without inline scripts; htmx gets the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every render step at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Audit -----------------------------------------------------------------------
AUDITLOG_LOGENTRY_MODEL = "iop.AuditEntry"
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Our AuditEntry replaces auditlog's LogEntry, but auditlog's migrations would still
# create an unused auditlog_logentry table (with a foreign key to users). Skip them.
MIGRATION_MODULES = {"auditlog": None}
