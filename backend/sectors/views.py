"""Sectors and their officers: the map's GeoJSON, find by postcode, sector and officer pages, import."""
import hashlib
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from pydantic import Field
from typing import Any

from ..api import Body, Line, api, query_args
from ..auth import current_youth, staff_required
from ..errors import ApiError
from ..db import db
from .geo import ImportRefused, compact_collection, import_sectors
from ..feed.images import ImageRefused, delete_staff_photo, save_staff_photo
from ..models import AuditLog, Sector, Staff
from ..models.feed import Follow, Post

bp = Blueprint("sectors", __name__)
LATEST = 5


class LocateQuery(Body):
    postcode: Line(12) = Field(pattern=r"^[0-9A-Za-z -]{3,12}$")


class PhotoForm(Body):
    photo: Any = None


class ImportForm(Body):
    file: Any = None
    dry_run: bool = False


def city_now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"]))


def sector_summary(sector: Sector) -> dict:
    return {"id": sector.id, "slug": sector.slug, "name": sector.name}


def officer_card(staff: Staff) -> dict:
    return {**staff.public(), "following": _following(officer_id=staff.id)}


def _following(sector_id=None, officer_id=None) -> bool | None:
    youth = current_youth()
    if youth is None:
        return None
    return Follow.find(youth.id, sector_id, officer_id) is not None


def upcoming_meetups(sector: Sector) -> list:
    """Upcoming meetups in this sector, from backend.meetups.upcoming_in_sector (empty if it ever goes away)."""
    from ..meetups import views as meetups
    query = getattr(meetups, "upcoming_in_sector", None)
    return query(sector) if callable(query) else []


def latest_posts(**sources) -> dict:
    return {"pinned": Post.pinned_from(**sources), "items": Post.page(**sources, limit=LATEST)}


@bp.get("/api/sectors")
@api.validate(tags=["sectors"])
def list_sectors():
    """All sectors as a compact GeoJSON FeatureCollection (ETag: revalidate, don't download again)."""
    body = json.dumps(compact_collection(Sector.in_order(), Sector.postcodes_by_sector()),
                      separators=(",", ":"), ensure_ascii=False).encode()
    etag = hashlib.sha256(body).hexdigest()[:20]
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(body, mimetype="application/geo+json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.get("/api/sectors/locate")
@api.validate(query=LocateQuery, tags=["sectors"])
def locate_sector():
    """The sector a postcode belongs to; a 404 that says what to try instead."""
    postcode = query_args().postcode
    sector = Sector.by_postcode(postcode)
    if sector is None:
        raise ApiError(404, "unknown_postcode",
                       f"We don't know the postcode {postcode} in this city. Check the number, "
                       "or find your sector on the map.", {"postcode": "is not in any sector"})
    return jsonify(sector_summary(sector))


@bp.get("/api/sectors/<int:sector_id>")
@api.validate(tags=["sectors"])
def sector_page(sector_id):
    """A sector: its officers, contact, office hours (in office now?), latest updates, meetups."""
    sector = Sector.get_by_id(sector_id)
    return jsonify(
        **sector_summary(sector), description=sector.description, postcodes=sector.postcodes(),
        contact=sector.contact(), emergency="112", office_hours=sector.office_hours or [],
        in_office_now=sector.in_office(city_now()), timezone=current_app.config["TIMEZONE"],
        officers=[officer_card(o) for o in sector.officers()], following=_following(sector_id=sector.id),
        posts=latest_posts(sectors=[sector.id]), meetups=upcoming_meetups(sector))


@bp.get("/api/officers/<int:officer_id>")
@api.validate(tags=["sectors"])
def officer_page(officer_id):
    """An officer's public profile and latest updates; the officer (or an admin) also sees the follower count."""
    officer = Staff.get_or_none((Staff.id == officer_id) & (Staff.role == Staff.OFFICER) & (Staff.active == True))  # noqa: E712
    if officer is None or not officer.is_verified:
        raise ApiError(404, "not_found", "We couldn't find that officer.")
    payload = {**officer_card(officer), "sector": sector_summary(officer.sector) if officer.sector else None,
               "posts": latest_posts(officers=[officer.id])}
    viewer = current_user if getattr(current_user, "is_staff", False) else None
    if viewer is not None and (viewer.id == officer.id or viewer.can_act_as(Staff.ADMIN)):
        payload["follower_count"] = Follow.follower_count(officer.id)
    return jsonify(payload)


@bp.post("/api/officers/me/photo")
@staff_required(Staff.OFFICER)
@api.validate(form=PhotoForm, tags=["sectors"])
def upload_my_photo():
    """An officer sets their profile photo (multipart 'photo'; cropped square, metadata removed)."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        raise ApiError(422, "invalid", "Attach the photo as 'photo'.", {"photo": "is required"})
    try:
        url = save_staff_photo(upload.read(current_app.config["MAX_CONTENT_LENGTH"]))
    except ImageRefused as refused:
        raise ApiError(422, "invalid_image", str(refused), {"photo": str(refused)})
    old = current_user.photo
    with db.atomic():
        Staff.update(photo=url).where(Staff.id == current_user.id).execute()
    delete_staff_photo(old)
    return jsonify(photo=url), 201


@bp.delete("/api/officers/me/photo")
@staff_required(Staff.OFFICER)
@api.validate(tags=["sectors"])
def delete_my_photo():
    """An officer removes their profile photo."""
    old = current_user.photo
    with db.atomic():
        Staff.update(photo=None).where(Staff.id == current_user.id).execute()
    delete_staff_photo(old)
    return "", 204


@bp.post("/api/admin/sectors/import")
@staff_required(Staff.ADMIN)
@api.validate(form=ImportForm, tags=["sectors"])
def import_sectors_api():
    """Admin: import sectors from a GeoJSON FeatureCollection file (multipart 'file'); all or nothing."""
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, "invalid", "Attach the GeoJSON file as 'file'.", {"file": "is required"})
    try:
        data = json.loads(upload.read(current_app.config["MAX_CONTENT_LENGTH"]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(422, "invalid_geojson", "The file is not valid JSON.", {"file": "is not valid JSON"})
    dry_run = request.form.get("dry_run", "").lower() in ("1", "true", "yes", "on")
    try:
        result = import_sectors(data, dry_run=dry_run)
    except ImportRefused as refused:
        first = next(iter(refused.problems.items()))
        raise ApiError(422, "invalid_geojson", f"{first[0]}: {first[1]}", refused.problems)
    if not dry_run:
        AuditLog.record(current_user, "sectors.import", created=result["created"], updated=result["updated"])
    return jsonify(result), 200 if dry_run else 201
