"""The PWA: static files from pwa/, deep links answered with the app shell, /healthz and /api/config."""
import hashlib
import json
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, send_from_directory

from .api import api
from .broker import get_broker
from .db import db

PWA = Path(__file__).resolve().parent.parent / "pwa"
bp = Blueprint("shell", __name__)

NO_CACHE = {"Cache-Control": "no-cache"}


@bp.get("/healthz")
def healthz():
    """Liveness and readiness: database and broker."""
    try:
        db.execute_sql("SELECT 1")
        database = "ok"
    except Exception as exc:  # reported, not raised
        database = f"error: {exc.__class__.__name__}"
    broker = get_broker().health()
    status = "ok" if database == "ok" and broker == "ok" else "degraded"
    return jsonify(status=status, database=database, broker=broker, broker_kind=get_broker().kind), \
        200 if status == "ok" else 503


@bp.get("/api/config")
@api.validate(tags=["shell"])
def public_config():
    """City settings the app needs: name, time zone, helplines, languages."""
    cfg = current_app.config
    return jsonify(city=cfg["CITY_NAME"], timezone=cfg["TIMEZONE"], languages=["fi", "sv", "da", "uk", "en"],
                   helplines=cfg.get("HELPLINES", []))


@bp.get("/api/openapi.json")
def openapi():
    """The OpenAPI 3 document, generated from the pydantic models."""
    return jsonify(api.spec)


SW_BUILD_LINE = "const BUILD = { version: 'dev', files: [] };"
PRECACHE_DIRS = ("js", "css", "i18n")
PRECACHE_EXTRA = ("/", "/offline.html", "/manifest.webmanifest", "/icons/icon-192.png")


def shell_build():
    """The shell's content hash (a new hash makes browsers install a new service worker) and its files."""
    files = sorted(p for d in PRECACHE_DIRS for p in (PWA / d).rglob("*") if p.is_file() and p.suffix in (".js", ".css", ".json"))
    digest = hashlib.sha256()
    for path in files + [PWA / "index.html", PWA / "offline.html", PWA / "manifest.webmanifest", PWA / "sw.js"]:
        if path.is_file():
            digest.update(path.relative_to(PWA).as_posix().encode() + b"\0" + path.read_bytes())
    urls = list(PRECACHE_EXTRA) + ["/" + p.relative_to(PWA).as_posix() for p in files]
    return {"version": digest.hexdigest()[:12], "files": urls}


@bp.get("/sw.js")
def service_worker():
    """The service worker, stamped with the shell's version and precache list (scope /)."""
    source = (PWA / "sw.js").read_text(encoding="utf-8")
    source = source.replace(SW_BUILD_LINE, f"const BUILD = {json.dumps(shell_build())};", 1)
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    response = send_from_directory(PWA, "manifest.webmanifest", mimetype="application/manifest+json", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
@bp.get("/<path:path>")
def app_shell(path="index.html"):
    """Files of the PWA; any other path that isn't an API is a deep link into the app shell."""
    if path.startswith(("api/", "ws/")):
        abort(404)
    target = (PWA / path).resolve()
    if PWA in target.parents and target.is_file():
        response = send_from_directory(PWA, path, max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response
    if "." in path.rsplit("/", 1)[-1]:
        abort(404)
    response = send_from_directory(PWA, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
