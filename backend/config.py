"""Every setting, read from the environment with safe defaults (no secrets in source)."""
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = env(name)
    return default if value is None else int(value)


def instance_path():
    path = Path(env("TUTTU_INSTANCE_PATH", DEFAULT_INSTANCE))
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_or_create_secret(path: Path, nbytes=48) -> str:
    """Return the secret stored at `path`, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def database_url(instance: Path | None = None) -> str:
    return env("DATABASE_URL") or f"sqlite:///{(instance or instance_path()) / 'tuttu.db'}"


def redis_prefix(db_url: str | None = None) -> str:
    """The namespace of every Redis key and channel of this deployment (TUTTU_REDIS_PREFIX).

    By default "tuttu:" and a short hash of the database URL: deployments sharing one Redis (pub/sub
    ignores the database number) never see each other's chats, limits or jobs.
    """
    import hashlib
    prefix = env("TUTTU_REDIS_PREFIX")
    if prefix is None:
        prefix = "tuttu:" + hashlib.sha256((db_url or database_url()).encode()).hexdigest()[:10]
    return prefix if prefix.endswith(":") else prefix + ":"


def tasks_settings() -> dict:
    """The job queue's settings, read when backend.tasks is imported (before any app exists)."""
    return {"redis_url": env("REDIS_URL"), "immediate": env_bool("TUTTU_TASKS_IMMEDIATE"),
            "redis_prefix": redis_prefix() if env("REDIS_URL") else None}


def city_timezone_name() -> str:
    """The city's IANA time zone (TUTTU_TIMEZONE): sessions, quiet hours, calendars."""
    return env("TUTTU_TIMEZONE", "Europe/Helsinki")


def password_hash_method() -> str:
    """How staff passwords are hashed (werkzeug method). Production: scrypt; the test suite sets a cheap one."""
    return env("TUTTU_PASSWORD_HASH", "scrypt")


def server_settings() -> dict:
    """The embedded server of `python app.py` (gunicorn, one gevent worker; the Procfile has its own flags)."""
    return {"host": env("HOST", "127.0.0.1"), "port": env_int("PORT", 5000)}


def push_settings() -> dict:
    """Web Push: the VAPID key (generated into instance/ when unset) and contact, sending concurrency."""
    return {"VAPID_PRIVATE_KEY": env("TUTTU_VAPID_PRIVATE_KEY"), "VAPID_SUBJECT": env("TUTTU_VAPID_SUBJECT"),
            "PUSH_CONCURRENCY": env_int("TUTTU_PUSH_CONCURRENCY", 32),
            "PUSH_TIMEOUT": float(env("TUTTU_PUSH_TIMEOUT", "10"))}


