"""API conventions: the spectree instance (validation + OpenAPI) and the pydantic building blocks.

Views declare their body with `@api.validate(json=SomeBody, tags=[...])` and read it from
`request.context.json`. A body that is not valid answers 422 in the one error shape; malformed
JSON 400 (also JSON nested deeper than MAX_DEPTH); a non-JSON content type 415 (multipart only where the
view declares a form); an oversized JSON body 413. Integers are 64-bit: larger ids in paths answer 404,
in bodies and queries 422.

The OpenAPI document (/api/openapi.json) declares what each operation really answers: the error shape
for every error status, 201/202/204 and other media types from RESPONSES below, integer bounds, the
body of DELETE /api/push/subscriptions. Spectree's documentation pages (Swagger, Redoc, Scalar) are not
served: they load scripts from a CDN, a third-party request.
"""
import json
import re
import unicodedata
from typing import Annotated

from flask import current_app, request
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, field_validator
from spectree import Response, SpecTree
from werkzeug.exceptions import HTTPException

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


INT_MIN, INT_MAX = -2**63, 2**63 - 1     # what every database column holds (SQLite INTEGER, PostgreSQL BIGINT)
MAX_DEPTH = 32                          # JSON bodies nested deeper are refused


def _within_64_bits(value):
    """Every integer in `value` (also inside lists and dicts) fits in 64 bits."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise ValueError("must be a whole number of at most 64 bits")
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            _within_64_bits(item)
    elif isinstance(value, dict):
        for item in value.values():
            _within_64_bits(item)
    return value


class Body(BaseModel):
    """Base for request bodies and queries: unknown fields are refused, integers are 64-bit, no NaN/Infinity."""
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded_integers(cls, value):
        return _within_64_bits(value)


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


ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503)
ERROR_RESPONSES = {f"HTTP_{code}": ErrorBody for code in ERROR_STATUSES if code != 405}

JSON = "application/json"
# What an operation answers besides "200 with a JSON object" (the default): (method, rule) -> {status: media
# type or None for no body}. The fuzz test (tests/fuzz/test_schemathesis.py) finds any status or media type
# missing here.
RESPONSES = {
    ("POST", "/api/youth"): {201: JSON},
    ("DELETE", "/api/me"): {204: None},
    ("POST", "/api/staff/signup"): {201: JSON},
    ("POST", "/api/console/invites"): {201: JSON},
    ("POST", "/api/console/me/factor/totp"): {201: JSON},
    ("GET", "/api/console/me/factor/totp/qr.svg"): {200: "image/svg+xml"},
    ("POST", "/api/console/youth-centres"): {201: JSON},
    ("GET", "/api/console/audit.csv"): {200: "text/csv"},
    ("GET", "/api/console/reports/overview.csv"): {200: "text/csv"},
    ("GET", "/api/console/reports/sessions/<int:session_id>.csv"): {200: "text/csv"},
    ("GET", "/api/sectors"): {200: "application/geo+json", 304: None},
    ("POST", "/api/sectors/moves/seen"): {204: None},
    ("POST", "/api/visits"): {204: None},
    ("POST", "/api/admin/sectors/import"): {201: JSON},
    ("POST", "/api/officers/me/photo"): {201: JSON},
    ("DELETE", "/api/officers/me/photo"): {204: None},
    ("POST", "/api/follows"): {201: JSON},
    ("DELETE", "/api/follows/officers/<int:officer_id>"): {204: None},
    ("DELETE", "/api/follows/sectors/<int:sector_id>"): {204: None},
    ("POST", "/api/posts"): {201: JSON},
    ("DELETE", "/api/posts/<int:post_id>"): {204: None},
    ("POST", "/api/sessions"): {201: JSON},
    ("POST", "/api/sessions/<int:session_id>/questions"): {201: JSON},
    ("POST", "/api/schedule"): {201: JSON},
    ("DELETE", "/api/schedule/<int:slot_id>"): {204: None},
    ("POST", "/api/meetups"): {201: JSON},
    ("POST", "/api/meetups/<int:meetup_id>/messages"): {201: JSON},
    ("POST", "/api/meetups/<int:meetup_id>/signups"): {201: JSON},
    ("DELETE", "/api/meetups/<int:meetup_id>/signups/me"): {204: None},
    ("GET", "/api/meetups/<int:meetup_id>/signups/me/qr.svg"): {200: "image/svg+xml"},
    ("GET", "/api/meetups/<int:meetup_id>/attendees.csv"): {200: "text/csv"},
    ("GET", "/api/meetups/<int:meetup_id>.ics"): {200: "text/calendar"},
    ("GET", "/api/calendar/<token>.ics"): {200: "text/calendar"},
    ("POST", "/api/push/subscriptions"): {201: JSON},
    ("DELETE", "/api/push/subscriptions"): {204: None},
    ("POST", "/api/push/test"): {202: JSON},
}
# Bodies spectree does not read (it skips DELETE bodies); the view validates them itself.
DELETE_BODIES: dict = {}      # (method, rule) -> pydantic model; filled by the views that take one
ALLOW = {"Allow": {"description": "The methods this path allows.", "schema": {"type": "string"}}}


class TuttuSpec(SpecTree):
    """SpecTree that documents the error shape on every route and a plain 200 where none is given."""

    def validate(self, *args, resp=None, **kwargs):
        if resp is None:
            resp = Response("HTTP_200")
        for code, model in ERROR_RESPONSES.items():
            if code not in resp.code_models and code not in resp.codes:
                resp.add_model(int(code[5:]), model)
        return super().validate(*args, resp=resp, **kwargs)

    def register(self, app):
        """Bind to the app without spectree's own routes: its documentation pages load scripts from a CDN
        (a third-party request). The document is served by the shell at /api/openapi.json."""
        self.app = app

    def _generate_spec(self):
        spec = super()._generate_spec()
        error_ref = {"$ref": "#/components/schemas/" + _error_schema_name(spec)}
        rules = {}
        for rule in self.app.url_map.iter_rules():
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            for method in rule.methods or ():
                rules[(method, path)] = rule.rule
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                rule = rules.get((method.upper(), path), path)
                _document_responses(operation, RESPONSES.get((method.upper(), rule), {}), error_ref)
                for parameter in operation.get("parameters", []):
                    _bound_integers(parameter.get("schema", {}), path_id=parameter.get("in") == "path")
                model = DELETE_BODIES.get((method.upper(), rule))
                if model is not None:
                    operation["requestBody"] = {"required": True, "content": {JSON: {
                        "schema": model.model_json_schema(ref_template="#/components/schemas/{model}")}}}
        for schema in spec["components"]["schemas"].values():
            _bound_integers(schema)
        for operation in (op for ops in spec["paths"].values() for op in ops.values()):
            form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
            name = form and form.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            for field in spec["components"]["schemas"].get(name or "", {}).get("properties", {}).values():
                if _is_file(field):
                    field.update(type="string", format="binary")
                    field.pop("default", None)
        return spec


def _error_schema_name(spec) -> str:
    for name in spec["components"]["schemas"]:
        if name == "ErrorBody" or (name.startswith("ErrorBody.") and name.count(".") == 1):
            return name
    return "ErrorBody"


def _document_responses(operation, declared: dict, error_ref: dict):
    """Every status the operation answers, with its body and media type."""
    responses = operation.setdefault("responses", {})
    successes = dict(declared)
    if 204 in successes:
        if 200 not in successes:
            responses.pop("200", None)
    else:
        successes.setdefault(200, JSON)         # the default: 200 with a JSON object
    for status, media in sorted(successes.items()):
        entry = responses.setdefault(str(status), {"description": _REASONS.get(status, "OK")})
        if media is None:
            entry.pop("content", None)
        elif media == JSON:
            entry.setdefault("content", {JSON: {"schema": {"type": "object"}}})
        else:
            entry["content"] = {media: {"schema": {"type": "string"}}}
    for status in ERROR_STATUSES:
        entry = responses.setdefault(str(status), {"description": _REASONS.get(status, "Error")})
        entry["content"] = {JSON: {"schema": error_ref}}
        if status == 405:
            entry["headers"] = ALLOW


_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 304: "Not Modified",
            400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type",
            422: "Unprocessable Entity", 429: "Too Many Requests", 503: "Service Unavailable"}


def _bound_integers(schema, path_id=False):
    """Integers in the document say they are 64-bit (and ids in paths are not negative)."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "integer":
        schema["format"] = "int64"
        schema.setdefault("minimum", 0 if path_id else INT_MIN)
        schema.setdefault("maximum", INT_MAX)
    for value in schema.values():
        if isinstance(value, dict):
            _bound_integers(value)
        elif isinstance(value, list):
            for item in value:
                _bound_integers(item)


