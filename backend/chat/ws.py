"""The socket route: a thin flask-sock adapter. JSON frames in, hub calls out (see docs/chat-protocol.md)."""
import hashlib
import json

from flask import Response, abort, current_app, request
from flask_login import current_user
from simple_websocket import ConnectionClosed, Server

from ..security import same_origin_ws
from flask import Blueprint
from . import actions, dispatch
from .hub import Connection, hub
from .store import release_request_connection

bp = Blueprint("chat_socket", __name__)

MAX_FRAME = 4096
SILENCE_LIMIT = 60          # seconds without any frame from the client


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


def chat_socket(session_id: int):
    """WS /ws/sessions/<id>?as=participant|observer&since=<seq>&staff_since=<n>."""
    if not same_origin_ws(current_app):
        abort(403)
    if request.headers.get("Upgrade", "").lower() != "websocket":
        abort(400)
    role, youth, staff = who(request.args.get("as", ""))
    since = _int_arg("since")
    staff_since = _int_arg("staff_since")
    environ = {k: v for k, v in request.environ.items() if k != "HTTP_SEC_WEBSOCKET_EXTENSIONS"}
    ws = Server(environ, max_message_size=MAX_FRAME, **current_app.config.get("SOCK_SERVER_OPTIONS", {}))
    release_request_connection()
    conn = Connection(ws.send, lambda code, reason: ws.close(code, reason), "observer" if role == "refused" else role,
                      youth=youth, staff=staff, device=device_of(request) if youth else None,
                      since=since, staff_since=staff_since, send_wire=ws.sock.sendall)
    try:
        if role == "refused":
            actions.refuse(conn, 4001, "login_required", "Tap 'Start' to get your anonymous name, or watch instead.")
        elif actions.join(session_id, conn):
            serve(ws, conn, session_id)
    except ConnectionClosed:
        pass
    finally:
        hub.remove(conn)
        try:
            ws.close()
        except Exception:
            pass
    return websocket_response(ws)


def serve(ws, conn, session_id):
    while not conn.closed:
        text = ws.receive(timeout=SILENCE_LIMIT)
        if text is None:
            if not ws.connected:
                return
            return conn.close(4008, "heartbeat_timeout")
        try:
            raw = json.loads(text)
        except (ValueError, TypeError):
            conn.send_now({"type": "error", "code": "invalid", "message": "Frames are JSON objects."})
            continue
        dispatch.handle(conn, session_id, raw)


def _int_arg(name):
    try:
        return max(0, int(request.args.get(name, 0)))
    except ValueError:
        return 0


def websocket_response(ws):
    """What flask-sock answers once the socket is done (the server already owns the connection)."""
    class WebSocketResponse(Response):
        def __call__(self, *args, **kwargs):
            if ws.mode == "gunicorn":
                raise StopIteration()
            if ws.mode == "werkzeug":
                return super().__call__(*args, **kwargs)
            return []
    return WebSocketResponse()


bp.add_url_rule("/ws/sessions/<int:session_id>", "socket", chat_socket, websocket=True)
