"""The sender on its own: one VAPID signature per origin and expiry window, aud with the port, limits."""
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from backend.push.sender import (
    JWT_LIFETIME,
    MAX_PAYLOAD,
    OutgoingPush,
    PushSender,
    VapidKeys,
    VapidSigner,
    origin_of,
    parse_retry_after,
)
from tests.push.pushservice import PushService


@pytest.fixture(scope="module")
def keys():
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return VapidKeys(pem)


def test_origin_keeps_a_non_default_port_only():
    assert origin_of("https://fcm.googleapis.com/fcm/send/abc") == "https://fcm.googleapis.com"
    assert origin_of("https://push.example:443/x") == "https://push.example"
    assert origin_of("http://127.0.0.1:8700/push/x") == "http://127.0.0.1:8700"


def test_one_signature_per_origin_reused_until_shortly_before_expiry(keys):
    now = [1_800_000_000.0]
    signer = VapidSigner(keys, "mailto:push@tuttu.example", clock=lambda: now[0])
    first = signer.authorization("https://fcm.googleapis.com/fcm/send/a")
    assert signer.authorization("https://fcm.googleapis.com/fcm/send/b") == first
    other = signer.authorization("https://updates.push.services.mozilla.com/wpush/v2/c")
    assert other != first and signer.signatures == 2
    now[0] += JWT_LIFETIME - 3601                     # still more than an hour left: reused
    assert signer.authorization("https://fcm.googleapis.com/fcm/send/d") == first
    now[0] += 2                                       # less than an hour left: signed again
    renewed = signer.authorization("https://fcm.googleapis.com/fcm/send/e")
    assert renewed != first and signer.signatures == 3
    token = renewed.split("t=")[1].split(",")[0]
    claims = jwt.decode(token, keys.private.public_key(), algorithms=["ES256"],
                        audience="https://fcm.googleapis.com", options={"verify_exp": False})
    assert claims["exp"] == int(now[0]) + JWT_LIFETIME and claims["sub"] == "mailto:push@tuttu.example"


def test_a_thousand_messages_take_one_signature_and_arrive_decrypted(keys):
    with PushService() as service:
        browsers = [service.subscribe(application_server_key=keys.public_key) for _ in range(1000)]
        sender = PushSender(keys, "mailto:push@tuttu.example", concurrency=8, allow_loopback=True)
        pushes = [OutgoingPush(b["endpoint"], b["keys"]["p256dh"], b["keys"]["auth"], f"m{i}".encode(), ttl=60)
                  for i, b in enumerate(browsers)]
        outcomes = sender.send_many(pushes)
        sender.close()
        assert {o.status for o in outcomes} == {201}
        assert sender.signer.signatures == 1 and service.stats()["vapid_tokens"] == 1
        assert [m.payload for m in service.messages(browsers[7]["endpoint"])] == [b"m7"]


def test_payload_limit_and_refused_endpoints_are_not_sent(keys):
    with PushService() as service:
        browser = service.subscribe()
        sender = PushSender(keys, "mailto:push@tuttu.example", concurrency=2, allow_loopback=True)
        too_big = OutgoingPush(browser["endpoint"], browser["keys"]["p256dh"], browser["keys"]["auth"],
                               b"x" * (MAX_PAYLOAD + 1), ttl=60)
        largest = OutgoingPush(browser["endpoint"], browser["keys"]["p256dh"], browser["keys"]["auth"],
                               b"x" * MAX_PAYLOAD, ttl=60)
        assert sender.send(too_big).status == 0
        assert sender.send(largest).status == 201             # fits the 4096-byte record exactly
        strict = PushSender(keys, "mailto:push@tuttu.example", concurrency=2, allow_loopback=False)
        assert strict.send(largest).status == 0                # loopback refused unless allowed
        assert len(service.messages(browser["endpoint"])) == 1


def test_retry_after_as_seconds_or_date():
    assert parse_retry_after("120") == 120
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 60))
    assert 55 <= parse_retry_after(later) <= 61
