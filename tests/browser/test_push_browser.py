"""Push reminders in a real Chromium: the Me section, permission only after a tap, the service worker.

Headless Chromium cannot register with a real push service (FCM) offline, so the page's
PushManager hands out a subscription of the local push service instead (an init script); everything
else is real: our server stores it, encrypts and signs, the local push service verifies and decrypts,
and the service worker shows what a push service delivers (CDP ServiceWorker.deliverPushMessage).
"""
import json
import re

import pytest

from backend.models import PushSubscription


@pytest.fixture
def app_config(app_config):
    app_config["PUSH_ALLOW_LOOPBACK"] = True   # the local push service is on 127.0.0.1
    return app_config

FAKE_PUSH_MANAGER = """
(() => {
  const sim = %s;
  const keyBytes = (s) => Uint8Array.from(atob((s + '==='.slice((s.length + 3) %% 4)).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  window.__push = { permissionAsked: 0, subscribed: null };
  const original = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = () => { window.__push.permissionAsked += 1; return original(); };
  const make = (options) => ({
    endpoint: sim.endpoint, options: { applicationServerKey: options.applicationServerKey.buffer || options.applicationServerKey },
    toJSON: () => ({ endpoint: sim.endpoint, expirationTime: null, keys: sim.keys }),
    unsubscribe: async () => { window.__push.subscribed = null; return true; },
  });
  PushManager.prototype.subscribe = async function (options) { window.__push.subscribed = make(options); return window.__push.subscribed; };
  PushManager.prototype.getSubscription = async function () { return window.__push.subscribed; };
})();
"""


@pytest.fixture
def browser_subscription(app, push_service, context):
    from backend.push.delivery import vapid_keys
    with app.app_context():
        key = vapid_keys().public_key
    sim = push_service.subscribe(application_server_key=key)
    context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(sim))
    context.grant_permissions(["notifications"])
    return sim


def test_remind_me_asks_after_the_tap_then_preferences_and_test_notification(
        page, shell, browser_subscription, push_service, axe):
    shell.start_anonymously(page)
    section = page.locator("#me-push")
    remind = section.get_by_role("button", name="Remind me")
    remind.wait_for()
    assert page.evaluate("window.__push.permissionAsked") == 0          # never on page load
    remind.click()
    section.get_by_text("Reminders are on for this device.").wait_for()
    assert page.evaluate("window.__push.permissionAsked") == 1
    [stored] = PushSubscription.select()
    assert stored.endpoint == browser_subscription["endpoint"] and stored.lang == "en"
    assert section.get_by_label("1 hour before").is_checked()
    assert section.get_by_label("15 minutes before").is_checked()
    assert not section.get_by_label("The day before").is_checked()
    section.get_by_label("1 hour before").uncheck()
    section.get_by_label("From", exact=True).fill("22:00")
    section.get_by_role("button", name="Save reminder settings").click()
    page.get_by_text("Reminder settings saved.").first.wait_for()
    stored = PushSubscription.get()
    assert stored.preferences()["lead_times"] == ["quarter"]
    assert stored.preferences()["quiet_hours"] == {"from": "22:00", "until": "08:00"}
    section.get_by_role("button", name="Send me a test notification").click()
    page.get_by_text("Test notification sent.").first.wait_for()
    [message] = push_service.messages(browser_subscription["endpoint"])
    assert message.json()["body"] == "Notifications work. This is how Tuttu will remind you."
    violations = axe(page)
    assert violations == [], violations
    section.get_by_role("button", name="Turn off reminders").click()
    section.get_by_role("button", name="Remind me").wait_for()
    assert PushSubscription.select().count() == 0
    assert page.console_errors == []


def test_visitor_is_told_to_start_first(page, goto, browser_subscription):
    goto(page, "/me")
    page.locator("#me-push").get_by_text(re.compile("Tap 'Start' above first")).wait_for()
    assert page.evaluate("window.__push.permissionAsked") == 0


