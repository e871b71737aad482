"""Reports: what the service achieves, in counts only (nothing that identifies a youth).

Per chat session: presence (the most observers, participants, staff and people in all connected at once,
and how many different young people joined, as the chat hub stored them in SessionPresence), young people
who wrote, messages, questions asked / answered / held by a rule (word or personal detail, not mere
pre-moderation) / rejected, messages marked "may need help", the median time to a first answer, reminders
sent and delivered. Over time (the last 12 months): visitors (each browser counts itself once a month and
sends nothing that identifies it), sessions, answers published, meetup sign-ups, attendance and no-shows
per month; posts and followers per sector. Each as JSON (for the charts and their tables) and as CSV.
"""
import csv
import io
from datetime import datetime
from statistics import median

from flask import Blueprint, Response, jsonify
from peewee import fn

from ..api import api
from ..auth import staff_required
from ..chat.moderation import flag_reason
from ..clock import iso
from ..errors import ApiError
from ..models import (
    Answer,
    ChatMessage,
    ChatSession,
    Delivery,
    Follow,
    Meetup,
    MonthlyVisits,
    Notification,
    Post,
    Sector,
    SessionPresence,
    Signup,
    Staff,
    utcnow,
)
from ..security import csrf, limiter

bp = Blueprint("console_reports", __name__)
READERS = (Staff.ADMIN, Staff.YOUTH_WORKER)
MONTHS = 12


def session_report(session: ChatSession) -> dict:
    public = ChatMessage.select().where(ChatMessage.session == session, ChatMessage.channel == "public")
    youth = public.where(ChatMessage.youth.is_null(False), ChatMessage.kind == "say")
    questions = list(youth.where(ChatMessage.is_question == True))  # noqa: E712
    asked_at = {q.id: q.created_at for q in questions}
    answers = list(Answer.select().where(Answer.session == session))
    first = {}
    for answer in answers:
        if answer.message in asked_at:
            first[answer.message] = min(first.get(answer.message, answer.created_at), answer.created_at)
    waits = [(at - asked_at[qid]).total_seconds() for qid, at in first.items()]
    reminders = Notification.select(Notification.id).where(Notification.kind == "session", Notification.ref == session.id)
    deliveries = Delivery.counts(Delivery.notification.in_(reminders))
    return {
        "id": session.id, "title": session.title, "starts_at": iso(session.starts_at), "ends_at": iso(session.ends_at),
        "state": session.state(),
        "presence": SessionPresence.of(session.id),
        "counts": {
            "participants_writing": youth.select(fn.COUNT(ChatMessage.youth.distinct())).scalar() or 0,
            "youth_messages": youth.count(),
            "questions_asked": len(questions),
            "questions_answered": len(first),
            "answers_published": sum(1 for a in answers if a.published_at),
            "questions_held": sum(1 for q in questions if q.hold_reason not in (None, "premoderation")),
            "questions_rejected": sum(1 for q in questions if q.state == ChatMessage.REJECTED),
            "may_need_help": sum(1 for m in youth.where(ChatMessage.state != ChatMessage.DELETED) if flag_reason(m.text)),
            "reminders_sent": sum(n for status, n in deliveries.items() if status not in (Delivery.QUEUED, Delivery.DROPPED)),
            "reminders_delivered": deliveries.get(Delivery.SENT, 0),
        },
        "median_seconds_to_first_answer": round(median(waits)) if waits else None,
    }


def month_keys(now, months=MONTHS) -> list[str]:
    keys, year, month = [], now.year, now.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def by_month(values, keys) -> list[int]:
    counts = dict.fromkeys(keys, 0)
    for value in values:
        key = value.strftime("%Y-%m") if value else None
        if key in counts:
            counts[key] += 1
    return [counts[k] for k in keys]


