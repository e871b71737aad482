"""Host and moderator actions on a session: the queue, sanctions, modes, publishing answers, closing.

Every action is written to the audit log with who did it.
"""
from datetime import timedelta

from ..db import db
from ..models import Answer, AuditLog, ChatMessage, ChatSession, Report, Sanction, utcnow
from ..models.chat import write_transaction
from . import frames as F
from .actions import announce, can_moderate, find_message
from .frames import FrameError
from .hub import hub
from .planning import session_state_frame


def moderate(conn, session, f: F.Moderate):
    if not can_moderate(conn, session):
        raise FrameError("forbidden", "Only the host and youth workers can moderate.")
    ACTIONS[f.action](conn, session, f)


def by(conn):
    return {"id": conn.staff_id, "name": conn.staff.name}


def target(session, f, published=False):
    if f.id is None and f.seq is None:
        raise FrameError("invalid", "Name the message by id or seq.", {"id": "is required"})
    return find_message(session.id, id=f.id, seq=f.seq, published=published)


def approve(conn, session, f):
    message = target(session, f)
    with write_transaction():
        session.lock()
        changed = (ChatMessage.update(state=ChatMessage.PUBLISHED, seq=ChatSession.next_seq(session.id),
                                      moderated_by=conn.staff_id, moderated_at=utcnow())
                   .where(ChatMessage.id == message.id, ChatMessage.state == ChatMessage.HELD).execute())
        if not changed:
            raise FrameError("conflict", "Someone already moderated this message.")
        AuditLog.record(conn.staff, "chat.approve", message, session=session.id)
    message = ChatMessage.get_by_id(message.id)
    announce(message)
    after_moderation(conn, session, message, "approve")


def reject(conn, session, f):
    if not f.reason:
        raise FrameError("invalid", "Tell the sender why (they will see it).", {"reason": "is required"})
    message = target(session, f)
    with write_transaction():
        changed = (ChatMessage.update(state=ChatMessage.REJECTED, reject_reason=f.reason, moderated_by=conn.staff_id,
                                      moderated_at=utcnow())
                   .where(ChatMessage.id == message.id, ChatMessage.state == ChatMessage.HELD).execute())
        if not changed:
            raise FrameError("conflict", "Someone already moderated this message.")
        AuditLog.record(conn.staff, "chat.reject", message, session=session.id, reason=f.reason)
    after_moderation(conn, session, ChatMessage.get_by_id(message.id), "reject")


def after_moderation(conn, session, message, action):
    hub.publish(session.id, "staff", {"type": "moderated", "action": action, "id": message.id, "by": by(conn)})
    if message.youth_id:
        status = {"type": "status", "cid": F.public_cid(message), "id": message.id, "seq": message.seq,
                  "status": message.state}
        if message.state == ChatMessage.REJECTED:
            status["reason"] = message.reject_reason
        hub.publish(session.id, f"youth:{message.youth_id}", status)


def delete(conn, session, f):
    message = target(session, f, published=True)
    with write_transaction():
        ChatMessage.update(state=ChatMessage.DELETED, moderated_by=conn.staff_id, moderated_at=utcnow()).where(
            ChatMessage.id == message.id).execute()
        AuditLog.record(conn.staff, "chat.delete", message, session=session.id)
    hub.publish(session.id, "all", {"type": "removed", "seq": message.seq})
    after_moderation(conn, session, ChatMessage.get_by_id(message.id), "delete")


def sanction(conn, session, f, kind):
    message = target(session, f)
    if not message.youth_id:
        raise FrameError("invalid", "Only young participants can be muted or removed.")
    until = utcnow() + timedelta(minutes=f.minutes or 10) if kind == "mute" else None
    device = None
    if kind == "block":
        device = next((c.device for c in hub.connections(session.id) if c.youth_id == message.youth_id and c.device), None)
    with db.atomic():
        row = Sanction.create(session=session.id, youth=message.youth_id, kind=kind, until=until, staff=conn.staff_id,
                              device=device)
        AuditLog.record(conn.staff, f"chat.{kind}", row, session=session.id, message=message.id,
                        minutes=f.minutes if kind == "mute" else None)
    if kind == "mute":
        hub.publish(session.id, f"youth:{message.youth_id}", {"type": "sanction", "kind": "mute", "until": F.iso(until)})
    else:
        hub.kick(session.id, kind, youth_id=message.youth_id, device=device)
    hub.publish(session.id, "staff", {"type": "moderated", "action": kind, "id": message.id, "by": by(conn)})


def set_mode(conn, session, f, **changes):
    with db.atomic():
        ChatSession.update(**changes).where(ChatSession.id == session.id).execute()
        AuditLog.record(conn.staff, f"chat.{f.action}", session, **{k: str(v) for k, v in changes.items()})
    hub.publish(session.id, "all", session_state_frame(ChatSession.get_by_id(session.id)))


def slow(conn, session, f):
    seconds = f.seconds or 0
    if 0 < seconds < 5:
        raise FrameError("invalid", "Slow mode is 5 to 300 seconds, or 0 to turn it off.", {"seconds": "5..300 or 0"})
    set_mode(conn, session, f, slow_mode_seconds=seconds)


def mode(conn, session, f):
    if f.mode is None:
        raise FrameError("invalid", "Choose pre or open.", {"mode": "is required"})
    set_mode(conn, session, f, moderation=f.mode)


def close(conn, session, f):
    set_mode(conn, session, f, closed_at=utcnow())


def publish(conn, session, f):
    if f.seq is None:
        raise FrameError("invalid", "Name the answer card by seq.", {"seq": "is required"})
    message = find_message(session.id, seq=f.seq, published=True)
    answer = Answer.get_or_none((Answer.card == message.id) | (Answer.message == message.id))
    if answer is None:
        raise FrameError("not_found", "That message has no answer card yet.")
    from .search import publish_answer
    with db.atomic():
        publish_answer(answer, conn.staff, f.topic)
    hub.publish(session.id, "all", {"type": "archived", "seq": message.seq, "answer_id": answer.id, "topic": answer.topic})


def dismiss_report(conn, session, f):
    report = Report.select().join(ChatMessage).where(Report.id == (f.report_id or 0),
                                                     ChatMessage.session == session.id).first()
    if report is None:
        raise FrameError("not_found", "No such report in this session.")
    with db.atomic():
        Report.update(resolved_at=utcnow()).where(Report.message == report.message_id,    # the whole collapsed item
                                                  Report.resolved_at.is_null()).execute()
        AuditLog.record(conn.staff, "chat.dismiss_report", report, session=session.id)
    hub.publish(session.id, "staff", {"type": "moderated", "action": "dismiss_report", "report_id": report.id,
                                      "by": by(conn)})


ACTIONS = {"approve": approve, "reject": reject, "delete": delete, "slow": slow, "mode": mode, "close": close,
           "publish": publish, "dismiss_report": dismiss_report,
           "mute": lambda c, s, f: sanction(c, s, f, "mute"), "remove": lambda c, s, f: sanction(c, s, f, "remove"),
           "block": lambda c, s, f: sanction(c, s, f, "block")}
