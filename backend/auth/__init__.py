"""Who is asking: flask-login for staff (email + password) and anonymous youth (one tap), and roles."""
from datetime import timedelta
from functools import wraps

from flask import Blueprint, current_app, jsonify
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import generate_csrf
from huey import crontab
from pydantic import EmailStr

from .. import tasks
from ..api import Body, Line, api, json_body
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, Staff, Youth, utcnow
from ..security import limiter
from . import throttle
from .handles import generate_handle, handle_problem
from .limits import device_key, give_device_cookie, identity_key, no_device, setting
from .logins import end_all_logins, end_logins, end_this_login, load_user, start_login
from .retention import forget_unreachable_youth

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.user_loader(load_user)

__all__ = ["bp", "current_staff", "current_youth", "end_all_logins", "end_logins", "identity_key", "init_app",
           "login_manager", "me_payload", "staff_required", "youth_required"]


@login_manager.unauthorized_handler
def _unauthorized():
    raise ApiError(401, "login_required", "Please log in or start as a guest first.")


def staff_required(*roles):
    """Only verified, active staff (of one of `roles`, when given) may call the view."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                raise ApiError(401, "login_required", "Please log in as staff first.")
            if not getattr(current_user, "is_staff", False):
                raise ApiError(403, "staff_only", "Only verified staff can do this.")
            if not current_user.is_verified:
                raise ApiError(403, "not_verified", "Your staff account is waiting for an admin to verify it.")
            if roles and current_user.role not in roles:
                raise ApiError(403, "wrong_role", "Your role can't do this.")
            return view(*args, **kwargs)
        wrapper.required_roles = roles or Staff.ROLES
        return wrapper
    return decorator


def youth_required(view):
    """Only an anonymous youth identity may call the view."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise ApiError(401, "login_required", "Tap 'Start' to get your anonymous name first.")
        if not getattr(current_user, "is_youth", False):
            raise ApiError(403, "youth_only", "This is for young people using Tuttu.")
        return view(*args, **kwargs)
    wrapper.required_roles = ("youth",)
    return wrapper


def current_youth():
    return current_user if current_user.is_authenticated and getattr(current_user, "is_youth", False) else None


def current_staff(*roles):
    """The current verified staff member (of `roles`), or None."""
    user = current_user
    if user.is_authenticated and getattr(user, "is_staff", False) and user.can_act_as(*roles):
        return user
    return None


def me_payload():
    if not current_user.is_authenticated:
        return {"kind": "visitor"}
    if current_user.is_youth:
        return {"kind": "youth", "id": current_user.id, "handle": current_user.handle}
    return {"kind": "staff", "email": current_user.email, **current_user.public()}


# --- request bodies -----------------------------------------------------------------------------

class LoginBody(Body):
    email: EmailStr
    password: Line(200)


class HandleBody(Body):
    handle: Line(24, min_length=3)


# --- routes -------------------------------------------------------------------------------------

