"""Fixtures in flaskr's style: app, client, runner, and helpers that act as each role.

Every test gets a fresh temporary SQLite file, or, when TEST_DATABASE_URL is set, the PostgreSQL
database emptied before the test. REQUIRE_SERVICES=1 turns a missing service into a failure.
"""
import os
import secrets
import shutil

import pytest

os.environ.setdefault("TUTTU_TASKS_IMMEDIATE", "1")
os.environ.setdefault("TUTTU_PASSWORD_HASH", "pbkdf2:sha256:1000")   # cheap hashing for test accounts only


def pytest_configure(config):
    """TUTTU_TEST_CLOCK_SHIFT_DAYS=365.5 runs the suite with the process clock that many days ahead (CI does, to
    prove that no test depends on the date or the time of day). Monotonic clocks are untouched; servers the tests start in
    other processes are not shifted, so CI runs this without tests/scale and tests/browser."""
    days = os.environ.get("TUTTU_TEST_CLOCK_SHIFT_DAYS")
    if days:
        from datetime import datetime, timedelta, timezone

        import time_machine
        traveller = time_machine.travel(datetime.now(timezone.utc) + timedelta(days=float(days)), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)

from backend import create_app  # noqa: E402
from backend.db import db  # noqa: E402
from backend.models import ALL_MODELS, Sector, SectorPostcode, Staff, YouthCentre  # noqa: E402
from tests.push.pushservice import PushService  # noqa: E402
from tests.support import PASSWORD, ApiClient  # noqa: E402

_fresh_postgres = set()


def _fresh_postgres_schema(url):
    """Once per test run: drop everything in the PostgreSQL test database so the schema is today's."""
    if url in _fresh_postgres:
        return
    import psycopg2
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connection.close()
    _fresh_postgres.add(url)


def _empty_postgres():
    tables = ", ".join(f'"{model._meta.table_name}"' for model in ALL_MODELS)
    db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file with today's schema, made once per run; each test starts from a copy of it."""
    folder = tmp_path_factory.mktemp("template")
    create_app(base_config(folder, f"sqlite:///{folder / 'tuttu.db'}"))
    db.close()
    return folder / "tuttu.db"


def base_config(folder, url):
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(folder),
        "SECRET_KEY": secrets.token_hex(16),
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL") or None,
        "RATELIMIT_ENABLED": False,
        "MEDIA_PATH": str(folder / "media"),
        "PUBLIC_URL": "http://localhost",
        "ALLOWED_ORIGINS": ["http://localhost"],
    }


@pytest.fixture
def app_config(tmp_path, request):
    """Settings for the test app; override this fixture (or update the dict) to change them."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / "tuttu.db")
        url = f"sqlite:///{tmp_path / 'tuttu.db'}"
    return base_config(tmp_path, url)


@pytest.fixture
def app(app_config):
    if app_config["DATABASE_URL"].startswith("postgres"):
        _fresh_postgres_schema(app_config["DATABASE_URL"])
    app = create_app(app_config)
    if app_config["DATABASE_URL"].startswith("postgres"):
        with app.app_context():
            _empty_postgres()
    # No app context is held open: each request pushes its own (as in production), so `g` is fresh.
    yield app
    if not db.is_closed():
        db.close()
    if hasattr(db.obj, "close_all"):
        db.obj.close_all()


@pytest.fixture
def client(app):
    return ApiClient(app.test_client())


@pytest.fixture
def new_client(app):
    """A factory for more independent clients (several people at once)."""
    return lambda: ApiClient(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def city(app):
    """A small city: two sectors, a youth centre, one verified staff member of each role, one unverified."""
    square = lambda x: {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]}
    north = Sector.create(slug="north", name="North", geometry=square(0), contact_phone="+358 1", office_hours=[])
    south = Sector.create(slug="south", name="South", geometry=square(1), contact_phone="+358 2", office_hours=[])
    SectorPostcode.create(postcode="90100", sector=north)
    SectorPostcode.create(postcode="90500", sector=south)
    centre = YouthCentre.create(name="Kupla", sector=north)
    admin = Staff.register("admin@test.fi", "Ada Admin", Staff.ADMIN, PASSWORD, verified_by=True)
    people = {
        "admin": admin,
        "officer": Staff.register("officer@test.fi", "Olli Officer", Staff.OFFICER, PASSWORD, sector=north,
                                  verified_by=admin),
        "officer2": Staff.register("officer2@test.fi", "Oona Officer", Staff.OFFICER, PASSWORD, sector=south,
                                   verified_by=admin),
        "youth_worker": Staff.register("host@test.fi", "Hilla Host", Staff.YOUTH_WORKER, PASSWORD,
                                       verified_by=admin),
        "organiser": Staff.register("organiser@test.fi", "Oskari Organiser", Staff.ORGANISER, PASSWORD,
                                    youth_centre=centre, verified_by=admin),
        "unverified": Staff.register("new@test.fi", "Uma Unverified", Staff.OFFICER, PASSWORD, sector=north),
    }
    return {"north": north, "south": south, "centre": centre, "staff": people}


@pytest.fixture
def as_role(city, new_client):
    """as_role('officer') -> a logged-in ApiClient; 'youth' -> an anonymous youth; 'visitor' -> nobody."""
    def make(role):
        api = new_client()
        if role == "youth":
            api.become_youth()
        elif role != "visitor":
            response = api.login(city["staff"][role].email)
            assert response.status_code == 200, response.json
        return api
    return make


@pytest.fixture(scope="session")
def push_service():
    """The local push service (a separate process that verifies VAPID and decrypts every payload)."""
    with PushService() as service:
        yield service
