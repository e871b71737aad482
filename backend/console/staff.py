"""The staff console API: staff sign-up, and the city admin verifying and deactivating staff."""
from flask import Blueprint, jsonify
from pydantic import EmailStr, Field
from typing import Literal

from ..api import Body, Line, api, json_body
from ..auth import current_staff, staff_required
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, Sector, Staff, YouthCentre
from ..security import limiter

bp = Blueprint("console", __name__)


class StaffSignupBody(Body):
    email: EmailStr
    name: Line(120, min_length=2)
    role: Literal["officer", "youth_worker", "organiser"]
    password: str = Field(min_length=12, max_length=200)
    sector_id: int | None = None
    youth_centre_id: int | None = None
    title: Line(120) | None = None


def _staff_row(staff: Staff) -> dict:
    return {**staff.public(), "email": staff.email, "active": staff.active,
            "verified_at": staff.verified_at.isoformat() + "Z" if staff.verified_at else None}


@bp.post("/api/staff/signup")
@limiter.limit("5 per hour")
@api.validate(json=StaffSignupBody, tags=["console"])
def staff_signup():
    """Staff create their account; it can act as staff only after an admin verifies it."""
    body = json_body()
    sector = Sector.get_or_none(Sector.id == body.sector_id) if body.sector_id else None
    centre = YouthCentre.get_or_none(YouthCentre.id == body.youth_centre_id) if body.youth_centre_id else None
    if body.sector_id and sector is None:
        raise ApiError(422, "invalid", "That sector does not exist.", {"sector_id": "unknown sector"})
    if body.youth_centre_id and centre is None:
        raise ApiError(422, "invalid", "That youth centre does not exist.", {"youth_centre_id": "unknown centre"})
    if Staff.by_email(body.email):
        raise ApiError(409, "email_taken", "An account with that e-mail already exists.", {"email": "is taken"})
    with db.atomic():
        staff = Staff.register(body.email, body.name, body.role, body.password, sector=sector,
                               youth_centre=centre, title=body.title)
    return jsonify(_staff_row(staff)), 201


@bp.get("/api/console/staff")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def list_staff():
    """Every staff account, unverified first (admin)."""
    rows = Staff.select().order_by(Staff.verified_at.is_null(False), Staff.name)
    return jsonify(staff=[_staff_row(s) for s in rows])


@bp.post("/api/console/staff/<int:staff_id>/verify")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def verify_staff(staff_id):
    """Verify a staff member's identity (admin)."""
    staff = Staff.get_by_id(staff_id)
    with db.atomic():
        staff.verify(current_staff())
        AuditLog.record(current_staff(), "staff.verify", staff)
    return jsonify(_staff_row(staff))


@bp.post("/api/console/staff/<int:staff_id>/deactivate")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def deactivate_staff(staff_id):
    """Deactivate a staff account; its logins and live chat sockets end at once (admin)."""
    staff = Staff.get_by_id(staff_id)
    if staff.id == current_staff().id:
        raise ApiError(409, "self_deactivation", "You can't deactivate your own account.")
    with db.atomic():
        staff.deactivate()
        AuditLog.record(current_staff(), "staff.deactivate", staff)
    from ..broker import get_broker
    get_broker().publish("staff", {"type": "deactivated", "staff_id": staff.id})
    return jsonify(_staff_row(staff))
