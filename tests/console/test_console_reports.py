"""Reports: a scripted chat session's counts, the monthly and sector overview, CSV, and who may read them."""
from datetime import timedelta

import pytest

from backend.broker import LocalBroker
from backend.db import db
from backend.models import ChatSession, Follow, Meetup, Post, Signup, Youth, utcnow
from tests.chat.helpers import reset_hub
from tests.console.helpers import EXPECTED_COUNTS, script_session


@pytest.fixture
def scripted(app, city):
    ctx = app.app_context()
    ctx.push()
    db.connect(reuse_if_open=True)
    reset_hub(LocalBroker())
    yield script_session(city)
    reset_hub()
    if not db.is_closed():
        db.close()
    ctx.pop()


def test_a_scripted_sessions_report_shows_the_right_counts(app, scripted, as_role):
    session, held = scripted
    from backend.models import ChatMessage
    assert ChatMessage.get_by_id(held["id"]).hold_reason == "phone"     # what the rules did, as the chat saw it
    worker = as_role("youth_worker")
    listed = worker.get("/api/console/reports/sessions").json["sessions"]
    assert [s["id"] for s in listed] == [session.id]
    report = worker.get(f"/api/console/reports/sessions/{session.id}").json
    assert report["counts"] == EXPECTED_COUNTS
    assert report["median_seconds_to_first_answer"] is not None and report["median_seconds_to_first_answer"] >= 0
    text = str(report)
    assert "Teen" not in text and "e-scooter" not in text               # counts only, nobody identified
    csv = worker.get(f"/api/console/reports/sessions/{session.id}.csv").get_data(as_text=True).splitlines()
    assert csv[0] == "measure,value" and "questions_asked,4" in csv and "reminders_delivered,1" in csv
    assert worker.get("/api/console/reports/sessions/999").status_code == 404


def test_overview_counts_months_and_sectors(app, city, as_role):
    now = utcnow()
    north = city["north"]
    for days in (0, 40):
        ChatSession.create(title="Chat", starts_at=now - timedelta(days=days, hours=1), ends_at=now - timedelta(days=days))
    ChatSession.create(title="Next", starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1))
    Post.create(author=city["staff"]["officer"], sector=north, text="Hi")
    for n in range(2):
        Follow.create(youth=Youth.create(handle=f"F{n}"), sector=north)
    meetup = Meetup.create(title="Past", kind="sports", venue_name="Hall", starts_at=now - timedelta(hours=3),
                           ends_at=now - timedelta(hours=1), capacity=5)
    for n, (status, came) in enumerate([("confirmed", True), ("confirmed", False), ("waitlisted", False)]):
        Signup.create(meetup=meetup, status=status, arrival=n + 1, age=15, checked_in_at=now if came else None)
    data = as_role("admin").get("/api/console/reports/overview").json
    assert len(data["months"]) == 12 and data["months"][-1] == now.strftime("%Y-%m")
    assert sum(data["monthly"]["sessions"]) == 2                       # the coming one is not counted
    assert sum(data["monthly"]["meetup_signups"]) == 2 and sum(data["monthly"]["meetup_attended"]) == 1
    assert sum(data["monthly"]["meetup_no_shows"]) == 1
    assert {"sector": "North", "posts": 1, "followers": 2} in data["sectors"]
    csv = as_role("youth_worker").get("/api/console/reports/overview.csv").get_data(as_text=True)
    assert csv.splitlines()[0] == "month,visitors,sessions,answers_published,meetup_signups,meetup_attended,meetup_no_shows"
    assert "North,1,2" in csv


def test_reports_are_for_youth_workers_and_admins(app, city, as_role):
    for role in ("officer", "organiser", "unverified", "youth"):
        assert as_role(role).get("/api/console/reports/overview").status_code == 403


def test_visitors_are_counted_without_anything_that_identifies_them(app, city, as_role, new_client):
    from backend.models import MonthlyVisits
    browser = new_client()
    for _ in range(2):
        answer = browser.http.post("/api/visits")               # no CSRF token, no session needed
        assert answer.status_code == 204 and "Set-Cookie" not in answer.headers
    assert [(row.month, row.visitors) for row in MonthlyVisits.select()] == [(utcnow().strftime("%Y-%m"), 2)]
    data = as_role("admin").get("/api/console/reports/overview").json
    assert data["monthly"]["visitors"][-1] == 2 and sum(data["monthly"]["visitors"]) == 2
