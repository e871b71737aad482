"""Second factors for staff: TOTP (pyotp) with one-time recovery codes.

The login asks `needs_second_factor(staff)` after the password matched; when it is True the login is
finished by POST /api/auth/second-factor with a code. Sensitive admin actions call
`require_recent_factor(staff)`: with a factor enrolled, the last check must be under 15 minutes old.
Admins can require a factor for everyone or by role (setting "second_factor.roles"); staff of such a
role without a factor may only set one up until they have it (`enforce_setup`, before every request).
"""
import time
from functools import wraps

import pyotp
import segno
import webauthn
from flask import Blueprint, Response, jsonify, request, session
from flask_login import current_user
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from ..api import Body, Line, api, json_body
from ..clock import iso
from ..db import db
from ..errors import ApiError
from ..models import AuditLog, RecoveryCode, Setting, Staff, StaffFactor, StaffPasskey, utcnow
from ..security import limiter

bp = Blueprint("console_factors", __name__)

RECHECK_SECONDS = 15 * 60           # app config FACTOR_RECHECK_SECONDS may change it


def recheck_seconds() -> int:
    from flask import current_app
    return current_app.config.get("FACTOR_RECHECK_SECONDS", RECHECK_SECONDS)
POLICY_KEY = "second_factor.roles"
ISSUER = "Tuttu"


# --- the questions other parts ask ----------------------------------------------------------------

def has_factor(staff) -> bool:
    """An authenticator app (TOTP) or a passkey."""
    return StaffFactor.confirmed_for(staff) is not None or StaffPasskey.of(staff).exists()


def required_roles() -> list:
    return list(Setting.value_of(POLICY_KEY, []) or [])


def factor_required(staff) -> bool:
    return staff.role in required_roles()


def needs_second_factor(staff) -> bool:
    """Must this login give a second factor after the password? (Yes whenever one is enrolled.)"""
    return has_factor(staff)


def mark_checked():
    session["factor_at"] = time.time()          # to the fraction: a whole-second stamp shortened the window by up to 1 s


def require_recent_factor(staff):
    """Refuse (403 factor_recheck) unless the factor was checked in the last 15 minutes; no-op without one."""
    if not has_factor(staff):
        return
    if time.time() - session.get("factor_at", 0) > recheck_seconds():
        raise ApiError(403, "factor_recheck", "Confirm it's you: enter a code from your authenticator app.")


def check_code(staff, code: str) -> bool:
    """A current TOTP code (each time step once) or an unused recovery code."""
    code = (code or "").strip().replace(" ", "")
    factor = StaffFactor.confirmed_for(staff)
    if code.isdigit() and len(code) == 6:
        return factor is not None and _take_totp(factor, code)
    return has_factor(staff) and RecoveryCode.use(staff, code)


