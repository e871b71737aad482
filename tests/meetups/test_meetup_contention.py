"""Capacity under contention: 200 simultaneous sign-ups at 10 places never overbook (SQLite or PostgreSQL,
whichever TEST_DATABASE_URL selects), and the waitlist moves by the clock: offers, claim windows, the next."""
import threading
from datetime import datetime, timedelta

import pytest
import requests

from backend.clock import utcnow
from backend.db import db
from backend.errors import ApiError
from backend.meetups.signups import Entry, cancel_signup, claim_offer, keep_waitlists_moving, sign_up
from backend.models import Meetup, Notification, Signup, Youth
from tests.support import serving

YOUTH = 200
PLACES = 10


@pytest.fixture
def server(app):
    with serving(app, backlog=512) as base:
        yield base


def meetup_row(app, **fields):
    now = utcnow()
    values = dict(title="Games night", kind="youth_centre_evening", venue_name="Kupla",
                  starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=3),
                  capacity=PLACES, waitlist_size=YOUTH, min_age=12, max_age=18)
    values.update(fields)
    with app.app_context(), db.connection_context():
        return Meetup.create(**values)


def youth_session(base):
    session = requests.Session()
    session.headers["Origin"] = base
    assert session.post(f"{base}/api/youth", headers={"X-CSRF-Token": csrf(session, base)}).status_code == 201
    session.headers["X-CSRF-Token"] = csrf(session, base)
    return session


def csrf(session, base):
    return session.get(f"{base}/api/csrf").json()["csrf_token"]


