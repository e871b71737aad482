"""The Monday chat: hub.py (plain Python rooms and fan-out), ws.py (the socket route), the sessions,
schedule and answer-archive API, the chat's jobs, CLI command and demo step.

The protocol is docs/chat-protocol.md.
"""
from huey import crontab

from .. import tasks
from ..broker import get_broker
from ..demo import add_demo_step
from . import actions, answers, budget, schedule, sessions, ws
from .commands import open_session_command, seed_chat
from .hub import hub
from .retention import plan_sessions_job, purge_chat


def init_app(app):
    options = app.config.setdefault("SOCK_SERVER_OPTIONS", {})
    options.setdefault("max_message_size", app.config["CHAT_MAX_FRAME_BYTES"])    # larger frames: close 1009
    options.setdefault("event_class", ws.YieldingEvent)
    for module in (sessions, schedule, answers, ws):
        app.register_blueprint(module.bp)
    ws.sock.init_app(app)
    app.wsgi_app = app.extensions["chat_join_gate"] = budget.JoinGate(app)
    get_broker().on_reconnect(hub.catch_up_all_rooms)     # after a Redis outage, rooms fill their gaps
    tasks.register_job("chat.purge", purge_chat, crontab(minute="17"))
    tasks.register_job("chat.plan_sessions", plan_sessions_job, crontab(minute="*/30"))
    app.cli.add_command(open_session_command)
    add_demo_step(app, 50, seed_chat)
    actions.reset_limits()
    budget.reset()
    hub.reset()
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
