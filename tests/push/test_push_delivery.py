"""Reminders at the right time, post notifications, quiet hours, dead subscriptions, retries, at most once.

The clock is driven: every job gets `now` explicitly. Messages are checked at the local push service,
which verified the VAPID signature and decrypted them with the browser's private key.
"""
import threading
from datetime import datetime, timedelta

import pytest

from backend.db import db
from backend.models import Delivery, Follow, Post, PushSubscription, Youth
from backend.push.delivery import MAX_ATTEMPTS, claim, deliver_batch, deliver_due, drop_stuck, sender
from backend.push.jobs import current_lead, purge_old, schedule_reminders
from backend.push.notify import notify_followers_of_post, notify_meetup
from tests.push.helpers import monday_session, next_monday, subscribe

MIN = timedelta(minutes=1)


@pytest.fixture
def job(app):
    """Run a job function the way the worker does: in an app context (requests push their own)."""
    def run(func, *args, **kwargs):
        with app.app_context():
            return func(*args, **kwargs)
    return run


def queue_only(notify):
    """Call a notify_* function while no worker runs: the deliveries are queued, nothing is sent."""
    def call(*args, **kwargs):
        import backend.push.notify
        started, backend.push.notify.start_delivery = backend.push.notify.start_delivery, lambda now=None: None
        try:
            return notify(*args, **kwargs)
        finally:
            backend.push.notify.start_delivery = started
    return call


def youth_of(api):
    return Youth.get_by_id(api.get("/api/me").json["id"])


def bodies(push_service, browser):
    return [m.json()["body"] for m in push_service.messages(browser["endpoint"])]


def test_following_a_sector_with_15_minutes_gets_one_reminder_at_the_right_time(job, city, as_role, push_service):
    youth = as_role("youth")
    Follow.create(youth=youth_of(youth), sector=city["north"])
    browser = subscribe(youth, push_service, lead_times=["quarter"])
    session = monday_session()
    for minutes in (24 * 60, 60, 16):
        job(schedule_reminders, now=session.starts_at - minutes * MIN)
    assert push_service.messages(browser["endpoint"]) == []
    job(schedule_reminders, now=session.starts_at - 15 * MIN)
    job(schedule_reminders, now=session.starts_at - 14 * MIN)      # the next minute's run: nothing new
    [message] = push_service.messages(browser["endpoint"])
    payload = message.json()
    assert payload["body"] == "The Tuttu chat opens in 15 minutes."
    assert payload["url"] == f"/chat/{session.id}" and payload["tag"] == f"session-{session.id}"
    assert (message.ttl, message.urgency, message.topic) == (15 * 60, "high", f"session-{session.id}")


def test_default_lead_times_are_one_hour_and_fifteen_minutes(job, as_role, push_service):
    browser = subscribe(as_role("youth"), push_service)
    session = monday_session()
    for minute in range(-25 * 60, 11, 1 if False else 5):
        job(schedule_reminders, now=session.starts_at + minute * MIN)
    assert bodies(push_service, browser) == ["The Tuttu chat opens in 1 hour.",
                                             "The Tuttu chat opens in 15 minutes."]
    hour = push_service.messages(browser["endpoint"])[0]
    assert (hour.ttl, hour.urgency) == (3600, "normal")


def test_day_before_and_at_start_and_language(job, as_role, push_service):
    youth = as_role("youth")
    browser = subscribe(youth, push_service, lead_times=["day", "start"])
    youth.post("/api/push/subscriptions", dict(browser, lang="fi"))
    session = monday_session()
    job(schedule_reminders, now=session.starts_at - 24 * 60 * MIN)
    job(schedule_reminders, now=session.starts_at)
    first, second = push_service.messages(browser["endpoint"])
    assert "16:00" in first.json()["body"]        # city time (Helsinki), not UTC
    assert second.urgency == "high" and second.ttl == 120 * 60   # lives until the session ends
    assert first.json()["body"] == "Tuttu-chat poliisin kanssa on huomenna klo 16:00."   # in Finnish


def test_lead_time_is_chosen_by_the_most_recent_moment_within_grace():
    start = datetime(2026, 11, 23, 14, 0)
    assert current_lead(start, start - 61 * MIN) is None
    assert current_lead(start, start - 60 * MIN) == "hour"
    assert current_lead(start, start - 16 * MIN) is None        # more than 20 min after the hour mark
    assert current_lead(start, start - 15 * MIN) == "quarter"
    assert current_lead(start, start + 5 * MIN) == "start"
    assert current_lead(start, start + 11 * MIN) is None


