"""Rate-limit keys that follow the person and the device first, the network address last.

A school class shares one public address, so per-address caps (settings in config.py) are high
enough for a class and low enough to stop a script; the tight limits are per identity or per device.
"""
import secrets

from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

DEVICE_COOKIE = "tuttu_device"      # the random device cookie (also used for device blocks in the chat)


def identity_key() -> str:
    """The logged-in youth or staff member, else the address."""
    if current_user.is_authenticated:
        kind = "youth" if getattr(current_user, "is_youth", False) else "staff"
        return f"{kind}:{current_user.id}"
    return f"address:{get_remote_address()}"


def device_id() -> str | None:
    value = request.cookies.get(DEVICE_COOKIE)
    return value if value and len(value) <= 64 else None


def device_key() -> str:
    return f"device:{device_id() or get_remote_address()}"


def no_device() -> bool:
    """For `exempt_when`: a request without a device cookie is only counted per address."""
    return device_id() is None


def give_device_cookie(response):
    """Give this browser its random device cookie if it has none."""
    if device_id() is None:
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(24), max_age=30 * 86400, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


def setting(name):
    """A limit string from the configuration, read when the request comes (tests may change it)."""
    return lambda: current_app.config[name]
