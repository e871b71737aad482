"""Meetups for youth: browse upcoming ones, sign up, cancel, claim an offered place, my meetups.

The organiser's side lives in organiser.py, calendars in calendar.py,
check-in codes in tickets.py, the rules of places and the waitlist in
signups.py (all in backend/meetups/). Public functions other features may call:
    upcoming_meetups(now, sector=None, kind=None, age=None, limit=20) -> list of summaries
    upcoming_in_sector(sector, limit=5) -> the same, for one sector (the sector page uses it)
"""
import re
from datetime import timedelta
from typing import Annotated, Literal

from flask import Blueprint, Response, jsonify
from flask_login import current_user
from pydantic import AfterValidator, EmailStr, Field

from ..api import Body, Line, api, json_body, query_args
from ..auth import current_staff, current_youth, youth_required
from ..errors import ApiError
from ..models import Meetup, Signup, utcnow
from ..security import limiter
from .payloads import detail, my_signup, summary
from .signups import Entry, cancel_signup, claim_offer, sign_up
from .tickets import qr_svg

bp = Blueprint("meetups", __name__)

RECENT = timedelta(days=1)     # "my meetups" keeps a meetup for a day after it ends
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,22}$")


def _phone(value: str) -> str:
    if not PHONE.match(value) or sum(c.isdigit() for c in value) < 6:
        raise ValueError("is not a phone number (digits, spaces, + and - only)")
    return value


class MeetupQuery(Body):
    sector: int | None = Field(default=None, ge=1)
    kind: Literal[Meetup.KINDS] | None = None
    age: int | None = Field(default=None, ge=5, le=30)
    limit: int = Field(default=50, ge=1, le=100)


class SignupBody(Body):
    first_name: Line(40)
    age: int = Field(ge=1, le=99)
    guardian_name: Line(120) | None = None
    guardian_phone: Annotated[Line(30), AfterValidator(_phone)] | None = None
    guardian_email: EmailStr | None = None


def upcoming_meetups(now=None, sector=None, kind=None, age=None, limit=20) -> list:
    """Upcoming meetups (soonest first) with places left; e.g. for a sector's page."""
    now = now or utcnow()
    meetups = list(Meetup.upcoming(now, sector=sector, kind=kind, age=age).limit(limit))
    counts = Meetup.counts([m.id for m in meetups])
    return [summary(m, counts[m.id], now) for m in meetups]


def upcoming_in_sector(sector, limit=5) -> list:
    """Upcoming meetups of one sector (a Sector or its id), soonest first."""
    return upcoming_meetups(sector=getattr(sector, "id", sector), limit=limit)


def _youth_key():
    return f"meetups:youth:{current_user.get_id()}"


@bp.get("/api/meetups")
@api.validate(query=MeetupQuery, tags=["meetups"])
def list_meetups():
    """Upcoming meetups, soonest first, filtered by sector, kind and age, with places left."""
    q = query_args()
    return jsonify(items=upcoming_meetups(sector=q.sector, kind=q.kind, age=q.age, limit=q.limit))


@bp.get("/api/meetups/<int:meetup_id>")
@api.validate(tags=["meetups"])
def show_meetup(meetup_id):
    """One meetup with the officers taking part (and my sign-up, for a youth)."""
    meetup = Meetup.get_by_id(meetup_id)
    youth = current_youth()
    signup = Signup.of(meetup.id, youth.id) if youth else None
    response = jsonify(detail(meetup, utcnow(), signup, meetup.can_be_managed_by(current_staff())))
    if youth or current_staff():
        response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.post("/api/meetups/<int:meetup_id>/signups")
@limiter.limit("20 per minute", key_func=_youth_key)
@youth_required
@api.validate(json=SignupBody, tags=["meetups"])
def create_signup(meetup_id):
    """Sign up: a place, the waitlist, or waiting for approval; or a refusal that says why."""
    body = json_body()
    entry = Entry(first_name=body.first_name, age=body.age, guardian_name=body.guardian_name,
                  guardian_phone=body.guardian_phone,
                  guardian_email=str(body.guardian_email).lower() if body.guardian_email else None)
    signup = sign_up(meetup_id, current_user.id, entry, utcnow())
    return jsonify(my_signup(signup)), 201


@bp.delete("/api/meetups/<int:meetup_id>/signups/me")
@youth_required
@api.validate(tags=["meetups"])
def delete_my_signup(meetup_id):
    """Cancel my sign-up; my place goes to the first in line."""
    cancel_signup(meetup_id, current_user.id, utcnow())
    return "", 204


@bp.post("/api/meetups/<int:meetup_id>/signups/me/claim")
@youth_required
@api.validate(tags=["meetups"])
def claim_my_place(meetup_id):
    """Take the place offered to me from the waitlist."""
    return jsonify(my_signup(claim_offer(meetup_id, current_user.id, utcnow())))


@bp.get("/api/meetups/<int:meetup_id>/signups/me/qr.svg")
@youth_required
@api.validate(tags=["meetups"])
def my_qr_code(meetup_id):
    """My check-in QR code (SVG): a signed code and nothing else."""
    signup = Signup.of(meetup_id, current_user.id)
    if signup is None or signup.status != Signup.CONFIRMED:
        raise ApiError(404, "no_ticket", "You have no confirmed place at this meetup.")
    # private, but the app may keep it: the ticket must show at a door with no signal
    return Response(qr_svg(signup), mimetype="image/svg+xml", headers={"Cache-Control": "private, no-cache"})


@bp.get("/api/meetups/mine")
@youth_required
@api.validate(tags=["meetups"])
def my_meetups():
    """My meetups: confirmed, waitlisted with my position, offered with the claim-by time."""
    now = utcnow()
    signups = list(Signup.of_youth(current_user.id, Signup.ACTIVE + (Signup.DECLINED,))
                   .where(Meetup.ends_at > now - RECENT))
    counts = Meetup.counts([s.meetup_id for s in signups])
    items = [{"meetup": summary(s.meetup, counts[s.meetup_id], now), "signup": my_signup(s)} for s in signups]
    return jsonify(items=items)

