"""The peewee database proxy, DATABASE_URL parsing and one connection per request."""
from urllib.parse import urlparse

from peewee import DatabaseProxy, InterfaceError, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parseresult_to_dict
from playhouse.pool import MaxConnectionsExceeded, PooledPostgresqlDatabase

from .outages import Outage

db = DatabaseProxy()

# The database can't be reached (or every pooled connection is busy): 503 database_unavailable (errors.py)
DATABASE_ERRORS = (OperationalError, InterfaceError, MaxConnectionsExceeded)
database_outage = Outage("database")

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
    "cache_size": -16000,
}


def database_from_url(url: str, pool_size: int = 20):
    """A peewee Database for `url`: SQLite (WAL, foreign keys, busy timeout) or pooled PostgreSQL."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):]
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10, check_same_thread=False)
    if parsed.scheme in ("postgres", "postgresql"):
        kwargs = parseresult_to_dict(parsed)
        return PooledPostgresqlDatabase(max_connections=pool_size, stale_timeout=300, timeout=10,
                                        **kwargs)
    raise ValueError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported (use sqlite or postgresql)")


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


# These connect only when they query (peewee connects on demand; the teardown closes what was opened):
# static files, /healthz, /api/config and /metrics: a page load's ~40 files then take no connection each
# (on SQLite a connection with its pragmas was 0.9 ms of the 1.7 ms of CPU a static file took); the chat
# socket (backend/chat/store.py): a join storm of observers then costs no connection each (1.84 -> 1.29 ms
# of CPU and 202 -> 49 KiB a socket on SQLite).
ON_DEMAND_CONNECTION_BLUEPRINTS = ("shell", "metrics", "chat_socket")


def init_app(app):
    """Bind the proxy to the configured database and open/close a connection per request.

    When the database can't be reached the request answers 503 database_unavailable (errors.py); the
    log gets one line when the outage starts and one when a request succeeds again.
    """
    from flask import g, request
    db.initialize(database_from_url(app.config["DATABASE_URL"], app.config.get("DB_POOL_SIZE", 20)))

    @app.before_request
    def _connect():
        if request.blueprint not in ON_DEMAND_CONNECTION_BLUEPRINTS:
            db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            if exc is None and database_outage.down and not g.get("database_failed"):
                database_outage.recovered()
            db.close()
