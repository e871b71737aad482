"""Staff accounts in the console: sign-up (open or through an invite), invites, and the admin's staff list
with verify, role or place changes, deactivation and reactivation. Every admin action is audited."""
from typing import Literal

from flask import Blueprint, current_app, jsonify
from pydantic import EmailStr, Field

from ..api import Body, Line, api, json_body, query_args
from ..auth import current_staff, staff_required
from ..clock import iso
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, Invite, Sector, Staff, StaffFactor, YouthCentre, utcnow
from ..security import limiter
from .factors import has_factor, require_recent_factor, reset_factor_of

bp = Blueprint("console_staff", __name__)

SIGNUP_ROLES = ("officer", "youth_worker", "organiser")
LANGUAGE_CODES = ("fi", "sv", "da", "uk", "en", "se", "ru", "so", "ar", "et", "de", "fr", "es")


class StaffSignupBody(Body):
    email: EmailStr
    name: Line(120, min_length=2)
    role: Literal["officer", "youth_worker", "organiser"] | None = None
    password: str = Field(min_length=12, max_length=200)
    sector_id: int | None = Field(default=None, ge=1)
    youth_centre_id: int | None = Field(default=None, ge=1)
    title: Line(120) | None = None
    languages: list[Literal[LANGUAGE_CODES]] = Field(default_factory=list, max_length=8)
    invite: Line(100, min_length=10) | None = None


class InviteBody(Body):
    role: Literal["officer", "youth_worker", "organiser", "admin"]
    sector_id: int | None = Field(default=None, ge=1)
    youth_centre_id: int | None = Field(default=None, ge=1)
    note: Line(120) | None = None


class StaffChangeBody(Body):
    role: Literal["officer", "youth_worker", "organiser", "admin"] | None = None
    sector_id: int | None = Field(default=None, ge=0)          # 0: no sector
    youth_centre_id: int | None = Field(default=None, ge=0)    # 0: no youth centre
    title: Line(120) | None = None


class StaffQuery(Body):
    role: Literal["officer", "youth_worker", "organiser", "admin"] | None = None
    sector_id: int | None = Field(default=None, ge=1)
    youth_centre_id: int | None = Field(default=None, ge=1)
    verified: bool | None = None
    active: bool | None = None
    factor: bool | None = None


def staff_row(staff: Staff, with_factor: set | None = None) -> dict:
    factor = staff.id in with_factor if with_factor is not None else has_factor(staff)
    return {**staff.public(), "email": staff.email, "active": staff.active,
            "verified_at": iso(staff.verified_at), "last_login_at": iso(staff.last_login_at),
            "created_at": iso(staff.created_at), "second_factor": factor,
            "sector": staff.sector.name if staff.sector_id else None,
            "youth_centre": staff.youth_centre.name if staff.youth_centre_id else None}


def invite_row(invite: Invite, now=None) -> dict:
    return {"id": invite.id, "role": invite.role, "state": invite.state(now),
            "sector_id": invite.sector_id, "sector": invite.sector.name if invite.sector_id else None,
            "youth_centre_id": invite.youth_centre_id,
            "youth_centre": invite.youth_centre.name if invite.youth_centre_id else None,
            "note": invite.note, "created_at": iso(invite.created_at), "expires_at": iso(invite.expires_at),
            "used_at": iso(invite.used_at), "used_by": invite.used_by.name if invite.used_by_id else None,
            "created_by": invite.created_by.name if invite.created_by_id else None}


def place_from(sector_id, youth_centre_id):
    """The sector and youth centre named by id (0 or None: none); unknown ids are field errors."""
    sector = Sector.get_or_none(Sector.id == sector_id) if sector_id else None
    centre = YouthCentre.get_or_none(YouthCentre.id == youth_centre_id) if youth_centre_id else None
    if sector_id and sector is None:
        raise ApiError(422, "invalid", "That sector does not exist.", {"sector_id": "unknown sector"})
    if youth_centre_id and centre is None:
        raise ApiError(422, "invalid", "That youth centre does not exist.", {"youth_centre_id": "unknown youth centre"})
    return sector, centre


def open_invite(token) -> Invite:
    invite = Invite.by_token(token)
    if invite is None:
        raise ApiError(404, "invite_unknown", "This invitation link is not valid. Ask your admin for a new one.")
    state = invite.state()
    if state != "open":
        messages = {"used": "This invitation has already been used.",
                    "expired": "This invitation has expired. Ask your admin for a new one.",
                    "revoked": "This invitation was withdrawn. Ask your admin for a new one."}
        raise ApiError(410, f"invite_{state}", messages[state])
    return invite