def test_nothing_is_sent_during_quiet_hours(job, as_role, push_service):
    browser = subscribe(as_role("youth"), push_service, lead_times=["quarter", "start"])
    late = monday_session(starts_utc=next_monday(21, 30), title="Late chat")   # 21:30 Helsinki
    job(schedule_reminders, now=late.starts_at - 15 * MIN)
    job(schedule_reminders, now=late.starts_at)
    assert push_service.messages(browser["endpoint"]) == []
    assert {d.status for d in Delivery.select()} == {"dropped"}
    assert {d.error for d in Delivery.select()} == {"quiet hours"}


def test_a_post_at_night_waits_for_the_morning(job, city, as_role, push_service):
    youth = as_role("youth")
    Follow.create(youth=youth_of(youth), officer=city["staff"]["officer"])
    browser = subscribe(youth, push_service)
    night = datetime(2026, 11, 23, 21, 0)                     # 23:00 Helsinki
    post = Post.create(author=city["staff"]["officer"], sector=None, text="Snow clearing tonight")
    job(notify_followers_of_post, post, now=night)
    job(deliver_due, now=datetime(2026, 11, 24, 5, 59))            # 07:59 Helsinki
    assert push_service.messages(browser["endpoint"]) == []
    job(deliver_due, now=datetime(2026, 11, 24, 6, 0))             # 08:00 Helsinki
    assert bodies(push_service, browser) == ["There is a new update from the police in your area."]


def test_a_post_notifies_followers_who_opted_in_and_no_one_else(job, city, as_role, push_service):
    officer = city["staff"]["officer"]
    sector_fan, officer_fan, opted_out, stranger = (as_role("youth") for _ in range(4))
    Follow.create(youth=youth_of(sector_fan), sector=city["north"])
    Follow.create(youth=youth_of(officer_fan), officer=officer)
    Follow.create(youth=youth_of(opted_out), sector=city["north"])
    Follow.create(youth=youth_of(stranger), sector=city["south"])
    browsers = [subscribe(api, push_service) for api in (sector_fan, officer_fan, stranger)]
    quiet = subscribe(opted_out, push_service, posts=False)
    post = Post.create(author=officer, sector=city["north"], text="Bike check at school on Friday")
    noon = datetime(2026, 11, 24, 10, 0)
    job(notify_followers_of_post, post, now=noon)
    assert job(notify_followers_of_post, post, now=noon) is None       # once per post
    assert [len(push_service.messages(b["endpoint"])) for b in browsers] == [1, 1, 0]
    assert push_service.messages(quiet["endpoint"]) == []
    message = push_service.messages(browsers[0]["endpoint"])[0]
    assert "Bike" not in message.payload.decode() and message.urgency == "low" and message.topic == "posts"


def test_meetup_promotion_reaches_only_that_youth(job, city, as_role, push_service):
    from backend.models import Meetup
    lucky, other = as_role("youth"), as_role("youth")
    lucky_browser, other_browser = subscribe(lucky, push_service), subscribe(other, push_service)
    noon = datetime(2026, 11, 24, 10, 0)
    meetup = Meetup.create(title="Skate night", kind="sports", venue_name="Kupla", capacity=10,
                           starts_at=noon + timedelta(days=3), ends_at=noon + timedelta(days=3, hours=2))
    job(notify_meetup, meetup, "promoted", [youth_of(lucky).id], now=noon)
    assert bodies(push_service, lucky_browser) == ["Good news: a place opened up for you at a meetup."]
    assert push_service.messages(other_browser["endpoint"]) == []
    with pytest.raises(ValueError):
        job(notify_meetup, meetup, "party", [youth_of(lucky).id], now=noon)


