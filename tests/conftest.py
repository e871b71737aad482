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


def _one_database_and_port_range_per_worker():
    """Under pytest-xdist (`-n auto`) each worker gets its own PostgreSQL database (`test_gw0`, made on first
    use next to TEST_DATABASE_URL's) and its own slice of the loopback ports that tests/scale uses; Redis keys
    follow the database URL (backend/config.redis_prefix), so workers never see each other's chats or limits."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    index, count = int(worker.removeprefix("gw")), max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    from tests.support import port_range, sibling_database
    first, last = port_range()
    size = (last - first + 1) // count
    os.environ["TUTTU_TEST_PORTS"] = f"{first + index * size}-{first + (index + 1) * size - 1}"
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    try:
        os.environ["TEST_DATABASE_URL"] = sibling_database(url, f"_{worker}")
    except Exception:           # no PostgreSQL here: the tests that need it skip (or fail under REQUIRE_SERVICES=1)
        pass


_one_database_and_port_range_per_worker()


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
from backend.chat.hub import hub  # noqa: E402
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
        # A test database needs no durable commits: 0.06 ms a commit instead of 2 ms waiting for the disk.
        cursor.execute("SELECT current_database()")
        cursor.execute(f'ALTER DATABASE "{cursor.fetchone()[0]}" SET synchronous_commit = off')
    connection.close()
    _fresh_postgres.add(url)


_emptying = {}


def _empty_postgres():
    """Every table emptied and every id sequence back at 1, in one round trip. DELETE with foreign-key triggers
    off (session_replication_role, the test database's superuser) takes about 1 ms where TRUNCATE of the ~40
    tables took 75-100 ms, before every test."""
    url = db.obj.database
    if url not in _emptying:
        tables = [model._meta.table_name for model in ALL_MODELS]
        sequences = [row[0] for row in db.execute_sql(     # the id sequences of these tables (TRUNCATE's RESTART IDENTITY)
            "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid JOIN pg_class t ON d.refobjid = t.oid"
            " WHERE s.relkind = 'S' AND t.relname = ANY(%s)", (tables,)).fetchall()]
        _emptying[url] = ("BEGIN; SET LOCAL session_replication_role = replica; "
                          + " ".join(f'DELETE FROM "{model._meta.table_name}";' for model in ALL_MODELS)
                          + (" SELECT " + ", ".join(f"setval('\"{name}\"', 1, false)" for name in sequences) + ";"
                             if sequences else "") + " COMMIT;")
    db.execute_sql(_emptying[url])


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
    hub.reset()     # the test's rooms and presence ticker end with its app (a late tick wrote into the next test's)
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
    """The local push service (a thread of the test process that verifies VAPID and decrypts every payload)."""
    with PushService() as service:
        yield service