def _take_totp(factor, code) -> bool:
    totp = pyotp.TOTP(factor.secret)
    now = time.time()
    for offset in (0, -1, 1):
        moment = now + offset * totp.interval
        if totp.at(moment) == code:
            counter = int(moment // totp.interval)      # the time step this code belongs to
            taken = (StaffFactor.update(last_counter=counter)
                     .where((StaffFactor.id == factor.id) & (StaffFactor.last_counter < counter)).execute())
            return taken == 1
    return False


def staff_login_required(view):
    """Any logged-in staff member, verified or not (to set up their own factor while waiting)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            raise ApiError(401, "login_required", "Please log in as staff first.")
        if not getattr(current_user, "is_staff", False):
            raise ApiError(403, "staff_only", "Only staff can do this.")
        return view(*args, **kwargs)
    return wrapper


SETUP_ALLOWED = ("/api/me", "/api/csrf", "/api/auth/", "/api/console/me/factor", "/api/config")


def enforce_setup():
    """Staff whose role must use a second factor and who have none may only set one up (or log out)."""
    if not request.path.startswith("/api/") or request.path.startswith(SETUP_ALLOWED):
        return None
    user = current_user
    if user.is_authenticated and getattr(user, "is_staff", False) and factor_required(user) and not has_factor(user):
        raise ApiError(403, "factor_setup_required",
                       "Your city requires a second factor for your role. Set up an authenticator app first.")
    return None


# --- my own factor --------------------------------------------------------------------------------

class CodeBody(Body):
    code: Line(40, min_length=6)


def my_factor_state(staff) -> dict:
    factor = StaffFactor.confirmed_for(staff)
    passkeys = [{"id": p.id, "name": p.name, "created_at": iso(p.created_at)} for p in StaffPasskey.of(staff)]
    enrolled = factor is not None or bool(passkeys)
    return {"enrolled": enrolled, "totp": factor is not None, "passkeys": passkeys,
            "since": iso(factor.confirmed_at) if factor else None,
            "recovery_codes_left": RecoveryCode.left(staff) if enrolled else 0,
            "required": factor_required(staff),
            "checked_recently": time.time() - session.get("factor_at", 0) <= recheck_seconds()}


def _pending_factor(staff):
    return (StaffFactor.select().where((StaffFactor.staff == staff) & StaffFactor.confirmed_at.is_null())
            .order_by(StaffFactor.id.desc()).first())


@bp.get("/api/console/me/factor")
@staff_login_required
@api.validate(tags=["console"])
def my_factor():
    """My second factor: enrolled or not, recovery codes left, whether my role requires one."""
    return jsonify(my_factor_state(current_user))


@bp.post("/api/console/me/factor/totp")
@staff_login_required
@api.validate(tags=["console"])
def start_totp():
    """Start setting up an authenticator app: a new secret to scan (QR) or type; confirm with a code."""
    staff = current_user
    if StaffFactor.confirmed_for(staff) is not None:
        raise ApiError(409, "factor_exists", "You already use an authenticator app. Ask an admin to reset it first.")
    with db.atomic():
        StaffFactor.delete().where((StaffFactor.staff == staff) & StaffFactor.confirmed_at.is_null()).execute()
        factor = StaffFactor.create(staff=staff, kind="totp", secret=pyotp.random_base32())
    uri = pyotp.TOTP(factor.secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)
    return jsonify(secret=factor.secret, uri=uri, qr="/api/console/me/factor/totp/qr.svg"), 201


@bp.get("/api/console/me/factor/totp/qr.svg")
@staff_login_required
@api.validate(tags=["console"])
def totp_qr():
    """The QR code of the secret being set up (SVG, drawn here: nothing leaves the server)."""
    factor = _pending_factor(current_user)
    if factor is None:
        raise ApiError(404, "not_found", "Start setting up an authenticator app first.")
    uri = pyotp.TOTP(factor.secret).provisioning_uri(name=current_user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", title="QR code")
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.post("/api/console/me/factor/totp/confirm")
@staff_login_required
@api.validate(json=CodeBody, tags=["console"])
def confirm_totp():
    """Confirm the authenticator app with its first code; answers the recovery codes (shown only now)."""
    staff = current_user
    factor = _pending_factor(staff)
    if factor is None:
        raise ApiError(409, "no_pending_factor", "Start setting up an authenticator app first.")
    code = json_body().code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6 and _take_totp(factor, code)):
        raise ApiError(422, "invalid", "That code doesn't match. Check the time on your phone and try again.",
                       {"code": "doesn't match"})
    with db.atomic():
        factor.confirmed_at = utcnow()
        factor.save(only=[StaffFactor.confirmed_at])
        codes = RecoveryCode.issue(staff)
        AuditLog.record(staff, "factor.enrol", staff, kind="totp")
    mark_checked()
    return jsonify(recovery_codes=codes, **my_factor_state(staff))


@bp.post("/api/console/me/factor/check")
@staff_login_required
@api.validate(json=CodeBody, tags=["console"])
def recheck_factor():
    """Confirm it's me again before a sensitive action (a code from the app or a recovery code)."""
    staff = current_user
    if not check_code(staff, json_body().code):
        raise ApiError(422, "invalid", "That code doesn't match.", {"code": "doesn't match"})
    mark_checked()
    return jsonify(my_factor_state(staff))


# --- an admin resets a lost factor ----------------------------------------------------------------

def reset_factor_of(staff, admin):
    with db.atomic():
        StaffFactor.delete().where(StaffFactor.staff == staff).execute()
        StaffPasskey.delete().where(StaffPasskey.staff == staff).execute()
        RecoveryCode.delete().where(RecoveryCode.staff == staff).execute()
        AuditLog.record(admin, "factor.reset", staff)


# --- the login's second step ----------------------------------------------------------------------

PENDING_KEY = "second_factor_pending"
PENDING_SECONDS = 5 * 60
PENDING_TRIES = 5


def second_factor_step(staff):
    """The login step for an account with a second factor: hold the login until the code or passkey."""
    if needs_second_factor(staff):
        hold_login(staff)
        raise ApiError(401, "second_factor_required", "Enter the code from your authenticator app.")


def hold_login(staff):
    """The password matched but a second factor is needed: remember who, for 5 minutes, in this session."""
    session.pop("login", None)
    session[PENDING_KEY] = {"staff": staff.id, "epoch": staff.session_epoch,
                            "until": int(time.time()) + PENDING_SECONDS, "tries": 0}


class SecondFactorBody(Body):
    code: Line(40, min_length=6)


@bp.post("/api/auth/second-factor")
@limiter.limit("10 per minute")
@api.validate(json=SecondFactorBody, tags=["auth"])
def finish_login():
    """The login's second step: a code from the authenticator app (or a recovery code) finishes it."""
    staff = _pending_staff()
    pending = session[PENDING_KEY]
    if not check_code(staff, json_body().code):
        pending["tries"] = pending.get("tries", 0) + 1
        if pending["tries"] >= PENDING_TRIES:
            session.pop(PENDING_KEY, None)
            raise ApiError(401, "login_required", "Too many wrong codes. Log in again.")
        session[PENDING_KEY] = pending
        raise ApiError(422, "invalid", "That code doesn't match.", {"code": "doesn't match"})
    return _finish_login(staff)


def _pending_staff():
    """The staff member whose password matched in this session in the last 5 minutes, or a 401."""
    pending = session.get(PENDING_KEY) or {}
    staff = Staff.get_or_none(Staff.id == pending.get("staff")) if pending else None
    if (staff is None or pending.get("until", 0) < time.time() or staff.session_epoch != pending.get("epoch")
            or not staff.active):
        session.pop(PENDING_KEY, None)
        raise ApiError(401, "login_required", "Log in with your e-mail and password first.")
    return staff


def _finish_login(staff):
    from datetime import timedelta

    from flask import current_app

    from ..auth import me_payload, start_login
    from ..auth.throttle import set_known_device
    session.pop(PENDING_KEY, None)
    staff.last_login_at = utcnow()
    staff.save(only=[Staff.last_login_at])
    start_login(staff, timedelta(hours=current_app.config["STAFF_LOGIN_HOURS"]))
    mark_checked()
    response = jsonify(me_payload())
    set_known_device(response, staff)       # this browser is now known: strangers' failures don't block it
    return response


# --- passkeys (WebAuthn) --------------------------------------------------------------------------

def _relying_party():
    """(rp_id, origin) of this site: the address the browser used, which must be one of ALLOWED_ORIGINS
    (any loopback address while testing)."""
    from flask import current_app
    origin = request.host_url.rstrip("/")
    allowed = current_app.config.get("ALLOWED_ORIGINS", [])
    if origin not in allowed and not current_app.testing:
        raise ApiError(400, "bad_origin", "Passkeys work only at the service's own address.")
    return request.host.split(":")[0], origin


def _descriptors(staff):
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
            for p in StaffPasskey.of(staff)]


