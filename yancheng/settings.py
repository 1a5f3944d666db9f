"""Settings, read from the YANCHENG_* environment (see the README's configuration table)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from yancheng import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.text("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.flag("DEBUG", False)
SECRET_KEY = env.secret_key(VAR_DIR)
ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS")
# Behind nginx with TLS: secure cookies, HSTS, redirect to https.
HTTPS = env.flag("HTTPS", False)
# Lets browser tests move the server's clock (yancheng.core.clock); never set in production.
TEST_CLOCK = env.flag("TEST_CLOCK", False)
# Administrators and leaders must pass a second factor (TOTP) unless this is switched off (the demo does).
REQUIRE_OTP = env.flag("REQUIRE_OTP", not DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    # Third-party apps under their Chinese names (yancheng/apps.py).
    "yancheng.apps.TOTPConfig",
    "yancheng.apps.AxesConfig",
    "ninja",
    "yancheng.apps.TasksConfig",
    "yancheng.core",
    "yancheng.visits",
    "yancheng.enterprise_requests",
    "yancheng.mortgage",
    "yancheng.projects",
    "yancheng.observations",
    "yancheng.commitments",
    "yancheng.problems",
    "yancheng.supervision",
    "yancheng.performance",
    "yancheng.investment",
    "yancheng.taskforces",
    "yancheng.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "yancheng.core.middleware.ExtraCspSourcesMiddleware",
    "yancheng.core.middleware.SessionMiddleware",  # Django's, but a poll may leave the session unsaved
    "django.middleware.locale.LocaleMiddleware",
    "yancheng.core.middleware.RejectNullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "yancheng.core.middleware.RequestContextMiddleware",
    "yancheng.core.middleware.NoStoreWhenSignedInMiddleware",
    "yancheng.core.middleware.RequireOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yancheng.urls"
WSGI_APPLICATION = "yancheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yancheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yancheng.core.context_processors.navigation",
            ],
        },
    },
]

# Database: YANCHENG_DATABASE_URL, or SQLite in WAL mode under var/. Each server thread keeps its
# connection for ten minutes (checked before reuse): a new PostgreSQL connection (a forked backend with
# cold caches, statements prepared again) took 100-300 ms, the slowest 1 % of gate check-ins when
# connections were renewed every minute (docs/benchmarks.md).
DATABASES = {
    "default": dj_database_url.parse(
        env.text("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yancheng.sqlite3'}"),
        conn_max_age=env.integer("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept too (CONN_MAX_AGE above): opening one and running the PRAGMAs costs more
    # than a whole health check (docs/benchmarks.md).
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the server and the worker read while one of them writes; IMMEDIATE takes the
        # write lock at BEGIN, so concurrent writers queue on busy_timeout instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        # Parameters bound by the server, so that psycopg can prepare a statement after its fifth use on a
        # connection: PostgreSQL then plans it once per connection, not on every call (planning the gate
        # check-in's joins took five to ten times longer than running them, docs/benchmarks.md). Behind
        # PgBouncer in transaction mode, set YANCHENG_DB_PREPARED_STATEMENTS=false (or give PgBouncer
        # ≥ 1.21 max_prepared_statements).
        "server_side_binding": True,
        "prepare_threshold": 5 if env.flag("DB_PREPARED_STATEMENTS", True) else None,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "yancheng_cache"},
    # An import's progress bar (core.output.importing). The worker writes the whole import in one
    # transaction, which on SQLite holds the database's write lock until it commits: progress written
    # to the database (the default cache included) would wait for the very lock the import holds. So it
    # goes to files under VAR_DIR, which need no server. With servers and workers on several hosts,
    # give them a shared VAR_DIR/progress; without one the bar shows no figures, and the page still
    # turns to the result when the job ends (that is read from the database).
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "progress"),
        "TIMEOUT": 24 * 60 * 60,
    },
}

TASKS = {
    "default": {
        "BACKEND": env.text("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yancheng.core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: the session lives SESSION_MINUTES after the last request.
SESSION_COOKIE_AGE = env.integer("SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout (django-axes): after AXES_FAILURE_LIMIT failures, per account and, separately, per address.
AXES_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success clears that account's failures only (core/signals.py): axes's own reset clears the address's
# too, so an attacker's login to an account of their own would wipe the count of their guesses.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_ENABLED = env.flag("LOCKOUT", True)
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "雁城 Yancheng"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.integer("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "yancheng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package-lock.json) and are served by the platform itself.
STATICFILES_DIRS = [
    BASE_DIR / "yancheng" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/jsqr", BASE_DIR / "node_modules" / "jsqr" / "dist"),
    ("vendor/hlsjs", BASE_DIR / "node_modules" / "hls.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

MAILERS = {
    "default": {
        "BACKEND": env.text("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env.text("EMAIL_HOST", "127.0.0.1"),
            "port": env.integer("EMAIL_PORT", 25),
            "username": env.text("EMAIL_HOST_USER"),
            "password": env.text("EMAIL_HOST_PASSWORD"),
            "use_tls": env.flag("EMAIL_USE_TLS", False),
            "timeout": 15,
        },
    }
}
DEFAULT_FROM_EMAIL = env.text("EMAIL_FROM", "雁城平台 <noreply@yancheng.local>")
# The platform's public address, for links that leave it (QR codes, the bank's notices): empty when not
# set, and then core.urls.public_url says which address is used.
SITE_URL = env.text("SITE_URL").strip().rstrip("/")
# A CJK TrueType font embedded in generated PDFs (Debian: fonts-wqy-zenhei).
CJK_FONT = env.text("CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# How many times the worker tries a notification delivery before it gives up.
NOTIFY_MAX_ATTEMPTS = env.integer("NOTIFY_MAX_ATTEMPTS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
}
