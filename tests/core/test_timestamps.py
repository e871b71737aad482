"""Every timestamp the API sends has one format: ISO 8601 in UTC with milliseconds and Z."""
import re

from backend.clock import iso
from backend.demo import seed_demo
from backend.models import Answer, ChatSession, Meetup, Post, Sector, Staff
from tests.support import ApiClient

STRICT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
LOOKS_LIKE_A_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def timestamps(value, path="$"):
    """(path, string) for every string in a JSON value that looks like a date and time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from timestamps(item, f"{path}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from timestamps(item, f"{path}[{n}]")
    elif isinstance(value, str) and LOOKS_LIKE_A_TIME.match(value):
        yield path, value


def demo_ids():
    officer = Staff.select().where(Staff.role == Staff.OFFICER).first()
    return {"session_id": ChatSession.select().first().id, "meetup_id": Meetup.select().first().id,
            "sector_id": Sector.select().first().id, "officer_id": officer.id, "post_id": Post.select().first().id,
            "answer_id": (Answer.select().first() or officer).id}


def get_routes(app, ids):
    """Every GET /api/ route whose path parameters the demo city can fill."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.rule.startswith("/api/") and set(rule.arguments) <= set(ids):
            yield rule.rule, app.url_map.bind("localhost").build(rule.endpoint, {a: ids[a] for a in rule.arguments})


def test_iso_writes_utc_with_milliseconds_and_z():
    from datetime import datetime, timedelta, timezone
    assert iso(datetime(2026, 3, 29, 1, 30, 5, 123456)) == "2026-03-29T01:30:05.123Z"
    helsinki = timezone(timedelta(hours=3))
    assert iso(datetime(2026, 6, 1, 19, 0, tzinfo=helsinki)) == "2026-06-01T16:00:00.000Z"
    assert iso(None) is None


def test_every_timestamp_in_every_get_response_has_the_one_format(app):
    with app.app_context():
        logins = {role: (email, password) for role, email, password in seed_demo()}
        ids = demo_ids()
        routes = sorted(set(get_routes(app, ids)))
    youth, officer, admin = (ApiClient(app.test_client()) for _ in range(3))
    youth.become_youth()
    for api, role in ((officer, "officer"), (admin, "admin")):
        assert api.login(*logins[role]).status_code == 200
    seen, wrong = 0, []
    for api in (youth, officer, admin):
        for rule, url in routes:
            response = api.get(url)
            if response.status_code != 200 or not response.is_json:
                continue
            for where, value in timestamps(response.json):
                seen += 1
                if not STRICT.fullmatch(value):
                    wrong.append(f"{rule} {where}: {value}")
    assert seen > 20, "the walk should meet timestamps in sessions, posts, meetups and more"
    assert not wrong, "\n".join(sorted(set(wrong)))
