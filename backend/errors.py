"""One error shape for the whole API: {"error": {"code", "message", "fields"}}.

A service that is down (PostgreSQL, Redis) is an outage, not a bug: the request answers 503 and the
log gets one line when it starts and one when it ends (Outage), not a traceback per request.
"""
from flask import g, jsonify, request
from peewee import DoesNotExist, IntegrityError
from werkzeug.exceptions import HTTPException

from .db import DATABASE_ERRORS, database_outage, db

DEFAULT_CODES = {
    400: "bad_request", 401: "login_required", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid", 429: "rate_limited", 500: "internal_error", 503: "unavailable",
}


class ApiError(Exception):
    """Raise from a view to answer with the one error shape."""

    def __init__(self, status, code=None, message=None, fields=None, headers=None):
        super().__init__(message or code)
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.message = message or self.code.replace("_", " ").capitalize()
        self.fields = fields or {}
        self.headers = headers or {}


def error_response(status, code, message, fields=None, headers=None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def wants_json():
    return request.path.startswith(("/api/", "/healthz", "/ws/")) or request.accept_mimetypes.best == "application/json"


def init_app(app):
    @app.errorhandler(ApiError)
    def _api_error(err):
        return error_response(err.status, err.code, err.message, err.fields, err.headers)

    @app.errorhandler(IntegrityError)
    def _integrity(err):
        if not db.is_closed() and db.in_transaction():
            db.rollback()
        return error_response(409, "conflict", "That already exists or conflicts with existing data.")

    def _database_unavailable(err):
        database_outage.failed(err)
        g.database_failed = True
        try:
            if not db.is_closed() and db.in_transaction():
                db.rollback()
        except Exception:
            pass
        return error_response(503, "database_unavailable",
                              "We can't reach our database right now. Please try again in a moment.",
                              headers={"Retry-After": "5"})

    for error in DATABASE_ERRORS:
        app.register_error_handler(error, _database_unavailable)

    @app.errorhandler(DoesNotExist)
    def _missing(err):
        return error_response(404, "not_found", "Not found.")

    @app.errorhandler(HTTPException)
    def _http(err):
        if not wants_json():
            return err
        status = err.code or 500
        messages = {
            404: "Not found.",
            405: "That method is not allowed here.",
            413: "The request is too large.",
            429: "Too many requests. Please wait a moment and try again.",
        }
        message = messages.get(status) or err.description or DEFAULT_CODES.get(status, "error")
        headers = {}
        if status == 429 and err.get_response().headers.get("Retry-After"):
            headers["Retry-After"] = err.get_response().headers["Retry-After"]
        return error_response(status, DEFAULT_CODES.get(status, "error"), message, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(err):
        if isinstance(err, HTTPException):
            return _http(err)
        app.logger.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side. Please try again.")
