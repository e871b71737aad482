"""The socket route on flask-sock: JSON frames in, hub calls out (see docs/chat-protocol.md).

Before the handshake: the Origin must be ours, the address must be under its socket cap, and the
client's compression offer is dropped (frames are encoded once and written to every socket as they
are). After it: each socket writes through its own bounded outbox (outbox.py) and reads through a
frame budget (budget.py) that is spent before any parsing.
"""
import hashlib
import logging
import threading
import time

from flask import Blueprint, abort, current_app, request
from flask_login import current_user
from flask_sock import Sock
from simple_websocket import ConnectionClosed

from ..db import DATABASE_ERRORS, database_outage
from ..security import same_origin_ws
from . import actions, budget, dispatch
from .hub import Connection, hub
from .outbox import Outbox
from .store import release_request_connection

log = logging.getLogger(__name__)
bp = Blueprint("chat_socket", __name__)
sock = Sock()

SILENCE_LIMIT = 60          # seconds without any frame from the client
MAX_ID = 2**63 - 1          # ids and seqs are 64-bit in the database


class YieldingEvent(threading.Event):
    """simple_websocket's reader sets its event once per received message. Yielding there lets the other
    sockets run while one client floods: under gevent a greenlet that always has data to read would
    otherwise never switch, and the frame budget (applied by the socket's handler) would never get a turn."""

    def set(self):
        super().set()
        time.sleep(0)


def device_of(req) -> str | None:
    raw = req.cookies.get("tuttu_device")
    return hashlib.sha256(raw.encode()).hexdigest()[:40] if raw else None


def who(as_param: str):
    """(role, youth, staff) from the login cookie and ?as=; observers carry no identity."""
    if as_param == "observer":
        return "observer", None, None
    user = current_user
    if user.is_authenticated and getattr(user, "is_staff", False) and user.can_act_as():
        return "staff", None, user
    if user.is_authenticated and getattr(user, "is_youth", False):
        return "participant", user, None
    return ("refused" if as_param == "participant" else "observer"), None, None


@bp.before_request
def before_handshake():
    """Refuse before upgrading; take back the compression offer (the one hook flask-sock needs). The
    address's caps and the join's turn were settled before Flask (budget.JoinGate)."""
    if not same_origin_ws(current_app):
        abort(403)
    if request.headers.get("Upgrade", "").lower() != "websocket":
        abort(400)
    request.environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)     # no permessage-deflate


@sock.route(budget.SOCKET_ROUTE, bp=bp, endpoint="socket")
def chat_socket(ws, session_id: int):
    """WS /ws/sessions/<id>?as=participant|observer&since=<seq>&staff_since=<n>."""
    config = current_app.config
    role, youth, staff = who(request.args.get("as", ""))
    since, since_error = _seq_arg("since")
    staff_since, staff_since_error = _seq_arg("staff_since")
    release_request_connection()
    outbox = Outbox(ws, config["CHAT_OUTBOX_FRAMES"], config["CHAT_OUTBOX_BYTES"], config["CHAT_CLOSE_GRACE_SECONDS"])
    conn = Connection(ws.send, ws.close, "observer" if role == "refused" else role, youth=youth, staff=staff,
                      device=device_of(request) if youth else None, since=since, staff_since=staff_since,
                      outbox=outbox, address=request.environ.get("tuttu.chat_address"))
    frames = budget.FrameBudget(config["CHAT_FRAME_BURST"], config["CHAT_FRAMES_PER_SECOND"],
                                config["CHAT_FRAME_ABUSE_LIMIT"])
    try:
        for name, error in (("since", since_error), ("staff_since", staff_since_error)):
            if error:
                conn.send_now(dispatch.invalid({name: error}))
        if role == "refused":
            actions.refuse(conn, 4001, "login_required", "Tap 'Start' to get your anonymous name, or watch instead.")
        elif session_id > MAX_ID:
            actions.refuse(conn, 4004, "not_found", "There is no such chat session.")
        elif role == "observer" and hub.observers(session_id) >= config["CHAT_OBSERVERS_PER_SESSION"]:
            actions.refuse(conn, 1013, "full", "This chat is full right now. Try again in a moment.")
        elif actions.join(session_id, conn):
            request.environ["tuttu.joined"]()          # the welcome is out: the next join's turn (budget.JoinGate)
            serve(ws, conn, session_id, frames)
    except ConnectionClosed:
        pass
    except DATABASE_ERRORS as exc:              # an outage, not a bug: one log line (errors.Outage), they reconnect
        database_outage.failed(exc)
        conn.close(1011, "database_unavailable")
    except Exception:
        if ws.connected and not conn.closed:
            log.exception("chat socket failed")                # ours, not the client's: close 1011, they reconnect
            conn.close(1011, "server_error")
    finally:
        hub.remove(conn)
        if conn.closed:                         # let the writer send our close frame before flask-sock's own
            outbox.finished(timeout=outbox.grace + 1)
        outbox.stop()


def serve(ws, conn, session_id, frames):
    while not conn.closed:
        text = ws.receive(timeout=SILENCE_LIMIT)
        if text is None:
            if not ws.connected:
                return
            return conn.close(4008, "heartbeat_timeout")
        verdict = frames.take()                 # before parsing anything
        if verdict == "abuse":
            return conn.close(1008, "too_many_frames")
        if verdict == "over":
            if frames.refused == 1:
                conn.send_now({"type": "error", "code": "rate_limited", "message": "Slow down a little.",
                               "retry_after": frames.retry_after()})
            continue
        raw = dispatch.decode(text, current_app.config["CHAT_MAX_FRAME_BYTES"])
        if isinstance(raw, str):
            conn.send_now(dispatch.invalid(message=raw))
            continue
        dispatch.handle(conn, session_id, raw)


def _seq_arg(name):
    """A `since`-like query value: (value, None) or (0, why it was ignored)."""
    raw = request.args.get(name)
    if raw in (None, ""):
        return 0, None
    try:
        value = int(raw) if len(raw) <= 20 else None
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_ID:
        return 0, "must be a whole number from 0 to 2^63-1"
    return value, None