def active_admins():
    return Staff.active_staff().where((Staff.role == Staff.ADMIN) & Staff.verified_at.is_null(False))


def refuse_last_admin(staff: Staff):
    if staff.role == Staff.ADMIN and staff.active and not active_admins().where(Staff.id != staff.id).exists():
        raise ApiError(409, "last_admin", "This is the last active admin: make someone else an admin first.")


def end_every_login(staff: Staff):
    """End every login and live socket of `staff` at once (the auth package's way when it offers one)."""
    from .. import auth
    end_logins = getattr(auth, "end_logins", None)
    if end_logins is not None:
        end_logins(staff)
    from ..broker import get_broker
    get_broker().publish("staff", {"type": "deactivated", "staff_id": staff.id})


def target_staff(staff_id) -> Staff:
    staff = Staff.get_or_none(Staff.id == staff_id)
    if staff is None:
        raise ApiError(404, "not_found", "No such staff member.")
    return staff


# --- sign-up --------------------------------------------------------------------------------------

@bp.get("/api/invites/<token>")
@limiter.limit("30 per hour")
@api.validate(tags=["console"])
def show_invite(token):
    """What an invitation link offers: role and place (anyone with the link)."""
    invite = open_invite(token)
    return jsonify(role=invite.role, sector_id=invite.sector_id,
                   sector=invite.sector.name if invite.sector_id else None,
                   youth_centre_id=invite.youth_centre_id,
                   youth_centre=invite.youth_centre.name if invite.youth_centre_id else None,
                   expires_at=iso(invite.expires_at))


@bp.post("/api/staff/signup")
@limiter.limit("5 per hour")
@api.validate(json=StaffSignupBody, tags=["console"])
def staff_signup():
    """Staff create their account (with an invite: its role and place); an admin verifies it before it can act."""
    body = json_body()
    invite = open_invite(body.invite) if body.invite else None
    if invite is None and body.role is None:
        raise ApiError(422, "invalid", "Choose your role.", {"role": "is required"})
    if invite is not None:
        role, sector, centre = invite.role, invite.sector, invite.youth_centre
    else:
        role = body.role
        sector, centre = place_from(body.sector_id, body.youth_centre_id)
    if Staff.by_email(body.email):
        raise ApiError(409, "email_taken", "An account with that e-mail already exists.", {"email": "is taken"})
    with db.atomic():
        staff = Staff.register(body.email, body.name, role, body.password, sector=sector, youth_centre=centre,
                               title=body.title, languages=",".join(dict.fromkeys(body.languages)) or "fi")
        if invite is not None:
            if not invite.take(staff):
                raise ApiError(410, "invite_used", "This invitation has already been used.")
            AuditLog.record(None, "staff.signup", staff, invite=invite.id, role=role)
        else:
            AuditLog.record(None, "staff.signup", staff, role=role)
    return jsonify(staff_row(staff)), 201


# --- invites --------------------------------------------------------------------------------------

@bp.get("/api/console/invites")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def list_invites():
    """Invitations, newest first, with their state (admin)."""
    now = utcnow()
    return jsonify(invites=[invite_row(i, now) for i in Invite.newest_first().limit(200)])


@bp.post("/api/console/invites")
@staff_required(Staff.ADMIN)
@api.validate(json=InviteBody, tags=["console"])
def create_invite():
    """A new single-use invitation link for a role and place, valid for 7 days (admin). The link is shown once."""
    body = json_body()
    sector, centre = place_from(body.sector_id, body.youth_centre_id)
    admin = current_staff()
    with db.atomic():
        invite, token = Invite.issue(admin, body.role, sector=sector, youth_centre=centre, note=body.note)
        AuditLog.record(admin, "invite.create", invite, role=body.role, sector_id=invite.sector_id,
                        youth_centre_id=invite.youth_centre_id)
    link = f"{current_app.config['PUBLIC_URL']}/staff/signup?invite={token}"
    return jsonify({**invite_row(invite), "token": token, "link": link}), 201


@bp.post("/api/console/invites/<int:invite_id>/revoke")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def revoke_invite(invite_id):
    """Withdraw an unused invitation (admin)."""
    invite = Invite.get_or_none(Invite.id == invite_id)
    if invite is None:
        raise ApiError(404, "not_found", "No such invitation.")
    if invite.used_at is None and invite.revoked_at is None:
        with db.atomic():
            invite.revoked_at = utcnow()
            invite.save()
            AuditLog.record(current_staff(), "invite.revoke", invite)
    return jsonify(invite_row(invite))


# --- the staff list and changes -------------------------------------------------------------------