def overview(now=None) -> dict:
    now = now or utcnow()
    keys = month_keys(now)
    start = datetime(int(keys[0][:4]), int(keys[0][5:]), 1)
    sessions = [s.starts_at for s in ChatSession.select(ChatSession.starts_at)
                .where(ChatSession.starts_at >= start, ChatSession.starts_at <= now)]
    published = [a.published_at for a in Answer.select(Answer.published_at).where(Answer.published_at >= start)]
    signups = list(Signup.select(Signup.status, Signup.checked_in_at, Meetup.starts_at, Meetup.ends_at)
                   .join(Meetup).where(Meetup.starts_at >= start, Meetup.cancelled_at.is_null()).tuples())
    held = [row for row in signups if row[0] in Signup.HOLDS_PLACE]
    attended = [row[2] for row in signups if row[1]]
    no_show = [row[2] for row in held if not row[1] and row[3] <= now]
    visits = MonthlyVisits.by_month(keys)
    posts = dict(Post.select(Post.sector, fn.COUNT(Post.id)).group_by(Post.sector).tuples())
    followers = dict(Follow.select(Follow.sector, fn.COUNT(Follow.id)).where(Follow.sector.is_null(False))
                     .group_by(Follow.sector).tuples())
    sectors = [{"sector": s.name, "posts": posts.get(s.id, 0), "followers": followers.get(s.id, 0)}
               for s in Sector.in_order()]
    if posts.get(None):
        sectors.append({"sector": None, "posts": posts[None], "followers": 0})
    return {
        "months": keys,
        "monthly": {
            "visitors": [visits.get(k, 0) for k in keys],
            "sessions": by_month(sessions, keys),
            "answers_published": by_month(published, keys),
            "meetup_signups": by_month([row[2] for row in held], keys),
            "meetup_attended": by_month(attended, keys),
            "meetup_no_shows": by_month(no_show, keys),
        },
        "sectors": sectors,
    }


def csv_response(rows, filename):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def reported_session(session_id) -> ChatSession:
    session = ChatSession.get_or_none(ChatSession.id == session_id)
    if session is None:
        raise ApiError(404, "not_found", "No such chat session.")
    return session


@bp.get("/api/console/reports/sessions")
@staff_required(*READERS)
@api.validate(tags=["console"])
def report_sessions():
    """Sessions that have started, newest first (youth workers and admins)."""
    rows = (ChatSession.select().where(ChatSession.starts_at <= utcnow())
            .order_by(ChatSession.starts_at.desc()).limit(50))
    return jsonify(sessions=[{"id": s.id, "title": s.title, "starts_at": iso(s.starts_at), "state": s.state()}
                             for s in rows])


@bp.get("/api/console/reports/sessions/<int:session_id>")
@staff_required(*READERS)
@api.validate(tags=["console"])
def report_session(session_id):
    """One session's report: counts only (youth workers and admins)."""
    return jsonify(session_report(reported_session(session_id)))


@bp.get("/api/console/reports/sessions/<int:session_id>.csv")
@staff_required(*READERS)
@api.validate(tags=["console"])
def report_session_csv(session_id):
    """One session's report as CSV."""
    report = session_report(reported_session(session_id))
    rows = [["measure", "value"], *report["presence"].items(), *report["counts"].items(),
            ["median_seconds_to_first_answer", report["median_seconds_to_first_answer"] if
             report["median_seconds_to_first_answer"] is not None else ""]]
    return csv_response(rows, f"tuttu-session-{session_id}.csv")


@bp.get("/api/console/reports/overview")
@staff_required(*READERS)
@api.validate(tags=["console"])
def report_overview():
    """The last 12 months and the sectors, in counts (youth workers and admins)."""
    return jsonify(overview())


@bp.get("/api/console/reports/overview.csv")
@staff_required(*READERS)
@api.validate(tags=["console"])
def report_overview_csv():
    """The monthly counts and the sector counts as CSV."""
    data = overview()
    rows = [["month", *data["monthly"].keys()]]
    for i, month in enumerate(data["months"]):
        rows.append([month, *(series[i] for series in data["monthly"].values())])
    rows += [[], ["sector", "posts", "followers"]]
    rows += [[s["sector"] or "city-wide", s["posts"], s["followers"]] for s in data["sectors"]]
    return csv_response(rows, "tuttu-overview.csv")


@bp.post("/api/visits")
@limiter.limit("30 per hour")              # per address: a school's shared address still counts its pupils
@api.validate(tags=["console"])
def count_visit():
    """A browser opened the app for the first time this month (it remembers that itself). Nothing about it is
    stored: no address, cookie or id, only the month's count goes up. No CSRF token: no session is needed."""
    MonthlyVisits.count_one(utcnow().strftime("%Y-%m"))
    return "", 204


csrf.exempt(count_visit)
