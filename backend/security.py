"""Security baseline: CSRF token + same-origin check, security headers, rate limits."""
from urllib.parse import urlparse

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from .errors import ApiError

csrf = CSRFProtect()
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True,
                  strategy="moving-window")

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "media-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "frame-src": "'none'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


def request_origin_allowed(app) -> bool:
    """True unless the browser says the request comes from another site."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    origin = request.headers.get("Origin")
    if not origin:
        return True
    if origin == "null":
        return False
    own = f"{request.scheme}://{request.host}"
    return origin.rstrip("/") in app.config["ALLOWED_ORIGINS"] or origin.rstrip("/") == own


def same_origin_ws(app) -> bool:
    """For the WebSocket handshake: an Origin header is required and must be ours."""
    origin = request.headers.get("Origin")
    if not origin:
        return False
    host = urlparse(origin).netloc
    return origin.rstrip("/") in app.config["ALLOWED_ORIGINS"] or host == request.host


def init_app(app):
    app.config.setdefault("WTF_CSRF_HEADERS", ["X-CSRF-Token"])
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)   # the Origin check below covers it
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    if app.config.get("REDIS_URL"):
        # Redis away: per-process memory limits instead of a 500 (one log line when it starts and ends).
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {
            "socket_connect_timeout": 1, "socket_timeout": 2,
            "key_prefix": (app.config.get("REDIS_PREFIX") or "tuttu:") + "limits"})   # keys "<prefix>limits:..."
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    @app.before_request
    def _refuse_cross_site():
        if request.method in UNSAFE_METHODS and not request_origin_allowed(app):
            raise ApiError(403, "cross_site", "This request came from another site and was refused.")

    csrf.init_app(app)

    app.register_error_handler(CSRFError, lambda err: _csrf_response())
    talisman.init_app(
        app,
        force_https=app.config.get("HTTPS", False) and not app.testing,
        strict_transport_security=True,
        strict_transport_security_max_age=31536000,
        session_cookie_secure=app.config.get("HTTPS", False),
        session_cookie_http_only=True,
        content_security_policy=CSP,
        referrer_policy="no-referrer",
        frame_options="DENY",
        permissions_policy={"geolocation": "(self)", "camera": "(self)", "microphone": "()",
                            "interest-cohort": "()"},
    )
    limiter.init_app(app)


def trust_proxy(app):
    """Behind a reverse proxy (TUTTU_PROXY_FIX hops): the client's address and scheme from its headers. The
    outermost WSGI layer, so every layer inside (the chat's JoinGate too) sees the client, not the proxy."""
    if app.config.get("PROXY_FIX"):
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _csrf_response():
    from .errors import error_response
    return error_response(403, "csrf_failed",
                          "Your security token is missing or expired. Reload the page and try again.")