api = TuttuSpec(
    "flask",
    title="Tuttu API",
    version="1",
    path="api/docs",
    page_templates={},      # no Swagger/Redoc/Scalar pages: they load scripts from a CDN
    mode="strict",
    before=_before,
    after=_after,
    annotations=False,
    description="JSON API of Tuttu. State-changing requests need the X-CSRF-Token header from GET /api/csrf.",
)


def guard_json_body(app):
    """Refuse out-of-range ids, malformed, too deep, non-object, non-JSON or oversized bodies, and multipart
    bodies where the view takes none (or with a file in a field that is not a file), before any view runs."""
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            raise ApiError(404, "not_found", "Not found.")
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or not request.path.startswith("/api/"):
        return None
    if request.mimetype == "multipart/form-data":
        return _guard_multipart(app)
    length = request.content_length or 0
    if length == 0:
        return None
    if request.method == "DELETE" and request.mimetype != "application/json" and not _takes_delete_body():
        return None
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
    if length > app.config["MAX_JSON_BYTES"]:
        raise ApiError(413, "too_large", f"The request body is too large (at most {app.config['MAX_JSON_BYTES'] // 1024} KB).")
    try:
        body = json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "malformed_json", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    if _depth(body) > MAX_DEPTH:
        raise ApiError(400, "malformed_json", f"The request body is nested too deeply (at most {MAX_DEPTH} levels).")
    return None