def test_an_organisers_message_is_announced_as_a_message_not_a_change(job, city, as_role, push_service):
    from backend.models import Meetup, Notification
    from tests.meetups.helpers import announce, sign_up
    organiser, youth = as_role("organiser"), as_role("youth")
    browser = subscribe(youth, push_service)
    meetup = announce(organiser)
    assert sign_up(youth, meetup["id"]).status_code == 201
    assert organiser.post(f"/api/meetups/{meetup['id']}/messages", {"text": "Bring shoes"}).status_code == 201
    sent = Notification.select().where(Notification.key.startswith(f"meetup:{meetup['id']}:message:"))
    assert sent.count() == 1
    noon = datetime(2026, 11, 24, 10, 0)
    job(notify_meetup, Meetup.get_by_id(meetup["id"]), "message", [youth_of(youth).id], now=noon)
    assert "The organiser of a meetup you signed up for sent a message. Open it in Tuttu." in bodies(push_service, browser)
    assert all("Bring shoes" not in body for body in bodies(push_service, browser))   # generic on lock screens


def test_dead_subscriptions_are_deleted(job, as_role, push_service):
    live, dead, missing = (subscribe(as_role("youth"), push_service) for _ in range(3))
    push_service.unsubscribe(dead["endpoint"])
    push_service.answer(missing["endpoint"], 404)
    session = monday_session()
    job(schedule_reminders, now=session.starts_at - 60 * MIN)
    assert [s.endpoint for s in PushSubscription.select()] == [live["endpoint"]]
    assert len(push_service.messages(live["endpoint"])) == 1
    assert Delivery.counts() == {"sent": 1, "gone": 2}


def test_429_waits_for_retry_after_then_delivers_once(job, as_role, push_service):
    browser = subscribe(as_role("youth"), push_service)
    push_service.answer(browser["endpoint"], 429, retry_after=120, times=1)
    session = monday_session()
    now = session.starts_at - 60 * MIN
    job(schedule_reminders, now=now)
    assert push_service.messages(browser["endpoint"]) == []
    job(deliver_due, now=now + 119 * timedelta(seconds=1))
    assert push_service.messages(browser["endpoint"]) == []
    job(deliver_due, now=now + 120 * timedelta(seconds=1))
    job(deliver_due, now=now + 10 * MIN)
    assert len(push_service.messages(browser["endpoint"])) == 1
    assert Delivery.get().attempts == 2 and Delivery.get().status == "sent"


def test_5xx_retries_with_bounded_exponential_backoff_then_gives_up(job, as_role, push_service, caplog):
    browser = subscribe(as_role("youth"), push_service, posts=True)
    push_service.answer(browser["endpoint"], 500)
    now = datetime(2026, 11, 24, 10, 0)
    from backend.models import Notification
    from backend.push.notify import notify_test
    job(notify_test, PushSubscription.get(), now=now)
    waits = []
    note = Notification.get()
    note.expires_at = now + timedelta(days=1)
    note.save()
    for _ in range(MAX_ATTEMPTS + 2):
        delivery = Delivery.get()
        if delivery.status != "queued":
            break
        waits.append((delivery.due_at - now).total_seconds())
        now = delivery.due_at
        job(deliver_due, now=now)
    assert waits == [30, 60, 120, 240, 480, 960, 1920][:MAX_ATTEMPTS - 1]
    assert Delivery.get().status == "failed" and Delivery.get().attempts == MAX_ATTEMPTS
    assert PushSubscription.select().count() == 1           # not dead: only unreachable for now
    told = [r.getMessage() for r in caplog.records if r.name == "backend.push.delivery"]
    assert told == ["push service did not take 1 deliveries (status 500 x1): 1 to retry, 0 given up"] * (MAX_ATTEMPTS - 1) + [
        "push service did not take 1 deliveries (status 500 x1): 0 to retry, 1 given up"]   # an operator sees why


@pytest.mark.parametrize("status", [400, 403, 413])
def test_other_4xx_are_not_retried(job, as_role, push_service, status):
    browser = subscribe(as_role("youth"), push_service)
    push_service.answer(browser["endpoint"], status, times=1)
    session = monday_session()
    job(schedule_reminders, now=session.starts_at - 60 * MIN)
    job(deliver_due, now=session.starts_at - 30 * MIN)
    assert Delivery.get().status == "failed" and Delivery.get().last_status == status
    assert push_service.messages(browser["endpoint"]) == []


