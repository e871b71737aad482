"""Database access for code running outside a request (sockets, broker threads).

A socket lives long, so it holds no connection between frames: each block takes one (pooled on
PostgreSQL) and gives it back. On SQLite one extra connection stays open for the process, because
closing the last connection checkpoints the WAL, which would make every close slow.
"""
import sqlite3
import threading
from contextlib import contextmanager

from ..db import db, is_postgres

_keepers: dict = {}
_lock = threading.Lock()


def keep_sqlite_open():
    path = getattr(db.obj, "database", None)
    if is_postgres() or not path or path in _keepers:
        return
    with _lock:
        if path not in _keepers:
            keeper = sqlite3.connect(path, check_same_thread=False)
            keeper.execute("PRAGMA journal_mode").fetchall()     # opens the WAL index: it now counts
            keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()
            _keepers[path] = keeper


@contextmanager
def db_connection():
    """Use the thread's open connection, or open one for this block."""
    if not db.is_closed():
        yield
        return
    keep_sqlite_open()
    db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        db.close()


def release_request_connection():
    """Give the request's connection back once the socket is accepted."""
    keep_sqlite_open()
    if not db.is_closed():
        db.close()