def load_config(instance: Path | None = None) -> dict:
    """The app's configuration from the environment; see the table in README.md."""
    instance = instance or instance_path()
    public_url = env("TUTTU_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
    https = public_url.startswith("https://")
    origins = [o.strip().rstrip("/") for o in env("TUTTU_ALLOWED_ORIGINS", "").split(",") if o.strip()]
    return {
        "SECRET_KEY": env("SECRET_KEY") or read_or_create_secret(instance / "secret_key"),
        "DATABASE_URL": database_url(instance),
        "REDIS_URL": env("REDIS_URL"),
        "DB_POOL_SIZE": env_int("TUTTU_DB_POOL_SIZE", 20),       # PostgreSQL connections per web process
        "REDIS_PREFIX": redis_prefix(database_url(instance)),
        "METRICS_TOKEN": env("TUTTU_METRICS_TOKEN"),
        "METRICS_MULTIPROC_DIR": env("PROMETHEUS_MULTIPROC_DIR"),   # prometheus_client reads it too
        "METRICS_ALLOW": [a.strip() for a in env("TUTTU_METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()],
        "TIMEZONE": city_timezone_name(),
        "CITY_NAME": env("TUTTU_CITY_NAME", "Helsinki"),
        "PUBLIC_URL": public_url,
        "ALLOWED_ORIGINS": sorted({public_url, *origins}),
        "HTTPS": https,
        "PROXY_FIX": env_int("TUTTU_PROXY_FIX", 0),
        "RATELIMIT_ENABLED": env_bool("TUTTU_RATELIMIT", True),
        "PUSH_ALLOW_LOOPBACK": env_bool("TUTTU_PUSH_ALLOW_LOOPBACK", False),
        "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,   # images up to 5 MB plus form overhead
        "MAX_JSON_BYTES": 64 * 1024,
        "YOUTH_LOGIN_DAYS": min(env_int("TUTTU_YOUTH_LOGIN_DAYS", 30), 30),
        "STAFF_LOGIN_HOURS": env_int("TUTTU_STAFF_LOGIN_HOURS", 12),
        "INSTANCE_PATH": str(instance),
        "MEDIA_PATH": str(Path(env("TUTTU_MEDIA_PATH", instance / "media"))),
        "MEETUP_PERSONAL_DATA_DAYS": env_int("TUTTU_MEETUP_PERSONAL_DATA_DAYS", 14),
        "HELPLINES": helplines(),
        "CHAT_KEEP_DAYS": env_int("TUTTU_CHAT_KEEP_DAYS", 30),
        "CHAT_KEEP_HELD_DAYS": env_int("TUTTU_CHAT_KEEP_HELD_DAYS", 7),
        "CHAT_KEEP_CONCERN_DAYS": env_int("TUTTU_CHAT_KEEP_CONCERN_DAYS", 90),
        "AUDIT_KEEP_DAYS": env_int("TUTTU_AUDIT_KEEP_DAYS", 730),
        # Rate limits follow the identity and the device first; a whole school class shares one address.
        "YOUTH_NEW_PER_DEVICE": env("TUTTU_YOUTH_NEW_PER_DEVICE", "10 per hour"),
        "YOUTH_NEW_PER_ADDRESS": env("TUTTU_YOUTH_NEW_PER_ADDRESS", "400 per 10 minutes; 1000 per day"),
        "PER_IDENTITY_LIMIT_ASK": env("TUTTU_ASK_AHEAD_PER_YOUTH", "10 per hour"),
        "PER_ADDRESS_LIMIT": env("TUTTU_PER_ADDRESS_LIMIT", "1200 per hour"),
        # Failed staff passwords: free failures per scope, then growing delays (2 s, 4 s ... at most this).
        "LOGIN_FREE_FAILURES_PAIR": env_int("TUTTU_LOGIN_FREE_FAILURES_PAIR", 5),
        "LOGIN_FREE_FAILURES_ADDRESS": env_int("TUTTU_LOGIN_FREE_FAILURES_ADDRESS", 20),
        "LOGIN_FREE_FAILURES_ACCOUNT": env_int("TUTTU_LOGIN_FREE_FAILURES_ACCOUNT", 50),
        "LOGIN_MAX_DELAY": env_int("TUTTU_LOGIN_MAX_DELAY", 900),
        **chat_socket_settings(),
        **push_settings(),
    }


def chat_socket_settings() -> dict:
    """Limits of the chat sockets (docs/chat-protocol.md, "Limits")."""
    return {
        "CHAT_MAX_FRAME_BYTES": env_int("TUTTU_CHAT_MAX_FRAME_BYTES", 4096),
        "CHAT_OUTBOX_FRAMES": env_int("TUTTU_CHAT_OUTBOX_FRAMES", 512),
        "CHAT_OUTBOX_BYTES": env_int("TUTTU_CHAT_OUTBOX_BYTES", 256 * 1024),
        "CHAT_CLOSE_GRACE_SECONDS": env_int("TUTTU_CHAT_CLOSE_GRACE_SECONDS", 10),
        "CHAT_FRAME_BURST": env_int("TUTTU_CHAT_FRAME_BURST", 30),
        "CHAT_FRAMES_PER_SECOND": env_int("TUTTU_CHAT_FRAMES_PER_SECOND", 5),
        "CHAT_FRAME_ABUSE_LIMIT": env_int("TUTTU_CHAT_FRAME_ABUSE_LIMIT", 100),
        "CHAT_SOCKETS_PER_ADDRESS": env_int("TUTTU_CHAT_SOCKETS_PER_ADDRESS", 500),
        "CHAT_JOIN_BURST": env_int("TUTTU_CHAT_JOIN_BURST", 100),
        "CHAT_JOINS_PER_SECOND": env_int("TUTTU_CHAT_JOINS_PER_SECOND", 20),
        "CHAT_JOINS_AT_ONCE": env_int("TUTTU_CHAT_JOINS_AT_ONCE", 8),
        "CHAT_OBSERVERS_PER_SESSION": env_int("TUTTU_CHAT_OBSERVERS_PER_SESSION", 20000),
        "CHAT_REPORT_BURST": env_int("TUTTU_CHAT_REPORT_BURST", 5),
        "CHAT_REPORTS_PER_HOUR": env_int("TUTTU_CHAT_REPORTS_PER_HOUR", 60),
    }


DEFAULT_HELPLINES = [
    {"id": "emergency", "name": "Emergency number", "number": "112", "hours": "24/7"},
    {"id": "mll", "name": "MLL Children and Youth Phone", "number": "116 111", "url": "https://www.nuortennetti.fi/"},
    {"id": "sekasin", "name": "Sekasin chat", "url": "https://sekasin.fi/"},
]


def helplines() -> list:
    """"Need help now?": 112 first, then youth helplines; TUTTU_HELPLINES (a JSON list) replaces them."""
    import json
    raw = env("TUTTU_HELPLINES")
    return json.loads(raw) if raw else DEFAULT_HELPLINES