@bp.get("/api/console/staff")
@staff_required(Staff.ADMIN)
@api.validate(query=StaffQuery, tags=["console"])
def list_staff():
    """Every staff account, unverified first, filtered by role, place, verified, active, second factor (admin)."""
    q = query_args()
    rows = Staff.select().order_by(Staff.verified_at.is_null(False), Staff.name, Staff.id)
    if q.role:
        rows = rows.where(Staff.role == q.role)
    if q.sector_id:
        rows = rows.where(Staff.sector == q.sector_id)
    if q.youth_centre_id:
        rows = rows.where(Staff.youth_centre == q.youth_centre_id)
    if q.verified is not None:
        rows = rows.where(Staff.verified_at.is_null(not q.verified))
    if q.active is not None:
        rows = rows.where(Staff.active == q.active)
    with_factor = StaffFactor.staff_ids_with_factor()
    if q.factor is not None:
        rows = rows.where(Staff.id.in_(list(with_factor)) if q.factor else Staff.id.not_in(list(with_factor) or [0]))
    return jsonify(staff=[staff_row(s, with_factor) for s in rows])


@bp.post("/api/console/staff/<int:staff_id>/verify")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def verify_staff(staff_id):
    """Verify a staff member's identity (admin; never one's own account)."""
    staff = target_staff(staff_id)
    admin = current_staff()
    if staff.id == admin.id:
        raise ApiError(409, "self_verification", "You can't verify your own account. Ask another admin.")
    with db.atomic():
        staff.verify(admin)
        AuditLog.record(admin, "staff.verify", staff)
    return jsonify(staff_row(staff))


@bp.patch("/api/console/staff/<int:staff_id>")
@staff_required(Staff.ADMIN)
@api.validate(json=StaffChangeBody, tags=["console"])
def change_staff(staff_id):
    """Change a staff member's role, place or title (admin). A role change asks for a recent second factor."""
    staff = target_staff(staff_id)
    admin = current_staff()
    body = json_body()
    given = body.model_dump(exclude_unset=True)
    if not given:
        raise ApiError(422, "invalid", "Nothing to change.", {"body": "name a field to change"})
    changes = {}
    if "role" in given and body.role and body.role != staff.role:
        if staff.id == admin.id:
            raise ApiError(409, "self_role_change", "You can't change your own role. Ask another admin.")
        require_recent_factor(admin)
        if staff.role == Staff.ADMIN:
            refuse_last_admin(staff)
        changes["role"] = [staff.role, body.role]
        staff.role = body.role
    if "sector_id" in given:
        sector, _ = place_from(body.sector_id, None)
        changes["sector_id"] = [staff.sector_id, sector.id if sector else None]
        staff.sector = sector
    if "youth_centre_id" in given:
        _, centre = place_from(None, body.youth_centre_id)
        changes["youth_centre_id"] = [staff.youth_centre_id, centre.id if centre else None]
        staff.youth_centre = centre
    if "title" in given:
        changes["title"] = [staff.title, body.title]
        staff.title = body.title
    with db.atomic():
        staff.save()
        AuditLog.record(admin, "staff.change", staff, **changes)
    return jsonify(staff_row(staff))


@bp.post("/api/console/staff/<int:staff_id>/deactivate")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def deactivate_staff(staff_id):
    """Deactivate a staff account: every login and live chat socket ends at once (admin)."""
    staff = target_staff(staff_id)
    admin = current_staff()
    if staff.id == admin.id:
        raise ApiError(409, "self_deactivation", "You can't deactivate your own account.")
    require_recent_factor(admin)
    refuse_last_admin(staff)
    with db.atomic():
        staff.deactivate()
        AuditLog.record(admin, "staff.deactivate", staff)
    end_every_login(staff)
    return jsonify(staff_row(staff))


@bp.post("/api/console/staff/<int:staff_id>/reactivate")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def reactivate_staff(staff_id):
    """Let a deactivated account log in again (admin)."""
    staff = target_staff(staff_id)
    if not staff.active:
        with db.atomic():
            staff.active = True
            staff.save()
            AuditLog.record(current_staff(), "staff.reactivate", staff)
    return jsonify(staff_row(staff))


@bp.post("/api/console/staff/<int:staff_id>/reset-factor")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def reset_staff_factor(staff_id):
    """Remove a staff member's lost second factor and recovery codes so they can set up a new one
    (another admin; audited)."""
    staff = target_staff(staff_id)
    admin = current_staff()
    if staff.id == admin.id:
        raise ApiError(409, "self_factor_reset", "Another admin must reset your second factor.")
    require_recent_factor(admin)
    reset_factor_of(staff, admin)
    return jsonify(staff_row(staff))