def _auth_options(staff, key):
    rp_id, _ = _relying_party()
    options = webauthn.generate_authentication_options(rp_id=rp_id, allow_credentials=_descriptors(staff))
    session[key] = bytes_to_base64url(options.challenge)
    return current_app_json(webauthn.options_to_json(options))


def current_app_json(text):
    from flask import current_app
    return current_app.response_class(text, mimetype="application/json")


def _verify_assertion(staff, credential, key) -> bool:
    """Check a passkey assertion against this session's challenge; True when it is one of `staff`'s passkeys."""
    challenge = session.pop(key, None)
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    passkey = StaffPasskey.get_or_none((StaffPasskey.staff == staff) & (StaffPasskey.credential_id == raw_id)) \
        if isinstance(raw_id, str) else None
    if not challenge or passkey is None:
        return False
    rp_id, origin = _relying_party()
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential, expected_challenge=base64url_to_bytes(challenge), expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=base64url_to_bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count)
    except Exception:          # the library raises several exception types for bad or forged input
        return False
    StaffPasskey.update(sign_count=verified.new_sign_count, last_used_at=utcnow()).where(
        StaffPasskey.id == passkey.id).execute()
    return True


class PasskeyBody(Body):
    credential: dict
    name: Line(60) | None = None


@bp.post("/api/console/me/passkeys/options")
@staff_login_required
@api.validate(tags=["console"])
def passkey_registration_options():
    """Options for the browser to create a passkey for my account (WebAuthn)."""
    staff = current_user
    rp_id, _ = _relying_party()
    options = webauthn.generate_registration_options(
        rp_id=rp_id, rp_name=ISSUER, user_name=staff.email, user_id=f"staff:{staff.id}".encode(),
        user_display_name=staff.name, exclude_credentials=_descriptors(staff))
    session["passkey_registration"] = bytes_to_base64url(options.challenge)
    return current_app_json(webauthn.options_to_json(options))