@bp.get("/api/csrf")
@api.validate(tags=["auth"])
def csrf_token():
    """The CSRF token to send as X-CSRF-Token on every state-changing request."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/api/auth/login")
@limiter.limit("30 per minute", exempt_when=throttle.any_known_device)   # per address; passwords: throttle.py
@api.validate(json=LoginBody, tags=["auth"])
def login():
    """Staff log in with e-mail and password. Failed passwords slow down the one who fails (429)."""
    body = json_body()
    email, address = body.email.strip().lower(), get_remote_address() or ""
    staff = Staff.by_email(email)
    wait = throttle.wait_seconds(email, address, staff)
    if wait:
        raise ApiError(429, "too_many_attempts", "Too many wrong passwords. Wait a moment and try again.",
                       headers={"Retry-After": str(wait)})
    if staff is None or not staff.check_password(body.password):
        throttle.record_failure(email, address, staff)
        raise ApiError(401, "bad_credentials", "That e-mail and password don't match.")
    if not staff.active:
        raise ApiError(403, "deactivated", "This account has been deactivated. Contact your city admin.")
    throttle.record_success(email, address)
    for step in current_app.extensions.get("tuttu_login_steps", ()):   # e.g. the console's second factor
        step(staff)
    staff.last_login_at = utcnow()
    staff.save(only=[Staff.last_login_at])
    start_login(staff, timedelta(hours=current_app.config["STAFF_LOGIN_HOURS"]))
    response = jsonify(me_payload())
    throttle.set_known_device(response, staff)
    return response


@bp.post("/api/auth/logout")
@api.validate(tags=["auth"])
def logout():
    """End this login: the cookie stops working, also any copy of it."""
    end_this_login()
    return jsonify(kind="visitor")


@bp.post("/api/auth/logout-everywhere")
@api.validate(tags=["auth"])
def logout_everywhere():
    """End every login of mine on every device. Staff are logged out here too; a youth stays logged in
    on this device only (with a new cookie), since the anonymous name has no password to come back with."""
    if not current_user.is_authenticated:
        raise ApiError(401, "login_required", "Please log in or start as a guest first.")
    user = current_user._get_current_object()
    if user.is_youth:
        ended = end_logins(user)
        start_login(user, timedelta(days=current_app.config["YOUTH_LOGIN_DAYS"]))
        return jsonify(ended=ended, **me_payload())
    ended = end_logins(user)
    AuditLog.record(user, "auth.logout_everywhere", user, ended=ended)
    end_this_login()
    return jsonify(ended=ended, kind="visitor")


@bp.get("/api/me")
@api.validate(tags=["auth"])
def me():
    """Who am I: visitor, youth (handle) or staff (public profile)."""
    return jsonify(me_payload())


@bp.post("/api/youth")
@limiter.limit(setting("YOUTH_NEW_PER_DEVICE"), key_func=device_key, exempt_when=no_device)
@limiter.limit(setting("YOUTH_NEW_PER_ADDRESS"), key_func=get_remote_address)
@api.validate(tags=["auth"])
def become_youth():
    """Become an anonymous youth with a generated handle (one tap; nothing else is stored)."""
    if current_user.is_authenticated:
        raise ApiError(409, "already_signed_in",
                       "You already have an identity here. Log out or erase it first.")
    with db.atomic():
        for _ in range(10):
            handle = generate_handle()
            if not Youth.select().where(Youth.handle == handle).exists():
                break
        youth = Youth.create(handle=handle)
    start_login(youth, timedelta(days=current_app.config["YOUTH_LOGIN_DAYS"]))
    return give_device_cookie(jsonify(me_payload())), 201


@bp.patch("/api/me")
@youth_required
@api.validate(json=HandleBody, tags=["auth"])
def change_handle():
    """Change my anonymous handle."""
    handle = json_body().handle
    problem = handle_problem(handle)
    if problem:
        raise ApiError(422, "invalid", "Choose another name.", {"handle": problem})
    if Youth.select().where((Youth.handle == handle) & (Youth.id != current_user.id)).exists():
        raise ApiError(409, "handle_taken", "Someone already uses that name. Try another.", {"handle": "is taken"})
    with db.atomic():
        Youth.update(handle=handle).where(Youth.id == current_user.id).execute()
    return jsonify(kind="youth", id=current_user.id, handle=handle)


@bp.delete("/api/me")
@youth_required
@api.validate(tags=["auth"])
def erase_me():
    """Erase me: delete my anonymous identity and everything linked to it."""
    youth = Youth.get_by_id(current_user.id)
    end_this_login()
    with db.atomic():
        youth.erase()
    return "", 204


def add_login_step(app, step):
    """A feature adds a step between the right password and the login: `step(staff)` raises ApiError to hold
    the login (the console's second factor does)."""
    steps = app.extensions.setdefault("tuttu_login_steps", [])
    if step not in steps:
        steps.append(step)


def init_app(app):
    login_manager.init_app(app)
    login_manager.session_protection = None
    app.register_blueprint(bp)
    tasks.register_job("auth.forget_unreachable_youth", forget_unreachable_youth, crontab(hour="4", minute="10"))
