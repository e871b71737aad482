"""API conventions: the spectree instance (validation + OpenAPI) and the pydantic building blocks.

Views declare their body with `@api.validate(json=SomeBody, tags=[...])` and read it from
`request.context.json`. A body that is not valid answers 422 in the one error shape; malformed
JSON 400; a non-JSON content type 415; an oversized JSON body 413.
"""
import json
import unicodedata
from typing import Annotated

from flask import request
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints
from spectree import Response, SpecTree

from .errors import ApiError
from .text import text_problem


def _no_control_chars(value: str) -> str:
    """Control, bidirectional and invisible characters are refused; whole emoji sequences are not (text.py)."""
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return unicodedata.normalize("NFC", value)


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value or "\t" in value:
        raise ValueError("must be a single line")
    return value


def Line(max_length: int, min_length: int = 1):
    """A single line of plain text, whitespace-stripped, no control characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(_single_line), AfterValidator(_no_control_chars)]


def Text(max_length: int, min_length: int = 1):
    """Multi-line plain text (newlines allowed), no other control characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
                     AfterValidator(_no_control_chars)]


class Body(BaseModel):
    """Base for request bodies and queries: unknown fields are refused."""
    model_config = ConfigDict(extra="forbid")


def field_errors(err) -> dict:
    """pydantic errors as {"field.path": "message"}."""
    fields = {}
    for item in err.errors():
        path = ".".join(str(part) for part in item.get("loc", ()) if part != "__root__") or "body"
        message = item.get("msg", "is invalid")
        if item.get("type") == "extra_forbidden":
            message = "is not a known field"
        fields.setdefault(path, message.removeprefix("Value error, "))
    return fields


def _before(req, resp, req_validation_error, instance, model_adapter=None):
    if req_validation_error is not None:
        raise ApiError(422, "invalid", "Some fields need attention.", field_errors(req_validation_error))


def _after(req, resp, resp_validation_error, instance, model_adapter=None):
    return None


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorBody(BaseModel):
    """The one error shape of the whole API."""
    error: ErrorDetail


ERROR_RESPONSES = {f"HTTP_{code}": ErrorBody for code in (400, 401, 403, 404, 409, 413, 422, 429)}


class TuttuSpec(SpecTree):
    """SpecTree that documents the error shape on every route and a plain 200 where none is given."""

    def validate(self, *args, resp=None, **kwargs):
        if resp is None:
            resp = Response("HTTP_200")
        for code, model in ERROR_RESPONSES.items():
            if code not in resp.code_models and code not in resp.codes:
                resp.add_model(int(code[5:]), model)
        return super().validate(*args, resp=resp, **kwargs)


api = TuttuSpec(
    "flask",
    title="Tuttu API",
    version="1",
    path="api/docs",
    mode="strict",
    before=_before,
    after=_after,
    annotations=False,
    description="JSON API of Tuttu. State-changing requests need the X-CSRF-Token header from GET /api/csrf.",
)


def guard_json_body(app):
    """Refuse malformed, non-object, non-JSON or oversized bodies before any view runs."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith("/api/"):
        return None
    if request.mimetype in ("multipart/form-data",):
        return None
    length = request.content_length or 0
    if length == 0:
        return None
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
    if length > app.config["MAX_JSON_BYTES"]:
        raise ApiError(413, "too_large", f"The request body is too large (at most {app.config['MAX_JSON_BYTES'] // 1024} KB).")
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    return None


def json_body():
    """The validated body of the current request (set by @api.validate(json=...))."""
    return request.context.json


def query_args():
    return request.context.query


def init_app(app):
    app.before_request(lambda: guard_json_body(app))
    api.register(app)