def test_service_worker_shows_a_pushed_notification_with_its_link(page, goto, shell, browser_subscription, context):
    goto(page, "/")
    shell.wait_for_service_worker(page)
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    registration_id = registrations[0]["registrationId"]
    payload = {"title": "Tuttu", "body": "The Tuttu chat opens in 15 minutes.", "url": "/chat/7",
               "tag": "session-7", "id": 1}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": shell.url, "registrationId": registration_id,
                                                  "data": json.dumps(payload)})
    shown = None
    for _ in range(50):
        shown = page.evaluate("""async () => {
            const list = await (await navigator.serviceWorker.ready).getNotifications();
            return list.map((n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}));
        }""")
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [{"title": "Tuttu", "body": "The Tuttu chat opens in 15 minutes.", "tag": "session-7",
                      "url": "/chat/7"}]


def test_staff_see_the_next_chats_reminder_figures(app, page, goto, city, context, browser_subscription, push_service):
    from datetime import datetime, time, timedelta, timezone

    from backend.models import ChatSession, utcnow
    from backend.push.notify import notify_session_reminder
    from tests.push.helpers import HELSINKI
    from tests.support import PASSWORD
    youth = push_service.subscribe()
    PushSubscription.create(endpoint=youth["endpoint"], p256dh=youth["keys"]["p256dh"], auth=youth["keys"]["auth"])
    session = ChatSession.create(title="Monday chat", starts_at=utcnow() + timedelta(minutes=50),
                                 ends_at=utcnow() + timedelta(minutes=170))
    # sent at the last noon in the city (before now): outside quiet hours whatever the hour the test runs at
    local_now = datetime.now(HELSINKI)
    noon = datetime.combine(local_now.date() - timedelta(days=local_now.hour < 12), time(12), HELSINKI)
    with app.app_context():
        notify_session_reminder(session, "hour", now=noon.astimezone(timezone.utc).replace(tzinfo=None))
    token = context.request.get("/api/csrf").json()["csrf_token"]
    login = context.request.post("/api/auth/login", headers={"X-CSRF-Token": token, "Origin": app.config["LIVE_SERVER_URL"]},
                                 data={"email": city["staff"]["youth_worker"].email, "password": PASSWORD})
    assert login.status == 200, login.text()
    goto(page, "/me")                # a first visit: the screen must not wait for the service worker
    page.locator("#me-push").get_by_text("1 delivered, 0 dropped, 0 waiting, of 1 sent.").wait_for()


def _service_worker(page, context, shell):
    shell.wait_for_service_worker(page)
    for _ in range(50):
        if context.service_workers:
            return context.service_workers[0]
        page.wait_for_timeout(100)
    raise AssertionError("no service worker")


def test_a_renewed_subscription_is_sent_to_the_server_with_the_old_preferences(
        page, shell, context, browser_subscription, push_service):
    shell.start_anonymously(page)
    page.locator("#me-push").get_by_role("button", name="Remind me").click()
    page.locator("#me-push").get_by_text("Reminders are on for this device.").wait_for()
    stored = PushSubscription.get()
    stored.set_preferences(lead_times=["start"])
    stored.save()
    renewed = push_service.subscribe()
    worker = _service_worker(page, context, shell)
    worker.evaluate("""(args) => renewPushSubscription({
        oldSubscription: {endpoint: args.old},
        newSubscription: {toJSON: () => ({endpoint: args.renewed.endpoint, expirationTime: null, keys: args.renewed.keys})},
    })""", {"old": browser_subscription["endpoint"], "renewed": renewed})
    [now_stored] = PushSubscription.select()
    assert now_stored.endpoint == renewed["endpoint"]
    assert now_stored.preferences()["lead_times"] == ["start"]


def test_clicking_a_notification_takes_the_open_window_to_its_link(page, goto, shell, context, browser_subscription):
    goto(page, "/me")
    worker = _service_worker(page, context, shell)
    worker.evaluate("""() => openFromNotification({notification: {close() {}, data: {url: '/meetups'}}})""")
    page.wait_for_url("**/meetups")
