"""The Monday chat: hub.py (plain Python) and ws.py (the flask-sock adapter), plus the sessions API.

The protocol is docs/chat-protocol.md.
"""
from flask import Blueprint

bp = Blueprint("chat", __name__)

from . import actions, answers, commands, retention, schedule, sessions, ws  # noqa: E402,F401  (routes, jobs, CLI, demo)


def init_app(app):
    app.config.setdefault("SOCK_SERVER_OPTIONS", {})
    actions.reset_limits()
    green_postgres()


def green_postgres():
    """Under gevent (gunicorn -k gevent monkey-patches first), make psycopg2 yield while it waits."""
    try:
        from gevent import monkey
    except ImportError:
        return
    if monkey.is_module_patched("socket"):
        from psycogreen.gevent import patch_psycopg
        patch_psycopg()