def test_200_simultaneous_signups_for_10_places(app, server):
    meetup = meetup_row(app)
    sessions = [youth_session(server) for _ in range(YOUTH)]
    # the first 20 youth also send their sign-up twice at the same moment
    attempts = [(i, s) for i, s in enumerate(sessions)] + [(i, sessions[i]) for i in range(20)]
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def attempt(n, index, session):
        barrier.wait()
        response = session.post(f"{server}/api/meetups/{meetup.id}/signups", json={"first_name": f"Y{index}", "age": 14},
                                timeout=60)
        results[n] = (index, response.status_code, response.json())

    threads = [threading.Thread(target=attempt, args=(n, i, s)) for n, (i, s) in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [code for _, code, _ in results]
    assert not [r for r in results if r[1] >= 500], [r for r in results if r[1] >= 500][:3]
    assert statuses.count(201) == YOUTH and statuses.count(409) == 20
    assert {r[2]["error"]["code"] for r in results if r[1] == 409} == {"already_signed_up"}
    accepted = [body for _, code, body in results if code == 201]
    assert sum(body["status"] == "confirmed" for body in accepted) == PLACES
    positions = sorted(body["position"] for body in accepted if body["status"] == "waitlisted")
    assert positions == list(range(1, YOUTH - PLACES + 1))        # arrival order, no gaps, no repeats

    with app.app_context(), db.connection_context():
        rows = list(Signup.select().where(Signup.meetup == meetup.id).order_by(Signup.arrival))
        assert len(rows) == YOUTH and len({r.youth_id for r in rows}) == YOUTH
        assert [r.arrival for r in rows] == list(range(1, YOUTH + 1))
        assert [r.status for r in rows] == ["confirmed"] * PLACES + ["waitlisted"] * (YOUTH - PLACES)
        by_youth = {r.first_name: r for r in rows}
    for index, code, body in results:
        if code == 201 and body["status"] == "waitlisted":
            assert by_youth[f"Y{index}"].arrival == PLACES + body["position"]


@pytest.fixture
def ctx(app):
    with app.app_context(), db.connection_context():
        yield


def youth(n):
    start = Youth.select().count()
    return [Youth.create(handle=f"youth-{start + i}") for i in range(n)]


def test_cancellation_offers_the_place_with_a_claim_window_then_the_next(app, ctx):
    t0 = datetime(2026, 6, 1, 9, 0)
    meetup = Meetup.create(title="Camp", kind="summer_camp", venue_name="Hietasaari", capacity=2, waitlist_size=5,
                           starts_at=t0 + timedelta(days=10), ends_at=t0 + timedelta(days=12),
                           claim_window_hours=24)
    a, b, c, d = youth(4)
    for person in (a, b, c, d):
        sign_up(meetup.id, person.id, Entry("Y", 14), t0)
    status = lambda person: Signup.of(meetup.id, person.id).status  # noqa: E731
    assert [status(p) for p in (a, b, c, d)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]

    t1 = t0 + timedelta(hours=1)
    promoted = cancel_signup(meetup.id, a.id, t1)
    assert [s.youth_id for s in promoted] == [c.id]
    offer = Signup.of(meetup.id, c.id)
    assert offer.status == "offered" and offer.claim_by == t1 + timedelta(hours=24)
    assert Signup.of(meetup.id, d.id).waitlist_position() == 1
    assert Notification.select().where(Notification.key.startswith(f"meetup:{meetup.id}:promoted:")).count() == 1
    # the offered place is held: a newcomer goes to the waitlist behind d
    newcomer = youth(1)[0]
    assert sign_up(meetup.id, newcomer.id, Entry("N", 14), t1).status == "waitlisted"

    assert keep_waitlists_moving(t1 + timedelta(hours=23, minutes=59)) == {"expired": 0, "promoted": 0}
    assert status(c) == "offered"
    assert keep_waitlists_moving(t1 + timedelta(hours=24)) == {"expired": 1, "promoted": 1}
    assert status(c) == "cancelled" and status(d) == "offered"
    with pytest.raises(ApiError) as refused:
        claim_offer(meetup.id, c.id, t1 + timedelta(hours=25))
    assert refused.value.code == "no_offer"
    t2 = t1 + timedelta(hours=24)
    assert Signup.of(meetup.id, d.id).claim_by == t2 + timedelta(hours=24)
    with pytest.raises(ApiError) as late:
        claim_offer(meetup.id, d.id, t2 + timedelta(hours=24))
    assert late.value.code == "offer_expired"
    assert claim_offer(meetup.id, d.id, t2 + timedelta(hours=23)).status == "confirmed"
    assert [status(p) for p in (b, d, newcomer)] == ["confirmed", "confirmed", "waitlisted"]
    assert Meetup.get_by_id(meetup.id).places_taken() == 2


def test_claim_window_never_runs_past_the_start(app, ctx):
    t0 = datetime(2026, 6, 1, 9, 0)
    meetup = Meetup.create(title="Evening", kind="sports", venue_name="Hall", capacity=1, waitlist_size=1,
                           starts_at=t0 + timedelta(hours=5), ends_at=t0 + timedelta(hours=7))
    a, b = youth(2)
    sign_up(meetup.id, a.id, Entry("A", 14), t0)
    sign_up(meetup.id, b.id, Entry("B", 14), t0)
    cancel_signup(meetup.id, a.id, t0 + timedelta(hours=1))
    assert Signup.of(meetup.id, b.id).claim_by == meetup.starts_at
    assert keep_waitlists_moving(meetup.starts_at + timedelta(minutes=1)) == {"expired": 1, "promoted": 0}


def test_a_place_freed_by_erasing_an_identity_goes_to_the_next_in_line(app, ctx):
    t0 = datetime(2026, 6, 1, 9, 0)
    meetup = Meetup.create(title="Evening", kind="sports", venue_name="Hall", capacity=1, waitlist_size=1,
                           starts_at=t0 + timedelta(days=2), ends_at=t0 + timedelta(days=2, hours=2))
    a, b = youth(2)
    sign_up(meetup.id, a.id, Entry("A", 14), t0)
    sign_up(meetup.id, b.id, Entry("B", 14), t0)
    Youth.get_by_id(a.id).erase()
    assert keep_waitlists_moving(t0 + timedelta(minutes=5)) == {"expired": 0, "promoted": 1}
    assert Signup.of(meetup.id, b.id).status == "offered"
