"""What people do in a session: join (welcome + catch-up), say, me too, answer, claim, backchannel, report.

Each action validates, stores in one transaction, and only then publishes through the hub.
Host actions (approve, reject, mute, ...) live in host_actions.py.
"""
import uuid

from peewee import IntegrityError

from ..db import db
from ..models import (
    Answer,
    AuditLog,
    ChatMessage,
    ChatSession,
    MeToo,
    Report,
    SafeguardingConcern,
    Sanction,
    SessionStaff,
    Staff,
    utcnow,
)
from ..models.chat import write_transaction
from . import frames as F
from .frames import FrameError
from .hub import hub
from .limits import reset_limits, take_token  # noqa: F401  (reset_limits: chat.init_app and tests)
from .moderation import hold_reason
from .store import db_connection

MODERATOR_ROLES = (Staff.YOUTH_WORKER, Staff.ADMIN)
LIMITS = {"youth": (3, 1 / 3), "staff": (20, 10.0), "other": (10, 1.0)}
def person_key(conn):
    return f"s{conn.staff_id}" if conn.staff_id else f"y{conn.youth_id}" if conn.youth_id else f"o{id(conn)}"


def limit(conn, session, kind):
    if kind == "say" and conn.role == "participant":
        capacity, rate = LIMITS["youth"]
        if session.slow_mode_seconds:
            capacity, rate = 1, 1 / session.slow_mode_seconds
    else:
        capacity, rate = LIMITS["staff" if conn.role == "staff" and kind == "say" else "other"]
    wait = take_token((session.id, person_key(conn), kind, capacity, rate), capacity, rate)
    if wait is not None:
        raise FrameError("rate_limited", f"Slow down a little: try again in {wait} s.", retry_after=wait)


def can_moderate(conn, session) -> bool:
    return conn.role == "staff" and (conn.staff.role in MODERATOR_ROLES or session.host_id == conn.staff_id)


def load_session(session_id) -> ChatSession:
    return ChatSession.get_by_id(session_id)


def find_message(session_id, id=None, seq=None, published=False):
    message = ChatMessage.in_session(session_id, id=id, seq=seq)
    if message is None or (published and message.state != ChatMessage.PUBLISHED):
        raise FrameError("not_found", "That message is not in this session (any more).")
    return message


# --- joining --------------------------------------------------------------------------------------

def join(session_id, conn) -> bool:
    """Welcome, catch-up from `since`, then live. False when the socket was refused (and closed).
    An observer joining an open room needs no query: the room remembers the rest (room.py)."""
    if conn.role != "observer" or session_id not in hub.rooms:
        with db_connection():
            session = ChatSession.get_or_none(ChatSession.id == session_id)
            if session is None:
                return refuse(conn, 4004, "not_found", "There is no such chat session.")
            if conn.role == "participant" and Sanction.barring(session_id, conn.youth_id, conn.device):
                return refuse(conn, 4009, "removed", "You can't take part in this session.")
            if conn.role == "staff":
                with db.atomic():
                    SessionStaff.insert(session=session_id, staff=conn.staff_id).on_conflict_ignore().execute()
    room = hub.add(session_id, conn)
    if conn.role == "observer":
        conn.send_now(welcome(None, conn, room))
    else:
        with db_connection():
            conn.send_now(welcome(None, conn, room))
    backlog = room.backlog(conn)
    for stream, seq, text in backlog:
        conn.deliver_catch_up(stream, seq, text)
    conn.go_live({"type": "caught_up"})
    return True


def refuse(conn, code, error, message):
    conn.send_now({"type": "error", "code": error, "message": message})
    conn.close(code, error)
    return False