@bp.post("/api/console/me/passkeys")
@staff_login_required
@api.validate(json=PasskeyBody, tags=["console"])
def add_passkey():
    """Keep the passkey the browser created; the first factor also brings recovery codes (shown only now)."""
    staff = current_user
    body = json_body()
    challenge = session.pop("passkey_registration", None)
    if not challenge:
        raise ApiError(409, "no_pending_passkey", "Start adding a passkey first.")
    rp_id, origin = _relying_party()
    try:
        verified = webauthn.verify_registration_response(
            credential=body.credential, expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id, expected_origin=origin)
    except Exception:
        raise ApiError(422, "invalid", "That passkey could not be verified. Try again.",
                       {"credential": "not valid"}) from None
    first = not has_factor(staff)
    with db.atomic():
        StaffPasskey.create(staff=staff, credential_id=bytes_to_base64url(verified.credential_id),
                            public_key=bytes_to_base64url(verified.credential_public_key),
                            sign_count=verified.sign_count, name=body.name or "Passkey")
        codes = RecoveryCode.issue(staff) if first else None
        AuditLog.record(staff, "factor.enrol", staff, kind="passkey")
    mark_checked()
    return jsonify(recovery_codes=codes, **my_factor_state(staff)), 201


@bp.post("/api/console/me/factor/passkey/options")
@staff_login_required
@api.validate(tags=["console"])
def recheck_passkey_options():
    """Options to confirm it's me with a passkey before a sensitive action."""
    if not StaffPasskey.of(current_user).exists():
        raise ApiError(409, "no_passkey", "You have no passkey.")
    return _auth_options(current_user, "passkey_check")


@bp.post("/api/console/me/factor/passkey")
@staff_login_required
@api.validate(json=PasskeyBody, tags=["console"])
def recheck_passkey():
    """Confirm it's me with a passkey."""
    if not _verify_assertion(current_user, json_body().credential, "passkey_check"):
        raise ApiError(422, "invalid", "That passkey could not be verified.", {"credential": "not valid"})
    mark_checked()
    return jsonify(my_factor_state(current_user))


@bp.post("/api/auth/second-factor/passkey/options")
@limiter.limit("10 per minute")
@api.validate(tags=["auth"])
def login_passkey_options():
    """The login's second step with a passkey: options for the browser (after the password matched)."""
    staff = _pending_staff()
    if not StaffPasskey.of(staff).exists():
        raise ApiError(409, "no_passkey", "This account has no passkey. Use a code instead.")
    return _auth_options(staff, "passkey_login")


@bp.post("/api/auth/second-factor/passkey")
@limiter.limit("10 per minute")
@api.validate(json=PasskeyBody, tags=["auth"])
def login_passkey():
    """The login's second step with a passkey: a valid assertion finishes the login."""
    staff = _pending_staff()
    if not _verify_assertion(staff, json_body().credential, "passkey_login"):
        raise ApiError(422, "invalid", "That passkey could not be verified.", {"credential": "not valid"})
    return _finish_login(staff)
