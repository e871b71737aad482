"""Sessions API: the next session, one session, one-off sessions, closing, ask-ahead questions, concerns."""
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, jsonify, request
from pydantic import Field

from ..api import Body, Line, Text, api, json_body
from ..auth import current_staff, current_youth, identity_key, staff_required, youth_required
from ..auth.limits import setting
from ..clock import iso
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, ChatMessage, ChatSession, SafeguardingConcern, SessionStaff, Staff, utcnow
from ..models.chat import write_transaction
from ..security import limiter
from .actions import announce
from .hub import hub
from .moderation import flag_reason, hold_reason
from .planning import next_session, plan_sessions, session_payload, session_state_frame

bp = Blueprint("chat_sessions", __name__)

MANAGERS = (Staff.YOUTH_WORKER, Staff.ADMIN)


class NewSession(Body):
    title: Line(120) = "Chat"
    starts_at: datetime
    minutes: int = Field(ge=10, le=480)
    host_id: int | None = None


class SessionChange(Body):
    title: Line(120) | None = None
    starts_at: datetime | None = None
    minutes: int | None = Field(default=None, ge=10, le=480)
    host_id: int | None = None


class AskAhead(Body):
    cid: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    text: Text(500)


def presence_of(session_id):
    room = hub.rooms.get(session_id)
    return room.presence() if room else None


def payload(session):
    return session_payload(session, presence_of(session.id))


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ApiError(422, "invalid", "Give the time with its offset or Z.", {"starts_at": "needs a time zone"})
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def host_or_none(host_id):
    if host_id is None:
        return None
    host = Staff.get_or_none(Staff.id == host_id)
    if host is None or not host.can_act_as(Staff.YOUTH_WORKER, Staff.ADMIN):
        raise ApiError(422, "invalid", "The host must be a verified youth worker.", {"host_id": "is not a youth worker"})
    return host


@bp.get("/api/sessions/next")
@api.validate(tags=["chat"])
def session_next():
    """The open or lobby session, else the next planned one; 404 when nothing is planned."""
    session = next_session()
    if session is None:
        raise ApiError(404, "no_session", "No chat is planned yet.")
    return jsonify(payload(session))


@bp.get("/api/sessions")
@api.validate(tags=["chat"])
def session_list():
    """Open, lobby and upcoming sessions (two weeks), then the last five closed."""
    plan_sessions()
    now = utcnow()
    upcoming = list(ChatSession.upcoming(now).where(ChatSession.starts_at < now + timedelta(days=15)))
    closed = (ChatSession.select().where((ChatSession.closed_at.is_null(False)) | (ChatSession.ends_at <= now))
              .order_by(ChatSession.ends_at.desc()).limit(5))
    return jsonify(sessions=[payload(s) for s in upcoming + list(closed)])