def welcome(session, conn, room) -> dict:
    """The session and what everyone sees from the room's memory; the person's own items from the database."""
    session, payload, shared = room.memory.welcome_parts()
    you = {"role": conn.role, "can_moderate": can_moderate(conn, session)}
    if conn.role == "participant":
        you["handle"] = conn.handle
    if conn.role == "staff":
        you["staff"] = conn.staff.public()
    base = ChatMessage.select().where(ChatMessage.session == session.id, ChatMessage.channel == "public")
    body = {"type": "welcome", "session": {**payload, "state": session.state(), "presence": room.presence()},
            "you": you, "last_seq": room.delivered["public"], **shared}
    if conn.role == "participant":
        body["voted"] = [m.seq for m in base.join(MeToo, on=(MeToo.message == ChatMessage.id))
                         .where(MeToo.youth == conn.youth_id)]
        body["mine"] = [F.mine_item(m) for m in base.where(ChatMessage.youth == conn.youth_id,
                                                             ChatMessage.state.in_(("held", "rejected")))]
        until = Sanction.muted_until(session.id, conn.youth_id)
        body["muted_until"] = F.iso(until) if until else None
    if conn.role == "staff":
        body["queue"] = [F.queue_item(m) for m in ChatMessage.queue(session.id)]
        reports = {}                       # one item per reported message, the first report's id and reason
        for r in Report.select().join(ChatMessage).where(ChatMessage.session == session.id,
                                                         Report.resolved_at.is_null()).order_by(Report.id):
            reports.setdefault(r.message_id, {**F.report_item(r), "count": 0})["count"] += 1
        body["reports"] = list(reports.values())
        body["claims"] = {str(m.seq): {"id": m.claimed_by.id, "name": m.claimed_by.name}
                          for m in base.where(ChatMessage.claimed_by.is_null(False), ChatMessage.seq.is_null(False))}
        body["last_staff_seq"] = room.delivered["staff"]
        youth_says = base.where(ChatMessage.state == ChatMessage.PUBLISHED, ChatMessage.youth.is_null(False))
        body["flags"] = {str(m.seq): flag for m in youth_says if (flag := F.flag_of(m))}
    return body


# --- messages -------------------------------------------------------------------------------------

def say(conn, session, f: F.Say):
    state = session.state()
    if state == "closed":
        raise FrameError("session_closed", "This session has ended. See you next time!", cid=f.cid)
    if conn.role == "participant" and state != "open":
        raise FrameError("not_open", "The chat hasn't opened yet. You can ask ahead instead.", cid=f.cid)
    if conn.role == "participant":
        until = Sanction.muted_until(session.id, conn.youth_id)
        if until:
            raise FrameError("muted", "A moderator paused your messages for a while.",
                             retry_after=int((until - utcnow()).total_seconds()) + 1, cid=f.cid)
    limit(conn, session, "say")
    cid = f"{person_key(conn)}:{f.cid}"
    reason = None if conn.role == "staff" else (
        hold_reason(f.text) or ("premoderation" if session.moderation == "pre" else None))
    try:
        with write_transaction():
            existing = ChatMessage.get_or_none(ChatMessage.session == session.id, ChatMessage.cid == cid)
            if existing:
                return ack(conn, existing, duplicate=True)
            seq = None if reason else ChatSession.next_seq(session.id)     # the session row lock orders writers
            message = ChatMessage.create(session=session.id, seq=seq, cid=cid, youth=conn.youth, staff=conn.staff,
                                         text=f.text, is_question=f.question, hold_reason=reason,
                                         state=ChatMessage.HELD if reason else ChatMessage.PUBLISHED)
    except IntegrityError:                      # the same cid raced in from another socket: it is stored once
        return ack(conn, ChatMessage.get(ChatMessage.session == session.id, ChatMessage.cid == cid), duplicate=True)
    ack(conn, message)
    announce(message)


def ack(conn, message, duplicate=False):
    body = {"type": "ack", "cid": F.public_cid(message), "id": message.id, "seq": message.seq,
            "status": message.state}
    if message.state == ChatMessage.HELD:
        body["reason"] = message.hold_reason
    if message.state == ChatMessage.REJECTED:
        body["reason"] = message.reject_reason
    if duplicate:
        body["duplicate"] = True
    conn.send_now(F.flagged(body, message) if conn.role == "participant" else body)


def announce(message):
    """Fan out a just-stored message: to all when published, to staff's queue when held."""
    if message.state == ChatMessage.PUBLISHED:
        hub.publish(message.session_id, "all", F.message_frame(message), "public", message.seq)
        if F.flag_of(message):
            hub.publish(message.session_id, "staff", F.flag_frame(message))
    elif message.state == ChatMessage.HELD:
        hub.publish(message.session_id, "staff", {"type": "held", **F.queue_item(message)})


