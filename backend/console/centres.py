"""Youth centres: anyone may list the open ones; the admin creates, edits and retires them and names
their organisers (organisers belong to a centre through their staff account)."""
from flask import Blueprint, jsonify
from pydantic import Field

from ..api import Body, Line, api, json_body
from ..auth import current_staff, staff_required
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, CentreRetirement, Sector, Staff, YouthCentre

bp = Blueprint("console_centres", __name__)


class CentreBody(Body):
    name: Line(160, min_length=2)
    address: Line(240) | None = None
    sector_id: int | None = Field(default=None, ge=1)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    organiser_ids: list[int] | None = Field(default=None, max_length=50)


class CentreChangeBody(Body):
    name: Line(160, min_length=2) | None = None
    address: Line(240) | None = None
    sector_id: int | None = Field(default=None, ge=0)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    organiser_ids: list[int] | None = Field(default=None, max_length=50)


def centre_row(centre: YouthCentre, retired: bool, organisers: dict) -> dict:
    return {"id": centre.id, "name": centre.name, "address": centre.address, "sector_id": centre.sector_id,
            "sector": centre.sector.name if centre.sector_id else None,
            "latitude": centre.latitude, "longitude": centre.longitude, "retired": retired,
            "organisers": organisers.get(centre.id, [])}


def organisers_by_centre() -> dict:
    found = {}
    rows = Staff.select().where((Staff.role == Staff.ORGANISER) & Staff.youth_centre.is_null(False)).order_by(Staff.name)
    for staff in rows:
        found.setdefault(staff.youth_centre_id, []).append({"id": staff.id, "name": staff.name, "active": staff.active})
    return found


def one_row(centre):
    return centre_row(centre, centre.is_retired, organisers_by_centre())


def _sector(sector_id):
    if not sector_id:
        return None
    sector = Sector.get_or_none(Sector.id == sector_id)
    if sector is None:
        raise ApiError(422, "invalid", "That sector does not exist.", {"sector_id": "unknown sector"})
    return sector


def _position(latitude, longitude):
    if (latitude is None) != (longitude is None):
        raise ApiError(422, "invalid", "Give both latitude and longitude, or neither.",
                       {"latitude": "needs longitude too" if longitude is None else "is missing"})


def _set_organisers(centre, ids):
    """Exactly these staff (organisers) belong to the centre now."""
    ids = list(dict.fromkeys(ids))
    found = list(Staff.select().where(Staff.id.in_(ids) & (Staff.role == Staff.ORGANISER))) if ids else []
    if len(found) != len(ids):
        raise ApiError(422, "invalid", "Only organiser accounts can be a centre's organisers.",
                       {"organiser_ids": "unknown or not an organiser"})
    Staff.update(youth_centre=None).where((Staff.youth_centre == centre) & Staff.id.not_in(ids or [0])
                                          & (Staff.role == Staff.ORGANISER)).execute()
    if ids:
        Staff.update(youth_centre=centre).where(Staff.id.in_(ids)).execute()


@bp.get("/api/youth-centres")
@api.validate(tags=["console"])
def open_centres():
    """The city's youth centres in use, by name (public: where meetups happen)."""
    return jsonify(youth_centres=[{"id": c.id, "name": c.name, "address": c.address, "sector_id": c.sector_id,
                                   "latitude": c.latitude, "longitude": c.longitude}
                                  for c in YouthCentre.in_use()])


@bp.get("/api/console/youth-centres")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def list_centres():
    """Every youth centre, retired ones included, with organisers (admin)."""
    retired, organisers = CentreRetirement.centre_ids(), organisers_by_centre()
    rows = YouthCentre.select().order_by(YouthCentre.name, YouthCentre.id)
    return jsonify(youth_centres=[centre_row(c, c.id in retired, organisers) for c in rows])


@bp.post("/api/console/youth-centres")
@staff_required(Staff.ADMIN)
@api.validate(json=CentreBody, tags=["console"])
def create_centre():
    """Create a youth centre (admin)."""
    body = json_body()
    _position(body.latitude, body.longitude)
    sector = _sector(body.sector_id)
    with db.atomic():
        centre = YouthCentre.create(name=body.name, address=body.address, sector=sector,
                                    latitude=body.latitude, longitude=body.longitude)
        if body.organiser_ids:
            _set_organisers(centre, body.organiser_ids)
        AuditLog.record(current_staff(), "centre.create", centre, name=centre.name)
    return jsonify(one_row(centre)), 201


@bp.patch("/api/console/youth-centres/<int:centre_id>")
@staff_required(Staff.ADMIN)
@api.validate(json=CentreChangeBody, tags=["console"])
def change_centre(centre_id):
    """Edit a youth centre: name, address, position, sector, organisers (admin)."""
    centre = YouthCentre.get_or_none(YouthCentre.id == centre_id)
    if centre is None:
        raise ApiError(404, "not_found", "No such youth centre.")
    body = json_body()
    given = body.model_dump(exclude_unset=True)
    if not given:
        raise ApiError(422, "invalid", "Nothing to change.", {"body": "name a field to change"})
    if "latitude" in given or "longitude" in given:
        _position(given.get("latitude", centre.latitude), given.get("longitude", centre.longitude))
    with db.atomic():
        for name in ("name", "address", "latitude", "longitude"):
            if name in given:
                setattr(centre, name, given[name])
        if "sector_id" in given:
            centre.sector = _sector(body.sector_id)
        centre.save()
        if body.organiser_ids is not None:
            _set_organisers(centre, body.organiser_ids)
        AuditLog.record(current_staff(), "centre.change", centre, fields=sorted(given))
    return jsonify(one_row(centre))


@bp.post("/api/console/youth-centres/<int:centre_id>/retire")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def retire_centre(centre_id):
    """Retire a youth centre: it stays on past meetups but is no longer offered (admin)."""
    centre = YouthCentre.get_or_none(YouthCentre.id == centre_id)
    if centre is None:
        raise ApiError(404, "not_found", "No such youth centre.")
    if not centre.is_retired:
        with db.atomic():
            CentreRetirement.create(youth_centre=centre, retired_by=current_staff())
            AuditLog.record(current_staff(), "centre.retire", centre)
    return jsonify(one_row(centre))


@bp.post("/api/console/youth-centres/<int:centre_id>/restore")
@staff_required(Staff.ADMIN)
@api.validate(tags=["console"])
def restore_centre(centre_id):
    """Take a retired youth centre back into use (admin)."""
    centre = YouthCentre.get_or_none(YouthCentre.id == centre_id)
    if centre is None:
        raise ApiError(404, "not_found", "No such youth centre.")
    with db.atomic():
        if CentreRetirement.delete().where(CentreRetirement.youth_centre == centre).execute():
            AuditLog.record(current_staff(), "centre.restore", centre)
    return jsonify(one_row(centre))