@bp.get("/api/sessions/<int:session_id>")
@api.validate(tags=["chat"])
def session_detail(session_id):
    """One session; also gives this device its random block-list cookie (used only for device blocks)."""
    response = jsonify(payload(ChatSession.get_by_id(session_id)))
    if not request.cookies.get("tuttu_device"):
        response.set_cookie("tuttu_device", secrets.token_urlsafe(24), max_age=30 * 86400, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


@bp.post("/api/sessions")
@staff_required(*MANAGERS)
@api.validate(json=NewSession, tags=["chat"])
def session_create():
    """A one-off session."""
    body = json_body()
    starts = as_utc(body.starts_at)
    with db.atomic():
        session = ChatSession.create(title=body.title, starts_at=starts, ends_at=starts + timedelta(minutes=body.minutes),
                                     host=host_or_none(body.host_id) or current_staff(Staff.YOUTH_WORKER))
        AuditLog.record(current_staff(), "chat.session_create", session)
    return jsonify(payload(session)), 201


@bp.patch("/api/sessions/<int:session_id>")
@staff_required(*MANAGERS)
@api.validate(json=SessionChange, tags=["chat"])
def session_change(session_id):
    """Change a session's title, time, length or host (not once it has closed)."""
    session, body = ChatSession.get_by_id(session_id), json_body()
    if session.state() == "closed":
        raise ApiError(409, "session_closed", "This session has already ended.")
    minutes = body.minutes or int((session.ends_at - session.starts_at).total_seconds() // 60)
    if body.starts_at:
        session.starts_at = as_utc(body.starts_at)
    session.ends_at = session.starts_at + timedelta(minutes=minutes)
    session.title = body.title or session.title
    if "host_id" in body.model_fields_set:
        session.host = host_or_none(body.host_id)
    with db.atomic():
        session.save()
        AuditLog.record(current_staff(), "chat.session_change", session)
    hub.publish(session.id, "all", session_state_frame(session))
    return jsonify(payload(session))


@bp.post("/api/sessions/<int:session_id>/close")
@staff_required(*MANAGERS)
@api.validate(tags=["chat"])
def session_close(session_id):
    """End a session now."""
    session = ChatSession.get_by_id(session_id)
    with db.atomic():
        session.closed_at = session.closed_at or utcnow()
        session.save()
        AuditLog.record(current_staff(), "chat.close", session)
    hub.publish(session.id, "all", session_state_frame(session))
    return jsonify(payload(session))


@bp.post("/api/sessions/<int:session_id>/questions")
@limiter.limit(setting("PER_IDENTITY_LIMIT_ASK"), key_func=identity_key)   # per youth: a class shares an address
@limiter.limit(setting("PER_ADDRESS_LIMIT"))
@youth_required
@api.validate(json=AskAhead, tags=["chat"])
def ask_ahead(session_id):
    """Ask a question before the session opens; it waits in the host's queue."""
    session, body, youth = ChatSession.get_by_id(session_id), json_body(), current_youth()
    if session.state() in ("open", "closed"):
        raise ApiError(409, "session_started", "The chat is already open: ask there instead.")
    cid = f"y{youth.id}:{body.cid}"
    with write_transaction():
        session.lock()
        message = ChatMessage.get_or_none(ChatMessage.session == session.id, ChatMessage.cid == cid)
        created = message is None
        if created:
            message = ChatMessage.create(session=session.id, cid=cid, youth=youth.id, text=body.text, is_question=True,
                                         state=ChatMessage.HELD, hold_reason=hold_reason(body.text) or "ask_ahead")
    if created:
        announce(message)
    help_flag = flag_reason(message.text)                   # "may_need_help": the PWA shows the helplines
    extra = {"flag": help_flag} if help_flag else {}
    return jsonify(id=message.id, cid=body.cid, status=message.state, reason=message.hold_reason, **extra), \
        201 if created else 200


CONCERN_READERS = (Staff.YOUTH_WORKER, Staff.ADMIN)   # and the staff of that session (host, roster)


@bp.get("/api/sessions/<int:session_id>/concerns")
@staff_required()
@api.validate(tags=["chat"])
def session_concerns(session_id):
    """Safeguarding concerns raised in a session: youth workers, admins and that session's staff; every
    read is audited."""
    session, staff = ChatSession.get_by_id(session_id), current_staff()
    on_session = session.host_id == staff.id or SessionStaff.select().where(
        SessionStaff.session == session.id, SessionStaff.staff == staff.id).exists()
    if staff.role not in CONCERN_READERS and not on_session:
        raise ApiError(403, "wrong_role", "Only youth workers, admins and this session's staff see its concerns.")
    rows = list(SafeguardingConcern.select().where(SafeguardingConcern.session == session.id)
                .order_by(SafeguardingConcern.created_at.desc()))
    AuditLog.record(staff, "chat.concerns_read", session, concerns=[c.id for c in rows])
    return jsonify(concerns=[{"id": c.id, "message_id": c.message_id, "note": c.note, "detail": c.detail,
                              "by": {"id": c.staff_id, "name": c.staff.name} if c.staff_id else None,
                              "ts": iso(c.created_at)} for c in rows])
