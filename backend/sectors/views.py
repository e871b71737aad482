"""Sectors and their officers: the map's GeoJSON, find by postcode, sector and officer pages, import, and the
notices of youth whose sector was retired."""
import json
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from pydantic import Field

from ..api import Body, Line, api, query_args
from ..auth import current_youth, staff_required
from ..db import db
from ..errors import ApiError
from ..feed.images import ImageRefused, delete_staff_photo, save_staff_photo
from ..models import Sector, SectorMap, Staff
from ..models.feed import Follow, Post
from ..models.maps import SectorMove
from .importing import ImportRefused, PlanChanged, import_sectors
from .repair import DEFAULT_TOLERANCE_M
from .serving import BUDGET_GZIP, current_map

bp = Blueprint("sectors", __name__)
LATEST = 5


class LocateQuery(Body):
    postcode: Line(12) = Field(pattern=r"^[0-9A-Za-z -]{3,12}$")


class PhotoForm(Body):
    photo: Any = None


class ImportForm(Body):
    """multipart: the GeoJSON 'file'; dry_run previews; mode 'replace' makes the file the whole map (sectors not in
    it are retired, their followers and officers go to the sector covering most of each); confirm: the preview's
    token (the import is refused with 409 if the map or the file changed since)."""
    file: Any = None
    dry_run: bool = False
    mode: Literal["merge", "replace"] = "merge"
    tolerance_m: float = Field(default=DEFAULT_TOLERANCE_M, ge=0, le=10)
    name_property: Line(64) | None = None
    attribution: Line(300) | None = None
    confirm: Line(64) | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")


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
    """All sectors as a compact GeoJSON FeatureCollection (simplified so neighbours still meet; gzip or Brotli;
    ETag: revalidate, don't download again). `attribution` names the source of the map data when known."""
    served = current_map()
    encodings = request.accept_encodings
    if request.if_none_match.contains_weak(served.etag):
        response = current_app.response_class(status=304)
    elif served.brotli is not None and encodings["br"] and encodings["br"] >= encodings["gzip"]:
        response = current_app.response_class(served.brotli, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "br"
    elif encodings["gzip"]:
        response = current_app.response_class(served.gzip, mimetype="application/geo+json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = current_app.response_class(served.body, mimetype="application/geo+json")
    response.set_etag(served.etag, weak=True)
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Accept-Encoding")
    return response


@bp.get("/api/sectors/moves")
@api.validate(tags=["sectors"])
def my_sector_moves():
    """For a youth: the sectors they followed that a new map retired, and the sector they follow now."""
    youth = current_youth()
    if youth is None:
        return jsonify(moves=[])
    return jsonify(moves=[{"id": move.id, "from": move.from_name, "to": sector_summary(move.to_sector)}
                          for move in SectorMove.for_youth(youth.id)])


@bp.post("/api/sectors/moves/seen")
@api.validate(tags=["sectors"])
def seen_sector_moves():
    """The youth has read the notices: they are deleted."""
    youth = current_youth()
    if youth is not None:
        SectorMove.seen(youth.id)
    return "", 204


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
    retirement = sector.retirement.first()
    if retirement is not None:
        successor = retirement.successor
        raise ApiError(404, "retired_sector", f"{sector.name} is no longer on the map"
                       + (f": it is now part of {successor.name}." if successor else "."),
                       {"moved_to": str(successor.id) if successor else ""})
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
        raise ApiError(422, "invalid_image", str(refused), {"photo": str(refused)}) from None
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


@bp.get("/api/admin/sectors/served")
@staff_required(Staff.ADMIN)
@api.validate(tags=["sectors"])
def served_map_api():
    """Admin: what /api/sectors serves now: features, vertices, bytes (raw, gzip, Brotli), the simplification
    tolerance in metres, whether shared borders were simplified once ('coverage'), and the attribution."""
    served = current_map()
    return jsonify(features=served.features, vertices=served.vertices, bytes=len(served.body),
                   gzip_bytes=len(served.gzip), brotli_bytes=len(served.brotli) if served.brotli else None,
                   tolerance_m=served.tolerance_m, topology=served.topology, etag=served.etag,
                   attribution=SectorMap.current_attribution(), budget_gzip_bytes=BUDGET_GZIP)


@bp.post("/api/admin/sectors/import")
@staff_required(Staff.ADMIN)
@api.validate(form=ImportForm, tags=["sectors"])
def import_sectors_api():
    """Admin: import the city's district file (multipart 'file', GeoJSON in any coordinate system with a 'crs').

    dry_run=1 answers 200 with the preview (new, changed, unchanged, retired sectors and where their followers and
    officers go, the repairs made, and `confirm`); send the same file again with confirm=<token> to apply it
    (201). A refused file answers 422 with one entry per problem in error.fields. All or nothing."""
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(422, "invalid", "Attach the GeoJSON file as 'file'.", {"file": "is required"})
    try:
        data = json.loads(upload.read(current_app.config["MAX_CONTENT_LENGTH"]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(422, "invalid_geojson", "The file is not valid JSON.", {"file": "is not valid JSON"}) from None
    form = request.context.form
    try:
        result = import_sectors(data, dry_run=form.dry_run, replace=form.mode == "replace",
                                tolerance_m=form.tolerance_m, name_property=form.name_property,
                                attribution=form.attribution, confirm=form.confirm, actor=current_user)
    except ImportRefused as refused:
        (where, what), more = next(iter(refused.problems.items())), len(refused.problems) - 1
        raise ApiError(422, "invalid_geojson", f"{where}: {what}" + (f" (and {more} more problems)" if more else ""),
                       refused.problems) from None
    except PlanChanged:
        raise ApiError(409, "plan_changed", "The map or the file changed since the preview: preview it again.",
                       {"confirm": "is not the current preview's"}) from None
    return jsonify(result), 200 if form.dry_run else 201
