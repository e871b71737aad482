"""A push endpoint belongs to the identity that registered it: knowing someone's endpoint is not enough to
take their subscription over."""
from backend.models import PushSubscription, Youth
from tests.push.helpers import subscribe


def test_another_identity_cannot_take_over_a_known_endpoint(as_role, push_service):
    owner, stranger = as_role("youth"), as_role("youth")
    browser = subscribe(owner, push_service)
    owner_id = owner.get("/api/me").json["id"]
    own_keys = push_service.subscribe()["keys"]                   # the stranger's own browser keys

    response = stranger.post("/api/push/subscriptions", {"endpoint": browser["endpoint"], "keys": own_keys})

    assert response.status_code == 409
    assert response.json["error"]["code"] == "endpoint_taken"
    row = PushSubscription.get(PushSubscription.endpoint == browser["endpoint"])
    assert row.youth_id == owner_id and row.p256dh == browser["keys"]["p256dh"]
    assert owner.post("/api/push/test", {"endpoint": browser["endpoint"]}).status_code == 202
    [message] = push_service.messages(browser["endpoint"])        # still encrypted for the owner's browser
    assert message.json()["title"] == "Tuttu"


def test_staff_cannot_take_over_a_youths_endpoint_either(as_role, push_service):
    youth, officer = as_role("youth"), as_role("officer")
    browser = subscribe(youth, push_service)
    other_keys = push_service.subscribe()["keys"]
    assert officer.post("/api/push/subscriptions",
                        {"endpoint": browser["endpoint"], "keys": other_keys}).status_code == 409
    assert PushSubscription.get(PushSubscription.endpoint == browser["endpoint"]).staff_id is None


def test_the_same_browser_moves_its_subscription_to_a_new_identity(as_role, new_client, push_service):
    """One phone: a youth erases themself and starts again; the browser sends the same subscription."""
    first = as_role("youth")
    browser = subscribe(first, push_service)
    first.delete("/api/me")
    second = as_role("youth")
    response = second.post("/api/push/subscriptions", dict(browser, lang="en"))
    assert response.status_code in (200, 201)
    row = PushSubscription.get(PushSubscription.endpoint == browser["endpoint"])
    assert row.youth_id == second.get("/api/me").json["id"]


def test_a_staff_member_and_a_youth_sharing_a_browser_need_its_keys(as_role, push_service):
    youth, officer = as_role("youth"), as_role("officer")
    browser = subscribe(youth, push_service)
    response = officer.post("/api/push/subscriptions", dict(browser))      # same endpoint, same keys
    assert response.status_code == 200
    row = PushSubscription.get(PushSubscription.endpoint == browser["endpoint"])
    assert row.staff_id is not None and row.youth_id is None
    assert Youth.select().count() == 1


def test_the_owner_renews_their_keys(as_role, push_service):
    owner = as_role("youth")
    browser = subscribe(owner, push_service)
    new_keys = push_service.subscribe()["keys"]
    response = owner.post("/api/push/subscriptions", {"endpoint": browser["endpoint"], "keys": new_keys})
    assert response.status_code == 200
    assert PushSubscription.get(PushSubscription.endpoint == browser["endpoint"]).auth == new_keys["auth"]
