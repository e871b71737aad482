"""What the API says about meetups and sign-ups (public, the youth's own, the organiser's)."""
from flask import current_app

from ..clock import iso
from ..models import Meetup, MeetupMessage, Setting, Signup


def places(meetup, counts: dict) -> dict:
    """Places and waitlist left; `full` when nobody else can sign up (approval mode counts pending too)."""
    taken = counts.get(Signup.CONFIRMED, 0) + counts.get(Signup.OFFERED, 0)
    waitlisted, pending = counts.get(Signup.WAITLISTED, 0), counts.get(Signup.PENDING, 0)
    places_left = max(meetup.capacity - taken, 0)
    waitlist_left = max(meetup.waitlist_size - waitlisted, 0)
    if meetup.approval_required:
        full = taken + waitlisted + pending >= meetup.capacity + meetup.waitlist_size
    else:
        full = places_left == 0 and waitlist_left == 0
    return {"capacity": meetup.capacity, "waitlist_size": meetup.waitlist_size, "places_left": places_left,
            "waitlist_left": waitlist_left, "waitlisted": waitlisted, "full": full}


def summary(meetup, counts: dict, now) -> dict:
    """A meetup in a list: enough to choose one."""
    sector = meetup.sector
    return {
        "id": meetup.id, "title": meetup.title, "kind": meetup.kind,
        "venue_name": meetup.venue_name, "starts_at": iso(meetup.starts_at), "ends_at": iso(meetup.ends_at),
        "sector": {"id": sector.id, "name": sector.name} if sector else None,
        "min_age": meetup.min_age, "max_age": meetup.max_age,
        "consent_required": meetup.consent_required, "approval_required": meetup.approval_required,
        "languages": meetup.language_list, "signup_open": meetup.signup_window_open(now) and not meetup.cancelled_at,
        "cancelled": meetup.cancelled_at is not None, **places(meetup, counts),
    }


def detail(meetup, now, signup=None, can_manage=False) -> dict:
    """The meetup page: everything public, the officers taking part, my sign-up when I have one."""
    centre = meetup.youth_centre
    data = summary(meetup, Meetup.counts([meetup.id])[meetup.id], now)
    data.update({
        "description": meetup.description, "venue_address": meetup.venue_address,
        "latitude": meetup.latitude, "longitude": meetup.longitude,
        "youth_centre": {"id": centre.id, "name": centre.name} if centre else None,
        "organiser": meetup.organiser.public() if meetup.organiser else None,
        "officers": [officer.public() for officer in meetup.officers()],
        "signup_opens_at": iso(meetup.signup_opens_at), "signup_closes_at": iso(meetup.signup_closes_at),
        "claim_window_hours": meetup.claim_window_hours, "cancel_reason": meetup.cancel_reason,
        "personal_data_days": Setting.retention_days("MEETUP_PERSONAL_DATA_DAYS", current_app.config, 14),
        "can_manage": can_manage, "me": my_signup(signup) if signup is not None else None,
    })
    if can_manage or (signup is not None and signup.active):
        data["messages"] = [{"text": m.text, "at": iso(m.created_at)}
                            for m in meetup.messages.order_by(MeetupMessage.created_at.desc()).limit(20)]
    return data


def my_signup(signup) -> dict:
    """The youth's own sign-up: status, place in line, claim-by time, the check-in code."""
    holds = signup.status == Signup.CONFIRMED
    return {
        "status": signup.status, "position": signup.waitlist_position(), "claim_by": iso(signup.claim_by),
        "first_name": signup.first_name, "age": signup.age,
        "check_in_code": signup.ticket if holds else None, "checked_in": signup.checked_in_at is not None,
    }


def attendee(signup, with_guardian: bool) -> dict:
    """A sign-up as the organiser sees it: a first name, never the youth's handle."""
    data = {
        "id": signup.id, "first_name": signup.first_name, "age": signup.age, "status": signup.status,
        "arrival": signup.arrival, "claim_by": iso(signup.claim_by), "checked_in_at": iso(signup.checked_in_at),
        "signed_up_at": iso(signup.created_at),
    }
    if with_guardian:
        data["guardian"] = {"name": signup.guardian_name, "phone": signup.guardian_phone,
                            "email": signup.guardian_email}
    return data
