"""Database access for code running outside a request (sockets, broker threads).

PostgreSQL: a pooled connection per block, so thousands of sockets share a small pool.
SQLite: the thread keeps its connection open (closing the last one checkpoints the WAL, which is slow).
"""
from contextlib import contextmanager

from ..db import db, is_postgres


@contextmanager
def db_connection():
    """Use the thread's open connection, or open one for this block."""
    if not db.is_closed():
        yield
        return
    db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if is_postgres():
            db.close()


def release_request_connection():
    """A socket lives long: on PostgreSQL give the request's pooled connection back at once."""
    if is_postgres() and not db.is_closed():
        db.close()
