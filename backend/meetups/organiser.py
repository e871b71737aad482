"""The organiser's side of meetups: announce, edit, cancel, attendees, approvals, check-in, CSV, messages.

Organisers are verified staff of a youth centre; they manage their centre's meetups. Admins manage all.
"""
import csv
import io
from datetime import timedelta

from flask import Blueprint, Response, jsonify
from flask_login import current_user
from pydantic import model_validator

from ..api import Body, Line, Text, api, json_body
from ..auth import staff_required
from ..clock import city_time
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, Meetup, MeetupMessage, Signup, Staff, utcnow
from .forms import MeetupChanges, NewMeetup, apply, set_officers
from .payloads import attendee, detail, summary
from .signups import cancel_meetup, decide, locked_meetup, offer_free_places, tell
from .tickets import check_in

bp = Blueprint("meetups_organiser", __name__)
MANAGERS = (Staff.ORGANISER, Staff.ADMIN)


class CancelBody(Body):
    reason: Line(300, min_length=0) = ""


class CheckInBody(Body):
    token: Line(200) | None = None
    code: Line(20) | None = None

    @model_validator(mode="after")
    def one_of(self):
        if not (self.token or self.code):
            raise ValueError("scan the QR code or type the code")
        return self


class MessageBody(Body):
    text: Text(500)


class DecisionBody(Body):
    approve: bool


def managed(meetup_id) -> Meetup:
    meetup = Meetup.get_by_id(meetup_id)
    if not meetup.can_be_managed_by(current_user):
        raise ApiError(403, "not_your_meetup", "Only the organisers of this youth centre can do that.")
    return meetup


@bp.get("/api/meetups/organised")
@staff_required(*MANAGERS)
@api.validate(tags=["meetups"])
def organised_meetups():
    """Meetups I can manage, upcoming first, then the last month's."""
    now = utcnow()
    meetups = list(Meetup.managed_by(current_user).where(Meetup.ends_at > now - timedelta(days=30))
                   .order_by(Meetup.starts_at))
    counts = Meetup.counts([m.id for m in meetups])
    items = []
    for m in meetups:
        item = summary(m, counts[m.id], now)
        item.update(pending=counts[m.id].get(Signup.PENDING, 0), ended=m.ends_at <= now)
        items.append(item)
    return jsonify(items=items)


@bp.get("/api/meetups/officers")
@staff_required(*MANAGERS)
@api.validate(tags=["meetups"])
def officers_to_invite():
    """Verified officers who can take part in a meetup (for the form)."""
    officers = Staff.active_staff().where(Staff.role == Staff.OFFICER, Staff.verified_at.is_null(False))
    return jsonify(items=[o.public() for o in officers.order_by(Staff.name)])


@bp.post("/api/meetups")
@staff_required(*MANAGERS)
@api.validate(json=NewMeetup, tags=["meetups"])
def create_meetup():
    """Announce a meetup (consent is on by default for camps and anything overnight)."""
    if current_user.role == Staff.ORGANISER and not current_user.youth_centre_id:
        raise ApiError(403, "no_youth_centre", "Your account isn't linked to a youth centre. Ask your admin.")
    now = utcnow()
    with db.atomic():
        meetup = Meetup(organiser=current_user.id, created_at=now, updated_at=now)
        officer_ids = apply(meetup, json_body(), current_user, creating=True)
        meetup.save(force_insert=True)
        set_officers(meetup, officer_ids or [])
        AuditLog.record(current_user, "meetup.create", meetup)
    return jsonify(detail(meetup, now, can_manage=True)), 201


@bp.patch("/api/meetups/<int:meetup_id>")
@staff_required(*MANAGERS)
@api.validate(json=MeetupChanges, tags=["meetups"])
def edit_meetup(meetup_id):
    """Change a meetup; capacity never below the places already taken; those signed up hear of it."""
    managed(meetup_id)
    now, body = utcnow(), json_body()
    with locked_meetup(meetup_id) as meetup:
        if meetup.cancelled_at:
            raise ApiError(409, "meetup_cancelled", "A cancelled meetup can't be changed.")
        before = (meetup.starts_at, meetup.ends_at, meetup.venue_name, meetup.venue_address)
        had_consent = meetup.consent_required
        officer_ids = apply(meetup, body, current_user, creating=False)
        refuse_unsafe_change(meetup, had_consent)
        meetup.updated_at = now
        meetup.save()
        if officer_ids is not None:
            set_officers(meetup, officer_ids)
        promoted = offer_free_places(meetup, now)
        changed = before != (meetup.starts_at, meetup.ends_at, meetup.venue_name, meetup.venue_address)
        AuditLog.record(current_user, "meetup.edit", meetup)
    tell(meetup, "promoted", [s.youth_id for s in promoted], now)
    if changed:
        tell(meetup, "changed", meetup.signed_up_youth_ids(), now)
    return jsonify(detail(meetup, now, can_manage=True))


def refuse_unsafe_change(meetup, had_consent):
    taken = meetup.places_taken()
    if meetup.capacity < taken:
        raise ApiError(409, "capacity_below_confirmed",
                       f"{taken} people already have a place: capacity can't be lower than that.",
                       {"capacity": f"must be at least {taken}"})
    if meetup.consent_required and not had_consent and meetup.signups_in(*Signup.ACTIVE).exists():
        raise ApiError(409, "consent_after_signups",
                       "People have signed up without a guardian's consent; make a new meetup instead.",
                       {"consent_required": "can't be turned on after sign-ups"})
    if had_consent and not meetup.consent_required:
        Signup.update(guardian_name=None, guardian_phone=None, guardian_email=None).where(
            Signup.meetup == meetup.id).execute()


