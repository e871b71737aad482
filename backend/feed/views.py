"""Following sectors and officers, and the feeds: Home (followed + city-wide), a sector's, an officer's."""
import base64
from datetime import datetime

from flask import Blueprint, jsonify
from flask_login import current_user
from pydantic import Field, model_validator

from ..api import Body, api, json_body, query_args
from ..auth import current_staff, current_youth, youth_required
from ..db import db
from ..errors import ApiError
from ..models import Sector, Staff
from ..models.feed import Follow, Post

bp = Blueprint("feed", __name__)

# --- bodies -----------------------------------------------------------------------------------------

class FollowBody(Body):
    sector: int | None = Field(None, ge=1)
    officer: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.sector is None) == (self.officer is None):
            raise ValueError("give either a sector or an officer")
        return self


class PageQuery(Body):
    cursor: str | None = Field(None, max_length=80)
    limit: int = Field(20, ge=1, le=50)


# --- helpers ----------------------------------------------------------------------------------------

def encode_cursor(post: dict) -> str:
    """An opaque cursor: the exact stored (created_at, id) of the last post on the page (the API's timestamps
    have milliseconds; the cursor keeps microseconds so that no post is skipped or repeated)."""
    created_at = Post.get_by_id(post["id"]).created_at
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{post['id']}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None):
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, post_id = raw.split("|")
        return datetime.fromisoformat(stamp), int(post_id)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(422, "invalid", "That page link is not valid. Reload the feed.",
                       {"cursor": "is not a valid cursor"}) from None


def feed_page(extra=None, **sources):
    """One page of posts from `sources`, newest first; the first page also has the pinned posts on top."""
    args = query_args()
    before = decode_cursor(args.cursor)
    posts = Post.page(**sources, before=before, limit=args.limit)
    body = {"items": posts, "next_cursor": encode_cursor(posts[-1]) if len(posts) == args.limit else None}
    if before is None:
        body["pinned"] = Post.pinned_from(**sources)
    response = jsonify(body | (extra or {}))
    response.headers["Cache-Control"] = "private, no-cache"   # the service worker keeps the last page
    response.vary.add("Cookie")
    return response

# --- follows ----------------------------------------------------------------------------------------

@bp.get("/api/follows")
@youth_required
@api.validate(tags=["follows"])
def my_follows():
    """What I follow."""
    sectors, officers = Follow.sources(current_user.id)
    return jsonify(sectors=[{"id": s.id, "slug": s.slug, "name": s.name}
                            for s in Sector.select().where(Sector.id.in_(sectors)).order_by(Sector.name)],
                   officers=[o.public() for o in Staff.select().where(Staff.id.in_(officers)).order_by(Staff.name)])


@bp.post("/api/follows")
@youth_required
@api.validate(json=FollowBody, tags=["follows"])
def follow():
    """Follow a sector or an officer with one tap (nothing about me is stored but the link)."""
    body = json_body()
    if body.sector and not Sector.active().where(Sector.id == body.sector).exists():
        raise ApiError(404, "not_found", "That sector is not on the map (any more).", {"sector": "unknown sector"})
    if body.officer:
        officer = Staff.get_or_none((Staff.id == body.officer) & (Staff.role == Staff.OFFICER))
        if officer is None or not officer.can_act_as(Staff.OFFICER):
            raise ApiError(404, "not_found", "That officer does not exist.", {"officer": "unknown officer"})
    if Follow.find(current_user.id, body.sector, body.officer):
        raise ApiError(409, "already_following", "You already follow this.")
    if Follow.of(current_user.id).count() >= Follow.MAX_PER_YOUTH:
        raise ApiError(422, "too_many_follows", f"You can follow at most {Follow.MAX_PER_YOUTH}. Unfollow one first.")
    with db.atomic():
        Follow.create(youth=current_user.id, sector=body.sector, officer=body.officer)
    return jsonify(sector=body.sector, officer=body.officer, following=True), 201


def _unfollow(sector_id=None, officer_id=None):
    found = Follow.find(current_user.id, sector_id, officer_id)
    if found is None:
        raise ApiError(404, "not_following", "You don't follow this.")
    with db.atomic():
        found.delete_instance()
    return "", 204


@bp.delete("/api/follows/sectors/<int:sector_id>")
@youth_required
@api.validate(tags=["follows"])
def unfollow_sector(sector_id):
    """Stop following a sector."""
    return _unfollow(sector_id=sector_id)


@bp.delete("/api/follows/officers/<int:officer_id>")
@youth_required
@api.validate(tags=["follows"])
def unfollow_officer(officer_id):
    """Stop following an officer."""
    return _unfollow(officer_id=officer_id)


# --- feeds ------------------------------------------------------------------------------------------

@bp.get("/api/feed")
@api.validate(query=PageQuery, tags=["feed"])
def home_feed():
    """Home: what I follow plus city-wide posts, newest first, pinned on top (cursor pagination)."""
    youth, staff = current_youth(), current_staff()
    if youth is not None:
        sectors, officers = Follow.sources(youth.id)
    elif staff is not None:
        sectors, officers = ([staff.sector_id] if staff.sector_id else []), [staff.id]
    else:
        sectors, officers = [], []
    following = {"sectors": len(sectors), "officers": len(officers)} if youth is not None else None
    return feed_page({"following": following}, sectors=sectors, officers=officers, city_wide=True)


@bp.get("/api/sectors/<int:sector_id>/posts")
@api.validate(query=PageQuery, tags=["feed"])
def sector_feed(sector_id):
    """A sector's public feed (for visitors who follow nothing)."""
    Sector.get_by_id(sector_id)
    return feed_page(sectors=[sector_id])


@bp.get("/api/officers/<int:officer_id>/posts")
@api.validate(query=PageQuery, tags=["feed"])
def officer_feed(officer_id):
    """An officer's public feed."""
    return feed_page(officers=[officer_id])
