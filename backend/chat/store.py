"""Database helpers for the chat: a connection for code running outside a request, and clocks."""
from contextlib import contextmanager

from ..db import db


@contextmanager
def db_connection():
    """Use the thread's open connection, or open one for this block (broker threads, sockets)."""
    if not db.is_closed():
        yield
        return
    db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        db.close()