@bp.post("/api/meetups/<int:meetup_id>/cancel")
@staff_required(*MANAGERS)
@api.validate(json=CancelBody, tags=["meetups"])
def cancel(meetup_id):
    """Cancel the meetup; everyone signed up or waiting is notified."""
    managed(meetup_id)
    meetup = cancel_meetup(meetup_id, json_body().reason or None, utcnow())
    AuditLog.record(current_user, "meetup.cancel", meetup)
    return jsonify(detail(meetup, utcnow(), can_manage=True))


@bp.get("/api/meetups/<int:meetup_id>/attendees")
@staff_required(*MANAGERS)
@api.validate(tags=["meetups"])
def attendees(meetup_id):
    """Who is coming (first names only), the waitlist in order, approvals, attendance counts."""
    meetup = managed(meetup_id)
    rows = list(meetup.signups_in(*Signup.ACTIVE).order_by(Signup.arrival))
    by = lambda *statuses: [attendee(s, meetup.consent_required) for s in rows if s.status in statuses]  # noqa: E731
    confirmed = by(Signup.CONFIRMED, Signup.OFFERED)
    response = jsonify(confirmed=confirmed, waitlist=by(Signup.WAITLISTED), pending=by(Signup.PENDING),
                       counts={"confirmed": sum(1 for s in rows if s.status == Signup.CONFIRMED),
                               "offered": sum(1 for s in rows if s.status == Signup.OFFERED),
                               "waitlisted": sum(1 for s in rows if s.status == Signup.WAITLISTED),
                               "pending": sum(1 for s in rows if s.status == Signup.PENDING),
                               "checked_in": sum(1 for s in rows if s.checked_in_at),
                               "capacity": meetup.capacity})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/meetups/<int:meetup_id>/attendees.csv")
@staff_required(*MANAGERS)
@api.validate(tags=["meetups"])
def attendees_csv(meetup_id):
    """The attendee list as CSV (first names, age, status, check-in; guardians when consent is needed)."""
    meetup = managed(meetup_id)
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["arrival", "first_name", "age", "status", "waitlist_position", "checked_in_at"]
    writer.writerow(header + (["guardian_name", "guardian_phone", "guardian_email"] if meetup.consent_required else []))
    position = 0
    for s in meetup.signups_in(*Signup.ACTIVE).order_by(Signup.arrival):
        position += s.status == Signup.WAITLISTED
        row = [s.arrival, safe_cell(s.first_name), s.age, s.status, position if s.status == Signup.WAITLISTED else "",
               city_time(s.checked_in_at).strftime("%Y-%m-%d %H:%M") if s.checked_in_at else ""]
        if meetup.consent_required:
            row += [safe_cell(s.guardian_name), safe_cell(s.guardian_phone), safe_cell(s.guardian_email)]
        writer.writerow(row)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="meetup-{meetup.id}-attendees.csv"',
        "Cache-Control": "no-store"})


def safe_cell(value):
    """No spreadsheet formulas from user input."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@bp.post("/api/meetups/<int:meetup_id>/signups/<int:signup_id>/decision")
@staff_required(*MANAGERS)
@api.validate(json=DecisionBody, tags=["meetups"])
def decide_signup(meetup_id, signup_id):
    """Approve a pending sign-up (a place, or the waitlist when full) or decline it."""
    managed(meetup_id)
    signup = decide(meetup_id, signup_id, json_body().approve, utcnow())
    AuditLog.record(current_user, "meetup.approve" if signup.status != Signup.DECLINED else "meetup.decline", signup)
    meetup = Meetup.get_by_id(meetup_id)
    return jsonify(attendee(signup, meetup.consent_required))


@bp.post("/api/meetups/<int:meetup_id>/checkins")
@staff_required(*MANAGERS)
@api.validate(json=CheckInBody, tags=["meetups"])
def check_in_attendee(meetup_id):
    """Mark attendance from a scanned QR token or a typed code."""
    meetup = managed(meetup_id)
    body = json_body()
    signup = check_in(meetup, utcnow(), token=body.token, code=body.code)
    checked = meetup.signups_in(Signup.CONFIRMED).where(Signup.checked_in_at.is_null(False)).count()
    return jsonify(first_name=signup.first_name, age=signup.age, checked_in=checked,
                   confirmed=meetup.signups_in(Signup.CONFIRMED).count())


@bp.post("/api/meetups/<int:meetup_id>/messages")
@staff_required(*MANAGERS)
@api.validate(json=MessageBody, tags=["meetups"])
def message_everyone(meetup_id):
    """A message to everyone signed up: shown on the meetup page, announced with a (generic) push."""
    meetup = managed(meetup_id)
    now = utcnow()
    with db.atomic():
        MeetupMessage.create(meetup=meetup.id, author=current_user.id, text=json_body().text, created_at=now)
    youth_ids = meetup.signed_up_youth_ids()
    tell(meetup, "message", youth_ids, now)
    return jsonify(sent_to=len(youth_ids)), 201

