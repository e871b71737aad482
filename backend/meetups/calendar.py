"""Calendars (RFC 5545, made with `icalendar`): one .ics per meetup, and a private feed per youth.

The private feed lives at an opaque token URL (whoever has it sees that youth's meetups and the
chat sessions; the youth can reset it). Times are written in the city's zone with its VTIMEZONE.
"""
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

from flask import Blueprint, Response, current_app, jsonify
from flask_login import current_user
from icalendar import Calendar, Event, vGeo

from ..api import api
from ..auth import youth_required
from ..clock import city_zone
from ..db import db
from ..errors import ApiError
from ..models import CalendarFeed, ChatSession, Meetup, Signup, utcnow

bp = Blueprint("calendar_feed", __name__)

STATUS = {Signup.CONFIRMED: "CONFIRMED", Signup.OFFERED: "TENTATIVE", Signup.WAITLISTED: "TENTATIVE",
          Signup.PENDING: "TENTATIVE"}
CHAT_PAST, CHAT_AHEAD = timedelta(days=14), timedelta(days=60)


def _host():
    return urlparse(current_app.config["PUBLIC_URL"]).hostname or "tuttu"


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(city_zone())


def new_calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Tuttu//Meetups and chat//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", city_zone().key)
    return cal


def meetup_event(meetup, status="CONFIRMED", stamp=None) -> Event:
    event = Event()
    event.add("uid", f"meetup-{meetup.id}@{_host()}")
    event.add("dtstamp", (stamp or utcnow()).replace(tzinfo=timezone.utc))
    event.add("dtstart", _local(meetup.starts_at))
    event.add("dtend", _local(meetup.ends_at))
    event.add("summary", meetup.title)
    event.add("location", ", ".join(p for p in (meetup.venue_name, meetup.venue_address) if p))
    if meetup.latitude is not None and meetup.longitude is not None:
        event.add("geo", vGeo((meetup.latitude, meetup.longitude)))
    event.add("description", meetup.description or "")
    event.add("url", f"{current_app.config['PUBLIC_URL']}/meetups/{meetup.id}")
    event.add("status", "CANCELLED" if meetup.cancelled_at else status)
    if meetup.updated_at:
        event.add("last-modified", meetup.updated_at.replace(tzinfo=timezone.utc))
    return event


def session_event(session) -> Event:
    event = Event()
    event.add("uid", f"chat-session-{session.id}@{_host()}")
    event.add("dtstamp", utcnow().replace(tzinfo=timezone.utc))
    event.add("dtstart", _local(session.starts_at))
    event.add("dtend", _local(session.ends_at))
    event.add("summary", session.title)
    event.add("url", f"{current_app.config['PUBLIC_URL']}/chat/{session.id}")
    return event


def finish(cal: Calendar, filename: str) -> Response:
    if cal.walk("VEVENT"):
        cal.add_missing_timezones()
    return Response(cal.to_ical(), mimetype="text/calendar", headers={
        "Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, max-age=300",
        "Referrer-Policy": "no-referrer"})


def youth_calendar(youth_id, now) -> Calendar:
    """A youth's meetups (not the declined or cancelled ones) and the chat sessions around now."""
    cal = new_calendar("Tuttu")
    for signup in Signup.of_youth(youth_id).where(Meetup.ends_at > now - CHAT_PAST):
        cal.add_component(meetup_event(signup.meetup, STATUS[signup.status]))
    sessions = ChatSession.select().where(ChatSession.starts_at > now - CHAT_PAST,
                                          ChatSession.starts_at < now + CHAT_AHEAD)
    for session in sessions.order_by(ChatSession.starts_at):
        cal.add_component(session_event(session))
    return cal


@bp.get("/api/meetups/<int:meetup_id>.ics")
@api.validate(tags=["meetups"])
def meetup_ics(meetup_id):
    """One meetup as an iCalendar file, to add it to a phone's calendar."""
    meetup = Meetup.get_by_id(meetup_id)
    cal = new_calendar(meetup.title)
    cal.add("method", "PUBLISH")
    cal.add_component(meetup_event(meetup))
    return finish(cal, f"tuttu-meetup-{meetup.id}.ics")


@bp.get("/api/calendar/<token>.ics")
@api.validate(tags=["meetups"])
def private_feed(token):
    """A youth's private calendar feed (subscribe to it in a calendar app)."""
    feed = CalendarFeed.get_or_none(CalendarFeed.token == token)
    if feed is None or len(token) > 64:
        raise ApiError(404, "not_found", "This calendar link was reset or never existed.")
    return finish(youth_calendar(feed.youth_id, utcnow()), "tuttu.ics")


def _feed_payload(feed):
    path = f"/api/calendar/{feed.token}.ics"
    return {"path": path, "url": f"{current_app.config['PUBLIC_URL']}{path}"}


@bp.get("/api/meetups/calendar")
@youth_required
@api.validate(tags=["meetups"])
def my_calendar_link():
    """The address of my private calendar feed (made on first use)."""
    with db.atomic():
        feed = CalendarFeed.for_youth(current_user.id)
    response = jsonify(_feed_payload(feed))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/meetups/calendar/reset")
@youth_required
@api.validate(tags=["meetups"])
def reset_my_calendar_link():
    """A new private calendar address; the old one stops working at once."""
    with db.atomic():
        feed = CalendarFeed.for_youth(current_user.id, reset=True)
    response = jsonify(_feed_payload(feed))
    response.headers["Cache-Control"] = "no-store"
    return response