def _takes_delete_body() -> bool:
    rule = request.url_rule
    return rule is not None and ("DELETE", rule.rule) in DELETE_BODIES


def _depth(value) -> int:
    """How deeply `value` nests lists and objects (iteratively: no recursion limit to hit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _form_schema():
    """The JSON schema of the form the view this request goes to takes (None: no multipart body)."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    metadata = api.get_function_metadata(view) if view is not None else None
    key = getattr(metadata, "form", None) if metadata is not None else None
    return api.models.get(key) if key else None


def _is_file(schema: dict) -> bool:
    """A form field typed Any holds a file (documented as a binary string)."""
    return schema.get("format") == "binary" or not any(k in schema for k in ("type", "anyOf", "$ref", "enum", "const"))


def _guard_multipart(app):
    schema = _form_schema()
    if schema is None:
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
    try:
        form, files = request.form, request.files
    except HTTPException:
        raise
    except Exception:
        raise ApiError(400, "malformed_form", "The form data could not be read.") from None
    file_fields = {name for name, field in schema.get("properties", {}).items() if _is_file(field)}
    stray = sorted({name for name in files if name not in file_fields} | {"" for name in form if not name})
    if stray:
        raise ApiError(422, "invalid", "Some fields need attention.",
                       {name or "body": "is not a file field" if name in files else "has no name" for name in stray})
    if any(len(files.getlist(name)) > 1 for name in files):
        raise ApiError(422, "invalid", "Attach one file per field.",
                       {name: "only one file" for name in files if len(files.getlist(name)) > 1})
    return None


def json_body():
    """The validated body of the current request (set by @api.validate(json=...))."""
    return request.context.json


def query_args():
    return request.context.query


def allow_header(response):
    """A 405 says which methods the path allows (RFC 9110)."""
    if response.status_code == 405 and "Allow" not in response.headers:
        try:
            methods = current_app.url_map.bind_to_environ(request.environ).allowed_methods()
        except HTTPException:
            methods = []
        if methods:
            response.headers["Allow"] = ", ".join(sorted(methods))
    return response


def init_app(app):
    # First of all before-request functions: the CSRF check reads the form too (a nameless part broke it).
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: guard_json_body(app))
    app.after_request(allow_header)
    api.register(app)
