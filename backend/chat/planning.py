"""Planning sessions from the weekly schedule (city time, correct across DST) and what a session looks like."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from ..clock import city_zone, iso
from ..db import db
from ..models import ChatMessage, ChatSchedule, ChatSession, SessionStaff, Staff, utcnow

PLAN_DAYS = 14


def local_to_utc(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a date in the city, as naive UTC (that date's own offset: DST-correct)."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def occurrences(slot: ChatSchedule, now: datetime, days: int = PLAN_DAYS, zone=None):
    """UTC (start, end) of a slot's sessions that have not ended, over the next `days` days."""
    zone = zone or city_zone()
    today = now.replace(tzinfo=timezone.utc).astimezone(zone).date()
    for offset in range(-1, days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() != slot.weekday:
            continue
        start = local_to_utc(day, slot.starts, zone)
        end = start + timedelta(minutes=slot.minutes)
        if end > now:
            yield start, end


def default_slot():
    """With no slot ever configured: Monday 16:00-18:00."""
    if not ChatSchedule.select().exists():
        with db.atomic():
            ChatSchedule.create(weekday=0, starts="16:00", minutes=120, title="Monday chat")


def plan_sessions(now=None):
    """Create the sessions of the active slots for the next two weeks (safe to run concurrently)."""
    now = now or utcnow()
    default_slot()
    for slot in ChatSchedule.select().where(ChatSchedule.active == True):  # noqa: E712
        for start, end in occurrences(slot, now):
            if ChatSession.select().where(ChatSession.schedule == slot.id, ChatSession.starts_at == start).exists():
                continue
            try:
                with db.atomic():
                    ChatSession.create(title=slot.title, starts_at=start, ends_at=end, schedule=slot.id,
                                       host=slot.host_id)
            except IntegrityError:
                pass                      # another process planned it first


def replan_slot(slot: ChatSchedule, now=None):
    """A changed or removed slot: drop its future sessions that have no messages yet, then plan again."""
    now = now or utcnow()
    future = ChatSession.select(ChatSession.id).where(ChatSession.schedule == slot.id,
                                                      ChatSession.starts_at > now + timedelta(minutes=15))
    used = ChatMessage.select(ChatMessage.session).where(ChatMessage.session.in_(future))
    with db.atomic():
        ChatSession.delete().where(ChatSession.id.in_(future), ChatSession.id.not_in(used)).execute()
    plan_sessions(now)


def next_session(now=None):
    """The open or lobby session, else the next scheduled one, or None."""
    now = now or utcnow()
    plan_sessions(now)
    return ChatSession.upcoming(now).first()


def session_payload(session: ChatSession, presence=None, now=None) -> dict:
    roster = (Staff.select().join(SessionStaff).where(SessionStaff.session == session.id).order_by(Staff.name))
    return {
        "id": session.id, "title": session.title, "state": session.state(now),
        "lobby_at": iso(session.lobby_at), "starts_at": iso(session.starts_at), "ends_at": iso(session.ends_at),
        "closed_at": iso(session.closed_at), "moderation": session.moderation,
        "slow_mode_seconds": session.slow_mode_seconds, "one_off": session.schedule_id is None,
        "host": session.host.public() if session.host_id else None,
        "staff": [s.public() for s in roster if s.active],
        "presence": presence or {"participants": 0, "observers": 0, "staff": 0},
        "ws": f"/ws/sessions/{session.id}",
    }


def session_state_frame(session: ChatSession) -> dict:
    return {"type": "state", "state": session.state(), "moderation": session.moderation,
            "slow_mode_seconds": session.slow_mode_seconds, "ends_at": iso(session.ends_at),
            "closed_at": iso(session.closed_at)}


def open_session_now(minutes: int, title="Chat", host=None, now=None) -> ChatSession:
    """A one-off session that is open from now on for `minutes`."""
    now = now or utcnow()
    with db.atomic():
        return ChatSession.create(title=title, starts_at=now, ends_at=now + timedelta(minutes=minutes), host=host)
