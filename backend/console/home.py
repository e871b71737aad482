"""The staff home: what each role needs first. An officer: their posts (and "Write"), followers, upcoming
chat sessions and meetups, questions waiting. A youth worker: next sessions with their queues. An organiser:
their meetups with sign-ups, waitlists, approvals and check-in. An admin: who waits for verification.
Counts only: nothing here names a youth."""
from flask import Blueprint, jsonify
from peewee import fn

from ..api import api
from ..auth import current_staff, staff_required
from ..clock import iso
from ..models import (
    Answer,
    ChatMessage,
    ChatSession,
    Follow,
    Invite,
    Meetup,
    MeetupOfficer,
    Post,
    Signup,
    Staff,
    utcnow,
)

bp = Blueprint("console_home", __name__)


def session_rows(sessions, now) -> list:
    ids = [s.id for s in sessions]
    held = dict(ChatMessage.select(ChatMessage.session, fn.COUNT(ChatMessage.id))
                .where(ChatMessage.session.in_(ids or [0]), ChatMessage.channel == "public",
                       ChatMessage.state == ChatMessage.HELD).group_by(ChatMessage.session).tuples())
    waiting = dict(waiting_questions(ids).group_by(ChatMessage.session)
                   .select(ChatMessage.session, fn.COUNT(ChatMessage.id)).tuples())
    return [{"id": s.id, "title": s.title, "starts_at": iso(s.starts_at), "ends_at": iso(s.ends_at),
             "state": s.state(now), "host": s.host.name if s.host_id else None,
             "held": held.get(s.id, 0), "questions_waiting": waiting.get(s.id, 0)} for s in sessions]


def waiting_questions(session_ids):
    """Published youth questions without an answer card yet."""
    answered = Answer.select(Answer.message).where(Answer.message.is_null(False))
    return ChatMessage.select().where(ChatMessage.session.in_(list(session_ids) or [0]),
                                      ChatMessage.channel == "public", ChatMessage.is_question == True,  # noqa: E712
                                      ChatMessage.state == ChatMessage.PUBLISHED, ChatMessage.id.not_in(answered))


def meetup_rows(meetups) -> list:
    counts = Meetup.counts([m.id for m in meetups])
    checked = dict(Signup.select(Signup.meetup, fn.COUNT(Signup.id))
                   .where(Signup.meetup.in_([m.id for m in meetups] or [0]), Signup.checked_in_at.is_null(False))
                   .group_by(Signup.meetup).tuples())
    rows = []
    for m in meetups:
        c = counts.get(m.id, {})
        rows.append({"id": m.id, "title": m.title, "starts_at": iso(m.starts_at), "venue": m.venue_name,
                     "capacity": m.capacity, "cancelled": m.cancelled_at is not None,
                     "confirmed": c.get(Signup.CONFIRMED, 0) + c.get(Signup.OFFERED, 0),
                     "waitlisted": c.get(Signup.WAITLISTED, 0), "pending": c.get(Signup.PENDING, 0),
                     "checked_in": checked.get(m.id, 0),
                     "organise": f"/meetups/{m.id}/organise"})
    return rows


def last_session(now):
    return (ChatSession.select().where((ChatSession.ends_at <= now) | ChatSession.closed_at.is_null(False))
            .order_by(ChatSession.starts_at.desc()).first())


@bp.get("/api/console/home")
@staff_required()
@api.validate(tags=["console"])
def staff_home():
    """My staff home, by role (verified staff)."""
    me = current_staff()
    now = utcnow()
    upcoming = list(ChatSession.upcoming(now).limit(4))
    home = {"role": me.role, "name": me.name, "sessions": session_rows(upcoming, now)}
    if me.role == Staff.OFFICER:
        posts = Post.select().where(Post.author == me).order_by(Post.created_at.desc(), Post.id.desc()).limit(5)
        home["posts"] = [p.public() for p in posts]
        home["followers"] = Follow.follower_count(me.id)
        home["sector_followers"] = Follow.sector_follower_count(me.sector_id) if me.sector_id else None
        meetups = (Meetup.select().join(MeetupOfficer).where((MeetupOfficer.officer == me) & (Meetup.ends_at > now)
                                                              & Meetup.cancelled_at.is_null())
                   .order_by(Meetup.starts_at).limit(5))
        home["meetups"] = [{"id": m.id, "title": m.title, "starts_at": iso(m.starts_at), "venue": m.venue_name}
                           for m in meetups]
        home["questions_waiting"] = waiting_questions([s.id for s in upcoming if s.state(now) != "scheduled"]).count()
    elif me.role == Staff.YOUTH_WORKER:
        last = last_session(now)
        home["last_session"] = ({"id": last.id, "title": last.title, "starts_at": iso(last.starts_at),
                                 "report": f"/console/reports/sessions/{last.id}"} if last else None)
    elif me.role in (Staff.ORGANISER, Staff.ADMIN):
        meetups = list(Meetup.managed_by(me).where(Meetup.ends_at > now).order_by(Meetup.starts_at).limit(10))
        home["meetups"] = meetup_rows(meetups)
        home["no_youth_centre"] = me.role == Staff.ORGANISER and not me.youth_centre_id
        home["centre_retired"] = me.role == Staff.ORGANISER and bool(me.youth_centre_id) and me.youth_centre.is_retired
    if me.role == Staff.ADMIN:
        home["unverified"] = Staff.select().where(Staff.verified_at.is_null(), Staff.active == True).count()  # noqa: E712
        home["open_invites"] = Invite.select().where(Invite.used_at.is_null(), Invite.revoked_at.is_null(),
                                                     Invite.expires_at > now).count()
    return jsonify(home)
