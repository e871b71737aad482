"""Subscribing, preferences, the test notification, the SSRF guard and staff stats, through the API."""
import base64

import pytest

from backend.models import Delivery, PushSubscription, Youth
from backend.push.sender import EndpointRefused, check_endpoint
from tests.push.helpers import monday_session, subscribe


def test_public_key_is_an_uncompressed_p256_point(client):
    key = client.get("/api/push/key").json["key"]
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4
    assert client.get("/api/push/key").json["key"] == key   # generated once, then kept


def test_visitor_must_start_first(client, push_service):
    response = client.post("/api/push/subscriptions", push_service.subscribe())
    assert response.status_code == 401
    assert response.json["error"]["code"] == "login_required"


def test_subscribe_with_defaults_then_change_preferences(as_role, push_service):
    youth = as_role("youth")
    browser = subscribe(youth, push_service)
    got = youth.get("/api/push/preferences", query_string={"endpoint": browser["endpoint"]}).json
    assert got["subscription"]["preferences"] == {
        "lead_times": ["hour", "quarter"], "posts": True, "meetups": True,
        "quiet_hours": {"from": "21:00", "until": "08:00"}}
    response = youth.put("/api/push/preferences", {"endpoint": browser["endpoint"], "preferences": {
        "lead_times": ["day", "start"], "posts": False, "quiet_hours": {"from": "22:30", "until": "07:00"}}})
    assert response.status_code == 200
    assert response.json["subscription"]["preferences"] == {
        "lead_times": ["day", "start"], "posts": False, "meetups": True,
        "quiet_hours": {"from": "22:30", "until": "07:00"}}
    again = youth.post("/api/push/subscriptions", dict(browser, lang="fi"))
    assert again.status_code == 200 and again.json["subscription"]["lang"] == "fi"
    assert again.json["subscription"]["preferences"]["lead_times"] == ["day", "start"]
    assert PushSubscription.select().count() == 1


@pytest.mark.parametrize("change, field", [
    ({"keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys.p256dh"),
    ({"keys": {"p256dh": None, "auth": "short"}}, "keys.p256dh"),
    ({"preferences": {"lead_times": ["week"]}}, "preferences.lead_times.0"),
    ({"preferences": {"quiet_hours": {"from": "25:00", "until": "08:00"}}}, "preferences.quiet_hours.from"),
    ({"lang": "de"}, "lang"),
    ({"tracking": 1}, "tracking"),
])
def test_bad_subscriptions_are_refused_with_field_errors(as_role, push_service, change, field):
    youth = as_role("youth")
    response = youth.post("/api/push/subscriptions", {**push_service.subscribe(), **change})
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert PushSubscription.select().count() == 0


@pytest.mark.parametrize("endpoint", [
    "http://push.example.com/send/abc",          # not https
    "https://10.1.2.3/push/abc",                 # private
    "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
    "https://[::1]/push/abc",                    # loopback, not allowed unless configured
    "https://[fd00::1]/push/abc",                # unique local
    "https://user:pw@93.184.216.34/push/abc",    # credentials
    "https://no-such-host.invalid/push/abc",     # does not resolve
])
def test_ssrf_guard_refuses_internal_endpoints(endpoint):
    with pytest.raises(EndpointRefused):
        check_endpoint(endpoint, allow_loopback=False)


def test_ssrf_guard_allows_public_https_and_loopback_only_when_configured():
    check_endpoint("https://93.184.216.34/push/abc")
    check_endpoint("http://127.0.0.1:8700/push/abc", allow_loopback=True)
    with pytest.raises(EndpointRefused):
        check_endpoint("http://127.0.0.1:8700/push/abc")
    with pytest.raises(EndpointRefused):
        check_endpoint("http://10.0.0.1/push/abc", allow_loopback=True)


def test_api_refuses_loopback_endpoint_when_not_allowed(app, as_role, push_service):
    app.config["PUSH_ALLOW_LOOPBACK"] = False
    youth = as_role("youth")
    response = youth.post("/api/push/subscriptions", push_service.subscribe())
    assert response.status_code == 422 and "endpoint" in response.json["error"]["fields"]


def test_test_notification_arrives_decryptable_and_signed_with_our_key(as_role, push_service):
    youth = as_role("youth")
    browser = subscribe(youth, push_service)
    response = youth.post("/api/push/test", {"endpoint": browser["endpoint"]})
    assert response.status_code == 202
    [message] = push_service.messages(browser["endpoint"])
    payload = message.json()
    assert payload["title"] == "Tuttu" and payload["url"] == "/me"
    assert "Notifications work" in payload["body"]
    assert youth.get("/api/me").json["handle"] not in message.payload.decode()
    assert message.ttl > 0 and message.topic == "test"


def test_only_the_owner_can_see_change_or_delete_a_subscription(as_role, push_service):
    owner, other = as_role("youth"), as_role("youth")
    browser = subscribe(owner, push_service)
    endpoint = {"endpoint": browser["endpoint"]}
    assert other.get("/api/push/preferences", query_string=endpoint).status_code == 404
    assert other.delete("/api/push/subscriptions", endpoint).status_code == 404
    assert other.post("/api/push/test", endpoint).status_code == 404
    assert owner.delete("/api/push/subscriptions", endpoint).status_code == 204
    assert owner.get("/api/push/preferences", query_string=endpoint).status_code == 404
    assert PushSubscription.select().count() == 0


def test_renewed_subscription_keeps_preferences_and_drops_the_old_endpoint(as_role, push_service):
    youth = as_role("youth")
    old = subscribe(youth, push_service, lead_times=["start"], posts=False)
    new = push_service.subscribe()
    response = youth.post("/api/push/subscriptions", dict(new, old_endpoint=old["endpoint"]))
    assert response.status_code == 201
    assert response.json["subscription"]["preferences"]["lead_times"] == ["start"]
    assert [s.endpoint for s in PushSubscription.select()] == [new["endpoint"]]
    gone_old = youth.post("/api/push/subscriptions", dict(push_service.subscribe(), old_endpoint=old["endpoint"]))
    assert gone_old.status_code == 201          # the old one is already gone: start with the defaults
    assert gone_old.json["subscription"]["preferences"]["lead_times"] == ["hour", "quarter"]


def test_erasing_a_youth_removes_their_subscriptions(as_role, push_service):
    youth = as_role("youth")
    subscribe(youth, push_service)
    assert youth.delete("/api/me").status_code == 204
    assert PushSubscription.select().count() == 0 and Youth.select().count() == 0


def test_staff_see_how_many_reminders_a_session_sent_delivered_and_dropped(app, as_role, push_service):
    from backend.push.jobs import schedule_reminders
    live, dead = as_role("youth"), as_role("youth")
    subscribe(live, push_service)
    gone = subscribe(dead, push_service)
    push_service.unsubscribe(gone["endpoint"])
    session = monday_session()
    from datetime import timedelta
    with app.app_context():
        schedule_reminders(now=session.starts_at - timedelta(minutes=60))
    stats = as_role("youth_worker").get(f"/api/push/stats/sessions/{session.id}")
    assert stats.status_code == 200
    assert stats.json["total"] == {"targeted": 2, "pending": 0, "delivered": 1, "dropped": 1}
    assert [r["lead"] for r in stats.json["reminders"]] == ["hour"]
    assert live.get(f"/api/push/stats/sessions/{session.id}").status_code == 403
    assert Delivery.select().where(Delivery.status == "gone").count() == 1