def metoo(conn, session, f: F.MeTooFrame):
    limit(conn, session, "metoo")
    message = find_message(session.id, seq=f.seq, published=True)
    if not message.is_question:
        raise FrameError("invalid", "You can add 'me too' to questions only.", {"seq": "is not a question"})
    with write_transaction():
        try:
            with db.atomic():
                MeToo.create(message=message.id, youth=conn.youth_id)
        except IntegrityError:
            return                       # voted already: nothing changes
        ChatMessage.update(votes=ChatMessage.votes + 1).where(ChatMessage.id == message.id).execute()
        votes = ChatMessage.select(ChatMessage.votes).where(ChatMessage.id == message.id).scalar()
    hub.publish(session.id, "all", {"type": "votes", "seq": message.seq, "votes": votes})


def answer(conn, session, f: F.AnswerFrame):
    if session.state() == "closed":
        raise FrameError("session_closed", "This session has ended.")
    limit(conn, session, "say")
    question = find_message(session.id, seq=f.seq, published=True)
    if question.kind != "say" or question.youth_id is None:
        raise FrameError("invalid", "Answer a young person's message.", {"seq": "is not a youth message"})
    link = str(f.link) if f.link else None
    with write_transaction():
        session.lock()
        if Answer.select().where(Answer.message == question.id).exists():
            raise FrameError("already_answered", "Someone already answered this question.")
        card = ChatMessage.create(session=session.id, seq=ChatSession.next_seq(session.id), cid=f"s{conn.staff_id}:a{question.id}",
                                  kind="answer", staff=conn.staff_id, text=f.reason, verdict=f.verdict, link=link,
                                  reply_to=question.id, state=ChatMessage.PUBLISHED)
        Answer.create(message=question.id, card=card.id, session=session.id, staff=conn.staff_id, question=question.text,
                      verdict=f.verdict, reason=f.reason, link=link)
        ChatMessage.update(claimed_by=None).where(ChatMessage.id == question.id).execute()
    hub.publish(session.id, "all", F.message_frame(card), "public", card.seq)


def claim(conn, session, f: F.Claim):
    limit(conn, session, "claim")
    question = find_message(session.id, seq=f.seq, published=True)
    with db.atomic():
        ChatMessage.update(claimed_by=conn.staff_id if f.claimed else None).where(ChatMessage.id == question.id).execute()
    who = {"id": conn.staff_id, "name": conn.staff.name} if f.claimed else None
    hub.publish(session.id, "staff", {"type": "claim", "seq": question.seq, "staff": who})


def staff_note(conn, session, f: F.StaffNote):
    limit(conn, session, "say")
    with write_transaction():
        note = ChatMessage.create(session=session.id, seq=ChatSession.next_seq(session.id, "staff"), channel="staff",
                                  cid=f"s{conn.staff_id}:{uuid.uuid4().hex}", staff=conn.staff_id, text=f.text,
                                  state=ChatMessage.PUBLISHED)
    hub.publish(session.id, "staff", F.staff_frame(note), "staff", note.seq)


def report(conn, session, f: F.ReportFrame):
    limit(conn, session, "report")
    message = find_message(session.id, seq=f.seq, published=True)
    with db.atomic():
        row = Report.create(message=message.id, youth=conn.youth_id, staff=conn.staff_id, reason=f.reason)
    waiting = Report.select().where(Report.message == message.id, Report.resolved_at.is_null())
    count = waiting.count()                # staff see one item per message: "reported by <count>"
    first = waiting.order_by(Report.id).first() or row
    hub.publish(session.id, "staff", {"type": "report", **F.report_item(first), "count": count})
    conn.send_now({"type": "ack", "cid": None, "id": row.id, "seq": message.seq, "status": "reported"})


def concern(conn, session, f: F.Concern):
    limit(conn, session, "concern")
    message = find_message(session.id, id=f.id, seq=f.seq)
    author = F.author(message) or {}
    with db.atomic():
        row = SafeguardingConcern.create(message=message.id, session=session.id, staff=conn.staff_id, note=f.note or None,
                                         detail={"text": message.text, "handle": author.get("handle"), "seq": message.seq})
        AuditLog.record(conn.staff, "chat.concern", row, session=session.id, message=message.id)
    hub.publish(session.id, "staff", {"type": "concern", "id": row.id, "seq": message.seq, "message_id": message.id,
                                      "note": row.note, "by": {"id": conn.staff_id, "name": conn.staff.name},
                                      "ts": F.iso(row.created_at)})
