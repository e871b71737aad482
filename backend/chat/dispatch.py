"""One client frame in: decode it within bounds, check the role, validate, hand it to the action that does it.

Nothing a client sends may raise: a frame that is not a small JSON object of sane depth whose numbers
fit in 64 bits gets `error {code: "invalid"}` and the socket stays.
"""
import json
import re

from flask import current_app

from ..models import utcnow
from . import budget
from . import frames as F
from .actions import (
    answer,
    claim,
    concern,
    load_session,
    metoo,
    report,
    say,
    staff_note,
)
from .frames import FrameError
from .host_actions import moderate
from .store import db_connection

HANDLERS = {"say": say, "metoo": metoo, "answer": answer, "claim": claim, "staff": staff_note, "report": report,
            "concern": concern, "moderate": moderate}
MAX_DEPTH = 8                    # the deepest frame of the protocol is 2 (an object in an object)
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
BRACKETS = re.compile(r"[\[\]{}]")


class Unacceptable(ValueError):
    pass


def _int(text: str) -> int:
    if len(text) > 20:
        raise Unacceptable("Numbers must fit in 64 bits.")
    value = int(text)
    if not INT_MIN <= value <= INT_MAX:
        raise Unacceptable("Numbers must fit in 64 bits.")
    return value


def _constant(name: str):
    raise Unacceptable("NaN and Infinity are not JSON numbers.")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Cheap: count brackets first; scan (outside strings) only when there are many."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in BRACKETS.findall(STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def decode(text, max_bytes: int) -> dict | str:
    """The frame as a dict, or a string saying why it was refused (nothing here raises)."""
    if not isinstance(text, str):
        return "Frames are JSON text, not binary."
    if len(text) > max_bytes:
        return f"Frames are at most {max_bytes} bytes."
    if too_deep(text):
        return f"Frames nest at most {MAX_DEPTH} levels deep."
    try:
        raw = json.loads(text, parse_int=_int, parse_constant=_constant)
    except Unacceptable as err:
        return str(err)
    except (ValueError, RecursionError):
        return "Frames are JSON objects."
    if not isinstance(raw, dict):
        return "Each frame is a JSON object with a type."
    return raw


def invalid(fields=None, message="Frames are JSON objects.") -> dict:
    body = {"type": "error", "code": "invalid", "message": message}
    if fields:
        body["fields"] = fields
    return body


def handle(conn, session_id, raw: dict):
    """One client frame: check the role, validate, act. Errors go back to the socket as `error` frames."""
    cid = raw.get("cid") if isinstance(raw, dict) and isinstance(raw.get("cid"), str) else None
    try:
        kind = raw.get("type") if isinstance(raw, dict) else None
        kind = kind if isinstance(kind, str) else None
        if conn.role == "observer" and kind not in F.OBSERVER_FRAMES:
            raise FrameError("read_only", "You are watching. Join as a participant to take part.")
        frame = F.parse(raw)
        if frame.type == "ping":
            return conn.send_now({"type": "pong", "ts": F.iso(utcnow())})
        if frame.type in F.STAFF_FRAMES and conn.role != "staff":
            raise FrameError("forbidden", "Only staff can do this.")
        if frame.type in F.YOUTH_FRAMES and conn.role != "participant":
            raise FrameError("forbidden", "Only young participants can do this.")
        if frame.type == "report":          # per device or address, across all its sockets
            config = current_app.config
            wait = budget.report_allowed(conn, config["CHAT_REPORT_BURST"], config["CHAT_REPORTS_PER_HOUR"])
            if wait is not None:
                raise FrameError("rate_limited", f"You have reported a lot just now: try again in {wait} s.",
                                 retry_after=wait)
        with db_connection():
            session = load_session(session_id)
            return HANDLERS[frame.type](conn, session, frame)
    except FrameError as err:
        conn.send_now(err.frame(cid[:40] if cid else None))
