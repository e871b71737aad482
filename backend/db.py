"""The peewee database proxy, DATABASE_URL parsing and one connection per request."""
from urllib.parse import urlparse

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parseresult_to_dict
from playhouse.pool import PooledPostgresqlDatabase

db = DatabaseProxy()

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


def init_app(app):
    """Bind the proxy to the configured database and open/close a connection per request."""
    db.initialize(database_from_url(app.config["DATABASE_URL"]))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()