def test_a_worker_stopping_mid_batch_never_causes_a_second_delivery(job, as_role, push_service):
    browsers = [subscribe(as_role("youth"), push_service) for _ in range(6)]
    session = monday_session()
    now = session.starts_at - 60 * MIN
    from backend.push.notify import notify_session_reminder
    job(queue_only(notify_session_reminder), session, "hour", now=now)   # we play the worker by hand
    batch = job(claim, now, worker="crashing", limit=10)
    job(lambda: deliver_batch(batch[:3], now, sender()))                  # then the process dies
    assert job(deliver_due, now=now + MIN)["sent"] == 0           # the restarted worker does not resend
    assert job(drop_stuck, now + 11 * MIN) == 3
    received = [len(push_service.messages(b["endpoint"])) for b in browsers]
    assert sorted(received) == [0, 0, 0, 1, 1, 1]
    assert Delivery.counts() == {"sent": 3, "dropped": 3}


def test_two_workers_share_a_fan_out_without_sending_anything_twice(job, app, as_role, push_service):
    browsers = [push_service.subscribe() for _ in range(120)]
    subscriptions = [PushSubscription(endpoint=b["endpoint"], p256dh=b["keys"]["p256dh"],
                                      auth=b["keys"]["auth"]) for b in browsers]
    PushSubscription.bulk_create(subscriptions, batch_size=100)
    session = monday_session()
    now = session.starts_at - 60 * MIN
    from backend.push.notify import notify_session_reminder
    job(queue_only(notify_session_reminder), session, "hour", now=now)
    results = []

    def worker(name):
        with app.app_context(), db.connection_context():
            results.append(deliver_due(now=now, worker=name, batch=7))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcome = (results, Delivery.counts(), push_service.stats()["counts"])   # what happened, if this fails
    assert sum(r["sent"] for r in results) == 120, outcome
    assert all(r["sent"] > 0 for r in results), outcome                # both did part of the work
    assert [len(push_service.messages(b["endpoint"])) for b in browsers] == [1] * 120


def test_retention_removes_old_notifications_and_long_dead_subscriptions(job, as_role, push_service):
    subscribe(as_role("youth"), push_service)
    session = monday_session()
    job(schedule_reminders, now=session.starts_at - 60 * MIN)
    assert job(purge_old, now=session.starts_at + timedelta(days=29)) == (0, 0)
    assert job(purge_old, now=session.starts_at + timedelta(days=91)) == (1, 1)
    assert Delivery.select().count() == 0


@pytest.mark.parametrize("lang", ["en", "fi", "sv", "da", "uk"])
def test_every_notification_text_fits_and_is_generic(lang):
    from backend.models import Notification
    from backend.push.sender import MAX_PAYLOAD
    from backend.push.texts import DEFAULTS, render_payload
    for key in DEFAULTS:
        note = Notification(id=2 ** 31, message=key, params={"time": "16:00"}, url="/meetups/2147483647",
                            topic="meetup-2147483647")
        payload = render_payload(note, lang)
        assert len(payload) <= MAX_PAYLOAD
        assert "{" not in __import__("json").loads(payload)["body"]     # every placeholder filled


def test_meetup_reminders_go_to_confirmed_youth_at_their_lead_times(job, as_role, push_service):
    from backend.models import Meetup, Signup
    going, waiting = as_role("youth"), as_role("youth")
    going_browser = subscribe(going, push_service, lead_times=["day", "hour"])
    waiting_browser = subscribe(waiting, push_service, lead_times=["day", "hour"])
    starts = datetime(2026, 11, 25, 15, 0)                       # 17:00 Helsinki
    meetup = Meetup.create(title="Skate night", kind="sports", venue_name="Kupla", capacity=1,
                           starts_at=starts, ends_at=starts + timedelta(hours=2))
    Signup.create(meetup=meetup, youth=youth_of(going), status=Signup.CONFIRMED, arrival=1, age=14)
    Signup.create(meetup=meetup, youth=youth_of(waiting), status=Signup.WAITLISTED, arrival=2, age=15)
    for minutes in (24 * 60, 24 * 60 - 1, 60, 59, 15, 0):
        job(schedule_reminders, now=starts - minutes * MIN)
    assert bodies(push_service, going_browser) == ["A meetup you signed up for is tomorrow.",
                                                   "A meetup you signed up for starts in 1 hour."]
    assert push_service.messages(waiting_browser["endpoint"]) == []
    message = push_service.messages(going_browser["endpoint"])[1]
    assert message.json()["url"] == f"/meetups/{meetup.id}" and "Skate" not in message.payload.decode()
