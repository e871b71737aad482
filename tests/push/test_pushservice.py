"""The local push service refuses what a real one refuses and decrypts what the webpush package sends."""
import time
from types import SimpleNamespace

import jwt
import pytest
import requests
from webpush import WebPush, WebPushSubscription
from webpush.vapid import VAPID

from tests.push.pushservice import PushService


@pytest.fixture(scope="module")
def service():
    with PushService() as s:
        yield s


@pytest.fixture(scope="module")
def vapid_keys():
    private_pem, public_pem, server_key = VAPID.generate_keys()
    return SimpleNamespace(private=private_pem, public=public_pem, server_key=server_key)


def vapid_header(keys, origin, exp_in=3600, sub="mailto:push@tuttu.example", private=None):
    token = jwt.encode({"aud": origin, "exp": int(time.time()) + exp_in, "sub": sub},
                       private or keys.private, algorithm="ES256")
    return f"vapid t={token}, k={keys.server_key}"


def webpush_message(keys, subscription, payload):
    """Encrypt with the webpush package (its aes128gcm code), as our sender does."""
    message = WebPush(keys.private, keys.public, subscriber="push@tuttu.example", ttl=60).get(
        payload, WebPushSubscription.model_validate(subscription))
    return message.encrypted


def post(subscription, body, **headers):
    base = {"TTL": "60", "Content-Encoding": "aes128gcm"}
    base.update({k.replace("_", "-"): v for k, v in headers.items() if v is not None})
    return requests.post(subscription["endpoint"], data=body, headers=base, timeout=5)


def test_webpush_encrypted_message_is_decrypted_and_recorded_with_headers(service, vapid_keys):
    sub = service.subscribe()
    body = webpush_message(vapid_keys, sub, {"title": "Tuttu", "body": "Monday chat opens in 15 minutes"})
    r = post(sub, body, Authorization=vapid_header(vapid_keys, service.origin),
             TTL="900", Urgency="high", Topic="session-12")
    assert r.status_code == 201 and r.headers["Location"].startswith("/message/")
    [msg] = service.messages(sub["endpoint"])
    assert msg.json() == {"title": "Tuttu", "body": "Monday chat opens in 15 minutes"}
    assert (msg.ttl, msg.urgency, msg.topic) == (900, "high", "session-12")


def test_webpush_own_vapid_header_is_refused_because_its_aud_drops_the_port(service, vapid_keys):
    # webpush builds aud from scheme://host, losing ":port"; fine on 443, wrong on our loopback port
    sub = service.subscribe()
    msg = WebPush(vapid_keys.private, vapid_keys.public, subscriber="push@tuttu.example").get(
        "hi", WebPushSubscription.model_validate(sub))
    r = post(sub, msg.encrypted, Authorization=msg.headers["authorization"])
    assert r.status_code == 401
    assert service.messages(sub["endpoint"]) == []


@pytest.mark.parametrize("case", ["forged", "expired", "too_far", "wrong_aud", "no_sub", "missing"])
def test_bad_vapid_tokens_are_refused(service, vapid_keys, case):
    sub = service.subscribe()
    other = VAPID.generate_keys()[0]
    auth = {
        "forged": vapid_header(vapid_keys, service.origin, private=other),
        "expired": vapid_header(vapid_keys, service.origin, exp_in=-5),
        "too_far": vapid_header(vapid_keys, service.origin, exp_in=25 * 3600),
        "wrong_aud": vapid_header(vapid_keys, "https://fcm.googleapis.com"),
        "no_sub": f"vapid t={jwt.encode({'aud': service.origin, 'exp': int(time.time()) + 60}, vapid_keys.private, algorithm='ES256')}, k={vapid_keys.server_key}",
        "missing": None,
    }[case]
    r = post(sub, webpush_message(vapid_keys, sub, "hi"), Authorization=auth)
    assert r.status_code == 401
    assert service.messages(sub["endpoint"]) == []


def test_key_other_than_the_subscriptions_application_server_key_is_forbidden(service, vapid_keys):
    sub = service.subscribe(application_server_key="BOther" + vapid_keys.server_key[6:])
    r = post(sub, webpush_message(vapid_keys, sub, "hi"),
             Authorization=vapid_header(vapid_keys, service.origin))
    assert r.status_code == 403


def test_headers_and_body_are_checked(service, vapid_keys):
    sub = service.subscribe()
    auth = vapid_header(vapid_keys, service.origin)
    body = webpush_message(vapid_keys, sub, "hi")
    assert requests.post(sub["endpoint"], data=body, timeout=5,
                         headers={"Authorization": auth, "Content-Encoding": "aes128gcm"}).status_code == 400
    assert post(sub, body, Authorization=auth, Content_Encoding="aesgcm").status_code == 415
    assert post(sub, body, Authorization=auth, Urgency="urgent").status_code == 400
    assert post(sub, body, Authorization=auth, Topic="has space").status_code == 400
    assert post(sub, b"x" * 4097, Authorization=auth).status_code == 413
    tampered = body[:-1] + bytes([body[-1] ^ 1])
    assert post(sub, tampered, Authorization=auth).status_code == 400
    other_sub = service.subscribe()  # encrypted for someone else: cannot be decrypted here
    assert post(sub, webpush_message(vapid_keys, other_sub, "hi"), Authorization=auth).status_code == 400
    assert service.messages(sub["endpoint"]) == []


def test_canned_answers_once_or_always(service, vapid_keys):
    sub = service.subscribe()
    auth = vapid_header(vapid_keys, service.origin)
    service.answer(sub["endpoint"], 429, retry_after=7, times=1)
    r = post(sub, webpush_message(vapid_keys, sub, "one"), Authorization=auth)
    assert (r.status_code, r.headers["Retry-After"]) == (429, "7")
    assert post(sub, webpush_message(vapid_keys, sub, "two"), Authorization=auth).status_code == 201
    for status in (500, 413, 404):
        service.answer(sub["endpoint"], status, times=1)
        assert post(sub, webpush_message(vapid_keys, sub, "x"), Authorization=auth).status_code == status
    service.unsubscribe(sub["endpoint"])
    for _ in range(2):
        assert post(sub, webpush_message(vapid_keys, sub, "three"), Authorization=auth).status_code == 410
    assert [m.payload for m in service.messages(sub["endpoint"])] == [b"two"]


def test_unknown_endpoint_is_404_and_duplicates_are_counted(service, vapid_keys):
    sub = service.subscribe()
    auth = vapid_header(vapid_keys, service.origin)
    missing = dict(sub, endpoint=service.origin + "/push/nobody")
    assert post(missing, b"x", Authorization=auth).status_code == 404
    before = service.stats()["duplicates"]
    for _ in range(2):
        assert post(sub, webpush_message(vapid_keys, sub, '{"id": 1}'), Authorization=auth).status_code == 201
    assert service.stats()["duplicates"] == before + 1
