"""Configuration from the environment. Every setting has a safe default for development."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

MB = 1024 * 1024


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str, prepared_statements: str | None) -> dict:
    """SQLAlchemy engine options. On PostgreSQL psycopg prepares a statement once it has run five times
    on a connection (``innovation.transactions`` keeps them across requests);
    ``DATABASE_PREPARED_STATEMENTS=off`` turns that off, for a connection pooler in transaction mode
    that cannot carry prepared statements (PgBouncer before 1.21)."""
    options: dict = {"pool_pre_ping": True}
    off = (prepared_statements or "on").strip().lower() in ("off", "0", "false", "no")
    if off and url.startswith("postgresql"):
        options["connect_args"] = {"prepare_threshold": None}
    return options


JOBS_BACKENDS = ("thread", "rq")


def jobs_backend(backend: str | None, redis_url: str | None) -> str:
    """``JOBS_BACKEND``: ``rq`` when a Redis URL is configured, else ``thread``; ``rq`` needs a URL."""
    backend = (backend or "").strip().lower() or ("rq" if redis_url else "thread")
    if backend not in JOBS_BACKENDS:
        raise ValueError(f"JOBS_BACKEND must be one of {', '.join(JOBS_BACKENDS)}, not {backend!r}")
    if backend == "rq" and not redis_url:
        raise ValueError("JOBS_BACKEND=rq needs JOBS_REDIS_URL (or REDIS_URL), e.g. redis://127.0.0.1:6379/0")
    return backend


def load_config(instance_path: str) -> dict:
    instance = Path(instance_path)
    env = os.environ
    jobs_redis_url = env.get("JOBS_REDIS_URL") or env.get("REDIS_URL") or None
    database_url = normalise_database_url(env.get("DATABASE_URL", f"sqlite:///{instance / 'innovation.sqlite'}"))
    return {
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url, env.get("DATABASE_PREPARED_STATEMENTS")),
        "STORAGE_URL": env.get("STORAGE_URL", f"file://{instance / 'evidence'}"),
        # S3-compatible storage (used when STORAGE_URL is s3://bucket/prefix)
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL"),
        "S3_REGION": env.get("S3_REGION", "us-east-1"),
        # Kemendagri rule files of years added by an admin from the UI (innovation.rules.use_directory). With
        # several hosts, point every one at the same shared directory.
        "RULES_DIR": env.get("RULES_DIR", str(instance / "rules")),
        # Resumable (tus) uploads are staged here until complete.
        "UPLOAD_STAGING_DIR": env.get("UPLOAD_STAGING_DIR", str(instance / "uploads")),
        "UPLOAD_EXPIRY_HOURS": int(env.get("UPLOAD_EXPIRY_HOURS", "24")),
        # Seconds a tus PATCH waits for the next bytes of its body before it ends (keeping what came).
        "UPLOAD_READ_TIMEOUT": float(env.get("UPLOAD_READ_TIMEOUT", "60")),
        # Seconds the browser waits on a silent upload request before it calls the link stalled and resumes.
        "UPLOAD_STALL_SECONDS": float(env.get("UPLOAD_STALL_SECONDS", "20")),
        "MAX_DOCUMENT_BYTES": int(env.get("MAX_DOCUMENT_MB", "20")) * MB,
        "MAX_VIDEO_BYTES": int(env.get("MAX_VIDEO_MB", "200")) * MB,
        # Plain form uploads: the biggest allowed file plus room for the other fields.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_VIDEO_MB", "200")) * MB + MB,
        "REGION_NAME": env.get("REGION_NAME", "Kabupaten Mimika"),
        "TIMEZONE": env.get("TIMEZONE", "Asia/Jayapura"),
        "TIMEZONE_LABEL": env.get("TIMEZONE_LABEL", "WIT"),
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ["id", "en"],
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", env.get("REDIS_URL", "memory://")),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Background jobs (innovation/jobs/runner.py): RQ on Redis when a URL is set, else a thread pool in
        # the web process; JOBS_SYNC (tests only) runs them inline.
        "JOBS_REDIS_URL": jobs_redis_url,
        # A round's live results, computed by one process and read by all (judging/results_store.py);
        # without a URL each process computes for itself.
        "RESULTS_REDIS_URL": env.get("RESULTS_REDIS_URL") or env.get("REDIS_URL") or None,
        "RESULTS_REDIS_PREFIX": env.get("RESULTS_REDIS_PREFIX", "inovasi:results"),
        # While a round is open for scoring, the admin's results page may show a result up to this many
        # seconds old (said so on the page) while the current one is computed in the background, instead
        # of computing on every view of a round that changes with every submission. 0: always current.
        "RESULTS_LIVE_STALE_SECONDS": float(env.get("RESULTS_LIVE_STALE_SECONDS", "15")),
        # ... and starts that computation at most once per this many seconds of the shown result's age.
        "RESULTS_LIVE_REFRESH_SECONDS": float(env.get("RESULTS_LIVE_REFRESH_SECONDS", "2")),
        "RESULTS_REFRESH_INLINE": False,  # tests: the background computation runs in the request's thread
        "JOBS_BACKEND": jobs_backend(env.get("JOBS_BACKEND"), jobs_redis_url),
        "JOBS_QUEUE": env.get("JOBS_QUEUE", "inovasi"),
        # RQ's limit for one job, in seconds (the 100,000-innovation export takes ~36 min without files).
        "JOBS_TIMEOUT": int(env.get("JOBS_TIMEOUT", str(6 * 3600))),
        "JOBS_WORKERS": int(env.get("JOBS_WORKERS", "1")),  # threads per web process (thread backend)
        "JOBS_TMP_DIR": env.get("JOBS_TMP_DIR") or None,  # where a job writes its result first (None: the system's)
        # A running job touches job.heartbeat_at this often; one silent for JOBS_STALE_SECONDS is failed.
        "JOBS_HEARTBEAT_SECONDS": float(env.get("JOBS_HEARTBEAT_SECONDS", "30")),
        "JOBS_STALE_SECONDS": float(env.get("JOBS_STALE_SECONDS", "300")),
        # Failed sign-ins (innovation/auth/throttle.py): tiers of growing windows, separated by ";".
        "LOGIN_LIMITS_ACCOUNT": env.get("LOGIN_LIMITS_ACCOUNT", "5 per 5 minutes;10 per hour;20 per day"),
        "LOGIN_LIMITS_ADDRESS": env.get("LOGIN_LIMITS_ADDRESS", "10 per 5 minutes;30 per hour;100 per day"),
        "LOGIN_LIMITS_DEVICE": env.get("LOGIN_LIMITS_DEVICE", "10 per 5 minutes;20 per hour;40 per day"),
        "LOGIN_LIMITS_SECOND_FACTOR": env.get("LOGIN_LIMITS_SECOND_FACTOR", "5 per 5 minutes;15 per hour;30 per day"),
        # People's choice votes per address (innovation/choice/views.py): generous, a venue's visitors share its Wi-Fi.
        "CHOICE_VOTE_LIMITS": env.get("CHOICE_VOTE_LIMITS", "20 per minute;200 per hour"),
        # Sessions (innovation/auth/sessions.py): a session ends after this long without a request, or this
        # long after sign-in however busy; "remember me" sessions have their own pair.
        "SESSION_IDLE_MINUTES": float(env.get("SESSION_IDLE_MINUTES", "120")),
        "SESSION_ABSOLUTE_HOURS": float(env.get("SESSION_ABSOLUTE_HOURS", "12")),
        "REMEMBER_IDLE_DAYS": float(env.get("REMEMBER_IDLE_DAYS", "7")),
        "REMEMBER_DAYS": float(env.get("REMEMBER_DAYS", "30")),
        "REMEMBER_COOKIE_DURATION": timedelta(days=float(env.get("REMEMBER_DAYS", "30"))),
        # Second factor (innovation/auth/two_factor.py): 1 makes it compulsory for admins and verifiers.
        "TOTP_REQUIRED": env.get("TOTP_REQUIRED", "0") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Cookies are marked Secure on every HTTPS request anyway (innovation/__init__.py); this forces it.
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host/-Port (nginx alone: 1). 0 trusts
        # none of them: behind a proxy every client would share its address, and HTTPS would not be seen.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        # Sent on HTTPS responses only; empty to turn it off.
        "HSTS": env.get("HSTS", "max-age=31536000; includeSubDomains"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open over a slow afternoon still submits
        "PER_PAGE": 25,
        # Compression of pages, CSS and JS (static files are sent as streams, hence COMPRESS_STREAMS);
        # downloads (PDF, images, ZIP, XLSX, CSV) are not in the list and pass through untouched.
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "application/json", "image/svg+xml"],
        "COMPRESS_STREAMS": True,
        "COMPRESS_MIN_SIZE": 500,
        # Static files carry a content hash in their URL (see templating.py), so browsers keep them a year.
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
        # Notifications (innovation/notify): email over SMTP (smtp://host:25, smtp+starttls://user:pass@host:587,
        # smtps://user:pass@host:465) from MAIL_FROM; WhatsApp through a gateway's JSON POST (docs/DEPLOY.md).
        "MAIL_URL": env.get("MAIL_URL") or None,
        "MAIL_FROM": env.get("MAIL_FROM") or None,
        "WHATSAPP_WEBHOOK_URL": env.get("WHATSAPP_WEBHOOK_URL") or None,
        "WHATSAPP_TOKEN": env.get("WHATSAPP_TOKEN") or None,
        # How far back `flask notify run` looks for things that happened (verdicts, extensions, publications).
        "NOTIFY_LOOKBACK_DAYS": float(env.get("NOTIFY_LOOKBACK_DAYS", "3")),
        "NOTIFY_DIGEST_HOUR": int(env.get("NOTIFY_DIGEST_HOUR", "7")),  # the admins' daily digest, local time
        # The follow-up clock (innovation/followup): an item waiting on an OPD turns yellow, then red.
        "FOLLOWUP_YELLOW_DAYS": float(env.get("FOLLOWUP_YELLOW_DAYS", "3")),
        "FOLLOWUP_RED_DAYS": float(env.get("FOLLOWUP_RED_DAYS", "5")),
    }
