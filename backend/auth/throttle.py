"""Failed staff passwords slow the one who fails, not the account's owner.

Failures are counted in three scopes: the account at one address ("pair"), one address over every
account, and one account over every address. Each scope has some free failures; after them every
further failure blocks that scope for a growing delay (2 s, 4 s, 8 s ... at most LOGIN_MAX_DELAY).
A stranger guessing at someone's e-mail therefore slows down their own address first; the account
scope (for many addresses at once) starts late. A device that has logged in to the account before
(the signed known-device cookie) is never blocked: the owner can always log in.
Counters forget after a day without failures; a success clears the pair and the address.
Repeated failures are written to the audit log (with hashes, never the address).
"""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from peewee import IntegrityError

from ..db import db
from ..models import AuditLog, utcnow
from ..models.logins import LoginFailure

DEVICE_COOKIE = "tuttu_staff_device"
DEVICE_DAYS = 180
FORGET_AFTER = timedelta(days=1)


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="tuttu-known-device")


def known_device_cookie(staff) -> str:
    """The value of the known-device cookie for `staff` (set after a successful login)."""
    import secrets
    return _serializer().dumps({"staff": staff.id, "nonce": secrets.token_urlsafe(8)})


def known_staff_id() -> int | None:
    """The staff member this browser has logged in as before (within DEVICE_DAYS), if any."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value or len(value) > 300:
        return None
    try:
        data = _serializer().loads(value, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    return data.get("staff") if isinstance(data, dict) else None


def is_known_device(staff) -> bool:
    """This browser has logged in as `staff` before."""
    return staff is not None and known_staff_id() == staff.id


def any_known_device() -> bool:
    """For the per-address request limit: a browser that has logged in before is not counted with its
    network (the failed-password scopes still apply to every account but its own)."""
    return known_staff_id() is not None


def set_known_device(response, staff):
    response.set_cookie(DEVICE_COOKIE, known_device_cookie(staff), max_age=DEVICE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=request.is_secure, path="/api/auth")


def _hash(scope: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{scope}\0{value}".encode(), hashlib.sha256).hexdigest()


def _scopes(email: str, address: str) -> dict:
    """scope -> (hash, free failures)."""
    cfg = current_app.config
    return {
        "pair": (_hash("pair", f"{email}\0{address}"), cfg["LOGIN_FREE_FAILURES_PAIR"]),
        "address": (_hash("address", address), cfg["LOGIN_FREE_FAILURES_ADDRESS"]),
        "account": (_hash("account", email), cfg["LOGIN_FREE_FAILURES_ACCOUNT"]),
    }


def delay_for(failures: int, free: int) -> float:
    """Seconds blocked after the `failures`-th failure when `free` are allowed: 0, then 2, 4, 8 ..."""
    over = failures - free
    if over <= 0:
        return 0.0
    return float(min(2 ** min(over, 30), current_app.config["LOGIN_MAX_DELAY"]))


def wait_seconds(email: str, address: str, staff=None) -> int:
    """How long this attempt must wait (0: go ahead). A known device never waits."""
    if is_known_device(staff):
        return 0
    now = utcnow()
    hashes = [h for h, _ in _scopes(email, address).values()]
    waits = [(row.blocked_until - now).total_seconds() for row in
             LoginFailure.select().where(LoginFailure.scope_hash.in_(hashes))
             if row.blocked_until and row.blocked_until > now and now - row.last_failed_at < FORGET_AFTER]
    return int(max(waits, default=0) + 0.999)


def _count(scope_hash: str, free: int, now):
    """One more failure in this scope; returns the new count and whether it is now blocked."""
    for _ in range(2):
        try:
            with db.atomic():
                row = LoginFailure.lookup(scope_hash)
                if row is None:
                    row = LoginFailure.create(scope_hash=scope_hash, failures=0, last_failed_at=now)
                if now - row.last_failed_at >= FORGET_AFTER:
                    row.failures = 0
                row.failures += 1
                row.last_failed_at = now
                delay = delay_for(row.failures, free)
                row.blocked_until = now + timedelta(seconds=delay) if delay else None
                row.save()
                return row.failures
        except IntegrityError:     # created at the same moment by another request: count again
            continue
    return 0


def record_failure(email: str, address: str, staff=None):
    """Count a failed password; the audit log hears when a scope starts to be slowed down, and every
    ten failures after that."""
    now = utcnow()
    forget_stale()                  # retention: counters without a failure for a day go
    for scope, (scope_hash, free) in _scopes(email, address).items():
        failures = _count(scope_hash, free, now)
        if failures > free and (failures - free - 1) % 10 == 0:
            AuditLog.record(None, "auth.repeated_failures", staff, scope=scope, failures=failures,
                            account=_hash("audit-account", email)[:12],
                            address=_hash("audit-address", address)[:12])


def record_success(email: str, address: str):
    scopes = _scopes(email, address)
    LoginFailure.clear(scopes["pair"][0], scopes["address"][0])


def forget_stale():
    """Retention: counters of scopes without a failure for a day are deleted."""
    return LoginFailure.remove_stale(utcnow() - FORGET_AFTER)
