"""Schemathesis over the whole API, in process (the WSGI app, no server), as a visitor, a youth, an officer
and an admin: no input may make the server fail, and every status code and media type it answers with
is in /api/openapi.json.

Bounded and repeatable: TUTTU_FUZZ_EXAMPLES examples per operation and role (default 5), hypothesis
derandomized (a fixed seed), no example database. A login the fuzzer ends (logout, erase-me, log out
everywhere) is renewed before the next case, so every case runs as its role.
"""
import hashlib
import os
import secrets
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from itsdangerous import URLSafeTimedSerializer
from schemathesis import GenerationMode

from backend import create_app
from backend.db import db
from backend.models import ChatSession, Sector, SectorPostcode, Staff, Youth, YouthCentre, utcnow
from backend.models.logins import Login
from tests.conftest import PASSWORD, _empty_postgres, _fresh_postgres_schema

EXAMPLES = int(os.environ.get("TUTTU_FUZZ_EXAMPLES", "5"))
ROLES = ("visitor", "youth", "officer", "admin")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'tuttu.db'}"
    if url.startswith("postgres"):
        _fresh_postgres_schema(url)
    app = create_app({
        "TESTING": True, "INSTANCE_PATH": str(tmp), "SECRET_KEY": secrets.token_hex(16), "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL") or None, "RATELIMIT_ENABLED": False,
        "MEDIA_PATH": str(tmp / "media"), "PUBLIC_URL": "http://localhost", "ALLOWED_ORIGINS": ["http://localhost"],
    })
    app.logger.disabled = True       # expected refusals; a 500 fails the test anyway
    with app.app_context():
        if url.startswith("postgres"):
            _empty_postgres()
        seed_city()
    yield app
    if not db.is_closed():
        db.close()
    if hasattr(db.obj, "close_all"):
        db.obj.close_all()


def seed_city():
    """Something for the ids to find: a sector, a youth centre, staff of two roles, a session."""
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    sector = Sector.create(slug="north", name="North", geometry=square, contact_phone="+358 1", office_hours=[])
    SectorPostcode.create(postcode="90100", sector=sector)
    centre = YouthCentre.create(name="Kupla", sector=sector)
    admin = Staff.register("admin@test.fi", "Ada Admin", Staff.ADMIN, PASSWORD, verified_by=True)
    Staff.register("officer@test.fi", "Olli Officer", Staff.OFFICER, PASSWORD, sector=sector, verified_by=admin)
    Staff.register("organiser@test.fi", "Oskari Organiser", Staff.ORGANISER, PASSWORD, youth_centre=centre,
                   verified_by=admin)
    now = utcnow()
    ChatSession.create(title="Chat", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=1))


class Identities:
    """One login per role, made the way the login route makes it (a Login row and a signed session)."""

    def __init__(self, app):
        self.app = app
        self.keys = {}
        self.cookies = {}

    def _person(self, role):
        if role == "youth":
            return Youth.create(handle=f"Fuzz{secrets.token_hex(4)}")
        return Staff.get(Staff.email == f"{role}@test.fi")

    def _login(self, role):
        raw_csrf = hashlib.sha1(os.urandom(64)).hexdigest()
        session = {"csrf_token": raw_csrf}          # a visitor has a CSRF token too, as the PWA does
        key = None
        if role != "visitor":
            person = self._person(role)
            login, key = Login.start(person, timedelta(hours=1))
            session.update({"_user_id": person.get_id(), "_fresh": False, "_permanent": True, "login": key})
        cookie = self.app.session_interface.get_signing_serializer(self.app).dumps(session)
        token = URLSafeTimedSerializer(self.app.secret_key, salt="wtf-csrf-token").dumps(raw_csrf)
        self.keys[role] = key
        self.cookies[role] = ({"tuttu": cookie}, {"X-CSRF-Token": token})

    def credentials(self, role):
        """(cookies, headers) of this role's browser."""
        with self.app.app_context():
            db.connect(reuse_if_open=True)
            if role not in self.cookies or (role != "visitor" and Login.find(self.keys[role]) is None):
                self._login(role)
            db.close()
        cookies, headers = self.cookies[role]
        return dict(cookies), dict(headers)


@pytest.fixture(scope="module")
def identities(fuzz_app):
    return Identities(fuzz_app)


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


def problems_with(operation, response) -> list[str]:
    """What the answer breaks: a server error, a status code or media type the document does not declare,
    a 405 without Allow."""
    problems = []
    status = response.status_code
    if status >= 500:
        problems.append(f"server error {response.content[:200]!r}")
    responses = operation.definition.raw.get("responses", {})
    documented = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
    if documented is None:
        problems.append(f"status {status} not documented (documented: {', '.join(sorted(responses))})")
    else:
        media = (response.headers.get("content-type") or [""])[0].split(";")[0].strip()
        declared = set((documented.get("content") or {}).keys())
        if status not in (204, 304) and (media or declared) and media not in declared:   # 204/304 have no body
            problems.append(f"media type {media or 'none'!r} not documented for {status} "
                            f"(documented: {', '.join(sorted(declared)) or 'no body'})")
    if status == 405 and not response.headers.get("allow"):
        problems.append("405 without Allow")
    return problems


@pytest.fixture(scope="module")
def cases(api_schema):
    """Every operation's inputs, valid and invalid, generated once and sent as each role. Hypothesis is
    derandomized, so each role was given the very same inputs before; generating them is most of the time."""
    found = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            def collect(case):   # called below, in this iteration: the loop variable is the current one
                found.append((operation, case))  # noqa: B023
            try:
                collect()
            except Unsatisfiable:      # no invalid input exists (an operation without parameters)
                assert mode is GenerationMode.NEGATIVE
    return found


def fuzz(cases, identities, role):
    """Every case as `role`; returns the problems found as readable lines."""
    problems = {}
    for operation, case in cases:
        cookies, headers = identities.credentials(role)
        response = case.call(headers={**(case.headers or {}), **headers}, cookies={**(case.cookies or {}), **cookies})
        for problem in problems_with(operation, response):
            key = (operation.label, response.status_code, problem)
            problems.setdefault(key, f"{role} {operation.label} -> {response.status_code}: {problem}; "
                                     f"{case.as_curl_command()[:400]}")
    return len(cases), sorted(problems.values())


@pytest.mark.parametrize("role", ROLES)
def test_no_input_makes_the_server_fail(cases, identities, role):
    count, problems = fuzz(cases, identities, role)
    print(f"schemathesis as {role}: {count} requests, {len(problems)} problems")   # shown with -s or -rP
    assert count > 0
    assert problems == [], f"{len(problems)} problems in {count} requests as {role}:\n" + "\n".join(problems)
