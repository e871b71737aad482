"""One client frame in: check the role, validate, hand it to the action that does it."""
from ..models import utcnow
from . import frames as F
from .actions import answer, claim, concern, load_session, metoo, report, say, staff_note
from .frames import FrameError
from .host_actions import moderate
from .store import db_connection


HANDLERS = {"say": say, "metoo": metoo, "answer": answer, "claim": claim, "staff": staff_note, "report": report,
            "concern": concern, "moderate": moderate}


def handle(conn, session_id, raw: dict):
    """One client frame: check the role, validate, act. Errors go back to the socket as `error` frames."""
    cid = raw.get("cid") if isinstance(raw, dict) and isinstance(raw.get("cid"), str) else None
    try:
        kind = raw.get("type") if isinstance(raw, dict) else None
        if conn.role == "observer" and kind not in F.OBSERVER_FRAMES:
            raise FrameError("read_only", "You are watching. Join as a participant to take part.")
        frame = F.parse(raw)
        if frame.type == "ping":
            return conn.send_now({"type": "pong", "ts": F.iso(utcnow())})
        if frame.type in F.STAFF_FRAMES and conn.role != "staff":
            raise FrameError("forbidden", "Only staff can do this.")
        if frame.type in F.YOUTH_FRAMES and conn.role != "participant":
            raise FrameError("forbidden", "Only young participants can do this.")
        with db_connection():
            session = load_session(session_id)
            return HANDLERS[frame.type](conn, session, frame)
    except FrameError as err:
        conn.send_now(err.frame(cid))
